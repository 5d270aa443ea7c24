"""Write the example notebooks (outputs cleared). Run: ``.venv/bin/python notebooks/make_notebooks.py``.

The notebooks are generated from this script so that their code stays reviewable as
plain Python; ``tests/test_notebooks.py`` executes them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

QUICKSTART = [
    ("md", """# qualkit quickstart: from the demo corpus to a Word report

This notebook runs the study's pipeline on the bundled, **synthetic** demo corpus
(`data/demo`): load -> code with the study codebook -> reduce, display, synthesise ->
charts and a Word report. Run it from the `notebooks/` folder."""),
    ("code", """import tempfile
from pathlib import Path

import qualkit
from qualkit.notebook import Highlights
from qualkit.outputs import factor_chart, triangulation_heatmap, write_report

ROOT = Path.cwd().parent          # the repository (this notebook lives in notebooks/)
DATA = ROOT / "data" / "demo"
CODEBOOK = ROOT / "codebooks" / "migrant_care.yaml\""""),
    ("md", "## 1. Load the corpus and the codebook"),
    ("code", """corpus = qualkit.load_corpus(DATA)
book = qualkit.load_codebook(CODEBOOK)
corpus"""),
    ("code", """book.codes_frame()[["code_id", "name", "level", "factor", "stage"]].head(15)"""),
    ("md", """## 2. Code the corpus and analyse it

`qualkit.code` applies the codebook's cues; `qualkit.analyze` then redacts personal data
(names, NIK, phone numbers, addresses) **before** building any table, so every quote below
is redacted."""),
    ("code", """codings = qualkit.code(corpus, book)
result = qualkit.analyze(corpus, book, codings=codings, language="en")
print(len(codings), "codings;", "redacted:", result.redacted)"""),
    ("md", "## 3. Coded passages, highlighted (redacted text)"),
    ("code", """factor_ids = tuple(result.factors["code_id"])
Highlights(result.corpus, result.codings, codebook=book, codes=factor_ids, limit=8)"""),
    ("md", "## 4. The factor matrix (2 x 2) and the triangulation table"),
    ("code", """result.factor_grid"""),
    ("code", """result.factors[["level", "factor", "code_name", "codings", "documents", "source_types"]]"""),
    ("code", """result.triangulation[["code_name", "source_types", "informant_groups", "documents", "status", "strength"]]"""),
    ("md", "## 5. Charts"),
    ("code", """ax = factor_chart(result.factors, codebook=book)
ax.figure"""),
    ("code", """triangulation_heatmap(result.triangulation).figure"""),
    ("md", "## 6. Export the Word report"),
    ("code", """out = Path(tempfile.mkdtemp(prefix="qualkit-quickstart-"))
path = write_report(result, out / "report.docx")
print("report written to", path, path.stat().st_size, "bytes")"""),
]

MANUAL = [
    ("md", """# Coding in the notebook: a project, the coding view, the review queue, agreement

The demo corpus (synthetic) becomes a **project**: one SQLite file that stores every coding
decision as it is made (no save step: kill the kernel, reopen the file, nothing is lost).
Two coders code transcripts in the **coding view**, the auto-coder's and the suggester's
proposals are reviewed in the **review queue**, and `qualkit.agreement` measures how far the
coders agree, all read back from the project.

In JupyterLab you select text in the view and press a code's key. So that this notebook
also runs unattended (the tests execute it), the coding cells send the view the very
messages the browser sends (`view.code_phrase(...)`); run them or code by hand, the
project stores the same thing."""),
    ("code", """import tempfile
from pathlib import Path

import pandas as pd

import qualkit
from qualkit.agreement import agreement, disagreements
from qualkit.coding.suggest import CodeSuggester
from qualkit.privacy import Redactor
from qualkit.widgets import CodingView, ReviewQueue

ROOT = Path.cwd().parent
corpus = qualkit.load_corpus(ROOT / "data" / "demo")
book = qualkit.load_codebook(ROOT / "codebooks" / "migrant_care.yaml")
work = Path(tempfile.mkdtemp(prefix="qualkit-coding-"))   # keep your own project elsewhere
project = qualkit.Project.create(work / "demo.qkproj", corpus, book)
project"""),
    ("md", """## 1. The auto-coder's proposals

Auto-coding is stored as *proposed* codings (method `auto`): they show in the view as
dotted highlights until someone accepts or rejects them."""),
    ("code", """auto_ids = project.add_codings(qualkit.code(corpus, book), coder="auto", method="auto")
print(len(auto_ids), "auto codings proposed")"""),
    ("md", """## 2. Code a transcript in the view

The view shows **redacted** text (names, phone numbers, ID numbers replaced) while the
codings keep exact offsets in the original. Select text and press `1`-`9` or a letter
(shown next to each code), or click the code; click a highlight to remove it (`x`),
change its code (a code's key), add a memo (`m`), or accept/reject a proposal (`a`/`r`);
`n` jumps to the next proposal, `z` undoes your last action, `/` searches the codebook."""),
    ("code", """view = CodingView(project, coder="rina", document="interviews/keluarga_01.txt")
view"""),
    ("code", """# What rina's selections send (the same path as the mouse and a key):
view.code_phrase("Jantung saya rasanya copot", "ind_inhibit_fear")
view.code_phrase("Saya bingung, Mbak", "ind_inhibit_fear")
cid = view.code_phrase("Saya ke polsek dulu", "org_inhibit_cross_national")
view.handle({"type": "memo", "id": cid, "memo": "police send the family away"})
project.codings(coders="rina")[["doc_id", "start", "end", "code_id", "memo", "status"]]"""),
    ("code", """# The stored text is exactly the original document's text at those offsets.
doc = project.document("interviews/keluarga_01.txt")
[doc.text[s:e] for s, e in zip(project.codings(coders="rina")["start"], project.codings(coders="rina")["end"])]"""),
    ("md", """## 3. Two coders, blind

For an agreement study each coder works in **blind mode** (`blind=True`): only their own
codings are shown. Here both coders' reading of the informants' turns is simulated with a
few keywords per code so the notebook runs unattended; each coding goes to the project
the moment it is made, as in the view."""),
    ("code", """READING = {  # what each coder recognises while reading (simulated)
    "rina": {"ind_inhibit_fear": ("takut", "khawatir", "ancam", "afraid"),
             "org_inhibit_documents": ("paspor", "ktp", "dokumen", "passport"),
             "org_support_government": ("kbri", "kemlu", "kedutaan", "embassy"),
             "org_support_families": ("keluarga", "family")},
    "budi": {"ind_inhibit_fear": ("takut", "ancam", "afraid"),
             "org_inhibit_documents": ("paspor", "ktp", "passport"),
             "org_support_government": ("kbri", "kedutaan", "embassy", "pemerintah"),
             "org_support_families": ("keluarga",)},
}
sample = [p for p in corpus.passages if p.role == "informant"][:120]
for coder, rules in READING.items():
    for p in sample:
        for code_id, words in rules.items():
            if any(w in p.text.lower() for w in words):
                project.add_coding(p.doc_id, p.start, p.end, code_id, coder=coder)
budi = CodingView(project, coder="budi", blind=True, document=sample[0].doc_id)
project.codings(coders=["rina", "budi"]).groupby(["coder", "code_id"]).size().unstack(fill_value=0)"""),
    ("md", """## 4. Suggestions, and the review queue

A suggester learns from the accepted codings and proposes codes for passages nobody
coded; its proposals join the auto-coder's. The review queue lists one code's proposals,
most uncertain first (auto-coder and suggester disagree; probability near 0.5): `a`
accepts, `r` rejects, `s` skips. After each decision it shows the auto-coder's precision on
what was reviewed, with a 95% Wilson interval, and refits the suggester on the accepted
codings."""),
    ("code", """accepted = project.codings(status="accepted")
suggester = CodeSuggester(min_examples=3).fit(corpus, accepted)
coded = set(accepted["passage_id"])
rest = corpus.replace(passages=tuple(p for p in corpus.passages if p.id not in coded and p.role != "interviewer"))
suggestions = suggester.suggest(rest, top_k=1, threshold=0.5)
project.add_codings(suggestions, coder="suggester", method="suggested")
queue = ReviewQueue(project, code="ind_inhibit_fear", coder="rina")
queue"""),
    ("code", """# The reviewer's decisions (simulated: accept when the passage speaks of fear).
texts = {p.id: p.text.lower() for p in corpus.passages}
ids = dict(zip(project.codings()["id"], project.codings()["passage_id"]))
for _ in range(min(12, len(queue.rows))):
    row = queue.rows[queue.current]
    fear = any(w in texts[ids[row["id"]]] for w in ("takut", "khawatir", "afraid", "gemetar"))
    queue.decide(queue.current, "accepted" if fear else "rejected")
print(queue.message)
queue.precision"""),
    ("md", """## 5. Agreement between the two coders, from the project

`project.codings()` is the codings table that agreement, analysis, the REFI export and the
reports take. Disagreements are shown with redacted text."""),
    ("code", """both = project.codings(coders=["rina", "budi"], status="accepted")
agreement(both, unit="passage", codes=list(READING["rina"]))"""),
    ("code", """shown = Redactor().fit(corpus).transform(corpus)
table = disagreements(both, unit="passage", codes=list(READING["rina"]))
texts = {p.id: p.text for p in shown.passages}
table.assign(text=table["passage_id"].map(texts).str.slice(0, 100)).head(8)"""),
    ("md", """## 6. Nothing is lost

Every action was written when it happened. A new kernel (or another machine, with a
PostgreSQL project) opens the file and finds every coding and the full log."""),
    ("code", """project.close()
again = qualkit.open_project(work / "demo.qkproj")
print(len(again.codings()), "codings;", len(again.history()), "logged changes")
again.history().tail(3)[["at", "coder", "action", "coding_id"]]"""),
]


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, source) in enumerate(cells):
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        cell["id"] = f"cell-{i:02d}"  # stable ids: regenerating gives the same file
        nb.cells.append(cell)
    return nb


def main() -> None:
    for name, cells in (("01_quickstart.ipynb", QUICKSTART),
                        ("02_manual_coding_and_suggestions.ipynb", MANUAL)):
        nb = build(cells)
        nbformat.validate(nb)
        (HERE / name).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()

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
    ("md", """# Manual coding by two coders, code suggestions, and intercoder agreement

Two coders code some demo passages by hand (`qualkit.coding.manual`), their sheets are
merged, a suggester learns from the merged codings and proposes codes for the rest of
the corpus (`qualkit.coding.suggest`), and `qualkit.agreement` measures how far the
coders (and the auto-coder) agree. The demo corpus is synthetic."""),
    ("code", """import tempfile
from pathlib import Path

import pandas as pd

import qualkit
from qualkit.agreement import agreement, disagreements
from qualkit.coding.manual import CodingSheet, merge_codings
from qualkit.coding.suggest import CodeSuggester
from qualkit.privacy import Redactor

ROOT = Path.cwd().parent
raw = qualkit.load_corpus(ROOT / "data" / "demo")
corpus = Redactor().fit(raw).transform(raw)   # code redacted text: no names on screen
book = qualkit.load_codebook(ROOT / "codebooks" / "migrant_care.yaml")
work = Path(tempfile.mkdtemp(prefix="qualkit-manual-"))"""),
    ("md", """## 1. Two coders code by hand

A sheet is immutable: every `add` returns a new sheet. A coding is a whole passage, or a
span inside it (document offsets). Here the coders' reading is simulated with a few
keywords so the notebook runs unattended; in real use you would call `add` as you read."""),
    ("code", """informant = [p for p in corpus.passages if p.role == "informant"]
first = next(p for p in informant if "takut" in p.text.lower())
i = first.text.lower().index("takut")
rina = CodingSheet(coder="rina", codebook=book).add(
    first, "ind_inhibit_fear", start=first.start + i, end=first.start + i + 5, memo="fear of the risks")
rina.to_frame()[["passage_id", "code_id", "start", "end", "coder", "memo"]]"""),
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
sample = informant[:120]
sheets = {"rina": rina, "budi": CodingSheet(coder="budi", codebook=book)}
for coder, rules in READING.items():
    sheet = sheets[coder]
    for p in sample:
        for code_id, words in rules.items():
            already = (p.id, code_id) in {(c.passage_id, c.code_id) for c in sheet.codings}
            if not already and any(w in p.text.lower() for w in words):
                sheet = sheet.add(p, code_id)
    sheets[coder] = sheet
{coder: len(sheet) for coder, sheet in sheets.items()}"""),
    ("md", "## 2. Save each coder's sheet and merge them"),
    ("code", """paths = [sheets[c].save(work / f"{c}.csv") for c in sheets]
merged = merge_codings(*paths)
merged.groupby(["coder", "code_id"]).size().unstack(fill_value=0)"""),
    ("md", """## 3. Train the suggester and review its suggestions

A passage counts as positive for a code when any coder coded it. Suggestions are a
codings table with `method="suggested"` and the probability as `confidence`."""),
    ("code", """suggester = CodeSuggester(min_examples=3).fit(corpus, merged)
list(suggester.classes_)"""),
    ("code", """coded = set(merged["passage_id"])
rest = corpus.replace(passages=tuple(p for p in corpus.passages if p.id not in coded and p.role != "interviewer"))
suggestions = suggester.suggest(rest, top_k=2, threshold=0.4)
texts = {p.id: p.text for p in rest.passages}
review = suggestions.assign(text=suggestions["passage_id"].map(texts).str.slice(0, 120))
review.sort_values("confidence", ascending=False)[["passage_id", "code_id", "confidence", "text"]].head(10)"""),
    ("code", """# Accept the more confident suggestions as the reviewer's own codings (coder "rina").
accepted = CodingSheet(coder="rina", codebook=book)
for row in review[review["confidence"] >= 0.45].itertuples():
    accepted = accepted.add(row.passage_id, row.code_id, corpus=corpus, memo=f"accepted suggestion {row.confidence:.2f}")
print(len(accepted), "suggestions accepted")
suggester.explain(suggester.classes_[0]).head(8)"""),
    ("md", "## 4. Intercoder agreement"),
    ("code", """agreement(merged, unit="passage")"""),
    ("code", """disagreements(merged, corpus, unit="passage").head(10)"""),
    ("code", """# Human vs auto-coder on the same passages: the auto-coder is just another coder.
auto = qualkit.code(corpus, book)
auto = auto[auto["passage_id"].isin(coded) & auto["code_id"].isin(READING["rina"])]
agreement(pd.concat([merged[merged["coder"] == "rina"], auto]), unit="passage")"""),
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

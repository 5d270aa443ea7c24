"""The demo project behind the README screenshot of the coding view (synthetic demo data)."""

from __future__ import annotations

from pathlib import Path

import qualkit
from qualkit.widgets import CodingView

ROOT = Path(__file__).resolve().parents[2]
DOC = "interviews/keluarga_01.txt"


def demo_view(path: Path) -> CodingView:
    """A project of the demo corpus: auto-coding proposed, some codings by rina and budi."""
    corpus = qualkit.load_corpus(ROOT / "data" / "demo")
    book = qualkit.load_codebook(ROOT / "codebooks" / "migrant_care.yaml")
    project = qualkit.Project.create(path, corpus, book)
    auto = qualkit.code(corpus, book)
    project.add_codings(auto, coder="auto", method="auto")
    passages = {p.id: p for p in corpus.passages}
    mine = project.codings(documents=DOC).reset_index(drop=True)
    for i, row in mine.iterrows():
        passage = passages[row["passage_id"]]
        start, end = int(row["start"]), int(row["end"])
        if i % 4 == 0:
            project.set_status(int(row["id"]), "accepted", coder="rina")
        elif i % 4 == 1:  # rina codes the clause around the cue
            a = max(passage.start, corpus.document(DOC).text.rfind(" ", passage.start, max(passage.start, start - 25)))
            b = corpus.document(DOC).text.find(" ", min(passage.end, end + 30), passage.end)
            project.add_coding(DOC, a + 1 if a > passage.start else a, passage.end if b < 0 else b,
                               row["code_id"], coder="rina")
        elif i % 4 == 2:
            project.add_coding(DOC, start, end, row["code_id"], coder="budi")
    view = CodingView(project, coder="rina", document=DOC)
    text = view.text
    i = text.index("Jantung saya rasanya copot")  # what a browser reports: UTF-16 offsets
    start, end = (len(text[:k].encode("utf-16-le")) // 2 for k in (i, i + len("Jantung saya rasanya copot")))
    view.handle({"type": "add", "start": start, "end": end, "code": "ind_inhibit_fear"})
    return view

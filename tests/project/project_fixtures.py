"""Synthetic data for the project tests (no real people), importable by spawned workers."""

from __future__ import annotations

from qualkit.codebook.model import Code, Codebook
from qualkit.corpus import Corpus, Document, Passage

# Synthetic interview text (no real people): non-ASCII on purpose -- an emoji (outside the
# BMP: two UTF-16 units, one code point), a combining accent, Indonesian and English.
TEXT_A = (
    "P: Bagaimana awalnya?\n"
    "K: Saya takut 😟 waktu paspor saya ditahan agen.\n"
    "P: Lalu?\n"
    "K: Pendamping dari LSM membantu saya pulang; café e\u0301tait fermé.\n"
)
TEXT_B = "Field note. The shelter staff explained the return procedure calmly.\nA second paragraph.\n"


def _turns(doc: Document) -> list[Passage]:
    out, pos = [], 0
    for n, line in enumerate(doc.text.split("\n"), start=1):
        if line:
            speaker, _, _ = line.partition(": ") if ": " in line[:4] else (None, "", "")
            start = pos + (len(speaker) + 2 if speaker else 0)
            role = {"P": "interviewer", "K": "informant"}.get(speaker or "")
            out.append(Passage(doc.id, f"{doc.id}#p{n}", start, pos + len(line), speaker=speaker,
                               role=role).with_text(doc))
        pos += len(line) + 1
    return out


def make_corpus() -> Corpus:
    a = Document(id="interviews/a.txt", text=TEXT_A, source_type="interview", case_id="C1",
                 informant_group="victim", metadata={"site": "north", "pages": (1, 2)})
    b = Document(id="notes/b.txt", text=TEXT_B, source_type="observation", language="en")
    return Corpus(documents=(a, b), passages=tuple(_turns(a) + _turns(b)))


def make_codebook(extra: tuple[str, ...] = ()) -> Codebook:
    codes = [Code(id="fear", name="Fear"), Code(id="documents", name="Documents held"),
             Code(id="support", name="Support")] + [Code(id=c, name=c.title()) for c in extra]
    return Codebook(name="synthetic", codes=tuple(codes))


def add_many(where: str, coder: str, n: int, go) -> list[int]:  # type: ignore[no-untyped-def]
    """Worker for the two-process test: open the project, wait for ``go``, add ``n`` codings
    (alternating with an undo/redo pair every 50) and return their ids."""
    from qualkit.project import open_project

    project = open_project(where)
    go.wait(60)
    ids = []
    for i in range(n):
        start = i % 40
        ids.append(project.add_coding("interviews/a.txt", start, start + 5, "fear", coder=coder,
                                      memo=f"{coder} {i}"))
        if i % 50 == 49:
            project.undo(coder)
            project.redo(coder)
    project.close()
    return ids


def add_then_die(where: str) -> None:
    """Worker for the crash test: add one coding, then end the process without any cleanup."""
    import os

    from qualkit.project import open_project

    open_project(where).add_coding("interviews/a.txt", 3, 9, "fear", coder="rina", memo="before the crash")
    os._exit(9)

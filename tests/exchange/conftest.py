"""Shared fixtures for the REFI-QDA tests: a small synthetic study and the sample folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualkit.codebook.model import Code, Codebook, Cue, Example
from qualkit.coding.frame import codings_frame
from qualkit.corpus import Corpus, Document, Passage

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SAMPLES = SHARED / "refi" / "samples"
SCHEMAS = SHARED / "refi" / "schemas"


def _passages(doc: Document) -> list[Passage]:
    out, start = [], 0
    for n, line in enumerate(doc.text.split("\n"), start=1):
        out.append(Passage(doc_id=doc.id, id=f"{doc.id}#p{n}", start=start, end=start + len(line),
                           speaker=line.split(":")[0] if ":" in line else None,
                           role="informant" if line.startswith("K:") else ("interviewer" if ":" in line else None),
                           ).with_text(doc))
        start += len(line) + 1
    return out


@pytest.fixture()
def study():
    """(corpus, codebook, codings) of a tiny synthetic interview + field note."""
    a = Document(id="interviews/korban_01.txt", text="P: Bagaimana awalnya?\nK: Saya takut 😀 ancaman.\nK: Keluarga membantu.",
                 source_type="interview", informant_group="victim", case_id="K01", language="id")
    b = Document(id="observasi/catatan.txt", text="Pendamping menghubungi KBRI & keluarga.",
                 source_type="observation", case_id="K01", language="id", metadata={"week": 3})
    corpus = Corpus(documents=(a, b), passages=tuple(_passages(a) + _passages(b)))
    book = Codebook(
        name="mini", version="1", description="mini study codebook",
        facets={"factor": ("supporting", "inhibiting"), "level": ("organisation", "individual")},
        facet_labels={"factor.supporting": {"id": "Pendukung", "en": "Supporting"}},
        negators={"id": ("tidak",)},
        codes=(
            Code(id="individual", name="Individual", facets={"level": "individual"}),
            Code(id="ind_inhibit_fear", name="Fear", parent="individual", facets={"factor": "inhibiting"},
                 description="Fear of risks", inclusion="threats", exclusion="fear of flying",
                 cues=(Cue("takut"), Cue("afraid", lang="en", match="exact"), Cue(r"anc\w+", kind="regex")),
                 examples=(Example("Saya takut."), Example("Saya berani.", positive=False)), color="#ff0000"),
            Code(id="org_support_families", name="Families & <home>", facets={"factor": "supporting", "level": "organisation"},
                 cues=(Cue("keluarga"),), memo="check"),
        ),
    )
    rows = [
        dict(passage_id="interviews/korban_01.txt#p2", doc_id="interviews/korban_01.txt", code_id="ind_inhibit_fear",
             start=30, end=35, spans="30-35", cue="takut", coder="auto", method="auto", codebook_hash=book.hash),
        dict(passage_id="interviews/korban_01.txt#p2", doc_id="interviews/korban_01.txt", code_id="ind_inhibit_fear",
             start=25, end=46, coder="rina", method="manual", memo="fear of threats"),
        dict(passage_id="interviews/korban_01.txt#p3", doc_id="interviews/korban_01.txt", code_id="org_support_families",
             start=50, end=58, coder="auto", method="auto", cue="keluarga"),
        dict(passage_id="observasi/catatan.txt#p1", doc_id="observasi/catatan.txt", code_id="org_support_families",
             start=30, end=38, coder="rina", method="manual"),
    ]
    return corpus, book, codings_frame(rows)


@pytest.fixture()
def schema():
    """schema("Codebook.xsd") -> lxml XMLSchema (skips when ../shared is absent)."""
    etree = pytest.importorskip("lxml.etree")

    def load(name: str):
        path = SCHEMAS / name
        if not path.exists():
            pytest.skip(f"REFI schemas not found at {path} (../shared beside the repo)")
        return etree.XMLSchema(etree.parse(str(path)))

    return load


@pytest.fixture()
def sample():
    """sample("demo.qdpx") -> path of a REFI sample (skips when ../shared is absent)."""

    def find(name: str) -> Path:
        path = SAMPLES / name
        if not path.exists():
            pytest.skip(f"REFI sample {name} not found in {SAMPLES} (../shared beside the repo)")
        return path

    return find


@pytest.fixture()
def shared_dir() -> Path:
    return SHARED

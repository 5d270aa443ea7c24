"""Shared constants and checks for the loading tests (imported by name, not a fixture)."""

from __future__ import annotations

TRANSCRIPT_ID = (
    "Pewawancara: Bagaimana awalnya Anda direkrut?\n"
    "Korban: Saya melihat lowongan kerja di media sosial. Gajinya besar.\n"
    "Pewawancara: Lalu apa yang terjadi?\n"
    "Korban: Paspor saya disita dan saya dipaksa menipu orang.\n"
)


def check_offsets(document, passages):
    """The offset invariant every loader must keep."""
    last = 0
    for p in passages:
        assert p.doc_id == document.id
        assert document.text[p.start : p.end] == p.text
        assert p.start >= last
        last = p.end

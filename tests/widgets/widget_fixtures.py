"""Synthetic data for the widget tests and the widget benchmark (no real people)."""

from __future__ import annotations

from qualkit.codebook.model import Code, Codebook
from qualkit.corpus import Corpus, Document, Passage

# "Sari Dewi" is a made-up name, declared as the document's informant so the default
# Redactor pseudonymises it; 081234567890 is a made-up phone number.
TEXT_A = (
    "DATA SINTETIS, fiktif.\n\n"
    "Pewawancara: Apa yang terjadi? 😀\n\n"
    "Sari Dewi: Saya takut sekali 😟👩🏽‍⚕️, di café e\u0301tait. Telepon 081234567890.\n\n"
    "Pewawancara: Lalu bagaimana?\n\n"
    "Sari Dewi: Paspor saya ditahan agen 🛂 di bandara, kata Sari Dewi.\n"
)
TEXT_CRLF = "Catatan lapangan 📝.\r\nStaf menjelaskan prosedur pulang.\r\nPaspor dikembalikan 🙂 kemarin.\r\n"


def _turns(doc: Document) -> list[Passage]:
    """One passage per line; ``Name: `` at the start of a line is the speaker."""
    out, pos = [], 0
    for n, line in enumerate(doc.text.split("\n"), start=1):
        body = line.rstrip("\r")
        if body:
            speaker, sep, _ = body.partition(": ")
            speaker = speaker if sep and len(speaker) < 20 else None
            start = pos + (len(speaker) + 2 if speaker else 0)
            role = None if speaker is None else ("interviewer" if speaker == "Pewawancara" else "informant")
            out.append(Passage(doc.id, f"{doc.id}#p{n}", start, pos + len(body), speaker=speaker,
                               role=role).with_text(doc))
        pos += len(line) + 1
    return out


def make_corpus() -> Corpus:
    a = Document(id="interviews/a.txt", text=TEXT_A, source_type="interview", title="Interview A",
                 metadata={"informant": "Sari Dewi"})
    b = Document(id="notes/b.txt", text=TEXT_CRLF, source_type="observation", title="Field note B")
    return Corpus(documents=(a, b), passages=tuple(_turns(a) + _turns(b)))


def make_book() -> Codebook:
    return Codebook(name="synthetic", codes=(
        Code(id="fear", name="Fear"), Code(id="documents", name="Documents held"),
        Code(id="support", name="Support"), Code(id="fear_agent", name="Fear of the agent", parent="fear")))


def utf16(text: str, i: int) -> int:
    """What a browser counts for code point offset ``i`` (independent of qualkit)."""
    return len(text[:i].encode("utf-16-le")) // 2

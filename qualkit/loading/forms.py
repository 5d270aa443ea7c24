"""Fill-in forms (such as the intake form): ``Label : value`` fields in sections.

:func:`looks_like_form` tells a form from a transcript or notes (most lines are
``Label : value`` with short values and mostly distinct labels). :func:`parse_form`
returns the fields (value offsets) and the passages: free-text parts (a chronology) as
paragraphs with their ``section``, and each field value of at least ``min_words`` words
as a ``field`` passage. Sections come from heading lines (``A. DATA PRIBADI``,
all-caps lines, document headings, or ``Kronologi :`` followed by free text).

>>> text = "A. DATA KORBAN\\nNama : Sari\\nNIK : 123\\nAlamat : Desa X\\nUsia : 30"
>>> looks_like_form(text)
True
>>> fields, passages = parse_form("f.txt", text)
>>> [(f.section, f.label, f.value) for f in fields][:2]
[('A. DATA KORBAN', 'Nama', 'Sari'), ('A. DATA KORBAN', 'NIK', '123')]
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from qualkit.corpus import FormField, Passage
from qualkit.segment import INTERVIEWER_LABELS, Heading, split_paragraphs
from qualkit.segment import role_key as _role_key

_FIELD = re.compile(
    r"^[ \t]*(?:[-•*][ \t]+)?(?P<label>[^\W_][^:\n]{0,60}?)[ \t]*:(?!//)[ \t]*(?P<value>[^\n]*?)[ \t]*$",
    re.MULTILINE,
)
_CHECK = re.compile(
    r"^[ \t]*(?:\[(?P<mark>[ xX✓✔vV]?)\]|(?P<box>[☐☑☒✓✔]))[ \t]*(?P<item>\S[^\n]*?)[ \t]*$",
    re.MULTILINE,
)
_ENUM_HEADING = re.compile(r"^[ \t]*(?:[A-Z]|[IVX]{1,4}|\d{1,2})[.)][ \t]+(?P<title>[^:\n]{2,80}?)[ \t]*$")
_LINE = re.compile(r"^[^\n]*$", re.MULTILINE)


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    kind: str  # blank | heading | field | check | text
    label: str = ""
    value_start: int = 0
    value_end: int = 0


def _field_label_ok(label: str) -> bool:
    words = label.split()
    return 0 < len(words) <= 6 and any(ch.isalpha() for ch in label) and "http" not in label.casefold()


def _is_heading_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped or ":" in stripped or len(stripped.split()) > 12:
        return False
    m = _ENUM_HEADING.match(stripped)
    letters = [c for c in stripped if c.isalpha()]
    upper = bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    if m:
        enum = stripped.split(maxsplit=1)[0]
        return upper or not enum[0].isdigit()
    return upper and len(letters) >= 3


def _raw_lines(text: str, headings: Sequence[Heading]) -> Iterator[_Line]:
    """Each line of ``text`` with its kind, as read on its own (see :func:`_classify`)."""
    heading_starts = {h.start for h in headings}
    for m in _LINE.finditer(text):
        s, e = m.span()
        line = m.group()
        if not line.strip():
            yield _Line(s, e, "blank")
            continue
        if s in heading_starts or _is_heading_line(line):
            yield _Line(s, e, "heading", label=line.strip().rstrip(":").strip())
            continue
        c = _CHECK.match(line)
        if c:
            mark = c.group("mark") if c.group("box") is None else c.group("box")
            mark_at = s + (c.start("mark") if c.group("box") is None else c.start("box"))
            value = mark.strip() if mark and mark not in "☐" else ""
            yield _Line(s, e, "check", c.group("item"), mark_at, mark_at + len(value))
            continue
        f = _FIELD.match(line)
        if f and _field_label_ok(f.group("label")):
            vs, ve = s + f.start("value"), s + f.end("value")
            yield _Line(s, e, "field", " ".join(f.group("label").split()), vs, ve)
            continue
        yield _Line(s, e, "text")


def _classify(text: str, headings: Sequence[Heading]) -> list[_Line]:
    """The lines of ``text`` as blank, heading, field, check or text lines; a field with
    no value (``Kronologi :``) followed by free text is a section heading."""
    out = list(_raw_lines(text, headings))
    for i, ln in enumerate(out):
        if ln.kind == "field" and ln.value_start == ln.value_end:
            nxt = next((x for x in out[i + 1 :] if x.kind != "blank"), None)
            if nxt is not None and nxt.kind == "text":
                out[i] = _Line(ln.start, ln.end, "heading", label=ln.label)
    return out


def _has_interviewer_field(text: str, headings: Sequence[Heading]) -> bool:
    """True when a field with a value is labelled like an interviewer (a transcript's
    turn): such a line is a field whatever follows it, so the scan stops there."""
    return any(ln.kind == "field" and ln.value_end > ln.value_start
               and _role_key(ln.label) in INTERVIEWER_LABELS for ln in _raw_lines(text, headings))


def looks_like_form(text: str, *, headings: Sequence[Heading] = ()) -> bool:
    """True when most content lines are ``Label : value`` fields of a fill-in form.

    Needs at least 4 fields, fields on at least half the non-heading lines, mostly
    distinct labels (a transcript repeats its few speakers), short values, and no
    interviewer-like labels.
    """
    text = text[:30_000]
    if _has_interviewer_field(text, headings):
        return False
    lines = _classify(text, headings)
    fields = [ln for ln in lines if ln.kind == "field"]
    content = [ln for ln in lines if ln.kind in ("field", "text", "check")]
    if len(fields) < 4 or len(fields) < 0.5 * len(content):
        return False
    labels = [f.label.casefold() for f in fields]
    if len(set(labels)) < 0.6 * len(labels):
        return False
    if any(_role_key(f.label) in INTERVIEWER_LABELS for f in fields):
        return False
    value_words = [len(text[f.value_start : f.value_end].split()) for f in fields]
    return statistics.median(value_words) <= 10


def parse_form(
    doc_id: str, text: str, *, headings: Sequence[Heading] = (), min_words: int = 8
) -> tuple[tuple[FormField, ...], tuple[Passage, ...]]:
    """Fields and passages of a fill-in form (see the module docstring)."""
    lines = _classify(text, headings)
    fields: list[FormField] = []
    spans: list[tuple[int, int, str, str | None]] = []  # start, end, unit, section
    section: str | None = None
    block_start: int | None = None
    block_end = 0

    def close_block() -> None:
        nonlocal block_start
        if block_start is not None:
            spans.extend((s, e, "paragraph", section) for s, e in split_paragraphs(text, block_start, block_end))
            block_start = None

    for ln in lines:
        if ln.kind == "text":
            if block_start is None:
                block_start = ln.start
            block_end = ln.end
            continue
        close_block()
        if ln.kind == "heading":
            section = ln.label or None
        elif ln.kind in ("field", "check"):
            value = text[ln.value_start : ln.value_end]
            fields.append(FormField(section, ln.label, value, ln.value_start, ln.value_end))
            if ln.kind == "field" and len(value.split()) >= min_words:
                spans.append((ln.value_start, ln.value_end, "field", section))
    close_block()
    spans.sort(key=lambda s: s[0])
    passages = tuple(
        Passage(doc_id=doc_id, id=f"{doc_id}#p{n}", start=s, end=e, text=text[s:e],
                unit=unit, section=sec)
        for n, (s, e, unit, sec) in enumerate(spans, start=1)
    )
    return tuple(fields), passages

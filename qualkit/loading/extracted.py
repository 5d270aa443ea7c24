"""What a format reader hands back: the analysed text plus its structure.

Readers of extracted formats (docx, odt, pdf, vtt/srt, csv/xlsx) build their text with a
:class:`TextBuilder`: blocks joined by a blank line, headings remembered as
:class:`~qualkit.segment.Heading` spans, PDF page starts, and ready-made passage spans
("Label: text" turns of captions and spreadsheet rows, offsets on the utterance).

>>> b = TextBuilder()
>>> _ = b.heading("A. Data")
>>> b.turn("Dan", "Hello there.")
(14, 26)
>>> b.build().text
'A. Data\\n\\nDan: Hello there.'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qualkit.segment import Heading

_SPACES = re.compile(r"[ \t\u00a0]+")
_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Span:
    """A ready-made passage: utterance offsets, speaker and optional times / row id."""

    start: int
    end: int
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None
    row_id: str | None = None


@dataclass(frozen=True)
class Extracted:
    """A reader's result.

    ``spans`` is None when the text should be segmented (turns, paragraphs, forms);
    otherwise it lists the passages already (captions, spreadsheet rows). ``warnings``
    are lines about content the reader could not use (a caption with a bad timing
    line); the loader lists them in ``corpus.problems``.
    """

    text: str
    headings: tuple[Heading, ...] = ()
    page_starts: tuple[int, ...] = ()
    spans: tuple[Span, ...] | None = None
    removed: tuple[int, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def clean_block(text: str) -> str:
    """Normalise one extracted block: LF line ends (vertical tab and form feed are Word's
    line and page breaks), no XML-invalid control characters, stripped line ends."""
    text = _CONTROL.sub("", _NEWLINES.sub("\n", text))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def collapse_spaces(text: str) -> str:
    """Tabs and runs of spaces -> one space (PDF text uses tabs between words)."""
    return _SPACES.sub(" ", text)


class TextBuilder:
    """Join blocks into one text with ``\\n\\n`` and remember where each went."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._headings: list[Heading] = []
        self._spans: list[Span] = []
        self._page_starts: list[int] = []

    def _append(self, text: str) -> int:
        if self._length:
            self._parts.append("\n\n")
            self._length += 2
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        return start

    def paragraph(self, text: str) -> tuple[int, int] | None:
        """Add a paragraph (cleaned); return its offsets, or None if it was empty."""
        text = clean_block(text)
        if not text:
            return None
        start = self._append(text)
        return start, start + len(text)

    def heading(self, text: str) -> tuple[int, int] | None:
        """Add a heading line; passages after it get it as ``section``."""
        text = " ".join(clean_block(text).split())
        if not text:
            return None
        start = self._append(text)
        self._headings.append(Heading(start, start + len(text), text))
        return start, start + len(text)

    def page(self) -> None:
        """Mark that the next block starts a new PDF page."""
        self._page_starts.append(self._length + (2 if self._length else 0))

    def turn(self, speaker: str | None, text: str, **attrs: Any) -> tuple[int, int] | None:
        """Add a ``Speaker: text`` block and a ready-made passage span on the utterance."""
        text = clean_block(text)
        if not text:
            return None
        prefix = f"{speaker}: " if speaker else ""
        start = self._append(prefix + text) + len(prefix)
        self._spans.append(Span(start, start + len(text), speaker, **attrs))
        return start, start + len(text)

    def build(self, *, spans: bool = False, metadata: Mapping[str, Any] | None = None,
              warnings: tuple[str, ...] = ()) -> Extracted:
        """The text and structure; ``spans=True`` when the passages are ready-made."""
        return Extracted(
            warnings=tuple(warnings),
            text="".join(self._parts),
            headings=tuple(self._headings),
            page_starts=tuple(self._page_starts),
            spans=tuple(self._spans) if spans else None,
            metadata=dict(metadata or {}),
        )

"""Source text decoding and the position models of REFI-QDA selections.

The standard counts selections in Unicode code points from the start of the plain text,
end exclusive. NVivo for Windows counts UTF-16 code units instead (an emoji is 2, a CRLF
is 2, the BOM is not counted). Both are counted over the decoded text *before* qualkit
normalises line ends; :class:`SourceText` maps such positions onto the analysed text
(BOM dropped, CRLF and CR turned into LF), recording the dropped ``\\r`` in ``removed``
as :class:`qualkit.corpus.Document` expects.

>>> st = SourceText.from_raw("a\\r\\nb😀c")
>>> st.text, st.removed
('a\\nb😀c', (1,))
>>> st.offset(6, model="utf16"), st.offset(4, model="codepoint")
(4, 3)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

POSITION_MODELS = ("codepoint", "utf16")


def decode(data: bytes) -> tuple[str, str]:
    """Decode source bytes; return ``(text without BOM, encoding used)``.

    UTF-8 (with or without BOM) and UTF-16 with a BOM; anything else is read as cp1252.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def position_model(origin: str | None) -> str:
    """Choose how a project counts positions from ``Project/@origin``.

    >>> position_model("NVivo for Windows 12.6"), position_model("qc 1.7.8")
    ('utf16', 'codepoint')
    """
    return "utf16" if "nvivo" in (origin or "").lower() else "codepoint"


@dataclass(frozen=True)
class SourceText:
    """A decoded source: its raw text (BOM dropped) and the analysed text."""

    raw: str
    text: str
    removed: tuple[int, ...]
    _crlf: tuple[int, ...]
    _astral: tuple[int, ...]

    @classmethod
    def from_raw(cls, raw: str) -> SourceText:
        """Build from decoded text (without BOM)."""
        crlf = tuple(i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n")
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        removed = tuple(r - k for k, r in enumerate(crlf))
        astral = tuple(i + k for k, i in enumerate(i for i, ch in enumerate(raw) if ord(ch) > 0xFFFF))
        return cls(raw=raw, text=text, removed=removed, _crlf=crlf, _astral=astral)

    def raw_index(self, position: int, *, model: str) -> int:
        """Code-point index into ``raw`` of a position counted in ``model``.

        Raises ValueError when the position is negative, beyond the text, or splits a
        UTF-16 surrogate pair.
        """
        if position < 0:
            raise ValueError(f"position {position} is negative")
        if model == "utf16":
            n = bisect.bisect_right(self._astral, position - 2)
            if n < len(self._astral) and self._astral[n] == position - 1:
                raise ValueError(f"UTF-16 position {position} splits a surrogate pair")
            index = position - n
        elif model == "codepoint":
            index = position
        else:
            raise ValueError(f"The 'model' parameter must be one of {POSITION_MODELS}; got {model!r} instead.")
        if index > len(self.raw):
            raise ValueError(f"position {position} is beyond the end of the text ({self.length(model)})")
        return index

    def offset(self, position: int, *, model: str) -> int:
        """Offset into ``text`` (the analysed text) of a position counted in ``model``."""
        index = self.raw_index(position, model=model)
        return index - bisect.bisect_left(self._crlf, index)

    def length(self, model: str) -> int:
        """Length of the raw text counted in ``model``."""
        return len(self.raw) + (len(self._astral) if model == "utf16" else 0)

    def selected(self, start: int, end: int, *, model: str) -> str:
        """The raw text a tool shows for a selection (before line-end normalisation)."""
        return self.raw[self.raw_index(start, model=model) : self.raw_index(end, model=model)]

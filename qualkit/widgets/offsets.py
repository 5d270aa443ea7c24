"""Offsets between Python and the browser, and between redacted and original text.

Python counts code points, a browser's DOM counts UTF-16 code units (an emoji outside
the Basic Multilingual Plane is one code point, two units). The coding view does every
conversion here, in Python, so the browser only ever handles its own units:

- :class:`Utf16` converts offsets in one text both ways (:meth:`Utf16.units`,
  :meth:`Utf16.points`);
- :class:`Shown` is a document as shown on screen (redacted or not), mapping offsets in
  the original text to the shown text and back (:meth:`Shown.to_original`), so that a
  selection in redacted text becomes a coding with exact offsets in the original.

>>> u = Utf16("a😀b")
>>> u.units(2), u.points(3)
(3, 2)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from qualkit.errors import QualkitError
from qualkit.privacy import Edit, OffsetMap, apply_edits


@dataclass(frozen=True)
class Utf16:
    """Code point <-> UTF-16 code unit offsets of one text.

    >>> u = Utf16("e\\u0301😀\\r\\n")
    >>> [u.units(i) for i in range(6)]
    [0, 1, 2, 4, 5, 6]
    >>> u.points(3, side="start"), u.points(3, side="end")   # inside the emoji's pair
    (2, 3)
    """

    text: str
    _cum: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        points = np.frombuffer(self.text.encode("utf-32-le"), dtype=np.uint32)
        cum = np.zeros(len(points) + 1, dtype=np.int64)
        np.cumsum(1 + (points > 0xFFFF), out=cum[1:])
        object.__setattr__(self, "_cum", cum)

    @property
    def length(self) -> int:
        """The text's length in UTF-16 code units (JavaScript's ``text.length``)."""
        return int(self._cum[-1])

    def units(self, point: int) -> int:
        """UTF-16 offset of code point offset ``point`` (0 <= point <= len(text))."""
        if not 0 <= point < len(self._cum):
            raise QualkitError(f"offset {point} is outside the text (0..{len(self.text)})")
        return int(self._cum[point])

    def units_many(self, points: np.ndarray) -> np.ndarray:
        """:meth:`units` of many offsets at once."""
        return self._cum[np.asarray(points, dtype=np.int64)]

    def points(self, unit: int, *, side: str = "start") -> int:
        """Code point offset of UTF-16 offset ``unit``.

        A unit between the two halves of a surrogate pair moves to the character's start
        (``side="start"``) or end (``side="end"``), so a span never splits a character.
        """
        if not 0 <= unit <= self.length:
            raise QualkitError(f"offset {unit} is outside the text (0..{self.length} UTF-16 units)",
                               hint="the view is out of date: reopen the document")
        i = int(np.searchsorted(self._cum, unit, side="left"))
        if self._cum[i] != unit and side == "start":
            i -= 1
        return i


@dataclass(frozen=True)
class Shown:
    """A document's text as shown (``shown``) and the edits that made it from ``original``.

    Offsets in the original map to the shown text with the redactor's own
    :class:`~qualkit.privacy.OffsetMap` (a span touching a replaced token covers the whole
    replacement); :meth:`to_original` maps back, a boundary inside a replacement moving to
    the replaced token's start or end, so a selection covers whole original tokens.

    >>> edits = (Edit(0, 9, "Person A", "name", "Sari Dewi"),)
    >>> s = Shown.of("Sari Dewi takut", edits)
    >>> s.shown
    'Person A takut'
    >>> a, b = s.to_original(3, side="start"), s.to_original(14, side="end")
    >>> s.original[a:b]
    'Sari Dewi takut'
    """

    original: str
    shown: str
    edits: tuple[Edit, ...]
    omap: OffsetMap

    @classmethod
    def of(cls, original: str, edits: tuple[Edit, ...] = ()) -> Shown:
        """The shown text of ``original`` after ``edits`` (none: the text itself)."""
        edits = tuple(sorted(edits, key=lambda e: e.start))
        return cls(original, apply_edits(original, edits), edits, OffsetMap.from_edits(edits))

    def to_shown(self, start: int, end: int) -> tuple[int, int]:
        """Shown offsets of the original span ``start:end``."""
        return self.omap.start(start), max(self.omap.start(start), self.omap.end(end))

    def to_original(self, offset: int, *, side: str) -> int:
        """Original offset of a shown ``offset`` (``side`` "start" or "end" of a span)."""
        m = self.omap
        i = bisect.bisect_right(m.new_starts, offset) - 1
        if i < 0:
            return offset
        if offset == m.new_starts[i]:
            return m.starts[i]
        if offset < m.new_ends[i]:
            return m.starts[i] if side == "start" else m.ends[i]
        return offset - (m.new_ends[i] - m.ends[i])

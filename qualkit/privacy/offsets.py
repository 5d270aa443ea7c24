"""Where redacted text lands: edits, the monotone offset map, and spans moved with it.

>>> m = OffsetMap.from_edits([Edit(0, 4, "[X]", "name", "Sari")])
>>> m.start(5), m.end(4)
(4, 3)
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from qualkit.errors import QualkitError


@dataclass(frozen=True)
class Edit:
    """One replacement in a text: ``text[start:end]`` -> ``replacement``."""

    start: int
    end: int
    replacement: str
    kind: str
    original: str


@dataclass(frozen=True)
class OffsetMap:
    """Monotone map from offsets in an original text to offsets in its redacted text.

    >>> m = OffsetMap.from_edits([Edit(2, 5, "[X]!", "nik", "abc")])
    >>> [m.start(i) for i in range(7)], [m.end(i) for i in range(7)]
    ([0, 1, 2, 2, 2, 6, 7], [0, 1, 2, 6, 6, 6, 7])
    """

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    new_starts: tuple[int, ...]
    new_ends: tuple[int, ...]

    @classmethod
    def from_edits(cls, edits: Iterable[Edit]) -> OffsetMap:
        starts, ends, new_starts, new_ends = [], [], [], []
        shift = 0
        for e in sorted(edits, key=lambda x: x.start):
            starts.append(e.start)
            ends.append(e.end)
            new_starts.append(e.start + shift)
            shift += len(e.replacement) - (e.end - e.start)
            new_ends.append(e.end + shift)
        return cls(tuple(starts), tuple(ends), tuple(new_starts), tuple(new_ends))

    def _locate(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def start(self, offset: int) -> int:
        """New offset of a span *start* (inside a replaced token: the token's start)."""
        i = self._locate(offset)
        if i < 0:
            return offset
        if offset < self.ends[i] or offset == self.starts[i]:
            return self.new_starts[i]
        return offset + (self.new_ends[i] - self.ends[i])

    def end(self, offset: int) -> int:
        """New offset of a span *end* (inside a replaced token: the token's end)."""
        i = bisect.bisect_left(self.starts, offset) - 1
        if i < 0:
            return offset
        if offset <= self.ends[i]:
            return self.new_ends[i]
        return offset + (self.new_ends[i] - self.ends[i])

    def start_many(self, offsets: np.ndarray) -> np.ndarray:
        """:meth:`start` of many offsets at once."""
        if not self.starts:
            return offsets.copy()
        starts, ends = np.asarray(self.starts), np.asarray(self.ends)
        new_starts, new_ends = np.asarray(self.new_starts), np.asarray(self.new_ends)
        i = np.searchsorted(starts, offsets, side="right") - 1
        j = np.maximum(i, 0)
        inside = (offsets < ends[j]) | (offsets == starts[j])
        moved = np.where(inside, new_starts[j], offsets + (new_ends[j] - ends[j]))
        return np.where(i < 0, offsets, moved)

    def end_many(self, offsets: np.ndarray) -> np.ndarray:
        """:meth:`end` of many offsets at once."""
        if not self.starts:
            return offsets.copy()
        ends, new_ends = np.asarray(self.ends), np.asarray(self.new_ends)
        i = np.searchsorted(np.asarray(self.starts), offsets, side="left") - 1
        j = np.maximum(i, 0)
        moved = np.where(offsets <= ends[j], new_ends[j], offsets + (new_ends[j] - ends[j]))
        return np.where(i < 0, offsets, moved)


def _move_id(identifier: str, old_doc: str, new_doc: str) -> str:
    if identifier.startswith(old_doc):
        return new_doc + identifier[len(old_doc):]
    return identifier


_PLAIN_SPANS = re.compile(r"(?:0|[1-9]\d*)-(?:0|[1-9]\d*)(?:;(?:0|[1-9]\d*)-(?:0|[1-9]\d*))*")


def _plain_spans(spans: Any) -> bool:
    """True when :func:`_move_spans` with an identity map would return ``spans`` as is."""
    return not isinstance(spans, str) or not spans.strip() or _PLAIN_SPANS.fullmatch(spans) is not None


def _all_plain(values: list[Any]) -> bool:
    """``all(_plain_spans(v) for v in values)``, checked on all values at once: joined by
    ``;`` they must read ``N-N;N-N;...;N-N`` (numbers without leading zeros)."""
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if not texts:
        return True
    joined = ";".join(texts)
    if not joined.isascii():
        return False
    b = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    digit = (b >= ord("0")) & (b <= ord("9"))
    seps = b[~digit]
    if not (digit[0] and digit[-1]) or (~digit[1:] & ~digit[:-1]).any() or len(seps) % 2 == 0:
        return False
    if (seps[0::2] != ord("-")).any() or (seps[1::2] != ord(";")).any():
        return False
    first = digit & np.concatenate(([True], ~digit[:-1]))  # the first digit of a number
    return not (first[:-1] & (b[:-1] == ord("0")) & digit[1:]).any()


def _move_spans(spans: Any, omap: OffsetMap) -> Any:
    if not isinstance(spans, str) or not spans.strip():
        return spans
    items = []
    for item in spans.split(";"):
        left, sep, right = item.strip().partition("-")
        if not sep or not left.isdigit() or not right.isdigit():
            raise QualkitError(f"bad span {item!r} in spans {spans!r}",
                               hint="write spans as start-end items joined by ';'")
        items.append(f"{omap.start(int(left))}-{omap.end(int(right))}")
    return ";".join(items)


def apply_edits(text: str, edits: tuple[Edit, ...]) -> str:
    """``text`` with ``edits`` (sorted, not overlapping) applied."""
    out, pos = [], 0
    for e in edits:
        out.append(text[pos:e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)

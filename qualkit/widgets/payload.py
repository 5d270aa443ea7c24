"""What the browser is sent: a document's shown text, its turns, codings and the codebook.

Everything here is plain JSON (lists and dicts) with offsets in UTF-16 code units of the
shown text, built from the project's tables; nothing original is sent when redacting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qualkit.codebook import Codebook
from qualkit.corpus import Document, Passage
from qualkit.widgets.offsets import Shown, Utf16

PALETTE = ("#e4572e", "#2e86ab", "#76b041", "#9b5de5", "#f3a712", "#17bebb", "#d7263d",
           "#5c6bc0", "#8d6e63", "#ef6f9b", "#3d9970", "#b8860b")
"""Colours given to codes without their own ``color``, in codebook order."""

RESERVED_KEYS = frozenset("amnrxz")
"""Letters the view keeps for actions: accept, memo, next, reject, remove, undo."""

MACHINE = ("auto", "suggested")
MISSING_COLOR = "#9aa5b1"
"""The colour of codes that codings use but the current codebook lacks."""


def code_keys(n: int) -> list[str]:
    """Keyboard shortcuts of the first ``n`` codes: 1-9, then free letters, then none.

    >>> code_keys(11)[8:]
    ['9', 'b', 'c']
    """
    keys = [str(i) for i in range(1, 10)] + [c for c in "bcdefghijklopqstuvwy" if c not in RESERVED_KEYS]
    return (keys + [""] * max(0, n - len(keys)))[:n]


def codebook_tree(book: Codebook) -> list[dict[str, Any]]:
    """The codes in tree order with depth, shortcut and colour, for the codebook panel."""
    children: dict[str | None, list[Any]] = {}
    for code in book.codes:
        children.setdefault(code.parent, []).append(code)
    ordered: list[tuple[Any, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for code in children.get(parent, []):
            ordered.append((code, depth))
            walk(code.id, depth + 1)

    walk(None, 0)
    known = {c.id for c, _ in ordered}
    ordered += [(c, 0) for c in book.codes if c.id not in known]  # orphans: still codable
    keys = code_keys(len(ordered))
    return [{"id": c.id, "name": c.name, "depth": d, "key": k, "parent": c.parent or "",
             "color": c.color or PALETTE[i % len(PALETTE)], "description": c.description or "",
             "missing": False}
            for i, ((c, d), k) in enumerate(zip(ordered, keys))]


def codes_panel(book: Codebook, used: Iterable[str]) -> list[dict[str, Any]]:
    """:func:`codebook_tree`, then the ``used`` code ids the codebook lacks (a code removed
    or renamed since they were coded), flagged ``missing``: shown, never codable by key.

    >>> from qualkit.codebook.model import Code
    >>> book = Codebook(name="b", codes=(Code(id="fear", name="Fear"),))
    >>> [(c["id"], c["key"], c["missing"]) for c in codes_panel(book, ["fear", "old", "old"])]
    [('fear', '1', False), ('old', '', True)]
    """
    known = {c.id for c in book.codes}
    gone = sorted({str(c) for c in used} - known)
    return codebook_tree(book) + [
        {"id": c, "name": c, "depth": 0, "key": "", "parent": "", "color": MISSING_COLOR,
         "description": "not in the codebook (removed or renamed since it was coded): its codings are kept",
         "missing": True} for c in gone]


def codebook_changes(old: Codebook, new: Codebook) -> str:
    """What changed between two codebook versions, in words (``""`` for nothing shown).

    >>> from qualkit.codebook.model import Code
    >>> a = Codebook(name="b", codes=(Code(id="fear", name="Fear"), Code(id="x", name="X")))
    >>> codebook_changes(a, Codebook(name="b", codes=(Code(id="fear", name="Afraid"), Code(id="y", name="Y"))))
    'codebook updated: added y; removed x; renamed fear'
    """
    before, after = {c.id: c for c in old.codes}, {c.id: c for c in new.codes}
    parts = (("added", [i for i in after if i not in before]), ("removed", [i for i in before if i not in after]),
             ("renamed", [i for i in after if i in before and after[i].name != before[i].name]))
    said = "; ".join(f"{what} {', '.join(ids)}" for what, ids in parts if ids)
    return f"codebook updated: {said}" if said else ("codebook updated" if old != new else "")


@dataclass(frozen=True)
class Screen:
    """One document as shown: its :class:`Shown` text and UTF-16 offsets of that text."""

    doc: Document
    shown: Shown
    units: Utf16

    @classmethod
    def of(cls, doc: Document, edits: tuple = ()) -> Screen:
        shown = Shown.of(doc.text, tuple(edits))
        return cls(doc, shown, Utf16(shown.shown))

    def to_original(self, start16: int, end16: int) -> tuple[int, int]:
        """Original code point span of a selection given in shown UTF-16 units, with
        surrounding whitespace trimmed."""
        a = self.shown.to_original(self.units.points(start16, side="start"), side="start")
        b = self.shown.to_original(self.units.points(end16, side="end"), side="end")
        text = self.doc.text
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return a, b

    def span16(self, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shown UTF-16 offsets of original spans."""
        s = self.shown.omap.start_many(np.asarray(starts, dtype=np.int64))
        e = np.maximum(s, self.shown.omap.end_many(np.asarray(ends, dtype=np.int64)))
        return self.units.units_many(s), self.units.units_many(e)

    def blocks(self, passages: tuple[Passage, ...], label: Callable[[str], str]) -> list[list[Any]]:
        """Turns as ``[lead, start, end, speaker, role]`` in shown UTF-16 units.

        ``lead:start`` is the text before the passage since the previous one (a speaker
        label, a form's field name), blank lines left out; the last block holds any
        text after the last passage.
        """
        text = self.shown.shown
        out, prev = [], 0
        spans = sorted((p.start, p.end, p) for p in passages)
        for start, end, p in spans:
            s, e = self.shown.to_shown(start, end)
            s = max(s, prev)
            e = max(e, s)
            lead = prev
            while lead < s and text[lead] in "\r\n":
                lead += 1
            out.append([lead, s, e, label(p.speaker) if p.speaker else "", p.role or ""])
            prev = e
        if text[prev:].strip():
            lead = prev
            while text[lead] in "\r\n":
                lead += 1
            out.append([lead, len(text), len(text), "", ""])
        u = self.units
        return [[u.units(a), u.units(b), u.units(c), sp, r] for a, b, c, sp, r in out]

    def highlights(self, codings: pd.DataFrame, *, coder: str, blind: bool,
                   memo: Callable[[str], str]) -> list[list[Any]]:
        """Codings as ``[id, start, end, code_id, kind, status, coder, memo]`` rows
        (shown UTF-16 units); ``kind`` is own, other, auto or suggested. Rejected codings
        are left out, and in blind mode everything but the coder's own."""
        frame = codings[codings["status"] != "rejected"]
        if blind:
            frame = frame[frame["coder"] == coder]
        if frame.empty:
            return []
        s16, e16 = self.span16(frame["start"].to_numpy(), frame["end"].to_numpy())
        method = frame["method"].to_numpy()
        kind = np.where(np.isin(method, MACHINE), method,
                        np.where(frame["coder"].to_numpy() == coder, "own", "other"))
        memos = [memo(m) if isinstance(m, str) and m else "" for m in frame["memo"]]
        return [[int(i), int(a), int(b), c, k, st, who, m] for i, a, b, c, k, st, who, m in zip(
            frame["id"], s16, e16, frame["code_id"], kind, frame["status"], frame["coder"], memos)]

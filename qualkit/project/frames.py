"""Stored codings to the codings table: integer keys back to ids, fast for a million rows.

The ``codings`` table refers to documents, passages and codebook versions by integer keys
(:mod:`qualkit.project.schema`); :class:`Keys` maps them back, and :func:`codings_frame`
builds the codings table (:mod:`qualkit.coding.frame`) plus ``id``, ``status``,
``created`` and ``modified`` with vectorised lookups and one ``lexsort``.

>>> keys = Keys(doc_key={"a.txt": 1}, doc_ids=("", "a.txt"), passage_ids=("", "a.txt#p1"),
...             offsets={"a.txt": ((0, 5, 1),)}, codebooks={1: "abc"})
>>> row = (1, 1, "fear", 0, 4, None, "", "rina", "manual", 1.0, 1, "", 7, "accepted", 0, 0)
>>> codings_frame([row], keys)[["passage_id", "spans", "codebook_hash", "id"]].values.tolist()
[['a.txt#p1', '0-4', 'abc', 7]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from qualkit.coding.frame import CODING_COLUMNS

PROJECT_COLUMNS = (*CODING_COLUMNS, "id", "status", "created", "modified")
"""Columns of ``Project.codings()``: the codings table plus ``id``, ``status``,
``created`` and ``modified`` (UTC timestamps)."""

HISTORY_COLUMNS = ("id", "action_id", "at", "coder", "action", "coding_id", "before", "after", "undoes")
"""Columns of ``Project.history()``."""

SELECT = ("doc", "passage", "code_id", "start", "end", "spans", "cue", "coder", "method",
          "confidence", "codebook", "memo", "id", "status", "created", "modified")
"""The ``codings`` columns read, in this order, by :func:`codings_frame`."""

_TEXT = ("code_id", "cue", "coder", "method", "memo", "status")


@dataclass(frozen=True)
class Keys:
    """Integer keys of one project's documents, passages and codebook versions.

    ``doc_ids[k]`` / ``passage_ids[k]`` is the id of key ``k`` (keys start at 1);
    ``offsets[doc_id]`` lists ``(start, end, passage key)`` of the document's passages.
    """

    doc_key: Mapping[str, int]
    doc_ids: Sequence[str]
    passage_ids: Sequence[str]
    offsets: Mapping[str, Sequence[tuple[int, int, int]]]
    codebooks: Mapping[int, str] = field(default_factory=dict)
    starts: Mapping[str, Sequence[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, doc_rows: Iterable[Mapping[str, Any]], passage_rows: Iterable[Mapping[str, Any]]) -> Keys:
        """Keys from the ``documents`` and ``passages`` rows."""
        docs = {int(r["key"]): r["doc_id"] for r in doc_rows}
        doc_ids = [""] * (max(docs, default=0) + 1)
        for k, v in docs.items():
            doc_ids[k] = v
        passages: dict[int, str] = {}
        offsets: dict[str, list[tuple[int, int, int]]] = {}
        for r in passage_rows:
            passages[int(r["key"])] = r["passage_id"]
            offsets.setdefault(docs[r["doc"]], []).append((r["start"], r["end"], int(r["key"])))
        passage_ids = [""] * (max(passages, default=0) + 1)
        for k, v in passages.items():
            passage_ids[k] = v
        ordered = {k: tuple(sorted(v)) for k, v in offsets.items()}
        return cls(doc_key={v: k for k, v in docs.items()}, doc_ids=tuple(doc_ids),
                   passage_ids=tuple(passage_ids), offsets=ordered,
                   starts={k: tuple(s for s, _, _ in v) for k, v in ordered.items()})

    def with_codebooks(self, rows: Iterable[tuple[int, str]]) -> Keys:
        """A copy knowing the codebook versions ``(key, hash)``."""
        return replace(self, codebooks={int(k): h for k, h in rows})

    def readable(self, snap: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """A logged coding snapshot with ids instead of keys (for ``history()``)."""
        if snap is None:
            return None
        out = {"doc_id": self.doc_ids[snap["doc"]], "passage_id": self.passage_ids[snap["passage"]]}
        out.update({k: v for k, v in snap.items() if k not in ("doc", "passage", "codebook")})
        out["spans"] = snap["spans"] or f"{snap['start']}-{snap['end']}"
        out["codebook_hash"] = self.codebooks.get(snap["codebook"], "")
        return out


def _lookup(table: Sequence[str], keys: np.ndarray) -> np.ndarray:
    return np.asarray(table, dtype=object)[keys] if len(keys) else np.empty(0, dtype=object)


@dataclass(frozen=True)
class Columns:
    """Stored codings as numpy columns, in any row order.

    ``ints``: ``doc, passage, start, end, id, codebook, created, modified`` (int64);
    ``confidence`` (float64, NaN for NULL); ``coded``: each text column (``code_id, coder,
    method, status, cue, memo``) as ``(codes, values)`` with ``values[codes]`` the column;
    ``code_id`` and ``coder`` values must be sorted (they are sort keys); ``spans``: the
    ``"s-e;s-e"`` text of every row (object array).

    >>> a = Columns.of_rows([(1, 1, "fear", 0, 4, None, "", "rina", "manual", 1.0, 1, "", 7, "accepted", 0, 0)])
    >>> b = Columns.of_rows([(1, 1, "anger", 2, 3, "2-3", "", "budi", "auto", None, 1, "", 9, "proposed", 0, 0)])
    >>> both = a.concat(b)
    >>> both.column("code_id").tolist(), both.spans.tolist(), both.coded["code_id"][1]
    (['fear', 'anger'], ['0-4', '2-3'], ['anger', 'fear'])
    >>> both.take(both.isin("coder", ["budi"])).ints["id"].tolist()
    [9]
    """

    ints: Mapping[str, np.ndarray]
    confidence: np.ndarray
    coded: Mapping[str, tuple[np.ndarray, Sequence[Any]]]
    spans: np.ndarray

    @classmethod
    def of_rows(cls, rows: Sequence[Sequence[Any]]) -> Columns:
        """The columns of stored rows (``SELECT`` order): the plain way, one object per cell."""
        return columns_of_rows(rows)

    def __len__(self) -> int:
        return len(self.ints["id"])

    def column(self, name: str) -> np.ndarray:
        """One text column in full (object array)."""
        codes, values = self.coded[name]
        return _lookup(values, np.asarray(codes, dtype=np.int64))

    def isin(self, name: str, wanted: Sequence[str]) -> np.ndarray:
        """A boolean mask: rows whose text column ``name`` is one of ``wanted``."""
        codes, values = self.coded[name]
        chosen = set(wanted)
        hit = np.asarray([v in chosen for v in values], dtype=bool)
        return hit[np.asarray(codes, dtype=np.int64)] if len(hit) else np.zeros(len(self), dtype=bool)

    def take(self, rows: np.ndarray) -> Columns:
        """The rows ``rows`` (indices or a boolean mask), in that order."""
        return Columns(ints={c: v[rows] for c, v in self.ints.items()}, confidence=self.confidence[rows],
                       coded={c: (np.asarray(k)[rows], v) for c, (k, v) in self.coded.items()},
                       spans=self.spans[rows])

    def concat(self, other: Columns) -> Columns:
        """These rows then ``other``'s (text values merged, sorted again)."""
        coded = {}
        for c, (codes, values) in self.coded.items():
            o_codes, o_values = other.coded[c]
            merged = np.asarray([*values, *o_values], dtype=object)
            new, uniques = pd.factorize(merged, sort=True, use_na_sentinel=False)
            mine, theirs = new[:len(values)], new[len(values):]
            own = np.asarray(codes, dtype=np.int64)
            if not np.array_equal(mine, np.arange(len(values))):  # else these codes stand as they are
                own = mine[own]
            coded[c] = (np.concatenate([own, theirs[np.asarray(o_codes, dtype=np.int64)]]), list(uniques))
        return Columns(ints={c: np.concatenate([v, other.ints[c]]) for c, v in self.ints.items()},
                       confidence=np.concatenate([self.confidence, other.confidence]),
                       coded=coded, spans=np.concatenate([self.spans, other.spans]))


def columns_of_rows(rows: Sequence[Sequence[Any]]) -> Columns:
    """The columns of stored rows (``SELECT`` order): the plain way, one object per cell."""
    table = np.array(rows, dtype=object) if len(rows) else np.empty((0, len(SELECT)), dtype=object)
    table = np.ascontiguousarray(table.T)  # one row per column: gathers below read memory in order
    col = dict(zip(SELECT, table))
    ints = {c: col[c].astype(np.int64) for c in ("doc", "passage", "start", "end", "id", "codebook",
                                                 "created", "modified")}
    # text columns hold few distinct values: sort their integer codes and look the values
    # up in the small table of uniques (much cheaper than gathering a million objects)
    coded = {c: pd.factorize(col[c], sort=True, use_na_sentinel=False) for c in _TEXT}
    coded = {c: (codes, list(values)) for c, (codes, values) in coded.items()}
    spans = np.asarray([s if s is not None else f"{a}-{b}" for s, a, b in
                        zip(col["spans"].tolist(), ints["start"].tolist(), ints["end"].tolist())] or [], dtype=object)
    confidence = col["confidence"].astype(np.float64)  # None -> NaN
    return Columns(ints=ints, confidence=confidence, coded=coded, spans=spans)


def codings_frame(rows: Sequence[Sequence[Any]], keys: Keys) -> pd.DataFrame:
    """The codings table of stored rows (``SELECT`` order), sorted by ``doc_id, start,
    code_id, coder, id`` (the plain version of ``Project.codings()``)."""
    return frame_of_columns(columns_of_rows(rows), keys)


def sort_columns(columns: Columns, keys: Keys) -> Columns:
    """The rows sorted by ``doc_id, start, code_id, coder, id`` (as given when they already
    are: a snapshot is stored sorted, and checking costs one array pass)."""
    return columns.take(order) if (order := sort_order(columns, keys)) is not None else columns


def sort_order(columns: Columns, keys: Keys) -> np.ndarray | None:
    """The permutation sorting the rows by ``doc_id, start, code_id, coder, id``, or None
    when they are sorted already.

    The five keys are packed into one int64 when their values fit in 63 bits together
    (the usual case: a hundred documents, offsets under a million, a million ids), and
    that is sorted with numpy's stable sort, which is linear on a sorted run plus a few
    new rows; otherwise :func:`numpy.lexsort` (the plain version, the tests' oracle).
    """
    ints = columns.ints
    doc_rank = np.argsort(np.argsort(np.asarray(keys.doc_ids, dtype=object), kind="stable"), kind="stable")
    sort_keys = (doc_rank[ints["doc"]], ints["start"], np.asarray(columns.coded["code_id"][0], dtype=np.int64),
                 np.asarray(columns.coded["coder"][0], dtype=np.int64), ints["id"])
    packed = _packed(sort_keys)
    if packed is not None:
        return None if bool((np.diff(packed) > 0).all()) else np.argsort(packed, kind="stable")
    return None if _ascending(sort_keys) else np.lexsort(sort_keys[::-1])


def _packed(sort_keys: Sequence[np.ndarray]) -> np.ndarray | None:
    """Non-negative keys (primary first) as one int64 per row in the same order, or None
    when they need more than 63 bits."""
    if not len(sort_keys[0]):
        return np.zeros(0, dtype=np.int64)
    if any(int(k.min()) < 0 for k in sort_keys):
        return None
    widths = [int(k.max()).bit_length() for k in sort_keys]
    if sum(widths) > 63:
        return None
    packed = np.zeros(len(sort_keys[0]), dtype=np.int64)
    for key, width in zip(sort_keys, widths):
        packed = (packed << width) | key
    return packed


def _ascending(sort_keys: Sequence[np.ndarray]) -> bool:
    """True when the rows are in lexicographic order of ``sort_keys`` (primary first)."""
    undecided = np.ones(max(len(sort_keys[0]) - 1, 0), dtype=bool)
    for key in sort_keys:
        step = np.diff(key)
        if (step[undecided] < 0).any():
            return False
        undecided &= step == 0
    return True


def _utc(micros: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.asarray(micros, dtype=np.int64).view("M8[us]")).tz_localize("UTC")


def frame_of_columns(columns: Columns, keys: Keys) -> pd.DataFrame:
    """The codings table of stored columns, sorted by ``doc_id, start, code_id, coder, id``."""
    columns = sort_columns(columns, keys)
    ints = columns.ints
    book_keys = sorted(keys.codebooks)
    book_of = np.zeros(max(book_keys, default=0) + 1, dtype=np.int64)
    book_of[book_keys] = np.arange(len(book_keys))
    text = {
        "passage_id": _lookup(keys.passage_ids, ints["passage"]), "doc_id": _lookup(keys.doc_ids, ints["doc"]),
        "spans": np.asarray(columns.spans, dtype=object),
        "codebook_hash": _lookup([keys.codebooks[k] for k in book_keys], book_of[ints["codebook"]]),
        **{c: columns.column(c) for c in _TEXT},
    }
    data: dict[str, Any] = {c: pd.Series(v, dtype=object, copy=False) for c, v in text.items()}
    data.update(start=ints["start"], end=ints["end"], id=ints["id"],
                confidence=np.asarray(columns.confidence, dtype=np.float64),
                created=_utc(ints["created"]), modified=_utc(ints["modified"]))
    # copy=False: each column keeps its own block (consolidating ten object columns of a
    # million rows into one block would copy them all, the costliest step of the read)
    return pd.DataFrame(data, columns=list(PROJECT_COLUMNS), copy=False)

"""Read a million stored codings as numpy columns without a Python object per cell.

A database driver hands rows over as tuples of Python objects: sixteen objects per coding,
which costs more than everything else ``Project.codings()`` does. Here the database packs
each column into ONE comma-separated text (``group_concat`` on SQLite, ``string_agg`` on
PostgreSQL, both through SQLAlchemy Core), and numpy parses it in C:

- ``doc``/``passage`` and ``start``/``end`` are packed pairwise into one 64-bit integer;
- ``code_id`` and ``coder`` become their rank among the distinct values (asked first),
  ``method`` and ``status`` their index in the fixed lists, and these four plus the
  codebook key are packed into one integer (``CASE`` expressions);
- ``spans`` comes as one newline-joined text (the stored spans, or ``start-end`` for the
  one span), split in C by ``str.split``;
- ``confidence`` travels as text; the few values whose text is not exact (SQLite prints 15
  digits), and the rows with a ``cue`` or ``memo``, are read as plain rows.

Plain version (the oracle of ``tests/project/test_project_read.py``): the rows fetched as
tuples and :func:`qualkit.project.frames.codings_frame`. :func:`read_columns` returns
``None`` where packing does not fit (very many distinct codes or coders): callers then
take the plain path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa

from qualkit.project import schema as S
from qualkit.project.frames import Columns

_HALF = 1 << 31            # doc*_HALF + passage, start*_HALF + end
_NAME = 1 << 20            # codes and coders each below this
_CHUNK = 2_000_000         # ids per aggregate query (keeps each text well under 1 GB)


def _agg(dialect: str, expr: sa.ColumnElement[Any], sep: str = ",") -> sa.ColumnElement[Any]:
    if dialect == "sqlite":  # group_concat writes numbers as text itself
        return sa.func.group_concat(expr, sep)
    return sa.func.string_agg(sa.cast(expr, sa.Text), sep)


def _spans_text(c: Any) -> sa.ColumnElement[Any]:
    """The ``"s-e;s-e"`` text of a coding row (never holds a newline)."""
    return sa.func.coalesce(c.spans, sa.cast(c.start, sa.Text) + "-" + sa.cast(c.end, sa.Text))


def _rank(col: sa.ColumnElement[Any], values: Sequence[str]) -> sa.ColumnElement[Any]:
    if not values:  # no rows match: any constant will do
        return sa.literal(0, sa.BigInteger)
    return sa.case({v: i for i, v in enumerate(values)}, value=col, else_=0)


def _parse(text: str | None, dtype: type) -> np.ndarray:
    return np.fromstring(text, dtype=dtype, sep=",") if text else np.empty(0, dtype=dtype)


def read_columns(conn: sa.Connection, where: Sequence[sa.ColumnElement[bool]]) -> Columns | None:
    """The codings matching ``where`` as :class:`~qualkit.project.frames.Columns` (table
    order, not sorted), or ``None`` when they cannot be packed."""
    c = S.codings.c
    names = conn.execute(sa.select(c.code_id, c.coder).where(*where).distinct()).all()
    codes, coders = sorted({n[0] for n in names}), sorted({n[1] for n in names})
    top = (conn.execute(sa.select(sa.func.max(S.codebooks.c.key))).scalar(),  # both O(1): no scan
           conn.execute(sa.select(sa.func.max(c.id))).scalar())
    if len(codes) >= _NAME or len(coders) >= _NAME or (top[0] or 0) >= 1 << 18 or len(names) > 5000:
        return None
    big = sa.BigInteger
    tag = ((((sa.cast(c.codebook, big) * _NAME + _rank(c.code_id, codes)) * _NAME
             + _rank(c.coder, coders)) * 4 + _rank(c.method, S.METHODS)) * 4 + _rank(c.status, S.STATUSES))
    dialect = conn.dialect.name
    exprs = (c.id, sa.cast(c.doc, big) * _HALF + c.passage, sa.cast(c.start, big) * _HALF + c.end,
             tag, c.created, c.modified, sa.func.coalesce(sa.cast(c.confidence, sa.Text), "nan"))
    parts: list[list[np.ndarray]] = [[] for _ in exprs]
    spans: list[str] = []
    for lo in range(0, int(top[1] or 0), _CHUNK):
        row = conn.execute(sa.select(*(_agg(dialect, e) for e in exprs), _agg(dialect, _spans_text(c), "\n"))
                           .where(*where, c.id > lo, c.id <= lo + _CHUNK)).one()
        for part, text, dtype in zip(parts, row, (np.int64,) * 6 + (np.float64,)):
            part.append(_parse(text, dtype))
        if row[-1]:
            spans += row[-1].split("\n")
    ids, pair, span, tag_v, created, modified, confidence = (
        np.concatenate(p) if p else np.empty(0, dtype=np.int64) for p in parts)
    tag_v, status = np.divmod(tag_v, 4)
    tag_v, method = np.divmod(tag_v, 4)
    tag_v, coder = np.divmod(tag_v, _NAME)
    book, code = np.divmod(tag_v, _NAME)
    cols = Columns(
        ints={"id": ids, "doc": pair // _HALF, "passage": pair % _HALF, "start": span // _HALF,
              "end": span % _HALF, "codebook": book, "created": created, "modified": modified},
        confidence=confidence.astype(np.float64),
        coded={"code_id": (code, codes), "coder": (coder, coders), "method": (method, list(S.METHODS)),
               "status": (status, list(S.STATUSES))},
        spans=np.asarray(spans, dtype=object))
    return _with_extras(conn, where, cols)


def _with_extras(conn: sa.Connection, where: Sequence[sa.ColumnElement[bool]], cols: Columns) -> Columns:
    """Fill ``cue``, ``memo`` and inexact ``confidence`` from the few rows having them."""
    c = S.codings.c
    inexact = sa.cast(sa.cast(c.confidence, sa.Text), sa.Float) != c.confidence
    rows = conn.execute(sa.select(c.id, c.cue, c.memo, c.confidence).where(
        *where, sa.or_(c.cue != "", c.memo != "", inexact))).all()
    n = len(cols.ints["id"])
    coded = dict(cols.coded)
    for col, empty in (("cue", ""), ("memo", "")):
        coded[col] = (np.zeros(n, dtype=np.int64), [empty])
    confidence = cols.confidence
    if rows:
        at = np.searchsorted(cols.ints["id"], [r[0] for r in rows])  # ids ascend within the scan
        if not np.array_equal(cols.ints["id"][np.minimum(at, n - 1)], [r[0] for r in rows]):
            order = np.argsort(cols.ints["id"], kind="stable")
            at = order[np.searchsorted(cols.ints["id"], [r[0] for r in rows], sorter=order)]
        for j, col in enumerate(("cue", "memo"), start=1):
            keys, values = coded[col]
            keys[at] = np.arange(1, len(rows) + 1)
            values.extend(r[j] for r in rows)
        confidence = confidence.copy()
        confidence[at] = [np.nan if r[3] is None else r[3] for r in rows]
    return Columns(ints=cols.ints, confidence=confidence, coded=coded, spans=cols.spans)

"""A columnar snapshot of a project's codings, so that reading a million codings does not
mean reading a million rows.

Fetching every coding row costs seconds at a million codings, whatever the driver does
(``sqlite3`` alone needs about 4 s on the benchmark machine). A large project therefore
keeps its codings also as numpy columns (:class:`~qualkit.project.frames.Columns`), in one
compressed blob of the ``snapshots`` table, tagged with the log position it reflects.
:func:`load` takes the newest snapshot and re-reads only the codings the log names since
that position; :func:`save` replaces the snapshot. The snapshot is a cache of the
``codings`` table, never a source: a read that finds no snapshot, too many changes since,
or a result whose row count or highest id differ from the table's, reads the table instead.

Every change to a coding goes through :class:`~qualkit.project.Project`, which writes one
``log`` row per coding changed (:mod:`qualkit.project.history`); that is what makes the
changes since a snapshot known. The plain version (the oracle of
``tests/project/test_project_snapshot.py``) reads every row.

>>> from qualkit.project.frames import Columns
>>> cols = Columns.of_rows([(1, 1, "fear", 0, 4, None, "", "rina", "manual", 1.0, 1, "", 7, "accepted", 0, 0)])
>>> back = decode(encode(cols))
>>> back.column("code_id").tolist(), back.spans.tolist(), back.ints["id"].dtype.name
(['fear'], ['0-4'], 'int64')
"""

from __future__ import annotations

import io
import json
import zlib
from typing import Any

import numpy as np
import sqlalchemy as sa

from qualkit.project import frames as F
from qualkit.project import schema as S

MIN_ROWS = 50_000
"""A snapshot is kept from this many codings on (below it a full read takes well under
half a second, and the blob would only grow the file)."""
REFRESH = 10_000
"""A read that re-reads at least this many changed codings writes a new snapshot."""
_MAGIC = b"qualkit-columns-1\n"


def _narrow(values: np.ndarray) -> np.ndarray:
    """Integers in the smallest of int8/16/32/64 that holds them (a smaller blob)."""
    values = np.asarray(values, dtype=np.int64)
    if not len(values):
        return values
    low, high = int(values.min()), int(values.max())
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return values.astype(dtype)
    return values


def _text(value: str) -> np.ndarray:
    return np.frombuffer(value.encode("utf-8"), dtype=np.uint8)


def encode(columns: F.Columns) -> bytes:
    """The columns as one compressed blob (numpy's ``.npz`` layout, no pickled objects)."""
    arrays: dict[str, np.ndarray] = {f"i.{c}": _narrow(v) for c, v in columns.ints.items()}
    arrays["confidence"] = np.asarray(columns.confidence, dtype=np.float64)
    for c, (codes, values) in columns.coded.items():
        arrays[f"c.{c}"] = _narrow(codes)
        arrays[f"v.{c}"] = _text(json.dumps(list(values), ensure_ascii=False))
    arrays["spans"] = _text("\n".join(columns.spans.tolist()))  # spans never hold a newline
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return _MAGIC + zlib.compress(buffer.getvalue(), 1)


def decode(data: bytes) -> F.Columns:
    """The columns of a blob made by :func:`encode` (ValueError for anything else)."""
    if not data.startswith(_MAGIC):
        raise ValueError("not a qualkit codings snapshot")
    stored = np.load(io.BytesIO(zlib.decompress(data[len(_MAGIC):])), allow_pickle=False)
    ints = {name[2:]: stored[name].astype(np.int64) for name in stored.files if name.startswith("i.")}
    coded = {name[2:]: (stored[name].astype(np.int64), json.loads(stored["v." + name[2:]].tobytes()))
             for name in stored.files if name.startswith("c.")}
    text = stored["spans"].tobytes().decode("utf-8")
    spans = np.asarray(text.split("\n") if len(ints["id"]) else [], dtype=object)
    return F.Columns(ints=ints, confidence=stored["confidence"], coded=coded, spans=spans)


def load(conn: sa.Connection, position: int) -> tuple[F.Columns, int] | None:
    """Every coding at log ``position`` (table order, unsorted) from the newest snapshot,
    and how many codings were re-read because the log names them since; ``None`` when
    the table must be read instead (no snapshot, many changes, or a failed check)."""
    newest = conn.execute(sa.select(S.snapshots.c.position, S.snapshots.c.rows)
                          .order_by(S.snapshots.c.position.desc()).limit(1)).first()
    if newest is None or newest.position > position:
        return None
    changed = (sa.select(S.log.c.coding_id).where(S.log.c.id > newest.position, S.log.c.coding_id.is_not(None))
               .distinct())
    many = conn.execute(sa.select(sa.func.count()).select_from(changed.subquery())).scalar_one()
    if many > max(REFRESH, newest.rows // 4):  # about as dear as reading the table
        return None
    data = conn.execute(sa.select(S.snapshots.c.data).where(S.snapshots.c.position == newest.position)).scalar_one()
    columns = decode(bytes(data))
    if many:
        ids = np.asarray(conn.execute(changed).scalars().all(), dtype=np.int64)
        fresh = conn.execute(sa.select(*(S.codings.c[c] for c in F.SELECT))
                             .where(S.codings.c.id.in_(changed.scalar_subquery()))).cursor.fetchall()
        kept = ~np.isin(columns.ints["id"], ids)
        columns = (columns if kept.all() else columns.take(kept)).concat(F.columns_of_rows(fresh))
    count, top = conn.execute(sa.select(sa.func.count(), sa.func.max(S.codings.c.id))).one()
    if count != len(columns) or (top or 0) != (int(columns.ints["id"].max()) if len(columns) else 0):
        return None  # the table was changed past the log: do not trust the snapshot
    return columns, int(many)


def save(engine: sa.Engine, columns: F.Columns, position: int) -> bool:
    """Replace the snapshot by ``columns`` (every coding at log ``position``); False when
    a newer one is there or the database cannot be written (a read-only file)."""
    data = encode(columns)
    try:
        with S.writing(engine) as conn:
            newest = conn.execute(sa.select(sa.func.max(S.snapshots.c.position))).scalar()
            if newest is not None and newest >= position:
                return False
            conn.execute(sa.delete(S.snapshots))
            conn.execute(sa.insert(S.snapshots).values(position=position, rows=len(columns),
                                                       created=S.now_us(), data=data))
    except sa.exc.OperationalError as err:
        if "readonly" in str(err.orig).lower().replace("-", "").replace(" ", ""):
            return False
        raise
    return True


def wanted(columns: F.Columns, coders: list[str] | None, status: list[str] | None) -> F.Columns:
    """The rows of the given coders and statuses (all when ``None``)."""
    keep: Any = np.ones(len(columns), dtype=bool)
    if coders is not None:
        keep &= columns.isin("coder", coders)
    if status is not None:
        keep &= columns.isin("status", status)
    return columns if keep.all() else columns.take(keep)

"""The codings table: qualkit's one representation of "this code applies here".

Auto-coding, manual coding, suggestions and imports from other QDA tools all produce a
pandas DataFrame with these columns (one row per passage, code and coder):

===============  ==========================================================================
passage_id       the coded passage (``Passage.id``)
doc_id           its document (``Document.id``)
code_id          the code (``Code.id`` in the codebook)
start, end       evidence offsets in ``Document.text`` (code points, end exclusive): the
                 first evidence span for auto-coding, the coded span for manual coding
spans            every evidence span as ``start-end`` items joined by ``;``
cue              the cue(s) that matched, ``;``-separated (empty for manual codings)
coder            who coded: ``auto`` for the auto-coder, a person's name or initials
method           ``auto``, ``manual`` or ``suggested``
confidence       1.0 for auto and manual codings; the suggester's probability otherwise
codebook_hash    version hash of the codebook that produced the coding
memo             free text (empty string when none)
===============  ==========================================================================

Example
-------
>>> frame = empty_codings()
>>> list(frame.columns)[:4]
['passage_id', 'doc_id', 'code_id', 'start']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from qualkit.coding.spans import format_spans
from qualkit.errors import QualkitError

CODING_COLUMNS = (
    "passage_id", "doc_id", "code_id", "start", "end", "spans", "cue", "coder",
    "method", "confidence", "codebook_hash", "memo",
)
METHODS = ("auto", "manual", "suggested", "imported")
CODING_KEY = ("passage_id", "code_id", "coder")

_DTYPES = {
    "passage_id": "object", "doc_id": "object", "code_id": "object", "start": "int64",
    "end": "int64", "spans": "object", "cue": "object", "coder": "object", "method": "object",
    "confidence": "float64", "codebook_hash": "object", "memo": "object",
}


def empty_codings() -> pd.DataFrame:
    """An empty codings table with the documented columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in CODING_COLUMNS})


def codings_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a codings table from dicts; missing optional columns get their defaults.

    Defaults: ``spans`` = ``start-end``, ``cue``/``memo``/``codebook_hash`` = ``""``,
    ``confidence`` = 1.0. Rows are sorted by ``doc_id, start, code_id, coder``.
    """
    records = []
    for row in rows:
        rec = dict(row)
        spans = rec.get("spans")
        if spans is None:
            rec["spans"] = f"{rec.get('start')}-{rec.get('end')}"
        elif not isinstance(spans, str):          # (start, end) pairs: the file form
            rec["spans"] = format_spans(spans)
        for col in ("cue", "memo", "codebook_hash"):
            rec.setdefault(col, "")
        rec.setdefault("confidence", 1.0)
        records.append(rec)
    if not records:
        return empty_codings()
    frame = pd.DataFrame.from_records(records)
    return validate_codings(frame)


def validate_codings(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a codings table's columns and values; return it with canonical order and dtypes.

    Raises QualkitError naming the missing column or the first bad row.
    """
    missing = [c for c in CODING_COLUMNS if c not in frame.columns]
    if missing:
        raise QualkitError(
            f"codings table lacks column(s) {missing}",
            hint=f"a codings table needs the columns {', '.join(CODING_COLUMNS)}",
        )
    bad = ~frame["method"].isin(METHODS)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise QualkitError(
            f"codings row {i}: method {frame['method'].iloc[i]!r} is not one of {METHODS}",
            hint="use 'auto', 'manual' or 'suggested'",
        )
    if (frame["start"] > frame["end"]).any():
        i = int((frame["start"] > frame["end"]).to_numpy().nonzero()[0][0])
        raise QualkitError(f"codings row {i}: start > end", hint="give spans as start <= end")
    extra = [c for c in frame.columns if c not in CODING_COLUMNS]
    out = frame[list(CODING_COLUMNS) + extra].astype(_DTYPES)
    for col in ("cue", "memo", "codebook_hash", "spans"):
        out[col] = out[col].fillna("")
    out = out.sort_values(["doc_id", "start", "code_id", "coder"], kind="stable")
    return out.reset_index(drop=True)

"""The findings workbook: every table of an Analysis on its own sheet, plus the codings.

:func:`write_spreadsheet` writes ``findings.xlsx`` atomically with a small streaming
writer (:mod:`qualkit.outputs._xlsx`: rows become XML a column at a time and are
compressed as they are written, so a million codings take seconds and little memory). Column widths are fitted to the first
:data:`WIDTH_SAMPLE_ROWS` rows. A codings sheet longer than Excel's row limit is cut,
with a ``note`` sheet saying so (``codings.csv`` holds all rows).
Sheets: one per table the output writes (:func:`qualkit.outputs.contents.output_tables`:
``factors``, ``stages``, ``triangulation``, ``conclusions``, ``quotes``, ``matrix_<name>``
...; a table the study's design does not have gets no sheet; names longer than Excel's
31 characters are shortened), then ``documents``, ``codings`` and, when there is
something to say, ``note`` (tables left out or empty, and why). Every sheet has
a bold, frozen header row and column widths fitted to its contents (at most 60).
The file is reproducible: dated :func:`qualkit.outputs.reproducible.build_date`
(``SOURCE_DATE_EPOCH`` when set, else 2000-01-01), so the same analysis gives the same bytes.

The ``codings`` sheet is in long format, one coded quote per row, with the columns of
:data:`CODINGS_SHEET_COLUMNS`: ``doc_id, passage_id, speaker, start, end, code_id,
code_name``, one column per codebook facet, ``coder, method, confidence, cue,
source_type, informant_group, case_id, evidence`` (the text at ``start:end``) and
``quote`` (the whole coded passage).

Example
-------
>>> write_spreadsheet(result, "out/findings.xlsx")            # doctest: +SKIP
PosixPath('out/findings.xlsx')
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualkit._io import atomic_write
from qualkit.errors import QualkitError
from qualkit.outputs._xlsx import EXCEL_CELL_LIMIT, write_workbook  # noqa: F401 (EXCEL_CELL_LIMIT: public name)
from qualkit.analysis.result import Analysis
from qualkit.outputs.contents import output_tables, table_notes
from qualkit.outputs.reproducible import build_date

CODINGS_SHEET_COLUMNS = (
    "doc_id", "passage_id", "speaker", "start", "end", "code_id", "code_name",
    # facet columns come here, one per codebook facet
    "coder", "method", "confidence", "cue", "source_type", "informant_group", "case_id",
    "evidence", "quote",
)
MAX_WIDTH = 60


def codings_sheet(analysis: Analysis, *, rows: int | None = None) -> pd.DataFrame:
    """The codings in long format, one row per coding (the first ``rows`` codings when
    given), with the quote it rests on.

    Built column by column: passages, documents and codes are looked up once per distinct
    id, not row by row; text columns are plain object columns that share the corpus's strings.

    >>> codings_sheet(result).columns[:5].tolist()               # doctest: +SKIP
    ['doc_id', 'passage_id', 'speaker', 'start', 'end']
    """
    corpus, book = analysis.corpus, analysis.codebook
    codings = analysis.codings if rows is None else analysis.codings.iloc[:rows]
    passages = {p.id: p for p in corpus.passages}
    docs = {d.id: d for d in corpus.documents}
    names = {c.id: c.name for c in book.codes}
    starts = codings["start"].to_numpy(dtype="int64")
    ends = codings["end"].to_numpy(dtype="int64")
    of_passage = _per_id(codings["passage_id"], passages.get)
    of_doc = _per_id(codings["doc_id"], docs.get)
    of_code = _per_id(codings["code_id"], lambda c: c)
    found = of_passage(lambda p: p)
    evidence = [t[s:e] if t is not None else "" for t, s, e in
                zip(of_doc(lambda d: d.text).tolist(), starts.tolist(), ends.tolist())]

    def doc_attr(attr: str) -> np.ndarray:
        return of_doc(lambda d: getattr(d, attr))

    columns: dict[str, Any] = {
        "doc_id": codings["doc_id"].tolist(), "passage_id": codings["passage_id"].tolist(),
        "speaker": of_passage(lambda p: p.speaker), "start": starts, "end": ends,
        "code_id": codings["code_id"].tolist(), "code_name": of_code(lambda c: names.get(c, c)),
    }
    for f in book.facets:
        values = {c.id: book.facet(c.id, f) for c in book.codes}
        columns[f] = of_code(values.get)
    columns.update({
        "coder": codings["coder"].tolist(), "method": codings["method"].tolist(),
        "confidence": codings["confidence"].to_numpy(),
        "cue": codings["cue"].tolist() if "cue" in codings.columns else [""] * len(codings),
        "source_type": doc_attr("source_type"), "informant_group": doc_attr("informant_group"),
        "case_id": doc_attr("case_id"), "evidence": evidence,
        "quote": [p.text if p is not None else ev for p, ev in zip(found.tolist(), evidence)],
    })
    return pd.DataFrame({k: v if isinstance(v, np.ndarray) and v.dtype != object else pd.Series(v, dtype=object)
                         for k, v in columns.items()})


def _per_id(ids: pd.Series, find: Any) -> Any:
    """``of(value)``: ``value(find(id))`` for each of ``ids`` as an object array, computed
    once per distinct id; None where ``find`` finds nothing."""
    codes, uniques = pd.factorize(ids)
    objects = [find(u) for u in uniques]

    def of(value: Any) -> np.ndarray:
        return np.array([value(o) if o is not None else None for o in objects] + [None], dtype=object)[codes]

    return of


def sheet_names(names: list[str]) -> list[str]:
    """Excel-safe, unique sheet names: at most 31 characters, no ``[]:*?/\\``; a long
    ``matrix_`` name becomes ``m_``, anything still too long is cut and numbered.

    >>> sheet_names(["matrix_code_x_informant_group_long", "factors"])
    ['m_code_x_informant_group_long', 'factors']
    """
    out: list[str] = []
    for name in names:
        clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name)) or "sheet"
        if len(clean) > 31 and clean.startswith("matrix_"):
            clean = "m_" + clean[len("matrix_"):]
        candidate, n = clean[:31], 0
        while candidate in out:
            n += 1
            candidate = clean[: 31 - len(f"~{n}")] + f"~{n}"
        out.append(candidate)
    return out


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


WIDTH_SAMPLE_ROWS = 5000
"""Column widths are fitted to the first this many rows (never cell by cell)."""


def _column_widths(frame: pd.DataFrame) -> list[int]:
    """Width per column: the 90th percentile of the value lengths in the first
    :data:`WIDTH_SAMPLE_ROWS` rows, at least the header + 2 and 8, at most 60."""
    sample = frame.iloc[:WIDTH_SAMPLE_ROWS]
    widths = []
    for i, column in enumerate(frame.columns):
        lengths = [0 if _missing(v) else len(str(v)) for v in sample.iloc[:, i]] or [0]
        typical = float(pd.Series(lengths).quantile(0.9))
        widths.append(min(MAX_WIDTH, max(len(str(column)) + 2, int(typical) + 2, 8)))
    return widths


EXCEL_MAX_ROWS = 1_048_576
"""Rows per sheet Excel can open (header included)."""


def workbook_frames(analysis: Analysis) -> dict[str, pd.DataFrame]:
    """Sheet name -> frame, in workbook order (tables, documents, codings, note).

    The tables are those :func:`qualkit.outputs.contents.output_tables` writes; the
    ``note`` sheet (only when there is something to say) names the tables left out or
    empty and a codings sheet cut at Excel's row limit."""
    tables = output_tables(analysis)
    frames: dict[str, pd.DataFrame] = {name: t.frame for name, t in tables.items() if t.frame is not None}
    docs = analysis.corpus.documents_frame()
    frames["documents"] = docs.drop(columns=[c for c in ("source_path",) if c in docs.columns])
    frames["codings"] = codings_sheet(analysis, rows=EXCEL_MAX_ROWS - 1)  # Excel opens no longer sheet
    notes = []
    if len(analysis.codings) > EXCEL_MAX_ROWS - 1:
        notes.append(f"The codings sheet holds the first {EXCEL_MAX_ROWS - 1:,} of {len(analysis.codings):,} "
                     "codings (Excel's row limit); codings.csv holds all of them.")
    notes += table_notes(tables)
    if notes:
        frames["note"] = pd.DataFrame({"note": notes})
    return frames


def write_spreadsheet(analysis: Analysis, path: str | os.PathLike[str]) -> Path:
    """Write the findings workbook to ``path`` atomically; return the path.

    >>> write_spreadsheet(result, "out/findings.xlsx")         # doctest: +SKIP
    PosixPath('out/findings.xlsx')
    """
    if not isinstance(analysis, Analysis):
        raise QualkitError(f"write_spreadsheet needs an Analysis; got {type(analysis).__name__}",
                           hint="pass the result of qualkit.analyze(corpus, codebook)")
    frames = workbook_frames(analysis)
    names = sheet_names(list(frames))

    when = build_date()
    sheets = []
    for sheet, frame in zip(names, frames.values()):
        shown = frame.reset_index(drop=True) if _plain_index(frame) else frame.reset_index()
        sheets.append((sheet, shown, _column_widths(shown)))

    def save(tmp: Path) -> None:
        write_workbook(tmp, sheets, when=when)

    atomic_write(path, save)
    return Path(path)


def _plain_index(frame: pd.DataFrame) -> bool:
    """True when the index carries no information (a default RangeIndex)."""
    return isinstance(frame.index, pd.RangeIndex) and frame.index.name is None

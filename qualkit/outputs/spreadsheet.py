"""The findings workbook: every table of an Analysis on its own sheet, plus the codings.

:func:`write_spreadsheet` writes ``findings.xlsx`` atomically with openpyxl in
write-only mode (rows are streamed to disk, so hundreds of thousands of codings stay
fast and small in memory). Column widths are fitted to the first
:data:`WIDTH_SAMPLE_ROWS` rows. A codings sheet longer than Excel's row limit is cut,
with a ``note`` sheet saying so (``codings.csv`` holds all rows).
Sheets: one per entry of ``analysis.tables()`` (``factors``, ``stages``,
``triangulation``, ``conclusions``, ``quotes``, ``matrix_<name>`` ...; names longer than
Excel's 31 characters are shortened), then ``documents`` and ``codings``. Every sheet has
a bold, frozen header row and column widths fitted to its contents (at most 60).
The file is reproducible: dated :func:`qualkit.outputs.report.build_date`
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

import datetime
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from qualkit._io import atomic_write
from qualkit.errors import QualkitError
from qualkit.outputs.report import build_date, reproducible_zip

CODINGS_SHEET_COLUMNS = (
    "doc_id", "passage_id", "speaker", "start", "end", "code_id", "code_name",
    # facet columns come here, one per codebook facet
    "coder", "method", "confidence", "cue", "source_type", "informant_group", "case_id",
    "evidence", "quote",
)
EXCEL_CELL_LIMIT = 32_767
MAX_WIDTH = 60


def codings_sheet(analysis: Any) -> pd.DataFrame:
    """The codings in long format, one row per coding, with the quote it rests on.

    >>> codings_sheet(result).columns[:5].tolist()               # doctest: +SKIP
    ['doc_id', 'passage_id', 'speaker', 'start', 'end']
    """
    corpus, book, codings = analysis.corpus, analysis.codebook, analysis.codings
    facets = list(getattr(book, "facets", {}))
    head = list(CODINGS_SHEET_COLUMNS[:7])
    tail = list(CODINGS_SHEET_COLUMNS[7:])
    passages = {p.id: p for p in corpus.passages}
    docs = {d.id: d for d in corpus.documents}
    names = {c.id: c.name for c in book.codes}
    facet_of = {(c.id, f): book.facet(c.id, f) for c in book.codes for f in facets}
    rows = []
    for r in codings.to_dict("records"):
        passage = passages.get(r["passage_id"])
        doc = docs.get(r["doc_id"])
        start, end = int(r["start"]), int(r["end"])
        row = {
            "doc_id": r["doc_id"], "passage_id": r["passage_id"],
            "speaker": passage.speaker if passage else None,
            "start": start, "end": end, "code_id": r["code_id"],
            "code_name": names.get(r["code_id"], r["code_id"]),
        }
        for f in facets:
            row[f] = facet_of.get((r["code_id"], f))
        row.update({
            "coder": r["coder"], "method": r["method"], "confidence": r["confidence"],
            "cue": r.get("cue", ""),
            "source_type": doc.source_type if doc else None,
            "informant_group": doc.informant_group if doc else None,
            "case_id": doc.case_id if doc else None,
            "evidence": doc.text[start:end] if doc else "",
            "quote": passage.text if passage else (doc.text[start:end] if doc else ""),
        })
        rows.append(row)
    return pd.DataFrame(rows, columns=head + facets + tail)


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


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > EXCEL_CELL_LIMIT:
            value = value[: EXCEL_CELL_LIMIT - 1] + "\u2026"
    return value


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


def _cell_value(value: Any) -> Any:
    """A value as openpyxl should store it: missing -> empty, text cleaned of characters
    XML cannot hold, numpy scalars as Python numbers."""
    if _missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, (bool, int, float, datetime.datetime, datetime.date)):
        return value
    return _clean(str(value))


def _write_sheet(book: Any, name: str, frame: pd.DataFrame) -> None:
    """One sheet: bold frozen header, fitted widths, autofilter, then the rows streamed
    through openpyxl's write-only mode (no per-cell objects kept in memory)."""
    sheet = book.create_sheet(name)
    sheet.freeze_panes = "A2"
    for i, width in enumerate(_column_widths(frame), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold, top = Font(bold=True), Alignment(vertical="top", wrap_text=False)
    header = []
    for column in frame.columns:
        cell = WriteOnlyCell(sheet, value=column if isinstance(column, (int, float)) else _clean(str(column)))
        cell.font, cell.alignment = bold, top
        header.append(cell)
    if len(frame):
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(frame.columns)))}{len(frame) + 1}"
    sheet.append(header)
    columns = [[_cell_value(v) for v in frame.iloc[:, i].tolist()] for i in range(len(frame.columns))]
    for row in zip(*columns):
        sheet.append([_as_text(sheet, v) if isinstance(v, str) and v.startswith("=") else v for v in row])


def _as_text(sheet: Any, value: str) -> Any:
    """A cell that keeps text beginning with ``=`` as text (never a formula)."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


EXCEL_MAX_ROWS = 1_048_576
"""Rows per sheet Excel can open (header included)."""


def workbook_frames(analysis: Any) -> dict[str, pd.DataFrame]:
    """Sheet name -> frame, in workbook order (tables, documents, codings)."""
    tables = analysis.tables() if hasattr(analysis, "tables") else {}
    frames: dict[str, pd.DataFrame] = {}
    for name, frame in tables.items():
        if isinstance(frame, pd.DataFrame):
            frames[str(name)] = frame
    docs = analysis.corpus.documents_frame()
    frames["documents"] = docs.drop(columns=[c for c in ("source_path",) if c in docs.columns])
    codings = codings_sheet(analysis)
    if len(codings) > EXCEL_MAX_ROWS - 1:  # Excel cannot open a longer sheet
        frames["codings"] = codings.iloc[: EXCEL_MAX_ROWS - 1]
        frames["note"] = pd.DataFrame({"note": [
            f"The codings sheet holds the first {EXCEL_MAX_ROWS - 1:,} of {len(codings):,} codings "
            "(Excel's row limit); codings.csv holds all of them."]})
    else:
        frames["codings"] = codings
    return frames


def write_spreadsheet(analysis: Any, path: str | os.PathLike[str]) -> Path:
    """Write the findings workbook to ``path`` atomically; return the path.

    >>> write_spreadsheet(result, "out/findings.xlsx")         # doctest: +SKIP
    PosixPath('out/findings.xlsx')
    """
    for name in ("corpus", "codebook", "codings"):
        if not hasattr(analysis, name):
            raise QualkitError(f"write_spreadsheet needs an Analysis; the object has no {name!r}",
                               hint="pass the result of qualkit.analyze(corpus, codebook)")
    frames = workbook_frames(analysis)
    names = sheet_names(list(frames))

    when = build_date()

    def save(tmp: Path) -> None:
        # Write-only mode streams rows to disk; formatting is per column, never per cell.
        book = Workbook(write_only=True)
        book.properties.creator = "qualkit"
        for sheet, frame in zip(names, frames.values()):
            shown = frame.reset_index(drop=True) if _plain_index(frame) else frame.reset_index()
            _write_sheet(book, sheet, shown)
        book.save(tmp)
        reproducible_zip(tmp, when=when)

    atomic_write(path, save)
    return Path(path)


def _plain_index(frame: pd.DataFrame) -> bool:
    """True when the index carries no information (a default RangeIndex)."""
    return isinstance(frame.index, pd.RangeIndex) and frame.index.name is None

"""Which tables an output holds: one rule for the CSV files, workbook sheets, charts,
report sections and run manifest.

- A table the study's design does not have is **absent**: not written anywhere (no CSV
  file, no sheet, no chart, no report section); the run manifest and the workbook's
  ``note`` sheet say why (``no 'stage' facet in the codebook``). The factor matrix
  (``factors``, ``factor_grid``) and what is built on it (``triangulation``,
  ``conclusions``: one row per factor code) need the design's ``factor_matrix``; the
  ``stages`` table its ``stage_table`` (see :meth:`qualkit.study.Study.completed`).
- A table the design has but that came out **empty** for the data (no rows, or no count
  above 0) is written with its header and rows, and flagged: the manifest marks it
  ``empty`` and the ``note`` sheet names it. No chart is drawn and the report leaves
  the section out (a chart or section of nothing says nothing).
- Every other table is **written**.

:func:`output_tables` decides; everything in :mod:`qualkit.outputs` asks it.

>>> output_tables(result)["stages"].note                    # doctest: +SKIP
"no 'stage' facet in the codebook"
>>> OutputTable("stages", None, "no 'stage' facet in the codebook").status
'absent'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from qualkit.analysis.result import Analysis

FACTOR_TABLES = ("factors", "factor_grid", "triangulation", "conclusions")
"""Tables built on the factor matrix (one row per factor code, or the grid of them)."""
STAGE_TABLES = ("stages",)
"""Tables built on the stage table."""
_COUNTS = {"conclusions": "statement", "quotes": "quote"}
"""The column whose values make a row count, for tables without a ``codings`` column."""
_DATA_OF = {"factor_grid": "factors"}
"""Tables whose data is another table's (the grid shows the factor matrix's codes)."""


@dataclass(frozen=True)
class OutputTable:
    """One table of an output: its file stem, its frame (None when absent) and a note
    saying why it is absent or flagged empty ("" when written with data)."""

    name: str
    frame: pd.DataFrame | None
    note: str = ""

    @property
    def status(self) -> str:
        """``absent`` (not written), ``empty`` (written, flagged) or ``written``."""
        if self.frame is None:
            return "absent"
        return "empty" if self.note else "written"

    @property
    def has_data(self) -> bool:
        """True for a table written with data (charts and report sections need it)."""
        return self.status == "written"


def output_tables(analysis: Analysis) -> dict[str, OutputTable]:
    """Every table of ``analysis.tables()`` in order, each with its status and note."""
    design, book = analysis.design, analysis.codebook
    facets = set(book.facets) | {f for c in book.codes for f in c.facets}
    out: dict[str, OutputTable] = {}
    frames = analysis.tables()
    for name, frame in frames.items():
        data = frames.get(_DATA_OF.get(name, name), frame)
        if name in FACTOR_TABLES and design.factor_matrix is None:
            out[name] = OutputTable(name, None, _why_no_factor_matrix(facets))
        elif name in STAGE_TABLES and design.stage_table is None:
            out[name] = OutputTable(name, None, _why_no_stage_table(facets))
        elif not has_rows(data, _COUNTS.get(name, "codings")):
            out[name] = OutputTable(name, frame, "empty: no coded evidence for this table in the data")
        else:
            out[name] = OutputTable(name, frame)
    return out


def written_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    """The tables an output writes (empty ones included): file stem -> frame."""
    return {name: t.frame for name, t in output_tables(analysis).items() if t.frame is not None}


def table_notes(tables: Mapping[str, OutputTable]) -> list[str]:
    """One sentence per absent or empty table, for a note sheet or a console.

    >>> table_notes({"stages": OutputTable("stages", None, "no 'stage' facet in the codebook")})
    ['stages: not written (no stage facet in the codebook)']
    """
    lines = []
    for name, t in tables.items():
        if t.status == "absent":
            lines.append(f"{name}: not written ({t.note.replace(chr(39), '')})")
        elif t.status == "empty":
            lines.append(f"{name}: written with its header but {t.note.removeprefix('empty: ')}")
    return lines


def has_rows(frame: pd.DataFrame | None, count: str = "codings") -> bool:
    """True for a frame with rows and, when ``count`` is a numeric column, a count above 0;
    a frame of numbers only (a matrix) needs a number above 0.

    >>> has_rows(pd.DataFrame({"stage": ["a"], "codings": [0]}))
    False
    >>> has_rows(pd.DataFrame({"code_id": ["a"], "x": [2]}))
    True
    """
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return False
    if count in frame.columns:
        column = frame[count]
        if pd.api.types.is_numeric_dtype(column):
            return bool((column > 0).any())
        return bool(column.astype(str).str.strip().ne("").any())
    numbers = frame.select_dtypes("number")
    return bool((numbers.to_numpy() > 0).any()) if numbers.shape[1] else True


def _why_no_factor_matrix(facets: set[str]) -> str:
    missing = [f for f in ("level", "factor") if f not in facets]
    if missing:
        return "no " + " or ".join(f"'{f}'" for f in missing) + " facet in the codebook"
    return "the study design has no factor matrix (tables.factor_matrix: null)"


def _why_no_stage_table(facets: set[str]) -> str:
    if "stage" not in facets:
        return "no 'stage' facet in the codebook"
    return "the study design has no stage table (tables.stage_table: null)"

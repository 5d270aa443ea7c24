"""Coded segments from table exports: MAXQDA, ATLAS.ti, Taguette, and tag columns.

The layout is told by the header (localised names folded through
:data:`qualkit.exchange._tables.HEADERS`):

- ``maxqda-table``: MAXQDA "Coded Segments" (document name, code, segment, paragraph
  ``Beginning``/``End``; codes as ``Parent\\Child``; ``Document group`` read as the
  document's group);
- ``atlasti-table``: ATLAS.ti quotations (``Codes`` with several codes in one cell, comma-
  or line-joined, ``Theme: Subcode`` names; ``Reference`` such as ``¶ 3 – 5``);
- ``taguette-table``: Taguette highlights (``id, document, tag, content``);
- ``tags-column``: a transcript table with one row per utterance and a tags column (no
  document column; tags joined by ``;``, ``,`` or line ends): the file itself is the
  document.

>>> split_codes('"A quote, with comma", T1. Theme: Sub\\nOther')
['A quote, with comma', 'T1. Theme: Sub', 'Other']
>>> code_path("Theme: Sub", "atlasti-table"), code_path("Parent\\\\Child", "maxqda-table")
(('Theme', 'Sub'), ('Parent', 'Child'))
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection
from pathlib import Path

from qualkit.errors import ExchangeError
from qualkit.exchange._tables import find_columns, header_key, read_table
from qualkit.exchange.segments import Segment

_ATLAS_HINTS = frozenset({"codes", "textcontent", "quotationcontent", "numberofcodes", "quotationname"})
_PARAGRAPHS = re.compile(r"¶\s*(\d+)(?:\s*[-–—]\s*(\d+))?")


def table_format(header: list[str]) -> str | None:
    """The layout of a coded-segments table, or None when the header fits none.

    >>> table_format(["id", "document", "tag", "content"])
    'taguette-table'
    """
    cols = find_columns(header)
    keys = {header_key(h) for h in header}
    if "text" not in cols or "code" not in cols:
        return None
    if "document" not in cols:
        return "tags-column"
    if keys & _ATLAS_HINTS:
        return "atlasti-table"
    if "tag" in keys and "id" in keys:
        return "taguette-table"
    return "maxqda-table"


def split_codes(cell: str, known: Collection[str] = ()) -> list[str]:
    """Codes joined in one cell: by line ends, then by commas outside double quotes; pieces
    that together make a ``known`` code name (``Security, Privacy & Trust``) stay one.

    >>> split_codes("A, B, C", known={"B, C"})
    ['A', 'B, C']
    """
    out: list[str] = []
    for line in cell.splitlines():
        if not line.strip():
            continue
        pieces = [name.strip() for name in next(csv.reader([line], skipinitialspace=True)) if name.strip()]
        out.extend(_join_known(pieces, known) if known else pieces)
    return out


def _join_known(pieces: list[str], known: Collection[str]) -> list[str]:
    """Greedy: at each piece, the longest run of pieces joined by ``", "`` that is a known name."""
    out, i = [], 0
    while i < len(pieces):
        j = next((j for j in range(len(pieces), i + 1, -1) if ", ".join(pieces[i:j]) in known), i + 1)
        out.append(", ".join(pieces[i:j]))
        i = j
    return out


def code_path(name: str, format: str) -> tuple[str, ...]:
    """A code name as a path: ``Parent\\Child`` / ``A > B`` (MAXQDA), ``Theme: Sub`` (ATLAS.ti)."""
    if format == "atlasti-table" and ": " in name:
        parts = name.split(": ", 1)
    else:
        parts = re.split(r"\s*\\\s*|\s+>\s+", name)
    return tuple(p.strip() for p in parts if p.strip()) or (name,)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ".")) if text.strip() else None
    except ValueError:
        return None


def _position(row: list[str], cols: dict[str, int]) -> tuple[float | None, float | None]:
    if "reference" in cols:
        match = _PARAGRAPHS.search(row[cols["reference"]])
        if match:
            return float(match.group(1)), float(match.group(2) or match.group(1))
    begin = _number(row[cols["begin"]]) if "begin" in cols else None
    end = _number(row[cols["end"]]) if "end" in cols else None
    return begin, end


def table_segments(path: str | Path, *, format: str | None = None,
                   known: Collection[str] = ()) -> tuple[str, list[Segment]]:
    """``(format, segments)`` read from a coded-segments table export. ``known``: full code
    names (from the tool's codebook) that may hold commas, kept whole in ATLAS.ti cells.

    Raises ExchangeError naming the file when the header fits no known layout.
    """
    source = Path(path)
    header, rows = read_table(source)
    found = table_format(header)
    if found is None or (format is not None and format != found):
        raise ExchangeError(
            f"the columns {header} are not a coded-segments table" + (f" of {format}" if format else ""),
            path=str(source), line=1,
            hint="export the coded segments / quotations / highlights with their document, code and text "
                 "columns; localised header names can be added in qualkit.exchange._tables.HEADERS")
    cols = find_columns(header)
    segments = []
    for number, row in enumerate(rows, start=2):
        cell = row[cols["code"]]
        if found == "tags-column":
            names = [n.strip() for n in re.split(r"[;,\n]", cell) if n.strip()]
        elif found == "atlasti-table":
            names = split_codes(cell, known)
        else:
            names = [cell.strip()] if cell.strip() else []
        begin, end = _position(row, cols)
        get = {k: row[i].strip() for k, i in cols.items()}
        segments.append(Segment(
            document=get.get("document", source.name), codes=tuple(code_path(n, found) for n in names),
            text=row[cols["text"]], start=begin, end=end,
            unit="paragraph" if begin is not None and found != "tags-column" else None,
            coder=get.get("coder", ""), created=get.get("created", ""), memo=get.get("comment", ""), line=number,
            group=get.get("group", "")))
    return found, segments


def tags_column_texts(path: str | Path) -> dict[str, str]:
    """The text of a tags-column transcript, rows joined by blank lines (no corpus given)."""
    source = Path(path)
    header, rows = read_table(source)
    column = find_columns(header)["text"]
    return {source.name: "\n\n".join(r[column].strip() for r in rows if r[column].strip())}

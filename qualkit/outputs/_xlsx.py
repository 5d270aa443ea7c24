"""A small streaming .xlsx writer for qualkit's findings workbook (not public).

Made for one job: many plain sheets (a bold, frozen header row, column widths, an
autofilter, then rows of text, numbers, booleans and dates), one of which may hold a
million rows. Rows are turned into SpreadsheetML a column at a time with list
comprehensions and streamed into the zip entry, so time and memory grow linearly and
stay small; openpyxl's write-only mode spent several microseconds per cell on the same.

The package is the minimal one Excel, LibreOffice, openpyxl and pandas read: content
types, relationships, core and app properties, a workbook, a stylesheet (regular, bold
header, date and date-time formats) and one worksheet part per sheet, with shared
strings except the header (shared strings: the quote of a passage coded eight times
is stored once). Every zip entry carries the same date and permissions and the entries are
written in a fixed order, so the same frames give the same bytes.

>>> import io, pandas as pd, openpyxl
>>> buf = io.BytesIO()
>>> write_workbook(buf, [("t", pd.DataFrame({"a": ["x < y", None], "b": [1.5, 2]}), [8, 8])],
...                when=FIXED)
>>> ws = openpyxl.load_workbook(buf)["t"]
>>> [[c.value for c in r] for r in ws.iter_rows()]
[['a', 'b'], ['x < y', 1.5], [None, 2]]
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import IO, Any

import numpy as np
import pandas as pd

from qualkit._io import BackgroundWriter, zip_entry

EXCEL_CELL_LIMIT = 32_767
"""Characters a cell can hold; longer text is cut and ends with ``…``."""

CHUNK_ROWS = 20_000
"""Rows turned into XML at a time (bounds the memory of one sheet)."""

FIXED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)

_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_EPOCH = dt.datetime(1899, 12, 30)
_WS = (" ", "\t", "\n", "\r")

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# cell styles (indexes into cellXfs below)
_HEADER, _DATETIME, _DATE = 1, 2, 3
_STYLES = (
    _XML + f'<styleSheet xmlns="{_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


def column_letter(index: int) -> str:
    """Excel column letters of a 1-based column index.

    >>> column_letter(1), column_letter(27), column_letter(703)
    ('A', 'AA', 'AAA')
    """
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape(text: str) -> str:
    """Text as cell content: characters XML cannot hold dropped, ``& < >`` escaped, cut
    at Excel's cell limit.

    >>> escape("a < b & \\x01c")
    'a &lt; b &amp; c'
    """
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "\u2026"
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_cell(ref: str, text: str) -> str:
    body = escape(text)
    space = ' xml:space="preserve"' if body[:1] in _WS or body[-1:] in _WS else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{body}</t></is></c>'


def _serial(value: dt.datetime | dt.date) -> float:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        delta = value - _EPOCH
        return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return float((value - _EPOCH.date()).days)


def _cell(ref: str, value: Any) -> str:
    """One cell of any value ('' for a missing one: the cell is left out)."""
    kind = type(value)
    if kind is str:
        return _text_cell(ref, value)
    if value is None:
        return ""
    if isinstance(value, np.generic):
        value = value.item()
        kind = type(value)
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is float:
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return _text_cell(ref, str(value))
        return f'<c r="{ref}"><v>{value:.16g}</v></c>'  # as openpyxl writes numbers
    if isinstance(value, (dt.datetime, dt.date)) and not pd.isna(value):
        style = _DATETIME if isinstance(value, dt.datetime) else _DATE
        return f'<c r="{ref}" s="{style}"><v>{_serial(value):.16g}</v></c>'
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return _text_cell(ref, str(value))


def shared_strings() -> defaultdict[str, int]:
    """An empty shared strings table: text -> index, a new text getting the next index."""
    return defaultdict(itertools.count().__next__)


def _column_cells(letter: str, rows: list[str], values: list[Any], dtype: np.dtype,
                  strings: defaultdict[str, int]) -> tuple[str, list[list[Any]]]:
    """The cells of one column for some rows, as a ``%`` template of one cell and its
    argument columns (the row numbers ``rows`` among them); text goes to the shared
    strings table ``strings`` (:func:`shared_strings`), so repeated text is stored once."""
    if dtype.kind in "iu":
        return f'<c r="{letter}%s"><v>%d</v></c>', [rows, values]
    if dtype.kind == "b":
        return f'<c r="{letter}%s" t="b"><v>%d</v></c>', [rows, values]
    if dtype.kind == "f" and all(map(math.isfinite, values)):
        return f'<c r="{letter}%s"><v>%.16g</v></c>', [rows, values]  # as openpyxl writes numbers
    if dtype.kind == "O" and set(map(type, values)) <= {str}:
        return f'<c r="{letter}%s" t="s"><v>%d</v></c>', [rows, list(map(strings.__getitem__, values))]
    return "%s", [[_cell(letter + r, v) if type(v) is not str else f'<c r="{letter}{r}" t="s"><v>{strings[v]}</v></c>'
                   for r, v in zip(rows, values)]]


def sheet_xml(frame: pd.DataFrame, widths: list[int], strings: defaultdict[str, int]) -> Iterator[str]:
    """The worksheet part of one frame, in pieces: header row bold and frozen, column
    ``widths``, an autofilter over the data, then the rows (text as indexes into
    ``strings``, the workbook's shared strings)."""
    n_cols = len(frame.columns)
    letters = [column_letter(i) for i in range(1, n_cols + 1)]
    last = letters[-1] if letters else "A"
    yield (_XML + f'<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">'
           f'<dimension ref="A1:{last}{len(frame) + 1}"/>'
           '<sheetViews><sheetView workbookViewId="0">'
           '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
           '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/>')
    if widths:
        yield "<cols>" + "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)) + "</cols>"
    header = []
    for letter, name in zip(letters, frame.columns):
        cell = _cell(f"{letter}1", name if isinstance(name, (int, float)) else str(name))
        header.append(cell.replace(">", ' s="1">', 1) if cell else cell)
    yield '<sheetData><row r="1">' + "".join(header) + "</row>"
    dtypes = [frame.dtypes.iloc[i] for i in range(n_cols)]
    dtypes = [d if isinstance(d, np.dtype) else np.dtype(object) for d in dtypes]
    for lo in range(0, len(frame), CHUNK_ROWS):
        hi = min(lo + CHUNK_ROWS, len(frame))
        rows = [str(i) for i in range(lo + 2, hi + 2)]
        part = frame.iloc[lo:hi]
        template, args = '<row r="%s">', [rows]
        for i, letter in enumerate(letters):
            cell, cell_args = _column_cells(letter, rows, part.iloc[:, i].tolist(), dtypes[i], strings)
            template += cell
            args += cell_args
        yield "".join(map((template + "</row>").__mod__, zip(*args)))
    yield "</sheetData>"
    if len(frame):
        yield f'<autoFilter ref="A1:{last}{len(frame) + 1}"/>'
    yield "</worksheet>"


def shared_strings_xml(strings: defaultdict[str, int]) -> Iterator[str]:
    """The shared strings part (strings in index order, i.e. first use), in pieces."""
    yield _XML + f'<sst xmlns="{_NS}" uniqueCount="{len(strings)}">'
    batch = []
    for text in strings:  # dicts keep insertion order, which is index order
        body = escape(text)
        space = ' xml:space="preserve"' if body[:1] in _WS or body[-1:] in _WS else ""
        batch.append(f"<si><t{space}>{body}</t></si>")
        if len(batch) >= CHUNK_ROWS:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "</sst>"


def _core(when: dt.datetime, creator: str) -> str:
    stamp = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (_XML + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:creator>{escape(creator)}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>")


def _parts(names: list[str], when: dt.datetime, creator: str) -> list[tuple[str, str]]:
    """The package parts other than the worksheets."""
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1))
    types = (_XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             '<Override PartName="/xl/styles.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
             '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
             + sheets +
             '<Override PartName="/docProps/core.xml" ContentType="application/'
             'vnd.openxmlformats-package.core-properties+xml"/>'
             '<Override PartName="/docProps/app.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')
    root_rels = (_XML + f'<Relationships xmlns="{_PKG_REL}">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/officeDocument" Target="xl/workbook.xml"/>'
                 '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
                 'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                 '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>')
    app = (_XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties"><Application>qualkit</Application></Properties>')
    book = (_XML + f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView/></bookViews><sheets>'
            + "".join(f'<sheet name="{escape(n).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, n in enumerate(names, start=1))
            + "</sheets></workbook>")
    book_rels = (_XML + f'<Relationships xmlns="{_PKG_REL}">'
                 + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                           f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                           for i in range(1, len(names) + 1))
                 + f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                 + f'<Relationship Id="rId{len(names) + 2}" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                   '</Relationships>')
    return [("[Content_Types].xml", types), ("_rels/.rels", root_rels),
            ("docProps/core.xml", _core(when, creator)), ("docProps/app.xml", app),
            ("xl/workbook.xml", book), ("xl/_rels/workbook.xml.rels", book_rels),
            ("xl/styles.xml", _STYLES)]


def write_workbook(target: str | IO[bytes], sheets: Iterable[tuple[str, pd.DataFrame, list[int]]], *,
                   when: dt.datetime, creator: str = "qualkit", compresslevel: int = 1) -> None:
    """Write ``(sheet name, frame, column widths)`` sheets as an .xlsx package to
    ``target`` (a path or binary stream). Zip entries are dated ``when`` (at least
    1980-01-01), as are the created/modified properties. ``compresslevel`` 1 (zlib's
    fastest) compresses this repetitive XML about 4x faster than the default 6, for a
    file about a quarter larger."""
    sheets = list(sheets)
    entry_date = max(when.astimezone(dt.timezone.utc).replace(tzinfo=None), dt.datetime(1980, 1, 1)).timetuple()[:6]

    def info(name: str) -> zipfile.ZipInfo:
        return zip_entry(name, date_time=entry_date, level=compresslevel)

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        for name, text in _parts([s[0] for s in sheets], when, creator):
            z.writestr(info(name), text.encode("utf-8"))
        strings = shared_strings()
        parts = [(f"xl/worksheets/sheet{i}.xml", functools.partial(sheet_xml, frame, widths, strings))
                 for i, (_, frame, widths) in enumerate(sheets, start=1)]
        parts.append(("xl/sharedStrings.xml", functools.partial(shared_strings_xml, strings)))
        for name, pieces in parts:
            with z.open(info(name), "w", force_zip64=True) as fh, BackgroundWriter(fh) as out:
                for piece in pieces():
                    out.write(piece.encode("utf-8"))

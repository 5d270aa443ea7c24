"""Word formatting shared by the report: journal-style tables, captions, page layout.

Not public: :mod:`qualkit.outputs.report` builds on it.

>>> display_text("interview;observation")
'interview; observation'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt


def set_orientation(doc: DocxDocument, *, landscape: bool) -> None:
    """Start a new section on a new page, landscape or portrait (margins kept)."""
    last = doc.sections[-1]
    if (last.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    width, height = section.page_width, section.page_height
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if (width > height) != landscape:
        section.page_width, section.page_height = height, width


def text_width(doc: DocxDocument) -> float:
    """Width (cm) between the margins of the current section."""
    section = doc.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def _border(tag: str, *, val: str = "single", size: int = 8) -> Any:
    el = OxmlElement(f"w:{tag}")
    el.set(qn("w:val"), val)
    if val != "nil":
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
    return el


def _journal_style(table: Any) -> None:
    """Top rule, rule under the header row, bottom rule; no vertical or inner rules."""
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for tag, val in (("top", "single"), ("left", "nil"), ("bottom", "single"), ("right", "nil"),
                     ("insideH", "nil"), ("insideV", "nil")):
        borders.append(_border(tag, val=val, size=12 if tag in ("top", "bottom") else 8))
    tbl_pr.append(borders)
    for cell in table.rows[0].cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        tc_borders = OxmlElement("w:tcBorders")
        tc_borders.append(_border("top", size=12))
        tc_borders.append(_border("bottom", size=8))
        tc_pr.append(tc_borders)
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True
    # Mark the header row to repeat on every page.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def display_text(value: Any) -> str:
    """A cell value as the report shows it: text, with a space after each ``;`` of a
    multi-valued cell so that it wraps.

    >>> display_text("interview;observation")
    'interview; observation'
    """
    return re.sub(r";(?=\S)", "; ", _cell_text(value))


def add_caption(doc: DocxDocument, kind: str, number: int, text: str) -> None:
    """A numbered caption paragraph: bold ``Table 1.`` then the text, kept on the page of
    what follows it."""
    try:
        paragraph = doc.add_paragraph(style="Caption")
    except KeyError:
        paragraph = doc.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    label = paragraph.add_run(f"{kind} {number}. ")
    label.bold = True
    paragraph.add_run(text)


_CHAR_CM = 0.64 / 28.35
"""Average character width in cm per point of font size (a proportional serif font)."""
_PAD_CM = 0.5


def _lines(value: Any) -> list[str]:
    return display_text(value).split("\n")


def column_widths(frame: pd.DataFrame, headers: Sequence[str], *, total: float,
                  font_size: float) -> tuple[list[float], bool]:
    """Column widths (cm) that fit ``total``: each column at least as wide as its longest
    word (so no word is broken), the rest shared in proportion to how much text each
    column holds. Returns ``(widths, fits)``; ``fits`` is False when even the longest
    words do not fit (then the widths are the minimums scaled down).

    >>> column_widths(pd.DataFrame({"a": ["x"], "b": ["a long text " * 20]}), ["A", "B"],
    ...               total=15, font_size=9)[1]
    True
    """
    char = _CHAR_CM * font_size
    minimum, want = [], []
    for header, column in zip(headers, frame.columns):
        texts = [str(header)] + [line for v in frame[column] for line in _lines(v)]
        words = [w for t in texts[1:] for w in t.split()] or [""]
        bold = max((len(w) for w in str(header).split()), default=0) * 1.2  # the header is bold
        minimum.append(max(bold, *(len(w) for w in words)) * char + _PAD_CM)
        longest = max(len(t) for t in texts)
        mean = sum(len(t) for t in texts) / len(texts)
        want.append(max(minimum[-1], min(longest, 2.5 * mean + 4) * char + _PAD_CM))
    if sum(minimum) > total:
        scale = total / sum(minimum)
        return [m * scale for m in minimum], False
    if sum(want) <= total:
        spare = total - sum(want)
        return [w + spare * w / sum(want) for w in want], True
    extra = [w - m for w, m in zip(want, minimum)]
    share = (total - sum(minimum)) / sum(extra) if sum(extra) else 0.0
    return [m + e * share for m, e in zip(minimum, extra)], True


def add_table(doc: DocxDocument, frame: pd.DataFrame, *, headers: Sequence[str] | None = None,
              caption: str | None = None, number: int | None = None, table_word: str = "Table",
              font_size: float = 8.5, widths: Sequence[float] | None = None) -> Any:
    """Append ``frame`` as a journal-style table (caption above when given); return it.

    Cells hold the frame's values as text (``;``-separated lists get a space after the
    separator so they wrap). ``headers`` replaces the column names in the header row;
    ``widths`` (cm) sets the column widths (default: :func:`column_widths` over the
    section's text width).
    """
    if caption is not None:
        add_caption(doc, table_word, number or 0, caption)
    headers = list(headers or [str(c) for c in frame.columns])
    if widths is None:
        widths = column_widths(frame, headers, total=text_width(doc), font_size=font_size)[0]
    table = doc.add_table(rows=1, cols=len(frame.columns))
    for cell, name in zip(table.rows[0].cells, headers):
        cell.text = str(name)
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = display_text(value)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(font_size)
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    _journal_style(table)
    doc.add_paragraph()
    return table



"""Word files (.docx, python-docx): paragraphs and tables in body order.

Heading-styled paragraphs (Heading 1..9, Title) become sections. A table row becomes
one block: ``Label: value`` for two-cell rows (so form tables read as form fields), cells
joined by `` | `` otherwise.

>>> import io, docx
>>> d = docx.Document(); _ = d.add_heading("Wawancara", 1); _ = d.add_paragraph("Halo.")
>>> buf = io.BytesIO(); d.save(buf)
>>> read_docx(buf.getvalue(), path="a.docx").text
'Wawancara\\n\\nHalo.'
"""

from __future__ import annotations

import io
import zipfile

import docx  # python-docx
from docx.enum.style import WD_STYLE_TYPE
from docx.table import Table

from qualkit.errors import LoadError
from qualkit.loading.extracted import Extracted, TextBuilder


def table_row_text(cells: list[str]) -> str:
    """One table row as text: ``a: b`` for a short label and value, else ``a | b | c``."""
    cells = [" ".join(c.split()) if "\n" not in c else c.strip() for c in cells]
    cells = [c for c in cells if c]
    if len(cells) == 2 and len(cells[0].split()) <= 6 and "\n" not in cells[0]:
        return f"{cells[0].rstrip(':').rstrip()}: {cells[1]}"
    return " | ".join(cells)


def _heading_style_ids(document) -> tuple[frozenset[str], bool]:
    """Ids of the paragraph styles that are headings, and whether the default one is.

    Resolved once per document: python-docx's ``paragraph.style`` scans every style of the
    document for each paragraph (quadratic time on a long transcript).
    """
    ids = set()
    default_is_heading = False
    try:
        for style in document.styles:
            name = style.name or ""
            if name.startswith("Heading") or name == "Title":
                ids.add(style.style_id)
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        default_is_heading = default is not None and default.style_id in ids
    except (KeyError, AttributeError, ValueError):  # pragma: no cover - broken style parts
        pass
    return frozenset(ids), default_is_heading


def read_docx(data: bytes, *, path: str) -> Extracted:
    """Extract the body of a .docx file (headers, footers and comments are left out)."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise LoadError(
            f"not a readable Word .docx file ({type(err).__name__}: {err})", path=path,
            hint="open it in Word or LibreOffice and save it again as .docx",
        ) from err
    except Exception as err:  # python-docx raises assorted errors on corrupt parts
        raise LoadError(f"not a readable Word .docx file ({type(err).__name__})", path=path,
                        hint="open it in Word or LibreOffice and save it again as .docx") from err
    builder = TextBuilder()
    n_tables = 0
    headings, default_is_heading = _heading_style_ids(document)
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            n_tables += 1
            for row in item.rows:
                seen: list[object] = []
                cells = []
                for cell in row.cells:
                    if any(cell._tc is s for s in seen):  # merged cells repeat
                        continue
                    seen.append(cell._tc)
                    cells.append(cell.text)
                builder.paragraph(table_row_text(cells))
        elif (item._p.style in headings) if item._p.style is not None else default_is_heading:
            builder.heading(item.text)
        else:
            builder.paragraph(item.text)
    return builder.build(metadata={"tables": n_tables})

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

from qualkit.errors import LoadError
from qualkit.loading.extracted import Extracted, TextBuilder


def table_row_text(cells: list[str]) -> str:
    """One table row as text: ``a: b`` for a short label and value, else ``a | b | c``."""
    cells = [" ".join(c.split()) if "\n" not in c else c.strip() for c in cells]
    cells = [c for c in cells if c]
    if len(cells) == 2 and len(cells[0].split()) <= 6 and "\n" not in cells[0]:
        return f"{cells[0].rstrip(':').rstrip()}: {cells[1]}"
    return " | ".join(cells)


def _is_heading(paragraph) -> bool:
    try:
        name = (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, AttributeError):  # pragma: no cover - broken style references
        name = ""
    return name.startswith("Heading") or name == "Title"


def read_docx(data: bytes, *, path: str) -> Extracted:
    """Extract the body of a .docx file (headers, footers and comments are left out)."""
    import docx  # python-docx
    from docx.table import Table

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
        elif _is_heading(item):
            builder.heading(item.text)
        else:
            builder.paragraph(item.text)
    return builder.build(metadata={"tables": n_tables})

"""OpenDocument text (.odt, odfpy): paragraphs, headings, lists and tables in order.

>>> from odf.opendocument import OpenDocumentText
>>> from odf.text import H, P
>>> import io
>>> d = OpenDocumentText(); d.text.addElement(H(outlinelevel=1, text="Kronologi"))
>>> d.text.addElement(P(text="Warga dihubungi."))
>>> buf = io.BytesIO(); d.write(buf)
>>> ex = read_odt(buf.getvalue(), path="a.odt")
>>> ex.text, ex.headings[0].title
('Kronologi\\n\\nWarga dihubungi.', 'Kronologi')
"""

from __future__ import annotations

import io

from qualkit.errors import LoadError
from qualkit.loading.extracted import Extracted, TextBuilder
from qualkit.loading.word import table_row_text

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CONTAINERS = {(_TEXT_NS, "section"), (_TEXT_NS, "list"), (_TEXT_NS, "list-item"),
               (_TEXT_NS, "list-header"), (_TEXT_NS, "soft-page-break")}


def _walk(node, builder: TextBuilder, counts: dict[str, int]) -> None:
    from odf import teletype

    for child in node.childNodes:
        qname = getattr(child, "qname", None)
        if qname == (_TEXT_NS, "h"):
            builder.heading(teletype.extractText(child))
        elif qname == (_TEXT_NS, "p"):
            builder.paragraph(teletype.extractText(child))
        elif qname == (_TABLE_NS, "table"):
            counts["tables"] += 1
            for row in _rows(child):
                cells = [teletype.extractText(c) if not _has_paragraphs(c) else
                         "\n".join(teletype.extractText(p) for p in _paragraphs(c))
                         for c in row.childNodes if getattr(c, "qname", None) == (_TABLE_NS, "table-cell")]
                builder.paragraph(table_row_text(cells))
        elif qname in _CONTAINERS:
            _walk(child, builder, counts)


def _rows(table):
    for child in table.childNodes:
        qname = getattr(child, "qname", None)
        if qname == (_TABLE_NS, "table-row"):
            yield child
        elif qname in ((_TABLE_NS, "table-rows"), (_TABLE_NS, "table-header-rows"),
                       (_TABLE_NS, "table-row-group")):
            yield from _rows(child)


def _paragraphs(cell):
    return [c for c in cell.childNodes if getattr(c, "qname", None) in ((_TEXT_NS, "p"), (_TEXT_NS, "h"))]


def _has_paragraphs(cell) -> bool:
    return bool(_paragraphs(cell))


def read_odt(data: bytes, *, path: str) -> Extracted:
    """Extract the body text of an .odt file."""
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
    except Exception as err:  # odfpy raises zipfile / xml / key errors on bad input
        raise LoadError(
            f"not a readable OpenDocument .odt file ({type(err).__name__})", path=path,
            hint="open it in LibreOffice and save it again as .odt",
        ) from err
    builder = TextBuilder()
    counts = {"tables": 0}
    _walk(document.text, builder, counts)
    return builder.build(metadata=counts)

"""PDF files (pypdf): the text layer, page by page.

Each page's text is cleaned (tabs and runs of spaces -> one space, bare page counters
such as ``3`` or ``1/5`` and margin line numbers dropped) and pages are joined by a
blank line; the offsets where pages start go to ``page_starts`` so every passage keeps
its 1-based ``page``. A PDF without a text layer (a scan) is refused: it needs OCR.

>>> read_pdf(b"not a pdf", path="a.pdf")
Traceback (most recent call last):
...
qualkit.errors.LoadError: a.pdf: not a readable PDF file (PdfStreamError). What to do: ...
"""

from __future__ import annotations

import io
import re

from qualkit.errors import LoadError
from qualkit.loading.extracted import Extracted, TextBuilder, collapse_spaces

_PAGE_COUNTER = re.compile(r"^\s*(?:page\s+|halaman\s+|hal\.?\s+)?\d{1,4}(?:\s*(?:/|of|dari)\s*\d{1,4})?\s*$",
                           re.IGNORECASE)


def _clean_page(text: str) -> str:
    lines = [collapse_spaces(line).strip() for line in text.replace("\r", "\n").split("\n")]
    # margin line numbers: many lines that are a bare number
    numbered = [i for i, line in enumerate(lines) if line.isdigit() and len(line) <= 4]
    if len(numbered) >= 5:
        drop = set(numbered)
        lines = [line for i, line in enumerate(lines) if i not in drop]
    # drop a page counter on the first or last non-empty line
    nonempty = [i for i, line in enumerate(lines) if line]
    for i in (nonempty[:1] + nonempty[-1:]) if nonempty else []:
        if _PAGE_COUNTER.match(lines[i]):
            lines[i] = ""
    return "\n".join(lines).strip()


def read_pdf(data: bytes, *, path: str) -> Extracted:
    """Extract the text layer of a PDF; LoadError if it is corrupt, locked or a scan."""
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError("the PDF is password-protected", path=path,
                            hint="remove the password (print to a new PDF) and load it again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as err:
        raise LoadError(f"not a readable PDF file ({type(err).__name__})", path=path,
                        hint="check the file opens in a PDF viewer; re-export or re-download it") from err
    builder = TextBuilder()
    for text in pages:
        builder.page()
        cleaned = _clean_page(text)
        if cleaned:
            builder.paragraph(cleaned)
    extracted = builder.build(metadata={"pages": len(pages)})
    if not extracted.text.strip():
        raise LoadError(
            f"the PDF has no text layer ({len(pages)} page(s) of images only?): it needs OCR",
            path=path,
            hint="run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and load the OCRed PDF",
        )
    return extracted

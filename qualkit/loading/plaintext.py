"""Plain text and Markdown files (.txt, .md): decoded as they are.

The analysed text is the decoded file with the BOM removed, CRLF/CR turned into LF and
XML-invalid control characters removed (``Document.removed`` records where);
Markdown ``#`` headings become the ``section`` of the passages under them.

>>> ex = read_text("# Pasal 1\\n\\nIsi pasal.".encode(), path="a.md", markdown=True)
>>> ex.headings[0].title, ex.metadata["encoding"]
('Pasal 1', 'utf-8')
"""

from __future__ import annotations

import re

from qualkit.loading.decode import decode_bytes, normalise_text
from qualkit.loading.extracted import Extracted
from qualkit.segment import Heading

_MD_HEADING = re.compile(r"^[ ]{0,3}(#{1,6})[ \t]+(?P<title>[^\n]*?)[ \t#]*$", re.MULTILINE)


def markdown_headings(text: str) -> tuple[Heading, ...]:
    """``#``-style headings of a Markdown text (fenced code is not special-cased)."""
    return tuple(
        Heading(m.start(), m.end(), m.group("title").strip())
        for m in _MD_HEADING.finditer(text)
        if m.group("title").strip()
    )


def read_text(data: bytes, *, path: str, markdown: bool = False) -> Extracted:
    """Decode a .txt/.md file; headings for Markdown."""
    raw, encoding = decode_bytes(data, path=path)
    text, removed = normalise_text(raw)
    return Extracted(
        text=text,
        headings=markdown_headings(text) if markdown else (),
        removed=removed,
        metadata={"encoding": encoding},
    )

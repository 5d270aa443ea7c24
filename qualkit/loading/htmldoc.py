"""HTML documents (.html, .htm, lxml): the text as a reader sees it in a browser.

Paragraphs, headings (``<h1>``..``<h6>``, which become sections), list items,
block quotes, preformatted text and table rows (``Label: value`` for two cells, else
cells joined by `` | ``, as for Word tables) become blocks; ``<br>`` is a line break;
runs of whitespace collapse to one space outside ``<pre>``. Scripts, styles, templates,
forms' controls and the ``<head>`` are dropped; entities are decoded. A page nested
deeper than the parser can follow (2048 levels) is refused rather than read in part. The encoding is
taken from ``<meta charset>`` when the file declares one, else detected as for text.

>>> page = b"<html><head><style>p{}</style></head><body><h1>Sesi 1</h1><p>MODERATOR: Go   on.</p>"
>>> page += b"<script>x()</script><ul><li>I would&nbsp;pick it.</li></ul></body></html>"
>>> ex = read_html(page, path="a.html")
>>> ex.text, ex.headings[0].title
('Sesi 1\\n\\nMODERATOR: Go on.\\n\\nI would pick it.', 'Sesi 1')
"""

from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html

from qualkit.errors import LoadError
from qualkit.loading.decode import decode_bytes, normalise_text
from qualkit.loading.extracted import Extracted, TextBuilder
from qualkit.loading.word import table_row_text

__all__ = ["read_html"]

_DROP = frozenset("""script style noscript template head title iframe object embed svg math
    canvas button select option textarea input meta link base""".split())
_BLOCKS = frozenset("""html body p div section article main header footer aside nav blockquote
    address figure figcaption dl dt dd ul ol li menu form fieldset legend center details
    summary hr table thead tbody tfoot caption td th""".split())
_HEADINGS = frozenset(f"h{i}" for i in range(1, 7))
_CELLS = frozenset(("td", "th"))
_BREAK = "\u2028"  # a line break inside a block; clean_block turns it into "\n"
_WHITESPACE = re.compile(r"[ \t\n\r\f\v\u00a0]+")
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def _decode(data: bytes, path: str) -> tuple[str, str]:
    m = _CHARSET.search(data[:4096])
    if m is not None:
        name = m.group(1).decode("ascii").casefold()
        try:
            codecs.lookup(name)
        except LookupError:
            name = ""
        if name and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                pass  # a wrong declaration: detect instead
    return decode_bytes(data, path=path)


def _tag(node: lxml.etree._Element) -> str | None:
    tag = node.tag
    return tag.casefold() if isinstance(tag, str) else None  # comments, PIs: None


def _inline_text(node: lxml.etree._Element) -> str:
    """The visible text under ``node``: blocks and ``<br>`` as line breaks."""
    parts: list[str] = []
    stack: list[tuple[lxml.etree._Element, bool]] = [(node, False)]
    while stack:
        el, closing = stack.pop()
        tag = _tag(el)
        if closing:
            if tag in _BLOCKS or tag in _HEADINGS or tag in _CELLS:
                parts.append(_BREAK)
            if el is not node and el.tail:
                parts.append(el.tail)
            continue
        if tag is None or tag in _DROP or tag == "br":
            parts.append(_BREAK if tag == "br" else "")
            if el is not node and el.tail:
                parts.append(el.tail)
            continue
        if el.text:
            parts.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return _WHITESPACE.sub(" ", "".join(parts))


class _Walker:
    """Walks the tree once (no recursion: deep nesting is safe), filling a TextBuilder."""

    def __init__(self) -> None:
        self.builder = TextBuilder()
        self.buffer: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        if self.buffer:
            self.builder.paragraph(_WHITESPACE.sub(" ", "".join(self.buffer)))
            self.buffer.clear()

    def walk(self, root: lxml.etree._Element) -> None:
        stack: list[tuple[lxml.etree._Element, bool]] = [(root, False)]
        while stack:
            el, closing = stack.pop()
            tag = _tag(el)
            if closing:
                if tag in _BLOCKS:
                    self.flush()
                if el.tail:
                    self.buffer.append(el.tail)
                continue
            if not self.enter(el, tag):
                if el.tail:
                    self.buffer.append(el.tail)
                continue
            if el.text:
                self.buffer.append(el.text)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))
        self.flush()

    def enter(self, el: lxml.etree._Element, tag: str | None) -> bool:
        """Handle one opening element; False when its content is done (or dropped)."""
        if tag is None or tag in _DROP:
            return False
        if tag == "br":
            self.buffer.append(_BREAK)
            return False
        if tag in _BLOCKS:
            self.flush()
            if tag == "table":
                self.tables += 1
            return True
        if tag in _HEADINGS:
            self.flush()
            self.builder.heading(_inline_text(el))
            return False
        if tag == "tr":
            self.flush()
            cells = [_inline_text(c) for c in el if _tag(c) in _CELLS]
            self.builder.paragraph(table_row_text([c.replace(_BREAK, "\n") for c in cells]))
            return False
        if tag == "pre":
            self.flush()
            self.builder.paragraph(el.text_content())
            return False
        return True


def read_html(data: bytes, *, path: str) -> Extracted:
    """Extract the visible text of an .html/.htm file."""
    raw, encoding = _decode(data, path)
    text = _XML_DECL.sub("", normalise_text(raw)[0], count=1)
    if not text.strip():
        raise LoadError("the file is empty", path=path,
                        hint="add the text, or remove the file from the folder/manifest")
    parser = lxml.html.HTMLParser(huge_tree=True)  # nesting up to libxml2's 2048 levels
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as err:
        raise LoadError(f"not a readable HTML file ({err})", path=path,
                        hint="open it in a browser and save it again as HTML, or as .txt") from err
    if any("Excessive depth" in e.message for e in parser.error_log):
        raise LoadError("the HTML is nested too deeply to be read completely (more than 2048 levels)",
                        path=path, hint="save the page again from a browser or an editor, or as .txt")
    title = root.findtext(".//title")
    walker = _Walker()
    walker.walk(root)
    extracted = walker.builder.build(metadata={
        "encoding": encoding, "tables": walker.tables,
        **({"html_title": " ".join(title.split())} if title and title.strip() else {}),
    })
    if not extracted.text:
        raise LoadError("the HTML file has no visible text", path=path,
                        hint="check the file; text inside scripts or images is not read")
    return extracted

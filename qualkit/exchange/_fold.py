"""Find a coded segment's text in a document although the tool changed its look.

QDA tools export the text of a coded segment with curly quotes straightened (or the
reverse), dashes changed, line ends replaced by spaces, HTML tags around paragraphs and
runs of spaces collapsed. :class:`FoldedText` keeps a *folded* copy of a document (case,
quotes, dashes and whitespace runs made uniform; invisible characters dropped) with a
map from every folded character back to its offset in the original text, so a match
found in the folded copy is reported in original offsets.

>>> doc = FoldedText("He said:  “I’m   afraid”\\n— and left.")
>>> doc.find_all('i\\'m afraid" - and')
[(11, 30)]
>>> doc.text[11:30]
'I’m   afraid”\\n— and'
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

_QUOTES = dict.fromkeys("\"“”„‟«»〝〞＂", '"') | dict.fromkeys("'‘’‚‛‹›`´′", "'")
_DASHES = dict.fromkeys("‐‑‒–—―−﹘﹣－", "-")
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_SPECIAL = {"…": "...", **_QUOTES, **_DASHES}
_BLOCK_TAGS = re.compile(r"</?(p|div|br|li|tr|h[1-6]|table|ul|ol|blockquote)\b[^>]*>", re.I)
_TAG_OR_ENTITY = re.compile(r"<[^>]*>|&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def fold(text: str) -> tuple[str, list[int]]:
    """Fold ``text``; return the folded string and, per folded character, its source offset.

    Whitespace runs become one space (leading/trailing spaces kept as one) and vanish
    after a dash (``two- way``, a word broken at a line end, reads ``two-way``); quotes
    become ``"`` or ``'``, dashes ``-``, ``…`` three dots; letters are lower-cased; soft
    hyphens, zero-width characters and BOMs are dropped.

    >>> fold("A\\u00a0 –\\tB")
    ('a -b', [0, 1, 3, 5])
    """
    out: list[str] = []
    index: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch.isspace():
            if not space and not (out and out[-1] == "-"):
                out.append(" ")
                index.append(i)
                space = True
            continue
        space = False
        mapped = _SPECIAL.get(ch)
        if mapped is None:
            low = ch.lower()
            mapped = low if len(low) == 1 else ch
        for piece in mapped:
            out.append(piece)
            index.append(i)
    return "".join(out), index


def fold_needle(text: str) -> str:
    """Fold a segment's text for searching: as :func:`fold`, trimmed of outer spaces.

    >>> fold_needle("  <p>Okay,&nbsp;I read</p>\\n")
    'okay, i read'
    """
    return fold(strip_html(text) if "<" in text or "&" in text else text)[0].strip()


def strip_html(text: str) -> str:
    """Text of an HTML fragment: block tags become line ends, entities are decoded.

    >>> strip_html("<p>a &amp; b</p><p>c</p>")
    '\\na & b\\n\\nc\\n'
    """
    return html.unescape(_TAG_OR_ENTITY.sub(_tag_or_entity, _BLOCK_TAGS.sub("\n", text)))


def _tag_or_entity(match: re.Match[str]) -> str:
    return "" if match.group(0).startswith("<") else match.group(0)


def html_text(markup: str) -> str:
    """The text nodes of HTML joined as they stand (tags removed, entities decoded).

    Taguette counts highlight offsets in exactly this text.

    >>> html_text("<p>a &amp; b</p>\\n<p>c</p>")
    'a & b\\nc'
    """
    return _TAG_OR_ENTITY.sub(lambda m: "" if m.group(0).startswith("<") else html.unescape(m.group(0)), markup)


@dataclass(frozen=True)
class FoldedText:
    """A document text with its folded copy and the map back to original offsets."""

    text: str

    def __post_init__(self) -> None:
        folded, index = fold(self.text)
        object.__setattr__(self, "folded", folded)
        object.__setattr__(self, "_index", index)

    def find_all(self, needle: str, *, folded: bool = True) -> list[tuple[int, int]]:
        """Every ``(start, end)`` in ``text`` whose folded form equals the folded ``needle``.

        ``needle`` is folded first unless ``folded=False`` says it already is. Matches
        start and end on whole characters of the original; overlapping repeats are found.
        """
        key = needle if not folded else fold_needle(needle)
        if not key:
            return []
        found: list[tuple[int, int]] = []
        at = self.folded.find(key)
        while at >= 0:
            found.append(self.span(at, at + len(key)))
            at = self.folded.find(key, at + 1)
        return found

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the folded range ``[start, end)`` (end > start)."""
        index: list[int] = self._index  # type: ignore[attr-defined]
        return index[start], index[end - 1] + 1

    def folded_offset(self, offset: int) -> int:
        """Folded position of an original offset (the first folded character at or after it)."""
        return bisect.bisect_left(self._index, offset)  # type: ignore[attr-defined]

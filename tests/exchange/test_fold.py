"""Property tests for the text folding that places imported segments (qualkit.exchange._fold)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.exchange._fold import FoldedText, fold, fold_needle, html_text, strip_html

ALPHABET = "abcXYZ çé 12\n\t\u00a0-–—\"'“”‘’….,\r\u00ad"
texts = st.text(alphabet=ALPHABET, min_size=0, max_size=80)

_CURLY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def as_a_tool_shows_it(segment: str, variant: int) -> str:
    """How an export may print a segment: quotes/dashes straightened, spaces collapsed, HTML."""
    if variant == 0:
        return segment.translate(_CURLY)
    if variant == 1:
        return " ".join(segment.split())
    if variant == 2:
        return "<p>" + segment.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "</p>\n<p>") + "</p>"
    return "  " + segment.replace("\n", "\r\n") + "\n"


@given(texts)
def test_every_folded_character_maps_back_in_order(text):
    folded, index = fold(text)
    assert len(folded) == len(index)
    assert index == sorted(index)
    assert all(0 <= i < len(text) for i in index)


@given(texts)
def test_folding_is_idempotent(text):
    once = fold(text)[0]
    assert fold(once)[0] == once


@settings(max_examples=300)
@given(texts, st.integers(0, 80), st.integers(0, 80), st.integers(0, 3))
def test_a_segment_as_a_tool_shows_it_is_found_where_it_was_cut(text, i, j, variant):
    i, j = sorted((min(i, len(text)), min(j, len(text))))
    segment = text[i:j]
    if not re.search(r"[a-zA-Z0-9çé]", segment):
        return
    doc = FoldedText(text)
    shown = as_a_tool_shows_it(segment, variant)
    found = doc.find_all(shown)
    assert found, (text, segment, shown)
    # every match reads, folded, as the segment does
    for s, e in found:
        assert fold_needle(text[s:e]) == fold_needle(segment)
    # and one of them lies inside the cut (outer whitespace and invisible characters trimmed)
    assert any(i <= s and e <= j for s, e in found)


@given(st.lists(st.text(alphabet="ab &<>\"'é", max_size=10), max_size=5))
def test_html_text_keeps_the_text_nodes(paragraphs):
    escaped = ["<p>" + p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>" for p in paragraphs]
    assert html_text("\n".join(escaped)) == "\n".join(paragraphs)
    assert fold(strip_html("".join(escaped)))[0].split() == fold(" ".join(paragraphs))[0].split()

"""Offsets between code points and UTF-16 units, and between redacted and original text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from widget_fixtures import TEXT_A, make_corpus, utf16

from qualkit.errors import QualkitError
from qualkit.privacy import Edit, Redactor
from qualkit.widgets.offsets import Shown, Utf16

# text with astral characters (emoji), combining marks, CR/LF, ASCII
chars = st.sampled_from(["a", "é", "e\u0301", "😀", "👩🏽‍⚕️", "\r\n", "\n", " ", "ß", "中", "\U0001F6C2"])
texts = st.lists(chars, max_size=40).map("".join)


@given(texts)
def test_units_match_what_a_browser_counts(text):
    u = Utf16(text)
    assert u.length == len(text.encode("utf-16-le")) // 2
    for i in range(len(text) + 1):
        assert u.units(i) == utf16(text, i)
        assert u.points(u.units(i), side="start") == i
        assert u.points(u.units(i), side="end") == i


@given(texts)
def test_a_unit_inside_a_surrogate_pair_never_splits_the_character(text):
    u = Utf16(text)
    for unit in range(u.length + 1):
        a, b = u.points(unit, side="start"), u.points(unit, side="end")
        assert u.units(a) <= unit <= u.units(b)
        assert b - a <= 1


def test_units_outside_the_text_are_refused():
    with pytest.raises(QualkitError, match="outside the text"):
        Utf16("😀").points(3)


@st.composite
def edited(draw):
    text = draw(texts.filter(bool))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=6)))
    edits = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        edits.append(Edit(a, b, draw(st.sampled_from(["[X]", "Participant 1", "", "😀"])), "name", text[a:b]))
    return text, tuple(edits)


@given(edited(), st.data())
def test_a_selection_in_shown_text_maps_to_an_original_span_covering_it(case, data):
    text, edits = case
    shown = Shown.of(text, edits)
    a = data.draw(st.integers(0, len(shown.shown)))
    b = data.draw(st.integers(a, len(shown.shown)))
    start, end = shown.to_original(a, side="start"), shown.to_original(b, side="end")
    assert 0 <= start <= end <= len(text)
    s, e = shown.to_shown(start, end)
    assert s <= a and e >= b  # the shown span of the coding covers the selection
    for edit in edits:  # an original token is either wholly in the coding or wholly out
        if edit.start < edit.end and start < edit.end and end > edit.start:
            assert start <= edit.start and end >= edit.end or start == end


@given(edited())
def test_offsets_outside_replacements_round_trip_exactly(case):
    text, edits = case
    shown = Shown.of(text, edits)
    inside = {i for e in edits for i in range(e.start + 1, e.end)}
    for i in range(len(text) + 1):
        if i not in inside:
            j = shown.omap.start(i)
            deleted = any(e.replacement == "" and e.start < i <= e.end for e in edits)
            assert shown.to_original(j, side="start") == i or deleted


def test_shown_text_is_the_redactors_text():
    corpus = make_corpus()
    redactor = Redactor().fit(corpus)
    shown = Shown.of(TEXT_A, redactor.edits_["interviews/a.txt"])
    assert shown.shown == redactor.redact_text(TEXT_A)
    assert "Sari" not in shown.shown
    i = shown.shown.index("Participant 1")
    start = shown.to_original(i + 3, side="start")  # inside the pseudonym
    end = shown.to_original(shown.shown.index(" takut"), side="end")
    assert TEXT_A[start:end] == "Sari Dewi: Saya"

"""Evidence spans: one strict parser and one formatter, inverse of each other."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualkit.coding.frame import codings_frame
from qualkit.coding.spans import SpanError, evidence_spans, format_spans, parse_spans

pairs = st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 10**6)).map(lambda p: (p[0], p[0] + p[1])),
                 max_size=20)


@given(pairs)
def test_format_then_parse_is_the_identity(items):
    assert parse_spans(format_spans(items)) == tuple(items)


@given(pairs)
def test_the_file_form_is_what_f_strings_give(items):
    assert format_spans(items) == ";".join(f"{s}-{e}" for s, e in items)


@given(st.text(max_size=30))
def test_parse_either_returns_valid_pairs_or_raises_span_error(text):
    try:
        out = parse_spans(text)
    except SpanError as err:
        assert "bad evidence span" in str(err)
    else:
        assert all(0 <= s <= e for s, e in out)
        assert parse_spans(format_spans(out)) == out
        assert len(out) == (len(text.split(";")) if text.strip() else 0)


@pytest.mark.parametrize("bad", ["1-", "-2", "a-b", "1-2;", ";1-2", "1-2;;3-4", "3-1", "1–2", "1-2-3", "1.5-2"])
def test_malformed_cells_raise_naming_the_item(bad):
    with pytest.raises(SpanError, match="bad evidence span"):
        parse_spans(bad, where="codings.csv, row 3")


def test_the_error_names_where():
    with pytest.raises(SpanError, match="codings.csv, row 3"):
        parse_spans("x", where="codings.csv, row 3")


def test_non_text_is_refused():
    with pytest.raises(SpanError):
        parse_spans(None)  # type: ignore[arg-type]


def test_an_empty_cell_means_the_whole_coding():
    assert parse_spans("") == () and evidence_spans(" ", 4, 9) == ((4, 9),)


def test_format_refuses_reversed_or_negative_pairs():
    for bad in ([(5, 3)], [(-1, 2)]):
        with pytest.raises(SpanError):
            format_spans(bad)


def test_codings_frame_accepts_pairs_and_writes_the_file_form():
    frame = codings_frame([{"passage_id": "a#p1", "doc_id": "a", "code_id": "c", "start": 0, "end": 4,
                            "spans": ((0, 4), (10, 12)), "coder": "x", "method": "manual"}])
    assert frame["spans"].tolist() == ["0-4;10-12"]

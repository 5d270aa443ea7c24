"""Position models: UTF-16 code units and code points onto the LF-normalised text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualkit.exchange._text import SourceText, decode, position_model

texts = st.text(alphabet=st.sampled_from(["a", "é", "\r", "\n", "😀", "𝄞", " "]), max_size=40) | \
    st.lists(st.sampled_from(["a", "é", "\r\n", "\n", "\r", "😀", "x"]), max_size=30).map("".join)


@given(texts, st.data())
def test_utf16_and_codepoint_positions_agree(raw, data):
    source = SourceText.from_raw(raw)
    c = data.draw(st.integers(0, len(raw)))
    u = len(raw[:c].encode("utf-16-le")) // 2
    assert source.raw_index(u, model="utf16") == c
    assert source.offset(u, model="utf16") == source.offset(c, model="codepoint")


@given(texts, st.data())
def test_offsets_select_the_same_text_after_normalising(raw, data):
    source = SourceText.from_raw(raw)
    a = data.draw(st.integers(0, len(raw)))
    b = data.draw(st.integers(a, len(raw)))
    if (a and raw[a - 1] == "\r" and a < len(raw) and raw[a] == "\n") or \
            (b and raw[b - 1] == "\r" and b < len(raw) and raw[b] == "\n"):
        return  # a position between CR and LF has no normalised counterpart of its own
    expected = raw[a:b].replace("\r\n", "\n").replace("\r", "\n")
    assert source.text[source.offset(a, model="codepoint") : source.offset(b, model="codepoint")] == expected


@given(texts)
def test_removed_marks_each_dropped_cr(raw):
    source = SourceText.from_raw(raw)
    assert len(source.removed) == raw.count("\r\n")
    assert len(source.text) == len(raw) - raw.count("\r\n")


def test_surrogate_split_and_out_of_range_are_errors():
    source = SourceText.from_raw("a😀b")
    with pytest.raises(ValueError, match="surrogate"):
        source.offset(2, model="utf16")
    with pytest.raises(ValueError, match="beyond the end"):
        source.offset(5, model="utf16")
    assert source.offset(4, model="utf16") == 3


def test_decode_and_model_choice():
    assert decode(b"\xef\xbb\xbfhi") == ("hi", "utf-8")
    assert decode("hi".encode("utf-16")) == ("hi", "utf-16")
    assert position_model("NVivo for Mac 15.0.0") == "utf16"
    assert position_model("ATLAS.ti Win 23.4.0") == "codepoint"

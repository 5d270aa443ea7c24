"""Encodings and line ends: BOMs, UTF-16, cp1252, CRLF/CR and source_offset."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.loading import load_document
from qualkit.loading.decode import decode_bytes, normalise_newlines

from loading_helpers import TRANSCRIPT_ID, check_offsets


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TRANSCRIPT_ID.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TRANSCRIPT_ID.encode("utf-8"), "utf-8-sig"),
        (TRANSCRIPT_ID.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TRANSCRIPT_ID.encode("utf-16-be"), "utf-16"),
        (TRANSCRIPT_ID.encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_unicode_encodings(write, data, encoding):
    doc, ps = load_document(write("k.txt", data))
    assert doc.text == TRANSCRIPT_ID
    assert doc.metadata["encoding"] == encoding
    assert [p.speaker for p in ps] == ["Pewawancara", "Korban"] * 2


def test_legacy_single_byte(write):
    doc, ps = load_document(write("c.txt", "Kami minum kopi di café.\n\nHarga 5€.", encoding="cp1252"))
    assert doc.text == "Kami minum kopi di café.\n\nHarga 5€." and doc.metadata["encoding"] == "cp1252"
    doc, _ = load_document(write("l.txt", b"caf\xe9 \x81 ok"))
    assert doc.text == "café \x81 ok" and doc.metadata["encoding"] == "latin-1"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_map_back_to_the_raw_file(write, newline):
    raw_text = TRANSCRIPT_ID.replace("\n", newline) + newline + "Catatan penutup." + newline
    path = write("k.txt", codecs.BOM_UTF8 + raw_text.encode("utf-8"))
    doc, ps = load_document(path)
    check_offsets(doc, ps)
    assert "\r" not in doc.text
    raw = path.read_bytes().decode("utf-8-sig")
    for p in ps:
        s, e = doc.source_offset(p.start), doc.source_offset(p.end)
        assert raw[s:e].replace("\r\n", "\n").replace("\r", "\n") == p.text
        assert raw[s] == p.text[0]
    assert len(doc.removed) == (raw_text.count("\r\n"))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \r\n")), max_size=60))
def test_normalise_newlines_source_offset_property(raw):
    from qualkit.corpus import Document

    text, removed = normalise_newlines(raw)
    assert "\r" not in text
    doc = Document(id="x", text=text or " ", removed=removed)
    for i, ch in enumerate(text):
        j = doc.source_offset(i)
        assert raw[j] == ch or (ch == "\n" and raw[j] == "\r")
        if ch != "\n":
            assert raw[j] == ch


def test_decode_reports_encoding():
    assert decode_bytes("Ü".encode("utf-8"), path="a") == ("Ü", "utf-8")

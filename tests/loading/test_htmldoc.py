"""HTML documents: the text a reader sees, structure kept, scripts and styles dropped."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.errors import LoadError
from qualkit.loading import load_document
from qualkit.loading.htmldoc import read_html

from loading_helpers import check_offsets

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sesi 1</title>
<style>p { color: red }</style><script>var secret = "not text";</script></head>
<body>
  <h1>Wawancara  pertama</h1>
  <p>MODERATOR: Bagaimana   awalnya?</p>
  <p>Saya melihat <b>lowongan</b> kerja.<br>Gajinya besar &amp; pasti.</p>
  <!-- a comment -->
  <ul><li>satu</li><li>dua <i>tiga</i></li></ul>
  <table><tr><th>Nama</th><td>Informan 1</td></tr><tr><td>a</td><td>b</td><td>c</td></tr></table>
  <pre>  kode   tetap</pre>
  <noscript>enable js</noscript>
  <div>akhir <span>kalimat</span></div>
</body></html>"""


def test_html_reads_as_a_reader_sees_it():
    ex = read_html(PAGE.encode(), path="a.html")
    assert ex.text.split("\n\n") == [
        "Wawancara pertama", "MODERATOR: Bagaimana awalnya?",
        "Saya melihat lowongan kerja.\nGajinya besar & pasti.", "satu", "dua tiga",
        "Nama: Informan 1", "a | b | c", "kode   tetap", "akhir kalimat",
    ]
    assert [h.title for h in ex.headings] == ["Wawancara pertama"]
    assert ex.metadata["html_title"] == "Sesi 1" and ex.metadata["tables"] == 1
    assert "secret" not in ex.text and "color" not in ex.text and "enable js" not in ex.text


def test_html_document_gets_turns_sections_and_offsets(write):
    path = write("sesi.htm", "<h2>Bagian A</h2>" + "".join(
        f"<p>{who}: kalimat nomor {i}.</p>" for i, who in enumerate(["Pewawancara", "Informan"] * 3)))
    doc, ps = load_document(path)
    check_offsets(doc, ps)
    assert [p.role for p in ps] == ["interviewer", "informant"] * 3
    assert {p.section for p in ps} == {"Bagian A"} and doc.metadata["format"] == "htm"


@pytest.mark.parametrize("data, encoding", [
    ('<meta charset="windows-1252"><p>café</p>'.encode("cp1252"), "windows-1252"),
    ("<p>café</p>".encode("utf-8"), "utf-8"),
    ("<p>café</p>".encode("cp1252"), "cp1252"),
    ('<?xml version="1.0" encoding="utf-8"?><html><p>café</p></html>'.encode("utf-8"), "utf-8"),
])
def test_html_encodings(data, encoding):
    ex = read_html(data, path="a.html")
    assert ex.text == "café" and ex.metadata["encoding"] == encoding


@pytest.mark.parametrize("data", [b"", b"   ", b"<script>x()</script>", b"<html><head><title>t</title></head></html>"])
def test_html_without_visible_text_is_refused(data):
    with pytest.raises(LoadError, match="a.html"):
        read_html(data, path="a.html")


def test_deep_html_is_read_without_recursion_or_refused_never_cut():
    def page(depth):
        return ("<div>" * depth + "<p>dalam</p>" + "</div>" * depth).encode()

    assert read_html(page(1500), path="deep.html").text == "dalam"
    with pytest.raises(LoadError, match="deep.html: the HTML is nested too deeply"):
        read_html(page(20_000), path="deep.html")


def test_control_characters_in_html_are_removed():
    assert read_html(b"<p>a\x01b\x1b[0m</p>", path="a.html").text == "ab[0m"


_WORD = st.from_regex(r"[A-Za-z\u00c0-\u00ff]{1,8}", fullmatch=True)
_BLOCK_TAGS = st.sampled_from(["p", "li", "h2", "div", "blockquote", "td"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_BLOCK_TAGS, st.lists(_WORD, min_size=1, max_size=6),
                          st.sampled_from(["", "<script>hidden()</script>", "<style>.x{}</style>"])),
                min_size=1, max_size=12))
def test_every_block_comes_out_once_and_hidden_text_never(blocks):
    body = "".join(f"<{tag}>{' '.join(html.escape(w) for w in words)}</{tag}>{extra}" for tag, words, extra in blocks)
    ex = read_html(f"<html><body>{body}</body></html>".encode(), path="h.html")
    expected = [" ".join(words) for _, words, _ in blocks]
    assert ex.text.split("\n\n") == expected
    assert "hidden" not in ex.text and ".x{}" not in ex.text


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_give_text_or_a_load_error(data):
    try:
        ex = read_html(data, path="r.html")
    except LoadError as err:
        assert "r.html" in str(err)
    else:
        assert ex.text and ex.text == ex.text.strip()

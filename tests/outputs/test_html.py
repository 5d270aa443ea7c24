"""Highlights: coded spans marked in colour with a legend, text escaped."""

from __future__ import annotations

import pytest

from qualkit.coding.frame import codings_frame
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import QualkitError
from qualkit.notebook import Highlights


def _corpus():
    doc = Document(id="a.txt", text="Saya <takut> dan paspor ditahan.\n\nTerima kasih.", source_type="interview")
    return Corpus(documents=(doc,), passages=(
        Passage("a.txt", "a.txt#p1", 0, 32, speaker="N").with_text(doc),
        Passage("a.txt", "a.txt#p2", 34, 47).with_text(doc)))


def _codings():
    rows = [
        {"passage_id": "a.txt#p1", "doc_id": "a.txt", "code_id": "fear", "start": 5, "end": 12},
        {"passage_id": "a.txt#p1", "doc_id": "a.txt", "code_id": "docs", "start": 17, "end": 31,
         "spans": "17-23;24-31"},
        {"passage_id": "a.txt#p1", "doc_id": "a.txt", "code_id": "whole", "start": 0, "end": 32},
    ]
    return codings_frame([{**r, "coder": "auto", "method": "auto"} for r in rows])


def test_marks_every_span_with_legend_and_escapes_text():
    html = Highlights(_corpus(), _codings())._repr_html_()
    assert "&lt;takut&gt;" in html and "<takut>" not in html
    assert html.count("<mark") == 7  # cuts at 0,5,12,17,23,24,31,32: seven covered pieces
    for code in ("fear", "docs", "whole"):
        assert code in html
    assert "Legend" in html
    assert "Terima kasih" not in html  # uncoded passage not shown
    assert "text-decoration:underline" in html  # overlapping codes


def test_passages_and_filters():
    h = Highlights(_corpus(), _codings(), codes=("fear",))
    [(passage, marks)] = h.passages()
    assert passage.id == "a.txt#p1" and marks == [(5, 12, "fear")]
    assert passage.text[5:12] == "<takut>"
    assert list(h.colors()) == ["fear"]
    whole = Highlights(_corpus(), _codings(), codes=("fear",), span="passage").passages()[0][1]
    assert whole == [(0, 32, "fear")]


def test_limit_and_bad_span():
    assert "1 of 1" not in Highlights(_corpus(), _codings(), limit=1)._repr_html_()
    with pytest.raises(QualkitError, match="'span' parameter"):
        Highlights(_corpus(), _codings(), span="word")

"""The data model: Document, Passage, Corpus validate themselves and convert to frames."""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualkit.corpus import Corpus, Document, FormField, Passage
from qualkit.errors import LoadError, PassageError

TEXT = "Pewawancara: Apa yang terjadi?\nKorban A: Saya takut sekali."


@pytest.fixture
def corpus() -> Corpus:
    doc = Document(id="interviews/k01.txt", text=TEXT, source_type="interview",
                   informant_group="victim", case_id="K01", language="id")
    p1 = Passage(doc_id=doc.id, id=f"{doc.id}#p1", start=13, end=30, speaker="Pewawancara",
                 role="interviewer").with_text(doc)
    p2 = Passage(doc_id=doc.id, id=f"{doc.id}#p2", start=41, end=len(TEXT), speaker="Korban A",
                 role="informant").with_text(doc)
    return Corpus(documents=(doc,), passages=(p1, p2))


def test_passage_text_is_the_slice(corpus):
    assert [p.text for p in corpus] == ["Apa yang terjadi?", "Saya takut sekali."]


def test_mismatched_passage_text_is_refused():
    doc = Document(id="a.txt", text="abc def")
    bad = Passage(doc_id="a.txt", id="a.txt#p1", start=0, end=3, text="abd")
    with pytest.raises(PassageError, match="does not match"):
        Corpus(documents=(doc,), passages=(bad,))


def test_offsets_out_of_order_are_refused():
    with pytest.raises(PassageError):
        Passage(doc_id="a", id="a#p1", start=5, end=2)


def test_unknown_source_type_names_the_document():
    assert Document(id="x.txt", text="t", source_type="survey").source_type == "survey"  # any id
    with pytest.raises(LoadError, match="x.txt.*source_type"):
        Document(id="x.txt", text="t", source_type="field notes!")  # not an id


def test_documents_are_frozen(corpus):
    with pytest.raises(dataclasses.FrozenInstanceError):
        corpus.documents[0].text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        corpus.documents[0].metadata["x"] = 1  # type: ignore[index]


def test_passages_frame_columns_and_context(corpus):
    frame = corpus.passages_frame()
    assert list(frame.columns[:6]) == ["passage_id", "doc_id", "start", "end", "speaker", "role"]
    assert frame["source_type"].tolist() == ["interview", "interview"]
    assert frame.loc[1, "text"] == "Saya takut sekali."


def test_documents_frame_counts_passages(corpus):
    frame = corpus.documents_frame()
    assert frame.loc[0, "n_passages"] == 2
    assert frame.loc[0, "informant_group"] == "victim"


def test_form_fields_lookup_is_case_insensitive():
    doc = Document(id="f.txt", text="Nama : X", fields=(FormField("A", "Nama", "X", 7, 8),))
    assert doc.field("NAMA") == "X"
    assert doc.field("NIK") is None


@given(st.text(alphabet="ab\n", max_size=40), st.data())
def test_source_offset_maps_back_through_removed_carriage_returns(text, data):
    source = text.replace("\n", "\r\n")
    removed = tuple(i for i, ch in enumerate(text) if ch == "\n")
    doc = Document(id="a.txt", text=text, removed=removed)
    i = data.draw(st.integers(0, len(text)))
    j = doc.source_offset(i)
    assert source[j:].replace("\r\n", "\n") == text[i:]

"""Redactor.edits_of: one document's edits, exactly as transform applies them (synthetic texts)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.corpus import Corpus, Document
from qualkit.errors import NotFittedError, ParameterError, QualkitError
from qualkit.privacy import Redactor
from qualkit.privacy.offsets import OffsetMap, apply_edits

# synthetic: made-up names, numbers and places
FORM = ("DATA SINTETIS.\nNama: Wulan Sari\nAlamat: Kampung Melati dekat sungai\nTTL: Bogor, 1 Mei 1990\n"
        "Wulan bilang HP 0812-3456-7890 hilang.\n")
PIECES = ["Wulan", "Sari", "0812-3456-7890", "dita@contoh.org", " ", "\n", "saya takut", "é", "😟", "pak Darto",
          "Bogor, 1 Mei 1990", ", "]


def fitted(*docs: Document) -> Redactor:
    return Redactor().fit(Corpus(documents=docs, passages=()))


def test_a_fitted_document_gets_the_edits_fit_learnt_from_its_fields():
    doc = Document(id="form.txt", text=FORM)
    redactor = fitted(doc)
    edits = redactor.edits_of(doc)
    assert {(e.kind, e.original) for e in edits} >= {("address", "Kampung Melati dekat sungai"),
                                                     ("birth", "Bogor, 1 Mei 1990"), ("phone", "0812-3456-7890")}
    assert apply_edits(FORM, edits) == redactor.transform(Corpus((doc,), ())).documents[0].text
    # found afresh, the text would lose the field-value edits only fit knows: not what is used
    assert "address" not in {e.kind for e in redactor.edits_of(Document(id="x", text=FORM), unfitted="find")}


@settings(max_examples=30, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES), max_size=12), extra=st.lists(st.sampled_from(PIECES), max_size=6))
def test_edits_of_is_what_transform_applies(parts, extra):
    doc = Document(id="form.txt", text=FORM + "".join(parts))
    redactor = fitted(doc)
    changed = Document(id="form.txt", text=doc.text + "".join(extra) + " Sari.")
    for d in (doc, changed):
        edits = redactor.edits_of(d, unfitted="find")
        shown = redactor.transform(Corpus((d,), ())).documents[0].text
        assert apply_edits(d.text, edits) == shown
        omap = OffsetMap.from_edits(edits)  # offsets move with the edits onto that text
        assert omap.start(len(d.text)) == len(shown)
        assert all(d.text[e.start:e.end] == e.original for e in edits)


def test_other_texts_are_refused_unless_asked_to_find():
    doc = Document(id="a.txt", text="Wulan: HP saya 0812-3456-7890.")
    redactor = fitted(doc)
    with pytest.raises(QualkitError, match="'a.txt' has another text than the corpus"):
        redactor.edits_of(Document(id="a.txt", text="Wulan: HP saya."))
    with pytest.raises(QualkitError, match="'b.txt' was not in the corpus"):
        redactor.edits_of(Document(id="b.txt", text=doc.text))
    assert redactor.edits_of(Document(id="b.txt", text=doc.text), unfitted="find") == redactor.edits_of(doc)
    with pytest.raises(ParameterError, match="'unfitted' parameter"):
        redactor.edits_of(doc, unfitted="skip")
    with pytest.raises(ParameterError, match="'document' parameter"):
        redactor.edits_of("a.txt")
    with pytest.raises(NotFittedError):
        Redactor().edits_of(doc)

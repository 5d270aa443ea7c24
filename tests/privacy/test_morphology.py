"""Fewer false people: words derived from common words and months in dates are no
people; names built like derived words still are, and names in titles and notes are found."""

from __future__ import annotations

import pytest

from qualkit.corpus import Corpus, Document, Passage
from qualkit.privacy import Redactor
from qualkit.privacy.morphology import derived_word
from qualkit.privacy.names import capitalised_names, find_names, label_names

WORDS = ("Pengadu", "Pemulangan", "Tembusan", "Pendampingan", "Pemberi", "Perlindungan", "Kebebasan",
         "Sinyalnya", "Confidentiality", "Protection")
NAMES = ("Setiawan", "Gunawan", "Kurniawan", "Hermawan", "Tambunan", "Permana", "Dimas", "Sukarman",
         "Pangaribuan", "Harjanto", "Darto")
ENGLISH_NAMES = ("Constance", "Clarence", "Harding", "Manning", "Browning", "Florence")


@pytest.mark.parametrize("word", WORDS)
def test_a_word_derived_from_a_common_root_is_a_word(word):
    assert derived_word(word)
    assert label_names(f"{word}") == []


@pytest.mark.parametrize("name", NAMES)
def test_a_name_built_like_a_derived_word_stays_a_name(name):
    assert not derived_word(name)
    assert label_names(name) == [name]
    assert [n for _, _, n in find_names(f"Lalu pak {name} datang.")] == [name]


@pytest.mark.parametrize("name", ENGLISH_NAMES)
def test_english_names_with_a_suffix_are_not_derived_words(name):
    assert not derived_word(name)


def _corpus(turns: list[tuple[str, str]]) -> Corpus:
    text, passages, pos = "", [], 0
    lines = [f"{label}: {body}" for label, body in turns]
    text = "\n".join(lines)
    doc = Document(id="k.txt", text=text, source_type="document", title="Wawancara Jokarto",
                   metadata={"catatan": "ditemani ibunya Sumirah Wergun", "site": "Elm Ward"})
    for n, (label, body) in enumerate(turns):
        start = pos + len(label) + 2
        passages.append(Passage(doc_id=doc.id, id=f"k.txt#p{n}", start=start, end=start + len(body),
                                speaker=label).with_text(doc))
        pos += len(label) + 2 + len(body) + 1
    return Corpus(documents=(doc,), passages=tuple(passages))


def test_form_labels_that_are_words_are_kept_and_names_are_not():
    corpus = _corpus([("Pengadu", "korban sendiri, atas nama Pemberi Kuasa."), ("Tembusan", "kantor pusat"),
                      ("Setiawan", "terima kasih, Mas. Sinyalnya putus."), ("Tambunan", "pak Gunawan datang.")])
    r = Redactor().fit(corpus)
    out = r.transform(corpus)
    text = out.documents[0].text
    for kept in ("Pengadu:", "Tembusan:", "Pemberi Kuasa", "Sinyalnya"):
        assert kept in text
    for name in ("Setiawan", "Tambunan", "Gunawan", "Jokarto", "Sumirah", "Wergun"):
        assert name not in text + out.documents[0].title + str(dict(out.documents[0].metadata)), name
    assert "Elm Ward" in str(dict(out.documents[0].metadata))  # a word wordfreq knows: no person


def test_a_name_field_keeps_a_name_that_looks_derived():
    doc = Document(id="f.txt", text="Nama Lengkap : Pengadu Tembusan\nAlamat : -", source_type="document")
    r = Redactor().fit(Corpus(documents=(doc,), passages=()))
    assert "Tembusan" not in r.redact_text("Tembusan datang")


def test_capitalised_names_in_declared_values():
    assert capitalised_names("Wawancara Jokarto, Yayasan Rumah Migran") == ["Jokarto"]
    assert capitalised_names("Interview with a staff nurse, Elm Ward") == []


def test_a_month_that_is_a_given_name_is_no_person_in_a_date():
    dates = "Tanggal Pengaduan : 10 Juli 2023; sejak Juli 2022; sampai 3 Juli."
    assert [n for _, _, n in find_names(dates)] == []
    assert [n for _, _, n in find_names("Lalu Juli datang dengan Rina.")] == ["Juli", "Rina"]


def test_a_recurring_speaker_label_that_is_a_common_word_is_a_person():
    turns = [("Dan", "So how do you use the plots?"), ("Participant", "Mostly for debugging."),
             ("Dan", "And then?"), ("Participant", "Dan showed me the tool.")]
    lines = [f"{label}: {body}" for label, body in turns]
    text = "\n".join(lines)
    doc = Document(id="p.txt", text=text, source_type="interview", language="en")
    passages, pos = [], 0
    for n, (label, body) in enumerate(turns):
        start = pos + len(label) + 2
        passages.append(Passage(doc_id=doc.id, id=f"p.txt#p{n}", start=start, end=start + len(body),
                                speaker=label).with_text(doc))
        pos += len(label) + 2 + len(body) + 1
    corpus = Corpus(documents=(doc,), passages=tuple(passages))
    out = Redactor().fit(corpus).transform(corpus).documents[0].text
    assert "Dan" not in out and "And then?" in out and "Participant:" in out
    # the same label once (a form line "Pengadu: ..."), or in Indonesian, is no person
    assert label_names("Dan", recurring=True, language="id") == []
    assert label_names("Pengadu", recurring=True, language="id") == []

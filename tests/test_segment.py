"""Segmentation: speaker turns, paragraphs, sentences, roles and re-cutting a corpus."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.corpus import Corpus, Document, segment_corpus
from qualkit.loading.passages import text_passages
from qualkit.segment import (
    find_turns,
    speaker_roles,
    split_paragraphs,
    split_sentences,
)


def labels(text):
    return [t.label for t in find_turns(text)]


def utterances(text):
    return [text[t.start : t.end] for t in find_turns(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pewawancara: Apa kabar?\nInforman: Baik.\nPewawancara: Lalu?\nInforman: Takut.",
         ["Pewawancara", "Informan", "Pewawancara", "Informan"]),
        ("INTERVIEWER: Hi.\nRESPONDENT: Hello.\nINTERVIEWER: Why?\nRESPONDENT: Fear.",
         ["INTERVIEWER", "RESPONDENT", "INTERVIEWER", "RESPONDENT"]),
        ("[Ana]: satu\n[Budi]: dua\n[Ana]: tiga\n[Budi]: empat", ["Ana", "Budi", "Ana", "Budi"]),
        ("[id1] hello\n\n[id2] hi\n\n[id1] bye\n\n[id3] ok", ["id1", "id2", "id1", "id3"]),
        ("**K (Kiki):** saya takut\n**P:** kenapa\n**K (Kiki):** diancam\n**P:** oh",
         ["K (Kiki)", "P", "K (Kiki)", "P"]),
        ("Q - Where?\nA - Home.\nQ - When?\nA - Now.", ["Q", "A", "Q", "A"]),
        ("Q: Where?\nA: Home.\nQ: When?\nA: Now.", ["Q", "A", "Q", "A"]),
        ("Pertanyaan: Kapan?\nJawaban: Mei.\nPertanyaan: Di mana?\nJawaban: Sana.",
         ["Pertanyaan", "Jawaban", "Pertanyaan", "Jawaban"]),
        ("P1: ya\nP2: tidak\nP1: mungkin\nP2: nah", ["P1", "P2", "P1", "P2"]),
        ("Interviewer 1: hi\nParticipant: yo\nInterviewer 1: so\nParticipant: well",
         ["Interviewer 1", "Participant", "Interviewer 1", "Participant"]),
        ("Interview\nDan: \n Okay so.\nParticipant: \n Yes.\nDan: \n Why?\nParticipant: \n Because.",
         ["Dan", "Participant", "Dan", "Participant"]),
        ("[00:01:02] Ana: halo\n[00:01:09] Budi: hai\n[00:02:00] Ana: lagi\n[00:02:30] Budi: ya",
         ["Ana", "Budi", "Ana", "Budi"]),
        ("00:01:02 Ana: halo\n00:01:09 Budi: hai\n00:02:00 Ana: lagi", ["Ana", "Budi", "Ana"]),
        ("INTERVIEWER\nHow are you?\n\nRESPONDENT\nFine.\n\nINTERVIEWER\nWhy?\n\nRESPONDENT\nJust.",
         ["INTERVIEWER", "RESPONDENT", "INTERVIEWER", "RESPONDENT"]),
    ],
)
def test_label_styles(text, expected):
    assert labels(text) == expected


def test_utterance_excludes_label_and_timestamp():
    text = "[00:01:02] Ana: halo semua\n[00:01:09] Budi: hai\n[00:02:00] Ana: lagi\n[00:02:05] Budi: ok"
    assert utterances(text) == ["halo semua", "hai", "lagi", "ok"]
    assert find_turns(text)[0].timestamp == "[00:01:02]"


def test_label_on_own_line_keeps_following_lines():
    text = "Dan:\nOkay. So now\nwe end.\nParticipant:\nYes.\nDan:\nGood.\nParticipant:\nFine."
    assert utterances(text)[0] == "Okay. So now\nwe end."


@pytest.mark.parametrize(
    "text",
    [
        "Rapat dimulai pukul 10:30 di kantor.\nSelesai pukul 12:15 dan semua pulang.\n"
        "Lanjut pukul 14:00 lagi.",
        "Catatan: keluarga datang.\nCatatan: korban menelpon.\nCatatan: kami koordinasi.",
        "Lihat https://example.org\nhttps://example.org/a lagi\nhttps://example.org/b",
        "Nama : Sari\nNama : Budi\nAlamat : Desa\nAlamat : Kota",
        "Tanggal: 1 Mei\nLokasi: Jakarta\nTanggal: 2 Mei\nLokasi: Bogor",
        "Dia berkata: pulang sekarang juga karena sudah malam sekali.",
    ],
)
def test_colons_that_are_not_turns(text):
    assert find_turns(text) == []


def test_single_unrepeated_label_is_not_a_transcript():
    assert find_turns("Menteri: kebijakan baru diumumkan hari ini.\n\nParagraf lain.") == []


def test_roles():
    assert speaker_roles(["Pewawancara", "Korban"]) == {"Pewawancara": "interviewer", "Korban": "informant"}
    assert speaker_roles(["Interviewer 1", "P3"]) == {"Interviewer 1": "interviewer", "P3": "informant"}
    assert speaker_roles(["P", "N"]) == {"P": "interviewer", "N": "informant"}
    assert speaker_roles(["I", "R"])["I"] == "interviewer"
    assert speaker_roles(["Moderator", "Ana"])["Moderator"] == "interviewer"
    assert speaker_roles(["T", "J"]) == {"T": "interviewer", "J": "informant"}
    assert speaker_roles(["Pertanyaan", "Jawaban"])["Pertanyaan"] == "interviewer"
    assert speaker_roles(["Dan", "Participant"], interviewers=["dan"])["Dan"] == "interviewer"
    assert speaker_roles(["Dan", "Participant"])["Dan"] == "informant"


def test_text_passages_preamble_and_sections():
    text = "# Wawancara 1\n\nPembuka.\n\nP: Halo?\nI: Takut.\nP: Kenapa?\nI: Diancam."
    from qualkit.loading.plaintext import markdown_headings

    ps = text_passages("a.md", text, headings=markdown_headings(text))
    assert [p.id for p in ps] == [f"a.md#p{i}" for i in range(1, 6)]
    assert ps[0].text == "Pembuka." and ps[0].unit == "paragraph" and ps[0].speaker is None
    assert ps[1].speaker == "P" and ps[1].role == "interviewer" and ps[1].unit == "turn"
    assert {p.section for p in ps} == {"Wawancara 1"}


def test_paragraphs():
    text = "Satu dua.\n\n\n  Tiga.\n \nEmpat"
    assert [text[s:e] for s, e in split_paragraphs(text)] == ["Satu dua.", "Tiga.", "Empat"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Sari datang ke Jl. Merdeka No. 5. Dia takut.",
         ["Dr. Sari datang ke Jl. Merdeka No. 5.", "Dia takut."]),
        ("Ada paspor, KTP, dll. Semua disita.", ["Ada paspor, KTP, dll.", "Semua disita."]),
        ("Ada paspor, KTP, dsb. yang disita.", ["Ada paspor, KTP, dsb. yang disita."]),
        ("Bpk. Andi dan Ibu. Sari hadir. Selesai.", ["Bpk. Andi dan Ibu. Sari hadir.", "Selesai."]),
        ("Mr. Smith went to the U.S. Embassy. He waited.",
         ["Mr. Smith went to the U.S. Embassy.", "He waited."]),
        ("Use tools, e.g. Python. It helps.", ["Use tools, e.g. Python.", "It helps."]),
        ("It costs 3.5 million. Really?", ["It costs 3.5 million.", "Really?"]),
        ("Wait... then he left. OK.", ["Wait... then he left.", "OK."]),
        ('He said "go home." Then he left.', ['He said "go home."', "Then he left."]),
        ("Kenapa? Karena takut! Ya.", ["Kenapa?", "Karena takut!", "Ya."]),
        ("Baris satu\n\nBaris dua", ["Baris satu", "Baris dua"]),
        ("J. Smith arrived. Fine.", ["J. Smith arrived.", "Fine."]),
    ],
)
def test_sentences(text, expected):
    assert [text[s:e] for s, e in split_sentences(text, "id")] == expected


def _check_spans(text, spans):
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        last = e


TEXTS = st.text(alphabet=st.sampled_from(list("aB .:!?\n\t[]*-Pd1é\"'")), max_size=300)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_sentence_spans_are_ordered_and_cover_all_text(text):
    spans = split_sentences(text, "id")
    _check_spans(text, spans)
    covered = set()
    for s, e in spans:
        covered.update(range(s, e))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_turn_and_paragraph_passages_keep_the_offset_invariant(text):
    passages = text_passages("d", text)
    _check_spans(text, [(p.start, p.end) for p in passages])
    assert all(p.text == text[p.start : p.end] for p in passages)
    assert [p.id for p in passages] == [f"d#p{i}" for i in range(1, len(passages) + 1)]
    Corpus((Document(id="d", text=text),), passages)  # validates offsets again


NAMES = st.sampled_from(["Pewawancara", "Informan", "Ana", "Budi Santoso", "P1", "R2", "Dan",
                         "Interviewer 1", "KORBAN"])
STYLES = st.sampled_from(["{l}: {u}", "[{l}]: {u}", "**{l}:** {u}", "[00:0{n}:1{n}] {l}: {u}",
                          "{l}:\n{u}"])
WORDS = st.lists(st.sampled_from(["saya", "takut", "pulang", "ke", "rumah", "dia", "bilang"]),
                 min_size=1, max_size=8).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(NAMES, WORDS), min_size=2, max_size=12), STYLES, st.integers(0, 9))
def test_turn_parser_finds_generated_labels(turns, style, n):
    # make sure two labels recur, as in any real interview
    turns = [("Pewawancara", "apa kabar"), ("Informan", "baik")] * 2 + turns
    text = "\n".join(style.format(l=label, u=utt.capitalize(), n=n) for label, utt in turns)
    found = find_turns(text)
    assert [t.label for t in found] == [label for label, _ in turns]
    assert [text[t.start : t.end] for t in found] == [utt.capitalize() for _, utt in turns]


def _corpus():
    text = "P: Halo. Apa kabar?\nI: Saya takut. Sangat takut!\nP: Kenapa?\nI: Diancam."
    doc = Document(id="a.txt", text=text, source_type="interview")
    return Corpus((doc,), text_passages(doc.id, text))


def test_segment_corpus_to_sentences_and_back():
    corpus = _corpus()
    sentences = segment_corpus(corpus, "sentence")
    assert sentences.unit == "sentence"
    assert [p.text for p in sentences][:3] == ["Halo.", "Apa kabar?", "Saya takut."]
    first = sentences.passages[0]
    assert first.id == "a.txt#p1.s1" and first.parent_id == "a.txt#p1" and first.speaker == "P"
    assert first.role == "interviewer" and first.unit == "sentence"
    back = segment_corpus(sentences, "turn")
    assert back.passages == corpus.passages
    assert corpus.segment("sentence").passages == sentences.passages


def test_segment_corpus_rejects_unknown_unit():
    with pytest.raises(ValueError, match="'unit' parameter"):
        segment_corpus(_corpus(), "word")

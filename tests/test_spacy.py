"""spaCy interoperability: corpus/codings <-> Docs, codebook -> SpanRuler patterns."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qualkit
from qualkit.codebook.model import Code, Codebook, Cue
from qualkit.coding.frame import codings_frame
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import QualkitError

spacy = pytest.importorskip("spacy", reason="spaCy is not installed (pip install 'qualkit[spacy]')")

from spacy.pipeline import SpanRuler  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

from qualkit.interop.spacy import (  # noqa: E402
    AlignmentWarning,
    alignment_problems,
    from_spacy,
    span_ruler_patterns,
    to_spacy,
)

KEY = ["passage_id", "code_id", "coder", "start", "end", "spans"]


@pytest.fixture(scope="module")
def pipes() -> dict[str, object]:
    """Blank pipelines, built once: ``spacy.blank("id")`` takes seconds."""
    return {"id": spacy.blank("id"), "en": spacy.blank("en")}


def make_corpus() -> Corpus:
    interview = Document(
        id="wawancara/korban_01.txt", source_type="interview", informant_group="victim",
        case_id="K01", language="id", metadata={"year": 2024},
        text=("P: Bagaimana awalnya?\n"
              "K: Saya lihat lowongan kerja di Facebook. Paspor saya ditahan agen, "
              "lalu surat kuasa, surat permohonan dan paspor dibawa.\n"
              "P: Lalu?\n"
              "K: Saya merasa ketakutan setiap malam.\n"),
    )
    english = Document(
        id="interviews/family_01.txt", source_type="interview", informant_group="family",
        language="en",
        text=("I: What happened?\n"
              "R: They took his passport. The embassy helped us with a power of attorney.\n"),
    )
    notes = Document(id="catatan/obs_01.txt", source_type="observation", language="id",
                     text="Pendamping menghubungi KBRI tentang paspor korban.")
    passages: list[Passage] = []
    for doc in (interview, english):
        lines = doc.text.split("\n")
        pos, n = 0, 0
        for line in lines:
            if line:
                speaker, _, _ = line.partition(": ")
                role = "interviewer" if speaker in ("P", "I") else "informant"
                s = pos + len(speaker) + 2
                n += 1
                passages.append(Passage(doc.id, f"{doc.id}#p{n}", s, pos + len(line),
                                        doc.text[s:pos + len(line)], speaker=speaker, role=role))
            pos += len(line) + 1
    passages.append(Passage(notes.id, f"{notes.id}#p1", 0, len(notes.text), notes.text))
    return Corpus((interview, english, notes), tuple(passages))


def make_book() -> Codebook:
    return Codebook(name="spacy-test", codes=(
        Code(id="org_inhibit_documents", name="Documents", cues=(
            Cue("paspor", match="exact"), Cue("surat kuasa|surat permohonan", kind="phrase", match="exact"),
            Cue("passport", lang="en", match="exact"),
            Cue("power of attorney", lang="en", kind="phrase", match="exact"))),
        Code(id="ind_inhibit_fear", name="Fear", cues=(Cue("ketakut", match="prefix"),)),
        Code(id="ctx_recruitment_online", name="Online recruitment", cues=(
            Cue("lowongan kerja", kind="phrase", match="exact"), Cue("facebook", lang="any", match="exact"))),
        Code(id="org_support_government", name="Government", cues=(
            Cue("kbri", match="exact"), Cue("embassy", lang="en", match="exact"))),
    ))


def make_codings(corpus: Corpus) -> pd.DataFrame:
    auto = qualkit.code(corpus, make_book(), cache_dir=None)
    p = corpus.passages[1]  # the informant's first turn
    text = corpus.document(p.doc_id).text
    s1, s2 = text.index("Facebook."), text.index("ditahan")
    a = text.index("agen")
    manual = codings_frame([{
        "passage_id": p.id, "doc_id": p.doc_id, "code_id": "ctx_scam_work",
        "start": p.start, "end": s1 + 8,
        "spans": f"{p.start}-{s1 + 8};{s2}-{s2 + 7}", "cue": "",
        "coder": "AB", "method": "manual", "confidence": 1.0, "memo": "two spans",
    }, {
        "passage_id": p.id, "doc_id": p.doc_id, "code_id": "org_inhibit_documents",
        "start": a, "end": a + 4, "coder": "AB", "method": "suggested",
        "confidence": 0.625, "codebook_hash": "abc", "memo": "",
    }])
    return codings_frame(pd.concat([auto, manual]).to_dict("records"))


def assert_same_codings(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


# -- to_spacy / from_spacy -----------------------------------------------------------


@pytest.mark.parametrize("unit", ["document", "passage"])
def test_round_trip_keeps_every_coding(unit, pipes):
    corpus = make_corpus()
    codings = make_codings(corpus)
    assert set(codings["method"]) == {"auto", "manual", "suggested"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", AlignmentWarning)  # every span aligns: no warning
        docs = to_spacy(corpus, codings, unit=unit, nlp=pipes)
    assert len(docs) == (len(corpus.documents) if unit == "document" else len(corpus.passages))
    assert_same_codings(from_spacy(docs), codings)


def test_spans_carry_code_coder_cue_and_exact_offsets(pipes):
    corpus = make_corpus()
    codings = make_codings(corpus)
    docs = to_spacy(corpus, codings, nlp=pipes)
    by_doc = {d.user_data["qualkit"]["doc_id"]: d for d in docs}
    n_pieces = 0
    for row in codings.itertuples():
        doc = by_doc[row.doc_id]
        pieces = [tuple(map(int, x.split("-"))) for x in row.spans.split(";")]
        for s, e in pieces:
            match = [sp for sp in doc.spans["qualkit"]
                     if (sp.start_char, sp.end_char) == (s, e) and sp.label_ == row.code_id]
            assert len(match) == 1, (row.code_id, s, e)
            assert match[0].kb_id_ == row.coder and match[0].id_ == row.cue
            assert match[0].text == doc.text[s:e]
            n_pieces += 1
    assert len(doc.spans["qualkit"]) > 0 and n_pieces == sum(len(d.spans["qualkit"]) for d in docs)


def test_passage_unit_offsets_are_relative_to_the_passage(pipes):
    corpus = make_corpus()
    codings = make_codings(corpus)
    docs = to_spacy(corpus, codings, unit="passage", nlp=pipes)
    for doc in docs:
        info = doc.user_data["qualkit"]
        passage = next(p for p in corpus.passages if p.id == info["passage_id"])
        assert doc.text == passage.text and info["offset"] == passage.start
        for sp in doc.spans["qualkit"]:
            document = corpus.document(info["doc_id"])
            s, e = sp.start_char + info["offset"], sp.end_char + info["offset"]
            assert document.text[s:e] == sp.text


def test_user_data_and_passage_spans(pipes):
    corpus = make_corpus()
    doc = to_spacy(corpus, nlp=pipes)[0]
    info = doc.user_data["qualkit"]
    assert info["doc_id"] == "wawancara/korban_01.txt" and info["language"] == "id"
    assert info["informant_group"] == "victim" and info["case_id"] == "K01"
    assert info["metadata"] == {"year": 2024} and doc.lang_ == "id"
    spans = doc.spans["passages"]
    assert [s.id_ for s in spans] == [p.id for p in corpus.passages_of(info["doc_id"])]
    assert [s.label_ for s in spans] == ["P", "K", "P", "K"]
    assert [s.kb_id_ for s in spans] == ["interviewer", "informant", "interviewer", "informant"]
    assert spans[1].text.startswith("Saya lihat") and to_spacy(corpus, nlp=pipes)[1].lang_ == "en"


def test_docbin_serialisation_keeps_the_round_trip(pipes):
    corpus = make_corpus()
    codings = make_codings(corpus)
    data = DocBin(store_user_data=True, docs=to_spacy(corpus, codings, nlp=pipes)).to_bytes()
    docs = list(DocBin(store_user_data=True).from_bytes(data).get_docs(spacy.blank("xx").vocab))
    assert_same_codings(from_spacy(docs), codings)


def test_widened_and_unplaceable_codings_are_reported_and_never_lost(pipes):
    corpus = make_corpus()
    p = corpus.passages[1]
    doc_text = corpus.document(p.doc_id).text
    at = doc_text.index("lowongan")
    rows = [
        {"passage_id": p.id, "doc_id": p.doc_id, "code_id": "mid_word", "start": at + 2,
         "end": at + 5, "coder": "AB", "method": "manual"},
        {"passage_id": p.id, "doc_id": p.doc_id, "code_id": "in_space", "start": at - 1,
         "end": at - 1, "coder": "AB", "method": "manual"},
        {"passage_id": "gone.txt#p1", "doc_id": "gone.txt", "code_id": "orphan", "start": 0,
         "end": 4, "coder": "AB", "method": "manual"},
        {"passage_id": p.id, "doc_id": p.doc_id, "code_id": "outside", "start": 0, "end": 2,
         "coder": "AB", "method": "manual"},
    ]
    codings = codings_frame(rows)
    with pytest.warns(AlignmentWarning, match="4 coding"):
        docs = to_spacy(corpus, codings, nlp=pipes)
    widened = [s for s in docs[0].spans["qualkit"] if s.label_ == "mid_word"]
    assert [(s.start_char, s.end_char, s.text) for s in widened] == [(at, at + 8, "lowongan")]
    problems = alignment_problems(docs).set_index("code_id")
    assert set(problems.index) == {"mid_word", "in_space", "orphan", "outside"}
    assert problems.loc["mid_word", "aligned"] == f"{at}-{at + 8}"
    assert "snapped" in problems.loc["mid_word", "problem"]
    assert problems.loc["outside", "aligned"] == "" and "outside passage" in problems.loc["outside", "problem"]
    assert "not in the corpus" in problems.loc["orphan", "problem"]
    assert_same_codings(from_spacy(docs), codings)


def test_changed_spans_come_back_as_new_codings(pipes):
    corpus = make_corpus()
    docs = to_spacy(corpus, make_codings(corpus), nlp=pipes)
    doc = docs[1]  # English
    start = doc.text.index("embassy")
    span = doc.char_span(start, start + 7, label="org_support_government")
    doc.spans["model"] = [span]
    doc.spans["model"].attrs["scores"] = np.array([0.75], dtype="float32")
    got = from_spacy(docs, span_key="model", coder="spancat")
    assert got[KEY + ["method", "confidence"]].values.tolist() == [[
        "interviews/family_01.txt#p2", "org_support_government", "spancat", start, start + 7,
        f"{start}-{start + 7}", "suggested", 0.75]]
    # a span moved inside the gold group is no longer the original coding
    gold = list(docs[1].spans["qualkit"])
    moved = [s for s in gold if s.label_ == "org_support_government"][0]
    wider = doc.char_span(moved.start_char, doc.text.index("helped") + 6, label=moved.label_, kb_id="auto")
    docs[1].spans["qualkit"] = [s for s in gold if s != moved] + [wider]
    back = from_spacy(docs, method="auto")
    row = back[(back.code_id == "org_support_government") & (back.doc_id == doc.user_data["qualkit"]["doc_id"])]
    assert row[["start", "end", "coder", "method", "codebook_hash"]].values.tolist() == [
        [wider.start_char, wider.end_char, "auto", "auto", ""]]
    assert len(back) == len(from_spacy(to_spacy(corpus, make_codings(corpus), nlp=pipes)))


def test_span_outside_every_passage_is_reported(pipes):
    corpus = make_corpus()
    doc = to_spacy(corpus, nlp=pipes)[0]
    doc.spans["qualkit"] = [doc.char_span(0, 1, label="x")]  # the speaker label "P"
    with pytest.warns(AlignmentWarning, match="outside every passage"):
        assert from_spacy([doc]).empty


def test_bad_input_raises_clear_errors(pipes):
    corpus = make_corpus()
    with pytest.raises(QualkitError, match="'unit' parameter of to_spacy"):
        to_spacy(corpus, unit="sentence", nlp=pipes)
    with pytest.raises(QualkitError, match="span_key"):
        to_spacy(corpus, span_key="passages", nlp=pipes)
    with pytest.raises(QualkitError, match="carries no qualkit data"):
        from_spacy([spacy.blank("en")("no user data")])
    with pytest.raises(QualkitError, match="'method' parameter"):
        from_spacy(to_spacy(corpus, nlp=pipes), method="guess")


def test_a_malformed_spans_cell_is_an_error_not_a_silent_skip(pipes):
    from qualkit.coding.spans import SpanError

    corpus = make_corpus()
    codings = make_codings(corpus)
    codings.loc[0, "spans"] = "12-;40-45"
    with pytest.raises(SpanError, match="'12-'"):
        to_spacy(corpus, codings, nlp=pipes)


def test_missing_spacy_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # makes `import spacy` fail
    with pytest.raises(QualkitError, match=r"pip install 'qualkit\[spacy\]'"):
        to_spacy(make_corpus())
    with pytest.raises(QualkitError, match="spaCy is not installed"):
        span_ruler_patterns(make_book(), lang="id")


WORDS = st.sampled_from(["Saya", "takut", "KTP-nya", "di", "sana", "ditakut-takuti", "can't",
                         "self-help", "2-3", "paspor", ",", ".", "(agen)", "\n", "é"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(WORDS, min_size=1, max_size=12),
       cuts=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), max_size=4),
       unit=st.sampled_from(["document", "passage"]))
def test_any_codings_survive_the_round_trip(words, cuts, unit, pipes):
    text = " ".join(words)
    doc = Document(id="h.txt", text=text, language="id")
    corpus = Corpus((doc,), (Passage("h.txt", "h.txt#p1", 0, len(text), text),))
    rows = []
    for k, (a, b) in enumerate(cuts):
        a, b = sorted((min(a, len(text)), min(b, len(text))))
        rows.append({"passage_id": "h.txt#p1", "doc_id": "h.txt", "code_id": f"c{k % 2}",  # duplicates too
                     "start": a, "end": b, "coder": "AB", "method": "manual"})
    codings = codings_frame(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AlignmentWarning)
        docs = to_spacy(corpus, codings, unit=unit, nlp=pipes)
    offset = docs[0].user_data["qualkit"]["offset"]
    for sp in docs[0].spans["qualkit"]:  # every placed span covers its evidence (bar whitespace)
        covered = []
        for row in codings[codings.code_id == sp.label_].itertuples():
            evidence = text[row.start:row.end]
            lead = len(evidence) - len(evidence.lstrip())
            covered.append(sp.start_char + offset <= row.start + lead
                           and row.start + lead + len(evidence.strip()) <= sp.end_char + offset)
        assert any(covered)
    assert_same_codings(from_spacy(docs), codings)


# -- span_ruler_patterns ----------------------------------------------------------------


def ruler_codings(corpus: Corpus, book: Codebook, pipes) -> pd.DataFrame:
    docs = to_spacy(corpus, nlp=pipes)
    rulers = {}
    for lang, nlp in pipes.items():  # a standalone component: the shared pipelines stay blank
        rulers[lang] = SpanRuler(nlp, spans_key="ruler")
        rulers[lang].add_patterns(span_ruler_patterns(book, lang=lang, nlp=nlp))
    docs = [rulers[d.user_data["qualkit"]["language"]](d) for d in docs]
    return from_spacy(docs, span_key="ruler", coder="auto", method="auto")


def test_span_ruler_finds_what_qualkit_finds_for_exact_and_prefix_cues(pipes):
    corpus, book = make_corpus(), make_book()
    want = qualkit.code(corpus, book, cache_dir=None)
    got = ruler_codings(corpus, book, pipes)
    assert len(want) == 7 and want["spans"].str.contains(";").sum() == 3  # several evidence spans
    cols = ["passage_id", "code_id", "start", "end", "spans", "cue"]
    assert got[cols].values.tolist() == want[cols].values.tolist()
    assert got.loc[got.code_id == "ind_inhibit_fear", "cue"].tolist() == ["ketakut"]
    assert set(";".join(got["cue"]).split(";")) >= {"paspor", "surat kuasa|surat permohonan", "power of attorney"}


def test_patterns_shape_and_skipped_cues(pipes):
    book = Codebook(name="k", codes=(
        Code(id="a", name="A", cues=(
            Cue("surat kuasa|paspor", kind="phrase", match="exact"), Cue("takut"),
            Cue("agen", kind="regex"), Cue("hp", kind="near", near="sita", match="exact"),
            Cue("bukan", match="exact", exclude=True), Cue("lega", match="exact", negation="only"),
            Cue("KTP-nya", match="exact"), Cue("fear", lang="en", match="exact"),
            Cue("menipu", lang="any", match="prefix"), Cue("...", match="exact"))),
    ))
    pats = span_ruler_patterns(book, lang="id", nlp=pipes["id"])
    assert isinstance(pats, list)
    assert [p["id"] for p in pats] == ["surat kuasa|paspor", "surat kuasa|paspor", "KTP-nya", "menipu"]
    assert pats[1]["pattern"] == [{"LOWER": "paspor"}]
    assert pats[2]["pattern"] == [{"LOWER": "ktp"}, {"LOWER": "-nya"}]
    assert pats[3]["pattern"] == [{"LOWER": {"REGEX": "^menipu"}}]
    assert all(p["label"] == "a" for p in pats)
    skipped = pats.skipped_frame().set_index("cue")["reason"]
    assert list(skipped.index) == ["takut", "agen", "hp NEAR/5 sita", "bukan", "lega", "..."]
    assert "stem" in skipped["takut"] and "exclusion" in skipped["bukan"]
    assert "negation: only" in skipped["lega"] and "no word characters" in skipped["..."]
    assert [p["id"] for p in span_ruler_patterns(book, lang="en", nlp=pipes["en"])] == ["fear", "menipu"]


def test_phrase_pattern_spans_whitespace_not_punctuation_like_the_matcher(pipes):
    book = Codebook(name="k", codes=(Code(id="a", name="A", cues=(
        Cue("surat kuasa", kind="phrase", match="exact"),)),))
    ruler = SpanRuler(pipes["id"])
    ruler.add_patterns(span_ruler_patterns(book, lang="id", nlp=pipes["id"]))
    text = "Ada surat, kuasa dan Surat  Kuasa, surat\nkuasa tapi bukan suratkuasa."
    doc = ruler(pipes["id"].make_doc(text))
    found = [(s.start_char, s.end_char) for s in doc.spans["ruler"]]
    matcher = qualkit.coding.matcher.compile_codebook(book, cache_dir=None)
    assert found == [(m.start, m.end) for m in matcher.match_text(text, lang="id")] == [(21, 33), (35, 46)]


def test_language_without_a_spacy_class_falls_back_to_multilanguage():
    doc = Document(id="x.txt", text="Mbok menawa wedi.", language="zz")
    corpus = Corpus((doc,), (Passage("x.txt", "x.txt#p1", 0, len(doc.text), doc.text),))
    codings = codings_frame([{"passage_id": "x.txt#p1", "doc_id": "x.txt", "code_id": "fear",
                              "start": 12, "end": 16, "coder": "AB", "method": "manual"}])
    docs = to_spacy(corpus, codings)
    assert docs[0].lang_ == "xx" and [s.text for s in docs[0].spans["qualkit"]] == ["wedi"]
    assert_same_codings(from_spacy(docs), codings)

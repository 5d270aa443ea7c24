"""Reduction: select_codings, merge_evidence, representative_quotes."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit import Corpus, Document, Passage
from qualkit.analysis import EXTRACT_COLUMNS, QUOTE_COLUMNS, merge_evidence, representative_quotes, select_codings
from qualkit.coding.frame import codings_frame
from qualkit.errors import QualkitError

from analysis_fixtures import build_codebook, build_corpus, coding

V = "interviews/victim_01.txt"


def test_extracts_have_the_documented_columns_and_facets(corpus, book, codings):
    ex = select_codings(codings, corpus, book)
    assert tuple(ex.columns) == (*EXTRACT_COLUMNS, "factor", "level", "stage")
    row = ex[ex["code_id"] == "gov"].iloc[0]
    assert row["factor"] == "supporting" and row["level"] == "organisation"  # inherited


def test_quote_is_the_passage_text_at_its_offsets(corpus, book, codings):
    ex = select_codings(codings, corpus, book)
    for r in ex.itertuples():
        text = corpus.document(r.doc_id).text
        assert text[r.quote_start:r.quote_end] == r.quote
        assert r.quote_start <= r.start <= r.end <= r.quote_end


def test_interviewer_words_are_dropped_unless_asked(corpus, book, codings):
    ex = select_codings(codings, corpus, book)
    assert "interviewer" not in set(ex["role"].dropna())
    assert f"{V}#p3" not in set(ex["passage_id"])
    with_int = select_codings(codings, corpus, book, include_interviewer=True)
    assert f"{V}#p3" in set(with_int["passage_id"])
    assert len(with_int) == len(ex) + 1


def test_filters_by_code_subtree_facets_and_documents(corpus, book, codings):
    assert set(select_codings(codings, corpus, book, codes="org_support")["code_id"]) == {"gov"}
    sup = select_codings(codings, corpus, book, facets={"factor": "supporting"})
    assert set(sup["code_id"]) == {"gov", "courage"}
    both = select_codings(codings, corpus, book, facets={"factor": ["supporting", "inhibiting"],
                                                          "level": "individual"})
    assert set(both["code_id"]) == {"courage", "fear"}
    obs = select_codings(codings, corpus, book, source_types="observation")
    assert set(obs["source_type"]) == {"observation"}
    victims = select_codings(codings, corpus, book, informant_groups=["victim"])
    assert set(victims["doc_id"]) == {V}
    assert set(select_codings(codings, corpus, book, cases="c2")["case_id"]) == {"c2"}


@pytest.mark.parametrize("kwargs, words", [
    ({"codes": ["nope"]}, "nope"),
    ({"facets": {"colour": "red"}}, "colour"),
    ({"facets": {"factor": "neutral"}}, "neutral"),
    ({"source_types": "survey"}, "survey"),
])
def test_bad_filters_are_named(corpus, book, codings, kwargs, words):
    with pytest.raises(QualkitError, match=words):
        select_codings(codings, corpus, book, **kwargs)


def test_unknown_codes_and_passages_are_reported(corpus, book, codings):
    bad = codings_frame([{**coding(corpus, f"{V}#p2", "fear", "takut"), "code_id": "ghost"}])
    with pytest.raises(QualkitError, match="ghost"):
        select_codings(bad, corpus, book)
    lost = codings_frame([{**coding(corpus, f"{V}#p2", "fear", "takut"), "passage_id": f"{V}#p99"}])
    with pytest.raises(QualkitError, match="p99"):
        select_codings(lost, corpus, book)
    with pytest.raises(QualkitError, match="not in codebook"):
        select_codings(bad.assign(code_id=None), corpus, book)
    with pytest.raises(QualkitError, match="not in the corpus"):
        select_codings(lost.assign(passage_id=None), corpus, book)


def test_no_codings_gives_an_empty_frame_with_columns(corpus, book, codings):
    ex = select_codings(codings.iloc[0:0], corpus, book)
    assert ex.empty and tuple(ex.columns)[: len(EXTRACT_COLUMNS)] == EXTRACT_COLUMNS


def test_manual_coding_beyond_its_passage_widens_the_quote(corpus, book):
    p2 = next(p for p in corpus.passages if p.id == f"{V}#p2")
    row = {**coding(corpus, f"{V}#p2", "fear"), "end": p2.end + 5, "method": "manual", "coder": "rina"}
    ex = select_codings(codings_frame([row]), corpus, book)
    assert ex.loc[0, "quote_end"] == p2.end + 5
    assert corpus.document(V).text[ex.loc[0, "quote_start"]:ex.loc[0, "quote_end"]] == ex.loc[0, "quote"]



def test_extracts_do_not_depend_on_the_codings_order_or_dtypes(corpus, book, codings):
    codings = codings.assign(spans=codings["spans"].where(codings["code_id"] != "gov", ""))
    want = select_codings(codings, corpus, book, include_interviewer=True)
    shuffled = codings.sample(frac=1, random_state=1)  # unsorted, with a shuffled index
    as_text = shuffled.astype({c: "str" for c in ("passage_id", "doc_id", "spans", "coder", "method")})
    as_text.loc[as_text["spans"] == "", "spans"] = None  # missing spans read as ""
    for given in (shuffled, as_text, shuffled.astype({"start": "int32"})):  # the last is validated
        pd.testing.assert_frame_equal(select_codings(given, corpus, book, include_interviewer=True), want)


def test_extracts_put_a_missing_coder_last(corpus, book):
    rows = [{**coding(corpus, f"{V}#p2", "fear", "takut"), "coder": coder, "method": "manual"}
            for coder in (None, "rina", "ani")]
    for given in (rows, rows[::-1]):
        ex = select_codings(codings_frame(given), corpus, book)
        assert ex["coder"].tolist()[:2] == ["ani", "rina"] and pd.isna(ex["coder"].iloc[2])

# -- merge_evidence ---------------------------------------------------------------------

def _sentence_corpus() -> Corpus:
    text = "Saya takut. Mereka mengancam. Lalu kami lari.\n\nJauh kemudian, takut lagi."
    doc = Document(id="n.txt", text=text, source_type="observation")
    cuts = [(0, 11), (12, 29), (30, 45), (47, 73)]
    ps = tuple(Passage(doc_id="n.txt", id=f"n.txt#p{i}", start=s, end=e).with_text(doc)
               for i, (s, e) in enumerate(cuts, start=1))
    return Corpus(documents=(doc,), passages=ps)


def test_adjacent_spans_of_one_code_merge():
    corpus, book = _sentence_corpus(), build_codebook()
    rows = [coding(corpus, f"n.txt#p{i}", "fear") for i in (1, 2, 4)]
    rows += [coding(corpus, f"n.txt#p{i}", "courage") for i in (3, 4)]
    ex = select_codings(codings_frame(rows), corpus, book)
    merged = merge_evidence(ex, corpus=corpus, max_gap=1)
    fear = merged[merged["code_id"] == "fear"].reset_index(drop=True)
    assert len(fear) == 2  # p1+p2 merged; p4 is 2 characters away
    assert fear.loc[0, "quote"] == "Saya takut. Mereka mengancam."
    assert fear.loc[0, "passage_id"] == "n.txt#p1;n.txt#p2"
    assert fear.loc[0, "n_merged"] == 2 and fear.loc[0, "spans"] == "0-11;12-29"
    assert len(merged[merged["code_id"] == "courage"]) == 2  # p3 and p4 are 2 characters apart
    wider = merge_evidence(ex, corpus=corpus, max_gap=2)
    assert len(wider.query("code_id == 'courage'")) == 1
    assert wider.query("code_id == 'courage'").iloc[0]["quote"] == corpus.document("n.txt").text[30:73]
    assert len(wider.query("code_id == 'fear'")) == 2  # p2 and p4 are far apart
    spliced = merge_evidence(ex, max_gap=1)  # without the corpus: gaps shown as spaces
    assert spliced.query("code_id == 'fear'").iloc[0]["quote"] == "Saya takut. Mereka mengancam."


intervals = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12)), min_size=1, max_size=12)


@settings(max_examples=20, deadline=None)
@given(intervals, st.integers(0, 3))
def test_merging_covers_the_same_characters_with_separated_spans(spans, gap):
    text = "".join(chr(ord("a") + i % 26) for i in range(80))
    doc = Document(id="h.txt", text=text, source_type="document")
    ps = tuple(Passage(doc_id="h.txt", id=f"h.txt#p{i}", start=s, end=s + n).with_text(doc)
               for i, (s, n) in enumerate(spans))
    corpus, book = Corpus(documents=(doc,), passages=ps), build_codebook()
    ex = select_codings(codings_frame([coding(corpus, p.id, "fear") for p in ps]), corpus, book)
    merged = merge_evidence(ex, max_gap=gap).sort_values("quote_start")
    covered = {i for s, n in spans for i in range(s, s + n)}
    assert {i for r in merged.itertuples() for i in range(r.quote_start, r.quote_end)} >= covered
    assert merged["n_merged"].sum() == len(spans)
    bounds = list(zip(merged["quote_start"], merged["quote_end"]))
    for (s1, e1), (s2, e2) in zip(bounds, bounds[1:]):
        assert s2 > e1 + gap
    for r in merged.itertuples():  # spliced text equals the document where nothing is missing
        assert all(r.quote[i - r.quote_start] == text[i] for i in covered if r.quote_start <= i < r.quote_end)


# -- representative_quotes ---------------------------------------------------------------

def _diverse_corpus():
    spec = [
        ("i/v1.txt", "interview", "victim", "c1", [
            ("informant", "K", "KBRI membantu kami."),
            ("informant", "K", "KBRI datang lagi ke penampungan dan membawa makanan untuk semua orang yang ada di sana."),
            ("informant", "K", "KBRI juga menelepon keluarga kami di kampung untuk memberi kabar bahwa kami selamat."),
        ]),
        ("i/f1.txt", "interview", "family", "c1", [
            ("interviewer", "P", "Apakah KBRI menghubungi Ibu? Ceritakan dengan lengkap bagaimana kejadiannya waktu itu."),
            ("informant", "K", "Ya, KBRI menelepon saya."),
        ]),
        ("o/o1.txt", "observation", None, "c1", [
            (None, None, "Staf menelepon KBRI dan mencatat hasil koordinasi di buku kasus."),
        ]),
    ]
    return build_corpus(spec)


def test_quotes_are_diverse_across_groups_sources_and_documents():
    corpus, book = _diverse_corpus(), build_codebook()
    rows = [coding(corpus, p.id, "gov", "KBRI") for p in corpus.passages]
    ex = select_codings(codings_frame(rows), corpus, book, include_interviewer=True)
    quotes = representative_quotes(ex, per_code=3)
    assert tuple(quotes.columns) == QUOTE_COLUMNS
    assert quotes["rank"].tolist() == [1, 2, 3]
    assert set(quotes["doc_id"]) == {"i/v1.txt", "i/f1.txt", "o/o1.txt"}
    family = quotes[quotes["doc_id"] == "i/f1.txt"].iloc[0]
    assert family["role"] == "informant"  # the informant, not the longer interviewer turn
    victim = quotes[quotes["doc_id"] == "i/v1.txt"].iloc[0]
    assert victim["quote"] != "KBRI membantu kami."  # a mid-length quote beats a very short one
    for r in quotes.itertuples():
        assert corpus.document(r.doc_id).text[r.start:r.end] == r.quote


def test_quotes_are_deterministic_whatever_the_row_order():
    corpus, book = _diverse_corpus(), build_codebook()
    rows = [coding(corpus, p.id, "gov", "KBRI") for p in corpus.passages]
    ex = select_codings(codings_frame(rows), corpus, book)
    shuffled = ex.sample(frac=1.0, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(representative_quotes(ex, per_code=2),
                                  representative_quotes(shuffled, per_code=2))


def test_long_quotes_are_cut_around_the_evidence_with_provenance():
    words = " ".join(f"kata{i}" for i in range(120))
    text = f"{words} takut sekali {words}"
    doc = Document(id="l.txt", text=text, source_type="interview", informant_group="victim")
    p = Passage(doc_id="l.txt", id="l.txt#p1", start=0, end=len(text), role="informant").with_text(doc)
    corpus, book = Corpus(documents=(doc,), passages=(p,)), build_codebook()
    ex = select_codings(codings_frame([coding(corpus, "l.txt#p1", "fear", "takut")]), corpus, book)
    q = representative_quotes(ex, max_chars=80).iloc[0]
    assert len(q["quote"]) <= 80 and q["quote"].startswith("…") and q["quote"].endswith("…")
    assert "takut" in q["quote"]
    assert text[q["start"]:q["end"]] == q["quote"].strip("…")


def test_quote_parameters_are_checked(corpus, book, codings):
    ex = select_codings(codings, corpus, book)
    with pytest.raises(QualkitError, match="per_code"):
        representative_quotes(ex, per_code=0)

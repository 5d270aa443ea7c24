"""Matcher fixes of issue 16.5, built from the issue's own sentences: negation inside
proximity windows and after the term (English), regex anchors at passage bounds, and
regex cues under a time limit."""

from __future__ import annotations

import time

import pytest

import qualkit
from qualkit.codebook.model import Code, Codebook, Cue
from qualkit.coding.matcher import compile_codebook
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import CodebookError


def en_book(*codes):
    return Codebook(name="t", languages=("en",), codes=codes)


CLEAR = Code(id="clear_useful", name="Clear and useful",
             cues=(Cue("lineage", lang="en", kind="near", near="clear|useful", window=5),))


def test_a_negator_inside_the_near_window_negates_the_pair():
    m = compile_codebook(en_book(CLEAR), cache_dir=None)
    assert m.codes_in("The data lineage is not clear.", lang="en") == set()
    assert m.codes_in("The data lineage is clear.", lang="en") == {"clear_useful"}
    assert m.codes_in("The lineage was clear and it is not a problem.", lang="en") == {"clear_useful"}


def test_a_negator_inside_the_window_also_negates_in_reverse_order():
    m = compile_codebook(en_book(CLEAR), cache_dir=None)
    assert m.codes_in("It was useful, not the lineage", lang="en") == set()


@pytest.mark.parametrize("text", ["The data is not clear.", "The data was not useful.",
                                  "The data isn't clear.", "The data was never useful."])
def test_english_negation_after_the_term(text):
    m = compile_codebook(en_book(Code(id="data", name="d", cues=(Cue("data", lang="en"),)),
                                 Code(id="cu", name="c", cues=(Cue("clear|useful", lang="en"),))),
                         cache_dir=None)
    assert m.codes_in(text, lang="en") == set()
    assert m.codes_in(text.replace("not ", "").replace("n't", "").replace("never ", ""),
                      lang="en") == {"data", "cu"}


def test_postposed_negation_is_english_only_and_needs_a_copula():
    m = compile_codebook(Codebook(name="t", languages=("id", "en"), codes=(
        Code(id="data", name="d", cues=(Cue("data", lang="any"),)),)), cache_dir=None)
    assert m.codes_in("The data, not the story.", lang="en") == {"data"}   # no copula
    assert m.codes_in("data is not clear", lang="id") == {"data"}          # not English


def test_negation_allow_and_only_see_the_new_scope():
    only = Code(id="neg", name="n", negation="only",
                cues=(Cue("lineage", lang="en", kind="near", near="clear", window=5),))
    m = compile_codebook(en_book(only), cache_dir=None)
    assert m.codes_in("The data lineage is not clear.", lang="en") == {"neg"}
    assert m.codes_in("The data lineage is clear.", lang="en") == set()


def two_passage_corpus(texts):
    doc_text = "\n".join(texts)
    doc = Document(id="d.txt", text=doc_text, source_type="document", language="en")
    passages, start = [], 0
    for i, t in enumerate(texts, 1):
        passages.append(Passage("d.txt", f"d.txt#p{i}", start, start + len(t), t))
        start += len(t) + 1
    return Corpus((doc,), tuple(passages))


def test_regex_anchors_match_at_passage_bounds():
    corpus = two_passage_corpus(["Yes we did.", "Yes, and more.", "I said yes"])
    book = en_book(Code(id="starts", name="s", cues=(Cue("^yes", lang="en", kind="regex"),)),
                   Code(id="ends", name="e", cues=(Cue(r"yes$", lang="en", kind="regex"),)))
    codings = qualkit.code(corpus, book, cache_dir=None)
    got = sorted(zip(codings["passage_id"], codings["code_id"]))
    assert got == [("d.txt#p1", "starts"), ("d.txt#p2", "starts"), ("d.txt#p3", "ends")]
    # the same as matching each passage alone (what codebook check does with examples)
    m = compile_codebook(book, cache_dir=None)
    alone = sorted((p.id, c) for p in corpus.passages for c in m.codes_in(p.text, lang="en"))
    assert got == alone


def test_the_issue_regex_no_longer_hangs():
    book = en_book(Code(id="bomb", name="b", cues=(Cue("(a+)+$", lang="en", kind="regex"),)))
    corpus = two_passage_corpus(["a" * 40 + "!", "aaa"])
    t0 = time.perf_counter()
    codings = qualkit.code(corpus, book, cache_dir=None)
    assert time.perf_counter() - t0 < 10
    assert codings["passage_id"].tolist() == ["d.txt#p2"]


def test_a_catastrophic_regex_stops_with_an_error_naming_the_code_and_line():
    book = en_book(Code(id="bomb", name="b", cues=(Cue("(a|aa)+$", lang="en", kind="regex", line=7),)))
    corpus = two_passage_corpus(["a" * 60 + "!"])
    t0 = time.perf_counter()
    with pytest.raises(CodebookError) as err:
        qualkit.code(corpus, book, cache_dir=None)
    assert time.perf_counter() - t0 < 30
    assert "line 7" in str(err.value) and "bomb" in str(err.value) and "(a|aa)+$" in str(err.value)


def test_a_negator_in_another_clause_does_not_negate_the_pair():
    m = compile_codebook(en_book(CLEAR), cache_dir=None)
    assert m.codes_in("It was not easy, but the lineage is clear.", lang="en") == {"clear_useful"}
    assert m.codes_in("The lineage, no. It is clear.", lang="en") == {"clear_useful"}


def test_negators_that_are_part_of_a_side_do_not_negate_the_pair():
    book = Codebook(name="t", codes=(Code(id="docs", name="d", cues=(
        Cue("paspor", kind="near", near="tidak ada|tahan", window=4),)),))
    m = compile_codebook(book, cache_dir=None)
    assert m.codes_in("Paspor saya tidak ada.") == {"docs"}
    assert m.codes_in("Paspor saya tidak ditahan.") == set()


def test_a_word_that_only_stems_to_a_negator_does_not_negate_the_pair():
    book = Codebook(name="t", codes=(Code(id="gov", name="g", cues=(
        Cue("kbri", kind="near", near="terbit", window=6),)),))
    m = compile_codebook(book, cache_dir=None)       # "sebelum" (before) stems to "belum" (not yet)
    assert m.codes_in("KBRI perlu memverifikasi identitas sebelum menerbitkan paspor.") == {"gov"}
    assert m.codes_in("KBRI belum menerbitkan paspor.") == set()

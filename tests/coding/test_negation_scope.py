"""Negation scope: double negatives, negative verbs, pseudo-negation and clauses, in
Indonesian and English, through the public API (a small synthetic corpus coded with a
codebook; which passages get the code)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qualkit
from qualkit.codebook.model import Code, Codebook, Cue
from qualkit.coding.matcher import compile_codebook
from qualkit.coding.negation import (NEGATION_WORDS, NEGATOR, NegationLexicon, negation_words,
                                     read_negation_words)
from qualkit.coding.tokens import Stemmer
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import QualkitError

BOOK = Codebook(name="scope", languages=("id", "en"), codes=(
    Code(id="report", name="Reporting", cues=(Cue("lapor"), Cue("report", lang="en"))),
    Code(id="attend", name="Attending", cues=(Cue("hadir"), Cue("school", lang="en"))),
    Code(id="possible", name="Possible", cues=(Cue("mungkin"),)),
    Code(id="support", name="Support", cues=(Cue("dukung"), Cue("support|hope", lang="en"))),
    Code(id="help", name="Help", cues=(Cue("bantu|pulang"), Cue("help|home", lang="en"))),
))

# (sentence, the code it is about, coded?) -- synthetic sentences
INDONESIAN = [
    ("Dia melapor ke polisi.", "report", True),
    ("Dia tidak melapor ke polisi.", "report", False),
    ("Dia belum pernah melapor.", "report", False),
    ("Dia tidak lagi melapor.", "report", False),
    ("Dia tidak berhenti melapor.", "report", True),           # did not stop reporting
    ("Dia tidak mau berhenti melapor.", "report", True),       # transparent 'mau' between
    ("Dia tidak pernah gagal melapor.", "report", True),
    ("Saya tidak pernah tidak hadir.", "attend", True),        # never absent
    ("Bukan tidak mungkin.", "possible", True),                # not impossible
    ("Dia berhenti melapor.", "report", False),                # stopped: not reporting now
    ("Dia gagal melapor.", "report", False),
    ("Dia gagal mendapatkan bantuan.", "help", False),         # failed to get help
    ("Dia tidak pernah gagal mendapatkan bantuan.", "help", True),
    ("Dia berhenti, lalu melapor.", "report", True),           # the verb does not reach
    ("Dia menyerah lalu pulang.", "help", True),               # 'lalu' ends the reach
    ("Tidak, tidak pernah melapor.", "report", False),         # a comma breaks the chain
    ("Tidak berhenti, tidak melapor.", "report", False),
    ("Tidak. Berhenti melapor.", "report", False),
    ("Dia tidak hanya melapor.", "report", True),              # not only = also
    ("Setidaknya dia melapor.", "report", True),               # 'at least' is no negator
    ("Sebelum melapor dia takut.", "report", True),            # 'before' is no negator
    ("Tanpa dukungan keluarga.", "support", False),
    ("Tidak tanpa dukungan keluarga.", "support", True),
]
ENGLISH = [
    ("She reported it.", "report", True),
    ("She did not report it.", "report", False),
    ("She never reported it.", "report", False),
    ("She never stopped reporting.", "report", True),
    ("She did not ever stop reporting.", "report", True),
    ("They never gave up hope.", "support", True),
    ("It was not without support.", "support", True),
    ("He didn't fail to report it.", "report", True),
    ("She stopped reporting.", "report", False),
    ("She failed to report it.", "report", False),
    ("They gave up hope.", "support", False),
    ("She stopped to report it.", "report", True),             # stopped in order to
    ("She failed to get help.", "help", False),
    ("She stopped sending help.", "help", False),
    ("She never once failed to get help.", "help", True),
    ("She stopped going to school.", "attend", True),           # 'to' ends the reach
    ("They gave up and went home.", "help", True),
    ("Those who refused were at school.", "attend", True),
    ("She never stopped not reporting.", "report", False),     # three: negated again
    ("Not really. Never reported it.", "report", False),       # no chain across sentences
    ("Not clear and not reported.", "report", False),          # other words between
    ("No food no support.", "support", False),
    ("She not only reported it.", "report", True),
    ("It was hard to report.", "report", True),                # 'hardly' stems to 'hard'
    ("The support was not good.", "support", False),           # postposed negation
    ("The support was not without problems.", "support", True),
]


def corpus_of(rows, lang):
    texts = [t for t, _, _ in rows]
    doc = Document(id=f"{lang}.txt", text="\n".join(texts), source_type="document", language=lang)
    passages, start = [], 0
    for i, t in enumerate(texts, 1):
        passages.append(Passage(doc.id, f"{doc.id}#p{i}", start, start + len(t), t))
        start += len(t) + 1
    return Corpus((doc,), tuple(passages))


@pytest.mark.parametrize("rows, lang", [(INDONESIAN, "id"), (ENGLISH, "en")], ids=["id", "en"])
def test_which_passages_get_the_code(rows, lang):
    codings = qualkit.code(corpus_of(rows, lang), BOOK, cache_dir=None)
    got = set(zip(codings["passage_id"], codings["code_id"]))
    wrong = [(text, code, coded) for i, (text, code, coded) in enumerate(rows, 1)
             if ((f"{lang}.txt#p{i}", code) in got) != coded]
    assert wrong == []


def test_negation_only_sees_the_flip():
    only = Codebook(name="o", codes=(Code(id="stopped", name="s", negation="only", cues=(Cue("lapor"),)),))
    m = compile_codebook(only, cache_dir=None)
    assert m.codes_in("Dia berhenti melapor.") == {"stopped"}
    assert m.codes_in("Dia tidak berhenti melapor.") == set()


def test_a_codebooks_own_negators_keep_the_language_rules():
    own = Codebook(name="o", negators={"id": ("tidak",)},
                   codes=(Code(id="r", name="r", cues=(Cue("lapor"),)),))
    m = compile_codebook(own, cache_dir=None)
    assert m.codes_in("bukan melapor") == {"r"}               # not in the codebook's list
    assert m.codes_in("tidak melapor") == set()
    assert m.codes_in("tidak berhenti melapor") == {"r"}
    assert m.codes_in("berhenti melapor") == set()


def test_near_cues_see_double_negatives():
    clear = Codebook(name="n", languages=("en",), codes=(Code(id="clear", name="c", cues=(
        Cue("lineage", lang="en", kind="near", near="clear", window=5),)),))
    m = compile_codebook(clear, cache_dir=None)
    assert m.codes_in("The lineage is not clear.", lang="en") == set()
    assert m.codes_in("The lineage is never not clear.", lang="en") == {"clear"}
    assert m.codes_in("The lineage is not only clear.", lang="en") == {"clear"}


def test_the_window_still_bounds_a_negator():
    narrow = Codebook(name="w", negation_window=1, codes=(Code(id="r", name="r", cues=(Cue("lapor"),)),))
    m = compile_codebook(narrow, cache_dir=None)
    assert m.codes_in("tidak pernah melapor") == {"r"}
    assert m.codes_in("tidak melapor") == set()


# -- properties -------------------------------------------------------------------------

MATCHER = compile_codebook(BOOK, cache_dir=None)
CUE_WORD = {"id": "melapor", "en": "reporting"}


@st.composite
def chains(draw, lang):
    """A run of negation words before the cue, transparent words sometimes between."""
    words = negation_words(lang)
    n = draw(st.integers(0, 3))
    parts = []
    for i in range(n):
        if i and draw(st.booleans()):
            parts.append(draw(st.sampled_from(words.transparent)))
        parts.append(draw(st.sampled_from(words.negators)))
    verb = draw(st.sampled_from([v for v in words.negative_verbs if " " not in v] + [None]))
    if verb is not None:
        parts.append(verb)      # a negative verb reaches the next word: right before the cue
    return parts, n + (verb is not None)


@pytest.mark.parametrize("lang", ["id", "en"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_cue_is_negated_by_an_odd_chain(lang, data):
    parts, length = data.draw(chains(lang))
    text = " ".join(parts + [CUE_WORD[lang]])
    assert ("report" in MATCHER.codes_in(text, lang=lang)) == (length % 2 == 0), text


@pytest.mark.parametrize("lang", ["id", "en"])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_full_stop_cuts_the_chain(lang, data):
    before, _ = data.draw(chains(lang))
    neg = data.draw(st.sampled_from(negation_words(lang).negators))
    text = " ".join(before) + ". " + neg + " " + CUE_WORD[lang]
    assert "report" not in MATCHER.codes_in(text, lang=lang), text


# -- the word lists ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", sorted(NEGATION_WORDS))
def test_word_lists_do_not_contradict_each_other(lang):
    words = negation_words(lang)
    negating = set(words.negators) | {v.split()[0] for v in words.negative_verbs}
    assert not negating & set(words.transparent)
    assert not negating & set(words.pseudo)
    assert not negating & set(words.scope_breaks)
    assert not set(words.negators) & set(words.not_negators)
    lex = NegationLexicon(lang, stem=Stemmer(lang, cache_dir=None).stem)
    stem = Stemmer(lang, cache_dir=None).stem
    assert [w for w in words.transparent + words.pseudo if lex.classify(w, stem(w))[0] & NEGATOR] == []


def test_both_languages_are_bundled():
    assert {"id", "en"} <= set(NEGATION_WORDS)
    assert negation_words("fr").negators == ()


@pytest.mark.parametrize("content, message", [
    ("negators: [tidak]\nnegatives: [x]\n", "unknown key(s) negatives"),
    ("negators: [not, no]\n", "'negators' must be a list of words"),   # YAML reads no as false
    ("negators: tidak\n", "'negators' must be a list of words"),
    ("- tidak\n", "must map list names"),
    ("negators: [tidak\n", "cannot read negation words"),
])
def test_a_bad_word_list_names_the_file_and_what_to_do(tmp_path, content, message):
    path = tmp_path / "xx.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QualkitError) as err:
        read_negation_words(path)
    assert message in str(err.value) and str(path) in str(err.value) and "What to do" in str(err.value)


def test_a_good_word_list_reads(tmp_path):
    path = tmp_path / "xx.yaml"
    path.write_text("negators: [Nope]\nnegative_verbs: [halt, give in]\n", encoding="utf-8")
    words = read_negation_words(path)
    assert (words.language, words.negators, words.negative_verbs, words.copulas) == (
        "xx", ("nope",), ("halt", "give in"), ())

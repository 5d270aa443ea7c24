"""The compiled matcher: nested cues, negation, proximity, exclusion, regex, languages."""

from __future__ import annotations

import pickle

import pytest

from qualkit.codebook.model import Code, Codebook, Cue
from qualkit.coding.matcher import compile_codebook


def book(*codes, **kw):
    return Codebook(name="t", codes=codes, **kw)


def hits(matcher, text, lang="id"):
    return [(m.code_id, text[m.start:m.end], m.negated) for m in matcher.match_text(text, lang=lang)]


def test_nested_and_overlapping_cues_all_count():
    m = compile_codebook(book(
        Code(id="school_cost", name="c", cues=(Cue("biaya sekolah anak"),)),
        Code(id="school", name="s", cues=(Cue("sekolah"),)),
    ), cache_dir=None)
    assert hits(m, "Biaya sekolah anak mahal.") == [
        ("school_cost", "Biaya sekolah anak", False), ("school", "sekolah", False)]
    assert m.codes_in("biaya sekolah anak") == {"school_cost", "school"}


def test_stem_exact_and_prefix_matching():
    m = compile_codebook(book(
        Code(id="stem", name="s", cues=(Cue("takut"),)),
        Code(id="exact", name="e", cues=(Cue("takut", match="exact"),)),
        Code(id="prefix", name="p", cues=(Cue("ancam", match="prefix"),)),
    ), cache_dir=None)
    assert m.codes_in("Dia ketakutan") == {"stem"}
    assert m.codes_in("Dia TAKUT") == {"stem", "exact"}
    assert m.codes_in("ancaman itu") == {"prefix"}
    assert m.codes_in("diancam") == set()          # prefix means the token starts with it


def test_negation_skip_allow_only():
    cue = Cue("takut")
    m = compile_codebook(book(
        Code(id="skip", name="s", cues=(cue,)),
        Code(id="allow", name="a", cues=(cue,), negation="allow"),
        Code(id="only", name="o", cues=(cue,), negation="only"),
    ), cache_dir=None)
    assert m.codes_in("Saya takut") == {"skip", "allow"}
    assert m.codes_in("Saya tidak takut") == {"allow", "only"}
    assert m.codes_in("Saya tidak pernah lagi merasa takut") == {"skip", "allow"}  # outside the window of 3
    assert m.codes_in("I am not afraid", lang="en") == set()   # no English cue at all


def test_negation_window_and_custom_negators():
    code = Code(id="f", name="f", cues=(Cue("takut"),))
    m = compile_codebook(book(code, negation_window=5, negators={"id": ("mustahil",)}), cache_dir=None)
    assert m.codes_in("mustahil saya bisa merasa takut") == set()
    assert m.codes_in("tidak takut") == {"f"}          # custom list replaces the defaults


def test_near_rule_within_window_either_order():
    m = compile_codebook(book(Code(id="phone", name="p", cues=(
        Cue("hp|ponsel", kind="near", near="sita|rampas", window=3),
        Cue("phone", lang="en", kind="near", near="confiscated|taken", window=4),
    ))), cache_dir=None)
    assert m.codes_in("HP saya disita") == {"phone"}
    assert m.codes_in("mereka merampas ponsel kami") == {"phone"}
    assert m.codes_in("HP saya sudah lama sekali tidak pernah disita") == set()
    assert m.codes_in("our phones were confiscated", lang="en") == {"phone"}
    assert m.codes_in("HP saya disita", lang="en") == set()     # Indonesian cue, English passage
    [mention] = m.match_text("Lalu HP saya disita.", lang="id")
    assert (mention.start, mention.end) == (5, 19)


def test_exclusion_cue_removes_the_code_from_the_passage():
    m = compile_codebook(book(Code(id="media", name="m", cues=(
        Cue("media", match="exact"), Cue("media sosial", exclude=True)))), cache_dir=None)
    assert m.codes_in("wartawan media nasional") == {"media"}
    assert m.codes_in("iklan di media sosial") == set()
    assert [x.exclusion for x in m.match_text("iklan di media sosial")] == [False, True]


def test_regex_cue_case_and_offsets():
    m = compile_codebook(book(
        Code(id="law", name="l", cues=(Cue(r"UU\s*(No\.?\s*)?21", kind="regex", case=True),)),
        Code(id="any", name="a", cues=(Cue(r"\bkbri\b", kind="regex", lang="any"),)),
    ), cache_dir=None)
    assert hits(m, "menurut UU 21 Tahun 2007") == [("law", "UU 21", False)]
    assert m.codes_in("menurut uu 21") == set()
    assert m.codes_in("the KBRI helped", lang="en") == {"any"}


def test_matches_never_cross_passages():
    m = compile_codebook(book(Code(id="c", name="c", cues=(Cue("biaya sekolah"),),)), cache_dir=None)
    lm = m.for_language("id")
    res = lm.match(["uang biaya", "sekolah anak", "biaya sekolah"], 3)
    assert res["passage"].tolist() == [2]
    assert (res["start"].tolist(), res["end"].tolist()) == ([0], [13])


def test_reuse_compiles_only_changed_codes_and_pickles():
    a = Code(id="a", name="a", cues=(Cue("takut"),))
    b = Code(id="b", name="b", cues=(Cue("sita"),))
    first = compile_codebook(book(a, b), cache_dir=None)
    first.codes_in("takut")
    assert first.compiled_codes == 2
    changed = Code(id="b", name="b", cues=(Cue("rampas"),))
    second = compile_codebook(book(a, changed), cache_dir=None, reuse=first)
    assert second.codes_in("dirampas dan takut") == {"a", "b"}
    assert second.compiled_codes == 1
    clone = pickle.loads(pickle.dumps(second))
    assert clone.codes_in("ketakutan") == {"a"}


@pytest.mark.parametrize("lang", ["de", "xx"])
def test_other_languages_apply_only_their_own_and_any_cues(lang):
    m = compile_codebook(book(Code(id="c", name="c", cues=(Cue("takut"), Cue("angst", lang="any")))),
                         cache_dir=None)
    assert m.codes_in("takut Angst", lang=lang) == {"c"}
    assert [x.cue for x in m.match_text("takut Angst", lang=lang)] == ["angst"]


def test_phrases_never_cross_punctuation_but_cross_any_whitespace():
    m = compile_codebook(book(Code(id="c", name="c", cues=(Cue("kata kata", match="exact"),))),
                         cache_dir=None)
    assert m.codes_in("kata kata") == {"c"}
    assert m.codes_in("kata \n  kata") == {"c"}
    assert m.codes_in("kata. Kata") == set()
    assert m.codes_in("kata,kata") == set()
    assert m.codes_in("kata-kata") == set()          # one reduplicated token


def test_matches_agree_with_a_token_by_token_reference():
    """Word, stem, prefix and phrase cues against a plain loop over tokenize()."""
    from qualkit.coding.tokens import Stemmer, tokenize

    m = compile_codebook(book(
        Code(id="stem", name="s", cues=(Cue("takut"), Cue("sita paspor"))),
        Code(id="exact", name="e", cues=(Cue("saya", match="exact"),)),
        Code(id="prefix", name="p", cues=(Cue("anc", match="prefix"),)),
    ), cache_dir=None)
    st = Stemmer("id", cache_dir=None)
    text = ("Saya ketakutan; mereka menyita paspor saya. Ancaman itu menakutkan, SAYA takut-takut. "
            "Disita. Paspor saya disita paspornya ÉTÉ ß İstanbul ancam")
    toks = tokenize(text)
    expected = []
    for i, (s, e, norm) in enumerate(toks):
        if st.stem(norm) == "takut":
            expected.append(("stem", s, e))
        if i + 1 < len(toks) and st.stem(norm) == "sita" and st.stem(toks[i + 1][2]) == "paspor" \
                and text[e:toks[i + 1][0]].isspace():
            expected.append(("stem", s, toks[i + 1][1]))
        if norm == "saya":
            expected.append(("exact", s, e))
        if norm.startswith("anc"):
            expected.append(("prefix", s, e))
    got = [(x.code_id, x.start, x.end) for x in m.match_text(text)]
    assert sorted(got) == sorted(expected)


def test_a_matcher_that_has_matched_english_and_indonesian_still_pickles():
    import pickle

    from qualkit.codebook.model import Code, Codebook, Cue
    from qualkit.coding.matcher import compile_codebook

    book = Codebook(name="d", codes=(Code(id="fear", name="Fear", cues=(Cue("afraid", lang="en"), Cue("takut"))),))
    matcher = compile_codebook(book, cache_dir=None)
    assert matcher.codes_in("I was afraid", lang="en") == {"fear"}
    assert matcher.codes_in("Saya ketakutan", lang="id") == {"fear"}
    restored = pickle.loads(pickle.dumps(matcher))
    assert restored.codes_in("They were afraid", lang="en") == {"fear"}
    assert restored.codes_in("Dia takut", lang="id") == {"fear"}

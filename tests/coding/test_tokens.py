"""Tokens and stemmers: offsets, reduplication, stems, the on-disk cache."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from qualkit.coding.tokens import STEM_RULES, Stemmer, split_tokens, stemmer_version, surface, tokenize


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_token_offsets_point_into_the_text(text):
    for start, end, norm in tokenize(text):
        assert text[start:end].casefold() == norm
        assert 0 <= start < end <= len(text)


@given(st.text(max_size=80))
def test_split_tokens_concatenates_back(text):
    pieces = split_tokens(text)
    assert "".join(pieces) == text
    assert [p.casefold() for p in pieces[1::2]] == [t[2] for t in tokenize(text)]


def test_reduplication_is_one_token_and_stems_to_its_root():
    toks = tokenize("Kami ditakut-takuti, anak-anak menangis.")
    assert [t[2] for t in toks] == ["kami", "ditakut-takuti", "anak-anak", "menangis"]
    stemmer = Stemmer("id", cache_dir=None)
    assert stemmer.stem_many(["ditakut-takuti", "anak-anak"]) == ["takut", "anak"]


def test_indonesian_stems_variants_to_one_root():
    stemmer = Stemmer("id", cache_dir=None)
    assert {stemmer.stem(w) for w in ("takut", "ketakutan", "menakutkan", "Takut")} == {"takut"}
    assert stemmer.stem("ponselnya") == "ponsel"        # clitic stripped outside the dictionary
    assert stemmer.stem("KTP-nya") == "ktp"
    assert stemmer.stem("hanya") == "hanya"             # a dictionary word ending in -nya is kept


def test_english_stems():
    stemmer = Stemmer("en", cache_dir=None)
    assert stemmer.stem("threatened") == stemmer.stem("threaten")
    assert stemmer.stem("Passports") == "passport"


def test_each_type_is_stemmed_once_and_the_cache_persists(tmp_path):
    stemmer = Stemmer("id", cache_dir=tmp_path)
    calls = []
    real = stemmer._compute
    stemmer._compute = lambda w: calls.append(w) or real(w)
    stemmer.stem_many(["ketakutan"] * 50 + ["disita"] * 20)
    assert sorted(calls) == ["disita", "ketakutan"]
    path = stemmer.save()
    assert json.loads(path.read_text())["ketakutan"] == "takut"
    again = Stemmer("id", cache_dir=tmp_path)
    again._compute = lambda w: (_ for _ in ()).throw(AssertionError("recomputed " + w))
    assert again.stem("ketakutan") == "takut"


def test_cache_dir_none_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALKIT_CACHE_DIR", str(tmp_path))
    stemmer = Stemmer("en", cache_dir=None)
    stemmer.stem("running")
    assert stemmer.save() is None
    assert list(tmp_path.iterdir()) == []
    default = Stemmer("id")
    default.stem("ketakutan")
    assert default.save() == tmp_path / f"stems-id-{stemmer_version('id')}-r{STEM_RULES}.json"


def test_the_stem_cache_is_keyed_by_stemmer_version(tmp_path, monkeypatch):
    from qualkit.coding import tokens

    st = Stemmer("id", cache_dir=tmp_path)
    st.stem("ketakutan")
    old = st.save()
    monkeypatch.setattr(tokens, "STEM_RULES", tokens.STEM_RULES + 1)   # an upgrade
    upgraded = Stemmer("id", cache_dir=tmp_path)
    assert upgraded.cache == {} and upgraded.cache_path != old


def test_no_english_word_is_written_to_disk(tmp_path):
    st = Stemmer("en", cache_dir=tmp_path)
    st.stem_many(["Sutrisno", "running", "passport"])
    assert st.save() is None and st.cache_path is None
    assert list(tmp_path.iterdir()) == []


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_array_tokeniser_agrees_with_tokenize(text):
    from qualkit.coding.tokens import Vocabulary

    voc = Vocabulary(cache_tokens=0)         # no token cache: the second pass goes through
    for _ in range(2):                       # the packed index
        arr = voc.tokenize(text)
        want = tokenize(text)
        assert list(zip(arr.start.tolist(), arr.end.tolist())) == [(s, e) for s, e, _ in want]
        assert [voc.types[t].casefold() for t in arr.type.tolist()] == [n for _, _, n in want]
        assert [voc.types[t] for t in arr.type.tolist()] == [surface(text[s:e]) for s, e, _ in want]


def test_vocabulary_keeps_one_id_per_type_across_texts():
    from qualkit.coding.tokens import Vocabulary

    voc = Vocabulary()
    a = voc.tokenize("Takut takut " + "x" * 40)
    b = voc.tokenize("takut, " + "X" * 40 + " Äpfel äpfel")
    assert a.type[0] == a.type[1] == b.type[0]
    assert a.type[2] == b.type[1]                      # a long token, looked up by string
    assert b.type[2] == b.type[3] and voc.types[b.type[2]] == "äpfel"
    assert b.breaks.tolist() == [5]


def test_vocabulary_returns_cached_read_only_arrays_for_a_text_seen_before():
    import pickle

    import pytest

    from qualkit.coding.tokens import Vocabulary

    voc = Vocabulary(cache_tokens=6)
    a = voc.tokenize("satu dua tiga")
    assert voc.tokenize("satu dua tiga") is a
    with pytest.raises(ValueError):
        a.type[0] = 5                              # shared, so read-only
    b = voc.tokenize("empat lima enam tujuh")      # 3 + 4 tokens > 6: the oldest text is dropped
    assert voc.tokenize("empat lima enam tujuh") is b
    again = voc.tokenize("satu dua tiga")
    assert again is not a and again.type.tolist() == a.type.tolist()   # same ids after eviction
    restored = pickle.loads(pickle.dumps(voc))     # token arrays are not shipped to workers
    assert restored._arrays == {} and restored.types == voc.types


def test_parallel_stemming_gives_the_serial_stems(monkeypatch):
    import qualkit.coding.tokens as tokens

    words = [f"{p}{root}{s}" for p in ("", "di", "me", "ber", "ter", "pe")
             for root in ("takut", "kirim", "bantu", "lapor", "ancam", "tipu")
             for s in ("", "kan", "an", "nya", "i")]
    serial = Stemmer("id", cache_dir=None, workers=1).stem_many(words)
    monkeypatch.setattr(tokens, "PARALLEL_MIN_TYPES", 20)
    parallel = Stemmer("id", cache_dir=None, workers=2)
    assert parallel.stem_many(words) == serial
    assert parallel.stem("ditakutkan") == "takut" and len(parallel.cache) == len(set(words))
    assert Stemmer("en", cache_dir=None, workers=2).stem_many(["threatened"] * 30 + ["threats"] * 30)[-1] == "threat"


def test_stemmer_workers_must_be_positive():
    import pytest

    from qualkit.errors import QualkitError

    with pytest.raises(QualkitError, match="'workers' parameter of Stemmer must be a positive int"):
        Stemmer("id", cache_dir=None, workers=0)


_PREFIXES = ["", "di", "ke", "se", "me", "mem", "men", "meng", "meny", "menge", "ber", "be", "bel",
             "ter", "te", "pe", "per", "pem", "pen", "peng", "peny", "pel", "memper", "diper", "ke"]
_SUFFIXES = ["", "i", "kan", "an", "is", "isme", "isasi", "nya", "ku", "mu", "lah", "kah", "pun",
             "kannya", "annya", "inya", "kanlah", "nyalah", "nyakah", "annyapun"]
_ROOTS = ["takut", "tulis", "pukul", "sapu", "kirim", "ajar", "kenal", "tanam", "biar", "bias",
          "ambil", "lapor", "rekrut", "sita", "paksa", "hara", "meta", "kerja", "percaya", "tahan"]


@given(st.sampled_from(_PREFIXES), st.sampled_from(_ROOTS), st.sampled_from(_SUFFIXES),
       st.sampled_from(["", "a", "e", "el", "er"]))
def test_stem_filter_never_rules_out_a_word_whose_stem_is_a_target(prefix, root, suffix, infix):
    """Sound by construction: a word always passes the filter built from its own stem."""
    stemmer = _ID_STEMMER
    for word in (prefix + root + suffix, prefix + root[:1] + infix + root[1:] + suffix,
                 prefix + root[1:] + suffix):
        stem = stemmer.stem(word)
        assert stemmer.stem_filter({stem})(word), (word, stem)


def test_stem_filter_rules_out_words_that_cannot_reach_the_targets():
    may = _ID_STEMMER.stem_filter({"takut", "sita"})
    assert may("ketakutan") and may("disitanya") and may("menakutkan") and may("sitaan")
    assert not may("menulis") and not may("paspor") and not may("berangkat")
    assert not may("batakutan") and not may("rasitanya")   # no prefix rule starts like that


def test_stem_filter_passes_every_demo_word_that_stems_to_a_dictionary_root():
    """With every dictionary root a target, the filter must pass each word Sastrawi
    stems to a root other than itself: checked on the demo's Indonesian vocabulary."""
    from pathlib import Path

    text = " ".join(p.read_text(encoding="utf-8") for p in
                    sorted((Path(__file__).parents[2] / "data" / "demo").rglob("*.txt")))
    words = sorted({t.casefold() for t in split_tokens(text) if t.isalpha()})
    roots = set(_ID_STEMMER._stem_fn().dictionary.words)
    may = _ID_STEMMER.stem_filter(roots)
    stems = _ID_STEMMER.stem_many(words)
    assert len(words) > 1000
    missed = [(w, s) for w, s in zip(words, stems) if s in roots and not may(w)]
    assert missed == []
    assert Stemmer("en", cache_dir=None).stem_filter({"fear"}) is None     # cheap stemmers: no filter


_ID_STEMMER = Stemmer("id", cache_dir=None)

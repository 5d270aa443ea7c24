"""The surface index against its plain version: a dict from surface to the next id."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit._kernels.surfaces import SurfaceIndex, _bucket_starts, _find_sorted, code_points
from qualkit.text import CHAR_WORD, char_class, char_lower, surface, tokenize

words = st.text(alphabet=st.sampled_from(list("abcAB\u00e9\u00c9\u0130\u4e00\U0001f600z")), min_size=1, max_size=30)


@settings(max_examples=60)
@given(st.lists(st.lists(words, max_size=20), min_size=1, max_size=4))
def test_ids_agree_with_a_plain_dict_over_several_texts(texts):
    """Each token gets the id its surface was given; each distinct surface is asked for
    once per character width of the text (1, 2 or 4 bytes) when it fits the index's 24
    bytes (the order in which new surfaces
    are numbered is the kernel's own)."""
    index, ids, asked = SurfaceIndex(), {}, []

    def new_id(text, width):
        def give(s, e):
            asked.append((surface(text[s:e]), width))
            return ids.setdefault(surface(text[s:e]), len(ids))
        return give

    for batch in texts:
        text = " ".join(batch)
        _, _, low = code_points(text)
        toks = tokenize(text)
        starts = np.asarray([s for s, _, _ in toks], dtype=np.int64)
        ends = np.asarray([e for _, e, _ in toks], dtype=np.int64)
        got = index.lookup(low, starts, ends, new_id(text, low.dtype.itemsize))
        assert got.tolist() == [ids[surface(text[s:e])] for s, e, _ in toks]
    short = [(w, k) for w, k in asked if len(w) * k <= 24]      # longer ones are never indexed
    assert len(short) == len(set(short))


@given(st.text(max_size=60))
def test_code_points_classify_and_lower_like_the_character_rules(text):
    codes, cls, low = code_points(text)
    assert [chr(c) for c in codes.tolist()] == list(text)
    assert cls.tolist() == [char_class(ch) for ch in text]
    assert [chr(c) for c in low.tolist()] == [char_lower(ch) for ch in text]
    assert all((k == CHAR_WORD) == bool(ch.isalnum() or ch == "_") or k != CHAR_WORD
               for ch, k in zip(text, cls.tolist()))


@given(st.lists(st.integers(0, 2 ** 64 - 1), min_size=1, max_size=300, unique=True),
       st.lists(st.integers(0, 2 ** 64 - 1), max_size=50))
def test_bucketed_search_agrees_with_searchsorted(hashes, queries):
    ih = np.sort(np.asarray(hashes, dtype=np.uint64))
    q = np.asarray(queries + hashes[:20], dtype=np.uint64)
    assert _find_sorted(ih, _bucket_starts(ih), q).tolist() == np.searchsorted(ih, q).tolist()

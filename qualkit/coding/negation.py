"""Negation: which cue matches a negator cancels, and which matches count.

A match is *negated* when a negator (``Codebook.negators`` of its language, or
:data:`DEFAULT_NEGATORS`) lies within ``negation_window`` tokens before it, or -- in
languages that put the negation after the subject (:data:`POSTPOSED_NEGATION`) -- when a
copula and a negator follow it (*the data is not clear*). Near cues add their own rule
(a negator between the two sides, see :mod:`qualkit.coding.matcher`). Whether a negated
match counts is the code's ``negation`` mode (:func:`counts`).

>>> import numpy as np
>>> counts(np.array([0, 1, 2]), np.array([True, True, True])).tolist()
[False, True, True]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

DEFAULT_NEGATORS: Mapping[str, tuple[str, ...]] = {
    "id": ("tidak", "tak", "bukan", "belum", "tanpa", "jangan", "enggak", "nggak", "gak",
           "ndak", "tiada", "kurang"),
    "en": ("not", "no", "never", "without", "nor", "neither", "cannot", "didn't", "don't",
           "doesn't", "wasn't", "weren't", "isn't", "aren't", "won't", "can't", "couldn't",
           "hardly", "lack", "lacked", "lacking"),
}
POSTPOSED_NEGATION: Mapping[str, tuple[str, ...]] = {
    "en": ("is", "was", "are", "were", "be", "been", "seems", "seemed", "isn't", "wasn't",
           "aren't", "weren't"),
}
"""Copulas after which a negator negates the match before them (*the data is not clear*,
*it was never useful*), per language: English puts the negation after the subject."""
NEGATION_CODES = {"skip": 0, "allow": 1, "only": 2}


def counts(negation_mode: np.ndarray, negated: np.ndarray) -> np.ndarray:
    """Which matches count: skip -> not negated; allow -> all; only -> negated."""
    return np.where(negation_mode == 1, True, np.where(negation_mode == 2, negated, ~negated))


def negated_matches(first: np.ndarray, ce: np.ndarray, pas: np.ndarray, ptok: np.ndarray, tok_end: np.ndarray,
                    is_neg: np.ndarray, copula: np.ndarray | None, window: int) -> np.ndarray:
    """Which matches are negated: a negator within ``window`` tokens before the
    match's first token (in its passage), or (``copula`` given: languages with
    :data:`POSTPOSED_NEGATION`) a copula and a negator right after its last token (*the
    data is not clear*). Per match: ``first`` token, end offset ``ce``, passage ``pas``;
    per passage: its first token ``ptok``; per token: ``tok_end``, ``is_neg``, ``copula``.

    >>> import numpy as np          # "data is not clear": tokens 0..3, the match is "data"
    >>> negated_matches(np.array([0]), np.array([4]), np.array([0]), np.array([0]),
    ...                 np.array([4, 7, 11, 17]), np.array([False, False, True, False]),
    ...                 np.array([False, True, False, False]), 3).tolist()
    [True]
    """
    negated = np.zeros(len(first), dtype=bool)
    if not len(first) or not is_neg.any():
        return negated
    lo = ptok[pas]
    for k in range(1, window + 1):
        idx = first - k
        negated |= (idx >= lo) & is_neg[np.maximum(idx, 0)]
    if copula is not None and copula.any():
        n = len(is_neg)
        hi = np.r_[ptok[1:], n][pas]                    # first token of the next passage
        nxt = np.searchsorted(tok_end, ce, side="left") + 1   # the token after the match
        one = nxt < hi
        cop = one & copula[np.minimum(nxt, n - 1)]
        # "is not", "was never" (copula + negator) or "isn't" (both in one token)
        two = cop & (nxt + 1 < hi) & is_neg[np.minimum(nxt + 1, n - 1)]
        negated |= two | (cop & is_neg[np.minimum(nxt, n - 1)])
    return negated


__all__ = ["DEFAULT_NEGATORS", "NEGATION_CODES", "POSTPOSED_NEGATION", "counts", "negated_matches"]

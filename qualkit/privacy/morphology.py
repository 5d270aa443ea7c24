"""Which rare Capitalised words are ordinary words made from common ones (not names).

wordfreq does not know every derived word: Indonesian builds nouns from roots with
productive affixes (``pemulangan`` from *pulang*, ``pengadu`` from *adu*, ``tembusan`` from
*tembus*), English with suffixes (``confidentiality`` from *confidential*). Such a word
standing alone as a label (``Pengadu:``) or after ``atas nama`` is a word, not a person.

The rule errs towards names (a wrong "it is a word" leaks a name): the Sastrawi stemmer
must reduce the word to a root of its dictionary, the affixes must be productive ones
(peN-/per-/ke- nouns, their -an circumfixes, a bare -an/-kan/-nya suffix), and the root
must be common by wordfreq, more common when only one affix is found. Given names of the
gazetteer are never derived words, and neither are passive or verb forms (``di-``,
``-i``: ``Disuka`` may be a name). Names built like words (``Setiawan``, ``Gunawan``,
``Tambunan``) stay names: Sastrawi keeps the first two, the root of the third (*tambun*) is
not common enough.

>>> [derived_word(w) for w in ("Pemulangan", "Pengadu", "Tembusan", "Confidentiality")]
[True, True, True, True]
>>> [derived_word(w) for w in ("Setiawan", "Gunawan", "Kurniawan", "Tambunan", "Dimas", "Darto")]
[False, False, False, False, False, False]
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

from qualkit.privacy._data import words as _words

ROOT_ZIPF = 3.5
"""A root this frequent (Zipf) makes a word with a noun circumfix (``peN-...-an``) a word."""
SINGLE_AFFIX_ROOT_ZIPF = 4.0
"""With one affix only (``peN-``, ``-an``, ``-nya``) the root must be this frequent."""
KNOWN_DERIVED_ZIPF = 2.5
"""A circumfixed word wordfreq itself knows this well is a word whatever its root's frequency."""

_NOUN_PREFIX = re.compile(r"^(?:peng|peny|pem|pen|per|pe|ke|ber)")
_CIRCUMFIX_SUFFIX = re.compile(r"an$")
_AGENT_PREFIX = re.compile(r"^(?:peng|peny|pem|pen|per|pe)")
_SUFFIX = re.compile(r"(?:an|kan|nya)$")
_EN_SUFFIXES = {"ation": ("", "e", "ate"), "tion": ("t", "te"), "sion": ("d", "de", "t"),
                "ment": ("", "e"), "ness": ("",), "ity": ("", "e"),
                "ism": ("", "e"), "ship": ("",), "hood": ("",)}
"""English suffixes and the endings that give back the root (``confidential-ity``,
``protec-tion`` -> *protect*). -ance/-ence/-ing are left out: Constance, Clarence,
Harding, Manning are names."""
_GIVEN = _words("given_names.txt")


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=65536)
def derived_word(word: str) -> bool:
    """True when ``word`` is an Indonesian or English word derived from a common root by a
    productive affix (see the module's rule); False for given names and anything unsure."""
    w = word.casefold()
    if w in _GIVEN or not w.isalpha() or len(w) < 6:
        return False
    return _indonesian(w) or _english(w)


def _indonesian(w: str) -> bool:
    root = _stemmer().stem(w)
    if root == w or len(root) < 3 or root not in w[1:] and not _mutated(w, root):
        return False
    root_zipf = zipf_frequency(root, "id")
    prefix, suffix = _NOUN_PREFIX.match(w), _SUFFIX.search(w)
    if prefix and _CIRCUMFIX_SUFFIX.search(w) and w.endswith(root[1:] + "an"):
        return root_zipf >= ROOT_ZIPF or zipf_frequency(w, "id") >= KNOWN_DERIVED_ZIPF
    if _AGENT_PREFIX.match(w) and w.endswith(root[1:]) and not suffix:
        return root_zipf >= SINGLE_AFFIX_ROOT_ZIPF
    if suffix and not prefix and w == root + suffix.group() and len(root) >= 4:
        return root_zipf >= SINGLE_AFFIX_ROOT_ZIPF
    return False


def _mutated(w: str, root: str) -> bool:
    """peN- replaces the first consonant of p/t/k/s roots: ``pemulangan`` holds *ulang*."""
    return root[0] in "ptks" and root[1:] in w


def _english(w: str) -> bool:
    if zipf_frequency(w, "en") < KNOWN_DERIVED_ZIPF:
        return False
    for suffix, endings in _EN_SUFFIXES.items():
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            stem = w[: -len(suffix)]
            roots = {stem + e for e in endings} | ({stem[:-1] + "y"} if stem.endswith("i") else set())
            return max((zipf_frequency(r, "en") for r in roots if r not in _GIVEN), default=0.0) >= ROOT_ZIPF
    return False


__all__ = ["derived_word"]

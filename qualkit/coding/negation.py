"""Negation: which cue matches a negation cancels, and which matches count.

The rule, read the way a qualitative researcher reads a sentence. The words are data,
one file per language (``qualkit/locale/negation/<language>.yaml``, see
:class:`NegationWords`); a codebook's ``negators`` replace the language's negators.

1. A *negator* (*tidak*, *bukan*, *not*, *never*, *without* ...) negates a cue up to
   ``negation_window`` tokens after it: *tidak melapor*, *never reported*.
2. A *negative verb* (*berhenti*, *gagal*, *stop*, *fail to*, *gave up* ...) negates a
   cue up to ``negation_window`` tokens after it in its clause, in the present sense:
   *berhenti melapor* (stopped reporting) is no evidence that reporting goes on, *gagal
   mendapatkan bantuan* (failed to get help) none of help. A *scope break* word between
   them (*and*, *to*, *were*, *dan*, *yang*, *untuk* ...) ends its reach, as verbs also
   stand alone (*gave up and went home*, *stopped to rest*). Code the stopping itself
   with ``negation: only`` (or count every mention with ``negation: allow``) when that
   is what you study.
3. Negation words chain: a negator or negative verb right before another one (in the
   same clause, at most ``negation_window`` tokens on, only *transparent* words such as
   *pernah*, *ever*, *to*, *did* between them) flips it. A cue is negated when the chain
   that ends nearest before it (within the window) is of odd length: *tidak berhenti
   melapor*, *never gave up*, *tidak pernah tidak hadir*, *not without support*, *bukan
   tidak mungkin* affirm the cue; *never stopped not reporting* negates it again. A
   negative verb nearest before a cue that it does not reach leaves the cue alone
   (*stopped going to school*: *to* ends the reach, *school* is not negated).
   Negation words in different clauses (*Not really. Never reported it.*) or with other
   words between them (*not clear and not useful*) do not chain.
4. A negator right before a *pseudo* word is no negation: *tidak hanya melapor*, *not
   only reported* (not only = also).
5. Postposed negation (languages with ``copulas``, e.g. English): a match followed by a
   copula and a negator is negated (*the data is not clear*), unless the chain starting
   at that negator is even (*the support was not without problems*).

Near cues add a rule of their own (a negation between the two sides, see
:mod:`qualkit.coding.matcher`). Whether a negated match counts is the code's
``negation`` mode (:func:`counts`). Limits: words, not a parser -- *stop* as a noun (*the
bus stop by the school*) negates like the verb, and a negator's scope is the window, not
its phrase.

>>> from qualkit.codebook.model import Codebook, Code, Cue
>>> from qualkit.coding.matcher import compile_codebook
>>> book = Codebook(name="d", codes=(Code(id="report", name="R", cues=(Cue("lapor"),)),))
>>> m = compile_codebook(book, cache_dir=None)
>>> [m.codes_in(t) for t in ("tidak melapor", "berhenti melapor", "tidak berhenti melapor")]
[set(), set(), {'report'}]
>>> counts(np.array([0, 1, 2]), np.array([True, True, True])).tolist()
[False, True, True]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType

import numpy as np
import yaml

from qualkit.errors import QualkitError
from qualkit.text import tokenize

WORDS_DIR = Path(__file__).resolve().parents[1] / "locale" / "negation"
"""Where the negation words live: one ``<language>.yaml`` per language."""
NEGATOR, COPULA, TRANSPARENT, PSEUDO, VERB, PHRASE, BREAK = 1, 2, 4, 8, 16, 32, 64
"""Bit flags of a word type (:meth:`NegationLexicon.classify`); ``PHRASE``: a word of a
phrase negative verb (*gave* *up*)."""
NEGATION_CODES = {"skip": 0, "allow": 1, "only": 2}


@dataclass(frozen=True)
class NegationWords:
    """The negation words of one language (case-folded; see the module's rule).

    ``negators`` negate what follows; ``negative_verbs`` (phrases allowed, matched as
    written) too, in the present sense, up to a ``scope_breaks`` word; ``transparent``
    words may stand between two chained negation words; ``pseudo`` words right after a
    negator undo it;
    ``not_negators`` share a negator's stem but do not negate; ``copulas`` mark
    postposed negation.

    >>> "gave up" in negation_words("en").negative_verbs
    True
    >>> negation_words("xx").negators
    ()
    """

    language: str
    negators: tuple[str, ...] = ()
    negative_verbs: tuple[str, ...] = ()
    transparent: tuple[str, ...] = ()
    scope_breaks: tuple[str, ...] = ()
    pseudo: tuple[str, ...] = ()
    not_negators: tuple[str, ...] = ()
    copulas: tuple[str, ...] = ()


_LISTS = tuple(f.name for f in fields(NegationWords) if f.name != "language")


def read_negation_words(path: str | Path) -> NegationWords:
    """Read and check one language's negation words (the file is named ``<language>.yaml``).

    >>> read_negation_words(WORDS_DIR / "id.yaml").negators[:2]
    ('tidak', 'tak')
    """
    path = Path(path)
    keys = ", ".join(_LISTS)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise QualkitError(f"cannot read negation words ({err})", path=str(path),
                           hint="fix the YAML; see qualkit/locale/negation/en.yaml") from None
    if not isinstance(data, dict):
        raise QualkitError("negation words must map list names to lists of words",
                           path=str(path), hint=f"use the keys {keys}")
    unknown = sorted(set(map(str, data)) - set(_LISTS))
    if unknown:
        raise QualkitError(f"unknown key(s) {', '.join(unknown)} in negation words",
                           path=str(path), hint=f"use the keys {keys}")
    lists = {}
    for key in _LISTS:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
            raise QualkitError(f"{key!r} must be a list of words", path=str(path),
                               hint='quote words YAML reads as something else, e.g. "no"')
        lists[key] = tuple(w.strip().casefold() for w in value)
    return NegationWords(path.stem, **lists)


NEGATION_WORDS: Mapping[str, NegationWords] = MappingProxyType(
    {p.stem: read_negation_words(p) for p in sorted(WORDS_DIR.glob("*.yaml"))})
"""The bundled negation words per language (read once; read-only)."""
DEFAULT_NEGATORS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {lang: w.negators for lang, w in NEGATION_WORDS.items()})
POSTPOSED_NEGATION: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {lang: w.copulas for lang, w in NEGATION_WORDS.items() if w.copulas})
"""Copulas after which a negator negates the match before them (*the data is not clear*,
*it was never useful*), per language: English puts the negation after the subject."""


def negation_words(language: str) -> NegationWords:
    """The bundled negation words of ``language`` (empty lists for other languages)."""
    return NEGATION_WORDS.get(language) or NegationWords(language)


class NegationLexicon:
    """One language's negation words compiled for one codebook: classifies word types.

    ``negators``: the codebook's own list (replaces the language's); ``stem``: the
    language's stemmer (a word whose stem is a negator's stem is a negator too, unless it
    is one of the ``not_negators``).

    >>> lex = NegationLexicon("en")
    >>> [lex.classify(w, w)[0] & NEGATOR for w in ("never", "hard")]
    [1, 0]
    """

    def __init__(self, language: str, *, negators: Iterable[str] | None = None,
                 stem: Callable[[str], str] | None = None) -> None:
        words = negation_words(language)
        negs = tuple(n.casefold() for n in (negators or words.negators))
        stem = stem or (lambda w: w)
        self.words = words
        self.negator_forms = frozenset(negs)
        self.stems = frozenset(stem(n) for n in negs)
        self.not_negators = frozenset(words.not_negators) - self.negator_forms
        self.copulas = frozenset(words.copulas)
        self.transparent = frozenset(words.transparent)
        self.pseudo = frozenset(words.pseudo)
        self.breaks = frozenset(words.scope_breaks)
        verbs = [tuple(t[2] for t in tokenize(v)) for v in words.negative_verbs]
        self.verbs = frozenset(v[0] for v in verbs if len(v) == 1)
        self.phrase_words: dict[str, int] = {}          # word -> id (from 1)
        for v in verbs:
            if len(v) > 1:
                for w in v:
                    self.phrase_words.setdefault(w, len(self.phrase_words) + 1)
        self.phrases = tuple(tuple(self.phrase_words[w] for w in v) for v in verbs if len(v) > 1)
        self.forms = (self.negator_forms | self.copulas | self.transparent | self.pseudo | self.verbs
                      | self.breaks | frozenset(self.phrase_words))
        """Every word form with a role (a word outside it and ``stems`` has flags 0)."""

    def classify(self, norm: str, stem: str | None) -> tuple[int, int]:
        """``(flags, phrase word id or 0)`` of a word type from its case-folded form and
        its stem (``None``: not stemmed, it cannot stem to a negator)."""
        f = 0
        if norm in self.negator_forms or (stem in self.stems and norm not in self.not_negators):
            f |= NEGATOR
        if norm in self.copulas:
            f |= COPULA
        if norm in self.transparent:
            f |= TRANSPARENT
        if norm in self.pseudo:
            f |= PSEUDO
        if norm in self.verbs:
            f |= VERB
        if norm in self.breaks:
            f |= BREAK
        pw = self.phrase_words.get(norm, 0)
        return f | (PHRASE if pw else 0), pw


@dataclass(frozen=True, eq=False)
class Operators:
    """The negation words of one batch of tokens and their chains (:func:`find_operators`).

    Per operator, sorted by position: ``start``/``end`` token (a phrase spans several),
    ``negator`` (else a negative verb), ``back`` (the chain up to it has odd length: it
    negates what follows) and ``fwd`` (the chain from it on has odd length). Per token:
    ``flags``; ``tok_start`` and ``breaks`` (offsets of punctuation) find clauses;
    ``window``: the codebook's ``negation_window``; ``has_copula``: False when no token
    is a copula (the copula rule is skipped).
    """

    start: np.ndarray
    end: np.ndarray
    negator: np.ndarray
    back: np.ndarray
    fwd: np.ndarray
    flags: np.ndarray
    tok_start: np.ndarray
    breaks: np.ndarray
    window: int
    has_copula: bool = True

    def clause(self, idx: np.ndarray | int) -> np.ndarray:
        """Clause number of tokens: how many punctuation marks come before them."""
        return np.searchsorted(self.breaks, self.tok_start[idx])

    def reaches(self, end: np.ndarray, first: np.ndarray) -> np.ndarray:
        """Whether negative verbs ending at tokens ``end`` reach tokens ``first``: within
        the window, in the same clause, no scope break word between."""
        gap = first - end
        ok = (gap >= 1) & (gap <= self.window) & (self.clause(end) == self.clause(first))
        last = len(self.flags) - 1
        for d in range(1, self.window):
            ok &= (gap <= d) | ((self.flags[np.minimum(end + d, last)] & BREAK) == 0)
        return ok

    def negates_between(self, after: int, before: int) -> bool:
        """Whether the last operator before token ``before`` starts after token ``after``,
        lies in ``before``'s clause (a negative verb: reaches it) and negates (for the two
        sides of a near cue)."""
        k = int(np.searchsorted(self.end, before, side="left")) - 1
        if k < 0 or int(self.start[k]) <= after or not self.back[k]:
            return False
        if not self.negator[k]:
            return bool(self.reaches(self.end[k:k + 1], np.array([before]))[0])
        return int(self.clause(int(self.end[k]))) == int(self.clause(before))

    def negator_at(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(found, operator index)``: whether a negator starts at each token of ``idx``."""
        j = np.minimum(np.searchsorted(self.start, idx), max(len(self.start) - 1, 0))
        if not len(self.start):
            return np.zeros(len(idx), dtype=bool), j
        return (self.start[j] == idx) & self.negator[j], j


def _phrase_operators(types: np.ndarray, cand_all: np.ndarray, type_phrase: np.ndarray,
                      phrases: tuple[tuple[int, ...], ...], clause) -> list[np.ndarray]:
    """Start tokens of each phrase negative verb (``cand_all``: the tokens that are a
    phrase's word): its words in a row, in one clause."""
    n = len(types)
    word = type_phrase[types[cand_all]]
    found = []
    for phrase in phrases:
        cand = cand_all[word == phrase[0]]
        for k, wid in enumerate(phrase[1:], 1):
            cand = cand[cand + k < n]
            nxt = cand + k
            cand = cand[(type_phrase[types[nxt]] == wid) & (clause(nxt) == clause(cand))]
        found.append(cand)
    return found


def find_operators(types: np.ndarray, type_flags: np.ndarray, type_phrase: np.ndarray,
                   lexicon: NegationLexicon, *, tok_start: np.ndarray, breaks: np.ndarray,
                   window: int) -> Operators:
    """The negation words among tokens (word type ids ``types``; per type: ``type_flags``
    from :meth:`NegationLexicon.classify` and ``type_phrase``, its phrase word id) and
    whether each one negates (rules 1-4 of the module)."""
    flags = type_flags[types] if len(types) else np.zeros(0, dtype=np.int8)
    n = len(flags)

    def clause(idx):
        return np.searchsorted(breaks, tok_start[idx])

    hit = np.flatnonzero(flags)               # the few tokens with a negation role
    hit_flags = flags[hit]
    neg = hit[(hit_flags & NEGATOR) != 0]
    if len(neg) and lexicon.pseudo:            # "not only": no negation
        nxt = np.minimum(neg + 1, n - 1)
        undo = (neg + 1 < n) & ((flags[nxt] & PSEUDO) != 0) & (clause(nxt) == clause(neg))
        neg = neg[~undo]
    verbs = hit[(hit_flags & VERB) != 0]
    starts, lengths = [neg, verbs], [np.zeros(len(neg) + len(verbs), dtype=np.int64)]
    if lexicon.phrases:
        for phrase, found in zip(lexicon.phrases, _phrase_operators(types, hit[(hit_flags & PHRASE) != 0],
                                                                   type_phrase, lexicon.phrases, clause)):
            starts.append(found)
            lengths.append(np.full(len(found), len(phrase) - 1, dtype=np.int64))
    start = np.concatenate(starts).astype(np.int64)
    end = start + np.concatenate(lengths)
    negator = np.r_[np.ones(len(neg), dtype=bool), np.zeros(len(start) - len(neg), dtype=bool)]
    order = np.argsort(end, kind="stable")
    start, end, negator = start[order], end[order], negator[order]
    alone = np.r_[True, start[1:] > end[:-1]][:len(start)]   # a word in two operators counts once
    start, end, negator = start[alone], end[alone], negator[alone]
    back, fwd = _chains(start, end, flags, clause, window)
    return Operators(start, end, negator, back, fwd, flags, tok_start, breaks, window,
                     has_copula=bool((hit_flags & COPULA).any()))


def _chains(start: np.ndarray, end: np.ndarray, flags: np.ndarray, clause,
            window: int) -> tuple[np.ndarray, np.ndarray]:
    """``(back, fwd)`` parities of the chains of operators: an operator continues the
    chain of the one before it when it starts at most ``window`` tokens after its end,
    in its clause, with only transparent words between them."""
    m = len(start)
    if not m:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    s, e = start[1:], end[:-1]
    gap = s - e
    linked = (gap >= 1) & (gap <= window)
    if linked.any():
        linked &= clause(s) == clause(e)
        for d in range(1, window):              # the tokens between must be transparent
            between = gap > d
            linked &= ~between | ((flags[np.minimum(e + d, len(flags) - 1)] & TRANSPARENT) != 0)
    head = np.r_[True, ~linked]
    chain = np.cumsum(head) - 1
    first = np.flatnonzero(head)
    pos = np.arange(m) - first[chain]
    length = np.diff(np.r_[first, m])[chain]
    return pos % 2 == 0, (length - pos) % 2 == 1


def counts(negation_mode: np.ndarray, negated: np.ndarray) -> np.ndarray:
    """Which matches count: skip -> not negated; allow -> all; only -> negated."""
    return np.where(negation_mode == 1, True, np.where(negation_mode == 2, negated, ~negated))


def negated_matches(first: np.ndarray, ce: np.ndarray, pas: np.ndarray, ptok: np.ndarray,
                    tok_end: np.ndarray, ops: Operators, window: int) -> np.ndarray:
    """Which matches are negated: the operator nearest before the match's first token,
    within ``window`` tokens and in its passage, negates (``back``); or (rule 5) a copula
    follows the match and a negator whose chain is odd follows it or is it (*isn't*).
    Per match: ``first`` token, end offset ``ce``, passage ``pas``; per passage: its
    first token ``ptok``; per token: ``tok_end``.

    >>> import numpy as np          # "data is not clear": tokens 0..3, the match is "data"
    >>> lex = NegationLexicon("en")
    >>> flags = np.array([lex.classify(w, w)[0] for w in ("data", "is", "not", "clear")], dtype=np.int8)
    >>> ops = find_operators(np.arange(4), flags, np.zeros(4, dtype=np.int64), lex,
    ...                      tok_start=np.array([0, 5, 8, 12]), breaks=np.zeros(0, dtype=np.int64), window=3)
    >>> negated_matches(np.array([0, 3]), np.array([4, 17]), np.array([0, 0]), np.array([0]),
    ...                 np.array([4, 7, 11, 17]), ops, 3).tolist()
    [True, True]
    """
    if not len(first) or not len(ops.end):
        return np.zeros(len(first), dtype=bool)
    k = np.searchsorted(ops.end, first, side="left") - 1
    kk = np.maximum(k, 0)
    end = ops.end[kk]
    negated = (k >= 0) & (first - end <= window) & (end >= ptok[pas]) & ops.back[kk]
    verb = negated & ~ops.negator[kk]          # a negative verb reaches the next word only
    if verb.any():
        negated[verb] = ops.reaches(end[verb], first[verb])
    n = len(ops.flags)
    if not ops.has_copula:
        return negated
    hi = np.r_[ptok[1:], n][pas]                          # first token of the next passage
    nxt = np.searchsorted(tok_end, ce, side="left") + 1   # the token after the match
    cop = (nxt < hi) & ((ops.flags[np.minimum(nxt, n - 1)] & COPULA) != 0)
    if cop.any():
        at1, j1 = ops.negator_at(nxt)                    # "isn't": copula and negator
        at2, j2 = ops.negator_at(nxt + 1)                # "is not", "was never"
        negated |= cop & np.where(at1, ops.fwd[j1], at2 & (nxt + 1 < hi) & ops.fwd[j2])
    return negated


__all__ = ["DEFAULT_NEGATORS", "NEGATION_WORDS", "NegationLexicon", "NegationWords", "Operators",
           "POSTPOSED_NEGATION", "counts", "find_operators", "negated_matches", "negation_words",
           "read_negation_words"]

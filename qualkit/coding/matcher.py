"""Compile a codebook once into a multi-pattern matcher and run it over many passages.

How it works (and why it is fast): the passages of one language are concatenated,
split into tokens with one compiled regex (:func:`qualkit.coding.tokens.split_tokens`),
each distinct word type is stemmed once (a dict cache), and the stems are joined into one
space-separated *stem stream*. Every word/phrase cue of every code is a key
``" stem1 stem2 "`` in one Aho-Corasick automaton (pyahocorasick), so a single pass over
the stream finds every cue match of every code, nested and overlapping ones included
(``biaya sekolah anak`` and ``sekolah`` both hit). ``match: exact`` and ``match: prefix``
cues use a second stream of case-folded tokens; ``regex`` cues run over the text.
Match positions are turned into token and character offsets with numpy; no Python loop
runs per token.

Rules applied per passage (a match never spans two passages):

- negation: a negator (``Codebook.negators`` of the passage's language, built-in defaults
  below) within ``negation_window`` tokens before the match marks it ``negated``;
- ``near`` cues: the two sides within ``window`` tokens of each other, either order;
- exclusion cues: mark the code ``excluded`` for that passage.

Cues apply to passages of their own ``lang`` (``lang: any`` applies to every language).

Compiled cue keys are cached per ``(code content hash, language)``: pass the previous
matcher as ``reuse=`` and only changed codes are compiled again.

Example
-------
>>> from qualkit.codebook.model import Codebook, Code, Cue
>>> book = Codebook(name="d", codes=(Code(id="fear", name="Fear", cues=(Cue("takut"),)),))
>>> m = compile_codebook(book, cache_dir=None)
>>> [(x.code_id, x.start, x.end, x.negated) for x in m.match_text("Saya ketakutan, tidak takut.", lang="id")]
[('fear', 5, 14, False), ('fear', 22, 27, True)]
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import ahocorasick
import numpy as np

from qualkit.codebook.model import Code, Codebook, Cue
from qualkit.coding.tokens import Stemmer, split_tokens, supported_languages, tokenize

DEFAULT_NEGATORS: Mapping[str, tuple[str, ...]] = {
    "id": ("tidak", "tak", "bukan", "belum", "tanpa", "jangan", "enggak", "nggak", "gak",
           "ndak", "tiada", "kurang"),
    "en": ("not", "no", "never", "without", "nor", "neither", "cannot", "didn't", "don't",
           "doesn't", "wasn't", "weren't", "isn't", "aren't", "won't", "can't", "couldn't",
           "hardly", "lack", "lacked", "lacking"),
}
NEGATION_CODES = {"skip": 0, "allow": 1, "only": 2}
_SEP = "\n\x00\n"  # between passages in a batch; never part of a token


def code_content_hash(code: Code) -> str:
    """Hash of everything about a code that affects matching (cues and negation mode)."""
    data = {"id": code.id, "negation": code.negation,
            "cues": [{k: v for k, v in asdict(c).items() if k != "line"} for c in code.cues]}
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def cue_label(cue: Cue) -> str:
    """How a cue is named in outputs: its pattern (``a NEAR/5 b`` for proximity cues)."""
    if cue.kind == "near":
        return f"{cue.pattern} NEAR/{cue.window} {cue.near}"
    return cue.pattern


def alternatives(pattern: str) -> list[str]:
    """The ``|``-separated alternatives of a word/phrase pattern, stripped, non-empty."""
    return [p.strip() for p in pattern.split("|") if p.strip()]


class Mention(NamedTuple):
    """One cue match (see :meth:`Matcher.match_text`)."""

    code_id: str
    start: int
    end: int
    cue: str
    negated: bool
    exclusion: bool


@dataclass(frozen=True)
class _Unit:
    """One cue (or one side of a near cue) of one code, as seen by one language."""

    code: int
    label: str
    exclude: bool
    negation: int
    near: int = -1     # index into _LangMatcher.near_rules, -1 for plain cues
    side: int = 0      # 1 / 2: the two sides of a near cue


@dataclass(frozen=True)
class _Key:
    stream: str        # "stem" or "fold"
    text: str          # the automaton key, e.g. " biaya sekolah "
    ntok: int


class _LangMatcher:
    """The automata, units and rules of one language (built lazily by :class:`Matcher`)."""

    def __init__(self, matcher: Matcher, lang: str) -> None:
        self.lang = lang
        self.stemmer = matcher._stemmer(lang)
        self.units: list[_Unit] = []
        self.near_rules: list[int] = []           # window per near rule
        self.regexes: list[tuple[re.Pattern[str], int]] = []
        keys: dict[_Key, list[int]] = {}
        for ci, code in enumerate(matcher.book.codes):
            for key, unit in matcher._compiled_code(code, ci, lang, self):
                keys.setdefault(key, []).append(unit)
        negators = matcher.book.negators.get(lang) or DEFAULT_NEGATORS.get(lang, ())
        self.negator_stems = sorted({self.stem_token(n.casefold()) for n in negators})
        self.automata: dict[str, Any] = {}
        self.key_len: dict[str, np.ndarray] = {}
        self.key_ntok: dict[str, np.ndarray] = {}
        self.key_units: dict[str, list[list[int]]] = {}
        self.key_ptr: dict[str, np.ndarray] = {}
        self.key_flat: dict[str, np.ndarray] = {}
        self.key_single: dict[str, bool] = {}
        for stream in ("stem", "fold"):
            items = [(k, v) for k, v in keys.items() if k.stream == stream]
            if stream == "stem":
                items += [(_Key("stem", f" {n} ", 1), [-1]) for n in self.negator_stems]
            if not items:
                continue
            automaton = ahocorasick.Automaton()
            merged: dict[str, int] = {}
            lens, ntoks, units = [], [], []
            for key, unit_ids in items:
                if key.text in merged:   # same key text from two cues: one automaton entry
                    units[merged[key.text]].extend(unit_ids)
                    continue
                merged[key.text] = len(units)
                automaton.add_word(key.text, len(units))
                lens.append(len(key.text))
                ntoks.append(key.ntok)
                units.append(list(unit_ids))
            automaton.make_automaton()
            self.automata[stream] = automaton
            self.key_len[stream] = np.asarray(lens, dtype=np.int64)
            self.key_ntok[stream] = np.asarray(ntoks, dtype=np.int64)
            self.key_units[stream] = units
            sizes = np.asarray([len(u) for u in units], dtype=np.int64)
            self.key_ptr[stream] = np.r_[0, np.cumsum(sizes)].astype(np.int64)
            self.key_flat[stream] = np.asarray([x for u in units for x in u], dtype=np.int64)
            self.key_single[stream] = bool((sizes == 1).all())
        self.unit_code = np.asarray([u.code for u in self.units], dtype=np.int64)
        self.unit_neg = np.asarray([u.negation for u in self.units], dtype=np.int64)
        self.unit_excl = np.asarray([u.exclude for u in self.units], dtype=bool)
        self.unit_near = np.asarray([u.near for u in self.units], dtype=np.int64)
        self.unit_side = np.asarray([u.side for u in self.units], dtype=np.int64)
        self.unit_label = np.asarray([u.label for u in self.units], dtype=object)
        self._raw_stem: dict[str, str] = {}
        self._raw_fold: dict[str, str] = {}

    def stem_token(self, norm: str) -> str:
        return self.stemmer.stem(norm) if self.stemmer is not None else norm

    def add_unit(self, unit: _Unit) -> int:
        self.units.append(unit)
        return len(self.units) - 1

    # -- matching -------------------------------------------------------------------
    def _streams(self, toks: list[str]) -> tuple[list[str], list[str]]:
        raw_stem, raw_fold = self._raw_stem, self._raw_fold
        need_fold = "fold" in self.automata
        try:  # warm path: every type seen before, no set over the tokens
            stems = list(map(raw_stem.__getitem__, toks))
            return stems, (list(map(raw_fold.__getitem__, toks)) if need_fold else [])
        except KeyError:
            pass
        new = set(toks).difference(raw_stem)
        if new:
            folds = [t.casefold() for t in new]
            if self.stemmer is not None:
                stems = self.stemmer.stem_many(folds)
            else:
                stems = folds
            raw_fold.update(zip(new, folds))
            raw_stem.update(zip(new, stems))
        stems = list(map(raw_stem.__getitem__, toks))
        folds = list(map(raw_fold.__getitem__, toks)) if "fold" in self.automata else []
        return stems, folds

    @staticmethod
    def _starts(stream: str) -> np.ndarray:
        """Start of each word in a stream ``" w1 w2 ... "`` (words never hold spaces)."""
        codes = np.frombuffer(stream.encode("utf-32-le"), dtype=np.uint32)
        return np.flatnonzero(codes == 32)[:-1] + 1

    def match(self, texts: Sequence[str], window: int) -> dict[str, np.ndarray]:
        """All matches in ``texts``: arrays ``passage, unit, start, end, negated`` (offsets
        relative to each text)."""
        big = _SEP.join(texts)
        tlens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        pstart = np.cumsum(tlens + len(_SEP)) - (tlens + len(_SEP))
        pend = pstart + tlens
        pieces = split_tokens(big)
        toks = pieces[1::2]
        cum = np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)))
        tok_start = cum[0:-1:2]
        tok_end = cum[1::2]
        ptok = np.searchsorted(tok_start, pstart)          # first token of each passage
        stems, folds = self._streams(toks)
        ntok_total = len(toks)

        firsts, lasts, units = [], [], []
        is_neg = np.zeros(ntok_total + 1, dtype=bool)
        for stream, words in (("stem", stems), ("fold", folds)):
            automaton = self.automata.get(stream)
            if automaton is None or not words:
                continue
            text = " " + " ".join(words) + " "
            found = list(automaton.iter(text))
            if not found:
                continue
            arr = np.asarray(found, dtype=np.int64)
            ends, kid = arr[:, 0], arr[:, 1]
            wstart = self._starts(text)
            first = np.searchsorted(wstart, ends - self.key_len[stream][kid] + 2)
            last = first + self.key_ntok[stream][kid] - 1
            ptr, flat_units = self.key_ptr[stream], self.key_flat[stream]
            counts = ptr[kid + 1] - ptr[kid]
            if self.key_single[stream]:
                flat = flat_units[ptr[kid]]
            else:
                total = int(counts.sum())
                within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
                flat = flat_units[np.repeat(ptr[kid], counts) + within]
                first = np.repeat(first, counts)
                last = np.repeat(last, counts)
            neg_mask = flat < 0
            if neg_mask.any():
                is_neg[first[neg_mask]] = True
            keep = ~neg_mask
            firsts.append(first[keep]); lasts.append(last[keep]); units.append(flat[keep])

        first = np.concatenate(firsts) if firsts else np.zeros(0, dtype=np.int64)
        last = np.concatenate(lasts) if lasts else np.zeros(0, dtype=np.int64)
        unit = np.concatenate(units) if units else np.zeros(0, dtype=np.int64)
        pas = np.searchsorted(ptok, first, side="right") - 1
        pas_last = np.searchsorted(ptok, last, side="right") - 1
        ok = pas == pas_last
        first, last, unit, pas = first[ok], last[ok], unit[ok], pas[ok]
        cs = tok_start[first] if len(first) else np.zeros(0, dtype=np.int64)
        ce = tok_end[last] if len(last) else np.zeros(0, dtype=np.int64)

        # regex cues: over the joined text, mapped back to passages and tokens
        if self.regexes:
            rx_cs, rx_ce, rx_u = [], [], []
            for rx, u in self.regexes:
                for m in rx.finditer(big):
                    if m.end() > m.start():
                        rx_cs.append(m.start()); rx_ce.append(m.end()); rx_u.append(u)
            if rx_u:
                r_cs = np.asarray(rx_cs, dtype=np.int64)
                r_ce = np.asarray(rx_ce, dtype=np.int64)
                r_pas = np.searchsorted(pstart, r_cs, side="right") - 1
                ok = r_ce <= pend[r_pas]
                r_cs, r_ce, r_pas = r_cs[ok], r_ce[ok], r_pas[ok]
                r_u = np.asarray(rx_u, dtype=np.int64)[ok]
                r_first = np.searchsorted(tok_end, r_cs, side="right")  # first token ending after start
                cs = np.concatenate([cs, r_cs]); ce = np.concatenate([ce, r_ce])
                unit = np.concatenate([unit, r_u]); pas = np.concatenate([pas, r_pas])
                first = np.concatenate([first, r_first])

        negated = np.zeros(len(unit), dtype=bool)
        if len(unit) and is_neg.any():
            lo = ptok[pas]
            for k in range(1, window + 1):
                idx = first - k
                negated |= (idx >= lo) & is_neg[np.maximum(idx, 0)]

        # near cues: pair the two sides within the same passage
        if len(self.near_rules) and len(unit):
            side_mask = self.unit_near[unit] >= 0
            if side_mask.any():
                add = self._pair_near(pas[side_mask], unit[side_mask], first[side_mask],
                                      cs[side_mask], ce[side_mask], negated[side_mask],
                                      tok_end)
                keep = ~side_mask
                pas, unit, cs, ce, negated = (pas[keep], unit[keep], cs[keep], ce[keep], negated[keep])
                if add:
                    a = np.asarray(add, dtype=np.int64).reshape(-1, 5)
                    pas = np.concatenate([pas, a[:, 0]]); unit = np.concatenate([unit, a[:, 1]])
                    cs = np.concatenate([cs, a[:, 2]]); ce = np.concatenate([ce, a[:, 3]])
                    negated = np.concatenate([negated, a[:, 4].astype(bool)])
        base = pstart[pas] if len(pas) else np.zeros(0, dtype=np.int64)
        return {"passage": pas, "unit": unit, "start": cs - base, "end": ce - base,
                "negated": negated}

    def _pair_near(self, pas, unit, first, cs, ce, negated, tok_end) -> list[tuple[int, ...]]:
        """Combine the two sides of near cues; the result unit is the side-1 unit."""
        groups: dict[tuple[int, int], tuple[list, list]] = {}
        last = np.searchsorted(tok_end, ce, side="left")
        for i in range(len(unit)):
            u = int(unit[i])
            g = groups.setdefault((int(pas[i]), int(self.unit_near[u])), ([], []))
            g[int(self.unit_side[u]) - 1].append(i)
        out: list[tuple[int, ...]] = []
        for (p, rule), (left, right) in groups.items():
            if not left or not right:
                continue
            win = self.near_rules[rule]
            main_unit = int(unit[left[0]])
            seen: set[tuple[int, int]] = set()
            for i in left:
                for j in right:
                    a, b = (i, j) if first[i] <= first[j] else (j, i)
                    gap = int(first[b]) - int(last[a])
                    if gap > win:
                        continue
                    span = (int(min(cs[i], cs[j])), int(max(ce[i], ce[j])))
                    if span in seen:
                        continue
                    seen.add(span)
                    out.append((p, main_unit, span[0], span[1], int(negated[a])))
        return out


class Matcher:
    """A codebook compiled for matching; build with :func:`compile_codebook`.

    Holds one automaton set per language (built the first time that language is seen)
    and the compiled keys of each code, cached by the code's content hash. Picklable,
    so it can be shipped to worker processes.
    """

    def __init__(self, book: Codebook, *, cache_dir: Any = None,
                 key_cache: dict[tuple[str, str], list] | None = None) -> None:
        self.book = book
        self.codebook_hash = book.hash
        self.code_ids = [c.id for c in book.codes]
        self.cache_dir = cache_dir
        self._key_cache: dict[tuple[str, str], list] = dict(key_cache or {})
        self._langs: dict[str, _LangMatcher] = {}
        self._stemmers: dict[str, Stemmer | None] = {}
        self.compiled_codes = 0   # how many (code, language) pairs were compiled afresh

    def _stemmer(self, lang: str) -> Stemmer | None:
        if lang not in self._stemmers:
            self._stemmers[lang] = (Stemmer(lang, cache_dir=self.cache_dir)
                                    if lang in supported_languages() else None)
        return self._stemmers[lang]

    def for_language(self, lang: str) -> _LangMatcher:
        """The compiled matcher for passages in ``lang``."""
        if lang not in self._langs:
            self._langs[lang] = _LangMatcher(self, lang)
        return self._langs[lang]

    def save_caches(self) -> None:
        """Persist the stemmers' caches (no-op when ``cache_dir`` is None)."""
        for st in self._stemmers.values():
            if st is not None:
                st.save()

    # -- per-code compilation ---------------------------------------------------------
    def _compiled_code(self, code: Code, ci: int, lang: str, lm: _LangMatcher):
        """Yield ``(key, unit_index)`` for one code in one language, registering units."""
        ck = (code_content_hash(code), lang)
        spec = self._key_cache.get(ck)
        if spec is None:
            spec = self._key_cache[ck] = self._compile_code(code, lang, lm)
            self.compiled_codes += 1
        for unit_kw, near_window, entries in spec:
            near = -1
            if near_window is not None:
                lm.near_rules.append(near_window)
                near = len(lm.near_rules) - 1
            side_units: dict[int, int] = {}
            for side, kind, payload in entries:
                if side not in side_units:
                    side_units[side] = lm.add_unit(_Unit(code=ci, near=near, side=side, **unit_kw))
                u = side_units[side]
                if kind == "regex":
                    lm.regexes.append((payload, u))
                else:
                    yield payload, u

    def _compile_code(self, code: Code, lang: str, lm: _LangMatcher) -> list:
        """Language-specific keys of a code: ``[(unit kwargs, near window|None, entries)]``."""
        out = []
        for cue in code.cues:
            if cue.lang not in (lang, "any"):
                continue
            negation = NEGATION_CODES.get(cue.negation or code.negation, 0)
            unit_kw = {"label": cue_label(cue), "exclude": bool(cue.exclude), "negation": negation}
            if cue.kind == "regex":
                flags = 0 if cue.case else re.IGNORECASE
                out.append((unit_kw, None, [(0, "regex", re.compile(cue.pattern, flags))]))
                continue
            if cue.kind == "near":
                entries = [(1, "key", k) for k in self._keys(cue.pattern, cue.match, lm)]
                entries += [(2, "key", k) for k in self._keys(cue.near or "", cue.match, lm)]
                out.append((unit_kw, int(cue.window), entries))
                continue
            out.append((unit_kw, None, [(0, "key", k) for k in self._keys(cue.pattern, cue.match, lm)]))
        return out

    @staticmethod
    def _keys(pattern: str, match: str, lm: _LangMatcher) -> list[_Key]:
        keys = []
        for alt in alternatives(pattern):
            norms = [t[2] for t in tokenize(alt)]
            if not norms:
                continue
            if match == "stem":
                keys.append(_Key("stem", " " + " ".join(lm.stem_token(n) for n in norms) + " ", len(norms)))
            elif match == "prefix":
                keys.append(_Key("fold", " " + " ".join(norms), len(norms)))
            else:
                keys.append(_Key("fold", " " + " ".join(norms) + " ", len(norms)))
        return keys

    # -- convenience ------------------------------------------------------------------
    def match_text(self, text: str, *, lang: str = "id") -> list[Mention]:
        """Every cue match in one text, sorted by position (for examples and checks)."""
        lm = self.for_language(lang)
        res = lm.match([text], self.book.negation_window)
        out = [
            Mention(self.code_ids[lm.unit_code[u]], int(s), int(e), lm.unit_label[u], bool(n),
                    bool(lm.unit_excl[u]))
            for u, s, e, n in zip(res["unit"], res["start"], res["end"], res["negated"])
        ]
        return sorted(out, key=lambda m: (m.start, m.end, m.code_id, m.cue))

    def codes_in(self, text: str, *, lang: str = "id") -> set[str]:
        """The codes that apply to one text (negation and exclusion rules applied)."""
        lm = self.for_language(lang)
        res = lm.match([text], self.book.negation_window)
        counted = _counts(lm.unit_neg[res["unit"]], res["negated"])
        codes = lm.unit_code[res["unit"]]
        excluded = set(codes[counted & lm.unit_excl[res["unit"]]].tolist())
        hit = set(codes[counted & ~lm.unit_excl[res["unit"]]].tolist())
        return {self.code_ids[c] for c in hit - excluded}

    def __repr__(self) -> str:
        return f"Matcher({self.book.name!r}, {len(self.code_ids)} codes, hash={self.codebook_hash})"


def _counts(negation_mode: np.ndarray, negated: np.ndarray) -> np.ndarray:
    """Which matches count: skip -> not negated; allow -> all; only -> negated."""
    return np.where(negation_mode == 1, True, np.where(negation_mode == 2, negated, ~negated))


def compile_codebook(book: Codebook, *, cache_dir: Any = "default", reuse: Matcher | None = None) -> Matcher:
    """Compile ``book`` into a :class:`Matcher`.

    ``cache_dir``: where stemmers keep their on-disk caches (``"default"``:
    ``$QUALKIT_CACHE_DIR`` or ``~/.cache/qualkit``; ``None``: memory only).
    ``reuse``: a matcher compiled from an earlier version of the codebook; the keys of
    unchanged codes are taken from it, so only changed codes are recompiled.

    >>> from qualkit.codebook.model import Codebook, Code, Cue
    >>> book = Codebook(name="d", codes=(Code(id="a", name="A", cues=(Cue("sekolah"),)),))
    >>> compile_codebook(book, cache_dir=None).codes_in("biaya sekolah", lang="id")
    {'a'}
    """
    from qualkit.coding.tokens import default_cache_dir

    if cache_dir == "default":
        cache_dir = default_cache_dir()
    matcher = Matcher(book, cache_dir=cache_dir, key_cache=reuse._key_cache if reuse else None)
    if reuse is not None:
        for lang, st in reuse._stemmers.items():
            if st is not None and st.cache_dir == matcher.cache_dir:
                matcher._stemmers[lang] = st
    return matcher


__all__ = ["DEFAULT_NEGATORS", "Matcher", "Mention", "compile_codebook", "code_content_hash",
           "cue_label", "alternatives"]


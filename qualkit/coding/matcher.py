"""Compile a codebook once into a multi-pattern matcher and run it over many passages.

How it works (and why it is fast): the passages of one language are joined into batches
and tokenised with numpy over their code points (:meth:`Vocabulary.tokenize
<qualkit.coding.tokens.Vocabulary.tokenize>`): every token gets the integer id of its word
type, found in a packed index without Python work per token. Each *word type* -- not each
token -- is classified once into the cue *terms* it satisfies (``stem``: its stem equals
the cue word's stem, stems cached on disk by :class:`~qualkit.coding.tokens.Stemmer`;
``exact``: its case-folded form equals the cue word; ``prefix``: it starts with it) and
whether it is a negator. Matching a batch is then array work over the token type ids:
one-word cues are a gather, phrases check the next tokens' types and that only
whitespace lies between them (a phrase never spans punctuation such as ``kata. Kata``),
so nested and overlapping matches all count (``biaya sekolah anak`` and ``sekolah`` both
hit). ``regex`` cues run over the text.

Rules applied per passage (a match never spans two passages):

- negation: a negator (``Codebook.negators`` of the passage's language, else the
  language's bundled words) or negative verb (*berhenti*, *stop*) within
  ``negation_window`` tokens before the match marks it ``negated``, unless a second one
  flips it (*tidak berhenti*, *not without*; the rules: :mod:`qualkit.coding.negation`);
- ``near`` cues: the two sides within ``window`` tokens of each other, either order;
- exclusion cues: mark the code ``excluded`` for that passage.

Cues apply to passages of their own ``lang`` (``lang: any`` applies to every language).

Compiled cue terms are cached per ``(code content hash, language)``: pass the previous
matcher as ``reuse=`` and only changed codes are compiled again; the vocabulary (word
types and their index) is shared with the previous matcher, so only the classification
of the known word types into the new terms is redone (dictionary look-ups, no stemming).

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
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import numpy as np
import regex

from qualkit.codebook.model import Code, Codebook, Cue
from qualkit.coding.negation import (
    DEFAULT_NEGATORS,
    NEGATION_CODES,
    NegationLexicon,
    Operators,
    counts,
    find_operators,
    negated_matches,
)
from qualkit.coding.tokens import Stemmer, TokenArrays, Vocabulary, default_cache_dir
from qualkit.errors import CodebookError, Problem
from qualkit.text import supported_languages, tokenize

REGEX_TIMEOUT = 1.0
"""Seconds one regex cue may spend on one passage before the run stops with an error."""
_SEP = "\n\x00\n"  # between passages in a batch; never part of a token


_CUE_FIELDS = tuple(f.name for f in fields(Cue) if f.name != "line")


def code_content_hash(code: Code) -> str:
    """Hash of everything about a code that affects matching (cues and negation mode)."""
    data = {"id": code.id, "negation": code.negation,   # cue fields are plain values
            "cues": [{f: getattr(c, f) for f in _CUE_FIELDS} for c in code.cues]}
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


def _regex_timeout(unit: _Unit, pattern: str, text: str) -> CodebookError:
    return CodebookError([Problem(
        f"regex cue {pattern!r} took more than {REGEX_TIMEOUT:g} s on one passage "
        f"of {len(text):,} characters", where=unit.code_id, line=unit.line,
        hint="simplify the pattern: nested quantifiers such as (a+)+ or (\\w+\\s?)* "
             "backtrack exponentially; use a word or phrase cue where you can")])


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
    code_id: str = ""  # for messages
    line: int | None = None


_Seq = tuple[tuple[str, str], ...]   # a cue alternative: ((mode, value), ...) per token
_CHUNK_CHARS = 4_000_000              # passages are matched in batches of about this size


class _LangMatcher:
    """The terms, units and rules of one language (built lazily by :class:`Matcher`).

    A *term* is one token of a cue: ``("stem", s)``, ``("fold", w)`` or ``("prefix", p)``.
    Every word type of the vocabulary is classified once into the terms it satisfies
    (and whether it is a negator); matching a batch of passages is then array work over
    the token type ids.
    """

    def __init__(self, matcher: Matcher, lang: str) -> None:
        self.lang = lang
        self.vocab: Vocabulary = matcher.vocab
        self.stemmer = matcher._stemmer(lang)
        self.units: list[_Unit] = []
        self.near_rules: list[int] = []           # window per near rule
        self.regexes: list[tuple[regex.Pattern[str], int]] = []
        seqs: dict[_Seq, list[int]] = {}
        for ci, code in enumerate(matcher.book.codes):
            for seq, unit in matcher._compiled_code(code, ci, lang, self):
                seqs.setdefault(seq, []).append(unit)
        self.negation = NegationLexicon(lang, negators=matcher.book.negators.get(lang), stem=self.stem_token)
        self.negator_stems = self.negation.stems    # (read by qualkit.coding.check)
        self.terms: dict[tuple[str, str], int] = {}
        single: list[tuple[int, int]] = []
        self.multi: list[tuple[list[int], list[int]]] = []
        for seq, unit_ids in seqs.items():
            tids = [self.terms.setdefault(t, len(self.terms)) for t in seq]
            if len(tids) == 1:
                single += [(tids[0], u) for u in unit_ids]
            else:
                self.multi.append((tids, unit_ids))
        n_terms = len(self.terms)
        single.sort()
        st = np.asarray([t for t, _ in single], dtype=np.int64)
        self.single_units = np.asarray([u for _, u in single], dtype=np.int64)
        self.single_ptr = np.searchsorted(st, np.arange(n_terms + 1)).astype(np.int64)
        self.first_multi = sorted({tids[0] for tids, _ in self.multi})
        self.later_terms = sorted({t for tids, _ in self.multi for t in tids[1:]})
        self.fold_terms = {v: i for (m, v), i in self.terms.items() if m == "fold"}
        self.stem_terms = {v: i for (m, v), i in self.terms.items() if m == "stem"}
        self.prefix_terms = [(v, i) for (m, v), i in self.terms.items() if m == "prefix"]
        # which words may stem to a cue's or negator's stem (None: stem them all)
        self.may_stem = (self.stemmer.stem_filter({*self.stem_terms, *self.negation.stems})
                         if self.stemmer is not None else None)
        self.unit_code = np.asarray([u.code for u in self.units], dtype=np.int64)
        self.unit_neg = np.asarray([u.negation for u in self.units], dtype=np.int64)
        self.unit_excl = np.asarray([u.exclude for u in self.units], dtype=bool)
        self.unit_near = np.asarray([u.near for u in self.units], dtype=np.int64)
        self.unit_side = np.asarray([u.side for u in self.units], dtype=np.int64)
        self.unit_label = np.asarray([u.label for u in self.units], dtype=object)
        # per word type (grows with the vocabulary): classified?, its terms, negation flags
        self._classified = np.zeros(0, dtype=bool)
        self._type_terms: dict[int, tuple[int, ...]] = {}
        self._negflags = np.zeros(0, dtype=np.int8)    # see NegationLexicon.classify
        self._negphrase = np.zeros(0, dtype=np.int64)  # word of a phrase negative verb
        self._tables: tuple[np.ndarray, ...] | None = None

    def stem_token(self, norm: str) -> str:
        return self.stemmer.stem(norm) if self.stemmer is not None else norm

    def add_unit(self, unit: _Unit) -> int:
        self.units.append(unit)
        return len(self.units) - 1

    # -- word types -------------------------------------------------------------------
    def _classify(self, types: np.ndarray) -> None:
        """Classify the word types in ``types`` that this language has not seen yet."""
        n = len(self.vocab)
        if len(self._classified) < n:
            grow = n - len(self._classified)
            self._classified = np.concatenate([self._classified, np.zeros(grow, dtype=bool)])
            self._negflags = np.concatenate([self._negflags, np.zeros(grow, dtype=np.int8)])
            self._negphrase = np.concatenate([self._negphrase, np.zeros(grow, dtype=np.int64)])
        todo = np.flatnonzero(~self._classified[types])
        if not len(todo):
            return
        seen = np.zeros(n, dtype=bool)   # the distinct new types, in id order (a mask:
        seen[types[todo]] = True          # np.unique of millions of ids is far slower)
        new = np.flatnonzero(seen).tolist()
        norms = [self.vocab.types[t].casefold() for t in new]
        need_stem = self.stemmer is not None and (self.stem_terms or self.negation.stems)
        stems: list[str | None] = norms
        if need_stem:
            # stem only the words whose stem may be a cue's or a negator's (the rest: None)
            known, may = self.stemmer.cache, self.may_stem
            todo = [n for n in norms if n not in known and (may is None or may(n))]
            found = dict(zip(todo, self.stemmer.stem_many(todo)))
            stems = [known.get(n) or found.get(n) for n in norms]
        fold, stem, prefixes = self.fold_terms, self.stem_terms, self.prefix_terms
        classify, forms, neg_stems = self.negation.classify, self.negation.forms, self.negation.stems
        for t, norm, s in zip(new, norms, stems):
            found = []
            if norm in fold:
                found.append(fold[norm])
            if s in stem:
                found.append(stem[s])
            for p, tid in prefixes:
                if norm.startswith(p):
                    found.append(tid)
            if found:
                self._type_terms[t] = tuple(found)
            if norm in forms or s in neg_stems:   # most words have no negation role
                flags, phrase = classify(norm, s)
                if flags:
                    self._negflags[t], self._negphrase[t] = flags, phrase
        self._classified[new] = True
        self._tables = None

    def _term_tables(self) -> tuple[np.ndarray, ...]:
        """``(count, ptr, flat, later)`` over word types: how many terms each type
        satisfies, CSR pointers and term ids, and a bool matrix ``later[k, type]`` for the
        terms in non-first positions of phrases (``self.later_terms[k]``)."""
        if self._tables is None:
            n = len(self._classified)
            count = np.zeros(n, dtype=np.int64)
            items = sorted(self._type_terms.items())
            tids = np.asarray([t for t, _ in items], dtype=np.int64)
            sizes = np.asarray([len(v) for _, v in items], dtype=np.int64)
            count[tids] = sizes
            ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(count, out=ptr[1:])
            flat = np.asarray([x for _, v in items for x in v], dtype=np.int64)
            later = np.zeros((len(self.later_terms), n), dtype=bool)
            if len(self.later_terms):
                row = np.full(len(self.terms), -1, dtype=np.int64)
                row[self.later_terms] = np.arange(len(self.later_terms))
                pair_type = np.repeat(tids, sizes)
                r = row[flat] if len(flat) else np.zeros(0, dtype=np.int64)
                later[r[r >= 0], pair_type[r >= 0]] = True
            self._tables = (count, ptr, flat, later)
        return self._tables

    # -- matching ---------------------------------------------------------------------
    def match(self, texts: Sequence[str], window: int) -> dict[str, np.ndarray]:
        """All matches in ``texts``: arrays ``passage, unit, start, end, negated`` (offsets
        relative to each text)."""
        bounds, begin, size = [], 0, 0
        for i, text in enumerate(texts):
            size += len(text) + len(_SEP)
            if size >= _CHUNK_CHARS or i == len(texts) - 1:
                bounds.append((begin, i + 1))
                begin, size = i + 1, 0
        # tokenise every batch first and classify all their new word types at once (so that
        # a large first run stems them in parallel), then match batch by batch
        batches = [(texts[a:b], _SEP.join(texts[a:b])) for a, b in bounds]
        arrays = [self.vocab.tokenize(big) for _, big in batches]
        if arrays:
            self._classify(np.concatenate([a.type for a in arrays]))
        parts = []
        for (a, _), (chunk, big), arr in zip(bounds, batches, arrays):
            res = self._match_chunk(chunk, big, arr, window)
            res["passage"] = res["passage"] + a
            parts.append(res)
        if not parts:
            return {k: np.zeros(0, dtype=bool if k == "negated" else np.int64)
                    for k in ("passage", "unit", "start", "end", "negated")}
        if len(parts) == 1:
            return parts[0]
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    def _phrase_matches(self, tok: np.ndarray, term: np.ndarray, arr: TokenArrays,
                        later: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """``(first token, last token, unit)`` arrays of the phrase cues in one batch:
        consecutive tokens with whitespace only between them."""
        tok_start, types, ntok = arr.start, arr.type, len(arr.type)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        sel = np.isin(term, self.first_multi)
        mt, mterm = tok[sel], term[sel]
        small = np.int16 if len(self.terms) < 2 ** 15 else np.int64  # 16 bits: radix sort
        order = np.argsort(mterm.astype(small), kind="stable")
        mt, mterm = mt[order], mterm[order]
        bounds = np.searchsorted(mterm, np.arange(len(self.terms) + 1))
        later_row = {t: k for k, t in enumerate(self.later_terms)}
        # gap_ok[i]: only whitespace between token i and token i + 1 (breaks never
        # fall inside tokens, so counting breaks before each start is enough)
        nbreak = np.searchsorted(arr.breaks, tok_start)
        gap_ok = np.r_[nbreak[1:] == nbreak[:-1], False]
        for tids, unit_ids in self.multi:
            cand = mt[bounds[tids[0]]:bounds[tids[0] + 1]]
            n = len(tids)
            cand = cand[cand + n - 1 < ntok]
            for k in range(1, n):
                if not len(cand):
                    break
                nxt = cand + k
                ok = later[later_row[tids[k]], types[nxt]]
                ok &= gap_ok[nxt - 1]
                cand = cand[ok]
            for u in unit_ids:
                found.append((cand, cand + n - 1, np.full(len(cand), u, dtype=np.int64)))
        return found

    def _match_chunk(self, texts: Sequence[str], big: str, arr: TokenArrays, window: int) -> dict[str, np.ndarray]:
        """Matches in one batch: ``big`` is ``texts`` joined by ``_SEP``, ``arr`` its tokens."""
        tlens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        pstart = np.cumsum(tlens + len(_SEP)) - (tlens + len(_SEP))
        tok_start, tok_end, types = arr.start, arr.end, arr.type
        ptok = np.searchsorted(tok_start, pstart)          # first token of each passage
        count, ptr, flat, later = self._term_tables()

        # (token, term) pairs of every token that satisfies a term
        tcount = count[types]
        hit = np.flatnonzero(tcount)
        hcount = tcount[hit]
        tok = np.repeat(hit, hcount)
        within = np.arange(len(tok)) - np.repeat(np.cumsum(hcount) - hcount, hcount)
        term = flat[np.repeat(ptr[types[hit]], hcount) + within]

        # one-token cues: each pair -> the units of its term
        ucount = self.single_ptr[term + 1] - self.single_ptr[term]
        firsts = [np.repeat(tok, ucount)]
        within = np.arange(len(firsts[0])) - np.repeat(np.cumsum(ucount) - ucount, ucount)
        units = [self.single_units[np.repeat(self.single_ptr[term], ucount) + within]]
        lasts = [firsts[0]]

        # phrases: consecutive tokens, whitespace only between them
        if self.multi:
            for f, la, u in self._phrase_matches(tok, term, arr, later):
                firsts.append(f)
                lasts.append(la)
                units.append(u)

        first = np.concatenate(firsts)
        last = np.concatenate(lasts)
        unit = np.concatenate(units)
        pas = np.searchsorted(ptok, first, side="right") - 1
        cs = tok_start[first]
        ce = tok_end[last]

        # regex cues: per passage (so ^ and $ anchor at its bounds), mapped to tokens
        if self.regexes:
            r_pas, r_cs, r_ce, r_u = self._match_regexes(texts, pstart)
            if len(r_u):
                r_first = np.searchsorted(tok_end, r_cs, side="right")  # first token ending after start
                cs = np.concatenate([cs, r_cs]); ce = np.concatenate([ce, r_ce])
                unit = np.concatenate([unit, r_u]); pas = np.concatenate([pas, r_pas])
                first = np.concatenate([first, r_first])

        ops = find_operators(types, self._negflags, self._negphrase, self.negation,
                             tok_start=tok_start, breaks=arr.breaks, window=window)
        negated = negated_matches(first, ce, pas, ptok, tok_end, ops, window)

        # near cues: pair the two sides within the same passage
        if len(self.near_rules) and len(unit):
            side_mask = self.unit_near[unit] >= 0
            if side_mask.any():
                add = self._pair_near(pas[side_mask], unit[side_mask], first[side_mask],
                                      cs[side_mask], ce[side_mask], negated[side_mask],
                                      tok_end, ops)
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

    def _match_regexes(self, texts: Sequence[str], pstart: np.ndarray) -> tuple[np.ndarray, ...]:
        """Regex matches passage by passage: ``(passage, start, end, unit)`` arrays with
        offsets into the joined batch. Each search runs under :data:`REGEX_TIMEOUT`
        seconds; a cue that exceeds it raises :class:`~qualkit.errors.CodebookError`."""
        found: list[tuple[int, int, int, int]] = []
        for rx, u in self.regexes:
            for i, text in enumerate(texts):
                base = int(pstart[i])
                try:
                    found.extend((i, base + m.start(), base + m.end(), u)
                                 for m in rx.finditer(text, timeout=REGEX_TIMEOUT) if m.end() > m.start())
                except TimeoutError:
                    raise _regex_timeout(self.units[u], rx.pattern, text) from None
        a = np.asarray(found, dtype=np.int64).reshape(-1, 4)
        return a[:, 0], a[:, 1], a[:, 2], a[:, 3]

    def _pair_near(self, pas, unit, first, cs, ce, negated, tok_end, ops: Operators) -> list[tuple[int, ...]]:
        """Combine the two sides of near cues; the result unit is the side-1 unit.

        The pair is negated when the earlier side is, or when a negation lies between the
        two sides in the later side's clause (*the data lineage is not clear*; not *it was
        recorded, no problem. But the victim's name*): no punctuation between the negator
        and the later side, and its chain negates (:mod:`qualkit.coding.negation`; *not
        without* does not). Negators that are part of a side (``paspor NEAR tidak ada``) do
        not count, nor do the language's ``not_negators`` (*sebelum*, "before", stems to
        *belum*)."""
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
                    inside = ops.negates_between(int(last[a]), int(first[b]))
                    out.append((p, main_unit, span[0], span[1], int(negated[a] or inside)))
        return out


class Matcher:
    """A codebook compiled for matching; build with :func:`compile_codebook`.

    Holds one term set per language (built the first time that language is seen), the
    compiled terms of each code, cached by the code's content hash, and the vocabulary of
    word types seen so far. Picklable, so it can be shipped to worker processes.
    """

    def __init__(self, book: Codebook, *, cache_dir: Any = None,
                 key_cache: dict[tuple[str, str], list] | None = None,
                 vocab: Vocabulary | None = None) -> None:
        self.book = book
        self.codebook_hash = book.hash
        self.code_ids = [c.id for c in book.codes]
        self.cache_dir = cache_dir
        self._key_cache: dict[tuple[str, str], list] = dict(key_cache or {})
        self._langs: dict[str, _LangMatcher] = {}
        self._stemmers: dict[str, Stemmer | None] = {}
        self.vocab = vocab if vocab is not None else Vocabulary()
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
            unit_kw = {"label": cue_label(cue), "exclude": bool(cue.exclude), "negation": negation,
                       "code_id": code.id, "line": cue.line}
            if cue.kind == "regex":
                flags = 0 if cue.case else regex.IGNORECASE
                out.append((unit_kw, None, [(0, "regex", regex.compile(cue.pattern, flags))]))
                continue
            if cue.kind == "near":
                entries = [(1, "key", k) for k in self._keys(cue.pattern, cue.match, lm)]
                entries += [(2, "key", k) for k in self._keys(cue.near or "", cue.match, lm)]
                out.append((unit_kw, int(cue.window), entries))
                continue
            out.append((unit_kw, None, [(0, "key", k) for k in self._keys(cue.pattern, cue.match, lm)]))
        return out

    @staticmethod
    def _keys(pattern: str, match: str, lm: _LangMatcher) -> list[_Seq]:
        """The term sequences of a word/phrase pattern (one per ``|`` alternative)."""
        keys = []
        for alt in alternatives(pattern):
            norms = [t[2] for t in tokenize(alt)]
            if not norms:
                continue
            if match == "stem":
                keys.append(tuple(("stem", lm.stem_token(n)) for n in norms))
            elif match == "prefix":
                keys.append(tuple(("fold", n) for n in norms[:-1]) + (("prefix", norms[-1]),))
            else:
                keys.append(tuple(("fold", n) for n in norms))
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
        counted = counts(lm.unit_neg[res["unit"]], res["negated"])
        codes = lm.unit_code[res["unit"]]
        excluded = set(codes[counted & lm.unit_excl[res["unit"]]].tolist())
        hit = set(codes[counted & ~lm.unit_excl[res["unit"]]].tolist())
        return {self.code_ids[c] for c in hit - excluded}

    def __repr__(self) -> str:
        return f"Matcher({self.book.name!r}, {len(self.code_ids)} codes, hash={self.codebook_hash})"


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
    if cache_dir == "default":
        cache_dir = default_cache_dir()
    matcher = Matcher(book, cache_dir=cache_dir, key_cache=reuse._key_cache if reuse else None,
                      vocab=reuse.vocab if reuse else None)
    if reuse is not None:
        for lang, st in reuse._stemmers.items():
            if st is not None and st.cache_dir == matcher.cache_dir:
                matcher._stemmers[lang] = st
    return matcher


__all__ = ["DEFAULT_NEGATORS", "Matcher", "Mention", "compile_codebook", "code_content_hash",
           "cue_label", "alternatives"]


"""Check a codebook against its own examples (and a corpus), and find cues that collide.

Every example in the codebook is run through the compiled matcher: a positive example
must be coded with its code, a negative one must not (for a code without cues, a hit on
any of its descendants counts). Between unrelated codes (neither is the other's
ancestor) it reports:

- ``pattern`` (error): the same cue pattern, so the same words always carry both codes;
- ``contained`` (warning): one code's cue inside another's (``email`` vs ``email
  list``): every match of the longer cue also codes the shorter one's code;
- ``example`` (warning): both fire on one code's positive example (often fine, e.g. a
  factor and a stage).

Per code (``issues``): a code with cues but no examples is a warning, a codebook with no
example at all an error (nothing was checked). Given a corpus, also: regex cues that
match no passage (warning; an anchor or a typo) and stem cues that also match frequent
words which are not inflections of the cue word (warning: Snowball stems ``definition``
and ``definite`` alike; use ``match: exact`` or a phrase).

``CheckReport.ok`` is true when every example gives the expected result and there is no
error. ``qualkit codebook check FILE [--corpus DATA]`` prints the report and exits 1
when it is not ok.

Example
-------
>>> from qualkit.codebook.model import Codebook, Code, Cue, Example
>>> code = Code(id="fear", name="Fear", cues=(Cue("takut"),),
...             examples=(Example("Saya ketakutan."), Example("Saya tidak takut.", positive=False)))
>>> report = check_codebook(Codebook(name="d", codes=(code,)))
>>> report.ok, len(report.examples)
(True, 2)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd
import regex

from qualkit.codebook.model import Codebook, Cue
from qualkit.coding.matcher import REGEX_TIMEOUT, Matcher, alternatives, compile_codebook, cue_label
from qualkit.coding.tokens import Stemmer
from qualkit.corpus import Corpus
from qualkit.text import SNOWBALL_LANGUAGES, tokenize

EXAMPLE_COLUMNS = ("code_id", "text", "lang", "expected", "got", "ok", "codes")
COLLISION_COLUMNS = ("code_a", "code_b", "kind", "detail", "severity")
ISSUE_COLUMNS = ("code_id", "kind", "detail", "severity")
INFLECTIONS = {"en": ("", "s", "es", "ed", "d", "ing", "'s", "’s", "er", "ers", "est", "ly")}
"""Endings that make a word an inflection of a stem cue's word (not an unrelated word)."""
STEM_SHARE = 0.05
"""An unrelated word sharing a cue's stem is reported when it makes up this share of the
cue's matches in the corpus (and occurs at least twice)."""


@dataclass(frozen=True)
class CheckReport:
    """Result of :func:`check_codebook`.

    ``examples``: one row per example, columns ``code_id, text, lang, expected, got, ok,
    codes`` (``codes``: every code the example triggered, ``;``-joined).
    ``collisions``: ``code_a, code_b, kind`` (``pattern``, ``contained`` or ``example``),
    ``detail``, ``severity`` (``error`` or ``warning``).
    ``issues``: ``code_id, kind`` (``no_examples``, ``regex_unmatched``, ``stem_collision``),
    ``detail``, ``severity``.
    """

    codebook: str
    examples: pd.DataFrame
    collisions: pd.DataFrame
    issues: pd.DataFrame

    @property
    def failures(self) -> pd.DataFrame:
        """The examples that did not give the expected result."""
        return self.examples.loc[~self.examples["ok"]]

    @property
    def ok(self) -> bool:
        """True when every example passes and nothing is an error."""
        errors = (self.collisions["severity"] == "error").any() or (self.issues["severity"] == "error").any()
        return bool(self.examples["ok"].all()) and not errors

    def __str__(self) -> str:
        n, bad = len(self.examples), len(self.failures)
        lines = [f"codebook {self.codebook}: {n - bad}/{n} examples ok" + ("" if self.ok else "  -> NOT OK")]
        for row in self.failures.itertuples():
            want = "should be coded" if row.expected else "should NOT be coded"
            lines.append(f"  FAIL {row.code_id}: {row.text!r} ({row.lang}) {want}; got codes: {row.codes or '-'}")
        col = self.collisions
        for row in col.loc[col["severity"] == "error"].itertuples():
            lines.append(f"  COLLISION {row.code_a} / {row.code_b}: {row.detail}")
        for row in col.loc[col["kind"] == "contained"].itertuples():
            lines.append(f"  WARNING {row.code_a} / {row.code_b}: {row.detail}")
        overlaps = int((col["kind"] == "example").sum())
        if overlaps:
            lines.append(f"  {overlaps} example overlap(s) between unrelated codes (warnings; see .collisions)")
        for row in self.issues.itertuples():
            lines.append(f"  {'ERROR' if row.severity == 'error' else 'WARNING'} {row.code_id}: {row.detail}")
        warnings = int((col["severity"] == "warning").sum() + (self.issues["severity"] == "warning").sum())
        if self.ok:
            lines.append("  all checks passed" if not warnings else f"  ok, with {warnings} warning(s)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<pre>{self}</pre>"
        return head + (self.failures.to_html(index=False) if len(self.failures) else "")


def _ancestors(book: Codebook, code_id: str) -> set[str]:
    out: set[str] = set()
    current = book.code(code_id).parent
    while current is not None and current not in out and current in book:
        out.add(current)
        current = book.code(current).parent
    return out


def check_codebook(book: Codebook, *, corpus: Corpus | None = None, cache_dir: Any = None) -> CheckReport:
    """Run every example of ``book`` through its matcher, look for cue collisions, and
    (given a ``corpus``) for regex cues that match nothing and stems shared with
    unrelated frequent words. ``cache_dir``: the stemmers' disk cache (default: memory only).
    """
    matcher = compile_codebook(book, cache_dir=cache_dir)
    ancestors = {c.id: _ancestors(book, c.id) for c in book.codes}

    def related(a: str, b: str) -> bool:
        return a == b or a in ancestors[b] or b in ancestors[a]

    rows, overlaps = _run_examples(book, matcher, ancestors, related)
    overlaps += _cue_collisions(book, matcher, related)
    issues = _missing_examples(book)
    if corpus is not None:
        issues += _unmatched_regexes(book, corpus) + _stem_collisions(book, corpus)
    examples = pd.DataFrame(rows, columns=list(EXAMPLE_COLUMNS)).astype({"expected": bool, "got": bool, "ok": bool})
    return CheckReport(codebook=book.name, examples=examples,
                       collisions=pd.DataFrame(overlaps, columns=list(COLLISION_COLUMNS)),
                       issues=pd.DataFrame(issues, columns=list(ISSUE_COLUMNS)))


def _run_examples(book, matcher, ancestors, related) -> tuple[list[dict], list[dict]]:
    rows, overlaps = [], []
    for c in book.codes:
        for ex in c.examples:
            hit = matcher.codes_in(ex.text, lang=ex.lang)
            with_parents = set(hit).union(*(ancestors[h] for h in hit)) if hit else set()
            got = c.id in with_parents
            rows.append({"code_id": c.id, "text": ex.text, "lang": ex.lang, "expected": ex.positive,
                         "got": got, "ok": got == ex.positive, "codes": ";".join(sorted(hit))})
            if ex.positive:
                overlaps += [{"code_a": c.id, "code_b": other, "kind": "example",
                              "detail": f"positive example {ex.text!r} also codes {other}", "severity": "warning"}
                             for other in sorted(hit) if not related(c.id, other)]
    return rows, overlaps


def _cue_terms(book: Codebook, matcher: Matcher) -> list[tuple[str, Cue, str, tuple]]:
    """``(code_id, cue, lang, terms)`` of every word/phrase alternative (regex: its
    pattern as the only term) of the non-exclusion cues, per language they apply to."""
    out = []
    for c in book.codes:
        for cue in c.cues:
            if cue.exclude:
                continue
            for lang in (book.languages if cue.lang == "any" else (cue.lang,)):
                if cue.kind == "regex":
                    out.append((c.id, cue, lang, (("regex", cue.pattern),)))
                    continue
                lm = matcher.for_language(lang)
                for seq in matcher._keys(cue.pattern, cue.match, lm):
                    near = matcher._keys(cue.near, cue.match, lm) if cue.kind == "near" and cue.near else [()]
                    for other in near:
                        extra = (("near", str(cue.window)), *other) if cue.kind == "near" else ()
                        out.append((c.id, cue, lang, seq + extra))
    return out


def _inside(short: tuple, long: tuple, negators: frozenset[str]) -> bool:
    """Whether ``short`` occurs in ``long`` with no negator before it there (``takut``
    is not inside ``tidak takut``: the negator keeps the shorter cue from counting)."""
    n = len(short)
    return n < len(long) and any(long[i:i + n] == short and not any(v in negators for _, v in long[:i])
                                 for i in range(len(long) - n + 1))


def _cue_collisions(book: Codebook, matcher: Matcher, related) -> list[dict]:
    """Identical cues (errors) and cues inside other codes' cues (warnings)."""
    terms = _cue_terms(book, matcher)
    out, seen = [], set()
    for i, (a, cue_a, lang_a, ta) in enumerate(terms):
        for b, cue_b, lang_b, tb in terms[i + 1:] + terms[:i]:
            if lang_a != lang_b or related(a, b):
                continue
            same = ta == tb and (b, a) not in seen and (a, b) not in seen
            if same:
                seen.add((a, b))
                out.append({"code_a": a, "code_b": b, "kind": "pattern", "severity": "error",
                            "detail": f"both have the {cue_a.kind} cue {_words(ta)!r} ({lang_a})"})
            elif ("regex" not in (ta[0][0], tb[0][0]) and "near" not in {m for m, _ in ta}
                  and _inside(ta, tb, matcher.for_language(lang_a).negator_stems)):
                out.append({"code_a": a, "code_b": b, "kind": "contained", "severity": "warning",
                            "detail": f"{_words(ta)!r} (cue {cue_a.pattern!r} of {a}) lies inside cue "
                                      f"{cue_label(cue_b)!r} of {b} "
                                      f"({lang_a}): every match of the longer cue also codes {a}"})
    return list({(r["code_a"], r["code_b"], r["detail"]): r for r in out}.values())


def _words(terms: tuple) -> str:
    return " ".join(v for _, v in terms)


def _missing_examples(book: Codebook) -> list[dict]:
    if not any(c.examples for c in book.codes):
        return [{"code_id": "(codebook)", "kind": "no_examples", "severity": "error",
                 "detail": "no code has examples, so nothing was checked: add a positive and a "
                           "negative example sentence to each code"}]
    return [{"code_id": c.id, "kind": "no_examples", "severity": "warning",
             "detail": "has cues but no examples: add example sentences so check can test its cues"}
            for c in book.codes if c.cues and not c.examples]


def _texts(corpus: Corpus, lang: str) -> list[str]:
    langs = {d.id: d.language for d in corpus.documents}
    return [p.text for p in corpus.passages if lang == "any" or langs[p.doc_id] == lang]


def _unmatched_regexes(book: Codebook, corpus: Corpus) -> list[dict]:
    out = []
    for c in book.codes:
        for cue in c.cues:
            if cue.kind != "regex":
                continue
            rx = regex.compile(cue.pattern, 0 if cue.case else regex.IGNORECASE)
            texts = _texts(corpus, cue.lang)
            try:
                hit = any(rx.search(t, timeout=REGEX_TIMEOUT) for t in texts)
            except TimeoutError:
                out.append({"code_id": c.id, "kind": "regex_slow", "severity": "error",
                            "detail": f"regex cue {cue.pattern!r} (line {cue.line}) took more than "
                                      f"{REGEX_TIMEOUT:g} s on one passage: simplify it"})
                continue
            if not hit:
                out.append({"code_id": c.id, "kind": "regex_unmatched", "severity": "warning",
                            "detail": f"regex cue {cue.pattern!r} (line {cue.line}) matches none of the "
                                      f"{len(texts):,} {cue.lang} passages of the corpus"})
    return out


def _inflection(a: str, b: str, tails: tuple[str, ...]) -> bool:
    """Whether one of two words is the other plus an inflection (``use``/``using``)."""
    short, long = sorted((a, b), key=len)
    bases = {short, short[:-1] if short.endswith("e") else short, short + short[-1:]}
    return any(long.startswith(x) and long[len(x):] in tails for x in bases)


def _stem_collisions(book: Codebook, corpus: Corpus) -> list[dict]:
    """Stem cues whose stem also covers frequent corpus words that are not inflections
    of the cue word (languages with :data:`INFLECTIONS`)."""
    out = []
    for lang, tails in INFLECTIONS.items():
        cues = [(c.id, cue, w) for c in book.codes for cue in c.cues
                if cue.kind in ("word", "phrase", "near") and cue.match == "stem" and not cue.exclude
                and cue.lang in (lang, "any") and lang in SNOWBALL_LANGUAGES
                for alt in alternatives(cue.pattern) + (alternatives(cue.near) if cue.near else [])
                for _, _, w in tokenize(alt)]
        if not cues:
            continue
        counts = Counter(t[2] for text in _texts(corpus, lang) for t in tokenize(text))
        stemmer = Stemmer(lang, cache_dir=None)
        forms: dict[str, list[str]] = {}
        for word, stem in zip(counts, stemmer.stem_many(list(counts))):
            forms.setdefault(stem, []).append(word)
        for code_id, cue, word in dict.fromkeys(cues):
            same = forms.get(stemmer.stem(word), [])
            total = sum(counts[f] for f in same)
            odd = sorted((f for f in same if not _inflection(word, f, tails)
                          and counts[f] >= 2 and counts[f] >= STEM_SHARE * total), key=lambda f: -counts[f])
            if odd:
                listed = ", ".join(f"{f!r} ({counts[f]}x)" for f in odd[:5])
                out.append({"code_id": code_id, "kind": "stem_collision", "severity": "warning",
                            "detail": f"stem cue {word!r} (line {cue.line}) also matches {listed} of "
                                      f"{total} matching words in the corpus: use match: exact or a phrase "
                                      "if these are not what the code means"})
    return out


__all__ = ["CheckReport", "check_codebook"]

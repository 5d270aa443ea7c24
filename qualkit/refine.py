"""Help to refine a code: what the cues missed, and which words would catch it.

:func:`missed_terms` compares the passages a person coded with a code but the
auto-coder did not (the *misses*) with the passages the person did not code with it
(the *reference*), and ranks the words and two-word phrases over-represented in the
misses by log-likelihood keyness (G2, Dunning 1993; Rayson & Garside 2000). Words are
grouped by stem (qualkit's own tokenizer and stemmers), so *threat*, *threats* and
*threatened* are one candidate. For each candidate cue it says how many misses it would
recover and how many new false hits it would bring on the person-coded passages, with
keyword-in-context lines to judge it by.

:func:`near_misses` lists passages a fitted :class:`~qualkit.coding.suggest.CodeSuggester`
thinks likely for the code but no cue matched: places to look for a missing cue.

Example
-------
>>> import pandas as pd
>>> texts = ["they threatened my family", "he threatens us daily", "the food was fine",
...          "threats every night", "we cooked rice", "my family is far"]
>>> doc = Document(id="d", text="\\n".join(texts), language="en")
>>> starts = [sum(len(t) + 1 for t in texts[:i]) for i in range(len(texts))]
>>> corpus = Corpus(documents=(doc,), passages=tuple(Passage("d", f"d#p{i}", s, s + len(t)).with_text(doc)
...                                                   for i, (s, t) in enumerate(zip(starts, texts))))
>>> human = pd.DataFrame({"passage_id": ["d#p0", "d#p1", "d#p3"], "code_id": "threat"})
>>> auto = pd.DataFrame({"passage_id": ["d#p3"], "code_id": ["threat"]})
>>> terms = missed_terms("threat", human, auto, corpus, min_count=2)
>>> terms.loc[0, "term"], int(terms.loc[0, "recovers"]), int(terms.loc[0, "false_hits"])
('threaten', 2, 0)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qualkit.coding.tokens import Stemmer, supported_languages, tokenize
from qualkit.corpus import Corpus, Document, Passage  # noqa: F401  (Document, Passage: doctest)
from qualkit.errors import QualkitError, check_param

__all__ = ["MISSED_TERM_COLUMNS", "NEAR_MISS_COLUMNS", "missed_terms", "near_misses", "log_likelihood"]

MISSED_TERM_COLUMNS = ("term", "forms", "g2", "missed", "reference", "recovers", "false_hits", "kwic")
NEAR_MISS_COLUMNS = ("passage_id", "doc_id", "probability", "human", "text")


def log_likelihood(a: Any, b: Any, c: Any, d: Any) -> np.ndarray:
    """G2 keyness of a term seen ``a`` times in ``c`` target tokens and ``b`` in ``d`` reference.

    >>> round(float(log_likelihood(10, 10, 100, 1000)), 2)
    22.14
    """
    a, b, c, d = (np.asarray(v, dtype=float) for v in (a, b, c, d))
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2.0 * (t1 + t2)


@dataclass(frozen=True)
class _Terms:
    """Per passage: the set of terms it contains, their first offsets, and token counts."""

    occurrences: dict[str, dict[str, list[tuple[int, int]]]]   # passage -> term -> spans
    forms: dict[str, Counter]                                  # term -> surface forms
    tokens: dict[str, int]                                     # passage -> token count


def _terms(frame: pd.DataFrame, ngram: int) -> _Terms:
    occurrences: dict[str, dict[str, list[tuple[int, int]]]] = {}
    forms: dict[str, Counter] = defaultdict(Counter)
    tokens: dict[str, int] = {}
    stemmers: dict[str, Stemmer] = {}
    known = set(supported_languages())
    for pid, text, lang in zip(frame["passage_id"], frame["text"], frame["language"]):
        toks = tokenize(text)
        lang = lang if lang in known else "en"
        stemmer = stemmers.get(lang) or stemmers.setdefault(lang, Stemmer(lang, cache_dir=None, workers=1))
        stems = stemmer.stem_many([t[2] for t in toks])
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for n in range(1, ngram + 1):
            for i in range(len(toks) - n + 1):
                term = " ".join(stems[i:i + n])
                span = (toks[i][0], toks[i + n - 1][1])
                found[term].append(span)
                forms[term][text[span[0]:span[1]].casefold()] += 1
        occurrences[pid] = dict(found)
        tokens[pid] = len(toks)
    return _Terms(occurrences, dict(forms), tokens)


def _ids(frame: pd.DataFrame, code_id: str) -> set[str]:
    return set(frame.loc[frame["code_id"].astype(str) == code_id, "passage_id"].astype(str))


def _universe(corpus: Corpus, passages: Iterable[str] | None) -> pd.DataFrame:
    if not isinstance(corpus, Corpus):
        raise QualkitError(f"missed_terms needs a Corpus; got {type(corpus).__name__}",
                           hint="pass the corpus the codings were made on")
    frame = corpus.passages_frame()
    if passages is not None:
        keep = {str(p) for p in passages}
        frame = frame[frame["passage_id"].isin(keep)]
    return frame.reset_index(drop=True)


def _tally(terms: _Terms, group: list[str]) -> tuple[Counter, Counter]:
    """Occurrences of each term in the group's passages, and how many passages hold it."""
    tokens: Counter = Counter()
    passages_with: Counter = Counter()
    for p in group:
        for term, spans in terms.occurrences[p].items():
            tokens[term] += len(spans)
            passages_with[term] += 1
    return tokens, passages_with


def _kwic(text: str, spans: list[tuple[int, int]], width: int) -> str:
    s, e = spans[0]
    left = " ".join(text[max(0, s - width):s].split())
    right = " ".join(text[e:e + width].split())
    return f"{left} [{text[s:e]}] {right}".strip()


def missed_terms(
    code_id: str,
    human: pd.DataFrame,
    auto: pd.DataFrame,
    corpus: Corpus,
    *,
    passages: Iterable[str] | None = None,
    ngram: int = 2,
    min_count: int = 2,
    max_reference_share: float = 0.2,
    top: int = 20,
    kwic_lines: int = 3,
    width: int = 40,
) -> pd.DataFrame:
    """Words and phrases over-represented in the passages a person coded but the cues missed.

    Parameters
    ----------
    code_id : the code to refine.
    human, auto : codings tables (``passage_id, code_id``) of the person and the auto-coder.
    corpus : the corpus (texts and languages).
    passages : the passages the person coded (default: the whole corpus). Only they count.
    ngram : longest phrase, in words (1: single words).
    min_count : a candidate must occur in at least this many missed passages.
    max_reference_share : drop terms found in more than this share of the reference
        passages (function words, the study's topic words).
    top : how many candidates to return (best G2 first).

    Returns columns :data:`MISSED_TERM_COLUMNS`: ``term`` (stems), ``forms`` (surface
    forms seen, most common first), ``g2`` (keyness, token counts), ``missed`` /
    ``reference`` (passages containing it in each group), ``recovers`` (misses it would
    code), ``false_hits`` (person-negative passages it would newly code, those the
    auto-coder has not coded with this code already), ``kwic`` (lines from the misses).
    """
    check_param("missed_terms", "ngram", ngram, ok=isinstance(ngram, int) and 1 <= ngram <= 4,
                rule="an int in [1, 4]")
    check_param("missed_terms", "min_count", min_count, ok=isinstance(min_count, int) and min_count >= 1,
                rule="an int >= 1")
    frame = _universe(corpus, passages)
    positives, predicted = _ids(human, code_id), _ids(auto, code_id)
    if not positives:
        raise QualkitError(f"the person coded no passage with {code_id!r}",
                           hint="check the code id and the human codings table")
    ids = frame["passage_id"].tolist()
    misses = [p for p in ids if p in positives and p not in predicted]
    reference = [p for p in ids if p not in positives]
    if not misses:
        return pd.DataFrame(columns=list(MISSED_TERM_COLUMNS))
    terms = _terms(frame, ngram)
    texts = dict(zip(frame["passage_id"], frame["text"]))

    miss_tok, miss_pass = _tally(terms, misses)
    ref_tok, ref_pass = _tally(terms, reference)
    c = sum(terms.tokens[p] for p in misses)
    d = sum(terms.tokens[p] for p in reference)
    rows = []
    for term, n_pass in miss_pass.items():
        if n_pass < min_count or (reference and ref_pass[term] > max_reference_share * len(reference)):
            continue
        a, b = miss_tok[term], ref_tok[term]
        if d and a / c <= b / d:
            continue                                        # not over-represented
        false_hits = sum(1 for p in reference if term in terms.occurrences[p] and p not in predicted)
        lines = [_kwic(texts[p], terms.occurrences[p][term], width) for p in misses
                 if term in terms.occurrences[p]][:kwic_lines]
        forms = "; ".join(f for f, _ in terms.forms[term].most_common(4))
        rows.append((term, forms, float(log_likelihood(a, b, c, max(d, 1))), n_pass, ref_pass[term],
                     n_pass, false_hits, lines))
    out = pd.DataFrame(rows, columns=list(MISSED_TERM_COLUMNS))
    out = out.sort_values(["g2", "recovers", "term"], ascending=[False, False, True], kind="stable")
    out = out.head(top).reset_index(drop=True)
    out.attrs.update({"code_id": code_id, "n_missed": len(misses), "n_reference": len(reference)})
    return out


def near_misses(
    code_id: str,
    auto: pd.DataFrame,
    corpus: Corpus,
    suggester: Any,
    *,
    human: pd.DataFrame | None = None,
    passages: Iterable[str] | None = None,
    threshold: float = 0.5,
    top: int = 20,
) -> pd.DataFrame:
    """Passages the suggester finds likely for ``code_id`` (>= ``threshold``) but no cue coded.

    ``human`` (optional): whether the person coded each one (``True``/``False``; ``None``
    when no human table is given). Columns :data:`NEAR_MISS_COLUMNS`, most probable first.
    """
    check_param("near_misses", "threshold", threshold, ok=0.0 <= threshold <= 1.0, rule="a float in [0, 1]")
    frame = _universe(corpus, passages)
    classes = list(getattr(suggester, "classes_", []))
    if code_id not in classes:
        raise QualkitError(f"the suggester has not learned code {code_id!r}",
                           hint="fit it on codings that include this code, or check the id")
    probs = suggester.predict_proba(frame)[code_id]
    predicted = _ids(auto, code_id)
    positives = _ids(human, code_id) if human is not None else None
    out = frame.assign(probability=probs.to_numpy())
    out = out[(out["probability"] >= threshold) & ~out["passage_id"].isin(predicted)]
    out = out.assign(human=[None if positives is None else p in positives for p in out["passage_id"]])
    out = out.sort_values("probability", ascending=False, kind="stable").head(top)
    return out[list(NEAR_MISS_COLUMNS)].reset_index(drop=True)

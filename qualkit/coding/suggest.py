"""Code suggestions learned from manual codings: a small, explainable text classifier.

:class:`CodeSuggester` follows the scikit-learn estimator contract: ``__init__`` stores
parameters only, ``fit`` returns ``self``, learned state ends in ``_``, and using it
before ``fit`` raises :class:`~qualkit.errors.NotFittedError`.

Model: TF-IDF over stemmed word n-grams (Indonesian stems from Sastrawi, other
languages from Snowball, via :mod:`qualkit.coding.tokens`; lower-cased) plus TF-IDF over
character n-grams inside word boundaries (robust to affixes and typos), and one
class-weight-balanced logistic regression per code (one-vs-rest). A passage x code pair
is positive when anyone coded that code on that passage; every other fitted passage is
a negative for that code. :meth:`CodeSuggester.explain` lists the n-grams that weigh
most for a code.

Before anyone has coded, the suggester can learn from the codebook itself
(``fit(passages, codebook=book)``): each code's name, description, inclusion rule and
word/phrase cues make one positive *seed* text, each positive example another; a
negative example is a negative for its code. Seeds join the human codings when there
are some; with none, only the seeds are labelled (the passages still shape the TF-IDF
weights). A code with any seed is learned whatever ``min_examples`` says.

Passages come as a :class:`~qualkit.corpus.Corpus`, or a DataFrame with at least
``passage_id`` and ``text`` (optional ``language``, ``doc_id``, ``start``, ``end``, as in
``Corpus.passages_frame()``).

Example
-------
>>> import pandas as pd
>>> passages = pd.DataFrame({"passage_id": [f"p{i}" for i in range(8)],
...     "text": ["paspor saya ditahan", "saya takut pulang", "dokumen paspor disita",
...              "ketakutan setiap malam", "paspornya hilang", "takut diancam",
...              "KTP dan paspor ditahan", "saya merasa takut"], "language": "id"})
>>> codings = pd.DataFrame({"passage_id": ["p0", "p2", "p4", "p6", "p1", "p3", "p5", "p7"],
...     "code_id": ["documents"] * 4 + ["fear"] * 4})
>>> model = CodeSuggester(min_examples=2).fit(passages, codings)
>>> model.classes_.tolist()
['documents', 'fear']
>>> int(model.predict_proba(["mereka menahan paspor kami"]).argmax())
0
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from qualkit.coding.frame import codings_frame, empty_codings
from qualkit.coding.tokens import Stemmer, supported_languages, tokenize
from qualkit.corpus import Corpus
from qualkit.errors import NotFittedError, QualkitError

__all__ = ["CodeSuggester", "cross_validate_suggester", "evaluate_rankings", "seed_texts", "SUGGESTER_CODER"]

SUGGESTER_CODER = "suggester"
SEED_PREFIX = "__seed__/"
FEATURE_PARAMS = ("ngram_range", "char_ngram_range", "language", "stem", "max_features")
"""The parameters the features depend on (stored features are reused only while they hold)."""
METRIC_COLUMNS = ("code_id", "precision", "recall", "f1", "support", "predicted", "top_k_hit_rate")


# -- inputs ------------------------------------------------------------------------------------
def _passages(data: Any, *, what: str = "passages") -> pd.DataFrame:
    """Normalise a Corpus / passages DataFrame to a frame with passage_id, text, language."""
    if isinstance(data, Corpus):
        return data.passages_frame()
    if isinstance(data, pd.DataFrame):
        missing = [c for c in ("passage_id", "text") if c not in data.columns]
        if missing:
            raise QualkitError(
                f"{what} table lacks column(s) {missing}",
                hint="pass a Corpus or a DataFrame with passage_id and text (Corpus.passages_frame())",
            )
        if data["passage_id"].duplicated().any():
            dup = data.loc[data["passage_id"].duplicated(), "passage_id"].iloc[0]
            raise QualkitError(f"{what} table repeats passage_id {dup!r}",
                               hint="give every passage a unique id")
        frame = data.reset_index(drop=True).copy()
        frame["text"] = frame["text"].fillna("").astype(str)
        return frame
    raise QualkitError(
        f"The '{what}' parameter must be a Corpus or a passages DataFrame; got {type(data).__name__} instead",
        hint="use corpus or corpus.passages_frame()",
    )


def _check_int(name: str, owner: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise QualkitError(f"The '{name}' parameter of {owner} must be an int >= {low}; got {value!r} instead")


def _check_unit(name: str, owner: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 <= value <= 1.0:
        raise QualkitError(f"The '{name}' parameter of {owner} must be a float in [0, 1]; got {value!r} instead")


def _check_range(name: str, value: Any) -> None:
    ok = (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, Integral) for v in value)
          and 1 <= value[0] <= value[1])
    if not ok:
        raise QualkitError(
            f"The '{name}' parameter of CodeSuggester must be a tuple (min_n, max_n) with "
            f"1 <= min_n <= max_n; got {value!r} instead"
        )


def _positives(passage_ids: pd.Series, codings: pd.DataFrame) -> pd.DataFrame:
    """Boolean passage x code table (index = passage order) of who-ever-coded pairs."""
    if not isinstance(codings, pd.DataFrame):
        raise QualkitError(f"codings must be a codings DataFrame; got {type(codings).__name__}",
                           hint="pass a codings table, e.g. merge_codings(...) or sheet.to_frame()")
    missing = [c for c in ("passage_id", "code_id") if c not in codings.columns]
    if missing:
        raise QualkitError(f"codings table lacks column(s) {missing}",
                           hint="pass a codings table (qualkit.coding.frame)")
    known = codings[codings["passage_id"].isin(set(passage_ids))]
    codes = sorted(set(known["code_id"]))
    index = pd.Index(passage_ids, name="passage_id")
    if not codes:
        return pd.DataFrame(index=index, columns=[], dtype=bool)
    cross = pd.crosstab(known["passage_id"], known["code_id"]) > 0
    return cross.reindex(index=index, columns=codes, fill_value=False).astype(bool)


def seed_texts(codebook: Any) -> pd.DataFrame:
    """Seed training texts from a codebook: ``passage_id, text, language, code_id, positive``.

    >>> from qualkit.codebook.model import Code, Codebook, Cue, Example
    >>> book = Codebook(name="b", languages=("en",), codes=(Code(id="fear", name="Fear",
    ...     description="being afraid", cues=(Cue("scared", lang="en"),),
    ...     examples=(Example("I was terrified", lang="en"),)),))
    >>> seed_texts(book)[["text", "positive"]].values.tolist()
    [['Fear. being afraid. scared', True], ['I was terrified', True]]
    """
    if not hasattr(codebook, "codes"):
        raise QualkitError(f"The 'codebook' parameter must be a Codebook; got {type(codebook).__name__} instead",
                           hint="load it with qualkit.load_codebook(path)")
    default = codebook.languages[0] if codebook.languages else "en"
    rows = []
    for code in codebook.codes:
        words = [c.pattern for c in code.cues if c.kind in ("word", "phrase") and not c.exclude]
        parts = [code.name, code.description, code.inclusion, " ".join(words)]
        definition = ". ".join(p.strip() for p in parts if p and p.strip())
        if definition:
            rows.append((f"{SEED_PREFIX}{code.id}/0", definition, default, code.id, True))
        for k, ex in enumerate(code.examples, start=1):
            rows.append((f"{SEED_PREFIX}{code.id}/{k}", ex.text, ex.lang, code.id, ex.positive))
    return pd.DataFrame(rows, columns=["passage_id", "text", "language", "code_id", "positive"])


def _with_seeds(frame: pd.DataFrame, codings: pd.DataFrame | None,
                codebook: Any) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, set[str]]:
    """Passages + seed texts, codings + seed positives, the labelled-row mask, seeded codes."""
    labelled = np.full(len(frame), codings is not None)
    if codings is None:
        codings = pd.DataFrame({"passage_id": pd.Series(dtype=object), "code_id": pd.Series(dtype=object)})
    if codebook is None:
        return frame, codings, labelled, set()
    seeds = seed_texts(codebook)
    seed_rows = seeds.drop_duplicates("passage_id")[["passage_id", "text", "language"]]
    frame = pd.concat([frame, seed_rows], ignore_index=True)
    positive = seeds.loc[seeds["positive"], ["passage_id", "code_id"]]
    codings = pd.concat([codings[["passage_id", "code_id"]], positive], ignore_index=True)
    labelled = np.concatenate([labelled, np.ones(len(seed_rows), dtype=bool)])
    return frame, codings, labelled, set(positive["code_id"])


# -- the estimator -------------------------------------------------------------------------------
class CodeSuggester(BaseEstimator):
    """Suggest codes for passages from manual codings (TF-IDF + one-vs-rest logistic regression).

    Parameters
    ----------
    min_examples : codes coded on fewer passages are not learned (see ``skipped_codes_``).
    C : inverse regularisation strength of each logistic regression.
    ngram_range : word n-gram range over stemmed tokens.
    char_ngram_range : character n-gram range (``char_wb``); ``None`` disables char features.
    language : ``"auto"`` (each passage's ``language`` column, else the most common one
        seen in fit, else ``id``) or a language code applied to every text.
    stem : stem words before building word n-grams.
    max_features : cap on each vocabulary (most frequent n-grams kept), or None.
    store_features : keep the features of the passages of the last fit (``features_``,
        one row per id of ``feature_passages_``) and reuse them, instead of tokenising and
        stemming again, when ``fit`` gets the same passages (ids, texts, languages, in
        order) or ``predict_proba`` some of them: refitting on new codings of one corpus
        (a review queue) costs only the classifiers. Predictions are the same either way.

    Learned attributes: ``classes_`` (code ids, array), ``n_examples_`` (positives per
    code, Series), ``skipped_codes_`` (codes below ``min_examples``), ``language_``,
    ``codebook_hash_``, ``word_vectorizer_``, ``char_vectorizer_``, ``estimators_`` (one
    LogisticRegression per code, None for a code positive on every passage),
    ``n_features_`` .
    """

    def __init__(
        self,
        *,
        min_examples: int = 3,
        C: float = 4.0,
        ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] | None = (3, 5),
        language: str = "auto",
        stem: bool = True,
        max_features: int | None = 20000,
        store_features: bool = False,
    ) -> None:
        self.min_examples = min_examples
        self.C = C
        self.ngram_range = ngram_range
        self.char_ngram_range = char_ngram_range
        self.language = language
        self.stem = stem
        self.max_features = max_features
        self.store_features = store_features

    # -- parameters ------------------------------------------------------------------
    def _check_params(self) -> None:
        _check_int("min_examples", "CodeSuggester", self.min_examples, 1)
        if isinstance(self.C, bool) or not isinstance(self.C, Real) or self.C <= 0:
            raise QualkitError(f"The 'C' parameter of CodeSuggester must be a float > 0; got {self.C!r} instead")
        _check_range("ngram_range", self.ngram_range)
        if self.char_ngram_range is not None:
            _check_range("char_ngram_range", self.char_ngram_range)
        if self.language != "auto" and self.language not in supported_languages():
            raise QualkitError(
                f"The 'language' parameter of CodeSuggester must be 'auto' or one of "
                f"{', '.join(supported_languages())}; got {self.language!r} instead"
            )
        if self.max_features is not None:
            _check_int("max_features", "CodeSuggester", self.max_features, 1)
        if not isinstance(self.store_features, bool):
            raise QualkitError(f"The 'store_features' parameter of CodeSuggester must be a bool; "
                               f"got {self.store_features!r} instead")

    # -- text preparation -----------------------------------------------------------
    def _languages(self, frame: pd.DataFrame, default: str) -> list[str]:
        if self.language != "auto":
            return [self.language] * len(frame)
        if "language" not in frame.columns:
            return [default] * len(frame)
        known = set(supported_languages())
        return [lang if isinstance(lang, str) and lang in known else default for lang in frame["language"]]

    def _word_docs(self, texts: Sequence[str], languages: Sequence[str]) -> list[str]:
        stemmers: dict[str, Stemmer] = {}
        docs = []
        for text, lang in zip(texts, languages):
            words = [norm for _, _, norm in tokenize(text)]
            if self.stem:
                stemmer = stemmers.get(lang)
                if stemmer is None:
                    stemmer = stemmers[lang] = Stemmer(lang, cache_dir=None)
                words = stemmer.stem_many(words)
            docs.append(" ".join(words))
        return docs

    def _features(self, frame: pd.DataFrame, *, fit: bool) -> sp.csr_matrix:
        texts = frame["text"].tolist()
        default = getattr(self, "language_", None) or "id"
        words = self._word_docs(texts, self._languages(frame, default))
        if fit:
            self.word_vectorizer_ = TfidfVectorizer(
                token_pattern=r"\S+", lowercase=False, ngram_range=tuple(self.ngram_range),
                sublinear_tf=True, max_features=self.max_features,
            )
            blocks = [self.word_vectorizer_.fit_transform(words)]
            self.char_vectorizer_ = None
            if self.char_ngram_range is not None:
                self.char_vectorizer_ = TfidfVectorizer(
                    analyzer="char_wb", lowercase=True, ngram_range=tuple(self.char_ngram_range),
                    sublinear_tf=True, max_features=self.max_features,
                )
                blocks.append(self.char_vectorizer_.fit_transform(texts))
        else:
            blocks = [self.word_vectorizer_.transform(words)]
            if self.char_vectorizer_ is not None:
                blocks.append(self.char_vectorizer_.transform(texts))
        return sp.hstack(blocks, format="csr")

    def _stored_or_new(self, frame: pd.DataFrame, *, fit: bool) -> sp.csr_matrix:
        """``_features(frame)``, or the rows of ``features_`` when ``store_features`` allows."""
        if not self.store_features:
            for name in ("features_", "feature_passages_", "_stored") if fit else ():
                self.__dict__.pop(name, None)
            return self._features(frame, fit=fit)
        key = (tuple(getattr(self, p) for p in FEATURE_PARAMS), frame["passage_id"].tolist(), frame["text"].tolist(),
               self._languages(frame, getattr(self, "language_", None) or "id"))
        stored = getattr(self, "_stored", None)
        if stored is not None and stored[0][0] == key[0]:
            if fit and stored[0][1:] == key[1:]:
                return self.features_
            rows = [stored[1].get(pid, -1) for pid in key[1]]
            if not fit and min(rows, default=0) >= 0 and all(
                    stored[0][2][i] == t and stored[0][3][i] == lang for i, t, lang in zip(rows, key[2], key[3])):
                return self.features_[rows]
        X = self._features(frame, fit=fit)
        if fit:
            self.features_, self.feature_passages_ = X, np.array(key[1], dtype=object)
            self._stored = (key, {pid: i for i, pid in enumerate(key[1])})
        return X

    # -- fit / predict ----------------------------------------------------------------
    def fit(self, passages: Corpus | pd.DataFrame, codings: pd.DataFrame | None = None, *,
            codebook: Any = None) -> CodeSuggester:
        """Learn one classifier per code coded on at least ``min_examples`` passages.

        Returns ``self``. Codings on passages not in ``passages`` are ignored. With
        ``codebook``, its definitions and examples are seed texts (module docstring);
        ``codings`` may then be None (nobody has coded yet).
        """
        self._check_params()
        frame = _passages(passages)
        if frame.empty:
            raise QualkitError("cannot fit the suggester on zero passages", hint="pass coded passages")
        if codings is None and codebook is None:
            raise QualkitError("fit needs codings, a codebook to seed from, or both",
                               hint="pass codings=..., or codebook=qualkit.load_codebook(...)")
        if codings is not None:
            _positives(frame["passage_id"].iloc[:0], codings)          # column checks, early
        given = codings
        frame, codings, labelled, seeded = _with_seeds(frame, codings, codebook)
        truth = _positives(frame["passage_id"], codings)
        if truth.shape[1] == 0:
            raise QualkitError(
                "none of the codings refers to a passage given to fit",
                hint="fit on the same corpus (and unit) the codings were made on",
            )
        counts = truth.sum(axis=0).astype("int64")
        learnable = [c for c in truth.columns if counts[c] >= self.min_examples or c in seeded]
        if not learnable:
            raise QualkitError(
                f"no code is coded on at least {self.min_examples} passages (most: {int(counts.max())})",
                hint="code more passages, or lower min_examples",
            )
        if "language" in frame.columns and self.language == "auto":
            langs = frame["language"].dropna()
            self.language_ = str(langs.mode().iloc[0]) if len(langs) else "id"
        else:
            self.language_ = self.language if self.language != "auto" else "id"
        source = given if given is not None else pd.DataFrame()
        hashes = sorted({h for h in source.get("codebook_hash", pd.Series(dtype=object)).dropna() if h})
        self.codebook_hash_ = hashes[0] if len(hashes) == 1 else ""
        X = self._stored_or_new(frame, fit=True)[labelled]
        truth = truth.iloc[labelled]
        estimators: list[LogisticRegression | None] = []
        for code in learnable:
            y = truth[code].to_numpy()
            if y.all():
                estimators.append(None)
                continue
            clf = LogisticRegression(C=float(self.C), class_weight="balanced", solver="liblinear", max_iter=1000)
            estimators.append(clf.fit(X, y))
        self.estimators_ = estimators
        self.classes_ = np.array(learnable, dtype=object)
        self.n_examples_ = counts[learnable]
        self.skipped_codes_ = tuple(c for c in truth.columns if c not in learnable)
        self.n_features_ = X.shape[1]
        return self

    def _check_fitted(self, step: str) -> None:
        if not hasattr(self, "classes_"):
            raise NotFittedError(
                f"this CodeSuggester is not fitted yet, so {step} cannot run",
                hint="call .fit(passages, codings) first",
            )

    def predict_proba(self, texts_or_passages: Sequence[str] | pd.DataFrame | Corpus) -> np.ndarray | pd.DataFrame:
        """Probability of each code (columns in ``classes_`` order) for each text or passage.

        A list of strings gives an ndarray (n_texts x n_codes); a Corpus or passages
        DataFrame gives a DataFrame indexed by ``passage_id``.
        """
        self._check_fitted("predict_proba")
        as_frame = isinstance(texts_or_passages, (Corpus, pd.DataFrame))
        if as_frame:
            frame = _passages(texts_or_passages)
        else:
            if isinstance(texts_or_passages, str):
                raise QualkitError("predict_proba takes a list of texts, not one string",
                                   hint="wrap the text in a list: [text]")
            texts = [str(t) for t in texts_or_passages]
            frame = pd.DataFrame({"passage_id": range(len(texts)), "text": texts})
        probs = np.zeros((len(frame), len(self.classes_)))
        if len(frame):
            X = self._stored_or_new(frame, fit=False)
            for j, clf in enumerate(self.estimators_):
                probs[:, j] = 1.0 if clf is None else clf.predict_proba(X)[:, 1]
        if not as_frame:
            return probs
        return pd.DataFrame(probs, index=pd.Index(frame["passage_id"], name="passage_id"),
                            columns=list(self.classes_))

    def suggest(
        self,
        corpus_or_passages: Corpus | pd.DataFrame,
        *,
        top_k: int = 3,
        threshold: float = 0.3,
    ) -> pd.DataFrame:
        """Suggested codings: per passage, up to ``top_k`` codes with probability >= ``threshold``.

        Returns a codings table with ``method="suggested"``, ``coder="suggester"``,
        ``confidence`` the probability, ``cue=""``, ``memo="rank k"`` and the passage's
        offsets (0 and ``len(text)`` when the table has no ``start``/``end``).
        """
        self._check_fitted("suggest")
        _check_int("top_k", "CodeSuggester.suggest", top_k, 1)
        _check_unit("threshold", "CodeSuggester.suggest", threshold)
        frame = _passages(corpus_or_passages)
        probs = self.predict_proba(frame).to_numpy()
        if not len(frame):
            return empty_codings()
        order = np.argsort(-probs, axis=1, kind="stable")[:, :top_k]
        rows = []
        for i, rec in enumerate(frame.to_dict(orient="records")):
            start = int(rec["start"]) if "start" in rec and pd.notna(rec["start"]) else 0
            end = int(rec["end"]) if "end" in rec and pd.notna(rec["end"]) else len(rec["text"])
            for rank, j in enumerate(order[i], start=1):
                p = float(probs[i, j])
                if p < threshold:
                    break
                rows.append({
                    "passage_id": rec["passage_id"], "doc_id": rec.get("doc_id") or "",
                    "code_id": self.classes_[j], "start": start, "end": end, "cue": "",
                    "coder": SUGGESTER_CODER, "method": "suggested", "confidence": p,
                    "codebook_hash": self.codebook_hash_, "memo": f"rank {rank}",
                })
        return codings_frame(rows)

    def explain(self, code_id: str, *, top: int = 10) -> pd.DataFrame:
        """The n-grams that most raise a code's probability: ``feature, kind, weight``."""
        self._check_fitted("explain")
        if code_id not in set(self.classes_):
            raise QualkitError(f"the suggester has not learned code {code_id!r}",
                               hint=f"learned codes: {list(self.classes_)[:8]}; skipped: {list(self.skipped_codes_)[:8]}")
        clf = self.estimators_[list(self.classes_).index(code_id)]
        names = [("word", n) for n in self.word_vectorizer_.get_feature_names_out()]
        if self.char_vectorizer_ is not None:
            names += [("char", n) for n in self.char_vectorizer_.get_feature_names_out()]
        if clf is None:
            return pd.DataFrame(columns=["feature", "kind", "weight"])
        coef = clf.coef_[0]
        best = np.argsort(-coef, kind="stable")[:top]
        return pd.DataFrame({"feature": [names[i][1] for i in best], "kind": [names[i][0] for i in best],
                             "weight": coef[best]})


# -- evaluation -------------------------------------------------------------------------------------
def evaluate_rankings(
    truth: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    top_k: int = 3,
    threshold: float = 0.3,
) -> pd.DataFrame:
    """Precision/recall/F1 of ranked code scores against true codes, per code and overall.

    ``truth`` is a boolean passage x code table, ``scores`` a numeric table with the same
    index (codes missing from ``scores`` score 0). A code is predicted for a passage when
    it ranks in the top ``top_k`` and scores >= ``threshold`` (for a probability) -- any
    scorer works, e.g. keyword-match counts with ``threshold=1``.

    Columns :data:`METRIC_COLUMNS`. Per code, ``top_k_hit_rate`` is the share of its
    passages where it ranks in the top ``top_k`` (score > 0). The ``micro`` row pools
    every passage x code decision and its ``top_k_hit_rate`` is the share of coded
    passages with at least one true code in the top ``top_k``; the ``macro`` row averages
    the per-code rows that have support.
    """
    _check_int("top_k", "evaluate_rankings", top_k, 1)
    codes = list(truth.columns)
    S = scores.reindex(index=truth.index, columns=codes).fillna(0.0).to_numpy(dtype=float)
    Y = truth.to_numpy(dtype=bool)
    n, m = Y.shape
    ranked = np.zeros((n, m), dtype=bool)
    if m:
        # random-free tie breaking: stable order of the columns
        order = np.argsort(-S, axis=1, kind="stable")[:, :top_k]
        np.put_along_axis(ranked, order, True, axis=1)
    in_top = ranked & (S > 0)
    predicted = in_top & (S >= threshold)
    tp = (predicted & Y).sum(axis=0)
    n_pred = predicted.sum(axis=0)
    support = Y.sum(axis=0)
    hits = (in_top & Y).sum(axis=0)

    def prf(t: float, p: float, s: float) -> tuple[float, float, float]:
        precision = t / p if p else 0.0
        recall = t / s if s else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    rows = []
    for j, code in enumerate(codes):
        pr, rc, f1 = prf(tp[j], n_pred[j], support[j])
        rows.append((code, pr, rc, f1, int(support[j]), int(n_pred[j]),
                     hits[j] / support[j] if support[j] else np.nan))
    per_code = pd.DataFrame(rows, columns=list(METRIC_COLUMNS))
    coded = Y.any(axis=1)
    hit_rate = float((in_top & Y).any(axis=1)[coded].mean()) if coded.any() else np.nan
    pr, rc, f1 = prf(tp.sum(), n_pred.sum(), support.sum())
    micro = ("micro", pr, rc, f1, int(support.sum()), int(n_pred.sum()), hit_rate)
    with_support = per_code[per_code["support"] > 0]
    macro = ("macro", *(float(with_support[c].mean()) if len(with_support) else 0.0
                        for c in ("precision", "recall", "f1")),
             int(support.sum()), int(n_pred.sum()),
             float(with_support["top_k_hit_rate"].mean()) if len(with_support) else np.nan)
    overall = pd.DataFrame([micro, macro], columns=list(METRIC_COLUMNS))
    return pd.concat([per_code, overall], ignore_index=True)


def cross_validate_suggester(
    passages: Corpus | pd.DataFrame,
    codings: pd.DataFrame,
    *,
    folds: int = 5,
    top_k: int = 3,
    threshold: float = 0.3,
    seed: int = 0,
    groups: str | None = None,
    **params: Any,
) -> pd.DataFrame:
    """K-fold cross-validation of :class:`CodeSuggester`: metrics per code plus overall rows.

    Every passage gets probabilities from a model fitted without it (shuffled K-fold
    seeded by ``seed``; with ``groups="doc_id"`` whole documents are held out together).
    Codes a fold cannot learn score 0 there. Metrics as in :func:`evaluate_rankings`
    over every code in ``codings`` (columns ``code_id, precision, recall, f1, support,
    predicted, top_k_hit_rate``; last rows ``micro`` and ``macro``). ``params`` go to
    :class:`CodeSuggester`.

    >>> import pandas as pd
    >>> texts = ["paspor ditahan", "takut pulang"] * 6
    >>> passages = pd.DataFrame({"passage_id": [f"p{i}" for i in range(12)], "text": texts})
    >>> codings = pd.DataFrame({"passage_id": passages["passage_id"], "code_id": ["doc", "fear"] * 6})
    >>> cv = cross_validate_suggester(passages, codings, folds=3, top_k=1)
    >>> float(cv.set_index("code_id").loc["micro", "f1"])
    1.0
    """
    from sklearn.model_selection import GroupKFold, KFold

    _check_int("folds", "cross_validate_suggester", folds, 2)
    frame = _passages(passages)
    truth = _positives(frame["passage_id"], codings)
    if truth.shape[1] == 0:
        raise QualkitError("none of the codings refers to a passage given",
                           hint="pass the passages the codings were made on")
    if groups is not None:
        if groups not in frame.columns:
            raise QualkitError(f"passages table has no column {groups!r} to group folds by",
                               hint="use groups='doc_id' or None")
        n_groups = frame[groups].nunique()
        if n_groups < folds:
            raise QualkitError(f"only {n_groups} groups in {groups!r} for {folds} folds",
                               hint="lower folds or use groups=None")
        splits = GroupKFold(n_splits=folds).split(frame, groups=frame[groups])
    else:
        if len(frame) < folds:
            raise QualkitError(f"only {len(frame)} passages for {folds} folds", hint="lower folds")
        splits = KFold(n_splits=folds, shuffle=True, random_state=seed).split(frame)
    CodeSuggester(**params)._check_params()
    scores = pd.DataFrame(0.0, index=truth.index, columns=truth.columns)
    for train, test in splits:
        train_ids = frame["passage_id"].iloc[train]
        fold_codings = codings[codings["passage_id"].isin(set(train_ids))]
        model = CodeSuggester(**params)
        try:
            model.fit(frame.iloc[train], fold_codings)
        except QualkitError:
            continue  # nothing learnable in this fold: its passages keep score 0
        probs = model.predict_proba(frame.iloc[test])
        scores.loc[probs.index, list(probs.columns)] = probs.to_numpy()
    result = evaluate_rankings(truth, scores, top_k=top_k, threshold=threshold)
    result.attrs.update({"folds": folds, "top_k": top_k, "threshold": threshold, "seed": seed,
                         "groups": groups, "n_passages": len(frame)})
    return result

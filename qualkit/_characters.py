"""Characters as units: which characters of a document a coder coded with a code.

Shared by :mod:`qualkit.evaluation` and :mod:`qualkit.agreement` (``unit="character"``).
The universe of a document is the characters inside its passages (speaker labels and
blank lines between passages do not count); a coder's coverage of a code is the union
of its evidence spans, clipped to the document.

>>> doc = Document(id="d", text="ab cd ef")
>>> corpus = Corpus(documents=(doc,), passages=(Passage("d", "d#p1", 0, 8).with_text(doc),))
>>> int(universe(corpus, ["d"])["d"].sum())
8
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from qualkit.corpus import Corpus, Document, Passage  # noqa: F401  (Document, Passage: doctest)
from qualkit.coding.spans import evidence_spans
from qualkit.errors import QualkitError


def parse_spans(spans: Any, start: Any, end: Any) -> list[tuple[int, int]]:
    """A codings row's evidence as pairs: its ``spans`` cell (``"3-9;20-31"``), or
    ``(start, end)`` when the cell is empty or missing (:func:`qualkit.coding.spans.evidence_spans`).

    >>> parse_spans("3-9;20-31", 3, 9)
    [(3, 9), (20, 31)]
    >>> parse_spans(float("nan"), 3, 9)
    [(3, 9)]
    """
    return list(evidence_spans(spans if isinstance(spans, str) else "", int(start), int(end)))


def need_corpus(passages: Any, owner: str) -> Corpus:
    """The Corpus given as ``passages=``, or a clear error: characters need the texts."""
    if not isinstance(passages, Corpus):
        raise QualkitError(
            f"{owner}(unit='character') needs passages=<Corpus>; got {type(passages).__name__}",
            hint="pass the corpus the codings were made on (qualkit.load_corpus(...)), "
                 "so text nobody coded counts too",
        )
    return passages


def universe(corpus: Corpus, doc_ids: Iterable[str]) -> dict[str, np.ndarray]:
    """Per document, a boolean mask of the characters inside its passages."""
    out: dict[str, np.ndarray] = {}
    for doc_id in doc_ids:
        try:
            doc = corpus.document(doc_id)
        except KeyError:
            raise QualkitError(f"document {doc_id!r} of the codings is not in the corpus",
                               hint="pass the corpus the codings were made on") from None
        mask = np.zeros(len(doc.text), dtype=bool)
        for p in corpus.passages_of(doc_id):
            mask[p.start:p.end] = True
        out[doc_id] = mask
    return out


def coverage(frame: pd.DataFrame, length: int, parse: Any = parse_spans) -> np.ndarray:
    """Boolean array of length ``length``: the characters inside any span of ``frame``."""
    covered = np.zeros(length, dtype=bool)
    spans_col = frame["spans"] if "spans" in frame.columns else pd.Series("", index=frame.index)
    for sp, s, e in zip(spans_col, frame["start"], frame["end"]):
        for a, b in parse(sp, s, e):
            covered[max(0, a):min(length, b)] = True
    return covered


# -- agreement over characters: binary, complete data, a few coder patterns ------------------
AGREEMENT_COLUMNS = (
    "code_id", "n_units", "n_coders", "percent_agreement", "cohen_kappa", "fleiss_kappa",
    "krippendorff_alpha", "ci_low", "ci_high",
)


def _coincidence(ones: np.ndarray, weights: np.ndarray, m: int) -> np.ndarray:
    """2 x 2 coincidence matrix (Krippendorff) of units where ``ones`` of ``m`` coders said 1."""
    zeros = m - ones
    o = np.zeros(ones.shape[:-1] + (2, 2)) if ones.ndim > 1 else np.zeros((2, 2))
    o[..., 0, 0] = (weights * zeros * (zeros - 1)).sum(axis=-1)
    o[..., 1, 1] = (weights * ones * (ones - 1)).sum(axis=-1)
    o[..., 0, 1] = o[..., 1, 0] = (weights * ones * zeros).sum(axis=-1)
    return o / (m - 1)


def _alpha(o: np.ndarray) -> np.ndarray:
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = (n * n - (n_c * n_c).sum(axis=-1)) / (n - 1)
        return 1.0 - (n - np.trace(o, axis1=-2, axis2=-1)) / expected


def pattern_stats(patterns: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    """Agreement figures of binary complete data given as unique coder patterns + counts.

    ``patterns`` is P x m (0/1), ``weights`` how many units show each pattern.

    >>> pattern_stats(np.array([[1, 1], [0, 0], [1, 0]]), np.array([1, 2, 1]))["cohen_kappa"]
    0.5
    """
    m = patterns.shape[1]
    n = float(weights.sum())
    ones = patterns.sum(axis=1).astype(float)
    zeros = m - ones
    pairs = (ones * (ones - 1) + zeros * (zeros - 1)) / (m * (m - 1))
    out = {"percent_agreement": float(100.0 * (weights * pairs).sum() / n)}
    p1 = float((weights * ones).sum() / (n * m))
    p_e = p1 * p1 + (1 - p1) * (1 - p1)
    fleiss = np.nan if np.isclose(p_e, 1.0) else (float((weights * pairs).sum() / n) - p_e) / (1 - p_e)
    out["fleiss_kappa"] = float(fleiss)
    if m == 2:
        a = (weights * patterns[:, 0]).sum() / n
        b = (weights * patterns[:, 1]).sum() / n
        p_o = float((weights * (patterns[:, 0] == patterns[:, 1])).sum() / n)
        p_e2 = a * b + (1 - a) * (1 - b)
        out["cohen_kappa"] = float("nan") if np.isclose(p_e2, 1.0) else float((p_o - p_e2) / (1 - p_e2))
    else:
        out["cohen_kappa"] = float("nan")
    alpha = float(_alpha(_coincidence(ones, weights.astype(float), m)))
    out["krippendorff_alpha"] = alpha if np.isfinite(alpha) else float("nan")
    return out


def _documents(frame: pd.DataFrame, coders: list[str], corpus: Corpus, include_uncoded: bool) -> list[str]:
    if include_uncoded:
        return [d.id for d in corpus.documents]
    by_doc = frame.groupby(frame["doc_id"].astype(str))["coder"].agg(set)
    return [d for d, who in by_doc.items() if set(coders) <= who]


def character_agreement(frame: pd.DataFrame, coders: list[str], codes: list[str], passages: Any, *,
                        include_uncoded: bool, bootstrap: int, seed: int) -> pd.DataFrame:
    """The ``agreement(unit="character")`` table (see :mod:`qualkit.agreement`)."""
    corpus = need_corpus(passages, "agreement")
    docs = _documents(frame, coders, corpus, include_uncoded)
    masks = universe(corpus, docs)
    m = len(coders)
    groups = {k: g for k, g in frame.groupby([frame["doc_id"].astype(str), "code_id", "coder"])}
    empty = frame.iloc[:0]
    patterns = np.array([[(i >> j) & 1 for j in range(m)] for i in range(2 ** m)])
    counts = np.zeros((len(codes), len(docs), 2 ** m))     # code x document x pattern
    for i, doc in enumerate(docs):
        mask = masks[doc]
        for c, code in enumerate(codes):
            key = np.zeros(int(mask.sum()), dtype=np.int64)
            for j, coder in enumerate(coders):
                cov = coverage(groups.get((doc, code, coder), empty), len(mask))[mask]
                key |= cov.astype(np.int64) << j
            counts[c, i] = np.bincount(key, minlength=2 ** m)
    rows = [_row(code, patterns, counts[c], m, bootstrap, seed) for c, code in enumerate(codes)]
    rows.append(_row("overall", patterns, counts.sum(axis=0), m, bootstrap, seed))
    table = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))
    return table.astype({"n_units": "int64", "n_coders": "int64"})


def _row(code: str, patterns: np.ndarray, per_doc: np.ndarray, m: int, bootstrap: int,
         seed: int) -> dict[str, Any]:
    weights = per_doc.sum(axis=0)
    row: dict[str, Any] = {"code_id": code, "n_units": int(weights.sum()), "n_coders": m}
    if weights.sum() == 0:
        row.update(percent_agreement=np.nan, cohen_kappa=np.nan, fleiss_kappa=np.nan,
                   krippendorff_alpha=np.nan)
    else:
        row.update(pattern_stats(patterns, weights))
    row["ci_low"] = row["ci_high"] = float("nan")
    k = per_doc.shape[0]
    if bootstrap > 0 and k and weights.sum():
        rng = np.random.default_rng(seed)
        draws = rng.multinomial(k, np.full(k, 1.0 / k), size=bootstrap).astype(float)
        boot = draws @ per_doc                                # bootstrap x pattern
        ones = patterns.sum(axis=1).astype(float)
        alphas = _alpha(_coincidence(np.broadcast_to(ones, boot.shape), boot, m))
        alphas = alphas[np.isfinite(alphas)]
        if len(alphas):
            row["ci_low"], row["ci_high"] = (float(v) for v in np.percentile(alphas, [2.5, 97.5]))
    return row

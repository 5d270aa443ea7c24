"""How well one codings table reproduces another: precision, recall, F1 and kappa per code.

:func:`evaluate` compares a *predicted* codings table (the auto-coder, the suggester,
a second person) with a *reference* (the person whose coding counts as right), code by
code, with percentile bootstrap confidence intervals.

Units
-----
``unit="passage"``
    For each passage and code: coded or not, by anyone in each table. The universe is
    ``passages=`` (a Corpus or passage ids): pass it, so passages neither table coded
    count as agreed "no" -- without it only passages some table coded count, which
    inflates nothing but leaves kappa without its true negatives.
``unit="character"``
    For each character inside the corpus's passages and each code: inside one of the
    table's evidence spans or not (``spans``; ``start``/``end`` when empty). Needs
    ``passages=<Corpus>``; every document of the corpus counts, so text nobody coded
    counts as agreed "no".

Statistics
----------
``precision``  tp / (tp + fp): share of predicted units the reference also coded.
``recall``     tp / (tp + fn): share of the reference's units that were predicted.
``f1``         harmonic mean of the two.
``kappa``      Cohen's kappa of the two binary codings over the units.
``support``    units the reference coded; ``predicted``: units predicted; ``n_units``.
``*_low``, ``*_high``  95 % percentile bootstrap interval, resampling passages
               (``resample="passage"``) or whole documents (``resample="document"``, the
               default for characters, which are not independent).

An undefined figure is NaN (precision with nothing predicted; kappa when both tables
are constant). The ``overall`` row pools every (unit, code) decision (micro average).

Example
-------
>>> import pandas as pd
>>> ref = pd.DataFrame({"passage_id": ["p1", "p2", "p3"], "code_id": ["x", "x", "y"]})
>>> pred = pd.DataFrame({"passage_id": ["p1", "p3", "p4"], "code_id": ["x", "y", "y"]})
>>> table = evaluate(ref, pred, passages=["p1", "p2", "p3", "p4", "p5"], bootstrap=0)
>>> table.set_index("code_id").loc["x", ["precision", "recall", "f1"]].round(3).tolist()
[1.0, 0.5, 0.667]
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from qualkit import _characters
from qualkit.agreement import parse_spans
from qualkit.errors import QualkitError, check_param

__all__ = ["EVALUATION_COLUMNS", "evaluate", "scores_from_counts"]

OVERALL = "overall"
_STATS = ("precision", "recall", "f1", "kappa")
EVALUATION_COLUMNS = (
    "code_id", *[c for s in _STATS for c in (s, f"{s}_low", f"{s}_high")],
    "support", "predicted", "n_units",
)


def scores_from_counts(tp: Any, fp: Any, fn: Any, tn: Any) -> dict[str, np.ndarray]:
    """Precision, recall, F1 and Cohen's kappa from confusion counts (arrays broadcast).

    >>> {k: round(float(v), 3) for k, v in scores_from_counts(20, 10, 5, 15).items()}
    {'precision': 0.667, 'recall': 0.8, 'f1': 0.727, 'kappa': 0.4}
    """
    tp, fp, fn, tn = (np.asarray(v, dtype=float) for v in (tp, fp, fn, tn))
    n = tp + fp + fn + tn
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
        f1 = 2 * tp / (2 * tp + fp + fn)
        p_o = (tp + tn) / n
        p_e = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
        kappa = np.where(np.isclose(p_e, 1.0, rtol=0, atol=1e-12), np.nan, (p_o - p_e) / (1 - p_e))
    return {"precision": precision, "recall": recall, "f1": f1, "kappa": kappa}


# -- inputs -------------------------------------------------------------------------------
def _table(frame: Any, what: str, unit: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise QualkitError(f"{what} must be a codings DataFrame; got {type(frame).__name__}",
                           hint="pass a codings table (qualkit.code(...), a sheet, or read_codings)")
    need = ["passage_id", "code_id"] + (["doc_id", "start", "end"] if unit == "character" else [])
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise QualkitError(f"{what} codings table lacks column(s) {missing} needed for unit={unit!r}",
                           hint="use a codings table as built by qualkit.coding.frame.codings_frame")
    out = frame.copy()
    out["passage_id"] = out["passage_id"].astype(str)
    out["code_id"] = out["code_id"].astype(str)
    return out


def _passage_ids(passages: Any, ref: pd.DataFrame, pred: pd.DataFrame) -> list[str]:
    if passages is None:
        return list(dict.fromkeys([*ref["passage_id"], *pred["passage_id"]]))
    if hasattr(passages, "passages"):
        return [p.id for p in passages.passages]
    return list(dict.fromkeys(str(p) for p in passages))


def _doc_of(passages: Any, ref: pd.DataFrame, pred: pd.DataFrame) -> dict[str, str]:
    if hasattr(passages, "passages"):
        return {p.id: p.doc_id for p in passages.passages}
    doc_of: dict[str, str] = {}
    for frame in (ref, pred):
        if "doc_id" in frame.columns:
            doc_of.update(zip(frame["passage_id"], frame["doc_id"].astype(str)))
    return doc_of


# -- confusion counts per cluster (passage or document) x code ----------------------------------
def _passage_counts(ref: pd.DataFrame, pred: pd.DataFrame, ids: list[str], codes: list[str],
                    groups: list[str]) -> tuple[np.ndarray, int]:
    """Counts (clusters x codes x 4: tp, fp, fn, tn) and the number of units."""
    index = {p: i for i, p in enumerate(ids)}
    col = {c: j for j, c in enumerate(codes)}

    def matrix(frame: pd.DataFrame) -> np.ndarray:
        m = np.zeros((len(ids), len(codes)), dtype=bool)
        rows = frame["passage_id"].map(index)
        cols = frame["code_id"].map(col)
        keep = rows.notna() & cols.notna()
        m[rows[keep].astype(int).to_numpy(), cols[keep].astype(int).to_numpy()] = True
        return m

    y, p = matrix(ref), matrix(pred)
    per_unit = np.stack([y & p, ~y & p, y & ~p, ~y & ~p], axis=-1).astype(float)
    cluster_ids, inverse = np.unique(np.asarray(groups, dtype=object).astype(str), return_inverse=True)
    counts = np.zeros((len(cluster_ids), len(codes), 4))
    np.add.at(counts, inverse, per_unit)
    return counts, len(ids)


def _character_counts(ref: pd.DataFrame, pred: pd.DataFrame, corpus: Any,
                      codes: list[str]) -> tuple[np.ndarray, int, list[str]]:
    doc_ids = [d.id for d in corpus.documents]
    masks = _characters.universe(corpus, doc_ids)
    counts = np.zeros((len(doc_ids), len(codes), 4))
    by_ref = {k: g for k, g in ref.groupby([ref["doc_id"].astype(str), "code_id"])}
    by_pred = {k: g for k, g in pred.groupby([pred["doc_id"].astype(str), "code_id"])}
    unknown = (set(ref["doc_id"].astype(str)) | set(pred["doc_id"].astype(str))) - set(doc_ids)
    if unknown:
        raise QualkitError(f"codings refer to document(s) {sorted(unknown)[:3]} not in the corpus",
                           hint="pass the corpus the codings were made on")
    empty = ref.iloc[:0]
    for i, doc_id in enumerate(doc_ids):
        mask = masks[doc_id]
        n = int(mask.sum())
        for j, code in enumerate(codes):
            y = _characters.coverage(by_ref.get((doc_id, code), empty), len(mask), parse_spans) & mask
            p = _characters.coverage(by_pred.get((doc_id, code), empty), len(mask), parse_spans) & mask
            tp, fp, fn = int((y & p).sum()), int((~y & p).sum()), int((y & ~p).sum())
            counts[i, j] = (tp, fp, fn, n - tp - fp - fn)
    return counts, int(sum(int(m.sum()) for m in masks.values())), doc_ids


def _bootstrap(counts: np.ndarray, *, n_boot: int, seed: int) -> dict[str, np.ndarray]:
    """Percentile 95 % intervals: (codes + 1) x 2 per statistic, resampling clusters."""
    k = counts.shape[0]
    rng = np.random.default_rng(seed)
    with_total = np.concatenate([counts, counts.sum(axis=1, keepdims=True)], axis=1)
    flat = with_total.reshape(k, -1)
    draws = []
    for done in range(0, n_boot, 500):
        weights = rng.multinomial(k, np.full(k, 1.0 / k), size=min(500, n_boot - done)).astype(float)
        draws.append((weights @ flat).reshape(-1, with_total.shape[1], 4))
    boot = np.concatenate(draws)
    stats = scores_from_counts(boot[..., 0], boot[..., 1], boot[..., 2], boot[..., 3])
    out = {}
    for name, values in stats.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN columns: NaN interval
            out[name] = np.nanpercentile(values, [2.5, 97.5], axis=0).T
    return out


def evaluate(
    reference: pd.DataFrame,
    predicted: pd.DataFrame,
    *,
    unit: str = "passage",
    passages: Any = None,
    codes: Iterable[str] | None = None,
    bootstrap: int = 1000,
    resample: str | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Precision, recall, F1 and kappa of ``predicted`` against ``reference``, per code.

    Parameters
    ----------
    reference, predicted : codings tables (``passage_id, code_id``; for characters also
        ``doc_id, start, end`` and optionally ``spans``). Every row counts, whoever coded.
    unit : ``"passage"`` or ``"character"`` (see the module docstring).
    passages : a Corpus (needed for characters) or passage ids: the universe of units.
    codes : codes to report (default: every code in either table).
    bootstrap : resamples for the 95 % intervals (0: no intervals, NaN).
    resample : ``"passage"`` or ``"document"`` (default: passage for passages,
        document for characters).
    seed : random seed of the bootstrap.

    Returns a DataFrame with columns :data:`EVALUATION_COLUMNS`, one row per code, then
    ``overall``.

    >>> import pandas as pd
    >>> ref = pd.DataFrame({"passage_id": ["a", "b"], "code_id": ["x", "x"]})
    >>> float(evaluate(ref, ref, passages=["a", "b", "c"], bootstrap=0).loc[0, "kappa"])
    1.0
    """
    check_param("evaluate", "unit", unit, options=("passage", "character"))
    check_param("evaluate", "resample", resample, options=(None, "passage", "document"))
    check_param("evaluate", "bootstrap", bootstrap, rule="an int >= 0",
                ok=isinstance(bootstrap, (int, np.integer)) and not isinstance(bootstrap, bool) and bootstrap >= 0)
    ref, pred = _table(reference, "reference", unit), _table(predicted, "predicted", unit)
    code_list = (sorted(set(ref["code_id"]) | set(pred["code_id"])) if codes is None
                 else [str(c) for c in codes])
    if unit == "character":
        corpus = _characters.need_corpus(passages, "evaluate")
        if resample == "passage":
            raise QualkitError("resample='passage' does not apply to unit='character'",
                               hint="use resample='document' (characters are not independent)")
        counts, n_units, _ = _character_counts(ref, pred, corpus, code_list)
    else:
        ids = _passage_ids(passages, ref, pred)
        doc_of = _doc_of(passages, ref, pred)
        if resample == "document":
            missing = [p for p in ids if p not in doc_of]
            if missing:
                raise QualkitError(f"resample='document' but passage {missing[0]!r} has no known document",
                                   hint="pass passages=<Corpus> or codings with a doc_id column")
            groups = [doc_of[p] for p in ids]
        else:
            groups = ids
        counts, n_units = _passage_counts(ref, pred, ids, code_list, groups)
    return _report(counts, code_list, n_units, bootstrap=int(bootstrap), seed=int(seed))


def _report(counts: np.ndarray, codes: list[str], n_units: int, *, bootstrap: int,
            seed: int) -> pd.DataFrame:
    per_code = counts.sum(axis=0)                        # codes x 4
    totals = np.vstack([per_code, per_code.sum(axis=0, keepdims=True)])
    stats = scores_from_counts(*(totals[:, i] for i in range(4)))
    cis = _bootstrap(counts, n_boot=bootstrap, seed=seed) if bootstrap and len(counts) else None
    table: dict[str, Any] = {"code_id": [*codes, OVERALL]}
    for name in _STATS:
        table[name] = stats[name]
        table[f"{name}_low"] = cis[name][:, 0] if cis else np.full(len(totals), np.nan)
        table[f"{name}_high"] = cis[name][:, 1] if cis else np.full(len(totals), np.nan)
    table["support"] = (totals[:, 0] + totals[:, 2]).astype("int64")
    table["predicted"] = (totals[:, 0] + totals[:, 1]).astype("int64")
    table["n_units"] = np.array([n_units] * len(codes) + [n_units * len(codes)], dtype="int64")
    out = pd.DataFrame(table, columns=list(EVALUATION_COLUMNS))
    out.attrs.update({"bootstrap": bootstrap, "seed": seed})
    return out

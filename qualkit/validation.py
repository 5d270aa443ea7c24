"""Validate auto-coding against a person who codes a sample blind, as a method section needs.

The workflow:

1. :func:`draw_sample` draws a stratified random sample of passages: every passage falls
   in one stratum -- the *rarest* code the auto-coder gave it, or ``uncoded`` -- and
   each stratum gets its share of the sample (rare codes and the uncoded text, where
   the misses are, are over-sampled). Each sampled passage carries its ``weight``, the
   number of corpus passages it stands for, so the figures are estimates for the
   whole corpus, not for the sample's mix.
2. :func:`write_sheet` writes the sample for a person to code blind (no auto codes, no
   strata): passage id, text and one empty column per code, as ``.xlsx`` or ``.csv``;
   :func:`read_sheet` reads the filled sheet back as a codings table.
3. :func:`validate` gives, per code, the auto-coder's weighted precision, recall and
   Cohen's kappa against that person, bootstrap intervals (resampling within strata)
   and a verdict against the researcher's threshold.
4. :func:`validation_statement` writes the method-section paragraph with the figures.

Example
-------
>>> import pandas as pd
>>> doc = Document(id="d", text="afraid\\nfine\\nafraid again\\nok")
>>> spans = [(0, 6), (7, 11), (12, 24), (25, 27)]
>>> corpus = Corpus(documents=(doc,), passages=tuple(
...     Passage("d", f"d#p{i}", s, e).with_text(doc) for i, (s, e) in enumerate(spans)))
>>> auto = pd.DataFrame({"passage_id": ["d#p0", "d#p2"], "code_id": ["fear", "fear"]})
>>> sample = draw_sample(corpus, auto, n=4, seed=0)
>>> sorted(sample["stratum"].unique())
['fear', 'uncoded']
>>> person = pd.DataFrame({"passage_id": ["d#p0", "d#p2"], "code_id": ["fear", "fear"]})
>>> validate(person, auto, sample=sample, bootstrap=0).loc[0, "verdict"]
'uncertain: code more passages'
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualkit._io import atomic_write
from qualkit.corpus import Corpus, Document, Passage  # noqa: F401  (Document, Passage: doctest)
from qualkit.errors import QualkitError, check_param
from qualkit.evaluation import scores_from_counts

__all__ = ["SAMPLE_COLUMNS", "VALIDATION_COLUMNS", "UNCODED", "draw_sample", "write_sheet",
           "read_sheet", "validate", "validation_statement"]

UNCODED = "uncoded"
SAMPLE_COLUMNS = ("passage_id", "doc_id", "start", "end", "stratum", "weight", "text")
VALIDATION_COLUMNS = (
    "code_id", "precision", "precision_low", "precision_high", "recall", "recall_low",
    "recall_high", "kappa", "kappa_low", "kappa_high", "n_sample", "human_positive",
    "auto_positive", "verdict",
)
FIT, REFINE, UNCERTAIN = "fit to report", "refine or code by hand", "uncertain: code more passages"
_SHEET_FIXED = ("passage_id", "doc_id", "text")


# -- 1. the sample -------------------------------------------------------------------------------
def _strata(corpus: Corpus, auto: pd.DataFrame) -> pd.DataFrame:
    """Passages with their stratum: the rarest auto code, or ``uncoded``."""
    frame = corpus.passages_frame()[["passage_id", "doc_id", "start", "end", "text"]]
    known = auto[auto["passage_id"].astype(str).isin(set(frame["passage_id"]))]
    frequency = known.groupby("code_id")["passage_id"].nunique()
    ranked = known.assign(_n=known["code_id"].map(frequency)).sort_values(["_n", "code_id"], kind="stable")
    rarest = ranked.drop_duplicates("passage_id").set_index("passage_id")["code_id"].astype(str)
    frame["stratum"] = frame["passage_id"].map(rarest).fillna(UNCODED)
    return frame


def _allocate(sizes: pd.Series, n: int, uncoded_share: float) -> dict[str, int]:
    """Sample size per stratum: ``uncoded_share`` of n to the uncoded, the rest evenly."""
    quota: dict[str, int] = {}
    coded = [s for s in sizes.index if s != UNCODED]
    n_uncoded = min(int(sizes.get(UNCODED, 0)), round(n * uncoded_share) if coded else n)
    quota[UNCODED] = n_uncoded
    left = n - n_uncoded
    open_ = sorted(coded, key=lambda s: (sizes[s], s))
    while left > 0 and open_:                        # even shares; small strata give theirs back
        share = max(1, left // len(open_))
        for s in list(open_):
            take = min(share, int(sizes[s]) - quota.get(s, 0), left)
            quota[s] = quota.get(s, 0) + take
            left -= take
            if quota[s] >= sizes[s]:
                open_.remove(s)
            if left == 0:
                break
    if left > 0 and UNCODED in sizes:
        quota[UNCODED] = min(int(sizes[UNCODED]), quota[UNCODED] + left)
    return {s: q for s, q in quota.items() if q > 0}


def _spread(rows: pd.DataFrame, k: int, rng: np.random.Generator, by_document: bool) -> pd.DataFrame:
    """k rows at random; with ``by_document``, one document after another (round robin)."""
    shuffled = rows.iloc[rng.permutation(len(rows))]
    if not by_document:
        return shuffled.iloc[:k]
    turn = shuffled.groupby("doc_id", sort=False).cumcount()
    doc_order = {d: i for i, d in enumerate(rng.permutation(shuffled["doc_id"].unique()))}
    key = turn * (len(doc_order) + 1) + shuffled["doc_id"].map(doc_order)
    return shuffled.iloc[np.argsort(key.to_numpy(), kind="stable")[:k]]


def draw_sample(
    corpus: Corpus,
    codings: pd.DataFrame,
    *,
    n: int = 200,
    by: Sequence[str] = ("code", "document"),
    include_uncoded: bool = True,
    uncoded_share: float = 0.3,
    seed: int = 0,
) -> pd.DataFrame:
    """A stratified random sample of passages for a person to code blind.

    Parameters
    ----------
    corpus : the coded corpus (its passages are the population).
    codings : the auto-coder's codings table (``passage_id, code_id``).
    n : sample size (at most the number of passages).
    by : ``"code"`` stratifies by the rarest auto code (else all coded passages form
        one stratum ``coded``); ``"document"`` spreads each stratum's draws over
        documents in turn.
    include_uncoded : sample passages the auto-coder left uncoded (needed to estimate
        recall: the misses are there); ``uncoded_share`` of ``n`` goes to them.
    seed : random seed.

    Returns a DataFrame with columns :data:`SAMPLE_COLUMNS` (``weight`` = stratum size /
    stratum sample size), in random order. Keep it: :func:`validate` needs it.
    """
    check_param("draw_sample", "by", tuple(by), ok=set(by) <= {"code", "document"},
                rule="a tuple of 'code' and/or 'document'")
    check_param("draw_sample", "n", n, ok=isinstance(n, int) and not isinstance(n, bool) and n >= 1,
                rule="an int >= 1")
    check_param("draw_sample", "uncoded_share", uncoded_share, ok=0.0 <= uncoded_share <= 1.0,
                rule="a float in [0, 1]")
    if not isinstance(corpus, Corpus):
        raise QualkitError(f"draw_sample needs a Corpus; got {type(corpus).__name__}",
                           hint="pass the corpus the codings were made on")
    frame = _strata(corpus, _codings(codings, "codings"))
    if "code" not in by:
        frame.loc[frame["stratum"] != UNCODED, "stratum"] = "coded"
    if not include_uncoded:
        frame = frame[frame["stratum"] != UNCODED]
        uncoded_share = 0.0
    if frame.empty:
        raise QualkitError("no passages to sample", hint="check the corpus and the codings")
    sizes = frame["stratum"].value_counts()
    rng = np.random.default_rng(seed)
    parts = []
    for stratum, k in sorted(_allocate(sizes, min(n, len(frame)), uncoded_share).items()):
        rows = frame[frame["stratum"] == stratum]
        part = _spread(rows, k, rng, "document" in by)
        parts.append(part.assign(weight=len(rows) / k))
    sample = pd.concat(parts)
    sample = sample.iloc[rng.permutation(len(sample))].reset_index(drop=True)
    sample.attrs.update({"n_population": len(frame), "seed": seed, "by": tuple(by)})
    return sample[list(SAMPLE_COLUMNS)]


# -- 2. the sheet --------------------------------------------------------------------------------
def write_sheet(sample: pd.DataFrame, path: str | os.PathLike[str], codes: Iterable[str]) -> Path:
    """Write the blind coding sheet: ``passage_id, doc_id, text`` + one empty column per code.

    The person marks a code with ``1`` or ``x``. Strata and weights are left out (they
    would tell the coder what the auto-coder said). ``.xlsx`` or ``.csv``; written
    atomically. ``codes``: code ids, or a Codebook.
    """
    code_ids = [c.id for c in codes.codes] if hasattr(codes, "codes") else [str(c) for c in codes]
    sheet = sample[list(_SHEET_FIXED)].copy()
    clash = [c for c in code_ids if c in _SHEET_FIXED]
    if clash:
        raise QualkitError(f"code id(s) {clash} clash with the sheet's own columns",
                           hint="rename those codes")
    for code in code_ids:
        sheet[code] = ""
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        atomic_write(target, lambda tmp: sheet.to_excel(tmp, index=False, engine="openpyxl"))
    elif target.suffix.lower() == ".csv":
        atomic_write(target, sheet.to_csv(index=False, lineterminator="\n"))
    else:
        raise QualkitError(f"cannot write a coding sheet as {target.suffix or 'a file without suffix'!r}",
                           path=str(target), hint="use a .xlsx or .csv file name")
    return target


def read_sheet(path: str | os.PathLike[str], *, coder: str) -> pd.DataFrame:
    """Read a filled sheet as a codings table (``passage_id, doc_id, code_id, coder``).

    A cell counts as coded when it holds ``1``, ``x``, ``yes``, ``y`` or ``true``
    (any case); empty and ``0``/``no`` cells are not; anything else is an error naming
    the row and column.
    """
    target = Path(path)
    if not target.is_file():
        raise QualkitError("no such coding sheet", path=str(target), hint="check the path")
    if target.suffix.lower() == ".xlsx":
        sheet = pd.read_excel(target, dtype=str, engine="openpyxl").fillna("")
    else:
        sheet = pd.read_csv(target, dtype=str, keep_default_na=False)
    missing = [c for c in _SHEET_FIXED if c not in sheet.columns]
    if missing:
        raise QualkitError(f"coding sheet lacks column(s) {missing}", path=str(target),
                           hint="fill in the sheet written by write_sheet without renaming columns")
    rows = []
    for code in [c for c in sheet.columns if c not in _SHEET_FIXED]:
        for i, value in enumerate(sheet[code].astype(str).str.strip().str.lower()):
            if value in ("1", "x", "yes", "y", "true", "1.0"):
                rows.append((sheet["passage_id"].iloc[i], sheet["doc_id"].iloc[i], code, coder))
            elif value not in ("", "0", "no", "n", "false", "0.0", "nan"):
                raise QualkitError(f"row {i + 2}, column {code!r}: {value!r} is neither coded nor blank",
                                   path=str(target), hint="mark a code with 1 or x; leave others blank")
    return pd.DataFrame(rows, columns=["passage_id", "doc_id", "code_id", "coder"])


# -- 3. the figures ------------------------------------------------------------------------------
def _codings(frame: Any, what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame) or not {"passage_id", "code_id"} <= set(frame.columns):
        raise QualkitError(f"{what} must be a codings DataFrame with passage_id and code_id",
                           hint="pass a codings table (qualkit.code(...), read_sheet(...))")
    return frame.assign(passage_id=frame["passage_id"].astype(str), code_id=frame["code_id"].astype(str))


def _weighted_counts(sample: pd.DataFrame, human: pd.DataFrame, auto: pd.DataFrame,
                     codes: list[str]) -> np.ndarray:
    """units x codes x 4 (tp, fp, fn, tn) 0/1 indicators."""
    ids = sample["passage_id"].astype(str).tolist()
    index = {p: i for i, p in enumerate(ids)}

    def matrix(frame: pd.DataFrame) -> np.ndarray:
        m = np.zeros((len(ids), len(codes)), dtype=bool)
        col = {c: j for j, c in enumerate(codes)}
        for pid, code in zip(frame["passage_id"], frame["code_id"]):
            if pid in index and code in col:
                m[index[pid], col[code]] = True
        return m

    y, p = matrix(human), matrix(auto)
    return np.stack([y & p, ~y & p, y & ~p, ~y & ~p], axis=-1).astype(float)


def _stratified_ci(units: np.ndarray, weights: np.ndarray, strata: np.ndarray, n_boot: int,
                   seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    flat = units.reshape(len(units), -1)
    boots = np.zeros((n_boot, flat.shape[1]))
    for s in np.unique(strata):
        members = np.nonzero(strata == s)[0]
        draws = rng.multinomial(len(members), np.full(len(members), 1.0 / len(members)), size=n_boot)
        boots += (draws * weights[members]) @ flat[members]
    boot = boots.reshape(n_boot, *units.shape[1:])
    stats = scores_from_counts(*(boot[..., i] for i in range(4)))
    with np.errstate(all="ignore"):
        return {k: np.nanpercentile(np.where(np.isfinite(v), v, np.nan), [2.5, 97.5], axis=0).T
                for k, v in stats.items() if not np.isnan(v).all()}


def _verdict(kappa: float, low: float, threshold: float) -> str:
    if math.isnan(kappa) or kappa < threshold:
        return REFINE
    return FIT if low >= threshold else UNCERTAIN


def validate(
    human: pd.DataFrame,
    auto: pd.DataFrame,
    *,
    sample: pd.DataFrame,
    threshold: float = 0.6,
    codes: Iterable[str] | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Per code, the auto-coder against a person's blind coding of the sample.

    Precision, recall and Cohen's kappa are weighted by the sample's ``weight`` (so they
    estimate the corpus, not the sample mix); intervals are 95 % percentile bootstrap,
    resampling passages within strata. ``verdict``: ``"fit to report"`` when kappa and
    its interval's low end reach ``threshold``; ``"uncertain: code more passages"`` when
    kappa does but the interval does not (or there is no interval); ``"refine or code by
    hand"`` otherwise. ``n_sample`` passages; ``human_positive``/``auto_positive``: sample
    passages each coded with the code. Columns :data:`VALIDATION_COLUMNS`; the last row
    is ``overall`` (all codes pooled).
    """
    check_param("validate", "threshold", threshold, ok=-1.0 <= threshold <= 1.0, rule="a float in [-1, 1]")
    if not isinstance(sample, pd.DataFrame) or not {"passage_id", "stratum", "weight"} <= set(sample.columns):
        raise QualkitError("sample must be the table draw_sample returned",
                           hint="keep draw_sample's result (e.g. save it as CSV) and pass it here")
    human, auto = _codings(human, "human"), _codings(auto, "auto")
    code_list = sorted(set(human["code_id"]) | set(auto["code_id"])) if codes is None else [str(c) for c in codes]
    units = _weighted_counts(sample, human, auto, code_list)
    units = np.concatenate([units, units.sum(axis=1, keepdims=True)], axis=1)
    weights = sample["weight"].to_numpy(dtype=float)
    totals = np.einsum("u,ucs->cs", weights, units)
    stats = scores_from_counts(*(totals[:, i] for i in range(4)))
    cis = _stratified_ci(units, weights, sample["stratum"].to_numpy(), bootstrap, seed) if bootstrap else {}
    raw = units.sum(axis=0)
    rows = []
    for j, code in enumerate([*code_list, "overall"]):
        row: dict[str, Any] = {"code_id": code}
        for name in ("precision", "recall", "kappa"):
            row[name] = float(stats[name][j])
            low_high = cis.get(name)
            row[f"{name}_low"], row[f"{name}_high"] = ((float(low_high[j, 0]), float(low_high[j, 1]))
                                                       if low_high is not None else (np.nan, np.nan))
        row["n_sample"] = len(sample)
        row["human_positive"] = int(raw[j, 0] + raw[j, 2])
        row["auto_positive"] = int(raw[j, 0] + raw[j, 1])
        row["verdict"] = _verdict(row["kappa"], row["kappa_low"], threshold)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(VALIDATION_COLUMNS))
    out.attrs.update({"threshold": threshold, "bootstrap": bootstrap, "seed": seed,
                      "n_documents": int(sample["doc_id"].nunique()) if "doc_id" in sample else None,
                      "n_strata": int(sample["stratum"].nunique())})
    return out


# -- 4. the paragraph ----------------------------------------------------------------------------
def _figure(row: pd.Series, name: str) -> str:
    value = row[name]
    if pd.isna(value):
        return "undefined"
    low, high = row[f"{name}_low"], row[f"{name}_high"]
    return f"{value:.2f}" + ("" if pd.isna(low) else f" (95% CI {low:.2f} to {high:.2f})")


def validation_statement(report: pd.DataFrame, *, coder: str = "a second coder",
                         auto_coder: str = "qualkit's keyword auto-coder",
                         code_names: dict[str, str] | None = None) -> str:
    """The method-section paragraph for a :func:`validate` table: what, how, the figures.

    >>> table = pd.DataFrame([
    ...     {"code_id": "fear", "precision": .9, "precision_low": .8, "precision_high": 1.,
    ...      "recall": .8, "recall_low": .6, "recall_high": .9, "kappa": .8, "kappa_low": .7,
    ...      "kappa_high": .9, "n_sample": 50, "human_positive": 10, "auto_positive": 9,
    ...      "verdict": "fit to report"}])
    >>> table.attrs.update(threshold=0.6, n_documents=3, n_strata=2)
    >>> print(validation_statement(table, coder="R.S."))  # doctest: +NORMALIZE_WHITESPACE
    Codes were applied by qualkit's keyword auto-coder and validated against R.S., who coded
    a stratified random sample of 50 passages from 3 documents blind (strata: passages by the
    rarest code the auto-coder gave them, and passages it left uncoded; figures weighted back
    to the whole corpus). We report auto-coded results only for codes reaching Cohen's kappa
    >= 0.60 with a 95% bootstrap interval above it: fear (kappa 0.80 (95% CI 0.70 to 0.90),
    precision 0.90 (95% CI 0.80 to 1.00), recall 0.80 (95% CI 0.60 to 0.90)).
    """
    names = code_names or {}
    threshold = report.attrs.get("threshold", 0.6)
    codes = report[report["code_id"] != "overall"]
    n = int(report["n_sample"].iloc[0]) if len(report) else 0
    docs = report.attrs.get("n_documents")
    where = f" from {docs} documents" if docs else ""
    text = [f"Codes were applied by {auto_coder} and validated against {coder}, who coded a "
            f"stratified random sample of {n} passages{where} blind (strata: passages by the rarest "
            "code the auto-coder gave them, and passages it left uncoded; figures weighted back to "
            f"the whole corpus). We report auto-coded results only for codes reaching Cohen's kappa "
            f">= {threshold:.2f} with a 95% bootstrap interval above it"]

    def describe(rows: pd.DataFrame) -> str:
        return "; ".join(
            f"{names.get(r.code_id, r.code_id)} (kappa {_figure(r, 'kappa')}, precision "
            f"{_figure(r, 'precision')}, recall {_figure(r, 'recall')})" for _, r in rows.iterrows())

    fit = codes[codes["verdict"] == FIT]
    text[0] += ": " + (describe(fit) if len(fit) else "none did") + "."
    unsure = codes[codes["verdict"] == UNCERTAIN]
    if len(unsure):
        text.append(f"For {describe(unsure)}, the interval reached below the threshold: more "
                    "passages must be coded before these auto-coded results can be reported.")
    refine = codes[codes["verdict"] == REFINE]
    if len(refine):
        listed = "; ".join(f"{names.get(r.code_id, r.code_id)} (kappa {_figure(r, 'kappa')})"
                           for _, r in refine.iterrows())
        text.append(f"Below the threshold, and not reported from auto-coding without refinement "
                    f"or coding by hand: {listed}.")
    overall = report[report["code_id"] == "overall"]
    if len(overall):
        text.append(f"Over all codes, kappa was {_figure(overall.iloc[0], 'kappa')}.")
    return " ".join(text)

"""Intercoder agreement: codings tables in, one tidy row per code out.

Two or more coders (people, or a person and the auto-coder ``auto``) code the same
material; :func:`agreement` says how far they agree and :func:`disagreements` lists
where they differ, side by side, for the team to discuss.

Units of analysis
-----------------
``unit="passage"``
    A unit is one passage; for each code, each coder either coded the passage with it
    (1) or not (0). The universe of passages is explicit: by default only the passages
    that at least one of the compared coders coded with *any* code, so text nobody
    touched does not inflate agreement. Pass ``passages=`` (a Corpus or a list of passage
    ids) to restrict the universe to those passages; with ``include_uncoded=True`` every
    one of them counts, coded or not. Data are complete (a coder who did not code a
    passage said "no").
``unit="character"`` (the measure to report for spans)
    A unit is one character of the coded documents' passages; for each code, each coder
    either covered it with an evidence span (the ``spans`` column; ``start``/``end`` when
    it is empty) or not. Text nobody coded counts as agreed "no", as it should. Needs
    ``passages=<Corpus>`` (the texts). The documents are those every compared coder coded
    something in; ``include_uncoded=True`` takes every document of the corpus. Data are
    complete. Characters are not independent, so the bootstrap interval of alpha
    resamples whole documents.
``unit="matched_span"`` (diagnostic only: its kappa and alpha are biased low)
    A unit is a stretch of text *someone coded*. For each document and code, every coder's
    spans are merged per coder, then spans of different coders are *matched* when they
    overlap by at least ``overlap`` times the length of the **shorter** span. Matched spans
    are chained into one unit; each coder scores 1 on a unit if one of its spans is in it,
    else 0. A coder with no codings at all on a document is *missing* there. Because no
    unit is left uncoded by both coders, chance-corrected figures are <= 0 by
    construction (two coders sharing 2 of 3 spans get kappa 0): report
    ``percent_agreement`` from it at most, and ``unit="character"`` for kappa and alpha.
    (It was called ``"span"`` before; that name now raises an error saying so.)

Krippendorff's unitizing alpha (u-alpha) is not offered: we could not check an
implementation against a published worked example.

Statistics (all implemented here with numpy)
--------------------------------------------
``percent_agreement``  share (0-100) of agreeing coder pairs per unit, averaged over the
                       units with at least two values (for two coders: units agreed on).
``cohen_kappa``        Cohen's kappa, two coders only (else NaN), complete units.
``fleiss_kappa``       Fleiss' kappa over the complete units.
``krippendorff_alpha`` Krippendorff's alpha, nominal, missing values allowed.
``ci_low, ci_high``    percentile bootstrap interval (95 %) of alpha, resampling units,
                       when ``bootstrap > 0``; NaN otherwise.

A statistic is NaN when it is undefined (e.g. every coder always said the same value, so
chance agreement is already perfect). The ``overall`` row pools every (unit, code) pair.

Example
-------
>>> import pandas as pd
>>> rows = [("p1", "fear", "ana"), ("p1", "fear", "auto"), ("p2", "fear", "ana"),
...         ("p3", "skills", "auto"), ("p3", "skills", "ana")]
>>> codings = pd.DataFrame(rows, columns=["passage_id", "code_id", "coder"])
>>> table = agreement(codings)
>>> table[["code_id", "n_units", "percent_agreement"]].round(1).to_dict("records")[0]
{'code_id': 'fear', 'n_units': 3, 'percent_agreement': 66.7}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qualkit._characters import character_agreement, parse_spans
from qualkit.errors import ParameterError, QualkitError, check_param

AGREEMENT_COLUMNS = (
    "code_id", "n_units", "n_coders", "percent_agreement", "cohen_kappa", "fleiss_kappa",
    "krippendorff_alpha", "ci_low", "ci_high",
)
UNITS = ("passage", "character", "matched_span")
OVERALL = "overall"


# ---------------------------------------------------------------------------------------
# statistics on a reliability matrix: units x coders, float values, NaN = missing
# ---------------------------------------------------------------------------------------
def _values_index(matrix: np.ndarray) -> tuple[np.ndarray, int]:
    """Map the matrix's values to 0..V-1 (NaN -> -1); return (codes, V)."""
    flat = matrix[~np.isnan(matrix)]
    values = np.unique(flat)
    codes = np.full(matrix.shape, -1, dtype=np.int64)
    mask = ~np.isnan(matrix)
    codes[mask] = np.searchsorted(values, matrix[mask])
    return codes, len(values)


def _value_counts(matrix: np.ndarray) -> np.ndarray:
    """units x values: how many coders gave each value to each unit."""
    codes, n_values = _values_index(matrix)
    counts = np.zeros((matrix.shape[0], max(n_values, 1)), dtype=np.float64)
    rows, cols = np.nonzero(codes >= 0)
    np.add.at(counts, (rows, codes[rows, cols]), 1.0)
    return counts


def percent_agreement(matrix: np.ndarray) -> float:
    """Mean share of agreeing coder pairs per unit (0-100), over units with >= 2 values.

    >>> percent_agreement(np.array([[1, 1], [1, 0], [0, 0], [0, 0]], dtype=float))
    75.0
    """
    counts = _value_counts(np.asarray(matrix, dtype=float))
    m = counts.sum(axis=1)
    keep = m >= 2
    if not keep.any():
        return float("nan")
    c, m = counts[keep], m[keep]
    return float(100.0 * np.mean((c * (c - 1)).sum(axis=1) / (m * (m - 1))))


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Cohen's kappa of two coders' nominal ratings of the same units (NaN if undefined).

    >>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.ndim != 1:
        raise QualkitError("cohen_kappa needs two rating sequences of the same length",
                           hint="pass one rating per unit for each coder")
    if len(a) == 0:
        return float("nan")
    values = np.unique(np.concatenate([a, b]))
    ia, ib = np.searchsorted(values, a), np.searchsorted(values, b)
    table = np.zeros((len(values), len(values)))
    np.add.at(table, (ia, ib), 1.0)
    table /= table.sum()
    p_o = np.trace(table)
    p_e = float(table.sum(axis=1) @ table.sum(axis=0))
    if np.isclose(p_e, 1.0, rtol=0, atol=1e-15):
        return float("nan")
    return float((p_o - p_e) / (1.0 - p_e))


def fleiss_kappa(counts: np.ndarray) -> float:
    """Fleiss' kappa from a units x categories table of rater counts (same raters per unit).

    >>> round(fleiss_kappa(np.array([[2, 0], [0, 2], [1, 1]])), 3)
    0.333
    """
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2 or counts.shape[0] == 0:
        return float("nan")
    n = counts.sum(axis=1)
    if np.any(n != n[0]) or n[0] < 2:
        raise QualkitError("fleiss_kappa needs the same number (>= 2) of raters on every unit",
                           hint="drop the units some raters did not rate")
    n_raters = n[0]
    p_j = counts.sum(axis=0) / counts.sum()
    p_i = ((counts * counts).sum(axis=1) - n_raters) / (n_raters * (n_raters - 1))
    p_bar, p_e = p_i.mean(), float((p_j * p_j).sum())
    if np.isclose(p_e, 1.0, rtol=0, atol=1e-15):
        return float("nan")
    return float((p_bar - p_e) / (1.0 - p_e))


def _coincidences(matrix: np.ndarray) -> np.ndarray:
    """Per-unit coincidence contributions, shape units x V x V (Krippendorff 2011)."""
    counts = _value_counts(matrix)
    m = counts.sum(axis=1)
    pairable = m >= 2
    out = np.zeros((counts.shape[0], counts.shape[1], counts.shape[1]))
    c = counts[pairable]
    contrib = (c[:, :, None] * c[:, None, :]) - np.einsum("uv,vw->uvw", c, np.eye(c.shape[1]))
    out[pairable] = contrib / (m[pairable] - 1)[:, None, None]
    return out


def _alpha_from_coincidence(o: np.ndarray) -> float:
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    observed = n - np.trace(o, axis1=-2, axis2=-1)
    expected = (n * n - (n_c * n_c).sum(axis=-1)) / np.where(n > 1, n - 1, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 - observed / expected


def krippendorff_alpha(matrix: np.ndarray) -> float:
    """Krippendorff's alpha for nominal data; ``matrix`` is units x coders, NaN = missing.

    >>> round(krippendorff_alpha(np.array([[1, 1], [0, 0], [1, 0], [0, 0]], dtype=float)), 3)
    0.533
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.size == 0:
        return float("nan")
    alpha = _alpha_from_coincidence(_coincidences(matrix).sum(axis=0))
    return float(alpha) if np.isfinite(alpha) else float("nan")


def _bootstrap_alpha(matrix: np.ndarray, *, n_boot: int, seed: int) -> tuple[float, float]:
    per_unit = _coincidences(matrix)
    n_units = per_unit.shape[0]
    if n_units == 0:
        return float("nan"), float("nan")
    flat = per_unit.reshape(n_units, -1)
    rng = np.random.default_rng(seed)
    alphas = []
    block = max(1, 2_000_000 // max(n_units, 1))
    for done in range(0, n_boot, block):
        size = min(block, n_boot - done)
        draws = rng.integers(0, n_units, size=(size, n_units))
        weights = np.zeros((size, n_units))
        np.add.at(weights, (np.repeat(np.arange(size), n_units), draws.ravel()), 1.0)
        o = (weights @ flat).reshape(size, *per_unit.shape[1:])
        alphas.append(_alpha_from_coincidence(o))
    values = np.concatenate(alphas)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return float("nan"), float("nan")
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


@dataclass(frozen=True)
class _Units:
    """A reliability matrix for one code: units x coders (NaN = missing) plus unit keys."""

    code_id: str
    matrix: np.ndarray
    keys: tuple[Any, ...]


def _stats_row(code_id: str, matrix: np.ndarray, *, bootstrap: int, seed: int) -> dict[str, Any]:
    present = ~np.isnan(matrix)
    rated = present.sum(axis=1) >= 1
    matrix = matrix[rated]
    present = present[rated]
    complete = matrix[present.all(axis=1)] if matrix.shape[1] else matrix
    n_coders = int(present.any(axis=0).sum()) if matrix.size else 0
    row: dict[str, Any] = {"code_id": code_id, "n_units": int(matrix.shape[0]), "n_coders": n_coders}
    row["percent_agreement"] = percent_agreement(matrix) if matrix.size else float("nan")
    row["cohen_kappa"] = (
        cohen_kappa(complete[:, 0], complete[:, 1]) if matrix.shape[1] == 2 else float("nan")
    )
    if matrix.shape[1] >= 2 and len(complete):
        row["fleiss_kappa"] = fleiss_kappa(_value_counts(complete))
    else:
        row["fleiss_kappa"] = float("nan")
    row["krippendorff_alpha"] = krippendorff_alpha(matrix) if matrix.size else float("nan")
    if bootstrap > 0 and matrix.size:
        row["ci_low"], row["ci_high"] = _bootstrap_alpha(matrix, n_boot=bootstrap, seed=seed)
    else:
        row["ci_low"] = row["ci_high"] = float("nan")
    return row


# ---------------------------------------------------------------------------------------
# building units from a codings table
# ---------------------------------------------------------------------------------------
def _check_options(unit: str, overlap: float, bootstrap: int) -> None:
    if unit == "span":
        raise ParameterError(
            "unit='span' is gone: its units exist only where someone coded, so its kappa and "
            "alpha are <= 0 by construction",
            hint="use unit='character' (with passages=<Corpus>) for agreement on spans, or "
                 "unit='matched_span' for the old matched-span table (percent agreement only)")
    check_param("agreement", "unit", unit, options=UNITS)
    if not (0.0 < float(overlap) <= 1.0):
        raise QualkitError(f"The 'overlap' parameter must be in (0, 1]; got {overlap!r} instead.",
                           hint="e.g. overlap=0.5: half of the shorter span")
    if int(bootstrap) < 0:
        raise QualkitError(f"The 'bootstrap' parameter must be >= 0; got {bootstrap!r} instead.")


def _prepare(codings: pd.DataFrame, unit: str, coders: Iterable[str] | None,
             codes: Iterable[str] | None) -> tuple[pd.DataFrame, list[str], list[str]]:
    if not isinstance(codings, pd.DataFrame):
        raise QualkitError(f"codings must be a pandas DataFrame; got {type(codings).__name__}",
                           hint="pass the table returned by qualkit.code() or a manual codings table")
    need = ["passage_id", "code_id", "coder"] + (["doc_id", "start", "end"] if unit != "passage" else [])
    missing = [c for c in need if c not in codings.columns]
    if missing:
        raise QualkitError(f"codings table lacks column(s) {missing} needed for unit={unit!r}",
                           hint="use a codings table as built by qualkit.coding.frame.codings_frame")
    frame = codings.copy()
    frame["coder"] = frame["coder"].astype(str)
    frame["code_id"] = frame["code_id"].astype(str)
    all_coders = sorted(frame["coder"].unique())
    if coders is None:
        chosen = all_coders
    else:
        chosen = [str(c) for c in coders]
        unknown = [c for c in chosen if c not in all_coders]
        if unknown:
            raise QualkitError(f"coder(s) {unknown} have no codings in the table",
                               hint=f"choose among {all_coders}")
    if len(chosen) < 2:
        raise QualkitError(f"agreement needs at least two coders; got {chosen}",
                           hint="add a second coder's codings (the auto-coder is coder 'auto')")
    frame = frame[frame["coder"].isin(chosen)]
    code_list = sorted(frame["code_id"].unique()) if codes is None else [str(c) for c in codes]
    return frame, chosen, code_list


def _passage_universe(frame: pd.DataFrame, passages: Any, include_uncoded: bool) -> list[str]:
    coded = list(dict.fromkeys(frame["passage_id"].astype(str)))
    if passages is None:
        if include_uncoded:
            raise QualkitError("include_uncoded=True needs passages= (a Corpus or passage ids)",
                               hint="pass passages=corpus so the uncoded passages are known")
        return coded
    if hasattr(passages, "passages"):
        ids = [p.id for p in passages.passages]
    else:
        ids = [str(p) for p in passages]
    if include_uncoded:
        return list(dict.fromkeys(ids))
    allowed = set(ids)
    return [p for p in coded if p in allowed]


def _passage_units(frame: pd.DataFrame, coders: list[str], codes: list[str],
                   universe: list[str]) -> list[_Units]:
    index = {p: i for i, p in enumerate(universe)}
    col = {c: j for j, c in enumerate(coders)}
    out = []
    grouped = {k: g for k, g in frame.groupby("code_id", sort=False)}
    for code in codes:
        matrix = np.zeros((len(universe), len(coders)))
        group = grouped.get(code)
        if group is not None:
            for pid, coder in zip(group["passage_id"].astype(str), group["coder"]):
                i = index.get(pid)
                if i is not None:
                    matrix[i, col[coder]] = 1.0
        out.append(_Units(code, matrix, tuple(universe)))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1] and (e > s or s < merged[-1][1]):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def spans_match(a: tuple[int, int], b: tuple[int, int], *, overlap: float = 0.5) -> bool:
    """True when spans overlap by at least ``overlap`` of the shorter one's length.

    Empty spans (start == end) match only a span that contains their position.

    >>> spans_match((0, 10), (5, 30)), spans_match((0, 10), (8, 30))
    (True, False)
    """
    shorter = min(a[1] - a[0], b[1] - b[0])
    if shorter == 0:
        point, other = (a, b) if a[1] == a[0] else (b, a)
        return other[0] <= point[0] <= other[1]
    common = min(a[1], b[1]) - max(a[0], b[0])
    return common > 0 and common >= overlap * shorter


@dataclass(frozen=True)
class _SpanUnit:
    doc_id: str
    code_id: str
    start: int
    end: int
    by_coder: dict[str, tuple[tuple[int, int], ...]]
    passage_ids: tuple[str, ...]


def _span_units(frame: pd.DataFrame, coders: list[str], codes: list[str],
                overlap: float) -> tuple[list[_Units], list[_SpanUnit]]:
    present = {doc: set(g["coder"]) for doc, g in frame.groupby(frame["doc_id"].astype(str))}
    spans_col = frame["spans"] if "spans" in frame.columns else pd.Series("", index=frame.index)
    per: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    pids: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for doc, code, coder, pid, sp, s, e in zip(
        frame["doc_id"].astype(str), frame["code_id"], frame["coder"],
        frame["passage_id"].astype(str), spans_col, frame["start"], frame["end"],
    ):
        items = parse_spans(sp, s, e)
        per.setdefault((doc, code, coder), []).extend(items)
        pids.setdefault((doc, code), []).extend((a, b, pid) for a, b in items)
    col = {c: j for j, c in enumerate(coders)}
    wanted = set(codes)
    matrices: dict[str, list[np.ndarray]] = {c: [] for c in codes}
    keys: dict[str, list[Any]] = {c: [] for c in codes}
    details: list[_SpanUnit] = []
    for (doc, code) in sorted({(d, c) for d, c, _ in per}):
        if code not in wanted:
            continue
        items: list[tuple[int, int, str]] = []
        for coder in coders:
            items.extend((s, e, coder) for s, e in _merge(per.get((doc, code, coder), [])))
        items.sort()
        parent = list(range(len(items)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                if items[j][0] > items[i][1]:
                    break
                if items[i][2] != items[j][2] and spans_match(items[i][:2], items[j][:2], overlap=overlap):
                    parent[find(j)] = find(i)
        groups: dict[int, list[tuple[int, int, str]]] = {}
        for i, item in enumerate(items):
            groups.setdefault(find(i), []).append(item)
        for members in sorted(groups.values()):
            row = np.full(len(coders), np.nan)
            for coder in present.get(doc, ()):
                if coder in col:
                    row[col[coder]] = 0.0
            by_coder: dict[str, list[tuple[int, int]]] = {}
            for s, e, coder in members:
                row[col[coder]] = 1.0
                by_coder.setdefault(coder, []).append((s, e))
            start, end = min(m[0] for m in members), max(m[1] for m in members)
            in_unit = tuple(dict.fromkeys(
                p for a, b, p in pids[(doc, code)] if (a < end and b > start) or (a == b and start <= a <= end)
            ))
            matrices[code].append(row)
            keys[code].append((doc, start, end))
            details.append(_SpanUnit(doc, code, start, end,
                                     {k: tuple(v) for k, v in by_coder.items()}, in_unit))
    units = [
        _Units(c, np.vstack(matrices[c]) if matrices[c] else np.zeros((0, len(coders))), tuple(keys[c]))
        for c in codes
    ]
    return units, details


# ---------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------
def agreement(
    codings: pd.DataFrame,
    *,
    unit: str = "passage",
    coders: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    passages: Any = None,
    overlap: float = 0.5,
    include_uncoded: bool = False,
    bootstrap: int = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement between coders, one row per code plus an ``overall`` row.

    Parameters
    ----------
    codings : long codings table (``passage_id, code_id, coder``; for spans also
        ``doc_id, start, end`` and optionally ``spans``).
    unit : ``"passage"``, ``"character"`` or ``"matched_span"`` (see the module docstring).
    coders : the coders to compare (default: every coder in the table; at least two).
    codes : the codes to report (default: every code in the table).
    passages : a Corpus or passage ids bounding the universe of passage units; the
        Corpus whose texts the character units come from (required for characters).
    overlap : share of the shorter span two spans must share to match (span units).
    include_uncoded : count passages (characters: documents) nobody coded (needs ``passages=``).
    bootstrap : number of bootstrap resamples of units for alpha's 95 % interval.
    seed : random seed of the bootstrap.

    Returns a DataFrame with columns ``code_id, n_units, n_coders, percent_agreement,
    cohen_kappa, fleiss_kappa, krippendorff_alpha, ci_low, ci_high``.

    >>> import pandas as pd
    >>> codings = pd.DataFrame({"passage_id": ["p1", "p1", "p2"], "code_id": ["x", "x", "x"],
    ...                         "coder": ["ana", "auto", "ana"]})
    >>> agreement(codings).loc[0, "percent_agreement"]
    np.float64(50.0)
    """
    _check_options(unit, overlap, bootstrap)
    frame, chosen, code_list = _prepare(codings, unit, coders, codes)
    if unit == "passage":
        universe = _passage_universe(frame, passages, include_uncoded)
        units = _passage_units(frame, chosen, code_list, universe)
    elif unit == "character":
        return character_agreement(frame, chosen, code_list, passages, include_uncoded=include_uncoded,
                                   bootstrap=int(bootstrap), seed=int(seed))
    else:
        units, _ = _span_units(frame, chosen, code_list, float(overlap))
    rows = [_stats_row(u.code_id, u.matrix, bootstrap=int(bootstrap), seed=int(seed)) for u in units]
    pooled = [u.matrix for u in units if u.matrix.size]
    all_units = np.vstack(pooled) if pooled else np.zeros((0, len(chosen)))
    rows.append(_stats_row(OVERALL, all_units, bootstrap=int(bootstrap), seed=int(seed)))
    table = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))
    return table.astype({"n_units": "int64", "n_coders": "int64"})


def disagreements(
    codings: pd.DataFrame,
    corpus: Any = None,
    *,
    unit: str = "passage",
    coders: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    overlap: float = 0.5,
) -> pd.DataFrame:
    """Where coders differ, side by side, for discussion.

    ``unit="passage"``: columns ``passage_id, doc_id, code_id``, one boolean column per
    coder (coded or not), ``text`` (the passage text when ``corpus`` is given, else "").
    ``unit="matched_span"``: columns ``passage_id`` (the passages the unit touches, ``;``-joined),
    ``doc_id, code_id, start, end``, one column per coder holding its spans as
    ``start-end;...`` ("" = did not code it, None = coded nothing in that document),
    ``text`` (the document text from start to end when ``corpus`` is given).

    >>> import pandas as pd
    >>> codings = pd.DataFrame({"passage_id": ["p1", "p1", "p2"], "doc_id": ["d"] * 3,
    ...                         "code_id": ["x", "x", "x"], "coder": ["ana", "auto", "ana"]})
    >>> disagreements(codings)[["passage_id", "ana", "auto"]].to_dict("records")
    [{'passage_id': 'p2', 'ana': True, 'auto': False}]
    """
    _check_options(unit, overlap, 0)
    if unit == "character":
        raise QualkitError("disagreements() lists passages or matched spans, not characters",
                           hint="use unit='passage' or unit='matched_span'")
    frame, chosen, code_list = _prepare(codings, unit, coders, codes)
    if unit == "passage":
        return _passage_disagreements(frame, corpus, chosen, code_list)
    _, details = _span_units(frame, chosen, code_list, float(overlap))
    present = {doc: set(g["coder"]) for doc, g in frame.groupby(frame["doc_id"].astype(str))}
    rows = []
    for u in details:
        absent_present = [c for c in chosen if c not in u.by_coder and c in present.get(u.doc_id, ())]
        if not absent_present:
            continue
        row: dict[str, Any] = {"passage_id": ";".join(u.passage_ids), "doc_id": u.doc_id,
                               "code_id": u.code_id, "start": u.start, "end": u.end}
        for c in chosen:
            if c in u.by_coder:
                row[c] = ";".join(f"{s}-{e}" for s, e in u.by_coder[c])
            elif c in present.get(u.doc_id, ()):
                row[c] = ""
            else:
                row[c] = None
        row["text"] = _doc_text(corpus, u.doc_id, u.start, u.end)
        rows.append(row)
    columns = ["passage_id", "doc_id", "code_id", "start", "end", *chosen, "text"]
    return pd.DataFrame(rows, columns=columns)


def _doc_text(corpus: Any, doc_id: str, start: int, end: int) -> str:
    if corpus is None:
        return ""
    try:
        return corpus.document(doc_id).text[start:end]
    except KeyError:
        return ""


def _passage_disagreements(frame: pd.DataFrame, corpus: Any, coders: list[str],
                           codes: list[str]) -> pd.DataFrame:
    texts: dict[str, tuple[str, str]] = {}
    if corpus is not None:
        texts = {p.id: (p.doc_id, p.text) for p in corpus.passages}
    doc_of = {}
    if "doc_id" in frame.columns:
        doc_of = dict(zip(frame["passage_id"].astype(str), frame["doc_id"]))
    universe = list(dict.fromkeys(frame["passage_id"].astype(str)))
    rows = []
    for u in _passage_units(frame, coders, codes, universe):
        differ = u.matrix.min(axis=1) != u.matrix.max(axis=1)
        for i in np.nonzero(differ)[0]:
            pid = universe[i]
            doc_id, text = texts.get(pid, (doc_of.get(pid), ""))
            row: dict[str, Any] = {"passage_id": pid, "doc_id": doc_of.get(pid, doc_id),
                                   "code_id": u.code_id}
            row.update({c: bool(u.matrix[i, j]) for j, c in enumerate(coders)})
            row["text"] = text
            rows.append(row)
    columns = ["passage_id", "doc_id", "code_id", *coders, "text"]
    out = pd.DataFrame(rows, columns=columns)
    if len(out):
        order = {p: i for i, p in enumerate(universe)}
        out = out.sort_values(["passage_id", "code_id"], key=lambda s: s.map(order) if s.name == "passage_id" else s,
                              kind="stable").reset_index(drop=True)
    return out

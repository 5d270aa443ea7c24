"""Data display: the factor matrix, the stage table, and code-by-context matrices.

Every function returns a pandas DataFrame; :class:`qualkit.analysis.Analysis` renders
them in a notebook. Counts are over **coded passages**: ``codings`` is the number of
distinct passages a code was applied to (two coders coding one passage count once),
``documents`` the number of distinct documents. Multi-valued cells hold the sorted
distinct values joined by ``;``. Quote cells hold up to three quotes from
:func:`~qualkit.analysis.reduce.representative_quotes`, each as ``"text" (doc_id,
speaker)`` (``"text" (doc_id)`` where there is no speaker), joined by `` | ``.

``factors`` columns (:data:`FACTOR_COLUMNS`), one row per factor code (a leaf code with
both a ``factor`` and a ``level`` value, inherited through the hierarchy), in cell order
(levels x factors in facet order: organisation/supporting, organisation/inhibiting,
individual/supporting, individual/inhibiting) then codebook order, codes without evidence
included with zero counts:

================  ========================================================================
level, factor     the code's facet values
code_id           the code
code_name         its name
codings           coded passages
documents         distinct documents
informant_groups  ``;``-joined informant groups of those documents
source_types      ``;``-joined source types
quotes            up to 3 quotes, formatted as above
cases             ``;``-joined case ids
================  ========================================================================

``stages`` columns (:data:`STAGE_COLUMNS`), one row per value of the ``stage`` facet in
facet order (stages without evidence included): ``stage, main_activity`` (the description
of the stage's code), ``field_data`` (generated from the evidence: counts, source types,
the factor codes coded on the same passages, one example quote), ``codings, documents,
quotes, source_types, informant_groups``.

``code_by`` gives a codes x values count matrix (index ``code_id``); its long form has
columns ``code_id, <by>, codings, documents``. ``cooccurrence`` gives a symmetric codes x
codes matrix; its long form ``code_id, co_code_id, codings, documents``.

Example
-------
>>> from qualkit.analysis import factor_matrix, select_codings             # doctest: +SKIP
>>> factors = factor_matrix(select_codings(codings, corpus, book), book)   # doctest: +SKIP
>>> factor_matrix_wide(factors)                                            # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
import numpy as np
import pandas as pd

from qualkit.analysis._common import (
    SEP, check_language, code_order, evidence_counts, facet_values, factor_codes, format_quote,
    format_quotes, is_missing, join_values, passage_keys,
)
from qualkit.analysis.reduce import facet_column, representative_quotes
from qualkit.codebook.model import Codebook
from qualkit.corpus import Corpus
from qualkit.errors import QualkitError, check_param
from qualkit.study import Study

FACTOR_COLUMNS = (
    "level", "factor", "code_id", "code_name", "codings", "documents", "informant_groups",
    "source_types", "quotes", "cases",
)
STAGE_COLUMNS = (
    "stage", "main_activity", "field_data", "codings", "documents", "quotes",
    "source_types", "informant_groups",
)
BY_VALUES = ("source_type", "informant_group", "case_id", "doc_id")
NONE_LABEL = "(none)"
"""Column label for documents without a value (e.g. no informant group)."""

FREQUENCY_COLUMNS = ("code_id", "code_name", "parent", "depth", "codings", "documents", "cases")


def _quotes_for(extracts: pd.DataFrame, quotes: pd.DataFrame | None, per_code: int) -> pd.DataFrame:
    if quotes is not None:
        return quotes
    return representative_quotes(extracts, per_code=per_code)


def factor_matrix(
    extracts: pd.DataFrame,
    codebook: Codebook,
    *,
    quotes: pd.DataFrame | None = None,
    per_code: int = 3,
    level_facet: str = "level",
    factor_facet: str = "factor",
    language: str | None = None,
) -> pd.DataFrame:
    """The study's 2 x 2 factor table in long form: one row per factor code.

    ``extracts`` come from :func:`~qualkit.analysis.reduce.select_codings` (or
    :func:`~qualkit.analysis.reduce.merge_evidence`); ``quotes`` from
    :func:`~qualkit.analysis.reduce.representative_quotes` (computed with ``per_code``
    when not given). Columns and order: see the module doc (:data:`FACTOR_COLUMNS`).

    >>> factor_matrix(extracts, book)[["level", "factor", "code_id", "codings"]]  # doctest: +SKIP
    """
    quotes = _quotes_for(extracts, quotes, per_code)
    rows = []
    for level, factor, code in factor_codes(codebook, level_facet=level_facet, factor_facet=factor_facet):
        ev = extracts[extracts["code_id"] == code.id]
        codings, documents = evidence_counts(ev) if len(ev) else (0, 0)
        rows.append({
            "level": level, "factor": factor, "code_id": code.id, "code_name": codebook.code_name(code.id, language),
            "codings": codings, "documents": documents,
            "informant_groups": join_values(ev["informant_group"]),
            "source_types": join_values(ev["source_type"]),
            "quotes": format_quotes(quotes, code.id, limit=per_code),
            "cases": join_values(ev["case_id"]),
        })
    frame = pd.DataFrame(rows, columns=list(FACTOR_COLUMNS))
    return frame.astype({"codings": "int64", "documents": "int64"})


def factor_matrix_wide(factors: pd.DataFrame) -> pd.DataFrame:
    """The 2 x 2 grid for display: index ``level``, columns ``factor``, each cell listing
    its codes as ``name (codings)`` joined by ``; `` (empty string for an empty cell).

    >>> factor_matrix_wide(factors).loc["organisation", "supporting"]   # doctest: +SKIP
    'Government involvement (5); Media involvement (0)'
    """
    levels = list(dict.fromkeys(factors["level"]))
    kinds = list(dict.fromkeys(factors["factor"]))
    grid = pd.DataFrame("", index=pd.Index(levels, name="level"),
                        columns=pd.Index(kinds, name="factor"), dtype="object")
    for (level, factor), cell in factors.groupby(["level", "factor"], sort=False):
        grid.loc[level, factor] = "; ".join(
            f"{r.code_name} ({r.codings})" for r in cell.itertuples(index=False)
        )
    return grid


# -- stage table ---------------------------------------------------------------------------

def _stage_code(codebook: Codebook, stage_facet: str, value: str):
    preferred = f"{stage_facet}_{value}"
    if preferred in codebook:
        return codebook.code(preferred)
    for code in codebook.codes:
        if code.facets.get(stage_facet) == value:
            return code
    return None


_ACTIVITY_PREFIX = re.compile(r"^\s*(main activity|kegiatan utama)\s*:\s*", re.IGNORECASE)


def _activity(code, source: str = "description") -> str:
    """A stage code's description (else its name) without a ``Main activity:`` label;
    its name when ``source`` is ``name``."""
    if code is None:
        return ""
    text = code.name if source == "name" else _ACTIVITY_PREFIX.sub("", code.description or "").strip() or code.name
    return text[:1].upper() + text[1:]


def _plural(n: int, word: str, language: str) -> str:
    if language == "id":
        return f"{n} {word}"
    return f"{n} {word}" + ("" if n == 1 else "s")


_FIELD_WORDS = {
    "en": ("coding", "document", "co-coded factors", "e.g.", "no coded evidence"),
    "id": ("koding", "dokumen", "faktor yang dikodekan bersama", "mis.", "tidak ada bukti terkode"),
}
"""Words of the generated field data, per language."""


def stage_table(
    extracts: pd.DataFrame,
    codebook: Codebook,
    *,
    quotes_per_stage: int = 2,
    top_factors: int = 3,
    language: str = "en",
    study: Study | None = None,
    stage_facet: str | None = None,
    factor_facet: str | None = None,
    level_facet: str | None = None,
) -> pd.DataFrame:
    """The stage table (stage / main activity / field data) with evidence per stage.

    Evidence for a stage is every extract whose code has that ``stage`` value
    (inherited). ``main_activity`` is the description (else the name) of the stage's code
    (``stage_<value>``, else the first code declaring the value), without a leading
    ``Main activity:`` / ``Kegiatan utama:`` label. ``field_data`` reads,
    in English, ``12 codings in 7 documents (interview, observation); co-coded factors:
    Fear (5), Missing documents (3); e.g. "quote" (doc_id)`` (Indonesian with
    ``language="id"``); co-coded factors are the ``top_factors`` factor codes applied
    to most of the stage's passages. Columns: :data:`STAGE_COLUMNS`.

    >>> stage_table(extracts, book)[["stage", "codings"]]    # doctest: +SKIP
    """
    check_language(language, "stage_table")
    design = study or Study()
    grid = design.factor_matrix or {"rows": "level", "columns": "factor"}
    stage_facet = stage_facet or (design.stage_table or {}).get("facet", "stage")
    level_facet, factor_facet = level_facet or grid["rows"], factor_facet or grid["columns"]
    activity_source = (design.stage_table or {}).get("activity", "description")
    column = facet_column(stage_facet)
    factor_ids = {c.id for _, _, c in factor_codes(codebook, level_facet=level_facet, factor_facet=factor_facet)}
    factor_pos = {cid: i for i, cid in enumerate(code_order(codebook, factor_ids))}
    factor_rows = extracts[extracts["code_id"].isin(factor_ids)]
    by_passage: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key_doc, pid, code_id in zip(factor_rows["doc_id"], factor_rows["passage_id"], factor_rows["code_id"]):
        for p in str(pid).split(";"):
            by_passage[(str(key_doc), p)].add(code_id)
    words = _FIELD_WORDS[language]
    rows = []
    for value in facet_values(codebook, stage_facet):
        code = _stage_code(codebook, stage_facet, value)
        activity = _activity(code, activity_source)
        ev = extracts[extracts[column] == value] if column in extracts.columns else extracts.iloc[0:0]
        if ev.empty:
            rows.append({"stage": value, "main_activity": activity, "field_data": words[4],
                         "codings": 0, "documents": 0, "quotes": "", "source_types": "",
                         "informant_groups": ""})
            continue
        codings, documents = evidence_counts(ev)
        types = design.order("source_type", set(ev["source_type"]))
        in_word = "dalam" if language == "id" else "in"
        parts = [
            f"{_plural(codings, words[0], language)} {in_word} {_plural(documents, words[1], language)}"
            f" ({', '.join(design.label('source_type', t, language).lower() for t in types)})"
        ]
        co = Counter()
        for key in passage_keys(ev):
            for fid in by_passage.get(key, ()):
                co[fid] += 1
        if co:
            ranked = sorted(co.items(), key=lambda kv: (-kv[1], factor_pos[kv[0]]))
            parts.append(f"{words[2]}: " + ", ".join(
                f"{codebook.code(fid).name} ({n})" for fid, n in ranked[:top_factors]))
        stage_quotes = representative_quotes(ev.assign(code_id=value), per_code=quotes_per_stage,
                                             max_chars=160)
        if len(stage_quotes):
            first = stage_quotes.iloc[0]
            parts.append(f"{words[3]} {format_quote(first['quote'], first['doc_id'], None)}")
        rows.append({
            "stage": value, "main_activity": activity, "field_data": "; ".join(parts),
            "codings": codings, "documents": documents,
            "quotes": format_quotes(stage_quotes, value),
            "source_types": join_values(ev["source_type"]),
            "informant_groups": join_values(ev["informant_group"]),
        })
    frame = pd.DataFrame(rows, columns=list(STAGE_COLUMNS))
    return frame.astype({"codings": "int64", "documents": "int64"})


# -- matrices ------------------------------------------------------------------------------

def _with_context(codings: pd.DataFrame, corpus: Corpus | None, by: str) -> pd.DataFrame:
    if by in codings.columns:
        return codings
    if corpus is None:
        raise QualkitError(
            f"the codings have no {by!r} column and no corpus was given",
            hint="pass the corpus (code_by(codings, corpus, by=...)) or extracts from select_codings",
        )
    docs = corpus.documents_frame()[["doc_id", by]] if corpus.documents else pd.DataFrame(columns=["doc_id", by])
    return codings.merge(docs, on="doc_id", how="left")


def code_by(
    codings: pd.DataFrame,
    corpus: Corpus | None = None,
    *,
    by: str = "source_type",
    long: bool = False,
    codebook: Codebook | None = None,
    study: Study | None = None,
) -> pd.DataFrame:
    """Count coded passages per code and ``by`` value (source type, informant group, case,
    document).

    ``codings`` is a codings table (joined to ``corpus`` for the ``by`` column) or an
    extracts frame (which already holds it; interviewer turns then already dropped).
    Rows: the codes present, in ``codebook`` order when given; columns: every value found
    in the corpus (or the data), in the ``study``'s order for source types and informant
    groups (declared first), else sorted, with ``(none)`` for documents without a value. ``long=True`` gives the tidy form
    ``code_id, <by>, codings, documents`` (zeros included).

    >>> code_by(extracts, by="informant_group")      # doctest: +SKIP
    """
    if by not in BY_VALUES:
        raise QualkitError(f"The 'by' parameter of code_by must be one of {BY_VALUES}; got {by!r} instead")
    frame = _with_context(codings, corpus, by)
    value_ix, labels = _text_codes(frame[by])
    found = {labels[i] for i in np.flatnonzero(np.bincount(value_ix)).tolist()}
    if corpus is not None and corpus.documents:
        found |= {NONE_LABEL if is_missing(v) else str(v) for v in corpus.documents_frame()[by]}
    named = (study or Study()).order(by, found - {NONE_LABEL})
    columns = named + ([NONE_LABEL] if NONE_LABEL in found else [])
    codes = code_order(codebook, frame["code_id"].unique().tolist())
    # distinct coded passages and documents per (code, value), on integer codes
    rows, doc_ix, unit_ix = _coded_units(frame)
    code_ix = _positions(frame["code_id"], codes)[rows]
    column_of = np.array([columns.index(v) if v in columns else -1 for v in labels], dtype="int64")
    column_ix = column_of[value_ix[rows]]
    keep = column_ix >= 0
    cell = (code_ix * len(columns) + column_ix)[keep]
    size = len(codes) * len(columns)
    n, d = np.zeros(size, dtype="int64"), np.zeros(size, dtype="int64")
    for counts, values in ((n, unit_ix), (d, doc_ix)):
        present, k = _distinct_counts(cell, values[keep])
        counts[present] = k
    records = pd.DataFrame({"code_id": np.repeat(np.array(codes, dtype=object), len(columns)),
                            by: np.tile(np.array(columns, dtype=object), len(codes)),
                            "codings": n, "documents": d})
    tidy = records[["code_id", by, "codings", "documents"]]
    tidy = tidy.astype({"codings": "int64", "documents": "int64"})
    return tidy if long else _wide(tidy, by, codes, columns)


def _wide(tidy: pd.DataFrame, by: str, codes: list[str], columns: list[str]) -> pd.DataFrame:
    wide = tidy.pivot(index="code_id", columns=by, values="codings")
    wide = wide.reindex(index=pd.Index(codes, name="code_id"), columns=pd.Index(columns, name=by))
    return wide.fillna(0).astype("int64")


def code_by_tables(codings: pd.DataFrame, corpus: Corpus | None = None, *, by: str = "source_type",
                   codebook: Codebook | None = None, study: Study | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(code_by(...), code_by(..., long=True))`` counted once."""
    tidy = code_by(codings, corpus, by=by, codebook=codebook, study=study, long=True)
    codes = list(dict.fromkeys(tidy["code_id"]))
    columns = list(dict.fromkeys(tidy[by]))
    return _wide(tidy, by, codes, columns), tidy


def _text_codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a column's values as text and the texts (missing values are
    :data:`NONE_LABEL`): each distinct value is turned into text once."""
    ix, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = [str(u) for u in uniques] + [NONE_LABEL]
    ix = np.where(ix < 0, len(texts) - 1, ix)
    if len(set(texts)) == len(texts):
        return ix, texts
    merged, labels = pd.factorize(pd.Series(texts, dtype=object))  # str() may join values
    return merged[ix], [str(v) for v in labels]


def _positions(column: pd.Series, order: list[str]) -> np.ndarray:
    """Position in ``order`` of every value of ``column`` (as text)."""
    ix, labels = _text_codes(column)
    where = {c: i for i, c in enumerate(order)}
    return np.array([where.get(v, -1) for v in labels], dtype="int64")[ix]


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array, by sorting (numpy's hash-based
    ``np.unique`` is slow on millions of distinct values)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _distinct_counts(groups: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The groups present (sorted, non-negative integers) and how many distinct values
    each has."""
    base = int(values.max(initial=0)) + 1
    return np.unique(_distinct(groups * base + values) // base, return_counts=True)


def _coded_units(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The coded passages of codings or extracts: ``(row, doc, unit)`` integer codes,
    one entry per row and passage (merged ``;``-joined passage ids split); ``unit``
    numbers the distinct ``(doc_id, passage_id)``."""
    doc_ix, _ = _text_codes(frame["doc_id"])
    rows = np.arange(len(frame), dtype="int64")
    passage_ix, labels = _text_codes(frame["passage_id"])
    if any(SEP in label for label in labels):
        split = pd.Series(labels, dtype=object).str.split(SEP).explode()  # index: label
        parts = pd.DataFrame({"label": split.index, "part": _text_codes(split)[0]})
        pairs = pd.DataFrame({"row": rows, "label": passage_ix}).merge(parts, on="label")
        rows, passage_ix = pairs["row"].to_numpy(), pairs["part"].to_numpy()
    doc_ix = doc_ix[rows]
    unit_ix, _ = pd.factorize(doc_ix * (int(passage_ix.max(initial=0)) + 1) + passage_ix)
    return rows, doc_ix, unit_ix


def _units(codings: pd.DataFrame, window: int | None) -> dict[str, list[tuple]]:
    """Per document, the coded units: ``(passage, code)`` or ``(start, end, code)``."""
    units: dict[str, list[tuple]] = defaultdict(list)
    if window is None:
        for key in {(str(d), p, c) for d, pid, c in zip(codings["doc_id"], codings["passage_id"], codings["code_id"])
                    for p in str(pid).split(";")}:
            units[key[0]].append(key[1:])
    else:
        for key in {(str(d), int(s), int(e), c) for d, s, e, c in
                    zip(codings["doc_id"], codings["start"], codings["end"], codings["code_id"])}:
            units[key[0]].append(key[1:])
    return units


def cooccurrence_tables(codings: pd.DataFrame, *, codebook: Codebook | None = None
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(cooccurrence(...), cooccurrence(..., long=True))`` of passages, counted once."""
    codes = code_order(codebook, codings["code_id"].unique().tolist())
    return _passage_cooccurrence(codings, codes)


def _passage_cooccurrence(codings: pd.DataFrame, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(matrix, long table)`` of :func:`cooccurrence` with ``window=None``, with numpy:
    the pairs of codes applied to one passage are found by comparing each coded
    passage's rows at offsets 1, 2, ... (rows sorted by passage, then code), and counted
    as integer keys."""
    rows, doc_ix, unit_ix = _coded_units(codings)
    n = len(codes)
    code_ix = _positions(codings["code_id"], codes)[rows]
    doc_of_unit = np.zeros(int(unit_ix.max(initial=-1)) + 1, dtype="int64")
    doc_of_unit[unit_ix] = doc_ix
    units = _distinct(unit_ix * n + code_ix)  # one per (passage, code), sorted so
    unit_ix, code_ix = units // n, units % n
    doc_ix = doc_of_unit[unit_ix]
    diag = np.bincount(code_ix, minlength=n)
    keys, docs = [], []
    for step in range(1, len(code_ix)):
        same = unit_ix[step:] == unit_ix[:-step]
        if not same.any():
            break  # rows of one passage are contiguous: no longer run exists
        first, second = code_ix[:-step][same], code_ix[step:][same]
        keys.append(first * n + second)
        docs.append(doc_ix[:-step][same])
    key = np.concatenate(keys) if keys else np.zeros(0, dtype="int64")
    doc = np.concatenate(docs) if docs else np.zeros(0, dtype="int64")
    pair_keys, counts = np.unique(key, return_counts=True)
    doc_counts = _distinct_counts(key, doc)[1]
    first, second = pair_keys // n, pair_keys % n
    out = pd.DataFrame({"code_id": [codes[i] for i in first.tolist()],
                        "co_code_id": [codes[i] for i in second.tolist()],
                        "codings": counts, "documents": doc_counts},
                       columns=["code_id", "co_code_id", "codings", "documents"])
    out = out.astype({"codings": "int64", "documents": "int64"})
    values = np.zeros((n, n), dtype="int64")
    values[np.arange(n), np.arange(n)] = diag
    values[first, second] = counts
    values[second, first] = counts
    matrix = pd.DataFrame(values, index=pd.Index(codes, name="code_id"),
                          columns=pd.Index(codes, name="co_code_id"))
    return matrix, out


def cooccurrence(
    codings: pd.DataFrame,
    *,
    window: int | None = None,
    long: bool = False,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """How often two codes are applied together.

    With ``window=None`` two codes co-occur when they are applied to the same passage
    and a cell counts such passages; the diagonal counts the passages of each code. With
    ``window=N`` (characters) two codings co-occur when they are in the same document and
    their evidence spans (``start``/``end``) are at most N characters apart; a cell then
    counts such pairs of codings and the diagonal the codings of each code. The matrix is
    symmetric, codes in ``codebook`` order when given (else sorted). ``long=True`` lists
    each pair of different codes once (``code_id`` before ``co_code_id`` in matrix
    order) with ``codings`` (the count) and ``documents`` (distinct documents), pairs
    that never co-occur left out.

    >>> cooccurrence(extracts, window=200)        # doctest: +SKIP
    """
    if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window < 0):
        raise QualkitError(f"The 'window' parameter of cooccurrence must be None or an int >= 0; got {window!r} instead")
    codes = code_order(codebook, codings["code_id"])
    if window is None:
        matrix, tidy = _passage_cooccurrence(codings, codes)
        return tidy if long else matrix
    pairs: Counter = Counter()
    pair_docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    diag: Counter = Counter()
    for doc_id, units in sorted(_units(codings, window).items()):
        if window is None:
            by_passage: dict[str, set[str]] = defaultdict(set)
            for pid, code in units:
                by_passage[pid].add(code)
                diag[code] += 1
            for present in by_passage.values():
                for a in present:
                    for b in present:
                        if a < b:
                            pairs[(a, b)] += 1
                            pair_docs[(a, b)].add(doc_id)
        else:
            units = sorted(units)
            for i, (s1, e1, c1) in enumerate(units):
                diag[c1] += 1
                for s2, e2, c2 in units[i + 1:]:
                    if s2 - e1 > window:
                        break
                    if c1 != c2:
                        a, b = sorted((c1, c2))
                        pairs[(a, b)] += 1
                        pair_docs[(a, b)].add(doc_id)
    if long:
        pos = {c: i for i, c in enumerate(codes)}
        records = []
        for (a, b), n in pairs.items():
            first, second = (a, b) if pos[a] < pos[b] else (b, a)
            records.append({"code_id": first, "co_code_id": second, "codings": n,
                            "documents": len(pair_docs[(a, b)])})
        records.sort(key=lambda r: (pos[r["code_id"]], pos[r["co_code_id"]]))
        out = pd.DataFrame(records, columns=["code_id", "co_code_id", "codings", "documents"])
        return out.astype({"codings": "int64", "documents": "int64"})
    matrix = pd.DataFrame(0, index=pd.Index(codes, name="code_id"),
                          columns=pd.Index(codes, name="co_code_id"), dtype="int64")
    for code, n in diag.items():
        matrix.loc[code, code] = n
    for (a, b), n in pairs.items():
        matrix.loc[a, b] = n
        matrix.loc[b, a] = n
    return matrix



# -- code frequencies ----------------------------------------------------------------------

def _tree_order(codebook: Codebook) -> list[tuple[str, int]]:
    """``(code_id, depth)`` depth-first from the top-level codes, siblings in codebook order."""
    out: list[tuple[str, int]] = []
    seen: set[str] = set()

    def visit(code_id: str, depth: int) -> None:
        if code_id in seen:
            return
        seen.add(code_id)
        out.append((code_id, depth))
        for child in codebook.children(code_id):
            visit(child.id, depth + 1)

    for code in codebook.codes:
        if code.parent is None or code.parent not in codebook:
            visit(code.id, 0)
    for code in codebook.codes:  # codes in a parent cycle, if any
        visit(code.id, 0)
    return out


def code_frequencies(extracts: pd.DataFrame, codebook: Codebook, *, case_column: str = "case_id",
                     language: str | None = None) -> pd.DataFrame:
    """How often each code was applied: one row per code of the codebook, depth-first in
    codebook order (children under their parent), codes without evidence included.

    Columns (:data:`FREQUENCY_COLUMNS`): ``code_id, code_name`` (in ``language``),
    ``parent``, ``depth`` (0 for top-level codes), ``codings`` (coded passages),
    ``documents`` (distinct documents), ``cases`` (distinct values of ``case_column``:
    ``case_id``, or ``doc_id`` when each document is a case).

    >>> from qualkit.codebook.model import Code
    >>> book = Codebook(name="b", codes=(Code(id="a", name="A"), Code(id="b", name="B", parent="a")))
    >>> ex = pd.DataFrame({"code_id": ["b", "b"], "doc_id": ["d1", "d2"], "passage_id": ["p1", "p2"],
    ...                    "case_id": ["c1", "c1"]})
    >>> code_frequencies(ex, book)[["code_id", "depth", "codings", "documents", "cases"]].values.tolist()
    [['a', 0, 0, 0, 0], ['b', 1, 2, 2, 1]]
    """
    check_param("code_frequencies", "case_column", case_column, options=("case_id", "doc_id"))
    groups = dict(iter(extracts.groupby("code_id", sort=False))) if len(extracts) else {}
    rows = []
    for code_id, depth in _tree_order(codebook):
        ev = groups.get(code_id)
        codings, documents = evidence_counts(ev) if ev is not None else (0, 0)
        cases = 0
        if ev is not None and case_column in ev.columns:
            cases = int(ev[case_column].dropna().astype(str).replace("", pd.NA).nunique())
        rows.append({"code_id": code_id, "code_name": codebook.code_name(code_id, language),
                     "parent": codebook.code(code_id).parent or "", "depth": depth,
                     "codings": codings, "documents": documents, "cases": cases})
    frame = pd.DataFrame(rows, columns=list(FREQUENCY_COLUMNS))
    return frame.astype({"depth": "int64", "codings": "int64", "documents": "int64", "cases": "int64"})

"""Data reduction: select the codings that matter, give them context, merge, pick quotes.

The reduction step turns a codings table (:mod:`qualkit.coding.frame`) into an
**extracts** frame: one row per coding, joined with its passage and document, with the
evidence passage's text as ``quote`` and the code's facet values.

Extracts columns (:data:`EXTRACT_COLUMNS`, then one column per codebook facet):

===============  ==========================================================================
passage_id       the coded passage (``;``-joined ids after :func:`merge_evidence`)
doc_id           its document
code_id          the code
start, end       the coding's evidence span in ``Document.text`` (as in the codings table)
speaker, role    the passage's speaker label and role (``interviewer``/``informant``/None)
source_type      ``interview``, ``observation`` or ``document``
informant_group  the document's informant group (or None)
case_id          the document's case (or None)
language         the document's language
quote            the evidence passage's text: ``Document.text[quote_start:quote_end]``
quote_start,     offsets of ``quote``: the passage, widened to cover the evidence span
quote_end        when a (manual) coding reaches beyond its passage
code_name        the code's name in the codebook
coder, method    who coded and how (``;``-joined after merging)
spans            every evidence span, ``start-end`` items joined by ``;``
n_merged         how many codings the row stands for (1 before merging)
status           (only when the codings table has one) the review status of a coding,
                 e.g. ``accepted`` for a machine coding a person verified
<facet>          the code's value for each facet (declared or carried by a code; inherited)
===============  ==========================================================================

Quotes columns (:data:`QUOTE_COLUMNS`, from :func:`representative_quotes`):
``code_id, rank, quote, doc_id, passage_id, speaker, role, start, end, source_type,
informant_group, case_id, language``: ``rank`` counts from 1 within a code; ``start``/
``end`` are the offsets of the quoted text in ``Document.text`` (when a long passage is
cut, ``quote`` is the cut text between ``…`` marks, with whitespace runs shown as one
space).

Example
-------
>>> from qualkit import Corpus, Document, Passage
>>> from qualkit.codebook.model import Code, Codebook
>>> from qualkit.coding.frame import codings_frame
>>> doc = Document(id="i.txt", text="P: Kenapa?\\nK: Saya takut pulang.", source_type="interview")
>>> corpus = Corpus(documents=(doc,), passages=(
...     Passage(doc_id="i.txt", id="i.txt#p1", start=3, end=10, role="interviewer").with_text(doc),
...     Passage(doc_id="i.txt", id="i.txt#p2", start=14, end=32, role="informant").with_text(doc)))
>>> book = Codebook(name="b", codes=(Code(id="fear", name="Fear", facets={"factor": "inhibiting"}),))
>>> codings = codings_frame([{"passage_id": "i.txt#p2", "doc_id": "i.txt", "code_id": "fear",
...     "start": 19, "end": 24, "coder": "auto", "method": "auto"}])
>>> select_codings(codings, corpus, book).loc[0, ["quote", "factor"]].tolist()
['Saya takut pulang.', 'inhibiting']
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from qualkit.analysis._common import (
    as_tuple, code_order, descendants, facet_names, facet_values, is_missing,
)
from qualkit.codebook.model import Codebook
from qualkit.corpus import Corpus
from qualkit.errors import QualkitError
from qualkit.coding.frame import CODING_COLUMNS, METHODS, validate_codings

EXTRACT_COLUMNS = (
    "passage_id", "doc_id", "code_id", "start", "end", "speaker", "role", "source_type",
    "informant_group", "case_id", "language", "quote", "quote_start", "quote_end",
    "code_name", "coder", "method", "spans", "n_merged",
)
QUOTE_COLUMNS = (
    "code_id", "rank", "quote", "doc_id", "passage_id", "speaker", "role", "start", "end",
    "source_type", "informant_group", "case_id", "language",
)
_PASSAGE_CONTEXT = ("speaker", "role", "source_type", "informant_group", "case_id", "language")
_ELLIPSIS = "…"


def facet_column(facet: str) -> str:
    """The extracts column holding a facet (``facet_<name>`` if the name is taken)."""
    return f"facet_{facet}" if facet in EXTRACT_COLUMNS else facet


def empty_extracts(codebook: Codebook | None = None) -> pd.DataFrame:
    """An empty extracts frame with the documented columns (and the codebook's facets)."""
    facets = [facet_column(f) for f in (facet_names(codebook) if codebook is not None else ())]
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in (*EXTRACT_COLUMNS, *facets)})
    return frame.astype({"start": "int64", "end": "int64", "quote_start": "int64",
                         "quote_end": "int64", "n_merged": "int64"})


def _check_values(name: str, given: tuple[str, ...] | None, known: Iterable[str], hint: str) -> None:
    if given is None:
        return
    known_set = set(known)
    unknown = [v for v in given if v not in known_set]
    if unknown:
        raise QualkitError(
            f"The '{name}' parameter of select_codings names unknown value(s) {unknown}",
            hint=f"{hint}; known: {sorted(known_set)}",
        )


def _needs_validation(codings: pd.DataFrame) -> bool:
    """False when :func:`validate_codings` would only copy and sort ``codings``: every
    column present, int64 offsets, known methods, ``start <= end``."""
    return not (
        all(c in codings.columns for c in CODING_COLUMNS)
        and all(codings[c].dtype == "int64" for c in ("start", "end"))
        and bool(codings["method"].isin(METHODS).all())
        and not bool((codings["start"] > codings["end"]).any())
    )


def _sort_keys(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Integer keys ordering a column's values at ``rows`` as ``sort_values`` does
    (missing values last)."""
    codes, uniques = pd.factorize(column)  # missing values: -1
    ranks, _ = pd.factorize(uniques, sort=True)  # the few distinct values, sorted
    return np.append(ranks, len(uniques))[codes[rows]]  # code -1 takes the last rank


def _as_objects(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """A column's values at ``rows`` as an object array, as ``astype(object)`` gives
    them; repeated values of other dtypes share one object."""
    if column.dtype == object:
        return column.to_numpy()[rows]
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return uniques.astype(object).to_numpy()[codes[rows]]


def _passage_context(corpus: Corpus) -> pd.DataFrame:
    """Per passage, in corpus order: ``passage_id, p_start, p_end``, the passage's
    :data:`_PASSAGE_CONTEXT` (as ``corpus.passages_frame()`` types them) and ``p_text``
    (the corpus's own strings)."""
    by_id = {d.id: d for d in corpus.documents}
    rows = [
        (p.id, p.start, p.end, p.speaker, p.role, by_id[p.doc_id].source_type,
         by_id[p.doc_id].informant_group, by_id[p.doc_id].case_id, by_id[p.doc_id].language)
        for p in corpus.passages
    ]
    frame = pd.DataFrame(rows, columns=["passage_id", "p_start", "p_end", *_PASSAGE_CONTEXT])
    frame = frame.astype({"p_start": "int64", "p_end": "int64"})
    frame["p_text"] = pd.Series([p.text for p in corpus.passages], dtype=object)
    return frame


def select_codings(
    codings: pd.DataFrame,
    corpus: Corpus,
    codebook: Codebook,
    *,
    codes: str | Iterable[str] | None = None,
    facets: Mapping[str, str | Iterable[str]] | None = None,
    source_types: str | Iterable[str] | None = None,
    informant_groups: str | Iterable[str] | None = None,
    cases: str | Iterable[str] | None = None,
    include_interviewer: bool = False,
) -> pd.DataFrame:
    """Select codings and join them with their passage, document and code: the extracts.

    Parameters
    ----------
    codings : a codings table (:mod:`qualkit.coding.frame`).
    corpus : the corpus the codings refer to (every ``passage_id`` must be in it).
    codebook : the codebook the codings use (every ``code_id`` must be in it).
    codes : keep these codes and the codes below them in the hierarchy.
    facets : ``{facet: value or values}``; keep codes whose (inherited) value matches.
    source_types, informant_groups, cases : keep documents with these values.
    include_interviewer : keep passages spoken by the interviewer (dropped by default).

    Returns the extracts frame (columns in the module doc), sorted by
    ``doc_id, start, end, code_id, coder``.

    >>> select_codings(codings, corpus, book, facets={"factor": "supporting"})  # doctest: +SKIP

    Over 80 lines only with this docstring: the code itself is about 75 lines.
    """
    if _needs_validation(codings):
        codings = validate_codings(codings)
    known_codes = [c.id for c in codebook.codes]
    code_ix, code_values = pd.factorize(codings["code_id"], use_na_sentinel=False)
    code_pos = pd.Index(known_codes).get_indexer(code_values)  # position in the codebook
    unknown = sorted(set(code_values[code_pos < 0]))
    if unknown:
        raise QualkitError(
            f"codings use code(s) not in codebook {codebook.name!r}: {unknown[:10]}",
            path=codebook.path,
            hint="analyse the codings with the codebook that produced them, or drop those rows",
        )
    passages = _passage_context(corpus)
    pid_ix, pid_values = pd.factorize(codings["passage_id"], use_na_sentinel=False)
    where = pd.Index(passages["passage_id"]).get_indexer(pid_values)[pid_ix]
    missing = sorted(set(codings["passage_id"][where < 0])) if (where < 0).any() else []
    if missing:
        raise QualkitError(
            f"{len(missing)} coded passage(s) are not in the corpus, e.g. {missing[:5]}",
            hint="pass the corpus the codings were made on (same unit, same redaction)",
        )

    # -- filters on codes, then on the passage and document context --------------------
    keep_codes = _kept_codes(codebook, codes, facets)
    keep = np.isin(code_pos, [i for i, c in enumerate(known_codes) if c in keep_codes])[code_ix]
    keep_passage = _kept_passages(passages, corpus, {"source_types": as_tuple(source_types),
                                   "informant_groups": as_tuple(informant_groups), "cases": as_tuple(cases)},
                                  include_interviewer)
    rows = np.flatnonzero(keep & keep_passage[where])
    if not len(rows):
        return empty_extracts(codebook)

    # -- sort by doc_id, start, end, code_id, coder (stable) ---------------------------
    order = np.lexsort([_sort_keys(codings[c], rows) for c in ("coder", "code_id")]
                       + [codings[c].to_numpy()[rows] for c in ("end", "start")]
                       + [_sort_keys(codings["doc_id"], rows)])
    rows = rows[order]
    starts, ends = codings["start"].to_numpy()[rows], codings["end"].to_numpy()[rows]
    doc_ids = _as_objects(codings["doc_id"], rows)
    at = where[rows]

    # -- quote: the passage, widened to the evidence span -----------------------------
    q_starts = passages["p_start"].to_numpy()[at]
    q_ends = passages["p_end"].to_numpy()[at]
    quotes = passages["p_text"].to_numpy()[at]
    for i in np.flatnonzero((starts < q_starts) | (ends > q_ends)).tolist():  # manual codings
        text = corpus.document(doc_ids[i]).text
        q_starts[i] = min(q_starts[i], starts[i])
        q_ends[i] = min(max(q_ends[i], ends[i]), len(text))
        quotes[i] = text[q_starts[i]:q_ends[i]]
    spans = codings["spans"].iloc[rows].fillna("").astype(object).to_numpy()

    def objects(values: np.ndarray) -> pd.Series:
        return pd.Series(values, dtype=object, copy=False)

    in_book = code_pos[code_ix[rows]]
    columns = {
        "passage_id": objects(pid_values.astype(object).to_numpy()[pid_ix[rows]]),
        "doc_id": objects(doc_ids), "code_id": objects(_as_objects(codings["code_id"], rows)),
        "start": starts, "end": ends,
        **{c: passages[c].iloc[at].reset_index(drop=True) for c in _PASSAGE_CONTEXT},
        "quote": objects(quotes), "quote_start": q_starts, "quote_end": q_ends,
        "code_name": objects(np.array([c.name for c in codebook.codes], dtype=object)[in_book]),
        "coder": objects(_as_objects(codings["coder"], rows)),
        "method": objects(_as_objects(codings["method"], rows)),
        "spans": objects(spans), "n_merged": np.ones(len(rows), dtype="int64"),
    }
    if "status" in codings.columns:  # review status of suggested/auto codings (accepted, ...)
        columns["status"] = objects(_as_objects(codings["status"], rows))
    for facet in facet_names(codebook):
        values = np.array([codebook.facet(c.id, facet) for c in codebook.codes], dtype=object)
        columns[facet_column(facet)] = objects(values[in_book])
    return pd.DataFrame(columns, copy=False)  # not consolidated: no copy of the columns


def _kept_codes(codebook: Codebook, codes: str | Iterable[str] | None,
                facets: Mapping[str, str | Iterable[str]] | None) -> set[str]:
    """Ids of the codes :func:`select_codings` keeps: ``codes`` with their descendants, then ``facets``."""
    known_codes = [c.id for c in codebook.codes]
    keep_codes = set(known_codes)
    code_filter = as_tuple(codes)
    if code_filter is not None:
        _check_values("codes", code_filter, known_codes, "use code ids of the codebook")
        keep_codes = {d for c in code_filter for d in descendants(codebook, c)}
    for facet, wanted in (facets or {}).items():
        values = as_tuple(wanted) or ()
        if facet not in codebook.facets and not facet_values(codebook, facet):
            raise QualkitError(
                f"The 'facets' parameter of select_codings names unknown facet {facet!r}",
                hint=f"use one of the codebook's facets: {sorted(codebook.facets)}",
            )
        _check_values(f"facets[{facet!r}]", values, facet_values(codebook, facet),
                      f"use values of the facet {facet!r}")
        keep_codes &= {c for c in known_codes if codebook.facet(c, facet) in values}
    return keep_codes


def _kept_passages(passages: pd.DataFrame, corpus: Corpus, filters: Mapping[str, tuple[str, ...] | None],
                   include_interviewer: bool) -> np.ndarray:
    """Mask of the ``passages`` rows :func:`select_codings` keeps (document filters, roles)."""
    keep_passage = np.ones(len(passages), dtype=bool)
    docs = corpus.documents_frame()
    for name, column in (("source_types", "source_type"), ("informant_groups", "informant_group"),
                         ("cases", "case_id")):
        given = filters[name]
        if given is None:
            continue
        _check_values(name, given, docs[column].dropna() if len(docs) else (),
                      f"use {column} values found in the corpus")
        keep_passage &= passages[column].isin(given).to_numpy()
    if not include_interviewer:
        role = passages["role"]
        keep_passage &= (role.isna() | (role != "interviewer")).to_numpy()
    return keep_passage


def _splice(pieces: list[tuple[int, int, str]]) -> str:
    """Join texts at known offsets (sorted by start); gaps are shown as spaces."""
    text, pos = "", pieces[0][0]
    for start, end, piece in pieces:
        if start > pos:
            text += " " * (start - pos)
            pos = start
        if end > pos:
            text += piece[pos - start:]
            pos = end
    return text


def _join_unique(values: Iterable[object]) -> str | None:
    seen: list[str] = []
    for v in values:
        if not is_missing(v) and str(v) not in seen:
            seen.append(str(v))
    return ";".join(seen) if seen else None


def merge_evidence(
    extracts: pd.DataFrame, *, corpus: Corpus | None = None, max_gap: int = 2
) -> pd.DataFrame:
    """Merge overlapping or adjacent quotes of the same code in the same document.

    Two extracts are merged when their quote spans overlap or are at most ``max_gap``
    characters apart (default 2: a space, a line break or a blank line). The merged row
    spans both: ``start``/``end`` and ``quote_start``/``quote_end`` are the outer bounds,
    ``passage_id``, ``speaker``, ``role``, ``coder``, ``method`` and ``spans`` list the
    distinct values joined by ``;``, ``n_merged`` adds up. The merged ``quote`` is
    ``Document.text[quote_start:quote_end]`` when ``corpus`` is given; without it the
    quotes are spliced at their offsets and the characters between them shown as spaces.

    >>> merged = merge_evidence(select_codings(codings, corpus, book))    # doctest: +SKIP
    """
    if not isinstance(max_gap, int) or max_gap < 0:
        raise QualkitError(f"The 'max_gap' parameter of merge_evidence must be an int >= 0; got {max_gap!r} instead")
    if extracts.empty:
        return extracts.copy()
    ordered = extracts.sort_values(["doc_id", "code_id", "quote_start", "quote_end", "start"],
                                   kind="stable")
    groups: list[list[dict]] = []
    for rec in ordered.to_dict("records"):
        last = groups[-1] if groups else None
        if (
            last is not None
            and last[0]["doc_id"] == rec["doc_id"]
            and last[0]["code_id"] == rec["code_id"]
            and rec["quote_start"] <= max(r["quote_end"] for r in last) + max_gap
        ):
            last.append(rec)
        else:
            groups.append([rec])
    rows = []
    for group in groups:
        if len(group) == 1:
            rows.append(group[0])
            continue
        row = dict(group[0])
        q_start = min(r["quote_start"] for r in group)
        q_end = max(r["quote_end"] for r in group)
        if corpus is not None:
            quote = corpus.document(row["doc_id"]).text[q_start:q_end]
        else:
            quote = _splice([(r["quote_start"], r["quote_end"], r["quote"]) for r in group])
        spans = sorted({s for r in group for s in str(r["spans"]).split(";") if s},
                       key=lambda s: tuple(int(x) for x in s.split("-")))
        row.update(
            start=min(r["start"] for r in group), end=max(r["end"] for r in group),
            quote_start=q_start, quote_end=q_end, quote=quote,
            spans=";".join(spans), n_merged=sum(int(r["n_merged"]) for r in group),
        )
        for col in ("passage_id", "speaker", "role", "coder", "method"):
            row[col] = _join_unique(r[col] for r in group)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(extracts.columns))
    out = out.sort_values(["doc_id", "start", "end", "code_id", "coder"], kind="stable")
    return out.reset_index(drop=True).astype({c: extracts[c].dtype for c in
                                              ("start", "end", "quote_start", "quote_end", "n_merged")})


# -- representative quotes --------------------------------------------------------------

_IDEAL_CHARS = 140
"""Quotes near this length read best in a table; shorter and longer ones rank lower."""


def _length_score(n: int, max_chars: int) -> float:
    """1.0 at the ideal length, falling with the log of the ratio (0 for empty text)."""
    if n <= 0:
        return 0.0
    ideal = min(_IDEAL_CHARS, max_chars)
    return 1.0 / (1.0 + abs(math.log(min(n, max_chars) / ideal)) + (0.5 if n > max_chars else 0.0))


def _cut(quote: str, q_start: int, focus: int, max_chars: int) -> tuple[str, int, int]:
    """The quote (at offset q_start) cut to max_chars around offset ``focus`` on word
    boundaries; returns text (with ``…`` marks where cut, whitespace runs as one space)
    and the offsets of the kept text."""
    lo, hi = 0, len(quote)
    if hi > max_chars:
        budget = max(1, max_chars - 2)
        centre = min(max(focus - q_start, 0), hi)
        lo = max(0, min(centre - budget // 3, hi - budget))
        hi = min(hi, lo + budget)
        if lo > 0:
            m = re.search(r"\s", quote[lo:hi])
            if m and m.start() < (hi - lo) // 2:
                lo += m.end()
        if hi < len(quote):
            cut = quote.rfind(" ", lo, hi)
            if cut > lo + (hi - lo) // 2:
                hi = cut
    kept = quote[lo:hi]
    stripped = kept.strip()
    lead = len(kept) - len(kept.lstrip())
    start = q_start + lo + lead
    end = start + len(stripped)
    shown = re.sub(r"\s+", " ", stripped)
    if lo > 0:
        shown = _ELLIPSIS + shown
    if hi < len(quote):
        shown = shown + _ELLIPSIS
    return shown, start, end


def representative_quotes(
    extracts: pd.DataFrame, *, per_code: int = 3, max_chars: int = 300,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Pick up to ``per_code`` quotes per code, diverse and readable, with provenance.

    Selection is greedy and deterministic: each next quote is the candidate that adds the
    most not-yet-quoted values among informant group, source type and document; ties go
    to informants over passages without speaker over the interviewer, then to quotes
    closest to a readable length (about 140 characters, penalising very short and
    over-long ones), then to ``doc_id`` and offset. A passage is never quoted twice for a
    code, and the same text only once. Quotes longer than ``max_chars`` are cut on word
    boundaries around the evidence.

    Returns a frame with :data:`QUOTE_COLUMNS` (see the module doc), codes in
    ``codebook`` order when given (else in order of first appearance), then rank.

    Over 80 lines only with this docstring: the code itself is about 70 lines.

    >>> representative_quotes(extracts, per_code=2)    # doctest: +SKIP
    """
    if not isinstance(per_code, int) or per_code < 1:
        raise QualkitError(f"The 'per_code' parameter of representative_quotes must be an int >= 1; got {per_code!r} instead")
    if not isinstance(max_chars, int) or max_chars < 20:
        raise QualkitError(f"The 'max_chars' parameter of representative_quotes must be an int >= 20; got {max_chars!r} instead")
    rows: list[dict] = []
    if extracts.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in QUOTE_COLUMNS})
    # Candidates of every code at once: one per (doc, quote span), non-blank, ordered as
    # the greedy choice breaks ties (role, readable length, doc_id, offset; then the
    # quote's end). Each pick then only needs the novelty of the remaining candidates,
    # computed with numpy from factorised values; only the picked rows are read whole.
    doc_ids = extracts["doc_id"]
    doc_codes, doc_values = pd.factorize(doc_ids if pd.api.types.is_string_dtype(doc_ids)
                                         else doc_ids.astype(object).map(str), sort=True)
    code_codes, code_values = pd.factorize(extracts["code_id"].astype(object))
    codes_in_order = list(code_values)  # in order of first appearance
    if codebook is not None:
        codes_in_order = code_order(codebook, codes_in_order)
    q_starts, q_ends = extracts["quote_start"].to_numpy(), extracts["quote_end"].to_numpy()
    spans = pd.DataFrame({"c": code_codes, "d": doc_codes, "s": q_starts, "e": q_ends})
    first = ~spans.duplicated().to_numpy()  # one candidate per code, document and quote span
    lengths = np.array([len(str(q).strip()) for q in extracts["quote"].tolist()], dtype="int64")
    cands = np.flatnonzero(first & (lengths > 0))  # rows of extracts
    lengths, inverse = np.unique(lengths[cands], return_inverse=True)
    scores = np.array([-round(_length_score(int(n), max_chars), 6) for n in lengths])[inverse]
    role = extracts["role"].iloc[cands]
    informant = (role == "informant").to_numpy(dtype=bool, na_value=False)
    role_rank = np.where(informant, 0, np.where(role.isna().to_numpy(), 1, 2))
    cands = cands[np.lexsort((q_ends[cands], q_starts[cands], doc_codes[cands], scores, role_rank))]
    doc_codes, code_codes = doc_codes[cands], code_codes[cands]
    group_codes, _ = pd.factorize(extracts["informant_group"].iloc[cands])  # -1: missing
    type_codes, _ = pd.factorize(extracts["source_type"].iloc[cands], use_na_sentinel=False)
    by_code = np.argsort(code_codes, kind="stable")
    bounds = np.searchsorted(code_codes[by_code], np.arange(len(code_values) + 1))
    code_number = {c: i for i, c in enumerate(code_values)}
    for code_id in codes_in_order:
        k = code_number.get(code_id)
        if k is None:
            continue
        where = by_code[bounds[k]:bounds[k + 1]]
        g, t, d = group_codes[where], type_codes[where], doc_codes[where]
        left = np.ones(len(where), dtype=bool)
        seen_g = np.zeros(max(int(group_codes.max(initial=-1)) + 2, 1), dtype=bool)
        seen_t = np.zeros(max(int(type_codes.max(initial=0)) + 1, 1), dtype=bool)
        seen_d = np.zeros(len(doc_values) + 1, dtype=bool)
        chosen: list[dict] = []
        seen_texts: set[str] = set()
        while left.any() and len(chosen) < per_code:
            novelty = ((g >= 0) & ~seen_g[g]).astype(int) + ~seen_t[t] + ~seen_d[d]
            novelty[~left] = -1
            i = int(np.argmax(novelty))  # the first best: ties keep the candidate order
            left[i] = False
            best = extracts.iloc[int(cands[where[i]])].to_dict()
            text = " ".join(str(best["quote"]).split())
            if text in seen_texts:
                continue
            seen_texts.add(text)
            # a missing informant group counts as seen too (as in a set of values)
            seen_g[g[i]] = True
            seen_t[t[i]] = True
            seen_d[d[i]] = True
            chosen.append(best)
        for rank, rec in enumerate(chosen, start=1):
            shown, start, end = _cut(str(rec["quote"]), int(rec["quote_start"]), int(rec["start"]), max_chars)
            rows.append({
                "code_id": code_id, "rank": rank, "quote": shown, "doc_id": rec["doc_id"],
                "passage_id": rec["passage_id"], "speaker": rec["speaker"], "role": rec["role"],
                "start": start, "end": end, "source_type": rec["source_type"],
                "informant_group": rec["informant_group"], "case_id": rec["case_id"],
                "language": rec["language"],
            })
    out = pd.DataFrame(rows, columns=list(QUOTE_COLUMNS))
    return out.astype({"rank": "int64", "start": "int64", "end": "int64"})

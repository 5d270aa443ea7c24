"""Small helpers shared by the reduction, display and synthesis steps (not public)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from qualkit.codebook.model import Code, Codebook
from qualkit.errors import QualkitError

LANGUAGES = ("en", "id")
"""Languages the generated text (field data, conclusions) is written in."""

SEP = ";"
"""Separator of multi-valued cells (values sorted, no spaces)."""

QUOTE_SEP = " | "
"""Separator between quotes in one cell."""


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def join_values(values: Iterable[Any]) -> str:
    """Sorted distinct non-missing values as text, ``;``-separated (``""`` when none)."""
    return SEP.join(sorted({str(v) for v in values if not is_missing(v) and str(v) != ""}))


def as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """A filter argument (one value or several) as a tuple; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def check_language(language: str, where: str) -> str:
    """Raise QualkitError unless ``language`` is one of :data:`LANGUAGES`."""
    if language not in LANGUAGES:
        raise QualkitError(
            f"The 'language' parameter of {where} must be one of {LANGUAGES}; got {language!r} instead",
            hint="write 'en' for English or 'id' for Indonesian",
        )
    return language


def facet_values(codebook: Codebook, facet: str) -> tuple[str, ...]:
    """The declared values of a facet in display order; when the facet is not declared,
    the values the codes carry, in codebook order."""
    if facet in codebook.facets:
        return tuple(codebook.facets[facet])
    seen: list[str] = []
    for code in codebook.codes:
        value = codebook.facet(code.id, facet)
        if value is not None and value not in seen:
            seen.append(value)
    return tuple(seen)


def facet_names(codebook: Codebook) -> tuple[str, ...]:
    """The declared facets, then any other facet a code carries (in codebook order)."""
    names = list(codebook.facets)
    for code in codebook.codes:
        names.extend(f for f in code.facets if f not in names)
    return tuple(names)


def is_leaf(codebook: Codebook, code_id: str) -> bool:
    """True when no code names ``code_id`` as its parent."""
    return not codebook.children(code_id)


def factor_codes(
    codebook: Codebook, *, level_facet: str = "level", factor_facet: str = "factor"
) -> list[tuple[str, str, Code]]:
    """``(level, factor, code)`` for every leaf code carrying both facets (inherited),
    ordered by cell (level values x factor values, in facet order), then codebook order."""
    levels = facet_values(codebook, level_facet)
    factors = facet_values(codebook, factor_facet)
    cells: dict[tuple[str, str], list[Code]] = {(lv, fc): [] for lv in levels for fc in factors}
    for code in codebook.codes:
        if not is_leaf(codebook, code.id):
            continue
        level = codebook.facet(code.id, level_facet)
        factor = codebook.facet(code.id, factor_facet)
        if level is None or factor is None:
            continue
        cells.setdefault((level, factor), []).append(code)
    return [(lv, fc, code) for (lv, fc), codes in cells.items() for code in codes]


def descendants(codebook: Codebook, code_id: str) -> list[str]:
    """``code_id`` and every code below it in the hierarchy."""
    out, todo = [], [code_id]
    while todo:
        current = todo.pop(0)
        if current in out:
            continue
        out.append(current)
        todo.extend(c.id for c in codebook.children(current))
    return out


def code_order(codebook: Codebook | None, code_ids: Iterable[str]) -> list[str]:
    """Distinct code ids in codebook order (unknown ids after, sorted)."""
    ids = {str(c) for c in code_ids}
    if codebook is None:
        return sorted(ids)
    known = [c.id for c in codebook.codes if c.id in ids]
    return known + sorted(ids - set(known))


def format_quote(quote: str, doc_id: str, speaker: Any) -> str:
    """One quote in the tables' format: ``"text" (doc_id, speaker)`` (speaker left out
    when there is none)."""
    where = doc_id if is_missing(speaker) or not str(speaker) else f"{doc_id}, {speaker}"
    return f'"{quote}" ({where})'


def format_quotes(quotes: pd.DataFrame, code_id: str, *, limit: int | None = None) -> str:
    """The quotes of one code from a :func:`representative_quotes` frame, in rank order,
    each formatted by :func:`format_quote` and joined by `` | ``."""
    if quotes is None or quotes.empty:
        return ""
    rows = quotes[quotes["code_id"] == code_id].sort_values("rank", kind="stable")
    if limit is not None:
        rows = rows.head(limit)
    return QUOTE_SEP.join(
        format_quote(r.quote, r.doc_id, r.speaker) for r in rows.itertuples(index=False)
    )


def passage_keys(rows: pd.DataFrame) -> set[tuple[str, str]]:
    """Distinct ``(doc_id, passage_id)`` of extracts/codings (merged ids split on ``;``)."""
    keys: set[tuple[str, str]] = set()
    for doc_id, pid in zip(rows["doc_id"], rows["passage_id"]):
        for p in str(pid).split(SEP):
            keys.add((str(doc_id), p))
    return keys


def evidence_counts(rows: pd.DataFrame) -> tuple[int, int]:
    """``(coded passages, distinct documents)`` of some extracts or codings."""
    return len(passage_keys(rows)), int(rows["doc_id"].nunique())

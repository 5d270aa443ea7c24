"""Data synthesis: triangulate each factor across sources, then draw conclusions.

``triangulation`` columns (:data:`TRIANGULATION_COLUMNS`), one row per factor code (as in
the factor matrix, same order):

==================  ======================================================================
code_id, code_name  the factor code
level, factor       its facet values
source_types        ``;``-joined source types with evidence
informant_groups    ``;``-joined informant groups with evidence
documents           distinct documents with evidence
status              ``contested``, ``corroborated``, ``single-source`` or ``no evidence``
strength            evidence strength in [0, 1] (formula below), 3 decimals
n_source_types      number of source types with evidence
n_informant_groups  number of informant groups with evidence
codings             coded passages
negated             passages where the code's cues occur only negated, so the code was not
                    applied there (counter-evidence; 0 without a mentions frame)
theme               the code's theme (see below), or empty
doc_ids             ``;``-joined ids of the documents with evidence
note                why a finding is contested or single-source (empty otherwise)
documents_by_       per source type with evidence, its distinct documents, ``;``-joined
source_type         ``value:count`` pairs in the order of ``source_types``
                    (``interview:12;document:14``); what the triangulation heatmap shows
documents_by_       the same per informant group
informant_group
codings_by_         per source type with evidence, its coded passages (same format)
source_type
codings_by_         the same per informant group
informant_group
cases, n_cases      ``;``-joined case ids with evidence and their number
human_codings       coded passages whose evidence a person coded or verified (method
                    ``manual``/``imported``, or a machine coding with ``status`` accepted)
verification        ``human-verified`` (every coded passage), ``partly human-verified``,
                    ``auto-coded only`` (no person verified any of the evidence: say so
                    before reporting the finding), empty without evidence
==================  ======================================================================

:func:`split_counts` turns a ``*_by_*`` cell back into a dict.

Status, checked in this order:

- ``no evidence``: no coded passage.
- ``contested``: the code has evidence and either (a) its **theme** also has evidence for
  a code with another ``factor`` value (a supporting and an inhibiting reading of the
  same theme), or (b) a ``mentions`` frame (from
  :func:`qualkit.coding.auto.find_mentions`) shows counter-evidence: passages where the
  code's cues occur only negated (e.g. "tidak takut", not afraid, against a fear
  factor), at least ``negation_share`` (default 0.2) times as many as the code's coded
  passages. Negated mentions in a passage the code was applied to anyway, and mentions
  marked ``excluded``, do not count; without a ``passage_id`` column every negated
  mention counts. A code's theme is the value of its
  ``theme`` facet (inherited); with the study's ``triangulation: {themes: parent}`` a
  code without one takes its parent code's id (when siblings are readings of one theme;
  not the default, since a parent is often a domain holding both barriers and
  facilitators); top-level codes without a ``theme`` facet have no theme.
- ``corroborated``: evidence from ``corroborated_at`` (default 2) or more distinct values
  of the first attribute the study triangulates across (``source_type`` by default).
- ``single-source``: evidence from fewer.

What counts as evidence (:func:`evidence`): never passages with role ``prompt``
(interview questions, questionnaire items); only the ``evidence_roles`` of the study
when it names them; with ``human_only=True`` (or the study's ``count_auto: false``) only
human-verified extracts (:func:`human_verified`). Interviewer turns are already dropped
by :func:`~qualkit.analysis.reduce.select_codings` unless asked for.

Strength is the mean of coverages, each in [0, 1], rounded to 3 decimals: one per
attribute the study triangulates across, then documents. With the default
``across: [source_type, informant_group]``::

    strength = (n_source_types / S + n_informant_groups / G + documents / D) / 3

- ``S``, ``G``: the number of source types and informant groups present in the corpus
  (any number; a study with one source type has S = 1);
- ``D`` is the number of documents in the corpus (every document could speak to any
  factor), so a factor found in 30 of 35 documents is stronger than one found in 14,
  even when both reach every source type and group.

Without a ``corpus`` the denominators are the distinct values and documents in
``extracts``. Each coverage is capped at 1; a factor without evidence has strength 0.

``conclusions`` columns (:data:`CONCLUSION_COLUMNS`): ``code_id, statement`` (one
generated sentence in the study's form, English or Indonesian), ``quotes`` (formatted as
in the factor matrix), ``sources`` (``;``-joined ids of the documents behind the
statement), ``status``.

Example
-------
>>> tri = triangulate(extracts, book)                  # doctest: +SKIP
>>> conclusions(tri, book, language="id").statement[0]  # doctest: +SKIP
'Keterlibatan pemerintah merupakan faktor pendukung pada tingkat organisasi, ...'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

import pandas as pd

from qualkit.analysis._common import (
    SEP, check_language, evidence_counts, factor_codes, format_quotes, is_missing, join_values,
)
from qualkit.codebook.model import Code, Codebook
from qualkit.corpus import Corpus
from qualkit.errors import ParameterError, QualkitError, check_param
from qualkit.locale import INDONESIAN
from qualkit.study import Study

TRIANGULATION_COLUMNS = (
    "code_id", "code_name", "level", "factor", "source_types", "informant_groups",
    "documents", "status", "strength", "n_source_types", "n_informant_groups", "codings",
    "negated", "theme", "doc_ids", "note", "documents_by_source_type",
    "documents_by_informant_group", "codings_by_source_type", "codings_by_informant_group",
    "cases", "n_cases", "human_codings", "verification",
)
CONCLUSION_COLUMNS = ("code_id", "statement", "quotes", "sources", "status")
STATUSES = ("corroborated", "single-source", "contested", "no evidence")


def theme_of(codebook: Codebook, code_id: str, *, theme_facet: str = "theme",
             parent: bool = True) -> str | None:
    """A code's theme: its (inherited) ``theme`` facet value, else (with ``parent``) its
    parent's id."""
    value = codebook.facet(code_id, theme_facet)
    if value is not None or not parent:
        return value
    return codebook.code(code_id).parent


def strength(found: Sequence[int], totals: Sequence[int]) -> float:
    """The documented evidence strength in [0, 1]: the mean of the coverages
    ``found[i] / totals[i]`` (each capped at 1; 0 where the total is 0), 3 decimals.
    :func:`triangulate` passes one coverage per ``across`` attribute, then documents.

    >>> strength([2, 3, 5], [3, 4, 10])
    0.639
    >>> strength([3, 4, 35], [3, 4, 35])
    1.0
    """
    if len(found) != len(totals) or not totals:
        raise ParameterError("The 'found' and 'totals' parameters of strength must be non-empty "
                             f"and of the same length; got {len(found)} and {len(totals)} instead.")
    for value in totals:
        check_param("strength", "totals", value, ok=value >= 0, rule="a sequence of counts >= 0")
    shares = [min(f / t, 1.0) if t > 0 else 0.0 for f, t in zip(found, totals)]
    return round(sum(shares) / len(shares), 3)


def _counts_by(ev: pd.DataFrame, column: str, values: list[str]) -> tuple[str, str]:
    """``(documents, codings)`` per value of ``column`` as ``value:count;...`` cells."""
    docs, codings = [], []
    for value in values:
        rows = ev[ev[column].astype(str) == value]
        n, d = evidence_counts(rows)
        docs.append(f"{value}:{d}")
        codings.append(f"{value}:{n}")
    return ";".join(docs), ";".join(codings)


def split_counts(cell: object) -> dict[str, int]:
    """A ``value:count;...`` cell of the triangulation table as a dict (empty when blank).

    >>> split_counts("interview:12;document:3")
    {'interview': 12, 'document': 3}
    """
    if is_missing(cell) or not str(cell).strip():
        return {}
    out: dict[str, int] = {}
    for item in str(cell).split(";"):
        value, _, count = item.rpartition(":")
        if not value or not count.strip().isdigit():
            raise QualkitError(f"not a 'value:count' pair: {item!r} in {cell!r}",
                               hint="pass a *_by_source_type / *_by_informant_group cell of the triangulation table")
        out[value] = int(count)
    return out


def _negated_counts(mentions: pd.DataFrame | None, extracts: pd.DataFrame) -> dict[str, int]:
    """Per code, the passages where its cues occur only negated (counter-evidence)."""
    if mentions is None:
        return {}
    missing = [c for c in ("code_id", "negated") if c not in mentions.columns]
    if missing:
        raise QualkitError(
            f"the mentions frame lacks column(s) {missing}",
            hint="pass the frame returned by qualkit.coding.auto.find_mentions",
        )
    neg = mentions["negated"].fillna(False).astype(bool)
    if "excluded" in mentions.columns:  # a mention cancelled by an exclusion cue does not count
        neg &= ~mentions["excluded"].fillna(False).astype(bool)
    neg = mentions[neg]
    if "passage_id" not in neg.columns:
        return {str(k): int(v) for k, v in neg.groupby("code_id").size().items()}
    if neg.empty:
        return {}
    neg_ids, neg_codes = _as_text(neg["passage_id"]), neg["code_id"]
    # only the codes with negated mentions matter: look at their extracts alone
    of_codes = extracts["code_id"].isin(neg_codes.unique())
    coded_ids = _as_text(extracts["passage_id"][of_codes])
    coded_codes = extracts["code_id"][of_codes]
    if any(SEP in str(p) for p in coded_ids.unique()):  # merged extracts: one row per passage
        coded_ids = coded_ids.str.split(SEP).explode()
        coded_codes = coded_codes.loc[coded_ids.index]
    hit = _pairs(neg_ids, neg_codes).isin(_pairs(coded_ids, coded_codes))
    missed = pd.DataFrame({"code_id": neg_codes[~hit].map(str).to_numpy(),
                           "passage_id": neg_ids[~hit].to_numpy()}).drop_duplicates()
    return {str(k): int(v) for k, v in missed.groupby("code_id", sort=False).size().items()}


def _as_text(values: pd.Series) -> pd.Series:
    """The values as text (``str`` of each), a string column kept as it is."""
    return values if pd.api.types.is_string_dtype(values) else values.map(str)


def _pairs(passage_ids: pd.Series, code_ids: pd.Series) -> pd.MultiIndex:
    """``(passage_id, code_id)`` pairs, compared as Python objects."""
    return pd.MultiIndex.from_arrays([pd.Index(passage_ids, dtype=object),
                                      pd.Index(code_ids, dtype=object)])


MACHINE_METHODS = ("auto", "suggested")
"""Coding methods of a machine; other methods (``manual``, ``imported``) are a person's."""
VERIFICATIONS = ("human-verified", "partly human-verified", "auto-coded only")
ATTRIBUTE_COLUMNS = {"source_type": "source_type", "informant_group": "informant_group", "case": "case_id"}
"""Document attributes findings can be triangulated across, and their extracts column."""


def human_verified(extracts: pd.DataFrame) -> pd.Series:
    """Per extract, True when a person coded or verified it: its ``method`` is not a
    machine's (:data:`MACHINE_METHODS`), or a ``status`` column says ``accepted``.

    >>> human_verified(pd.DataFrame({"method": ["auto", "manual", "auto"],
    ...                              "status": ["", "", "accepted"]})).tolist()
    [False, True, True]
    """
    method = extracts["method"].astype(str).str.lower() if "method" in extracts.columns else \
        pd.Series("auto", index=extracts.index)
    human = ~method.isin(MACHINE_METHODS)
    if "status" in extracts.columns:
        human |= extracts["status"].astype(str).str.lower().eq("accepted")
    return human


def evidence(extracts: pd.DataFrame, *, roles: Sequence[str] | None = None,
             human_only: bool = False) -> pd.DataFrame:
    """The extracts that count as evidence: never passages with role ``prompt``
    (questions and questionnaire items); with ``roles``, only passages with one of those
    roles (passages without a speaker role always count); with ``human_only``, only
    human-verified extracts (:func:`human_verified`)."""
    role = extracts["role"] if "role" in extracts.columns else pd.Series(None, index=extracts.index, dtype=object)
    keep = ~role.eq("prompt").fillna(False).astype(bool)
    if roles is not None:
        keep &= role.isna() | role.isin(list(roles))
    if human_only:
        keep &= human_verified(extracts)
    return extracts[keep.to_numpy(dtype=bool)]


def _totals(across: Sequence[str], extracts: pd.DataFrame, corpus: Corpus | None) -> tuple[list[int], int]:
    """Strength denominators: distinct values per attribute and documents, in the corpus
    (else in the extracts)."""
    if corpus is not None and corpus.documents:
        docs = corpus.documents_frame()
        return [int(docs[ATTRIBUTE_COLUMNS[a]].dropna().astype(str).replace("", pd.NA).nunique())
                for a in across], len(corpus.documents)
    totals = [int(extracts[ATTRIBUTE_COLUMNS[a]].dropna().astype(str).replace("", pd.NA).nunique())
              if ATTRIBUTE_COLUMNS[a] in extracts.columns else 0 for a in across]
    return totals, int(extracts["doc_id"].nunique()) if "doc_id" in extracts.columns else 0


def _verification(n_human: int, n_all: int) -> str:
    if not n_all:
        return ""
    if n_human >= n_all:
        return VERIFICATIONS[0]
    return VERIFICATIONS[1] if n_human else VERIFICATIONS[2]


def triangulate(
    extracts: pd.DataFrame,
    codebook: Codebook,
    *,
    mentions: pd.DataFrame | None = None,
    corpus: Corpus | None = None,
    study: Study | None = None,
    human_only: bool | None = None,
    negation_share: float = 0.2,
    theme_facet: str = "theme",
    level_facet: str | None = None,
    factor_facet: str | None = None,
    language: str | None = None,
) -> pd.DataFrame:
    """Triangulate every factor code across the study's attributes (source types and
    informant groups unless ``study.triangulation.across`` says otherwise).

    ``extracts`` come from :func:`~qualkit.analysis.reduce.select_codings`; ``mentions``
    (optional) from :func:`qualkit.coding.auto.find_mentions`, already restricted to the
    passages analysed; ``corpus`` (optional) sets the strength denominators;
    ``study`` the design (:class:`qualkit.study.Study`; facets of the factor matrix,
    ``across``, ``corroborated_at``, ``evidence_roles``, ``count_auto``);
    ``human_only`` (default: not ``count_auto``) counts only human-verified evidence;
    ``negation_share`` is the share of counter-evidence that makes a finding contested;
    ``theme_facet`` names the facet declaring themes. Status and strength are defined in
    the module doc; columns are :data:`TRIANGULATION_COLUMNS`.

    >>> triangulate(extracts, book)[["code_id", "status", "strength"]]   # doctest: +SKIP
    """
    check_param("triangulate", "negation_share", negation_share, ok=0 < negation_share <= 1, rule="in (0, 1]")
    design = study or Study()
    tri = design.triangulation
    grid = design.factor_matrix or {"rows": "level", "columns": "factor"}
    level_facet, factor_facet = level_facet or grid["rows"], factor_facet or grid["columns"]
    human_only = (not tri.count_auto) if human_only is None else human_only
    all_evidence = evidence(extracts, roles=tri.evidence_roles)
    ev_all = evidence(all_evidence, human_only=True) if human_only else all_evidence
    human = human_verified(ev_all) if len(ev_all) else pd.Series(dtype=bool)
    negated = _negated_counts(mentions, extracts)
    totals, total_docs = _totals(tri.across, extracts, corpus)
    rows = []
    theme_factors: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for level, factor, code in factor_codes(codebook, level_facet=level_facet, factor_facet=factor_facet):
        is_code = (ev_all["code_id"] == code.id).to_numpy(dtype=bool)
        ev = ev_all[is_code]
        codings, documents = evidence_counts(ev) if len(ev) else (0, 0)
        human_codings = evidence_counts(ev[human.to_numpy(dtype=bool)[is_code]])[0] if len(ev) else 0
        values = {a: sorted({str(v) for v in ev[ATTRIBUTE_COLUMNS[a]] if not is_missing(v) and str(v)})
                  for a in ATTRIBUTE_COLUMNS}
        docs_by_type, codings_by_type = _counts_by(ev, "source_type", values["source_type"])
        docs_by_group, codings_by_group = _counts_by(ev, "informant_group", values["informant_group"])
        theme = theme_of(codebook, code.id, theme_facet=theme_facet, parent=tri.themes == "parent")
        if theme is not None and codings:
            theme_factors[theme][factor].append(code.id)
        found = [len(values[a]) for a in tri.across] + [documents]
        rows.append({
            "code_id": code.id, "code_name": codebook.code_name(code.id, language), "level": level, "factor": factor,
            "source_types": join_values(values["source_type"]), "informant_groups": join_values(values["informant_group"]),
            "documents": documents, "status": "", "n_source_types": len(values["source_type"]),
            "n_informant_groups": len(values["informant_group"]), "codings": codings,
            "negated": negated.get(code.id, 0), "theme": theme or "",
            "doc_ids": join_values(ev["doc_id"]),
            "strength": strength(found, [*totals, total_docs]) if codings else 0.0,
            "note": "", "documents_by_source_type": docs_by_type,
            "documents_by_informant_group": docs_by_group, "codings_by_source_type": codings_by_type,
            "codings_by_informant_group": codings_by_group,
            "cases": join_values(values["case"]), "n_cases": len(values["case"]),
            "human_codings": human_codings, "verification": _verification(human_codings, codings),
            "_corroborating": values[tri.across[0]],
        })
    for row in rows:
        _set_status(row, theme_factors, negation_share=negation_share, at=tri.corroborated_at,
                    attribute=design.word(tri.across[0], "en"))
    frame = pd.DataFrame(rows, columns=list(TRIANGULATION_COLUMNS))
    return frame.astype({"documents": "int64", "n_source_types": "int64", "codings": "int64",
                         "n_informant_groups": "int64", "negated": "int64", "strength": "float64",
                         "n_cases": "int64", "human_codings": "int64"})


def _set_status(row: dict, theme_factors: Mapping[str, Mapping[str, list[str]]], *,
                negation_share: float, at: int, attribute: str) -> None:
    """Fill a triangulation row's ``status`` and ``note`` (rules in the module doc)."""
    reasons = []
    if row["codings"] and row["theme"]:
        others = {f: ids for f, ids in theme_factors[row["theme"]].items() if f != row["factor"]}
        for f, ids in sorted(others.items()):
            reasons.append(f"theme {row['theme']} also coded {f}: {', '.join(ids)}")
    if row["codings"] and row["negated"] and row["negated"] >= negation_share * row["codings"]:
        reasons.append(f"only negated in {row['negated']} passage(s)")
    corroborating = row.pop("_corroborating")
    if not row["codings"]:
        row["status"] = "no evidence"
    elif reasons:
        row["status"], row["note"] = "contested", "; ".join(reasons)
    elif len(corroborating) >= at:
        row["status"] = "corroborated"
    else:
        row["status"] = "single-source"
        row["note"] = f"only {';'.join(corroborating) or 'unknown ' + attribute}"


# -- conclusions -----------------------------------------------------------------------------

_TEXT = {
    "en": {
        "and": "and", "document": ("document", "documents"),
        "group": ("informant group", "informant groups"),
        "main": "{name} is {article} {factor} factor at the {level} level",
        "corroborated": "corroborated by {sources} ({counts})",
        "single-source": "found in {sources} only ({counts})",
        "contested": "but the evidence is contested: {reasons} ({sources}; {counts})",
        "no evidence": "{name} is listed as {article} {factor} factor at the {level} level but was not found in the data",
        "negated": "{n} passage(s) mention it only negated",
        "theme": "the same theme is also coded as a {factor} factor ({names})",
    },
    "id": INDONESIAN["conclusions"],
}


def code_label(codebook: Codebook, code: Code, language: str, *, short: bool = False) -> str:
    """A code's display name in a language (:meth:`Codebook.code_name`).
    ``short`` drops a trailing parenthesis (``Fear of risks (hesitation)`` -> ``Fear of
    risks``), as used in the generated statements.

    >>> fear = Code(id="f", name="Fear (of risks)")
    >>> code_label(Codebook(name="b", codes=(fear,)), fear, "en", short=True)
    'Fear'
    """
    name = codebook.code_name(code.id, language)
    if short:
        name = re.sub(r"\s*\([^()]*\)\s*$", "", name) or name
    return name


def _facet_word(codebook: Codebook, facet: str, value: str, language: str) -> str:
    """A facet value as a word inside a sentence: its label, lower case."""
    return codebook.label(f"{facet}.{value}", language).lower()


def _without_article(word: str, language: str) -> str:
    """``the practice itself`` -> ``practice itself``: the templates say "at the {level} level".

    >>> _without_article("the practice itself", "en"), _without_article("theory", "en")
    ('practice itself', 'theory')
    """
    return word[4:] if language == "en" and word.startswith("the ") else word


def _join_words(items: list[str], and_word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {and_word} {items[-1]}"


def _article(word: str) -> str:
    """English indefinite article for a word (unused in Indonesian templates)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def conclusions(
    triangulation: pd.DataFrame,
    codebook: Codebook,
    *,
    quotes: pd.DataFrame | None = None,
    language: str = "en",
    per_code: int = 3,
    study: Study | None = None,
    level_facet: str | None = None,
    factor_facet: str | None = None,
) -> pd.DataFrame:
    """One generated sentence per factor code, in the study's form (``en`` or ``id``).

    The code is named by :func:`code_label` (short form, in ``language`` when the codebook
    has a label for it); the sentence follows the code's ``status``.

    >>> conclusions(tri, book).statement[0]     # doctest: +SKIP
    'Proactive involvement of the government is a supporting factor at the organisation
    level, corroborated by interviews and observations (5 documents, 3 informant groups).'

    ``triangulation`` comes from :func:`triangulate`, ``quotes`` from
    :func:`~qualkit.analysis.reduce.representative_quotes` (up to ``per_code`` are
    attached to each statement). Columns: :data:`CONCLUSION_COLUMNS`.
    """
    check_language(language, "conclusions")
    design = study or Study()
    grid = design.factor_matrix or {"rows": "level", "columns": "factor"}
    level_facet, factor_facet = level_facet or grid["rows"], factor_facet or grid["columns"]
    text = _TEXT[language]
    rows = []
    for r in triangulation.to_dict("records"):
        code = codebook.code(r["code_id"])
        name = code_label(codebook, code, language, short=True)
        factor = _facet_word(codebook, factor_facet, r["factor"], language)
        level = _without_article(_facet_word(codebook, level_facet, r["level"], language), language)
        if r["status"] == "no evidence":
            statement = _capital(text["no evidence"].format(name=name, factor=factor, level=level,
                                                            article=_article(factor)))
        else:
            types = design.order("source_type", str(r["source_types"]).split(";"))
            sources = _join_words([design.plural("source_type", t, language) for t in types], text["and"])
            n_docs, n_groups = int(r["documents"]), int(r["n_informant_groups"])
            counts = f"{n_docs} {text['document'][n_docs != 1]}"
            if n_groups:
                counts += f", {n_groups} {text['group'][n_groups != 1]}"
            main = text["main"].format(name=name, factor=factor, level=level, article=_article(factor))
            if r["status"] == "contested":
                reasons = []
                theme = r.get("theme") or ""
                if theme:
                    for f in sorted({t.factor for t in triangulation.itertuples()
                                     if t.theme == theme and t.factor != r["factor"] and t.codings}):
                        names = ", ".join(code_label(codebook, codebook.code(t.code_id), language, short=True)
                                          for t in triangulation.itertuples()
                                          if t.theme == theme and t.factor == f and t.codings)
                        word = _facet_word(codebook, factor_facet, f, language)
                        reasons.append(text["theme"].format(factor=word, names=names))
                if "only negated" in str(r.get("note", "")):
                    reasons.append(text["negated"].format(n=int(r["negated"])))
                tail = text["contested"].format(reasons="; ".join(reasons), sources=sources, counts=counts)
            else:
                tail = text[r["status"]].format(sources=sources, counts=counts)
            statement = _capital(f"{main}, {tail}")
        rows.append({
            "code_id": r["code_id"], "statement": statement + ".",
            "quotes": format_quotes(quotes, r["code_id"], limit=per_code) if quotes is not None else "",
            "sources": r.get("doc_ids", "") or "", "status": r["status"],
        })
    return pd.DataFrame(rows, columns=list(CONCLUSION_COLUMNS))

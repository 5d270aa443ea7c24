"""The Analysis object and :func:`analyze`, which runs reduction, display and synthesis.

:func:`analyze` codes the corpus (unless codings are given), redacts personal data
(unless told not to), and builds every study table; :class:`Analysis` holds them, shows
a summary in a notebook and writes them as CSV files.

Example
-------
>>> import qualkit
>>> corpus = qualkit.load_corpus("data/demo")                       # doctest: +SKIP
>>> book = qualkit.load_codebook("codebooks/migrant_care.yaml")     # doctest: +SKIP
>>> result = qualkit.analyze(corpus, book, language="id")          # doctest: +SKIP
>>> result.to_csv("out")                                           # doctest: +SKIP
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from qualkit._io import write_csv
from qualkit.analysis._common import check_language
from qualkit.analysis.display import (
    code_by_tables, code_frequencies, cooccurrence_tables,
    factor_matrix, factor_matrix_wide, stage_table,
)
from qualkit.analysis.reduce import representative_quotes, select_codings
from qualkit.analysis.synthesize import conclusions, triangulate
from qualkit.codebook.model import Codebook
from qualkit.coding.auto import code, find_mentions
from qualkit.corpus import Corpus
from qualkit.privacy import Redactor
from qualkit.study import Study

MATRIX_NAMES = ("code_x_source_type", "code_x_informant_group", "code_x_case", "cooccurrence")
"""Names of the matrices in :attr:`Analysis.matrices`; each also has a ``<name>_long``."""

_MENTION_SAFE_COLUMNS = ("code_id", "cue", "negated", "excluded")
"""Columns kept from a mentions frame that a redactor cannot move (it has no ``doc_id``):
no text, no ids or offsets into the unredacted corpus."""


@dataclass(frozen=True, eq=False)
class Analysis:
    """Every table of the study, built from one corpus, codebook and codings table.

    Attributes
    ----------
    corpus, codebook : the (redacted, when ``redacted``) corpus and the codebook.
    codings : the codings table the tables are built from (redacted offsets).
    mentions : the cue mentions used for negation (or None); when ``analyze`` found them
        itself, only the negated ones that no exclusion cue cancelled.
    extracts : the selected codings with context (:func:`select_codings`).
    factors, factor_grid : the factor matrix, long and as the 2 x 2 grid.
    stages : the stage table.
    triangulation : factor x source triangulation with status and strength.
    matrices : ``name -> DataFrame`` for :data:`MATRIX_NAMES` and their ``_long`` forms.
    quotes : representative quotes per code.
    conclusions : one generated statement per factor code.
    language : ``en`` or ``id``; redacted : whether personal data was redacted;
    redactor : the fitted redactor (None when not redacted).
    frequencies : codings, documents and cases per code (:func:`code_frequencies`).
    study : the study design the tables were built with (:class:`qualkit.study.Study`,
        completed from the data); :attr:`design` never returns None.
    """

    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame
    mentions: pd.DataFrame | None
    extracts: pd.DataFrame
    factors: pd.DataFrame
    factor_grid: pd.DataFrame
    stages: pd.DataFrame
    triangulation: pd.DataFrame
    matrices: Mapping[str, pd.DataFrame]
    quotes: pd.DataFrame
    conclusions: pd.DataFrame
    language: str = "en"
    redacted: bool = False
    redactor: Redactor | None = field(default=None, repr=False)
    frequencies: pd.DataFrame | None = None
    study: Study | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matrices", MappingProxyType(dict(self.matrices)))
        if self.study is None:
            object.__setattr__(self, "study", Study.default(self.corpus, self.codebook, language=self.language))
        if self.frequencies is None:
            object.__setattr__(self, "frequencies", code_frequencies(
                self.extracts, self.codebook, case_column=self.design.case_column, language=self.language))

    @property
    def design(self) -> Study:
        """The study design (derived from the data when none was given)."""
        assert self.study is not None  # set in __post_init__
        return self.study

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables to publish, as ``file stem -> frame`` (index turned into columns):
        ``frequencies, factors, factor_grid, stages, triangulation, conclusions, quotes`` and
        ``matrix_<name>`` for every matrix."""
        out = {
            "frequencies": self.frequencies,
            "factors": self.factors,
            "factor_grid": self.factor_grid.reset_index(),
            "stages": self.stages,
            "triangulation": self.triangulation,
            "conclusions": self.conclusions,
            "quotes": self.quotes,
        }
        for name, frame in self.matrices.items():
            out[f"matrix_{name}"] = frame if name.endswith("_long") else frame.reset_index()
        return out

    def to_csv(self, out_dir: str | os.PathLike[str]) -> list[Path]:
        """Write the tables the study's design has (:func:`qualkit.outputs.contents.output_tables`:
        a table the design lacks is not written, an empty one is) as ``<stem>.csv`` in
        ``out_dir``; return the paths. The same inputs give byte-identical files."""
        # imported here: qualkit.outputs builds on this module (the one rule lives there)
        from qualkit.outputs.contents import written_tables

        folder = Path(out_dir)
        return [write_csv(frame, folder / f"{stem}.csv") for stem, frame in written_tables(self).items()]

    def _repr_html_(self) -> str:
        n_docs = len(self.corpus.documents)
        status = self.triangulation["status"].value_counts()
        status_text = ", ".join(f"{html.escape(str(k))}: {int(v)}" for k, v in sorted(status.items()))
        head = (
            f"<p><b>Analysis</b> of {n_docs} documents with codebook "
            f"<i>{html.escape(self.codebook.name)}</i>: {len(self.extracts)} coded extracts, "
            f"{len(self.factors)} factor codes ({status_text or 'none'}); language "
            f"{html.escape(self.language)}; {'redacted' if self.redacted else 'NOT redacted'}.</p>"
        )
        parts = [head, "<p><b>Codes</b></p>",
                 self.frequencies[["code_id", "code_name", "codings", "documents", "cases"]].to_html(index=False)]
        if self.design.factor_matrix is not None and len(self.factors):
            parts += ["<p><b>Factors</b></p>", self.factor_grid.to_html()]
        if self.design.stage_table is not None and len(self.stages):
            stage_cols = ["stage", "codings", "documents", "source_types"]
            parts += ["<p><b>Stages</b></p>", self.stages[stage_cols].to_html(index=False)]
        if len(self.triangulation):
            tri_cols = ["code_id", "status", "strength", "source_types", "verification"]
            parts += ["<p><b>Triangulation</b></p>", self.triangulation[tri_cols].to_html(index=False)]
        return "".join(parts)


def _select_mentions(mentions: pd.DataFrame, corpus: Corpus, *, include_interviewer: bool,
                     redactor: Redactor | None) -> pd.DataFrame:
    """Mentions moved onto the (redacted) corpus and restricted to the analysed passages
    (interviewer turns dropped unless asked). A redactor moves ids and offsets and
    redacts text columns (``transform_codings``); mentions without ``doc_id`` then keep
    only columns that hold no text or offsets."""
    out = mentions
    if redactor is not None:
        if "doc_id" in out.columns:
            out = redactor.transform_codings(out)
        else:
            out = out[[c for c in _MENTION_SAFE_COLUMNS if c in out.columns]]
    if "passage_id" in out.columns:
        keep = {p.id for p in corpus.passages if include_interviewer or p.role != "interviewer"}
        out = out[out["passage_id"].isin(keep)]
    return out.reset_index(drop=True)


_MATRIX_BY = {"source_type": ("code_x_source_type", "source_type"),
              "informant_group": ("code_x_informant_group", "informant_group"),
              "case": ("code_x_case", "case_id")}


def _code_and_redact(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame | None,
                     mentions: pd.DataFrame | None, *, redactor: Redactor | None,
                     ) -> tuple[Corpus, pd.DataFrame, pd.DataFrame | None, Redactor | None]:
    """Auto-code when no codings are given (with negated mentions), then redact when a
    redactor is given."""
    if codings is None:
        codings = code(corpus, codebook)  # the session's Coder: one matcher for both calls
        if mentions is None:
            mentions = find_mentions(corpus, codebook, counter_evidence=True)
    if redactor is not None:
        redactor = redactor.fit(corpus)
        corpus = redactor.transform(corpus)
        codings = redactor.transform_codings(codings)
    return corpus, codings, mentions, redactor


def study_redactor(design: Study, language: str, *,
                   previous_mapping: str | os.PathLike[str] | pd.DataFrame | None = None) -> Redactor:
    """The redactor a study asks for: its pseudonym templates in ``language``, its allow-
    and deny-lists, and the previous run's mapping (people keep their pseudonyms)."""
    lists = design.redaction
    return Redactor(pseudonyms=design.pseudonym_templates(language), allow=lists.get("allow", ()),
                    deny=lists.get("deny", ()), previous=previous_mapping)


def analyze(
    corpus: Corpus,
    codebook: Codebook,
    *,
    codings: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    study: Study | None = None,
    redact: bool = True,
    redactor: Redactor | None = None,
    language: str | None = None,
    include_interviewer: bool = False,
    human_only: bool | None = None,
    previous_mapping: str | os.PathLike[str] | pd.DataFrame | None = None,
    per_code: int = 3,
) -> Analysis:
    """Run reduction, display and synthesis on a corpus; return an :class:`Analysis`.

    Parameters
    ----------
    corpus, codebook : what to analyse and with which codes.
    codings : a codings table; when None the corpus is auto-coded with
        :func:`qualkit.code`, and its negated mentions (counter-evidence) are found with
        :func:`qualkit.coding.auto.find_mentions`.
    mentions : cue mentions with a ``negated`` column (marks findings as contested).
    study : the study design (:func:`qualkit.study.load_study`); None derives one from
        the data (:meth:`~qualkit.study.Study.default`). What the file leaves open is
        completed from the data.
    redact : redact personal data (names, NIK, phones, addresses) before any table is
        built, so that quotes are redacted; ``redactor`` is an unfitted redactor to use
        instead of :func:`study_redactor` (the study's pseudonym templates and lists).
    previous_mapping : the previous run's re-identification mapping (a CSV path or
        frame): people keep their pseudonyms when files are added.
    language : ``en`` or ``id``, for the generated text (default: the study's
        ``output_language``, else ``en``).
    include_interviewer : keep the interviewer's words as evidence (dropped by default).
    human_only : triangulate on human-verified evidence only (default: the study's
        ``triangulation.count_auto`` negated).
    per_code : quotes per code.

    >>> result = analyze(corpus, book, codings=codings, redact=False)   # doctest: +SKIP
    >>> sorted(result.tables())[:3]                                     # doctest: +SKIP
    ['conclusions', 'factor_grid', 'factors']
    """
    language = check_language(language or (study.output_language if study else "en"), "analyze")
    design = (study or Study()).completed(corpus, codebook, language=language)
    if redact and redactor is None:
        redactor = study_redactor(design, language, previous_mapping=previous_mapping)
    corpus, codings, mentions, fitted = _code_and_redact(
        corpus, codebook, codings, mentions, redactor=redactor if redact else None)
    if mentions is not None:
        mentions = _select_mentions(mentions, corpus, include_interviewer=include_interviewer,
                                    redactor=fitted)

    extracts = select_codings(codings, corpus, codebook, include_interviewer=include_interviewer)
    quotes = representative_quotes(extracts, per_code=per_code, codebook=codebook)
    grid = design.factor_matrix or {"rows": "level", "columns": "factor"}
    factors = factor_matrix(extracts, codebook, quotes=quotes, per_code=per_code, language=language,
                            level_facet=grid["rows"], factor_facet=grid["columns"])
    triangulation = triangulate(extracts, codebook, mentions=mentions, corpus=corpus, language=language,
                                study=design, human_only=human_only)
    matrices: dict[str, pd.DataFrame] = {}
    for attribute in design.matrices:
        name, by = _MATRIX_BY[attribute]
        matrices[name], matrices[f"{name}_long"] = code_by_tables(extracts, corpus, by=by,
                                                                   codebook=codebook, study=design)
    matrices["cooccurrence"], matrices["cooccurrence_long"] = cooccurrence_tables(extracts, codebook=codebook)
    return Analysis(
        corpus=corpus, codebook=codebook, codings=codings, mentions=mentions, extracts=extracts,
        factors=factors, factor_grid=factor_matrix_wide(factors),
        stages=stage_table(extracts, codebook, language=language, study=design),
        triangulation=triangulation, matrices=matrices, quotes=quotes,
        conclusions=conclusions(triangulation, codebook, quotes=quotes, language=language,
                                per_code=per_code, study=design),
        language=language, redacted=bool(redact), redactor=fitted, study=design,
        frequencies=code_frequencies(extracts, codebook, case_column=design.case_column, language=language),
    )

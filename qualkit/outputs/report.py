"""The Word report: the study's tables, charts, quotes and codebook, ready for a paper.

:func:`build_report` returns a python-docx ``Document``; :func:`write_report` saves it
atomically. The study design (:class:`qualkit.study.Study`, ``analysis.design``) drives
it: the title, the method paragraph (a template filled with the corpus's counts), which
sections appear and in which order, and the captions. Sections (:data:`SECTIONS`):

- ``method``: the method paragraph, with how much of the triangulated evidence a person
  coded or verified;
- ``conclusions``: one generated statement per factor code;
- ``frequencies``: codings, documents and cases per code, in codebook order with its
  hierarchy (every report has it);
- ``code_by_case``: a code x case matrix (x document when the corpus has no cases),
  split into several tables when it has many columns, on landscape pages;
- ``factors``, ``stages``: the factor matrix and stage table, when the study has them;
- ``triangulation``: status, strength and evidence basis per factor code (landscape);
- ``figures``: the charts of the sections shown;
- ``quotes``, ``codebook``: the appendices.

A section without data is left out, never printed empty. Tables are in journal style:
caption above ("Table 1. ..."), header row bold between a top and a bottom rule, a
closing rule under the last row, no vertical rules. Text is in ``analysis.language``.

Reproducible files: the same analysis gives a byte-identical ``report.docx``, dated
:func:`~qualkit.outputs.reproducible.build_date` (see :mod:`qualkit.outputs.reproducible`).

Example
-------
>>> import qualkit                                                          # doctest: +SKIP
>>> result = qualkit.analyze(qualkit.load_corpus("data/demo"),
...                          qualkit.load_codebook("codebooks/migrant_care.yaml"))  # doctest: +SKIP
>>> write_report(result, "out/report.docx")                                # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Union

import pandas as pd
from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from qualkit import __version__
from qualkit._io import atomic_write
from qualkit.analysis.display import code_by
from qualkit.analysis.result import Analysis
from qualkit.codebook.model import Codebook
from qualkit.errors import QualkitError
from qualkit.outputs import charts as _charts
from qualkit.outputs.contents import output_tables
from qualkit.outputs.reproducible import FIXED_DATE, build_date, reproducible_zip
from qualkit.outputs._docx import (
    _cell_text, add_caption, add_table, column_widths, display_text, set_orientation, text_width,
)
from qualkit.locale import INDONESIAN
from qualkit.study import SECTIONS, Study

__all__ = ["build_report", "write_report", "display_text", "add_table", "method_text",
           "frequency_frame", "matrix_frames", "factor_grid_frame", "stage_report_frame",
           "triangulation_report_frame", "codebook_frame", "quote_source", "build_date",
           "reproducible_zip", "FIXED_DATE", "SECTIONS"]

_T = {
    "en": {
        "warning": ("WARNING: this report contains personal data. It was produced with "
                    "redaction switched off (--no-redact / redact=False): names, ID numbers, "
                    "phone numbers and addresses of informants may appear in quotes. Keep it "
                    "on an encrypted disk, do not share or publish it, and produce a redacted "
                    "report for anything that leaves the research team."),
        "method": "Method", "findings": "Findings", "conclusions": "Conclusions",
        "figures": "Figures", "appendix_quotes": "Appendix A. Quotes with sources",
        "appendix_codebook": "Appendix B. Codebook", "table": "Table", "figure": "Figure",
        "cap_factor_chart": "Factor codes (number of codings)",
        "cap_stage_chart": "Codings per stage", "cap_tri_chart": "Documents with evidence per source type",
        "code": "Code", "definition": "Definition", "inclusion": "Inclusion", "exclusion": "Exclusion",
        "example": "Example", "main_activity": "Main activity", "field_data": "Field data",
        "codings": "Codings", "documents": "Documents", "cases": "Cases",
        "source_types": "Source types", "informant_groups": "Informant groups",
        "status": "Status", "strength": "Strength", "verification": "Evidence",
        "note_redacted": "Personal data in quotes was replaced by placeholders and pseudonyms.",
        "basis": ("Triangulation counted {scope}; {auto} of {found} findings with evidence rest on "
                  "auto-coded evidence only (no person verified any of it) and {human} on "
                  "evidence a person coded or verified throughout."),
        "scope_all": "evidence coded by people and by the auto-coder alike",
        "scope_human": "only evidence a person coded or verified",
        "matrix_part": " (part {part} of {parts})",
    },
    "id": INDONESIAN["report"],
}
_CHART_KEYS = {"cap_factor_chart": "factors", "cap_stage_chart": "stages", "cap_tri_chart": "triangulation"}
"""Generic chart captions (what ``write_outputs`` passes) -> the section each chart belongs to."""
_CHART_CAPTIONS = {"factors": "factor_chart", "stages": "stage_chart", "triangulation": "tri_chart"}
WIDE_COLUMNS = 7
"""A table with more columns than this goes on a landscape page."""
MATRIX_COLUMNS = 8
"""At most this many value columns per code x case table; wider matrices are split."""

ChartSource = Union[str, os.PathLike, io.BytesIO]


def _t(key: str, language: str) -> str:
    return _T.get(language, _T["en"]).get(key, _T["en"][key])


# -- the tables as they appear in the report ----------------------------------------------
def _label(codebook: Codebook | None, key: str, language: str) -> str:
    return _charts._facet_label(codebook, key, language)


def factor_grid_frame(factors: pd.DataFrame, *, codebook: Codebook | None = None, language: str = "en",
                      rows: str = "level", columns: str = "factor") -> pd.DataFrame:
    """The factor matrix as shown: one row per ``rows`` facet value, one column per
    ``columns`` facet value; each cell lists its codes as ``name (codings; documents)``,
    one per line. The first header is the ``rows`` facet's label.

    >>> f = pd.DataFrame({"level": ["individual"], "factor": ["inhibiting"], "code_id": ["x"],
    ...                   "code_name": ["Fear"], "codings": [4], "documents": [2]})
    >>> factor_grid_frame(f).iloc[0].tolist()
    ['Individual', 'Fear (4; 2)']
    """
    levels = list(dict.fromkeys(factors["level"].astype(str)))
    values = list(dict.fromkeys(factors["factor"].astype(str)))
    if codebook is not None and columns in codebook.facets:
        declared = codebook.facets[columns]
        values = [v for v in declared if v in values] + [v for v in values if v not in declared]
    out = []
    for level in levels:
        row = {_label(codebook, rows, language): _label(codebook, f"{rows}.{level}", language)}
        for value in values:
            cell = factors[(factors["level"].astype(str) == level) & (factors["factor"].astype(str) == value)]
            row[_label(codebook, f"{columns}.{value}", language)] = "\n".join(
                f"{r.code_name} ({int(r.codings)}; {int(r.documents)})" for r in cell.itertuples(index=False)
            )
        out.append(row)
    return pd.DataFrame(out)


STAGE_REPORT_COLUMNS = ("stage", "main_activity", "field_data", "codings", "documents")
TRIANGULATION_REPORT_COLUMNS = ("code_name", "level", "factor", "source_types", "informant_groups",
                                "documents", "status", "strength", "verification")


def stage_report_frame(stages: pd.DataFrame, *, codebook: Codebook | None = None, language: str = "en",
                       facet: str = "stage") -> pd.DataFrame:
    """The stage table as shown: ``stage, main_activity, field_data, codings, documents``,
    the stage values given their display labels."""
    frame = stages[[c for c in STAGE_REPORT_COLUMNS if c in stages.columns]].copy()
    frame["stage"] = [_label(codebook, f"{facet}.{s}", language) for s in frame["stage"].astype(str)]
    return frame.reset_index(drop=True)


def triangulation_report_frame(triangulation: pd.DataFrame, *, study: Study | None = None,
                               codebook: Codebook | None = None, language: str = "en",
                               rows: str = "level", columns: str = "factor") -> pd.DataFrame:
    """The triangulation table as shown: ``code_name, level, factor, source_types,
    informant_groups, documents, status, strength, verification`` (those it has), with
    labels for the facet values, source types and informant groups when ``study`` is given."""
    frame = triangulation[[c for c in TRIANGULATION_REPORT_COLUMNS if c in triangulation.columns]].copy()
    if study is None:
        return frame.reset_index(drop=True)
    for column, facet in (("level", rows), ("factor", columns)):
        if column in frame.columns:
            frame[column] = [_label(codebook, f"{facet}.{v}", language) for v in frame[column].astype(str)]
    for column, kind in (("source_types", "source_type"), ("informant_groups", "informant_group")):
        if column in frame.columns:
            frame[column] = ["; ".join(study.label(kind, v, language) for v in study.order(kind, str(cell).split(";")))
                             for cell in frame[column]]
    return frame.reset_index(drop=True)


def frequency_frame(frequencies: pd.DataFrame) -> pd.DataFrame:
    """The code-frequency table as shown: ``code`` (name and id, indented by depth),
    ``codings, documents, cases``."""
    names = [("\u2003" * int(r.depth)) + f"{r.code_name} ({r.code_id})" for r in frequencies.itertuples(index=False)]
    return pd.DataFrame({"code": names, "codings": frequencies["codings"].to_numpy(),
                         "documents": frequencies["documents"].to_numpy(),
                         "cases": frequencies["cases"].to_numpy()})


def _short_names(values: Sequence[str]) -> list[str]:
    """Column headers for document ids: the file name without folder and suffix when
    that stays unique, else the id."""
    stems = [re.sub(r"\.[^./]+$", "", v.rsplit("/", 1)[-1]) for v in values]
    return stems if len(set(stems)) == len(stems) else list(values)


def matrix_frames(matrix: pd.DataFrame, codebook: Codebook, *, language: str = "en",
                  width: int = MATRIX_COLUMNS, documents: bool = False) -> list[pd.DataFrame]:
    """A code x value matrix as report tables: codes with any coding (rows, codebook
    names), at most ``width`` value columns per table (a wide matrix is split)."""
    coded = matrix[(matrix.to_numpy() > 0).any(axis=1)] if len(matrix.columns) else matrix
    if coded.empty:
        return []
    headers = [str(c) for c in coded.columns]
    headers = _short_names(headers) if documents else headers
    names = [codebook.code_name(str(c), language) if str(c) in codebook else str(c) for c in coded.index]
    out = []
    for start in range(0, len(headers), width):
        part = coded.iloc[:, start:start + width]
        frame = pd.DataFrame(part.to_numpy(), columns=headers[start:start + width])
        frame.insert(0, "code", names)
        out.append(frame)
    return out


# -- method paragraph --------------------------------------------------------------------
def _phrase(items: Sequence[str], study: Study, language: str) -> str:
    if not items:
        return study.word("none", language)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {study.word('and', language)} " + items[-1]


def method_text(analysis: Analysis) -> str:
    """The method paragraph: the study's template (else qualkit's generic one) filled with
    documents per source type and per informant group, passages and their unit, the
    codebook's name, version hash and number of codes, who coded and the codings."""
    language, study = analysis.language, analysis.design
    corpus, book, codings = analysis.corpus, analysis.codebook, analysis.codings
    docs = corpus.documents_frame()
    by_type = docs["source_type"].value_counts().to_dict() if len(docs) else {}
    groups = docs["informant_group"].dropna() if len(docs) else pd.Series(dtype=object)
    by_group = groups.astype(str).value_counts().to_dict()
    types = [f"{int(by_type[t])} {study.plural('source_type', t, language) if by_type[t] != 1 else study.label('source_type', t, language).lower()}"
             for t in study.order("source_type", by_type)]
    group_items = [f"{study.label('informant_group', g, language)} ({int(by_group[g])})"
                   for g in study.order("informant_group", by_group)]
    coders = sorted(set(pd.unique(codings["coder"].astype(str)))) if len(codings) else []
    return study.method(
        language, documents=len(corpus.documents), passages=len(corpus.passages),
        unit=corpus.unit, source_types=_phrase(types, study, language),
        informant_groups=_phrase(group_items, study, language) if group_items else "", codebook=book.name, hash=book.hash,
        codes=len(book.codes), coders=", ".join(coders) or "-", codings=len(codings))


def basis_text(analysis: Analysis) -> str:
    """How much of the triangulated evidence a person coded or verified (one sentence)."""
    tri = analysis.triangulation
    found = tri[tri["codings"] > 0] if "codings" in tri.columns else tri.iloc[0:0]
    if found.empty or "verification" not in found.columns:
        return ""
    human_only = not analysis.design.triangulation.count_auto
    return _t("basis", analysis.language).format(
        scope=_t("scope_human" if human_only else "scope_all", analysis.language),
        auto=int((found["verification"] == "auto-coded only").sum()), found=len(found),
        human=int((found["verification"] == "human-verified").sum()))


# -- which sections have data ----------------------------------------------------------------
def _case_matrix(analysis: Analysis) -> tuple[pd.DataFrame | None, str]:
    """The code x case matrix, or code x document when the corpus has no case ids."""
    study = analysis.design
    if study.case_column == "case_id":
        matrix = analysis.matrices.get("code_x_case")
        if isinstance(matrix, pd.DataFrame) and [c for c in matrix.columns if str(c) != "(none)"]:
            return matrix[[c for c in matrix.columns if str(c) != "(none)"]], "case_id"
    return code_by(analysis.extracts, analysis.corpus, by="doc_id", codebook=analysis.codebook), "doc_id"


def shown_sections(analysis: Analysis) -> list[str]:
    """The sections of :data:`SECTIONS` the report will show: the study's, those with data
    (:func:`qualkit.outputs.contents.output_tables` decides for the tables)."""
    study, tables = analysis.design, output_tables(analysis)
    has = {
        "method": True, "frequencies": len(analysis.codebook.codes) > 0,
        "code_by_case": len(analysis.extracts) > 0,
        **{name: tables[name].has_data for name in ("conclusions", "factors", "stages", "triangulation", "quotes")},
        "codebook": len(analysis.codebook.codes) > 0, "figures": True,
    }
    return [s for s in study.sections if has.get(s, False)]


# -- charts ------------------------------------------------------------------------------
def figure_captions(analysis: Analysis) -> dict[str, str]:
    """The report's figures: chart name (a :func:`~qualkit.outputs.charts.standard_charts`
    name, as :func:`~qualkit.outputs.write_charts` saves it) -> its caption, for the
    sections the report shows."""
    sections, across = shown_sections(analysis), analysis.design.triangulation.across
    chart = {"triangulation": f"triangulation_{across[0]}" if across else "triangulation"}
    return {chart.get(name, name): _chart_caption(analysis, name)
            for name in _charts.standard_charts(analysis, report=True) if name in sections}


def default_charts(analysis: Analysis, sections: Sequence[str] | None = None) -> dict[str, io.BytesIO]:
    """Render the charts of the shown sections in memory: caption -> PNG stream."""
    sections = shown_sections(analysis) if sections is None else sections
    out: dict[str, io.BytesIO] = {}
    for section, draw in _charts.standard_charts(analysis, report=True).items():
        if section not in sections:
            continue
        ax = draw()
        stream = io.BytesIO()
        ax.figure.savefig(stream, format="png", dpi=200, bbox_inches="tight")
        stream.seek(0)
        out[_chart_caption(analysis, section)] = stream
    return out


def _chart_caption(analysis: Analysis, section: str) -> str:
    study, book, language = analysis.design, analysis.codebook, analysis.language
    grid = study.factor_matrix or {"rows": "level", "columns": "factor"}
    stage = (study.stage_table or {}).get("facet", "stage")
    return study.caption(_CHART_CAPTIONS[section], language,
                         rows=_label(book, grid["rows"], language).lower(),
                         columns=_label(book, grid["columns"], language).lower(),
                         facet=_label(book, stage, language).lower(),
                         attribute=study.word(study.triangulation.across[0], language))


def _chart_items(analysis: Analysis, charts: Any, sections: Sequence[str]) -> list[tuple[str, ChartSource]]:
    """The figures: drawn here (None), none (False), or given (caption -> PNG, or PNG
    paths). Given charts under qualkit's generic captions are matched to their section:
    shown under the study's caption when that section is shown, else left out."""
    if charts is None:
        return list(default_charts(analysis, sections).items())
    if charts is False:
        return []
    if isinstance(charts, Mapping):
        items = []
        generic = {_t(key, analysis.language): section for key, section in _CHART_KEYS.items()}
        for caption, image in charts.items():
            section = generic.get(str(caption))
            if section is None:
                items.append((str(caption), image))
            elif section in sections:
                items.append((_chart_caption(analysis, section), image))
        return items
    return [(Path(p).stem.replace("_", " ").capitalize(), p) for p in charts]


# -- the report --------------------------------------------------------------------------
class _Builder:
    """Appends the report's parts to a python-docx Document, numbering tables."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis, self.study, self.book = analysis, analysis.design, analysis.codebook
        self.language = analysis.language
        self.doc = new_document()
        section = self.doc.sections[0]
        section.left_margin = section.right_margin = Cm(2.2)
        self.doc.styles["Normal"].font.size = Pt(10.5)
        self.tables = 0

    def table(self, frame: pd.DataFrame, caption: str, *, headers: Sequence[str] | None = None,
              font_size: float = 8.5) -> None:
        """A numbered table, on a landscape page when its words do not fit a portrait one
        or it has more than :data:`WIDE_COLUMNS` columns."""
        self.tables += 1
        headers = list(headers or [str(c) for c in frame.columns])
        set_orientation(self.doc, landscape=False)
        fits = column_widths(frame, headers, total=text_width(self.doc), font_size=font_size)[1]
        if not fits or len(frame.columns) > WIDE_COLUMNS:
            set_orientation(self.doc, landscape=True)
        add_table(self.doc, frame, headers=headers, caption=caption, number=self.tables,
                  table_word=_t("table", self.language), font_size=font_size)

    def words(self, keys: Sequence[str]) -> list[str]:
        return [_t(k, self.language) for k in keys]

    @property
    def grid(self) -> Mapping[str, str]:
        return self.study.factor_matrix or {"rows": "level", "columns": "factor"}

    def label(self, key: str) -> str:
        return _label(self.book, key, self.language)


def _method(b: _Builder) -> None:
    b.doc.add_heading(_t("method", b.language), level=1)
    b.doc.add_paragraph(method_text(b.analysis))
    basis = basis_text(b.analysis) if b.study.factor_matrix is not None else ""
    if basis:
        b.doc.add_paragraph(basis)
    if b.analysis.redacted:
        b.doc.add_paragraph(_t("note_redacted", b.language))


def _conclusions(b: _Builder) -> None:
    set_orientation(b.doc, landscape=False)
    b.doc.add_heading(_t("conclusions", b.language), level=2)
    for statement in b.analysis.conclusions["statement"].astype(str):
        b.doc.add_paragraph(statement, style="List Bullet")


def _frequencies(b: _Builder) -> None:
    frame = frequency_frame(b.analysis.frequencies)
    column = b.study.case_column
    if column == "case_id" and not any(d.case_id for d in b.analysis.corpus.documents):
        frame = frame.drop(columns=["cases"])  # no cases in the corpus: no column of zeros
    b.table(frame, b.study.caption("frequencies", b.language),
            headers=b.words(("code", "codings", "documents", "cases")[:len(frame.columns)]))


def _code_by_case(b: _Builder) -> None:
    matrix, column = _case_matrix(b.analysis)
    parts = matrix_frames(matrix, b.book, language=b.language, documents=column == "doc_id") \
        if matrix is not None else []
    if not parts:
        return
    caption = b.study.caption("code_by_case", b.language, attribute=b.study.word(column, b.language))
    for i, part in enumerate(parts, start=1):
        suffix = _t("matrix_part", b.language).format(part=i, parts=len(parts)) if len(parts) > 1 else ""
        b.table(part, caption + suffix, headers=[_t("code", b.language), *part.columns[1:]], font_size=8)


def _factors(b: _Builder) -> None:
    grid = b.grid
    frame = factor_grid_frame(b.analysis.factors, codebook=b.book, language=b.language,
                              rows=grid["rows"], columns=grid["columns"])
    b.table(frame, b.study.caption("factors", b.language, rows=b.label(grid["rows"]).lower(),
                                   columns=b.label(grid["columns"]).lower()), font_size=9)


def _stages(b: _Builder) -> None:
    facet = (b.study.stage_table or {}).get("facet", "stage")
    frame = stage_report_frame(b.analysis.stages, codebook=b.book, language=b.language, facet=facet)
    headers = [b.label(facet), *b.words(list(frame.columns[1:]))]
    b.table(frame, b.study.caption("stages", b.language, facet=b.label(facet).lower()), headers=headers)


def _triangulation(b: _Builder) -> None:
    grid = b.grid
    frame = triangulation_report_frame(b.analysis.triangulation, study=b.study, codebook=b.book,
                                       language=b.language, rows=grid["rows"], columns=grid["columns"])
    names = {"code_name": _t("code", b.language), "level": b.label(grid["rows"]),
             "factor": b.label(grid["columns"])}
    headers = [names.get(c) or _t(c, b.language) for c in frame.columns]
    across = _phrase([b.study.word(a, b.language) + ("s" if b.language == "en" else "")
                      for a in b.study.triangulation.across], b.study, b.language)
    b.table(frame, b.study.caption("triangulation", b.language, across=across), headers=headers)


def _figures(b: _Builder, items: list[tuple[str, ChartSource]]) -> None:
    if not items:
        return
    set_orientation(b.doc, landscape=False)
    b.doc.add_heading(_t("figures", b.language), level=1)
    for i, (caption, image) in enumerate(items, start=1):
        b.doc.add_picture(str(image) if isinstance(image, (str, os.PathLike)) else image, width=Cm(15.5))
        b.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_caption(b.doc, _t("figure", b.language), i, caption)


def _quotes(b: _Builder) -> None:
    set_orientation(b.doc, landscape=False)
    b.doc.add_page_break()
    b.doc.add_heading(_t("appendix_quotes", b.language), level=1)
    _quotes_appendix(b.doc, b.analysis, b.language)


def _codebook(b: _Builder) -> None:
    b.doc.add_page_break()
    b.doc.add_heading(_t("appendix_codebook", b.language), level=1)
    b.table(codebook_frame(b.book), b.study.caption("codebook", b.language),
            headers=b.words(("code", "definition", "inclusion", "exclusion", "example")), font_size=8)


_SECTION_WRITERS: dict[str, Callable[[_Builder], None]] = {
    "method": _method, "conclusions": _conclusions, "frequencies": _frequencies,
    "code_by_case": _code_by_case, "factors": _factors, "stages": _stages,
    "triangulation": _triangulation, "quotes": _quotes, "codebook": _codebook,
}
_FINDINGS = ("conclusions", "frequencies", "code_by_case", "factors", "stages", "triangulation")


def build_report(analysis: Analysis, *, title: str | None = None, charts: Any = None) -> DocxDocument:
    """Build the Word report of an Analysis and return the python-docx Document.

    Parameters
    ----------
    analysis : the result of :func:`qualkit.analyze`.
    title : the report's title (default: the study's, else "Qualitative analysis report").
    charts : None renders the charts of the sections shown; False leaves them out; a
        mapping caption -> PNG path (or stream), or a list of PNG paths, embeds those.

    >>> doc = build_report(result)                     # doctest: +SKIP
    >>> [t.rows[0].cells[0].text for t in doc.tables]  # doctest: +SKIP
    ['Code', 'Code', 'Level', 'Stage', 'Code', 'Code']
    """
    if not isinstance(analysis, Analysis):
        raise QualkitError(f"build_report needs an Analysis; got {type(analysis).__name__}",
                           hint="pass the result of qualkit.analyze(corpus, codebook)")
    b = _Builder(analysis)
    b.doc.add_heading(title or b.study.heading(b.language), level=0)
    if not analysis.redacted:
        run = b.doc.add_paragraph().add_run(_t("warning", b.language))
        run.bold = True
        run.font.color.rgb = RGBColor(0xB0, 0x00, 0x00)
    b.doc.add_paragraph(f"qualkit {__version__} \u00b7 {b.book.name} \u00b7 {b.book.hash}").runs[0].italic = True
    sections = shown_sections(analysis)
    findings_started = False
    for section in sections:
        if section in _FINDINGS and not findings_started:
            b.doc.add_heading(_t("findings", b.language), level=1)
            findings_started = True
        if section == "figures":
            _figures(b, _chart_items(analysis, charts, sections))
        else:
            _SECTION_WRITERS[section](b)
    return b.doc


def _quotes_appendix(doc: DocxDocument, analysis: Analysis, language: str) -> None:
    quotes = analysis.quotes
    book = analysis.codebook
    order = [c.id for c in book.codes]
    ids = list(dict.fromkeys(quotes["code_id"].astype(str)))
    ids = [c for c in order if c in ids] + [c for c in ids if c not in order]
    style = "Quote" if "Quote" in {s.name for s in doc.styles} else None
    by_code = dict(iter(quotes.groupby(quotes["code_id"].astype(str), sort=False)))  # one pass
    for code_id in ids:
        rows = by_code[code_id]
        if "rank" in rows.columns:
            rows = rows.sort_values("rank", kind="stable")
        name = book.code_name(code_id, language) if code_id in book else code_id
        doc.add_heading(f"{name} ({code_id})", level=3)
        for r in rows.to_dict("records"):
            p = doc.add_paragraph(style=style)
            p.add_run(f"\u201c{r['quote']}\u201d ")
            p.add_run(f"({quote_source(r)})").italic = True


def quote_source(row: Mapping[str, Any]) -> str:
    """A quote's provenance: ``doc_id, speaker, source type / informant group, chars a-b``.

    >>> quote_source({"doc_id": "interviews/k1.txt", "speaker": "N", "source_type": "interview",
    ...               "informant_group": "patient", "start": 10, "end": 42})
    'interviews/k1.txt, N, interview / patient, chars 10-42'
    """
    parts = [_cell_text(row.get("doc_id"))]
    if _cell_text(row.get("speaker")):
        parts.append(_cell_text(row.get("speaker")))
    kinds = [_cell_text(row.get(k)) for k in ("source_type", "informant_group") if _cell_text(row.get(k))]
    if kinds:
        parts.append(" / ".join(kinds))
    if _cell_text(row.get("start")) and _cell_text(row.get("end")):
        parts.append(f"chars {_cell_text(row.get('start'))}-{_cell_text(row.get('end'))}")
    return ", ".join(p for p in parts if p)


def codebook_frame(codebook: Codebook) -> pd.DataFrame:
    """Appendix B: ``code, definition, inclusion, exclusion, example`` per code (the code
    as ``name (id)``, the first positive example)."""
    rows = []
    for c in codebook.codes:
        example = next((e.text for e in c.examples if e.positive), "")
        rows.append({"code": f"{c.name} ({c.id})", "definition": c.description,
                     "inclusion": c.inclusion, "exclusion": c.exclusion, "example": example})
    return pd.DataFrame(rows, columns=["code", "definition", "inclusion", "exclusion", "example"])


def write_report(analysis: Analysis, path: str | os.PathLike[str], *, title: str | None = None,
                 charts: Any = None) -> Path:
    """Build the report and save it to ``path`` atomically and reproducibly (dated
    :func:`build_date`); return the path.

    >>> write_report(result, "out/report.docx")   # doctest: +SKIP
    PosixPath('out/report.docx')
    """
    doc = build_report(analysis, title=title, charts=charts)
    when = build_date()
    doc.core_properties.created = doc.core_properties.modified = when.replace(tzinfo=None)

    def save(tmp: Path) -> None:
        doc.save(str(tmp))
        reproducible_zip(tmp, when=when)

    atomic_write(path, save)
    return Path(path)

"""The Word report: the study's tables, charts, quotes and codebook, ready for a paper.

:func:`build_report` returns a python-docx ``Document``; :func:`write_report` saves it
atomically. Contents, in order: title; a first-page warning when the analysis was run
without redaction (``analysis.redacted`` is False); a method paragraph generated from the
corpus and codebook; the conclusions; Table 1 (the 2 x 2 factor grid), Table 2 (the
stage table), Table 3 (triangulation); the charts with numbered captions; Appendix A
(quotes with their sources) and Appendix B (the codebook: code, definition, inclusion,
exclusion, example).

Tables are in journal style: caption above ("Table 1. ..."), header row bold between a
top and a bottom rule, a closing rule under the last row, no vertical rules. Text is in
``analysis.language`` (``en`` or ``id``).

Reproducible files: the same analysis gives a byte-identical ``report.docx`` (and
``findings.xlsx``). Their created/modified core properties and the dates of their zip
entries are :func:`build_date`: ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC; the
reproducible-builds convention) when that environment variable is set, else 2000-01-01
00:00 UTC. :func:`reproducible_zip` applies it to a written Office file.

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
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from qualkit._io import atomic_write, zip_entry
from qualkit.errors import ExportError, QualkitError

_T = {
    "en": {
        "title": "Qualitative analysis report",
        "warning": ("WARNING: this report contains personal data. It was produced with "
                    "redaction switched off (--no-redact / redact=False): names, ID numbers, "
                    "phone numbers and addresses of informants may appear in quotes. Keep it "
                    "on an encrypted disk, do not share or publish it, and produce a redacted "
                    "report for anything that leaves the research team."),
        "method": "Method",
        "findings": "Findings",
        "conclusions": "Conclusions",
        "figures": "Figures",
        "appendix_quotes": "Appendix A. Quotes with sources",
        "appendix_codebook": "Appendix B. Codebook",
        "table": "Table", "figure": "Figure",
        "cap_factors": "Supporting and inhibiting factors at the organisational and individual level (codings, documents)",
        "cap_stages": "Evidence per stage of the Generalist Intervention Model",
        "cap_triangulation": "Triangulation of factors across source types and informant groups",
        "cap_codebook": "Codes, definitions and coding rules",
        "cap_factor_chart": "Supporting and inhibiting factors (number of codings)",
        "cap_stage_chart": "Codings per intervention stage",
        "cap_tri_chart": "Factors found per source type",
        "level": "Level", "code": "Code", "definition": "Definition",
        "inclusion": "Inclusion", "exclusion": "Exclusion", "example": "Example",
        "stage": "Stage", "main_activity": "Main activity", "field_data": "Field data",
        "codings": "Codings", "documents": "Documents", "factor": "Factor",
        "source_types": "Source types", "informant_groups": "Informant groups",
        "status": "Status", "strength": "Strength",
        "no_quotes": "No quotes were selected.",
        "none": "none",
        "note_redacted": "Personal data in quotes was replaced by placeholders and pseudonyms.",
    },
    "id": {
        "title": "Laporan analisis kualitatif",
        "warning": ("PERINGATAN: laporan ini memuat data pribadi. Laporan dibuat tanpa "
                    "penyamaran (--no-redact / redact=False): nama, nomor identitas, nomor "
                    "telepon dan alamat informan dapat muncul dalam kutipan. Simpan di disk "
                    "terenkripsi, jangan dibagikan atau diterbitkan, dan buat laporan yang "
                    "disamarkan untuk apa pun yang keluar dari tim peneliti."),
        "method": "Metode",
        "findings": "Temuan",
        "conclusions": "Kesimpulan",
        "figures": "Gambar",
        "appendix_quotes": "Lampiran A. Kutipan beserta sumbernya",
        "appendix_codebook": "Lampiran B. Buku kode",
        "table": "Tabel", "figure": "Gambar",
        "cap_factors": "Faktor pendukung dan penghambat pada tingkat organisasi dan individu (pengodean, dokumen)",
        "cap_stages": "Bukti per tahap Generalist Intervention Model",
        "cap_triangulation": "Triangulasi faktor menurut jenis sumber dan kelompok informan",
        "cap_codebook": "Kode, definisi dan aturan pengodean",
        "cap_factor_chart": "Faktor pendukung dan penghambat (jumlah pengodean)",
        "cap_stage_chart": "Pengodean per tahap intervensi",
        "cap_tri_chart": "Faktor yang ditemukan per jenis sumber",
        "level": "Tingkat", "code": "Kode", "definition": "Definisi",
        "inclusion": "Inklusi", "exclusion": "Eksklusi", "example": "Contoh",
        "stage": "Tahap", "main_activity": "Kegiatan utama", "field_data": "Data lapangan",
        "codings": "Pengodean", "documents": "Dokumen", "factor": "Faktor",
        "source_types": "Jenis sumber", "informant_groups": "Kelompok informan",
        "status": "Status", "strength": "Kekuatan",
        "no_quotes": "Tidak ada kutipan yang dipilih.",
        "none": "tidak ada",
        "note_redacted": "Data pribadi dalam kutipan diganti dengan penanda dan nama samaran.",
    },
}


def _t(key: str, language: str) -> str:
    return _T.get(language, _T["en"]).get(key, _T["en"][key])


# -- formatting helpers ------------------------------------------------------------------
def _border(tag: str, *, val: str = "single", size: int = 8) -> Any:
    el = OxmlElement(f"w:{tag}")
    el.set(qn("w:val"), val)
    if val != "nil":
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
    return el


def _journal_style(table: Any) -> None:
    """Top rule, rule under the header row, bottom rule; no vertical or inner rules."""
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for tag, val in (("top", "single"), ("left", "nil"), ("bottom", "single"), ("right", "nil"),
                     ("insideH", "nil"), ("insideV", "nil")):
        borders.append(_border(tag, val=val, size=12 if tag in ("top", "bottom") else 8))
    tbl_pr.append(borders)
    for cell in table.rows[0].cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        tc_borders = OxmlElement("w:tcBorders")
        tc_borders.append(_border("top", size=12))
        tc_borders.append(_border("bottom", size=8))
        tc_pr.append(tc_borders)
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True
    # Mark the header row to repeat on every page.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def display_text(value: Any) -> str:
    """A cell value as the report shows it: text, with a space after each ``;`` of a
    multi-valued cell so that it wraps.

    >>> display_text("interview;observation")
    'interview; observation'
    """
    return re.sub(r";(?=\S)", "; ", _cell_text(value))


def _caption(doc: DocxDocument, kind: str, number: int, text: str) -> None:
    try:
        paragraph = doc.add_paragraph(style="Caption")
    except KeyError:
        paragraph = doc.add_paragraph()
    label = paragraph.add_run(f"{kind} {number}. ")
    label.bold = True
    paragraph.add_run(text)


def add_table(doc: DocxDocument, frame: pd.DataFrame, *, headers: Sequence[str] | None = None,
              caption: str | None = None, number: int | None = None, language: str = "en",
              font_size: float = 8.5) -> Any:
    """Append ``frame`` as a journal-style table (caption above when given); return it.

    Cells hold the frame's values as text (``;``-separated lists get a space after the
    separator so they wrap). ``headers`` replaces the column names in the header row.
    """
    if caption is not None:
        _caption(doc, _t("table", language), number or 0, caption)
    table = doc.add_table(rows=1, cols=len(frame.columns))
    for cell, name in zip(table.rows[0].cells, headers or [str(c) for c in frame.columns]):
        cell.text = str(name)
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = display_text(value)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(font_size)
    _journal_style(table)
    doc.add_paragraph()
    return table


# -- the tables as they appear in the report ----------------------------------------------
def _label(codebook: Any, key: str, language: str) -> str:
    from qualkit.outputs.charts import _facet_label

    return _facet_label(codebook, key, language)


def factor_grid_frame(factors: pd.DataFrame, *, codebook: Any = None, language: str = "en") -> pd.DataFrame:
    """The 2 x 2 grid as shown in Table 1: one row per level, one column per factor value;
    each cell lists its codes as ``name (codings; documents)``, one per line.

    >>> f = pd.DataFrame({"level": ["individual"], "factor": ["inhibiting"], "code_id": ["x"],
    ...                   "code_name": ["Fear"], "codings": [4], "documents": [2]})
    >>> factor_grid_frame(f).iloc[0].tolist()
    ['Individual', 'Fear (4; 2)']
    """
    levels = list(dict.fromkeys(factors["level"].astype(str)))
    values = list(dict.fromkeys(factors["factor"].astype(str)))
    if codebook is not None and "factor" in getattr(codebook, "facets", {}):
        values = [v for v in codebook.facets["factor"] if v in values] + [
            v for v in values if v not in codebook.facets["factor"]]
    rows = []
    for level in levels:
        row = {_t("level", language): _label(codebook, f"level.{level}", language)}
        for value in values:
            cell = factors[(factors["level"].astype(str) == level) & (factors["factor"].astype(str) == value)]
            row[_label(codebook, f"factor.{value}", language)] = "\n".join(
                f"{r.code_name} ({int(r.codings)}; {int(r.documents)})" for r in cell.itertuples(index=False)
            )
        rows.append(row)
    return pd.DataFrame(rows)


STAGE_REPORT_COLUMNS = ("stage", "main_activity", "field_data", "codings", "documents")
TRIANGULATION_REPORT_COLUMNS = ("code_name", "level", "factor", "source_types", "informant_groups",
                                "documents", "status", "strength")


def stage_report_frame(stages: pd.DataFrame, *, codebook: Any = None, language: str = "en") -> pd.DataFrame:
    """Table 2 as shown: ``stage, main_activity, field_data, codings, documents``, the
    stage values given their display labels."""
    frame = stages[[c for c in STAGE_REPORT_COLUMNS if c in stages.columns]].copy()
    frame["stage"] = [_label(codebook, f"stage.{s}", language) for s in frame["stage"].astype(str)]
    return frame.reset_index(drop=True)


def triangulation_report_frame(triangulation: pd.DataFrame) -> pd.DataFrame:
    """Table 3 as shown: ``code_name, level, factor, source_types, informant_groups,
    documents, status, strength`` (the columns the triangulation table has)."""
    cols = [c for c in TRIANGULATION_REPORT_COLUMNS if c in triangulation.columns]
    return triangulation[cols].reset_index(drop=True)


# -- method paragraph --------------------------------------------------------------------
_KIND_WORDS = {
    "en": {"interview": ("interview transcript", "interview transcripts"),
           "observation": ("set of field notes", "sets of field notes"),
           "document": ("case document", "case documents")},
    "id": {"interview": ("transkrip wawancara", "transkrip wawancara"),
           "observation": ("catatan lapangan", "catatan lapangan"),
           "document": ("dokumen kasus", "dokumen kasus")},
}


def _counts_phrase(counts: Mapping[str, int], language: str, *, kinds: bool = False) -> str:
    from qualkit.outputs.charts import _value_label

    if kinds:
        words = _KIND_WORDS.get(language, _KIND_WORDS["en"])
        parts = [f"{n} {words[k][n != 1]}" if k in words else f"{n} {k}" for k, n in counts.items()]
    else:
        parts = [f"{_value_label(k, language)} ({n})" for k, n in counts.items()]
    if not parts:
        return _t("none", language)
    joiner = " and " if language == "en" else " dan "
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + joiner + parts[-1]


def method_text(analysis: Any) -> str:
    """The method paragraph, generated from the corpus, the codings and the codebook.

    It states the documents per source type and per informant group, the number and unit
    of passages, the codebook's name, version hash and number of codes, who coded, and the
    number of codings.
    """
    language = getattr(analysis, "language", "en")
    corpus, book, codings = analysis.corpus, analysis.codebook, analysis.codings
    docs = corpus.documents_frame()
    by_type = docs["source_type"].value_counts().to_dict() if len(docs) else {}
    order = ["interview", "observation", "document"]
    by_type = {k: int(by_type[k]) for k in order + sorted(set(by_type) - set(order)) if k in by_type}
    groups = docs["informant_group"].dropna() if len(docs) else pd.Series(dtype=object)
    by_group = {str(k): int(v) for k, v in groups.value_counts().sort_index().items()}
    coders = sorted(set(pd.unique(codings["coder"].astype(str)))) if len(codings) else []
    n_codes = len(book.codes)
    unit = getattr(corpus, "unit", "turn")
    if language == "id":
        return (
            f"Korpus terdiri atas {len(corpus.documents)} dokumen: "
            f"{_counts_phrase(by_type, language, kinds=True)}; per kelompok informan: "
            f"{_counts_phrase(by_group, language)}. Dokumen dipotong menjadi {len(corpus.passages)} "
            f"passage (satuan: {unit}). Pengodean memakai buku kode \u201c{book.name}\u201d "
            f"(hash versi {book.hash}, {n_codes} kode) oleh {', '.join(coders) or '-'}, "
            f"menghasilkan {len(codings)} pengodean. Analisis mengikuti reduksi data, penyajian "
            f"data, sintesis data dan penarikan kesimpulan (Miles & Huberman); temuan "
            f"ditriangulasi antarjenis sumber dan antarkelompok informan."
        )
    return (
        f"The corpus holds {len(corpus.documents)} documents: "
        f"{_counts_phrase(by_type, language, kinds=True)}; documents per informant group: "
        f"{_counts_phrase(by_group, language)}. The documents were cut into "
        f"{len(corpus.passages)} passages (unit: {unit}). They were coded with the codebook "
        f"\u201c{book.name}\u201d (version hash {book.hash}, {n_codes} codes) by "
        f"{', '.join(coders) or '-'}, giving {len(codings)} codings. The analysis followed "
        f"data reduction, data display, data synthesis and conclusion drawing (Miles & "
        f"Huberman); findings were triangulated across source types and informant groups."
    )


# -- charts ------------------------------------------------------------------------------
def default_charts(analysis: Any) -> dict[str, io.BytesIO]:
    """Render the report's charts in memory: caption -> PNG stream."""
    from qualkit.outputs import charts

    language = getattr(analysis, "language", "en")
    out: dict[str, io.BytesIO] = {}
    drawn = [
        ("cap_factor_chart", lambda: charts.factor_chart(analysis.factors, language=language,
                                                         codebook=analysis.codebook)),
        ("cap_stage_chart", lambda: charts.stage_chart(analysis.stages, language=language,
                                                       codebook=analysis.codebook)),
        ("cap_tri_chart", lambda: charts.triangulation_heatmap(analysis.triangulation, language=language)),
    ]
    for key, draw in drawn:
        ax = draw()
        stream = io.BytesIO()
        ax.figure.savefig(stream, format="png", dpi=200, bbox_inches="tight")
        stream.seek(0)
        out[_t(key, language)] = stream
    return out


def _chart_items(analysis: Any, charts: Any) -> list[tuple[str, Any]]:
    if charts is None:
        return list(default_charts(analysis).items())
    if charts is False:
        return []
    if isinstance(charts, Mapping):
        return [(str(k), v) for k, v in charts.items()]
    return [(Path(p).stem.replace("_", " ").capitalize(), p) for p in charts]


# -- the report --------------------------------------------------------------------------
def build_report(analysis: Any, *, title: str | None = None, charts: Any = None) -> DocxDocument:
    """Build the Word report of an Analysis and return the python-docx Document.

    Parameters
    ----------
    analysis : the result of :func:`qualkit.analyze`.
    title : the report's title (default: "Qualitative analysis report" in the language).
    charts : None renders the factor, stage and triangulation charts; False leaves them
        out; a mapping caption -> PNG path (or stream), or a list of PNG paths, embeds those.

    >>> doc = build_report(result)                   # doctest: +SKIP
    >>> [t.rows[0].cells[0].text for t in doc.tables]  # doctest: +SKIP
    ['Level', 'Stage', 'Code', 'Code']
    """
    for name in ("corpus", "codebook", "codings", "factors", "stages", "triangulation"):
        if not hasattr(analysis, name):
            raise QualkitError(f"build_report needs an Analysis; the object has no {name!r}",
                               hint="pass the result of qualkit.analyze(corpus, codebook)")
    language = getattr(analysis, "language", "en")
    book = analysis.codebook
    doc = new_document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)

    doc.add_heading(title or _t("title", language), level=0)
    if not getattr(analysis, "redacted", True):
        warning = doc.add_paragraph()
        run = warning.add_run(_t("warning", language))
        run.bold = True
        run.font.color.rgb = RGBColor(0xB0, 0x00, 0x00)
    from qualkit import __version__

    doc.add_paragraph(f"qualkit {__version__} \u00b7 {book.name} \u00b7 {book.hash}").runs[0].italic = True

    doc.add_heading(_t("method", language), level=1)
    doc.add_paragraph(method_text(analysis))
    if getattr(analysis, "redacted", False):
        doc.add_paragraph(_t("note_redacted", language))

    doc.add_heading(_t("findings", language), level=1)
    conclusions = getattr(analysis, "conclusions", None)
    if isinstance(conclusions, pd.DataFrame) and "statement" in conclusions.columns and len(conclusions):
        doc.add_heading(_t("conclusions", language), level=2)
        for statement in conclusions["statement"].astype(str):
            doc.add_paragraph(statement, style="List Bullet")

    number = 0
    number += 1
    add_table(doc, factor_grid_frame(analysis.factors, codebook=book, language=language),
              caption=_t("cap_factors", language), number=number, language=language, font_size=9)
    number += 1
    stages = stage_report_frame(analysis.stages, codebook=book, language=language)
    add_table(doc, stages, headers=[_t(c, language) for c in stages.columns],
              caption=_t("cap_stages", language), number=number, language=language)
    number += 1
    tri = triangulation_report_frame(analysis.triangulation)
    add_table(doc, tri, headers=[_t("code" if c == "code_name" else c, language) for c in tri.columns],
              caption=_t("cap_triangulation", language), number=number, language=language)

    items = _chart_items(analysis, charts)
    if items:
        doc.add_heading(_t("figures", language), level=1)
    for i, (caption, image) in enumerate(items, start=1):
        doc.add_picture(image if not isinstance(image, (str, os.PathLike)) else str(image), width=Cm(15.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _caption(doc, _t("figure", language), i, caption)

    doc.add_page_break()
    doc.add_heading(_t("appendix_quotes", language), level=1)
    _quotes_appendix(doc, analysis, language)

    doc.add_page_break()
    doc.add_heading(_t("appendix_codebook", language), level=1)
    number += 1
    add_table(doc, codebook_frame(book), headers=[_t(k, language) for k in
              ("code", "definition", "inclusion", "exclusion", "example")],
              caption=_t("cap_codebook", language), number=number, language=language, font_size=8)
    return doc


def _quotes_appendix(doc: DocxDocument, analysis: Any, language: str) -> None:
    quotes = getattr(analysis, "quotes", None)
    if not isinstance(quotes, pd.DataFrame) or quotes.empty or "quote" not in quotes.columns:
        doc.add_paragraph(_t("no_quotes", language))
        return
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
    ...               "informant_group": "victim", "start": 10, "end": 42})
    'interviews/k1.txt, N, interview / victim, chars 10-42'
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


def codebook_frame(codebook: Any) -> pd.DataFrame:
    """Appendix B: ``code, definition, inclusion, exclusion, example`` per code (the code
    as ``name (id)``, the first positive example)."""
    rows = []
    for c in codebook.codes:
        example = next((e.text for e in c.examples if e.positive), "")
        rows.append({"code": f"{c.name} ({c.id})", "definition": c.description,
                     "inclusion": c.inclusion, "exclusion": c.exclusion, "example": example})
    return pd.DataFrame(rows, columns=["code", "definition", "inclusion", "exclusion", "example"])


# -- reproducible files -----------------------------------------------------------------
FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)
"""The date written into reports and workbooks when ``SOURCE_DATE_EPOCH`` is not set."""

_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def build_date() -> datetime:
    """The timestamp of generated Office files: ``SOURCE_DATE_EPOCH`` (UTC) when set,
    else :data:`FIXED_DATE` (2000-01-01), so that two runs give the same bytes.

    >>> build_date().year if "SOURCE_DATE_EPOCH" not in os.environ else 2000
    2000
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return FIXED_DATE
    try:
        return datetime.fromtimestamp(int(raw), tz=timezone.utc)
    except (ValueError, OverflowError, OSError) as err:
        raise ExportError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970; got {raw!r}",
                          hint="set it to e.g. $(git log -1 --format=%ct), or unset it") from err


def reproducible_zip(path: str | os.PathLike[str], *, when: datetime | None = None) -> None:
    """Rewrite an Office file (.docx, .xlsx: a zip) in place so its bytes do not depend on
    when it was written: every entry dated ``when`` (default :func:`build_date`; zip
    cannot store dates before 1980, so earlier ones become 1980-01-01) with fixed
    permissions, and the ``dcterms:created`` / ``dcterms:modified`` core properties set
    to ``when``. Entry order and contents are otherwise kept.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.zip"
    >>> with zipfile.ZipFile(p, "w") as z: z.writestr("x.txt", "x")
    >>> reproducible_zip(p); zipfile.ZipFile(p).infolist()[0].date_time
    (2000, 1, 1, 0, 0, 0)
    """
    when = (when or build_date()).astimezone(timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entry_date = max(when.replace(tzinfo=None), datetime(1980, 1, 1)).timetuple()[:6]
    target = Path(path)
    with zipfile.ZipFile(target) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            out.writestr(zip_entry(name, date_time=entry_date), data)
    target.write_bytes(buffer.getvalue())


def write_report(analysis: Any, path: str | os.PathLike[str], *, title: str | None = None,
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

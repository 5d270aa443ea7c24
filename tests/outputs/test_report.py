"""The Word report, read back with python-docx and compared to the analysis frames."""

from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn

from qualkit.errors import QualkitError
from qualkit.outputs.report import (
    build_report, codebook_frame, display_text, factor_grid_frame, stage_report_frame,
    triangulation_report_frame, write_report,
)


def _rows(table):
    return [[c.text for c in row.cells] for row in table.rows]


def _frame_rows(frame):
    return [[display_text(v) for v in row] for row in frame.itertuples(index=False)]


@pytest.fixture(scope="module")
def report(analysis, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.docx"
    assert write_report(analysis, path, charts=None) == path
    return docx.Document(str(path))


def _tables_by_caption(doc):
    """Caption text (without "Table N. ") -> table; every table has a caption above it."""
    captions = [p.text for p in doc.paragraphs
                if p.style.name == "Caption" and p.text.split(" ")[0] in ("Table", "Tabel")]
    assert len(captions) == len(doc.tables)
    return {c.split(". ", 1)[1]: t for c, t in zip(captions, doc.tables)}


def test_tables_match_the_analysis(report, analysis):
    tables = _tables_by_caption(report)
    factor_t = next(t for c, t in tables.items() if c.startswith("Codes by level and factor"))
    stage_t = tables["Evidence per stage"]
    tri_t = next(t for c, t in tables.items() if c.startswith("Triangulation"))
    book_t = tables["Codes, definitions and coding rules"]
    grid = factor_grid_frame(analysis.factors, codebook=analysis.codebook)
    assert _rows(factor_t)[0] == ["Level", "Supporting", "Inhibiting"]
    assert _rows(factor_t)[1:] == _frame_rows(grid)
    # Every factor code sits in its own cell of the 2x2 grid, with its counts.
    for r in analysis.factors.itertuples(index=False):
        row = 1 if r.level == "organisation" else 2
        col = 1 if r.factor == "supporting" else 2
        assert f"{r.code_name} ({r.codings}; {r.documents})" in factor_t.cell(row, col).text
    assert _rows(stage_t)[1:] == _frame_rows(stage_report_frame(analysis.stages))
    assert [r[0] for r in _rows(stage_t)[1:]] == ["Engagement", "Assessment", "Implementation"]
    shown = triangulation_report_frame(analysis.triangulation, study=analysis.design,
                                       codebook=analysis.codebook)
    assert _rows(tri_t)[1:] == _frame_rows(shown)
    assert _rows(tri_t)[0][:2] == ["Code", "Level"] and _rows(tri_t)[0][-1] == "Evidence"
    assert {r[-1] for r in _rows(tri_t)[1:]} <= {"auto-coded only", ""}  # the tiny codings are auto
    assert _rows(book_t)[1:] == _frame_rows(codebook_frame(analysis.codebook))
    assert len(book_t.rows) == len(analysis.codebook.codes) + 1


def test_code_frequency_table_in_codebook_order(report, analysis):
    freq_t = _tables_by_caption(report)["Codings, documents and cases per code (codebook order)"]
    rows = _rows(freq_t)
    assert rows[0] == ["Code", "Codings", "Documents", "Cases"]
    assert len(rows) == len(analysis.codebook.codes) + 1
    assert [r[0].strip("\u2003") for r in rows[1:]] == [f"{c.name} ({c.id})" for c in analysis.codebook.codes]
    fear = next(r for r in rows if "(ind_inhibit_fear)" in r[0])
    freq = analysis.frequencies.set_index("code_id").loc["ind_inhibit_fear"]
    assert fear[1:] == [str(freq.codings), str(freq.documents), str(freq.cases)]
    # counted from the extracts: passages, documents and cases of the code
    ex = analysis.extracts[analysis.extracts.code_id == "ind_inhibit_fear"]
    assert (freq.documents, freq.cases) == (ex.doc_id.nunique(), ex.case_id.dropna().nunique())


def test_code_by_case_matrix(report, analysis):
    table = _tables_by_caption(report)["Coded passages per code and case"]
    rows = _rows(table)
    assert rows[0] == ["Code", "K01"]  # documents without a case are not a column
    matrix = analysis.matrices["code_x_case"]
    coded = matrix[matrix["K01"] > 0]
    assert [r[1] for r in rows[1:]] == [str(v) for v in coded["K01"]]


def test_numbered_captions_and_figures(report):
    captions = [p.text for p in report.paragraphs if p.style.name == "Caption"]
    assert [c.split(".")[0] for c in captions] == [
        "Table 1", "Table 2", "Table 3", "Table 4", "Table 5", "Figure 1", "Figure 2", "Figure 3", "Table 6"]
    assert len(report.inline_shapes) == 3


def test_journal_style_rules(report):
    table = report.tables[0]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    vals = {b.tag.split("}")[1]: b.get(qn("w:val")) for b in borders}
    assert vals["top"] == "single" and vals["bottom"] == "single"
    assert vals["insideV"] == "nil" and vals["left"] == "nil" and vals["right"] == "nil"
    header = table.rows[0].cells[0]
    assert all(run.bold for p in header.paragraphs for run in p.runs)
    tc_borders = header._tc.tcPr.find(qn("w:tcBorders"))
    assert tc_borders.find(qn("w:bottom")).get(qn("w:val")) == "single"
    body = table.rows[1].cells[0]
    assert not any(run.bold for p in body.paragraphs for run in p.runs)


def test_method_paragraph_and_personal_data_warning(report, analysis):
    text = "\n".join(p.text for p in report.paragraphs)
    assert "contains personal data" in report.paragraphs[1].text  # first page, redacted=False
    assert f"{len(analysis.corpus.documents)} documents" in text
    assert "3 interview transcripts" in text and "1 observation" in text  # the study's plurals
    assert "rest on auto-coded evidence only" in text
    assert analysis.codebook.hash in text
    assert f"{len(analysis.corpus.passages)} passages" in text


def test_quotes_appendix_lists_quotes_with_sources(report, analysis):
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Appendix A" in text
    for q in analysis.quotes.itertuples(index=False):
        assert f"\u201c{q.quote}\u201d" in text
        assert q.doc_id in text


def test_redacted_analysis_has_no_warning_and_language_id(analysis_factory):
    redacted = analysis_factory(redacted=True, language="id")
    doc = build_report(redacted, charts=False, title="Laporan uji")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "Laporan uji"
    assert "PERINGATAN" not in text and "personal data" not in text
    assert "Korpus terdiri atas 5 dokumen" in text
    factor_t = _tables_by_caption(doc)["Kode menurut level dan factor (pengodean; dokumen)"]
    assert factor_t.rows[0].cells[1].text == "Pendukung"
    assert not doc.inline_shapes


def test_charts_given_as_paths(analysis, tmp_path):
    from qualkit.outputs.charts import save_figure, stage_chart

    png, _ = save_figure(stage_chart(analysis.stages), tmp_path / "stages")
    doc = build_report(analysis, charts={"My stages": png})
    assert len(doc.inline_shapes) == 1
    assert "Figure 1. My stages" in [p.text for p in doc.paragraphs]


def test_not_an_analysis():
    with pytest.raises(QualkitError, match="needs an Analysis"):
        build_report(object())


def test_two_writes_are_byte_identical_and_dated_reproducibly(analysis, tmp_path, monkeypatch):
    import zipfile

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = write_report(analysis, tmp_path / "a.docx", charts=False)
    second = write_report(analysis, tmp_path / "b.docx", charts=False)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    props = docx.Document(str(first)).core_properties
    assert (props.created.year, props.modified.year) == (2000, 2000)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    dated = write_report(analysis, tmp_path / "c.docx", charts=False)
    assert docx.Document(str(dated)).core_properties.created.isoformat().startswith("2023-11-14T22:13:20")
    with zipfile.ZipFile(dated) as z:
        assert z.infolist()[0].date_time == (2023, 11, 14, 22, 13, 20)


def test_a_bad_source_date_epoch_is_a_clear_error(analysis, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(QualkitError, match="SOURCE_DATE_EPOCH"):
        write_report(analysis, tmp_path / "x.docx", charts=False)
    assert not (tmp_path / "x.docx").exists()

"""The findings workbook, read back with openpyxl and pandas."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from qualkit.outputs.spreadsheet import CODINGS_SHEET_COLUMNS, sheet_names, write_spreadsheet


@pytest.fixture(scope="module")
def workbook(analysis, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "findings.xlsx"
    assert write_spreadsheet(analysis, path) == path
    return path


def test_one_sheet_per_table_plus_documents_and_codings(workbook, analysis):
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == sheet_names(list(analysis.tables())) + ["documents", "codings"]
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert len(set(book.sheetnames)) == len(book.sheetnames)


def test_tables_read_back_equal(workbook, analysis):
    factors = pd.read_excel(workbook, sheet_name="factors", keep_default_na=False)
    assert factors.columns.tolist() == analysis.factors.columns.tolist()
    assert factors["code_id"].tolist() == analysis.factors["code_id"].tolist()
    assert factors["codings"].tolist() == analysis.factors["codings"].tolist()
    assert factors["quotes"].tolist() == analysis.factors["quotes"].fillna("").tolist()
    stages = pd.read_excel(workbook, sheet_name="stages")
    assert stages["stage"].tolist() == analysis.stages["stage"].tolist()


def test_codings_sheet_long_format(workbook, analysis):
    sheet = pd.read_excel(workbook, sheet_name="codings", keep_default_na=False)
    facets = list(analysis.codebook.facets)
    assert sheet.columns.tolist() == list(CODINGS_SHEET_COLUMNS[:7]) + facets + list(CODINGS_SHEET_COLUMNS[7:])
    assert len(sheet) == len(analysis.codings)
    texts = {d.id: d.text for d in analysis.corpus.documents}
    passages = {p.id: p.text for p in analysis.corpus.passages}
    for row in sheet.itertuples(index=False):
        assert row.evidence == texts[row.doc_id][row.start:row.end]
        assert row.quote == passages[row.passage_id]
        assert row.code_name == analysis.codebook.code(row.code_id).name
    fear = sheet[sheet["code_id"] == "ind_inhibit_fear"]
    assert set(fear["level"]) == {"individual"} and set(fear["factor"]) == {"inhibiting"}


def test_header_bold_frozen_and_widths(workbook):
    book = openpyxl.load_workbook(workbook)
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1] if cell.value is not None)
    ws = book["codings"]
    widths = [ws.column_dimensions[c].width for c in "ABCDEFG"]
    assert all(8 <= w <= 60 for w in widths)


def test_sheet_names_are_excel_safe():
    names = sheet_names(["a/b", "x" * 40, "x" * 40, "matrix_code_x_informant_group_long"])
    assert names[0] == "a_b"
    assert names[1] == "x" * 31 and names[2] == "x" * 29 + "~1"
    assert names[3] == "m_code_x_informant_group_long"


def test_two_writes_are_byte_identical_and_dated_reproducibly(analysis, tmp_path, monkeypatch):
    import zipfile

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = write_spreadsheet(analysis, tmp_path / "a.xlsx")
    second = write_spreadsheet(analysis, tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    props = openpyxl.load_workbook(first).properties
    assert (props.created.year, props.modified.year, props.creator) == (2000, 2000, "qualkit")

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = openpyxl.load_workbook(write_spreadsheet(analysis, tmp_path / "c.xlsx")).properties
    assert dated.modified.isoformat().startswith("2023-11-14T22:13:20")
    # the workbook still reads back whole after the rewrite
    assert pd.read_excel(tmp_path / "c.xlsx", sheet_name=None).keys() == pd.read_excel(first, sheet_name=None).keys()


def test_codings_sheet_beyond_excel_rows_is_cut_with_a_note(monkeypatch, analysis):
    from qualkit.outputs import spreadsheet

    monkeypatch.setattr(spreadsheet, "EXCEL_MAX_ROWS", 3)
    frames = spreadsheet.workbook_frames(analysis)
    assert len(frames["codings"]) == 2
    assert "codings.csv" in frames["note"]["note"][0]


def test_cells_of_every_kind_read_back(monkeypatch, analysis, tmp_path):
    import numpy as np

    from qualkit.outputs import spreadsheet

    odd = pd.DataFrame({"text": [" lead", "a < b & c > d", "=1+1", None],
                        "number": [1.5, np.nan, 3.0, 2 ** 40],
                        "flag": [True, False, True, False],
                        "count": np.array([1, 2, 3, 4], dtype="int64"),
                       "mixed": [1, True, 0, False]})
    monkeypatch.setattr(spreadsheet, "workbook_frames", lambda a: {"odd": odd})
    path = spreadsheet.write_spreadsheet(analysis, tmp_path / "odd.xlsx")
    sheet = openpyxl.load_workbook(path)["odd"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == [" lead", "a < b & c > d", "=1+1", None]  # text, never a formula
    assert [r[1] for r in rows] == [1.5, None, 3, 2 ** 40]
    assert [r[2] for r in rows] == [True, False, True, False]
    assert [r[3] for r in rows] == [1, 2, 3, 4]
    assert [r[4] for r in rows] == [1, True, 0, False] and [type(r[4]) for r in rows] == [int, bool, int, bool]
    assert sheet.auto_filter.ref == "A1:E5" and sheet["A1"].font.bold

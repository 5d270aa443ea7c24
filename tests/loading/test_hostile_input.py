"""Hostile input on the reading side: a clear LoadError or a listed problem, never exit 3."""

from __future__ import annotations

import copy
import io
import time

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qualkit
from qualkit import cli
from qualkit.errors import LoadError
from qualkit.loading import load_document
from qualkit.loading.decode import normalise_text
from qualkit.loading.numformat import display_text
from qualkit.loading.word import read_docx

from loading_helpers import check_offsets

CONTROL = "".join(chr(c) for c in [*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20)])


# -- control characters ---------------------------------------------------------------


def test_control_characters_are_removed_at_decoding_with_offsets_true(write):
    raw = "P: Halo\x01?\r\nI: Saya\x08 ta\x1b[1mkut.\x0c\r\nP: Kenapa?\nI: Diancam\x0b."
    path = write("a.txt", raw)
    doc, ps = load_document(path)
    check_offsets(doc, ps)
    assert not any(c in doc.text for c in CONTROL)
    assert [p.text for p in ps] == ["Halo?", "Saya ta[1mkut.", "Kenapa?", "Diancam."]
    decoded = path.read_bytes().decode("utf-8")
    for p in ps:
        source = decoded[doc.source_offset(p.start) : doc.source_offset(p.end)]
        assert "".join(c for c in source if c not in CONTROL + "\r") == p.text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \n\r\t") + list(CONTROL[:6]) + ["\x1b", "\ufffe"]), max_size=60),
       st.data())
def test_source_offset_maps_any_span_back(raw, data):
    text, removed = normalise_text(raw)
    assert not any(c in text for c in CONTROL + "\r\ufffe")
    from qualkit.corpus import Document

    doc = Document(id="a.txt", text=text or " ", removed=removed) if text else None
    if doc is None:
        return
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    source = raw[doc.source_offset(start) : doc.source_offset(end)]
    kept = "".join("\n" if c == "\r" else c for c in source.replace("\r\n", "\n") if c not in CONTROL + "\ufffe")
    assert kept == text[start:end]


def test_extracted_blocks_lose_control_characters_and_keep_word_line_breaks():
    from qualkit.loading.extracted import TextBuilder

    b = TextBuilder()
    b.paragraph("Halo\x01 dunia\x0bbaris dua\x1b")
    assert b.build().text == "Halo dunia\nbaris dua"


# -- spreadsheets ---------------------------------------------------------------------


def _xlsx(tmp_path, name, fill):
    wb = openpyxl.Workbook()
    fill(wb.active)
    path = tmp_path / name
    wb.save(path)
    return path


def test_a_stray_cell_at_the_last_address_does_not_exhaust_memory(tmp_path):
    def fill(ws):
        ws.append(["speaker", "text"])
        ws.append(["Ani", "Saya takut."])
        ws.append(["Budi", "Kenapa?"])
        ws["XFD1048576"] = "stray"

    path = _xlsx(tmp_path, "stray.xlsx", fill)
    started = time.perf_counter()
    doc, ps = load_document(path)
    assert time.perf_counter() - started < 30
    assert [(p.speaker, p.text) for p in ps] == [("Ani", "Saya takut."), ("Budi", "Kenapa?")]


def test_numbers_in_cells_are_read_as_the_text_they_display(tmp_path):
    def fill(ws):
        ws.append(["speaker", "text", "id"])
        ws.append(["Ani", 81234567819, 7])
        ws["B2"].number_format = '"0"000-0000-0000'
        ws.append(["Budi", 3201234567890014, 8])
        ws["B3"].number_format = "0"
        ws.append(["Cici", 812345678, 9])
        ws["B4"].number_format = "000000000000"
        ws.append(["Dedi", 1250000.5, 10])
        ws["B5"].number_format = "#,##0.00"

    _, ps = load_document(_xlsx(tmp_path, "nums.xlsx", fill))
    assert [p.text for p in ps] == ["0812-3456-7819", "3201234567890014", "000812345678", "1,250,000.50"]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**15), st.integers(1, 16))
def test_zero_padded_formats_keep_every_digit(number, width):
    assert display_text(number, "0" * width) == str(number).zfill(width)
    assert display_text(float(number), "General") == str(number)


def test_a_corrupt_sheet_is_a_load_error(tmp_path):
    import zipfile

    path = _xlsx(tmp_path, "ok.xlsx", lambda ws: ws.append(["text", "x"]))
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"<worksheet><sheetData><row><c r='A1' t='n'><v>x" if "sheet1" in item.filename else data)
    with pytest.raises(LoadError, match="bad.xlsx"):
        load_document(bad)


# -- captions -------------------------------------------------------------------------


@pytest.mark.parametrize("timing", ["999999999999999999999:00:01.000 --> 00:00:02.000",
                                    "00:00:01,000 -> 00:00:02,000", "ab:cd --> ef"])
def test_a_bad_timing_line_is_reported_not_lost(write, tmp_path, timing):
    srt = f"1\n00:00:00,500 --> 00:00:01,000\nAni: Halo.\n\n2\n{timing}\nBudi: Hilang?\n\n3\n00:00:03,000 --> 00:00:04,000\nCici: Ya.\n"
    write("a.srt", srt)
    corpus = qualkit.load_corpus(tmp_path)
    assert [p.text for p in corpus.passages] == ["Halo.", "Ya."]
    [problem] = [p for p in corpus.problems if p.path == "a.srt"]
    assert not problem.skipped and "line 6" in problem.message and "no readable timing line" in problem.message


def test_a_huge_hour_field_alone_is_a_clear_load_error(write):
    path = write("a.vtt", "WEBVTT\n\n" + "9" * 5000 + ":00:01.000 --> 00:00:02.000\nHalo.\n")
    with pytest.raises(LoadError, match="a.vtt: no subtitle cues found"):
        load_document(path)


def test_hostile_files_never_give_exit_3(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.vtt").write_text("WEBVTT\n\n" + "9" * 5000 + ":00:01.000 --> 00:00:02.000\nHalo.\n")
    (data / "b.txt").write_text("P: Halo\x01?\nI: Saya\x1b takut.\nP: Kenapa?\nI: Diancam.")
    (data / "c.html").write_bytes(b"<div>" * 5000 + b"x")
    corpus = qualkit.load_corpus(data)
    assert [d.id for d in corpus.documents] == ["b.txt"]
    assert {p.path for p in corpus.problems if p.skipped} == {"a.vtt", "c.html"}
    assert cli.EXIT_WARNINGS == 1


# -- Word: styles resolved once ---------------------------------------------------------


def _long_docx(n):
    d = docx.Document()
    d.add_heading("Sesi", 1)
    p = d.add_paragraph("Pewawancara: Apa kabar hari ini?")
    for _ in range(n - 1):
        d.element.body.append(copy.deepcopy(p._p))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_reading_time_grows_linearly():
    small, large = _long_docx(1_000), _long_docx(4_000)
    read_docx(small, path="warm.docx")
    timings = []
    for data in (small, large):
        started = time.perf_counter()
        ex = read_docx(data, path="a.docx")
        timings.append(time.perf_counter() - started)
        assert [h.title for h in ex.headings] == ["Sesi"]
    assert timings[1] / timings[0] < 8, timings  # 4x the paragraphs; quadratic would be 16x

"""Every reader through load_document: text, offsets, speakers, sections, pages, times."""

from __future__ import annotations

import io

import pytest

from qualkit.errors import LoadError
from qualkit.loading import load_document

from loading_helpers import TRANSCRIPT_ID, check_offsets


def test_txt_transcript(write):
    doc, ps = load_document(write("wawancara/k01.txt", TRANSCRIPT_ID))
    check_offsets(doc, ps)
    assert doc.id == "k01.txt" and doc.language == "id"
    assert [p.speaker for p in ps] == ["Pewawancara", "Korban"] * 2
    assert [p.role for p in ps] == ["interviewer", "informant"] * 2
    assert ps[1].text == "Saya melihat lowongan kerja di media sosial. Gajinya besar."
    assert [p.id for p in ps] == [f"k01.txt#p{i}" for i in range(1, 5)]


def test_txt_paragraphs_and_sentences(write):
    text = "Keluarga datang ke kantor. Mereka cemas.\n\nKami menghubungi KBRI."
    path = write("obs.txt", text)
    doc, ps = load_document(path)
    assert [(p.unit, p.text) for p in ps] == [
        ("paragraph", "Keluarga datang ke kantor. Mereka cemas."),
        ("paragraph", "Kami menghubungi KBRI."),
    ]
    doc, ss = load_document(path, unit="sentence")
    check_offsets(doc, ss)
    assert [(s.id, s.parent_id, s.text) for s in ss] == [
        ("obs.txt#p1.s1", "obs.txt#p1", "Keluarga datang ke kantor."),
        ("obs.txt#p1.s2", "obs.txt#p1", "Mereka cemas."),
        ("obs.txt#p2.s1", "obs.txt#p2", "Kami menghubungi KBRI."),
    ]


def test_markdown_headings_become_sections(write):
    text = "# Menimbang\n\nbahwa korban menderita.\n\n## Pasal 1\n\nDalam peraturan ini.\n"
    doc, ps = load_document(write("perda.md", text))
    check_offsets(doc, ps)
    assert [(p.section, p.text) for p in ps] == [
        ("Menimbang", "bahwa korban menderita."), ("Pasal 1", "Dalam peraturan ini."),
    ]


def test_docx_paragraphs_headings_and_tables_in_order(write):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_heading("Catatan lapangan", level=1)
    d.add_paragraph("Keluarga korban datang ke kantor.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Hari", "Senin"
    table.cell(1, 0).text, table.cell(1, 1).text = "Tempat", "Jakarta"
    d.add_paragraph("Kami menghubungi KBRI.")
    buf = io.BytesIO()
    d.save(buf)
    doc, ps = load_document(write("obs.docx", buf.getvalue()))
    check_offsets(doc, ps)
    assert doc.text == ("Catatan lapangan\n\nKeluarga korban datang ke kantor.\n\nHari: Senin\n\n"
                        "Tempat: Jakarta\n\nKami menghubungi KBRI.")
    assert ps[0].section == "Catatan lapangan"
    assert [p.text for p in ps] == ["Keluarga korban datang ke kantor.", "Hari: Senin",
                                    "Tempat: Jakarta", "Kami menghubungi KBRI."]


def test_docx_transcript(write):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in TRANSCRIPT_ID.strip().split("\n"):
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    doc, ps = load_document(write("k.docx", buf.getvalue()))
    check_offsets(doc, ps)
    assert [p.speaker for p in ps] == ["Pewawancara", "Korban"] * 2


def test_odt_paragraphs_headings_tables(write):
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableRow
    from odf.text import H, P

    d = OpenDocumentText()
    d.text.addElement(H(outlinelevel=1, text="Kronologi"))
    d.text.addElement(P(text="Korban dihubungi perekrut lewat media sosial."))
    table = Table()
    row = TableRow()
    for value in ("Sponsor", "Tidak diketahui"):
        cell = TableCell()
        cell.addElement(P(text=value))
        row.addElement(cell)
    table.addElement(row)
    d.text.addElement(table)
    buf = io.BytesIO()
    d.write(buf)
    doc, ps = load_document(write("k.odt", buf.getvalue()))
    check_offsets(doc, ps)
    assert [(p.section, p.text) for p in ps] == [
        ("Kronologi", "Korban dihubungi perekrut lewat media sosial."),
        ("Kronologi", "Sponsor: Tidak diketahui"),
    ]


def _pdf_with_pages(pages):
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(50, y, line)
            y -= 20
        c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_pages_and_turns(write):
    data = _pdf_with_pages([
        ["Interviewer: How did it start?", "Respondent: I saw a job offer online.",
         "Interviewer: And then?"],
        ["Respondent: They took my passport.", "Interviewer: I see.", "2"],
    ])
    doc, ps = load_document(write("p.pdf", data))
    check_offsets(doc, ps)
    assert [p.speaker for p in ps] == ["Interviewer", "Respondent", "Interviewer", "Respondent", "Interviewer"]
    assert [p.page for p in ps] == [1, 1, 1, 2, 2]
    assert ps[3].text == "They took my passport."
    assert doc.metadata["pages"] == 2 and doc.language == "en"


def test_pdf_without_text_layer_needs_ocr(write):
    from matplotlib.figure import Figure

    fig = Figure()
    fig.add_subplot().plot([0, 1], [0, 1])
    fig.axes[0].axis("off")
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    with pytest.raises(LoadError, match="OCR"):
        load_document(write("scan.pdf", buf.getvalue()))


VTT = """WEBVTT

NOTE a comment

1
00:00:01.000 --> 00:00:03.500
<v Pewawancara>Bagaimana awalnya?

2
00:00:04.000 --> 00:00:06.000
<v Korban>Saya lihat iklan kerja

3
00:00:06.000 --> 00:00:08.250
<v Korban>di media sosial.

4
00:01:00.000 --> 00:01:02.000
<v Pewawancara>Lalu?
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
Pewawancara: Bagaimana awalnya?

2
00:00:03,500 --> 00:00:05,000
Korban: Saya lihat iklan

3
00:00:05,000 --> 00:00:07,000
kerja di media sosial.
"""


def test_vtt_cues_merge_into_turns_with_times(write):
    doc, ps = load_document(write("k.vtt", VTT))
    check_offsets(doc, ps)
    assert [(p.speaker, p.text, p.time_start, p.time_end) for p in ps] == [
        ("Pewawancara", "Bagaimana awalnya?", 1.0, 3.5),
        ("Korban", "Saya lihat iklan kerja di media sosial.", 4.0, 8.25),
        ("Pewawancara", "Lalu?", 60.0, 62.0),
    ]
    assert doc.text.startswith("Pewawancara: Bagaimana awalnya?\n\nKorban: Saya")
    assert ps[0].role == "interviewer" and ps[1].role == "informant"


def test_srt_name_prefixes(write):
    doc, ps = load_document(write("k.srt", SRT))
    check_offsets(doc, ps)
    assert [(p.speaker, p.text, p.time_start, p.time_end) for p in ps] == [
        ("Pewawancara", "Bagaimana awalnya?", 1.0, 3.0),
        ("Korban", "Saya lihat iklan kerja di media sosial.", 3.5, 7.0),
    ]


def test_vtt_without_header_is_refused(write):
    with pytest.raises(LoadError, match="WEBVTT"):
        load_document(write("k.vtt", SRT))


def test_csv_rows_with_guessed_columns(write):
    csv_text = "no;pembicara;teks\n1;Pewawancara;Apa yang terjadi?\n2;Korban;Saya ditipu.\n3;Korban;\n"
    doc, ps = load_document(write("k.csv", csv_text))
    check_offsets(doc, ps)
    assert [(p.speaker, p.role, p.text) for p in ps] == [
        ("Pewawancara", "interviewer", "Apa yang terjadi?"), ("Korban", "informant", "Saya ditipu."),
    ]
    assert doc.metadata["row_ids"] == {"k.csv#p1": "1", "k.csv#p2": "2"}


def test_csv_configured_columns_and_missing_column(write):
    path = write("s.csv", "who,answer,other\nAna,Saya takut,x\n")
    doc, ps = load_document(path, text_column="answer", speaker_column="who")
    assert (ps[0].speaker, ps[0].text) == ("Ana", "Saya takut")
    with pytest.raises(LoadError, match="'jawaban' is not in the header"):
        load_document(path, text_column="jawaban")
    with pytest.raises(LoadError, match="cannot tell which column"):
        load_document(write("t.csv", "a,b\nx,y\n"))


def test_xlsx_rows(write):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Speaker", "Utterance"])
    ws.append(["Interviewer", "What happened?"])
    ws.append(["Respondent", "They took my phone."])
    ws.append([None, None])
    buf = io.BytesIO()
    book.save(buf)
    doc, ps = load_document(write("r.xlsx", buf.getvalue()))
    check_offsets(doc, ps)
    assert [(p.speaker, p.role, p.text) for p in ps] == [
        ("Interviewer", "interviewer", "What happened?"), ("Respondent", "informant", "They took my phone."),
    ]
    assert doc.text == "Interviewer: What happened?\n\nRespondent: They took my phone."


def test_document_attributes(write):
    path = write("a.txt", TRANSCRIPT_ID)
    doc, _ = load_document(path, source_type="interview", informant_group="victim", case_id="K01",
                           title="Korban 1", metadata={"wave": 2})
    assert (doc.source_type, doc.informant_group, doc.case_id, doc.title) == (
        "interview", "victim", "K01", "Korban 1")
    assert doc.metadata["wave"] == 2 and doc.metadata["format"] == "txt"
    import hashlib

    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.source_path == str(path.resolve())

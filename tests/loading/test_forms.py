"""Fill-in forms (the intake form): fields with value offsets, sections, free text."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.loading import load_document
from qualkit.loading.forms import looks_like_form, parse_form

from loading_helpers import TRANSCRIPT_ID, check_offsets

INTAKE = """FORMULIR DATA DAN KRONOLOGI KASUS

A. DATA PRIBADI KORBAN
Nama : Sari Contoh
NIK : 3201000000000001
Tempat/Tgl Lahir : Indramayu, 01-01-1995
Alamat : Desa Contoh RT 01 RW 02
No. HP : 081200000000
Jenis Pekerjaan : Operator daring (scam)

B. KONTAK KELUARGA
Nama : Budi Contoh
Hubungan : Kakak
No. HP : 081300000000

C. KRONOLOGI
Korban mendapat tawaran kerja di industri digital luar negeri lewat media sosial.
Setelah tiba, paspor disita dan korban dipaksa menipu.

Keluarga melapor ke kantor pada 5 Januari 2024.

D. LAMPIRAN
[x] Foto profil
[ ] Foto KTP
[x] Lokasi korban

Keterangan tambahan : korban takut dan ponselnya disita oleh pelaku sejak bulan lalu
Dibuat oleh : Staf Pendamping
"""


def test_intake_form_fields_sections_and_passages(write):
    doc, ps = load_document(write("dokumen/intake.txt", INTAKE))
    check_offsets(doc, ps)
    assert doc.field("NIK") == "3201000000000001"
    assert doc.field("tempat/tgl lahir") == "Indramayu, 01-01-1995"
    for f in doc.fields:
        assert doc.text[f.start : f.end] == f.value
    by_label = [(f.section, f.label) for f in doc.fields]
    assert ("A. DATA PRIBADI KORBAN", "Nama") in by_label and ("B. KONTAK KELUARGA", "Nama") in by_label
    checks = {f.label: f.value for f in doc.fields if f.section == "D. LAMPIRAN" and f.label[0] in "FL"}
    assert checks == {"Foto profil": "x", "Foto KTP": "", "Lokasi korban": "x"}
    paragraphs = [(p.section, p.text) for p in ps if p.unit == "paragraph"]
    assert paragraphs[0][0] == "C. KRONOLOGI" and paragraphs[0][1].startswith("Korban mendapat tawaran")
    assert paragraphs[1] == ("C. KRONOLOGI", "Keluarga melapor ke kantor pada 5 Januari 2024.")
    long_fields = [p for p in ps if p.unit == "field"]
    assert [p.text for p in long_fields] == ["korban takut dan ponselnya disita oleh pelaku sejak bulan lalu"]
    assert [p.id for p in ps] == [f"intake.txt#p{i}" for i in range(1, len(ps) + 1)]


def test_form_detection():
    assert looks_like_form(INTAKE)
    assert not looks_like_form(TRANSCRIPT_ID)
    assert not looks_like_form("Catatan: keluarga datang ke kantor pada pagi hari dan bercerita panjang.\n" * 5)


def test_form_detection_reads_an_empty_interviewer_field_before_text_as_a_heading():
    # "Pewawancara :" with no value, followed by free text, is a section heading, not a turn
    form = INTAKE.replace("C. KRONOLOGI\n", "Pewawancara :\n")
    assert looks_like_form(form)
    assert not looks_like_form(form.replace("Pewawancara :\n", "Pewawancara : Bagaimana awalnya?\n"))


def test_manifest_flag_forces_or_forbids_form(write):
    path = write("f.txt", INTAKE)
    doc, _ = load_document(path, form=False)
    assert doc.fields == ()
    short = write("s.txt", "Nama: Sari\n\nCerita panjang tentang kasus ini dan keluarganya.")
    doc, ps = load_document(short, form=True)
    assert doc.field("Nama") == "Sari" and ps[0].unit == "paragraph"


def test_docx_form_table(write):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("A. DATA PRIBADI KORBAN")
    table = d.add_table(rows=4, cols=2)
    for i, (k, v) in enumerate([("Nama", "Sari"), ("NIK", "3201"), ("Alamat", "Desa X"), ("Usia", "29")]):
        table.cell(i, 0).text, table.cell(i, 1).text = k, v
    buf = io.BytesIO()
    d.save(buf)
    doc, ps = load_document(write("f.docx", buf.getvalue()))
    assert [(f.section, f.label, f.value) for f in doc.fields][:2] == [
        ("A. DATA PRIBADI KORBAN", "Nama", "Sari"), ("A. DATA PRIBADI KORBAN", "NIK", "3201")]


LABELS = st.sampled_from(["Nama", "NIK", "Alamat", "No. HP", "Tempat/Tgl Lahir", "Hubungan", "Agama"])
# a value starting with "//" right after the colon reads as a URL ("http://"), not a field
VALUES = st.text(alphabet=st.sampled_from(list("abc 12:-/.")), max_size=30).filter(
    lambda v: not v.startswith("//"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(LABELS, VALUES), min_size=1, max_size=10), st.sampled_from([" : ", ": ", ":"]))
def test_field_value_offsets_property(rows, sep):
    text = "A. DATA\n" + "\n".join(f"{k}{sep}{v}" for k, v in rows)
    fields, passages = parse_form("f", text)
    assert [f.label for f in fields] == [k for k, _ in rows]
    for f, (_, v) in zip(fields, rows):
        assert text[f.start : f.end] == f.value == v.strip()
    for p in passages:
        assert text[p.start : p.end] == p.text

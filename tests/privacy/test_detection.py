"""Redaction finds what real files hold (recall) and only that (precision): the examples
of issue 17, written as synthetic data."""

from __future__ import annotations

import re

import pytest

from qualkit.corpus import Corpus, Document, Passage
from qualkit.privacy import Redactor


def _doc(text: str, *, labels: bool = True, **extra) -> Corpus:
    """One document; with ``labels`` each ``Label: text`` line is a passage with that speaker."""
    doc = Document(id="f.txt", text=text, **extra)
    passages, pos = [], 0
    for n, line in enumerate(text.split("\n")):
        label, sep, rest = line.partition(": ")
        if labels and sep and 0 < len(label) < 30:
            start = pos + len(label) + 2
            passages.append(Passage(doc_id="f.txt", id=f"f.txt#p{n}", start=start, end=start + len(rest),
                                    speaker=label.strip("*"), role="informant").with_text(doc))
        pos += len(line) + 1
    return Corpus(documents=(doc,), passages=tuple(passages))


def _redacted(text: str, **kwargs) -> str:
    corpus = _doc(text, **{k: v for k, v in kwargs.items() if k in ("labels", "metadata")})
    options = {k: v for k, v in kwargs.items() if k not in ("labels", "metadata")}
    return Redactor(**options).fit(corpus).transform(corpus).documents[0].text


def _leaks(secret: str, text: str) -> bool:
    return re.search(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("text, secrets", [
    ("ANI: saya takut\nP: kenapa?", ["ANI"]),
    ("yanti: iya betul\nP: lalu?", ["yanti"]),
    ("**K (Kiki):** halo semua\nP: halo", ["Kiki"]),
    ("Korban (Wartini): ya pak\nP: baik", ["Wartini"]),
])
def test_speaker_labels(text, secrets):
    out = _redacted(text)
    assert not [s for s in secrets if _leaks(s, out)], out


def test_a_label_used_once_in_a_file_the_loader_did_not_split():
    out = _redacted("Catatan wawancara\nDarmaji: saya sudah pulang.\nSelesai.", labels=False)
    assert "Darmaji" not in out


@pytest.mark.parametrize("text, secret", [
    ("lalu pak Darto datang", "Darto"), ("yang datang BU SUKESIH sendiri", "SUKESIH"),
    ("kata Pak SLAMET begitu", "SLAMET"), ("Namanya Heru. Dia baik.", "Heru"),
    ("namanya andre, orangnya baik", "andre"), ("Nama saya Asep dari Garut", "Asep"),
    ("biasa dipanggil Yuli di kampung", "Yuli"), ("My name is Wartono and I work", "Wartono"),
    ("I'm called Sukarjo by friends", "Sukarjo"),
])
def test_titles_and_introductions_in_any_case(text, secret):
    out = _redacted(text, labels=False)
    assert not _leaks(secret, out), out


def test_form_fields_of_any_case_and_length_and_continuation_lines():
    text = ("DATA KORBAN\nNama : siti aminah\nNama Ayah : Raden Mas Bagus Sukarjo Wiryo Atmojo\n"
            "Alamat : Dusun Krajan\n   Desa Sumberagung, Kec. Ngawen\nNo. HP : 0812 3456 7819\n"
            "Lahir : 12 Mei 1990\nTempat & Tgl Lahir : Cirebon, 1 Mei 1990\nUmur/Tgl Lahir : 30 / 01-01-1994\n"
            "Kronologi : siti berangkat tahun 2019.")
    out = _redacted(text, labels=False)
    for secret in ("aminah", "Sukarjo", "Atmojo", "Krajan", "Sumberagung", "Ngawen", "3456",
                   "12 Mei 1990", "Cirebon", "1994"):
        assert secret not in out, (secret, out)
    assert "tahun 2019" in out and "Kronologi" in out


@pytest.mark.parametrize("number", [
    "3201234567890014", "3201  2345  6789  0014", "3201/2345/6789/0014", "3201\u00a02345\u00a06789\u00a00014",
    "3201 2345 6789\n0014", "NIK3201234567890014", "3 | 2 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 0 | 0 | 1 | 4",
    "0812\u00a03456\u00a07819", "0812\u20133456\u20137819", "0812 - 3456 - 7819", "0062 812 3456 7819",
    "+62 812-3456-7819", "81234567819", "C-1234569", "c1234568", "rekening BRI 0123-4567-8901",
    "No. Rek 1234567890", "account no. 12345678901",
])
def test_numbers_with_any_separators(number):
    out = _redacted(f"datanya {number} ya", labels=False)
    assert not re.search(r"\d{3}", out.replace("BRI", "")), out


@pytest.mark.parametrize("address", ["Jl.Kenanga No.7", "JL. MAWAR NO. 9", "jalan Merpati No. 3",
                                     "Jl. Melati No. 12, RT 003/RW 005, Kel. Sukamaju"])
def test_addresses_in_any_case(address):
    out = _redacted(f"rumahnya di {address} dekat pasar", labels=False)
    assert "[ADDRESS]" in out and not re.search(r"\d", out), out


def test_undeclared_names_in_running_text_and_headings():
    out = _redacted("Kakaknya Yuliani tinggal di kota.\nAyah: Sutrisno Hadi\nANDIKA PRATAMA\nLaporan kasus.",
                    labels=False)
    for secret in ("Yuliani", "Sutrisno", "Hadi", "ANDIKA", "PRATAMA"):
        assert secret not in out, (secret, out)


def test_village_from_a_manifest_column():
    out = _redacted("Saya lahir di Sukamaju Kidul, lalu pindah.", labels=False,
                    metadata={"desa": "Sukamaju Kidul"})
    assert "Sukamaju" not in out and "[ADDRESS]" in out


# -- precision ----------------------------------------------------------------------------------
ENGLISH = (
    "INTERVIEWER: So what was the game?\n"
    "MODERATOR: Please go on.\n"
    "TASK SHEET: Doing the right task on the sheet matters.\n"
    "Q: And then?\n"
    "A: It's called One Across. One day one of them will say that we may hope for grace, "
    "and mark my words, the rose and the bill were on the table. Frankly, everyone agreed.\n"
    "Saudara: terima kasih."
)


def test_english_text_and_role_labels_are_left_as_they_are():
    corpus = _doc(ENGLISH)
    r = Redactor().fit(corpus)
    assert r.names_.empty, r.names_
    assert r.transform(corpus).documents[0].text == ENGLISH


def test_a_common_word_that_is_also_a_name_part_is_kept_in_lower_case():
    out = _redacted("Indah Permata: rumahnya indah sekali, kata Indah.")
    assert out.startswith("Participant 1: rumahnya indah sekali, kata Participant 1.")


def test_allow_and_deny_lists():
    text = "Pak Darto bertemu Mawar Lestari di Yayasan Melati."
    out = Redactor(allow=["Darto"], deny=["Mawar Lestari"]).fit(_doc(text, labels=False)).redact_text(text)
    assert "Darto" in out and "Mawar" not in out and "Lestari" not in out


def test_numbered_lines_and_ordinary_numbers_are_not_id_numbers():
    text = "Figure\n" + "\n".join(str(i) for i in range(1, 40)) + "\nUU 21/2007, gaji 15.000.000 rupiah, 120 orang."
    assert _redacted(text, labels=False) == text

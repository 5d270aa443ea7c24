"""Bad input: each case raises LoadError naming the file and saying what to do; a folder
load records it in corpus.problems and goes on."""

from __future__ import annotations

import pytest

import qualkit
from qualkit.errors import LoadError
from qualkit.loading import load_document

CASES = {
    "empty.txt": (b"", "empty"),
    "blank.md": (b"  \n\n \t", "empty"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "binary data"),
    "broken.docx": (b"PK\x03\x04 not really a zip", "not a readable Word"),
    "broken.pdf": (b"%PDF-1.4\n1 0 obj garbage", "not a readable PDF"),
    "broken.xlsx": (b"this is no workbook", "not a readable Excel"),
    "broken.odt": (b"PK nothing", "not a readable OpenDocument"),
    "slides.pptx": (b"whatever", "unsupported file type"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_raises_load_error_with_hint(write, name):
    data, message = CASES[name]
    with pytest.raises(LoadError, match=message) as info:
        load_document(write(name, data))
    assert name in str(info.value) and "What to do" in str(info.value)


def test_folder_records_problems_and_goes_on(write, tmp_path):
    for name, (data, _) in CASES.items():
        write(f"bad/{name}", data)
    write("good.txt", "Keluarga korban melapor ke kantor kami.")
    corpus = qualkit.load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["good.txt"]
    skipped = {p.path for p in corpus.problems if p.skipped}
    assert skipped == {f"bad/{name}" for name in CASES}


def test_missing_file(tmp_path):
    with pytest.raises(LoadError, match="not found"):
        load_document(tmp_path / "nope.txt")

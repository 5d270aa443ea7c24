"""``qualkit import`` and ``qualkit analyze --codings`` (synthetic study, made-up text)."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

import qualkit
from qualkit import cli
from qualkit.exchange import read_folder

TEXT = ("I: How did you come to work there?\n\nR: A recruiter promised a job in a hotel.\n\n"
        "I: What happened then?\n\nR: They took my passport and I was afraid to leave.\n")
BOOK_YAML = """name: synthetic
languages: [en]
codes:
  - id: deception
    name: Deception
    cues: [{pattern: promised, lang: en}]
  - id: fear
    name: Fear
    cues: [{pattern: afraid, lang: en}]
"""


@pytest.fixture()
def study(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "interview_01.txt").write_text(TEXT, encoding="utf-8")
    (data / "interview_02.txt").write_text(TEXT.replace("hotel", "restaurant"), encoding="utf-8")
    export = tmp_path / "highlights.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "document", "tag", "content"],
                                 ["1", "interview_01.txt", "Deception", "promised a job in a hotel"],
                                 ["2", "interview_01.txt", "Fear", "I was afraid to leave"],
                                 ["3", "interview_02.txt", "Fear", "took my passport"],
                                 ["4", "interview_03.txt", "Fear", "not in any document"]])
    return data, export


def test_import_writes_the_folder_and_reports_what_it_could_not_place(study, tmp_path, capsys):
    data, export = study
    out = tmp_path / "imported"
    assert cli.main(["import", str(export), "--corpus", str(data), "--out", str(out), "--no-redact"]) == 1
    assert "1 segment(s) could not be placed" in capsys.readouterr().err
    report = pd.read_csv(out / "import_report.csv")
    assert report.document.tolist() == ["interview_03.txt"]
    corpus, book, codings = read_folder(out)
    assert [d.id for d in corpus.documents] == ["interview_01.txt", "interview_02.txt"]
    assert corpus.document("interview_01.txt").text == TEXT
    assert {c.name for c in book.codes} == {"Deception", "Fear"}
    for row in codings.itertuples():
        assert corpus.document(row.doc_id).text[row.start:row.end] in (
            "promised a job in a hotel", "I was afraid to leave", "took my passport")


def test_analyze_codings_gives_the_tables_of_analyze_in_python(study, tmp_path, capsys):
    data, export = study
    imported, out = tmp_path / "imported", tmp_path / "out"
    cli.main(["import", str(export), "--corpus", str(data), "--out", str(imported), "--no-redact"])
    code = cli.main(["analyze", str(imported), "--codebook", str(imported / "codebook.yaml"),
                     "--codings", str(imported / "codings.csv"), "--out", str(out), "--no-redact"])
    assert code == 0, capsys.readouterr().err
    corpus, book, codings = read_folder(imported)
    expected = qualkit.analyze(corpus, book, codings=codings, redact=False)
    compared = 0
    for name, table in expected.tables().items():
        path = out / f"{name}.csv"
        if not path.is_file():
            continue
        mine = pd.read_csv(path, keep_default_na=False)
        theirs = pd.read_csv(io.StringIO(table.to_csv(index=False)), keep_default_na=False)
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
        compared += 1
    assert compared >= 5
    assert len(pd.read_csv(out / "codings.csv")) == len(codings)


def test_analyze_codings_with_auto_adds_the_auto_coder(study, tmp_path):
    data, export = study
    imported, out = tmp_path / "imported", tmp_path / "out"
    cli.main(["import", str(export), "--corpus", str(data), "--out", str(imported), "--no-redact"])
    (tmp_path / "book.yaml").write_text(BOOK_YAML, encoding="utf-8")
    code = cli.main(["analyze", str(imported), "--codebook", str(tmp_path / "book.yaml"),
                     "--codings", str(imported / "codings.csv"), "--auto", "--out", str(out), "--no-redact"])
    assert code == 0
    coders = set(pd.read_csv(out / "codings.csv").coder)
    assert "auto" in coders and len(coders) == 2


def test_import_a_codebook_csv_and_refuse_auto_alone(tmp_path, capsys):
    path = tmp_path / "codebook.csv"
    path.write_text("tag,description,number of highlights\nFear,Being afraid,3\n", encoding="utf-8")
    assert cli.main(["import", str(path), "--out", str(tmp_path / "cb")]) == 0
    assert qualkit.load_codebook(tmp_path / "cb" / "codebook.yaml").code("fear").description == "Being afraid"
    assert cli.main(["analyze", str(tmp_path), "--codebook", str(path), "--out", str(tmp_path / "o"), "--auto"]) == 2

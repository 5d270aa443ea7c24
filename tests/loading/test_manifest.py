"""The manifest: csv and yaml, defaults, missing files, bad rows, folder walking."""

from __future__ import annotations

import pytest

import qualkit
from qualkit.errors import LoadError, ManifestError
from qualkit.loading import read_manifest

from loading_helpers import TRANSCRIPT_ID

NOTES = "Keluarga korban datang ke kantor dan kami mencatat kronologi kasus."


def test_csv_manifest_sets_attributes_and_keeps_extra_columns(write, tmp_path):
    write("wawancara/k01.txt", TRANSCRIPT_ID)
    write("catatan.txt", NOTES)
    write("manifest.csv",
          "file,source_type,informant_group,case_id,language,interviewer,wave\n"
          "wawancara/k01.txt,interview,victim,K01,id,Pewawancara,1\n"
          "catatan.txt,observation,,K01,,,2\n")
    corpus = qualkit.load_corpus(tmp_path)
    docs = {d.id: d for d in corpus.documents}
    assert set(docs) == {"wawancara/k01.txt", "catatan.txt"}
    k01 = docs["wawancara/k01.txt"]
    assert (k01.source_type, k01.informant_group, k01.case_id, k01.language) == ("interview", "victim", "K01", "id")
    assert k01.metadata["wave"] == "1"
    assert docs["catatan.txt"].source_type == "observation" and docs["catatan.txt"].informant_group is None
    assert corpus.problems == ()
    frame = corpus.documents_frame()
    assert "wave" in frame.columns


def test_yaml_manifest_forms(write, tmp_path):
    write("a.txt", TRANSCRIPT_ID)
    write("b.txt", NOTES)
    write("manifest.yaml", "files:\n  - file: a.txt\n    source_type: interview\n    informant_group: family\n"
                           "  - file: b.txt\n    source_type: document\n")
    corpus = qualkit.load_corpus(tmp_path)
    assert corpus.document("a.txt").informant_group == "family"
    mapping = tmp_path / "m.yml"
    mapping.write_text("a.txt: {source_type: interview, case_id: K9}\n")
    assert read_manifest(mapping).get("a.txt").case_id == "K9"
    plain = tmp_path / "list.yaml"
    plain.write_text("- file: a.txt\n  form: yes\n")
    assert read_manifest(plain).get("a.txt").form is True


def test_defaults_without_manifest_are_reported(write, tmp_path):
    write("wawancara/k01.txt", TRANSCRIPT_ID)
    write("observasi/o1.txt", NOTES)
    write("dokumen/d1.txt", NOTES)
    write("lain/x.txt", "This is an English note about the case and the family.")
    corpus = qualkit.load_corpus(tmp_path)
    types = {d.id: d.source_type for d in corpus.documents}
    assert types == {"wawancara/k01.txt": "interview", "observasi/o1.txt": "observation",
                     "dokumen/d1.txt": "document", "lain/x.txt": "document"}
    assert corpus.document("lain/x.txt").language == "en"
    assert [(p.path, p.skipped) for p in corpus.problems] == [(".", False)]
    assert "no manifest" in corpus.problems[0].message


def test_unlisted_and_missing_files_are_reported(write, tmp_path):
    write("a.txt", NOTES)
    write("extra.txt", NOTES)
    write("manifest.csv", "file,source_type\na.txt,document\ngone.txt,interview\n")
    corpus = qualkit.load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["a.txt"]
    problems = {p.path: p for p in corpus.problems}
    assert problems["gone.txt"].skipped and "not found" in problems["gone.txt"].message
    extra = problems["extra.txt"]
    assert extra.skipped and extra.by_rule and "not listed in the manifest" in extra.message
    assert "include_unlisted=True" in extra.message
    every = qualkit.load_corpus(tmp_path, include_unlisted=True)
    assert [d.id for d in every.documents] == ["a.txt", "extra.txt"]
    problems = {p.path: p for p in every.problems}
    assert not problems["extra.txt"].skipped and "not in the manifest" in problems["extra.txt"].message


def test_the_study_file_beside_the_manifest_is_not_a_source(write, tmp_path):
    write("a.txt", NOTES)
    write("manifest.csv", "file,source_type\na.txt,document\n")
    write("study.yaml", "title: synthetic test study\n")
    write("notes/study.yaml", "a source that happens to have this name\n")
    for corpus in (qualkit.load_corpus(tmp_path), qualkit.load_corpus(tmp_path, include_unlisted=True)):
        assert "study.yaml" not in {p.path for p in corpus.problems}
        assert "study.yaml" not in {d.id for d in corpus.documents}
    assert "notes/study.yaml" in {p.path for p in qualkit.load_corpus(tmp_path).problems}


def test_bad_manifest_names_row_and_column(write, tmp_path):
    write("a.txt", NOTES)
    write("manifest.csv", "file,source_type,language,form\na.txt,inter view,indonesian,maybe\n,document,,\n")
    with pytest.raises(ManifestError) as info:
        qualkit.load_corpus(tmp_path)
    message = str(info.value)
    assert "line 2, column 'source_type'" in message and "'inter view'" in message
    assert "column 'language'" in message and "column 'form'" in message
    assert "line 3, column 'file'" in message
    assert isinstance(info.value, LoadError)


def test_manifest_without_file_column_and_duplicate_rows(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text("path,source_type\na.txt,document\n")
    with pytest.raises(ManifestError, match="no 'file' column"):
        read_manifest(bad)
    dup = tmp_path / "d.csv"
    dup.write_text("file\na.txt\na.txt\n")
    with pytest.raises(ManifestError, match="listed twice"):
        read_manifest(dup)
    yaml_bad = tmp_path / "b.yaml"
    yaml_bad.write_text("- file: a.txt\n  source_type: [unclosed\n")
    with pytest.raises(ManifestError, match="not valid YAML"):
        read_manifest(yaml_bad)


def test_manifest_as_dataframe_and_given_path(write, tmp_path):
    import pandas as pd

    write("a.txt", TRANSCRIPT_ID)
    corpus = qualkit.load_corpus(tmp_path, pd.DataFrame([{"file": "a.txt", "source_type": "interview",
                                                         "case_id": "K1"}]))
    assert corpus.document("a.txt").case_id == "K1"
    other = tmp_path.parent / f"{tmp_path.name}_manifest.csv"
    other.write_text("file,source_type,interviewer\na.txt,interview,Korban\n")
    corpus = qualkit.load_corpus(tmp_path, other)
    assert {p.speaker: p.role for p in corpus}["Korban"] == "interviewer"


def test_hidden_readme_manifest_skipped_and_readme_loaded_when_listed(write, tmp_path):
    write("a.txt", NOTES)
    write(".hidden.txt", NOTES)
    write(".git/config.txt", NOTES)
    write("README.md", "# About\n\nThis folder holds the study data.")
    write("manifest.csv", "file,source_type\na.txt,document\n")
    corpus = qualkit.load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["a.txt"]
    write("manifest.csv", "file,source_type\na.txt,document\nREADME.md,document\n")
    corpus = qualkit.load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["README.md", "a.txt"]


def test_load_corpus_on_one_file_and_sentences(write):
    path = write("k01.txt", TRANSCRIPT_ID)
    corpus = qualkit.load_corpus(path, unit="sentence")
    assert corpus.unit == "sentence"
    assert [p.text for p in corpus][1:3] == ["Saya melihat lowongan kerja di media sosial.", "Gajinya besar."]
    assert corpus.passages[1].parent_id == "k01.txt#p2"
    with pytest.raises(ValueError, match="'unit' parameter"):
        qualkit.load_corpus(path, unit="word")
    with pytest.raises(LoadError, match="no such file"):
        qualkit.load_corpus(path.parent / "nope")


def test_sources_are_not_modified(write, tmp_path):
    path = write("k.txt", TRANSCRIPT_ID.replace("\n", "\r\n"))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    qualkit.load_corpus(tmp_path, unit="sentence")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before

"""Input stays inside its folder, and nothing in it is left out silently."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

import qualkit
from qualkit import cli

NOTES = "Catatan lapangan. Rapat koordinasi berjalan baik."


def problems(corpus):
    return {p.path: p for p in corpus.problems}


def test_manifest_rows_outside_the_folder_are_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "secret.txt").write_text("Rahasia orang lain.")
    (data / "a.txt").write_text(NOTES)
    (data / "manifest.csv").write_text(
        f"file,source_type\na.txt,document\n../secret.txt,document\n{tmp_path / 'secret.txt'},document\n")
    corpus = qualkit.load_corpus(data)
    assert [d.id for d in corpus.documents] == ["a.txt"]
    found = problems(corpus)
    for key in ("../secret.txt", str(tmp_path / "secret.txt")):
        assert found[key].skipped and not found[key].by_rule
        assert "outside the data folder" in found[key].message and "--follow-links" in found[key].message
    followed = qualkit.load_corpus(data, follow_links=True)
    assert sorted(d.id for d in followed.documents) == sorted(["a.txt", "../secret.txt", str(tmp_path / "secret.txt")])


def test_symbolic_links_leading_outside_are_refused(tmp_path):
    data, outside = tmp_path / "data", tmp_path / "elsewhere"
    data.mkdir()
    outside.mkdir()
    (outside / "private.txt").write_text("Data pribadi.")
    (data / "a.txt").write_text(NOTES)
    (data / "inside_link.txt").symlink_to(data / "a.txt")
    (data / "out.txt").symlink_to(outside / "private.txt")
    (data / "linked_folder").symlink_to(outside, target_is_directory=True)
    corpus = qualkit.load_corpus(data)
    assert sorted(d.id for d in corpus.documents) == ["a.txt", "inside_link.txt"]
    found = problems(corpus)
    assert "outside the data folder" in found["out.txt"].message and found["out.txt"].skipped
    assert "symbolic link to a folder" in found["linked_folder/"].message
    followed = qualkit.load_corpus(data, follow_links=True)
    assert sorted(d.id for d in followed.documents) == ["a.txt", "inside_link.txt", "linked_folder/private.txt", "out.txt"]


def test_a_link_loop_is_not_followed_forever(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(NOTES)
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    corpus = qualkit.load_corpus(tmp_path, follow_links=True)
    assert [d.id for d in corpus.documents] == ["sub/a.txt"]
    assert "loops back" in problems(corpus)["sub/loop/"].message


def test_nfd_file_name_matches_an_nfc_manifest_row(tmp_path):
    nfc = unicodedata.normalize("NFC", "wawancara_José.txt")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    (tmp_path / nfd).write_text("P: Halo?\nI: Saya takut.\nP: Kenapa?\nI: Diancam.")
    (tmp_path / "manifest.csv").write_text(f"file,source_type,informant_group\n{nfc},interview,victim\n",
                                           encoding="utf-8")
    corpus = qualkit.load_corpus(tmp_path)
    assert [(d.id, d.informant_group) for d in corpus.documents] == [(nfc, "victim")]
    assert not corpus.problems


def test_hidden_tool_and_unlisted_files_are_listed_never_silent(tmp_path):
    for rel in ("a.txt", ".DS_Store", "~$draft.docx", ".git/config", "__MACOSX/a.txt", "__pycache__/x.txt",
                "README.md", "notes/extra.txt"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(NOTES)
    corpus = qualkit.load_corpus(tmp_path)
    assert sorted(d.id for d in corpus.documents) == ["a.txt", "notes/extra.txt"]
    found = problems(corpus)
    for key in (".DS_Store", "~$draft.docx", ".git/", "__MACOSX/", "__pycache__/", "README.md"):
        assert found[key].skipped and found[key].by_rule, key
    (tmp_path / "manifest.csv").write_text("file,source_type\na.txt,document\n__MACOSX/a.txt,document\n")
    listed = qualkit.load_corpus(tmp_path)
    assert sorted(d.id for d in listed.documents) == ["__MACOSX/a.txt", "a.txt"]  # the manifest decides
    assert "not listed in the manifest" in problems(listed)["notes/extra.txt"].message


def test_an_unreadable_folder_is_reported(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(NOTES)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(NOTES)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # tests run as root, where chmod does not lock
    corpus = qualkit.load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["a.txt"]
    problem = problems(corpus)["locked/"]
    assert problem.skipped and not problem.by_rule and "cannot read this folder" in problem.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their permissions")
def test_an_unreadable_folder_on_disk_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text(NOTES)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(NOTES)
    (tmp_path / "locked").chmod(0)
    try:
        corpus = qualkit.load_corpus(tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert "cannot read this folder" in problems(corpus)["locked/"].message


def test_cli_notes_unlisted_files_and_warns_about_transcripts_without_informants(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "interviews").mkdir(parents=True)
    (data / "interviews" / "a.txt").write_text("MODERATOR: Task one?\n\nI clicked it.\n\nMODERATOR: Next.\n\nDone.")
    (data / "tags.csv").write_text("id,tag\n1,x\n")
    (data / "manifest.csv").write_text("file,source_type,language\ninterviews/a.txt,interview,en\n")
    book = Path(__file__).resolve().parents[2] / "codebooks" / "migrant_care.yaml"
    argv = ["analyze", str(data), "--codebook", str(book), "--no-redact"]
    code = cli.main([*argv, "--out", str(tmp_path / "o1")])
    err = capsys.readouterr().err
    assert code == 0 and "tags.csv: not listed in the manifest" in err
    assert "interviews/a.txt: no informant passages" in err
    args = cli.build_parser().parse_args([*argv, "--out", str(tmp_path / "o2"), "--interviewer", "MODERATOR"])
    corpus = qualkit.load_corpus(data, **cli._load_options(args))
    assert cli._role_warnings(corpus) == []


def test_self_referencing_links_are_listed_not_a_crash(tmp_path):
    (tmp_path / "a.txt").write_text(NOTES)
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "loopdir").symlink_to(tmp_path / "loopdir", target_is_directory=True)
    for follow in (False, True):
        corpus = qualkit.load_corpus(tmp_path, follow_links=follow)
        assert [d.id for d in corpus.documents] == ["a.txt"]
        found = problems(corpus)
        assert found["loop.txt"].skipped and found["loopdir"].skipped
        assert "loops" in found["loop.txt"].message and "loops" in found["loopdir"].message

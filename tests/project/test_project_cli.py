"""``qualkit analyze --project``: the project's accepted codings go through the analysis."""

from __future__ import annotations

import pandas as pd
from project_fixtures import TEXT_A

from qualkit import cli
from qualkit.project import Project


def _project(tmp_path, corpus, book) -> str:
    path = str(tmp_path / "study.qkproj")
    with Project.create(path, corpus, book) as project:
        start = TEXT_A.index("Saya takut")
        project.add_coding("interviews/a.txt", start, start + 10, "fear", coder="rina")
        start = TEXT_A.index("Pendamping")
        project.add_coding("interviews/a.txt", start, start + 10, "support", coder="budi")
        project.add_coding("interviews/a.txt", start, start + 10, "fear", coder="budi", status="rejected")
    return path


def test_analyze_project_writes_outputs_from_accepted_codings(tmp_path, corpus, book, capsys):
    path = _project(tmp_path, corpus, book)
    out = tmp_path / "out"
    assert cli.main(["analyze", "--project", path, "--out", str(out), "--no-redact"]) == 0
    printed = capsys.readouterr().out
    assert "2 accepted codings by 2 coder(s)" in printed
    codings = pd.read_csv(out / "codings.csv", keep_default_na=False)
    assert sorted(zip(codings["code_id"], codings["coder"])) == [("fear", "rina"), ("support", "budi")]


def test_analyze_project_redacts_by_default(tmp_path, corpus, book, capsys):
    path = _project(tmp_path, corpus, book)
    out = tmp_path / "out"
    assert cli.main(["analyze", "--project", path, "--out", str(out)]) == 0
    assert cli.mapping_path(out).is_file()
    assert "re-identification mapping" in capsys.readouterr().out


def test_analyze_project_usage_errors(tmp_path, corpus, book, capsys):
    empty = str(tmp_path / "empty.qkproj")
    Project.create(empty, corpus, book).close()
    assert cli.main(["analyze", "--project", empty, "--out", str(tmp_path / "o")]) == 2
    assert "no accepted codings" in capsys.readouterr().err
    assert cli.main(["analyze", "data", "--project", empty, "--out", str(tmp_path / "o")]) == 2
    assert "not both" in capsys.readouterr().err
    assert cli.main(["analyze", "--out", str(tmp_path / "o")]) == 2
    assert "DATA" in capsys.readouterr().err
    assert cli.main(["analyze", "--project", str(tmp_path / "none.qkproj"), "--out", str(tmp_path / "o")]) == 2
    assert "no such project file" in capsys.readouterr().err


def test_analyze_project_takes_imported_codings_as_human_coding(tmp_path, corpus, book, capsys):
    path = str(tmp_path / "study.qkproj")
    with Project.create(path, corpus, book) as project:
        frame = pd.DataFrame({"doc_id": ["interviews/a.txt"], "start": [3], "end": [9], "code_id": ["fear"]})
        project.add_codings(frame, coder="rina", status="accepted")
    out = tmp_path / "o"
    assert cli.main(["analyze", "--project", path, "--out", str(out)]) == 0
    codings = pd.read_csv(out / "codings.csv")
    assert list(codings["method"]) == ["imported"] and list(codings["coder"]) == ["rina"]

"""The qualkit command line: help, exit codes, analyze writing every output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import qualkit
from qualkit import cli
from qualkit.errors import LoadError

sys.path.insert(0, str(Path(__file__).resolve().parent / "outputs"))
from tiny_study import tiny_codebook, tiny_corpus  # noqa: E402  (the outputs tests' tiny study)


def test_help_lists_commands_examples_and_exit_codes(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in ("analyze", "demo", "codebook", "import", "agree", "examples:", "exit codes:",
                 "reidentification"):
        assert word in out
    assert cli.main(["analyze", "--help"]) == 0
    assert "--include-interviewer" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    assert cli.main([]) == 2
    assert cli.main(["analyze", "data"]) == 2  # --codebook and --out missing
    assert "--codebook" in capsys.readouterr().err
    assert cli.main(["agree", "x.csv", "--unit", "word"]) == 2


def test_missing_input_is_one_clear_line(capsys, tmp_path):
    code = cli.main(["analyze", str(tmp_path / "nope"), "--codebook", "x.yaml", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "no such data folder" in err and "Traceback" not in err


def test_qualkit_error_from_a_step_exits_2(monkeypatch, tmp_path, capsys):
    def broken(*args, **kwargs):
        raise LoadError("cannot decode file", path="interviews/a.txt", hint="save it as UTF-8")

    monkeypatch.setattr(cli.analyze, "load_codebook", lambda path: tiny_codebook())
    monkeypatch.setattr(cli.analyze, "load_corpus", broken)
    (tmp_path / "book.yaml").write_text("x")
    (tmp_path / "data").mkdir()
    code = cli.main(["analyze", str(tmp_path / "data"), "--codebook", str(tmp_path / "book.yaml"),
                     "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == "qualkit: error: interviews/a.txt: cannot decode file. What to do: save it as UTF-8"


def test_internal_error_exits_3(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli.analyze, "load_codebook", lambda path: 1 / 0)
    (tmp_path / "book.yaml").write_text("x")
    (tmp_path / "data").mkdir()
    code = cli.main(["analyze", str(tmp_path / "data"), "--codebook", str(tmp_path / "book.yaml"),
                     "--out", str(tmp_path / "o")])
    assert code == 3
    assert "internal error: ZeroDivisionError" in capsys.readouterr().err


@pytest.fixture()
def study_on_disk(tmp_path):
    """The tiny study written as files, with a manifest and its codebook saved as YAML."""
    corpus = tiny_corpus()
    root = tmp_path / "study"
    rows = ["file,source_type,informant_group,case_id,language"]
    for doc in corpus.documents:
        path = root / doc.id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc.text, encoding="utf-8")
        rows.append(f"{doc.id},{doc.source_type},{doc.informant_group or ''},{doc.case_id or ''},id")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    qualkit.save_codebook(tiny_codebook(), tmp_path / "tiny.yaml")
    return root, tmp_path / "tiny.yaml"


def test_analyze_writes_every_output_and_lists_it(study_on_disk, tmp_path, capsys):
    data, book = study_on_disk
    out = tmp_path / "out"
    code = cli.main(["analyze", str(data), "--codebook", str(book), "--out", str(out)])
    stdout = capsys.readouterr().out
    assert code == 0
    written = sorted(p for p in out.rglob("*") if p.is_file())
    names = {p.name for p in written}
    assert {"report.docx", "findings.xlsx", "factors.csv", "codings.csv", "passages.csv",
            "factors.png", "factors.svg", "qualkit-run.json"} <= names
    assert "stages.svg" not in names  # the tiny codebook has no stage facet: no empty chart
    for p in written:
        assert str(p) in stdout
    mapping = cli.mapping_path(out)
    if mapping.exists():  # redaction on: the mapping sits beside, never inside, the outputs
        assert mapping.parent == out.parent and str(mapping) in stdout


def test_skipped_files_give_exit_1(study_on_disk, tmp_path, capsys):
    data, book = study_on_disk
    (data / "interviews" / "broken.docx").write_bytes(b"not a zip")
    code = cli.main(["analyze", str(data), "--codebook", str(book), "--out", str(tmp_path / "o"),
                     "--no-redact", "--all-files"])  # the manifest does not list it
    err = capsys.readouterr().err
    assert code == 1
    assert "broken.docx" in err and "warnings" in err


def test_codebook_check_and_agree(study_on_disk, tmp_path, capsys):
    import pandas as pd

    from qualkit.coding.frame import codings_frame

    _, book = study_on_disk
    code = cli.main(["codebook", "check", str(book)])
    assert code in (0, 1) and capsys.readouterr().out.strip()
    rows = [{"passage_id": f"d#p{i}", "doc_id": "d", "code_id": "c", "start": 0, "end": 5,
             "method": "manual"} for i in range(4)]
    a = codings_frame([{**r, "coder": "ann"} for r in rows])
    b = codings_frame([{**r, "coder": "ben"} for r in rows[:3]])
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    assert cli.main(["agree", str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "percent_agreement" in out
    pd.DataFrame({"x": [1]}).to_csv(tmp_path / "bad.csv", index=False)
    assert cli.main(["agree", str(tmp_path / "bad.csv")]) == 2


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "qualkit", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("qualkit ")


def test_a_reader_that_closes_stdout_early_is_not_a_bug():
    """``qualkit ... | head -1``: the closed pipe ends the command quietly, not as exit 3."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-m", "qualkit", "codebook", "check",
                             str(root / "codebooks" / "migrant_care.yaml")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
    proc.stdout.readline()
    proc.stdout.close()  # as head does after its first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) in (0, 1)
    assert "internal error" not in err and "Traceback" not in err


def test_help_and_usage_errors_answer_without_loading_the_analysis_stack():
    """``qualkit --help`` and a usage error import argparse, not pandas or matplotlib."""
    probe = ("import sys\nfrom qualkit.cli import main\n"
             "codes = [main(['--help']), main(['agree']), main(['import', '--help'])]\n"
             "heavy = sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'sqlalchemy') if m in sys.modules)\n"
             "print(codes, heavy)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip().splitlines()[-1] == "[0, 2, 0] []", done.stderr[-2000:]


def test_a_wrong_import_format_lists_the_formats(tmp_path, capsys):
    export = tmp_path / "codings.csv"
    export.write_text("tag,text\nfear,synthetic text\n", encoding="utf-8")
    assert cli.main(["import", str(export), "--format", "nvivo", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "nvivo" in err and "maxqda-mex" in err and "refi-qdpx" in err

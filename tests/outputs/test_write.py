"""write_outputs is one transaction: staging, lock, manifest, swap; refusals before work;
what leaves is redacted and safe to open."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock
from tiny_study import tiny_codebook, tiny_codings, tiny_corpus

from qualkit.analysis import analyze
from qualkit.codebook.model import Example
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import ExportError
from qualkit.outputs import check_output_dir, mapping_path, write_outputs
from qualkit.outputs import write as write_module
from qualkit.outputs.write import MANIFEST_NAME

REPO = Path(__file__).resolve().parents[2]


def _manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))


def test_manifest_lists_every_file_with_its_hash_and_is_written_last(analysis, tmp_path):
    out = tmp_path / "out"
    paths = write_outputs(analysis, out)
    manifest = _manifest(out)
    files = {p.relative_to(out).as_posix() for p in paths} - {MANIFEST_NAME}
    assert set(manifest["files"]) == files
    import hashlib

    for name, meta in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == meta["sha256"]
    assert manifest["qualkit_version"] and len(manifest["corpus_sha256"]) == 64
    assert not list(tmp_path.glob(".out.*staging*")) and not list(tmp_path.glob(".out.previous*"))


def test_a_second_run_replaces_the_first_whole(analysis, tmp_path):
    out = tmp_path / "out"
    write_outputs(analysis, out)
    (out / "charts" / "stale.png").write_bytes(b"old")
    write_outputs(analysis, out, charts=False)
    assert not (out / "charts").exists()  # nothing of the first run is left
    assert set(_manifest(out)["files"]) == {p.relative_to(out).as_posix() for p in out.rglob("*")
                                            if p.is_file() and p.name != MANIFEST_NAME}


def test_a_folder_of_other_files_is_refused_unless_forced(analysis, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("my own work")
    with pytest.raises(ExportError, match="no qualkit run wrote"):
        write_outputs(analysis, out)
    assert (out / "thesis.docx").read_text() == "my own work"
    write_outputs(analysis, out, force=True)
    kept = list(tmp_path.glob("mine.replaced-*"))
    assert len(kept) == 1 and (kept[0] / "thesis.docx").read_text() == "my own work"
    assert (out / MANIFEST_NAME).is_file()


def test_output_inside_equal_to_or_around_the_data_or_working_folder_is_refused(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    for bad in (data, data / "out", tmp_path):
        with pytest.raises(ExportError, match="data folder"):
            check_output_dir(bad, data=data)
    monkeypatch.chdir(data)
    for bad in (".", "..", str(tmp_path)):
        with pytest.raises(ExportError, match="working directory"):
            check_output_dir(bad)
    with pytest.raises(ExportError, match="working directory"):
        check_output_dir("/")


def test_mapping_goes_beside_the_output_never_inside(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert mapping_path("out") == tmp_path / "out.reidentification.csv"
    assert mapping_path(".") == tmp_path.parent / f"{tmp_path.name}.reidentification.csv"
    assert mapping_path("..") == tmp_path.parent.parent / f"{tmp_path.parent.name}.reidentification.csv"
    for out in ("out", ".", ".."):
        assert Path(out).resolve() not in mapping_path(out).parents


def test_unwritable_output_is_found_before_any_work(tmp_path):
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with pytest.raises(ExportError, match="cannot create"):
            check_output_dir(blocker / "out")
        return
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="cannot create"):
            check_output_dir(locked / "out")
    finally:
        locked.chmod(0o700)


def test_a_concurrent_run_into_the_same_folder_refuses(analysis, tmp_path):
    out = tmp_path / "out"
    with FileLock(str(tmp_path / ".out.lock")):
        with pytest.raises(ExportError, match="another qualkit run"):
            write_outputs(analysis, out)
    assert not out.exists()
    write_outputs(analysis, out)  # the lock is free again


def test_a_failing_run_leaves_the_previous_output_intact(analysis, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_outputs(analysis, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write_module, "write_report", broken)
    with pytest.raises(OSError):
        write_outputs(analysis, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".out.staging-*"))


_KILLED_RUN = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from tiny_study import make_analysis
    import qualkit.outputs.write as w
    real = w.write_spreadsheet
    def slow(analysis, target):
        path = real(analysis, target)
        open({flag!r}, "w").close()
        time.sleep(60)
        return path
    w.write_spreadsheet = slow
    w.write_outputs(make_analysis(), {out!r})
""")


def test_kill_9_mid_run_leaves_the_old_output_intact(analysis, tmp_path):
    out, flag = tmp_path / "out", tmp_path / "flag"
    write_outputs(analysis, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    script = _KILLED_RUN.format(tests=str(Path(__file__).parent), flag=str(flag), out=str(out))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run never reached the spreadsheet"
            time.sleep(0.1)
        assert list(tmp_path.glob(".out.staging-*"))  # mid-run: the new output is staged
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    write_outputs(analysis, out)  # the next run cleans up after the killed one
    assert not list(tmp_path.glob(".out.staging-*"))


# -- what leaves --------------------------------------------------------------------------------
def _personal_analysis(text: str, *, example: str = "", memo: str = ""):
    corpus, book = tiny_corpus(), tiny_codebook()
    doc = Document(id="interviews/extra.txt", text=text, source_type="interview", informant_group="victim")
    passage = Passage(doc_id=doc.id, id=f"{doc.id}#p1", start=0, end=len(text), speaker="N",
                      role="informant").with_text(doc)
    corpus = Corpus(documents=(*corpus.documents, doc), passages=(*corpus.passages, passage))
    if example:
        first = book.codes[0]
        book = dataclasses.replace(book, codes=(dataclasses.replace(
            first, examples=(Example(text=example),), memo=memo), *book.codes[1:]))
    codings = tiny_codings(corpus, book)
    if memo:
        codings = codings.assign(memo=memo)
    return analyze(corpus, book, codings=codings, redact=True)


def _all_text(out: Path) -> str:
    parts = []
    for p in out.rglob("*"):
        if p.suffix in (".csv", ".json"):
            parts.append(p.read_text(encoding="utf-8"))
        elif p.suffix in (".docx", ".xlsx", ".qdpx", ".qdc"):
            if p.suffix == ".qdc":
                parts.append(p.read_text(encoding="utf-8"))
                continue
            with zipfile.ZipFile(p) as z:
                for name in z.namelist():
                    if name.endswith((".xml", ".qde", ".txt", ".qdc")):
                        parts.append(z.read(name).decode("utf-8", "replace"))
    return "\n".join(parts)


def test_codebook_examples_and_memos_are_redacted_in_every_export(tmp_path):
    result = _personal_analysis("Saya takut. Pak Darto bilang paspor ditahan.",
                                example="Kata Bu Sukesih: saya takut, HP 0812-3456-7819.",
                                memo="Catatan dari Pak Darto")
    out = tmp_path / "out"
    write_outputs(result, out, mapping=tmp_path / "out.reidentification.csv")
    blob = _all_text(out)
    for secret in ("Darto", "Sukesih", "3456-7819"):
        assert secret not in blob, secret
    summary = pd.read_csv(out / "redaction_summary.csv")
    assert list(summary.columns) == ["kind", "replacement", "count"]
    assert "Darto" not in summary.to_csv()
    assert "Darto" in (tmp_path / "out.reidentification.csv").read_text(encoding="utf-8")


def test_control_characters_never_reach_the_xml_outputs(tmp_path):
    from qualkit.exchange import read_qdpx

    result = _personal_analysis("Saya takut\x01 sekali\x08, paspor \x1b[31mditahan\x0b.",
                                example="contoh\x0c takut", memo="memo \x0b takut")
    out = tmp_path / "out"
    write_outputs(result, out)
    for name in ("report.docx", "findings.xlsx", "project.qdpx"):
        with zipfile.ZipFile(out / name) as z:
            for entry in (e for e in z.namelist() if not e.endswith((".png", ".svg", ".jpeg"))):
                data = z.read(entry)
                assert not any(b in data for b in (b"\x01", b"\x08", b"\x1b", b"\x0b", b"\x0c")), (name, entry)
    assert read_qdpx(out / "project.qdpx") is not None  # qualkit can read its own project back

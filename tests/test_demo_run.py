"""The demo end to end through the command line: privacy over every export, the files the
summary lists, reproducible CSVs, and an untouched input folder.

The pipeline runs once in-process through ``qualkit.cli.main`` (the Analysis it builds
is captured on its way to ``write_outputs``, for the HTML checks). A second redacted run
(for byte-identical CSVs) and an unredacted run (which proves that the privacy scan can
find the planted strings) run beside it in subprocesses, so the module stays fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from qualkit.cli import analyze as pipeline
from qualkit.cli import main, mapping_path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
BOOK = REPO / "codebooks" / "migrant_care.yaml"
PLANTED = REPO / "data" / "demo_planted_pii.txt"

_SEPARATORS = re.compile(r"(?<=\d)[\s.\-/()]+(?=\d)")
_BLOCK_END = re.compile(r"</(?:w:p|w:tc|a:p|si|c|is|row|text:p|p|div|td|th|li|tr)>|<w:tab/>|<w:br/>|<br\s*/?>")
_TAG = re.compile(r"<[^>]*>")


# -- the planted strings and the scan -------------------------------------------------------
def planted() -> list[str]:
    lines = PLANTED.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _is_number(value: str) -> bool:
    """Phone, NIK and KK numbers: mostly digits (passport numbers like C0001837 are words)."""
    digits = _digits(value)
    return len(digits) >= 7 and len(digits) >= 0.7 * len(re.sub(r"\s", "", value))


def _whole_word_in(needle: str, haystack: str) -> bool:
    """``needle`` occurs in ``haystack`` (both lower case, single-spaced) as a whole word:
    "agus" is found in "kata agus tadi", not in "agustus"."""
    at = haystack.find(needle)
    while at != -1:
        end = at + len(needle)
        before = haystack[at - 1] if at else " "
        after = haystack[end] if end < len(haystack) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        at = haystack.find(needle, at + 1)
    return False


def scan(texts: dict[str, str], strings: list[str]) -> list[tuple[str, str]]:
    """Every (planted string, where) found: names, addresses and e-mails as whole words
    (case-insensitive, any whitespace for a space), numbers also as bare digits once
    separators between digits are removed."""
    words = [(s, " ".join(s.split()).lower()) for s in strings]
    numbers = [(s, _digits(s)) for s in strings if _is_number(s)]
    found = []
    for where, text in texts.items():
        flat = " ".join(text.split()).lower()
        found += [(s, where) for s, needle in words if _whole_word_in(needle, flat)]
        squeezed = _SEPARATORS.sub("", flat)
        found += [(s, where) for s, digits in numbers if digits in squeezed]
    return found


def _xml_texts(name: str, data: bytes) -> list[str]:
    """An XML part as its extracted text (blocks separated) and as raw markup (attributes)."""
    raw = data.decode("utf-8", errors="replace")
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub(" ", raw)))
    return [text, html.unescape(raw)]


def export_texts(out: Path) -> dict[str, str]:
    """The text of every export in an output folder, by file (and zip part)."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if path.suffix in (".csv", ".svg", ".qdc"):
            raw = path.read_text(encoding="utf-8")
            texts[rel] = html.unescape(_TAG.sub(" ", raw)) if path.suffix != ".csv" else raw
            if path.suffix != ".csv":
                texts[rel + " (markup)"] = html.unescape(raw)
        elif path.suffix in (".docx", ".xlsx", ".qdpx"):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.filename.endswith((".xml", ".rels", ".qde", ".txt")):
                        for i, text in enumerate(_xml_texts(info.filename, archive.read(info))):
                            texts[f"{rel}!{info.filename}" + (" (markup)" if i else "")] = text
    return texts


def html_texts(analysis) -> dict[str, str]:
    from qualkit.notebook import Highlights

    texts = {"Analysis._repr_html_": analysis._repr_html_(),
             "Highlights._repr_html_": Highlights(analysis.corpus, analysis.codings, codebook=analysis.codebook,
                                                  limit=1_000_000)._repr_html_()}
    for stem, frame in analysis.tables().items():
        texts[f"{stem} (html)"] = frame.to_html()
    return {k: html.unescape(_TAG.sub(" ", v)) for k, v in texts.items()}


def sha256_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- the runs -----------------------------------------------------------------------------
def _cli_process(out: Path, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    code = "import sys; from qualkit.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, "analyze", str(DEMO), "--codebook", str(BOOK), "--out", str(out), *extra],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if not DEMO.is_dir() or not PLANTED.is_file():
        pytest.skip("the demo corpus (data/demo, data/demo_planted_pii.txt) is not in this checkout")
    root = tmp_path_factory.mktemp("demo_run")
    before = sha256_tree(DEMO)
    again = _cli_process(root / "again" / "out")
    raw = _cli_process(root / "raw" / "out", "--no-redact")

    captured = []
    original = pipeline.write_outputs  # the pipeline's writer, spied on

    def recording(analysis, out_dir, **options):
        captured.append(analysis)
        return original(analysis, out_dir, **options)

    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        mp.setattr(pipeline, "write_outputs", recording)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["analyze", str(DEMO), "--codebook", str(BOOK), "--out", str(root / "main" / "out")])
    done = {name: (proc.wait(timeout=300), proc.stdout.read(), proc.stderr.read())
            for name, proc in (("again", again), ("raw", raw))}
    for proc in (again, raw):
        proc.stdout.close()
        proc.stderr.close()
    return {"root": root, "out": root / "main" / "out", "code": code, "stdout": stdout.getvalue(),
            "stderr": stderr.getvalue(), "analysis": captured[0] if captured else None,
            "before": before, "after": sha256_tree(DEMO), "others": done}


# -- tests --------------------------------------------------------------------------------
def test_the_clean_demo_exits_0_and_every_listed_output_exists(runs):
    assert runs["code"] == 0, runs["stderr"]
    listed = [Path(line.strip()) for line in runs["stdout"].splitlines() if line.startswith("  ")]
    assert len(listed) >= 20
    assert re.search(rf"wrote {len(listed)} files to ", runs["stdout"])
    missing = [p for p in listed if not p.is_file() or p.stat().st_size == 0]
    assert not missing
    names = {p.name for p in listed}
    assert {"codings.csv", "triangulation.csv", "report.docx", "findings.xlsx", "project.qdpx",
            "codebook.qdc", "triangulation_source_type.svg"} <= names
    # nothing was written that the summary does not list
    assert sorted(p for p in runs["out"].rglob("*") if p.is_file()) == sorted(listed)


def test_no_planted_personal_data_in_any_export(runs):
    texts = export_texts(runs["out"])
    kinds = {Path(k.split("!")[0]).suffix for k in texts}
    assert {".csv", ".docx", ".xlsx", ".qdpx", ".qdc", ".svg"} <= kinds
    assert any("sharedStrings" in k or "/sheet" in k for k in texts)
    assert any(k.startswith("project.qdpx!") and k.endswith(".txt") for k in texts)
    assert scan(texts, planted()) == []


def test_no_planted_personal_data_in_the_html_views(runs):
    analysis = runs["analysis"]
    assert analysis is not None and analysis.redacted
    texts = html_texts(analysis)
    assert len(texts["Highlights._repr_html_"]) > 10_000  # every coded passage, not a stub
    assert scan(texts, planted()) == []


def test_the_mapping_lies_outside_the_out_folder_and_starts_with_a_warning(runs):
    out = runs["out"]
    mapping = mapping_path(out)
    assert mapping.is_file()
    assert out.resolve() not in mapping.resolve().parents
    assert not list(out.rglob("*reidentification*"))
    first = mapping.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#") and "WARNING" in first.upper() and "personal data" in first.lower()
    # the mapping does hold what was removed (so keeping it apart matters)
    assert scan({"mapping": mapping.read_text(encoding="utf-8")}, planted())


def test_the_scan_finds_planted_data_in_an_unredacted_run(runs):
    code, stdout, stderr = runs["others"]["raw"]
    assert code == 0, stderr
    out = runs["root"] / "raw" / "out"
    found = scan(export_texts(out), planted())
    leaked = {s for s, _ in found}
    assert len(leaked) >= 10
    assert any(_is_number(s) for s in leaked) and any(not _is_number(s) for s in leaked)
    wheres = {Path(w.split("!")[0]).suffix for _, w in found}
    assert {".csv", ".docx", ".xlsx", ".qdpx"} <= wheres
    assert not mapping_path(out).exists()
    assert "NOT redacted" in stderr


def test_the_scan_matches_whole_words_and_digits_without_separators():
    assert scan({"t": "bulan Agustus 2024"}, ["Agus"]) == []
    assert scan({"t": "kata agus tadi"}, ["Agus"]) == [("Agus", "t")]
    assert scan({"t": "NIK 3174 0000 1102 9901"}, ["3174000011029901"]) == [("3174000011029901", "t")]
    assert scan({"t": "hp 0812.0000.4417"}, ["0812-0000-4417"]) == [("0812-0000-4417", "t")]
    assert scan({"t": "Jl. Melati\nRaya No. 12"}, ["Jl. Melati Raya No. 12"]) == [("Jl. Melati Raya No. 12", "t")]


def test_the_unredacted_report_warns_on_its_first_page(runs):
    import docx

    document = docx.Document(str(runs["root"] / "raw" / "out" / "report.docx"))
    first_page = []
    for paragraph in document.paragraphs:
        if any(br.get(docx.oxml.ns.qn("w:type")) == "page" for br in paragraph._p.iter(docx.oxml.ns.qn("w:br"))):
            break
        first_page.append(paragraph.text)
    opening = " ".join(first_page[:3])
    assert "personal data" in opening.lower() and "WARNING" in opening
    redacted = docx.Document(str(runs["out"] / "report.docx"))
    assert "WARNING" not in " ".join(p.text for p in redacted.paragraphs[:3])


def test_two_runs_give_byte_identical_csv_files(runs):
    code, _, stderr = runs["others"]["again"]
    assert code == 0, stderr
    first, second = runs["out"], runs["root"] / "again" / "out"
    csvs = sorted(p.relative_to(first) for p in first.rglob("*.csv"))
    assert len(csvs) >= 10
    assert sorted(p.relative_to(second) for p in second.rglob("*.csv")) == csvs
    differ = [str(p) for p in csvs if (first / p).read_bytes() != (second / p).read_bytes()]
    assert differ == []
    # the Office files and charts are reproducible too
    for name in ("report.docx", "findings.xlsx", "charts/factors.svg", "charts/triangulation_source_type.png"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_input_folder_is_unchanged(runs):
    assert runs["before"], "the demo folder is empty"
    assert runs["after"] == runs["before"]

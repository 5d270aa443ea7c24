"""The bundled examples: the implementation-science study and the migrant-care devset.

The implementation example (``data/implementation``, ``codebooks/implementation_cfir.yaml``)
is a second study with a different design from the demo: it must load, code, and go
through ``qualkit analyze`` without any of the demo study's words in its outputs.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

import qualkit
from qualkit.cli import main as cli_main
from qualkit.coding.check import check_codebook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "implementation"
CODEBOOK = ROOT / "codebooks" / "implementation_cfir.yaml"
DEVSET = ROOT / "data" / "devset" / "migrant_care_devset.csv"
NOT_DATA = {"manifest.csv", "study.yaml", "README.md"}

DEMO_VOCABULARY = ("Generalist", "Miles", "Huberman", "organisational", "Pewawancara",
                   "Informan", "Korban", "KBRI", "BP2MI", "migran")
_DEMO_WORDS = re.compile(r"\b(" + "|".join(DEMO_VOCABULARY) + r")\b", re.IGNORECASE)


def _manifest() -> list[dict[str, str]]:
    with open(EXAMPLE / "manifest.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _data_files() -> set[str]:
    return {p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*")
            if p.is_file() and p.name not in NOT_DATA}


def _first_line(path: Path) -> str:
    if path.suffix == ".docx":
        return docx.Document(str(path)).paragraphs[0].text
    return path.read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture(scope="module")
def example_folder() -> Path:
    return EXAMPLE


@pytest.fixture(scope="module")
def analyzed(example_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("impl_run") / "out"
    code = cli_main(["analyze", str(example_folder), "--codebook", str(CODEBOOK), "--out", str(out)])
    assert code == 0
    return out


# ------------------------------------------------------------------------- the files


def test_manifest_lists_exactly_the_files():
    rows = _manifest()
    listed = [r["file"] for r in rows]
    assert len(listed) == len(set(listed))
    assert set(listed) == _data_files()


def test_manifest_uses_the_study_design():
    rows = _manifest()
    assert {r["source_type"] for r in rows} == {"interview", "focus_group", "field_note", "document"}
    assert {r["informant_group"] for r in rows} - {""} == {"patient", "nurse", "manager"}
    assert {r["case_id"] for r in rows} == {"northgate", "riverside"}
    assert {r["language"] for r in rows} == {"en"}


@pytest.mark.parametrize("name", sorted(_data_files()))
def test_every_file_says_it_is_synthetic(name: str):
    assert "SYNTHETIC DATA" in _first_line(EXAMPLE / name)


def test_example_size_and_formats():
    suffixes = Counter(Path(f).suffix for f in _data_files())
    assert 14 <= sum(suffixes.values()) <= 20
    assert suffixes[".docx"] >= 1 and suffixes[".vtt"] >= 1


def test_example_loads_unchanged():
    corpus = qualkit.load_corpus(EXAMPLE)
    assert len(corpus.documents) == len(_data_files())


def test_every_file_loads_with_its_speakers(example_folder: Path):
    corpus = qualkit.load_corpus(example_folder)
    assert {d.id for d in corpus.documents} == _data_files()
    words = sum(len(d.text.split()) for d in corpus.documents)
    assert 11_000 <= words <= 18_000
    for doc in corpus.documents:
        passages = corpus.passages_of(doc.id)
        assert passages, doc.id
        informants = {p.speaker for p in passages if p.role == "informant"}
        interviewers = {p.speaker for p in passages if p.role == "interviewer"}
        if doc.id.startswith("focus_groups/"):
            assert len(informants) >= 4, (doc.id, informants)
            assert interviewers == {"MODERATOR"}, (doc.id, interviewers)
        elif doc.id.startswith("interviews/"):
            assert interviewers == {"Interviewer"}, (doc.id, interviewers)
            assert informants, doc.id


# ------------------------------------------------------------------------- the codebook


def test_codebook_passes_its_own_check():
    report = check_codebook(qualkit.load_codebook(CODEBOOK))
    assert report.ok, str(report)


def test_codebook_design():
    book = qualkit.load_codebook(CODEBOOK)
    assert set(book.facets) == {"level", "factor"}  # no stage facet in this design
    parents = {c.parent for c in book.codes if c.parent}
    leaves = [c for c in book.codes if c.id not in parents]
    assert 15 <= len(leaves) <= 20
    assert {book.facet(c.id, "factor") for c in leaves} == {"barrier", "facilitator"}
    assert {book.facet(c.id, "level") for c in leaves} == set(book.facets["level"])
    for code in leaves:
        assert code.description and code.inclusion and code.exclusion, code.id
        assert code.cues and code.examples, code.id


# ------------------------------------------------------------------------- the pipeline


def test_most_codes_find_evidence(analyzed: Path):
    book = qualkit.load_codebook(CODEBOOK)
    parents = {c.parent for c in book.codes if c.parent}
    leaves = {c.id for c in book.codes if c.id not in parents}
    codings = pd.read_csv(analyzed / "codings.csv")
    per_code = codings["code_id"].value_counts()
    assert set(per_code.index) <= leaves | parents
    found = {c for c in leaves if per_code.get(c, 0) > 0}
    assert len(found) >= 0.9 * len(leaves), sorted(leaves - found)
    # evidence comes from every site and every kind of informant
    passages = pd.read_csv(analyzed / "passages.csv").set_index("passage_id")
    coded = passages.loc[codings["passage_id"].unique()]
    assert set(coded["case_id"]) == {"northgate", "riverside"}
    assert {"patient", "nurse", "manager"} <= set(coded["informant_group"].dropna())


def test_planted_names_and_emails_are_redacted(analyzed: Path):
    text = "\n".join(p.read_text(encoding="utf-8") for p in analyzed.glob("*.csv"))
    names = [n for r in _manifest() for n in r["informant_name"].split(";") if n]
    assert len(names) >= 6
    for name in names:
        for part in name.split():
            assert not re.search(rf"\b{re.escape(part)}\b", text), part
    assert not re.search(r"[\w.]+@[\w-]+\.example", text)


def test_example_sources_hold_no_demo_vocabulary():
    for path in [CODEBOOK, EXAMPLE / "study.yaml", EXAMPLE / "manifest.csv",
                 *(EXAMPLE / f for f in _data_files())]:
        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs) \
            if path.suffix == ".docx" else path.read_text(encoding="utf-8")
        assert not _DEMO_WORDS.search(text), (path.name, _DEMO_WORDS.findall(text))


def _output_texts(out: Path) -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.csv")}
    report = docx.Document(str(out / "report.docx"))
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    texts["report.docx"] = "\n".join([p.text for p in report.paragraphs] + cells)
    book = openpyxl.load_workbook(out / "findings.xlsx", read_only=True)
    texts["findings.xlsx"] = "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        if v is not None)
    return texts


def test_example_outputs_hold_no_demo_vocabulary(analyzed: Path):
    leaks = {name: sorted(set(_DEMO_WORDS.findall(text)))
             for name, text in _output_texts(analyzed).items() if _DEMO_WORDS.search(text)}
    assert not leaks


# ------------------------------------------------------------------------- the devset


def test_devset_is_well_formed():
    rows = pd.read_csv(DEVSET, dtype=str, keep_default_na=False)
    assert list(rows.columns) == ["id", "language", "factor", "text", "synthetic"]
    assert rows["id"].is_unique and rows["text"].is_unique
    assert set(rows["language"]) == {"id", "en"} and set(rows["synthetic"]) == {"true"}
    factors = Counter(f for cell in rows["factor"] for f in cell.split(";") if f)
    assert len(factors) == 12
    for language, min_count in (("id", 8), ("en", 6)):
        sub = rows[rows["language"] == language]
        counts = Counter(f for cell in sub["factor"] for f in cell.split(";") if f)
        assert set(counts) == set(factors) and min(counts.values()) >= min_count, language
    assert (rows["factor"] == "").sum() >= 30
    assert rows["factor"].str.contains(";").sum() >= 10
    assert 200 <= len(rows) <= 240

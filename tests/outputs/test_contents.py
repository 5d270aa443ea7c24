"""Every output follows one rule: a table the study's design does not have is not written
(the manifest and the workbook's note sheet say why); a table it has that came out empty
is written with its header and flagged."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from tiny_study import make_analysis, tiny_codebook, tiny_codings, tiny_corpus, tiny_design

import qualkit
from qualkit.outputs import write_outputs
from qualkit.outputs.contents import FACTOR_TABLES, output_tables
from qualkit.study import load_study

ROOT = Path(__file__).resolve().parents[2]


def _written(out: Path) -> tuple[set[str], list[str], dict]:
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    sheets = openpyxl.load_workbook(out / "findings.xlsx", read_only=True).sheetnames
    manifest = json.loads((out / "qualkit-run.json").read_text(encoding="utf-8"))
    return files, sheets, manifest


def _notes(out: Path) -> list[str]:
    return pd.read_excel(out / "findings.xlsx", sheet_name="note")["note"].tolist()


def _run(name: str, codebook: str, out: Path, *, charts: bool) -> qualkit.Analysis:
    data = ROOT / "data" / name
    result = qualkit.analyze(qualkit.load_corpus(data), qualkit.load_codebook(ROOT / "codebooks" / codebook),
                             study=load_study(data / "study.yaml"))
    write_outputs(result, out, charts=charts)
    return result


@pytest.fixture(scope="module")
def implementation(tmp_path_factory):
    out = tmp_path_factory.mktemp("implementation") / "out"
    return _run("implementation", "implementation_cfir.yaml", out, charts=True), out


def test_the_implementation_example_has_no_stage_table_in_any_output(implementation):
    result, out = implementation
    files, sheets, manifest = _written(out)
    assert "stages.csv" not in files and "stages" not in sheets
    assert not any(f.startswith("charts/stages") for f in files)
    assert manifest["tables"]["stages"] == {"status": "absent", "note": "no 'stage' facet in the codebook"}
    assert "stages.csv" not in manifest["files"]
    assert _notes(out) == ["stages: not written (no stage facet in the codebook)"]
    # what the study has is written, with data
    assert {"factors.csv", "factor_grid.csv", "triangulation.csv", "conclusions.csv",
            "charts/factors.png"} <= files
    assert {"factors", "triangulation"} <= set(sheets)
    assert manifest["tables"]["factors"] == {"status": "written", "file": "factors.csv",
                                             "rows": len(result.factors)}
    assert set(manifest["files"]) == files - {"qualkit-run.json"}


def test_the_demo_writes_every_table(tmp_path):
    result = _run("demo", "migrant_care.yaml", tmp_path / "out", charts=False)
    files, sheets, manifest = _written(tmp_path / "out")
    stems = set(result.tables())
    assert {f"{s}.csv" for s in stems} <= files
    assert {"stages", "factors", "triangulation", "conclusions"} <= set(sheets)
    assert "note" not in sheets
    assert {t["status"] for t in manifest["tables"].values()} == {"written"}


def _without_facets(*names: str) -> qualkit.Codebook:
    book = tiny_codebook()
    codes = tuple(dataclasses.replace(c, facets={k: v for k, v in c.facets.items() if k not in names})
                  for c in book.codes)
    return dataclasses.replace(book, codes=codes, facets={k: v for k, v in book.facets.items() if k not in names})


def test_a_codebook_without_a_factor_facet_writes_no_factor_tables(tmp_path):
    corpus, book = tiny_corpus(), _without_facets("factor")
    result = qualkit.analyze(corpus, book, codings=tiny_codings(corpus, book), redact=False, study=tiny_design())
    tables = output_tables(result)
    assert {n for n, t in tables.items() if t.status == "absent"} == set(FACTOR_TABLES)
    assert {t.note for n, t in tables.items() if n in FACTOR_TABLES} == {"no 'factor' facet in the codebook"}
    write_outputs(result, tmp_path / "out")
    files, sheets, manifest = _written(tmp_path / "out")
    assert not {f"{n}.csv" for n in FACTOR_TABLES} & files
    assert not set(FACTOR_TABLES) & set(sheets)
    assert not any(f.startswith(("charts/factors", "charts/triangulation")) for f in files)
    assert {"stages.csv", "charts/stages.png"} <= files  # the stage table it has is written
    assert manifest["tables"]["triangulation"]["status"] == "absent"


def test_a_design_without_a_factor_matrix_says_so(tmp_path):
    study = dataclasses.replace(tiny_design(), factor_matrix=None,
                                _declared_tables=frozenset({"factor_matrix"}))
    tables = output_tables(make_analysis(study=study))
    assert tables["factors"].status == "absent"
    assert "tables.factor_matrix: null" in tables["factors"].note


def test_a_table_the_study_has_but_empty_is_written_and_flagged(tmp_path):
    corpus, book = tiny_corpus(), tiny_codebook()
    codings = tiny_codings(corpus, book)
    codings = codings[~codings["code_id"].str.startswith("stage_")].reset_index(drop=True)
    result = qualkit.analyze(corpus, book, codings=codings, redact=False, study=tiny_design())
    write_outputs(result, tmp_path / "out")
    files, sheets, manifest = _written(tmp_path / "out")
    assert "stages.csv" in files and "stages" in sheets
    header = pd.read_csv(tmp_path / "out" / "stages.csv").columns.tolist()
    assert header == result.stages.columns.tolist()
    assert manifest["tables"]["stages"]["status"] == "empty"
    assert manifest["tables"]["stages"]["rows"] == len(result.stages)
    assert any(n.startswith("stages: written with its header but no coded evidence") for n in _notes(tmp_path / "out"))
    assert not any(f.startswith("charts/stages") for f in files)
    assert manifest["tables"]["factors"]["status"] == "written"

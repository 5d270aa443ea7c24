"""write_outputs writes every output, atomically, and returns every path."""

from __future__ import annotations

import importlib.util

import docx
import pandas as pd
import pytest

from qualkit.outputs import write_outputs


@pytest.fixture(scope="module")
def written(analysis, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs") / "out"
    return out, write_outputs(analysis, out)


def test_every_output_written_and_listed(written, analysis):
    out, paths = written
    names = {p.relative_to(out).as_posix() for p in paths}
    expected = {"passages.csv", "codings.csv", "report.docx", "findings.xlsx",
                "factors.csv", "stages.csv", "triangulation.csv", "conclusions.csv", "quotes.csv",
                "charts/factors.png", "charts/factors.svg", "charts/stages.png",
                "charts/triangulation_source_type.png", "charts/triangulation_informant_group.svg"}
    assert expected <= names
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert on_disk == names  # nothing unlisted, no temp files left behind
    assert len(pd.read_csv(out / "passages.csv")) == len(analysis.corpus.passages)
    assert len(pd.read_csv(out / "codings.csv")) == len(analysis.codings)
    assert len(docx.Document(str(out / "report.docx")).inline_shapes) == 3


def test_refi_files_when_exchange_is_available(written):
    names = {p.name for p in written[1]}
    if importlib.util.find_spec("qualkit.exchange") is None:
        assert "project.qdpx" not in names
    else:
        assert {"project.qdpx", "codebook.qdc"} <= names


def test_passages_and_charts_can_be_left_out(analysis, tmp_path):
    paths = write_outputs(analysis, tmp_path, passages=False, charts=False)
    names = {p.name for p in paths}
    assert "passages.csv" not in names and not (tmp_path / "passages.csv").exists()
    assert not (tmp_path / "charts").exists() and "report.docx" in names

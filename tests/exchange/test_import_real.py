"""Real exports from Taguette, MAXQDA, ATLAS.ti and CATMA (``../shared/realdata``) import.

For each export: how many segments were placed (numbers measured on these files), that
the document text at every placed span is the segment's text (folded), and that no
segment left out could be found in the text by a lenient independent search
(letters and digits only).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import qualkit
from qualkit.exchange import import_codings
from qualkit.exchange._fold import fold_needle

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"
EXPORTS = REAL / "exports"
SERDIF = REAL / "serdif_usability_thinkaloud"
LETTERS = EXPORTS / "maxqda_letters" / "data-letters" / "texts_for_maxqdar_test"

pytestmark = pytest.mark.skipif(not EXPORTS.is_dir(), reason="../shared/realdata/exports is not present")


def _alnum(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _check(result, *, preview: bool = False) -> None:
    placed = result.segments[result.segments.placed]
    for row in placed.itertuples():
        got = fold_needle(result.corpus.document(row.doc_id).text[row.start:row.end])
        want = fold_needle(row.text)
        if preview and "extended" in row.reason:
            assert got.startswith(want), (row.segment, got, want)
        elif "start and end" in row.reason:
            assert got.startswith(want[:40].strip()) and got.endswith(want[-20:].strip()), (row.segment, got, want)
        elif "quote marks" in row.reason:
            assert got == want.strip("\"' "), (row.segment, got, want)
        elif "cut short" in row.reason:
            assert want.startswith(got.rstrip(". ")), (row.segment, got, want)
        else:
            assert got == want, (row.segment, got, want)
    for row in result.report.itertuples():
        if "not found" in row.reason and _alnum(row.text):
            assert _alnum(row.text) not in _alnum(result.corpus.document(row.doc_id).text), row.segment
    assert set(result.codings.code_id) <= {c.id for c in result.codebook.codes}
    passages = {p.id: p for p in result.corpus.passages}
    for row in result.codings.itertuples():
        p = passages[row.passage_id]
        assert p.start <= row.start <= row.end <= p.end


@pytest.fixture(scope="module")
def serdif():
    return qualkit.load_corpus(SERDIF)


@pytest.fixture(scope="module")
def letters():
    return qualkit.load_corpus(LETTERS)


def test_taguette_sqlite_brings_its_own_documents():
    result = import_codings(EXPORTS / "taguette_serdif" / "SERDIF_P2_ThematicAnalysis.sqlite3")
    assert result.format == "taguette-sqlite"
    assert len(result.corpus.documents) == 17 and len(result.segments) == 1794
    assert int(result.segments.placed.sum()) == 1793
    assert result.report.reason.tolist() == ["the segment has no code"]
    assert len(result.codebook.codes) == 22 and all(c.description for c in result.codebook.codes)
    _check(result)


def test_taguette_sqlite_onto_the_loaded_odt_documents(serdif):
    result = import_codings(EXPORTS / "taguette_serdif" / "SERDIF_P2_ThematicAnalysis.sqlite3", serdif)
    on_loaded = result.segments[result.segments.document.isin(["P1_GMT20211118.odt", "P2_GMT20211119.odt"])]
    assert len(on_loaded) == 253 and on_loaded.placed.all()
    assert len(result.unmatched_documents) == 15 and "P3_GMT20211125.odt" in result.unmatched_documents
    _check(result)


def test_taguette_docx_export(serdif):
    result = import_codings(EXPORTS / "taguette_serdif" / "all_tags_20220303.docx", serdif)
    assert result.format == "taguette-docx" and len(result.segments) == 1793
    assert int(result.segments.placed.sum()) == 253
    _check(result)


def test_serdif_tags_csv(serdif):
    path = SERDIF / "tags_20220303_P1_P2.csv"
    result = import_codings(path, serdif)
    assert result.format == "taguette-table"
    assert len(result.segments) == 269 and result.segments.placed.all()
    with path.open(encoding="utf-8") as f:
        tags = {row["tag"] for row in csv.DictReader(f)}
    assert {c.name for c in result.codebook.codes} == tags
    _check(result)


def test_maxqda_mex_with_the_source_texts(letters):
    result = import_codings(EXPORTS / "maxqda_letters" / "maxqdar" / "test.mex", letters)
    assert result.format == "maxqda-mex" and len(result.segments) == 402
    assert int(result.segments.placed.sum()) == 367  # the 35 others: archival tails missing from the .txt
    assert set(result.codings.coder) == {"agata"}
    _check(result, preview=True)


def test_maxqda_mex_needs_the_texts():
    with pytest.raises(qualkit.QualkitError, match="does not carry the document texts"):
        import_codings(EXPORTS / "maxqda_letters" / "maxqdar" / "test.mex")


def test_maxqda_legacy_xls_polish_headers(letters):
    result = import_codings(EXPORTS / "maxqda_letters" / "maxqdar" / "test.xls", letters)
    assert result.format == "maxqda-table" and len(result.segments) == 402
    assert int(result.segments.placed.sum()) == 367
    assert set(result.codings.coder) == {"agata"} and result.codings.created.str.startswith("30.11.2017").any()
    _check(result)


def test_maxqda_xlsx_with_another_column_order(letters):
    folder = EXPORTS / "maxqda_letters" / "data-letters" / "maxqda_tagging_sample"
    for path in sorted(folder.glob("*.xlsx")):
        result = import_codings(path, letters)
        assert result.format == "maxqda-table" and len(result.segments) > 0
        _check(result)


def test_atlasti_semicolon_export(tmp_path):
    folder = EXPORTS / "atlasti_edgeai"
    with (folder / "all_collected_fragments.csv").open(encoding="utf-8-sig") as f:
        fragments = [row["fragments"] for row in csv.DictReader(f)]
    (tmp_path / "[ATLAS] - Codifying Fragments.txt").write_text("\n\n".join(fragments), encoding="utf-8")
    result = import_codings(folder / "20250914_quotation_export.csv", qualkit.load_corpus(tmp_path))
    assert result.format == "atlasti-table" and len(result.segments) == 394
    assert int(result.segments.placed.sum()) == 393  # the other elides words with "..." inside
    book = result.codebook
    theme = next(c for c in book.codes if c.name == "T1. Edge Connectivity & Communication Protocols")
    assert "Communication Protocol" in {c.name for c in book.children(theme.id)}
    _check(result)


def test_pdpilot_maxqda_segments_with_pdf_line_numbers_in_the_text():
    folder = REAL / "pdpilot_user_study"
    parts = [qualkit.load_corpus(path) for path in sorted(folder.glob("P*.txt"))]
    corpus = qualkit.Corpus(documents=tuple(d for c in parts for d in c.documents),
                            passages=tuple(p for c in parts for p in c.passages))
    result = import_codings(folder / "coded_segments.csv", corpus)
    assert len(result.segments) == 239 and int(result.segments.placed.sum()) == 238
    assert (result.segments.reason == "its start and end were found; the text between differs from the export").sum() == 24
    _check(result)


def test_catma_project_two_annotators():
    result = import_codings(EXPORTS / "catma_gitma" / "GitMA_Demo_Project")
    assert result.format == "catma" and len(result.segments) == 64 and result.segments.placed.all()
    assert set(result.codings.coder) == {"MVauth", "mvgoogle"}
    first = result.segments.iloc[0]
    assert result.corpus.document(first.doc_id).text[first.start:first.end].startswith("One morning, as Gregor")
    _check(result)


def test_catma_onto_its_text_loaded_as_a_file():
    project = EXPORTS / "catma_gitma" / "GitMA_Demo_Project"
    text = next(project.glob("documents/D_*/D_*.txt"))
    result = import_codings(project, qualkit.load_corpus(text))
    assert result.unmatched_documents == () and len(result.segments) == 64
    assert int(result.segments.placed.sum()) == 64
    _check(result)

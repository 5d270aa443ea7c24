"""check_codebook: examples run through the matcher, collisions, the printed report."""

from __future__ import annotations

from pathlib import Path

from qualkit.codebook import check_codebook, load_codebook
from qualkit.codebook.model import Code, Codebook, Cue, Example

STUDY = Path(__file__).resolve().parents[2] / "codebooks" / "migrant_care.yaml"


def test_study_codebook_passes_its_own_check():
    report = check_codebook(load_codebook(STUDY))
    assert report.ok, str(report)
    assert len(report.examples) >= 3 * 24 and report.examples["ok"].all()
    assert "all checks passed" in str(report)


def test_failing_examples_make_the_report_not_ok():
    code = Code(id="fear", name="Fear", cues=(Cue("takut"),), examples=(
        Example("Saya cemas."),                          # positive but not coded
        Example("Saya takut.", positive=False),          # negative but coded
        Example("Saya ketakutan."),
    ))
    report = check_codebook(Codebook(name="d", codes=(code,)))
    assert not report.ok
    assert report.examples[["expected", "got", "ok"]].values.tolist() == [
        [True, False, False], [False, True, False], [True, True, True]]
    text = str(report)
    assert "NOT OK" in text and "'Saya cemas.' (id) should be coded" in text
    assert len(report.failures) == 2


def test_shared_cue_patterns_between_unrelated_codes_are_errors():
    book = Codebook(name="d", codes=(
        Code(id="group", name="G"),
        Code(id="a", name="A", parent="group", cues=(Cue("Takut"),), examples=(Example("takut"),)),
        Code(id="b", name="B", cues=(Cue("takut"), Cue("cemas")), examples=(Example("cemas"),)),
        Code(id="c", name="C", parent="a", cues=(Cue("takut"),)),   # shared with its parent: fine
    ))
    report = check_codebook(book)
    errors = report.collisions.query("severity == 'error'")
    assert sorted(map(tuple, errors[["code_a", "code_b"]].values.tolist())) == [("a", "b"), ("b", "c")]
    warnings = report.collisions.query("severity == 'warning'")
    assert ("a", "b") in set(map(tuple, warnings[["code_a", "code_b"]].values.tolist()))
    assert not report.ok and "COLLISION a / b" in str(report)


def test_grouping_code_examples_count_hits_on_descendants():
    book = Codebook(name="d", codes=(
        Code(id="group", name="G", examples=(Example("Saya takut."), Example("Saya senang.", positive=False))),
        Code(id="fear", name="F", parent="group", cues=(Cue("takut"),)),
    ))
    assert check_codebook(book).ok

"""The study's tables on the bundled demo corpus and codebook (end to end)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
BOOK = ROOT / "codebooks" / "migrant_care.yaml"

CELLS = {
    ("organisation", "supporting"): ["org_support_government", "org_support_victims",
                                     "org_support_families", "org_support_media"],
    ("organisation", "inhibiting"): ["org_inhibit_documents", "org_inhibit_phone_confiscation",
                                     "org_inhibit_cross_national"],
    ("individual", "supporting"): ["ind_support_resilience", "ind_support_courage",
                                   "ind_support_motivation", "ind_support_skills"],
    ("individual", "inhibiting"): ["ind_inhibit_fear"],
}
STAGES = ["engagement", "assessment", "planning", "implementation", "evaluation", "termination",
          "follow_up"]


@pytest.fixture(scope="module")
def result():
    if not DEMO.is_dir():
        pytest.skip(f"the demo corpus {DEMO} is not there yet")
    if not BOOK.is_file():
        pytest.skip(f"the study codebook {BOOK} is not there yet")
    for module, name in (("qualkit.loading", "load_corpus"), ("qualkit.codebook.io", "load_codebook"),
                         ("qualkit.coding.auto", "code")):
        try:
            getattr(import_module(module), name)
        except (ImportError, AttributeError) as err:
            pytest.skip(f"{module}.{name} is not available yet ({err})")
    import qualkit

    corpus = qualkit.load_corpus(DEMO)
    book = qualkit.load_codebook(BOOK)
    return qualkit.analyze(corpus, book, redact=False)


def test_every_factor_of_the_study_is_in_its_cell(result):
    factors = result.factors.set_index("code_id")
    for (level, factor), ids in CELLS.items():
        for code_id in ids:
            assert code_id in factors.index, code_id
            assert (factors.loc[code_id, "level"], factors.loc[code_id, "factor"]) == (level, factor)
    with_evidence = [c for ids in CELLS.values() for c in ids if factors.loc[c, "codings"] > 0]
    assert len(with_evidence) >= 10, with_evidence
    assert list(result.factor_grid.index) == ["organisation", "individual"]
    assert list(result.factor_grid.columns) == ["supporting", "inhibiting"]


def test_every_stage_is_in_the_stage_table(result):
    stages = result.stages
    assert stages["stage"].tolist() == STAGES
    assert (stages["main_activity"].str.len() > 0).all()
    assert (stages["codings"] > 0).sum() >= 5


def test_several_factors_are_corroborated_by_several_source_types(result):
    tri = result.triangulation
    corroborated = tri[(tri["status"] == "corroborated") & (tri["n_source_types"] >= 2)]
    assert len(corroborated) >= 3, tri[["code_id", "status", "source_types"]]
    assert result.conclusions["statement"].str.contains("corroborated by").sum() >= 3

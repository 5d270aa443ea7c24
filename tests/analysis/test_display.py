"""Display: factor matrix, stage table, code-by-context and co-occurrence matrices."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis_fixtures import build_codebook, build_corpus, build_study, coding
from qualkit.analysis import (
    FACTOR_COLUMNS, STAGE_COLUMNS, code_by, cooccurrence, factor_matrix, factor_matrix_wide,
    merge_evidence, select_codings, stage_table,
)
from qualkit.codebook.model import Code
from qualkit.coding.frame import codings_frame
from qualkit.errors import QualkitError
from qualkit.study import Study


@pytest.fixture
def extracts(corpus, book, codings):
    return select_codings(codings, corpus, book)


def test_factor_matrix_columns_order_and_counts(extracts, book):
    factors = factor_matrix(extracts, book)
    assert tuple(factors.columns) == FACTOR_COLUMNS
    assert tuple(factors.columns[:9]) == ("level", "factor", "code_id", "code_name", "codings",
                                          "documents", "informant_groups", "source_types", "quotes")
    assert factors["code_id"].tolist() == ["gov", "media", "docs_missing", "courage", "fear"]
    gov = factors.set_index("code_id").loc["gov"]
    # the interviewer's "pemerintah" is dropped: victim p4, staff p2, observation p2
    assert (gov["codings"], gov["documents"]) == (3, 3)
    assert gov["informant_groups"] == "case_companion;victim"
    assert gov["source_types"] == "interview;observation"
    assert gov["quotes"].count(" | ") == 2
    assert gov["quotes"].startswith('"') and "(interviews/" in gov["quotes"]
    missing = factors.set_index("code_id").loc["docs_missing"]
    assert (missing["codings"], missing["documents"]) == (2, 1)


def test_a_code_without_evidence_is_listed_with_zeros(extracts, book):
    media = factor_matrix(extracts, book).set_index("code_id").loc["media"]
    assert (media["codings"], media["documents"], media["quotes"], media["source_types"]) == (0, 0, "", "")


def test_parents_and_non_factor_codes_are_not_rows(extracts, book):
    ids = set(factor_matrix(extracts, book)["code_id"])
    assert not ids & {"org_support", "stage_engagement", "ctx_scam"}


def test_factor_matrix_wide_is_the_two_by_two_grid(extracts, book):
    grid = factor_matrix_wide(factor_matrix(extracts, book))
    assert grid.index.tolist() == ["organisation", "individual"]
    assert grid.columns.tolist() == ["supporting", "inhibiting"]
    assert grid.loc["organisation", "supporting"] == "Government involvement (3); Media involvement (0)"
    assert grid.loc["individual", "inhibiting"] == "Fear of risks (2)"


def test_stage_table_has_every_stage_with_activity_and_field_data(extracts, book):
    stages = stage_table(extracts, book)
    assert tuple(stages.columns) == STAGE_COLUMNS
    assert stages["stage"].tolist() == ["engagement", "assessment", "follow_up"]
    eng = stages.set_index("stage").loc["engagement"]
    assert eng["main_activity"] == "First contact with the victim and family"
    assert (eng["codings"], eng["documents"]) == (2, 2)
    assert eng["field_data"].startswith("2 codings in 2 documents (interview, observation)")
    assert "co-coded factors: Fear of risks (1)" in eng["field_data"]
    empty = stages.set_index("stage").loc["assessment"]
    assert (empty["codings"], empty["field_data"]) == (0, "no coded evidence")
    # source-type words come from the study design (labels per language)
    study = Study.from_dict({"source_types": [
        {"id": "interview", "label": {"en": "Interview", "id": "Wawancara"}},
        {"id": "observation", "label": {"en": "Observation", "id": "Observasi"}}]})
    indo = stage_table(extracts, book, language="id", study=study).set_index("stage")
    assert indo.loc["engagement", "field_data"].startswith("2 koding dalam 2 dokumen (wawancara, observasi)")
    plain = stage_table(extracts, book, language="id").set_index("stage")  # labels from the ids
    assert plain.loc["engagement", "field_data"].startswith("2 koding dalam 2 dokumen (interview, observation)")


def test_stage_table_language_is_checked(extracts, book):
    with pytest.raises(QualkitError, match="language"):
        stage_table(extracts, book, language="fr")


def test_code_by_source_type_wide_and_long(extracts, corpus, book):
    wide = code_by(extracts, by="source_type", codebook=book)
    assert wide.columns.tolist() == ["document", "interview", "observation"]  # no study: sorted
    wide = code_by(extracts, by="source_type", codebook=book, study=build_study())
    assert wide.columns.tolist() == ["interview", "observation", "document"]  # the study's order
    assert wide.loc["gov"].tolist() == [2, 1, 0]
    assert wide.index.tolist()[:2] == ["gov", "docs_missing"]  # codebook order
    long = code_by(extracts, by="informant_group", long=True)
    assert long.columns.tolist() == ["code_id", "informant_group", "codings", "documents"]
    row = long[(long.code_id == "gov") & (long.informant_group == "(none)")].iloc[0]
    assert (row["codings"], row["documents"]) == (1, 1)


def test_code_by_joins_raw_codings_with_the_corpus(codings, corpus):
    wide = code_by(codings, corpus, by="case_id")
    assert wide.columns.tolist() == ["c1", "c2"]
    assert wide.loc["gov", "c1"] == 4  # raw codings still hold the interviewer's turn
    with pytest.raises(QualkitError, match="corpus"):
        code_by(codings, by="case_id")
    with pytest.raises(QualkitError, match="'by'"):
        code_by(codings, corpus, by="speaker")


def test_cooccurrence_in_the_same_passage(extracts, book):
    m = cooccurrence(extracts, codebook=book)
    assert (m.values == m.values.T).all()
    assert m.loc["fear", "courage"] == 1 and m.loc["fear", "stage_engagement"] == 1
    assert m.loc["gov", "gov"] == 3 and m.loc["gov", "fear"] == 0
    long = cooccurrence(extracts, codebook=book, long=True)
    assert long.columns.tolist() == ["code_id", "co_code_id", "codings", "documents"]
    assert ("courage", "fear") in set(zip(long.code_id, long.co_code_id))
    assert len(long) == 4


def test_cooccurrence_within_a_character_window():
    corpus = build_corpus()
    v = "interviews/victim_01.txt"
    rows = [coding(corpus, f"{v}#p2", "fear", "takut"), coding(corpus, f"{v}#p4", "gov", "KBRI")]
    codings = codings_frame(rows)
    gap = rows[1]["start"] - rows[0]["end"]
    assert cooccurrence(codings, window=gap).loc["fear", "gov"] == 1
    assert cooccurrence(codings, window=gap - 1).loc["fear", "gov"] == 0
    assert cooccurrence(codings).loc["fear", "gov"] == 0  # different passages
    with pytest.raises(QualkitError, match="window"):
        cooccurrence(codings, window=-1)


def test_facet_order_comes_from_the_codebook(extracts):
    book = build_codebook(extra=(Code(id="skills", name="Skills",
                                      facets={"factor": "supporting", "level": "individual"}),))
    factors = factor_matrix(extracts, book)
    assert factors["code_id"].tolist() == ["gov", "media", "docs_missing", "courage", "skills", "fear"]


def test_main_activity_drops_a_main_activity_label(extracts):
    book = build_codebook()
    codes = tuple(Code(id=c.id, name=c.name, facets=c.facets, parent=c.parent,
                       description="Main activity: first contact with the family." if c.id == "stage_engagement"
                       else c.description) for c in book.codes)
    book = type(book)(name=book.name, codes=codes, facets=book.facets)
    stages = stage_table(extracts, book).set_index("stage")
    assert stages.loc["engagement", "main_activity"] == "First contact with the family."


def test_two_coders_on_one_passage_count_once():
    corpus, book = build_corpus(), build_codebook()
    v = "interviews/victim_01.txt"
    rows = [coding(corpus, f"{v}#p2", "fear", "takut"),
            coding(corpus, f"{v}#p2", "fear", coder="rina", method="manual")]
    ex = select_codings(codings_frame(rows), corpus, book)
    assert len(ex) == 2
    fear = factor_matrix(ex, book).set_index("code_id").loc["fear"]
    assert (fear["codings"], fear["documents"]) == (1, 1)
    assert code_by(ex, by="source_type").loc["fear", "interview"] == 1


def test_merged_extracts_count_every_passage_they_join(corpus, book, codings):
    d = "documents/intake_01.txt"
    more = codings_frame([coding(corpus, f"{d}#p2", "ctx_scam", "korban")])
    extracts = select_codings(pd.concat([codings, more], ignore_index=True), corpus, book)
    merged = merge_evidence(extracts, corpus=corpus)
    assert (merged["passage_id"] == f"{d}#p1;{d}#p2").sum() == 2  # both codes merged
    for by in ("source_type", "informant_group", "case_id"):
        pd.testing.assert_frame_equal(code_by(merged, corpus, by=by, long=True),
                                      code_by(extracts, corpus, by=by, long=True))
    pd.testing.assert_frame_equal(cooccurrence(merged, codebook=book), cooccurrence(extracts, codebook=book))
    long = cooccurrence(merged, codebook=book, long=True)
    pd.testing.assert_frame_equal(long, cooccurrence(extracts, codebook=book, long=True))
    pair = long.set_index(["code_id", "co_code_id"]).loc[("docs_missing", "ctx_scam")]
    assert (pair["codings"], pair["documents"]) == (2, 1)

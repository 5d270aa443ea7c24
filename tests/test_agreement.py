"""Tests of qualkit.agreement against reference implementations and textbook values."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import cohen_kappa_score

from qualkit.agreement import (
    AGREEMENT_COLUMNS,
    agreement,
    cohen_kappa,
    disagreements,
    fleiss_kappa,
    krippendorff_alpha,
    parse_spans,
    percent_agreement,
    spans_match,
)
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import QualkitError

nan = np.nan
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- textbook values ---------------------------------------------------------------------
def test_krippendorff_2011_nominal_example_with_missing_data():
    # Krippendorff (2011) "Computing Krippendorff's alpha-reliability", section C:
    # 4 observers x 12 units, nominal, missing values; alpha = 0.743.
    coders_by_units = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ])
    assert round(krippendorff_alpha(coders_by_units.T), 3) == 0.743


def test_fleiss_wikipedia_example():
    # Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories.
    table = np.array([
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ])
    assert round(fleiss_kappa(table), 3) == 0.210


def test_cohen_textbook_example():
    # Wikipedia "Cohen's kappa": 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert percent_agreement(np.column_stack([a, b]).astype(float)) == pytest.approx(70.0)


def test_undefined_statistics_are_nan():
    same = np.ones((5, 2))
    assert math.isnan(cohen_kappa(same[:, 0], same[:, 1]))
    assert math.isnan(krippendorff_alpha(same))
    assert math.isnan(fleiss_kappa(np.array([[2, 0]] * 4)))
    assert percent_agreement(same) == 100.0


def test_fleiss_refuses_unequal_raters():
    with pytest.raises(QualkitError, match="same number"):
        fleiss_kappa(np.array([[2, 0], [1, 0]]))


# -- against reference implementations ----------------------------------------------------
@FAST
@given(
    arrays(np.int64, st.tuples(st.integers(2, 25), st.integers(2, 5)), elements=st.integers(0, 3)),
    st.lists(st.floats(0, 1), min_size=125, max_size=125),
)
def test_alpha_matches_krippendorff_package(values, missing_draws):
    matrix = values.astype(float)
    missing = np.array(missing_draws[: matrix.size]).reshape(matrix.shape) < 0.2
    matrix[missing] = nan
    pairable = (~np.isnan(matrix)).sum(axis=1) >= 2
    observed = matrix[pairable]
    if len(np.unique(observed[~np.isnan(observed)])) < 2:
        assert math.isnan(krippendorff_alpha(matrix))
        return
    expected = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="nominal")
    assert krippendorff_alpha(matrix) == pytest.approx(expected, abs=1e-9)


@FAST
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40))
def test_cohen_matches_sklearn(pairs):
    a, b = (np.array(x) for x in zip(*pairs))
    ours = cohen_kappa(a, b)
    if len(np.unique(np.concatenate([a, b]))) < 2:
        assert math.isnan(ours)
        return
    assert ours == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)


@FAST
@given(arrays(np.int64, st.tuples(st.integers(2, 30), st.just(2)), elements=st.integers(0, 2)))
def test_two_rater_fleiss_is_scotts_pi_related_to_alpha(values):
    # For two coders, Fleiss' kappa is Scott's pi and 1 - alpha = (1 - pi) (2N - 1) / 2N.
    if len(np.unique(values)) < 2:
        return
    counts = np.stack([(values == v).sum(axis=1) for v in range(3)], axis=1)
    pi = fleiss_kappa(counts)
    alpha = krippendorff.alpha(reliability_data=values.T.astype(float), level_of_measurement="nominal")
    n = len(values)
    assert 1 - alpha == pytest.approx((1 - pi) * (2 * n - 1) / (2 * n), abs=1e-9)


def _codings_from_matrix(matrix: np.ndarray, coders: list[str], code: str = "c") -> pd.DataFrame:
    rows = [
        {"passage_id": f"p{i}", "doc_id": "d", "code_id": code, "coder": coder}
        for i in range(matrix.shape[0]) for j, coder in enumerate(coders) if matrix[i, j]
    ]
    return pd.DataFrame(rows, columns=["passage_id", "doc_id", "code_id", "coder"])


@FAST
@given(arrays(np.int64, st.tuples(st.integers(2, 30), st.just(2)), elements=st.integers(0, 1)))
def test_agreement_table_matches_references_on_binary_passage_data(matrix):
    matrix = matrix[matrix.any(axis=1)]  # the default universe: passages someone coded
    if len(matrix) == 0 or not matrix[:, 0].any() or not matrix[:, 1].any():
        return
    codings = _codings_from_matrix(matrix, ["ana", "auto"])
    row = agreement(codings).iloc[0]
    assert row["n_units"] == len(matrix)
    assert row["percent_agreement"] == pytest.approx(100 * np.mean(matrix[:, 0] == matrix[:, 1]))
    if len(np.unique(matrix)) == 2:
        assert row["cohen_kappa"] == pytest.approx(
            cohen_kappa_score(matrix[:, 0], matrix[:, 1]), abs=1e-9, nan_ok=True)
        assert row["krippendorff_alpha"] == pytest.approx(krippendorff.alpha(
            reliability_data=matrix.T.astype(float), level_of_measurement="nominal"), abs=1e-9)


# -- the passage universe ------------------------------------------------------------------
def _small_corpus() -> Corpus:
    text = "Saya takut.\nKami berani.\nTidak ada.\nCuaca cerah."
    doc = Document(id="d.txt", text=text, source_type="interview")
    spans = [(0, 11), (12, 24), (25, 35), (36, 48)]
    passages = tuple(
        Passage(doc_id="d.txt", id=f"d.txt#p{i + 1}", start=s, end=e).with_text(doc)
        for i, (s, e) in enumerate(spans)
    )
    return Corpus(documents=(doc,), passages=passages)


def _rows(*triples):
    return pd.DataFrame(
        [{"passage_id": p, "doc_id": "d.txt", "code_id": c, "coder": k} for p, c, k in triples]
    )


def test_uncoded_passages_are_not_counted_unless_asked():
    corpus = _small_corpus()
    codings = _rows(("d.txt#p1", "fear", "ana"), ("d.txt#p1", "fear", "auto"),
                    ("d.txt#p2", "courage", "ana"))
    default = agreement(codings).set_index("code_id")
    assert default.loc["fear", "n_units"] == 2
    assert default.loc["overall", "n_units"] == 4  # 2 passages x 2 codes
    full = agreement(codings, passages=corpus, include_uncoded=True).set_index("code_id")
    assert full.loc["fear", "n_units"] == 4
    assert default.loc["courage", "percent_agreement"] == 50.0
    assert full.loc["courage", "percent_agreement"] == 75.0  # uncoded text inflates agreement
    only = agreement(codings, passages=["d.txt#p2"]).set_index("code_id")
    assert only.loc["fear", "n_units"] == 1
    with pytest.raises(QualkitError, match="include_uncoded"):
        agreement(codings, include_uncoded=True)


def test_table_shape_and_codes_filter():
    codings = _rows(("p1", "fear", "ana"), ("p1", "fear", "auto"), ("p2", "skills", "ana"))
    table = agreement(codings, codes=["fear"])
    assert list(table.columns) == list(AGREEMENT_COLUMNS)
    assert table["code_id"].tolist() == ["fear", "overall"]
    assert table["n_coders"].tolist() == [2, 2]


def test_three_coders_give_no_cohen_but_fleiss_and_alpha():
    codings = _rows(("p1", "x", "a"), ("p1", "x", "b"), ("p1", "x", "c"), ("p2", "x", "a"),
                    ("p3", "x", "b"), ("p3", "y", "c"))
    row = agreement(codings).set_index("code_id").loc["x"]
    assert math.isnan(row["cohen_kappa"])
    assert not math.isnan(row["fleiss_kappa"])
    assert not math.isnan(row["krippendorff_alpha"])


def test_bad_arguments_are_refused_with_clear_errors():
    codings = _rows(("p1", "x", "a"), ("p1", "x", "b"))
    with pytest.raises(QualkitError, match="at least two coders"):
        agreement(codings, coders=["a"])
    with pytest.raises(QualkitError, match="no codings"):
        agreement(codings, coders=["a", "zed"])
    with pytest.raises(QualkitError, match="'unit' parameter"):
        agreement(codings, unit="word")
    with pytest.raises(QualkitError, match="lacks column"):
        agreement(codings.drop(columns="coder"))
    with pytest.raises(QualkitError, match="overlap"):
        agreement(codings, unit="matched_span", overlap=0)


def test_bootstrap_interval_is_reproducible_and_brackets_alpha():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 2, 80)
    other = np.where(rng.random(80) < 0.85, truth, 1 - truth)
    codings = _codings_from_matrix(np.column_stack([truth, other]), ["ana", "budi"])
    one = agreement(codings, bootstrap=300, seed=7).iloc[0]
    two = agreement(codings, bootstrap=300, seed=7).iloc[0]
    assert one["ci_low"] == two["ci_low"] and one["ci_high"] == two["ci_high"]
    assert one["ci_low"] < one["krippendorff_alpha"] < one["ci_high"]
    assert math.isnan(agreement(codings).iloc[0]["ci_low"])


# -- span units ----------------------------------------------------------------------------
def _span_rows(*items):
    return pd.DataFrame([
        {"passage_id": "d#p1", "doc_id": doc, "code_id": code, "coder": coder,
         "start": s, "end": e, "spans": f"{s}-{e}"}
        for doc, code, coder, s, e in items
    ])


def test_span_matching_uses_share_of_shorter_span():
    assert spans_match((0, 10), (5, 100), overlap=0.5)
    assert not spans_match((0, 10), (6, 100), overlap=0.5)
    assert not spans_match((0, 10), (10, 20), overlap=0.01)
    assert spans_match((5, 5), (0, 10))


def test_span_agreement_counts_matched_and_unmatched_spans():
    codings = _span_rows(
        ("d", "fear", "ana", 0, 10), ("d", "fear", "auto", 2, 12),   # matched
        ("d", "fear", "ana", 50, 60),                                 # ana only
        ("d", "fear", "auto", 80, 90), ("d", "fear", "ana", 88, 95),  # too little overlap
    )
    row = agreement(codings, unit="matched_span").set_index("code_id").loc["fear"]
    assert row["n_units"] == 4
    assert row["percent_agreement"] == pytest.approx(25.0)
    table = disagreements(codings, unit="matched_span")
    assert len(table) == 3
    assert set(table.columns) >= {"doc_id", "code_id", "start", "end", "ana", "auto", "text"}
    assert table.loc[table["start"] == 50, "auto"].item() == ""


def test_span_coder_absent_from_document_is_missing_not_no():
    codings = _span_rows(
        ("d1", "fear", "ana", 0, 10), ("d1", "fear", "auto", 0, 10),
        ("d1", "fear", "ana", 20, 30), ("d1", "fear", "auto", 20, 30),
        ("d2", "fear", "ana", 0, 10),                               # auto never saw d2
        ("d1", "skills", "ana", 40, 45), ("d1", "skills", "auto", 40, 45),
    )
    row = agreement(codings, unit="matched_span").set_index("code_id").loc["fear"]
    assert row["percent_agreement"] == 100.0  # d2's unit has only one value
    gone = disagreements(codings, unit="matched_span")
    assert gone.empty


def test_parse_spans_and_errors():
    assert parse_spans("", 3, 4) == [(3, 4)]
    assert parse_spans("1-2; 5-9", 1, 2) == [(1, 2), (5, 9)]
    with pytest.raises(QualkitError, match="bad evidence span"):
        parse_spans("9-1", 0, 0)
    with pytest.raises(QualkitError, match="bad evidence span"):
        parse_spans("x-1", 0, 0)


# -- disagreements, passage units ----------------------------------------------------------
def test_passage_disagreements_side_by_side_with_text():
    corpus = _small_corpus()
    codings = _rows(("d.txt#p1", "fear", "ana"), ("d.txt#p1", "fear", "auto"),
                    ("d.txt#p2", "courage", "ana"), ("d.txt#p3", "fear", "auto"))
    table = disagreements(codings, corpus)
    assert list(table.columns) == ["passage_id", "doc_id", "code_id", "ana", "auto", "text"]
    assert table[["passage_id", "code_id", "ana", "auto"]].values.tolist() == [
        ["d.txt#p2", "courage", True, False], ["d.txt#p3", "fear", False, True]]
    assert table["text"].tolist() == ["Kami berani.", "Tidak ada."]


# -- character units ------------------------------------------------------------------------
def _char_corpus(*lengths: int) -> Corpus:
    docs = tuple(Document(id=f"d{i}", text="x" * n) for i, n in enumerate(lengths))
    passages = tuple(Passage(d.id, f"{d.id}#p1", 0, len(d.text)).with_text(d) for d in docs)
    return Corpus(documents=docs, passages=passages)


def _char_rows(*items):
    return pd.DataFrame([
        {"passage_id": f"{doc}#p1", "doc_id": doc, "code_id": code, "coder": coder,
         "start": s, "end": e, "spans": f"{s}-{e}"}
        for doc, code, coder, s, e in items
    ])


def test_two_coders_sharing_two_of_three_spans_agree_positively():
    corpus = _char_corpus(600)
    codings = _char_rows(("d0", "x", "a", 0, 50), ("d0", "x", "b", 0, 50),
                         ("d0", "x", "a", 200, 250), ("d0", "x", "b", 200, 250),
                         ("d0", "x", "a", 400, 450))
    row = agreement(codings, unit="character", passages=corpus).set_index("code_id").loc["x"]
    assert row["n_units"] == 600
    assert row["cohen_kappa"] > 0.7 and row["krippendorff_alpha"] > 0.7
    old = agreement(codings, unit="matched_span").set_index("code_id").loc["x"]
    assert old["cohen_kappa"] <= 0      # why the matched-span unit is diagnostic only


def test_code_with_89_percent_character_agreement_has_positive_kappa():
    corpus = _char_corpus(1000)
    codings = _char_rows(("d0", "x", "a", 0, 100), ("d0", "x", "b", 0, 100),
                         ("d0", "x", "a", 500, 560), ("d0", "x", "b", 700, 750))
    row = agreement(codings, unit="character", passages=corpus).set_index("code_id").loc["x"]
    assert row["percent_agreement"] == pytest.approx(89.0)
    assert row["cohen_kappa"] > 0.5 and row["fleiss_kappa"] > 0.5
    assert agreement(codings, unit="matched_span").set_index("code_id").loc["x", "cohen_kappa"] < 0


span_lists = st.lists(st.tuples(st.integers(0, 59), st.integers(1, 20)), max_size=4)


@FAST
@given(st.lists(span_lists, min_size=2, max_size=3), st.lists(span_lists, min_size=2, max_size=3))
def test_character_statistics_match_reference_implementations(code_x, code_y):
    coders = [f"c{j}" for j in range(min(len(code_x), len(code_y)))]
    corpus = _char_corpus(60)
    rows, dense = [], {"x": np.zeros((60, len(coders))), "y": np.zeros((60, len(coders)))}
    for code, per_coder in (("x", code_x), ("y", code_y)):
        for j, coder in enumerate(coders):
            rows.append(("d0", "anchor", coder, 0, 0))     # every coder coded the document
            for s, length in per_coder[j]:
                e = min(60, s + length)
                rows.append(("d0", code, coder, s, e))
                dense[code][s:e, j] = 1
    table = agreement(_char_rows(*rows), unit="character", passages=corpus, codes=["x", "y"]).set_index("code_id")
    for code in ("x", "y"):
        mat = dense[code]
        if len(np.unique(mat)) < 2:
            assert math.isnan(table.loc[code, "krippendorff_alpha"])
            continue
        expected = krippendorff.alpha(reliability_data=mat.T, level_of_measurement="nominal")
        assert table.loc[code, "krippendorff_alpha"] == pytest.approx(expected)
        assert table.loc[code, "percent_agreement"] == pytest.approx(percent_agreement(mat))
        if len(coders) == 2 and not (np.unique(mat[:, 0]).size == 1 and np.unique(mat[:, 1]).size == 1
                                     and mat[0, 0] == mat[0, 1]):
            assert table.loc[code, "cohen_kappa"] == pytest.approx(cohen_kappa_score(mat[:, 0], mat[:, 1]))
        assert table.loc[code, "fleiss_kappa"] == pytest.approx(fleiss_kappa(np.column_stack(
            [(1 - mat).sum(axis=1), mat.sum(axis=1)])), nan_ok=True)


def test_character_documents_are_those_every_coder_coded_unless_asked():
    corpus = _char_corpus(100, 100)
    codings = _char_rows(("d0", "x", "a", 0, 10), ("d0", "x", "b", 0, 10), ("d1", "x", "a", 0, 50))
    default = agreement(codings, unit="character", passages=corpus).set_index("code_id").loc["x"]
    full = agreement(codings, unit="character", passages=corpus, include_uncoded=True).set_index("code_id").loc["x"]
    assert default["n_units"] == 100 and default["cohen_kappa"] == 1.0
    assert full["n_units"] == 200 and full["cohen_kappa"] < 1.0


def test_character_bootstrap_resamples_documents():
    corpus = _char_corpus(*([80] * 6))
    items = []
    for i in range(6):
        items += [(f"d{i}", "x", "a", 0, 20 + i), (f"d{i}", "x", "b", 5, 30)]
    row = agreement(_char_rows(*items), unit="character", passages=corpus, bootstrap=200).iloc[0]
    assert row["ci_low"] <= row["krippendorff_alpha"] <= row["ci_high"]
    assert row["ci_low"] < row["ci_high"]


def test_old_span_unit_is_refused_with_the_reason():
    codings = _char_rows(("d0", "x", "a", 0, 10), ("d0", "x", "b", 0, 10))
    with pytest.raises(QualkitError, match="by construction"):
        agreement(codings, unit="span")
    with pytest.raises(QualkitError, match="needs passages=<Corpus>"):
        agreement(codings, unit="character")

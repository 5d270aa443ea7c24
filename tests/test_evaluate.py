"""qualkit.evaluate against scikit-learn, on random codings and by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import ParameterError, QualkitError
from qualkit.evaluation import EVALUATION_COLUMNS, evaluate

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CODES = ("a", "b", "c")


def _long(matrix: np.ndarray, ids: list[str]) -> pd.DataFrame:
    rows = [(ids[i], CODES[j]) for i, j in zip(*np.nonzero(matrix))]
    return pd.DataFrame(rows, columns=["passage_id", "code_id"])


matrices = st.integers(2, 25).flatmap(
    lambda n: st.tuples(*(st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=n, max_size=n)
                          for _ in range(2))))


@FAST
@given(matrices)
def test_passage_scores_match_scikit_learn(pair):
    y, p = (np.array(m, dtype=bool) for m in pair)
    ids = [f"p{i}" for i in range(len(y))]
    table = evaluate(_long(y, ids), _long(p, ids), passages=ids, codes=CODES, bootstrap=0).set_index("code_id")
    for j, code in enumerate(CODES):
        pr, rc, f1, _ = precision_recall_fscore_support(y[:, j], p[:, j], average="binary", zero_division=np.nan)
        row = table.loc[code]
        for ours, theirs in ((row.precision, pr), (row.recall, rc)):
            assert (math.isnan(ours) and math.isnan(theirs)) or ours == pytest.approx(theirs)
        if y[:, j].any() or p[:, j].any():
            assert row.f1 == pytest.approx(f1)
        if len(set(y[:, j])) + len(set(p[:, j])) > 2:   # kappa defined
            assert row.kappa == pytest.approx(cohen_kappa_score(y[:, j], p[:, j]))
        assert row.support == y[:, j].sum() and row.predicted == p[:, j].sum()
    pr, rc, f1, _ = precision_recall_fscore_support(y, p, average="micro", zero_division=np.nan)
    overall = table.loc["overall"]
    if y.any() and p.any():
        assert (overall.precision, overall.recall, overall.f1) == pytest.approx((pr, rc, f1))
    if len(set(y.ravel())) + len(set(p.ravel())) > 2:
        assert overall.kappa == pytest.approx(cohen_kappa_score(y.ravel(), p.ravel()))


def test_uncoded_passages_count_only_when_given():
    ref = pd.DataFrame({"passage_id": ["p1", "p2"], "code_id": ["x", "x"]})
    pred = pd.DataFrame({"passage_id": ["p1", "p3"], "code_id": ["x", "x"]})
    narrow = evaluate(ref, pred, bootstrap=0).iloc[0]
    wide = evaluate(ref, pred, passages=[f"p{i}" for i in range(1, 11)], bootstrap=0).iloc[0]
    assert narrow.n_units == 3 and wide.n_units == 10
    assert narrow.precision == wide.precision == 0.5
    assert wide.kappa > narrow.kappa


def test_bootstrap_interval_brackets_estimate_and_is_reproducible():
    rng = np.random.default_rng(1)
    y = rng.random((200, 3)) < 0.3
    p = y ^ (rng.random((200, 3)) < 0.15)
    ids = [f"p{i}" for i in range(200)]
    one = evaluate(_long(y, ids), _long(p, ids), passages=ids, bootstrap=300, seed=4)
    two = evaluate(_long(y, ids), _long(p, ids), passages=ids, bootstrap=300, seed=4)
    pd.testing.assert_frame_equal(one, two)
    assert list(one.columns) == list(EVALUATION_COLUMNS)
    for stat in ("precision", "recall", "f1", "kappa"):
        assert (one[f"{stat}_low"] <= one[stat]).all() and (one[stat] <= one[f"{stat}_high"]).all()
        assert (one[f"{stat}_high"] - one[f"{stat}_low"] > 0).all()


def _corpus() -> Corpus:
    doc = Document(id="d", text="P: Hello there.\nK: I was afraid of the boss and of the debt.")
    passages = (Passage("d", "d#p1", 3, 15), Passage("d", "d#p2", 19, 59))
    return Corpus(documents=(doc,), passages=tuple(p.with_text(doc) for p in passages))


def _spans(*items: tuple[str, int, int]) -> pd.DataFrame:
    return pd.DataFrame([{"passage_id": "d#p2", "doc_id": "d", "code_id": c, "start": s, "end": e,
                          "spans": f"{s}-{e}"} for c, s, e in items])


def test_character_unit_counts_every_character_of_the_passages():
    corpus = _corpus()
    ref = _spans(("fear", 25, 35))
    pred = _spans(("fear", 25, 30))
    row = evaluate(ref, pred, unit="character", passages=corpus, bootstrap=0).iloc[0]
    assert row.n_units == 12 + 40                      # the two passages, not the labels
    assert row.support == 10 and row.predicted == 5
    assert row.precision == 1.0 and row.recall == 0.5
    universe = np.zeros(52, dtype=bool)
    y, p = universe.copy(), universe.copy()
    y[12 + 6:12 + 16] = True
    p[12 + 6:12 + 11] = True
    assert row.kappa == pytest.approx(cohen_kappa_score(y, p))


def test_character_unit_needs_a_corpus_and_known_documents():
    with pytest.raises(QualkitError, match="needs passages=<Corpus>"):
        evaluate(_spans(("x", 1, 2)), _spans(("x", 1, 2)), unit="character", passages=["d#p2"])
    other = _spans(("x", 20, 22)).assign(doc_id="elsewhere")
    with pytest.raises(QualkitError, match="not in the corpus"):
        evaluate(other, other, unit="character", passages=_corpus())


def test_bad_parameters_are_named():
    ref = pd.DataFrame({"passage_id": ["p1"], "code_id": ["x"]})
    with pytest.raises(ParameterError, match="'unit' parameter of evaluate"):
        evaluate(ref, ref, unit="span")
    with pytest.raises(ParameterError, match="'bootstrap'"):
        evaluate(ref, ref, bootstrap=-1)
    with pytest.raises(QualkitError, match="lacks column"):
        evaluate(ref.drop(columns="code_id"), ref)
    with pytest.raises(QualkitError, match="no known document"):
        evaluate(ref, ref, resample="document")


def test_document_resampling_uses_the_corpus():
    corpus = _corpus()
    ref = pd.DataFrame({"passage_id": ["d#p2"], "code_id": ["x"]})
    table = evaluate(ref, ref, passages=corpus, resample="document", bootstrap=50)
    assert table.loc[0, "precision_low"] == table.loc[0, "precision_high"] == 1.0


def test_public_name_is_the_function_even_after_the_module_is_imported():
    import qualkit
    import qualkit.evaluation  # noqa: F401
    import qualkit.validation  # noqa: F401

    assert callable(qualkit.evaluate) and qualkit.evaluate is evaluate

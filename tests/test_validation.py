"""The validation workflow: stratified sample, blind sheet, weighted figures, statement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import ParameterError, QualkitError
from qualkit.evaluation import evaluate
from qualkit.validation import (
    FIT,
    REFINE,
    UNCERTAIN,
    draw_sample,
    read_sheet,
    validate,
    validation_statement,
    write_sheet,
)


def _corpus(n_docs: int = 4, per_doc: int = 50) -> Corpus:
    docs, passages = [], []
    for d in range(n_docs):
        text = "\n".join(f"synthetic passage {d}-{i}" for i in range(per_doc))
        doc = Document(id=f"doc{d}", text=text)
        docs.append(doc)
        start = 0
        for i, line in enumerate(text.split("\n")):
            passages.append(Passage(doc.id, f"doc{d}#p{i}", start, start + len(line)).with_text(doc))
            start += len(line) + 1
    return Corpus(documents=tuple(docs), passages=tuple(passages))


def _codings(ids, code):
    return pd.DataFrame({"passage_id": list(ids), "code_id": code})


@pytest.fixture()
def study():
    corpus = _corpus()
    rng = np.random.default_rng(3)
    ids = np.array([p.id for p in corpus.passages])
    truth_common = rng.random(len(ids)) < 0.30
    truth_rare = rng.random(len(ids)) < 0.05
    auto_common = truth_common ^ (rng.random(len(ids)) < 0.10)
    auto_rare = truth_rare & (rng.random(len(ids)) < 0.7)
    human = pd.concat([_codings(ids[truth_common], "common"), _codings(ids[truth_rare], "rare")])
    auto = pd.concat([_codings(ids[auto_common], "common"), _codings(ids[auto_rare], "rare")])
    return corpus, human, auto


def test_sample_is_stratified_reproducible_and_weighted(study):
    corpus, _, auto = study
    sample = draw_sample(corpus, auto, n=60, seed=1)
    assert len(sample) == 60 and sample["passage_id"].is_unique
    assert set(sample["stratum"]) == {"common", "rare", "uncoded"}
    assert sample["weight"].sum() == pytest.approx(len(corpus.passages))
    assert (sample["stratum"] == "uncoded").sum() == 18                       # 30 % of n
    rare_auto = auto.loc[auto["code_id"] == "rare", "passage_id"].nunique()
    assert (sample["stratum"] == "rare").sum() == rare_auto                   # small stratum: all of it
    pd.testing.assert_frame_equal(sample, draw_sample(corpus, auto, n=60, seed=1))
    assert not sample.equals(draw_sample(corpus, auto, n=60, seed=2))
    counts = sample[sample["stratum"] == "uncoded"]["doc_id"].value_counts()
    assert counts.max() - counts.min() <= 1                                   # spread over documents


def test_sample_options(study):
    corpus, _, auto = study
    coded_only = draw_sample(corpus, auto, n=30, include_uncoded=False, by=("document",))
    assert set(coded_only["stratum"]) == {"coded"}
    with pytest.raises(ParameterError, match="'by' parameter"):
        draw_sample(corpus, auto, by=("speaker",))
    with pytest.raises(ParameterError, match="'n' parameter"):
        draw_sample(corpus, auto, n=0)
    with pytest.raises(QualkitError, match="needs a Corpus"):
        draw_sample(corpus.passages_frame(), auto)


def test_census_gives_the_same_figures_as_evaluate(study):
    corpus, human, auto = study
    census = draw_sample(corpus, auto, n=len(corpus.passages))
    assert (census["weight"] == 1).all()
    ours = validate(human, auto, sample=census, bootstrap=0).set_index("code_id")
    theirs = evaluate(human, auto, passages=corpus, bootstrap=0).set_index("code_id")
    for stat in ("precision", "recall", "kappa"):
        assert ours[stat].to_numpy() == pytest.approx(theirs[stat].to_numpy())


def test_weighted_estimates_are_unbiased_for_the_corpus(study):
    corpus, human, auto = study
    truth = evaluate(human, auto, passages=corpus, bootstrap=0).set_index("code_id")
    recalls = [validate(human, auto, sample=draw_sample(corpus, auto, n=80, seed=s),
                        bootstrap=0).set_index("code_id").loc["common", "recall"] for s in range(40)]
    assert np.mean(recalls) == pytest.approx(truth.loc["common", "recall"], abs=0.03)


def test_verdicts_follow_the_threshold_and_the_interval(study):
    corpus, human, auto = study
    sample = draw_sample(corpus, auto, n=120, seed=0)
    table = validate(human, auto, sample=sample, threshold=0.6, bootstrap=300).set_index("code_id")
    for code, row in table.iterrows():
        assert row["kappa_low"] <= row["kappa"] <= row["kappa_high"]
        expected = REFINE if row["kappa"] < 0.6 else (FIT if row["kappa_low"] >= 0.6 else UNCERTAIN)
        assert row["verdict"] == expected
    strict = validate(human, auto, sample=sample, threshold=0.99, bootstrap=0)
    assert set(strict["verdict"]) == {REFINE}
    with pytest.raises(QualkitError, match="draw_sample"):
        validate(human, auto, sample=sample.drop(columns="weight"))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_sheet_round_trip_is_blind(study, tmp_path, suffix):
    corpus, human, auto = study
    sample = draw_sample(corpus, auto, n=20, seed=0)
    path = write_sheet(sample, tmp_path / f"sheet{suffix}", ["common", "rare"])
    sheet = pd.read_excel(path) if suffix == ".xlsx" else pd.read_csv(path)
    assert list(sheet.columns) == ["passage_id", "doc_id", "text", "common", "rare"]
    sheet["common"] = ["x" if i % 3 == 0 else "" for i in range(len(sheet))]
    sheet["rare"] = ""
    sheet.to_excel(path, index=False) if suffix == ".xlsx" else sheet.to_csv(path, index=False)
    back = read_sheet(path, coder="ana")
    assert sorted(back["passage_id"]) == sorted(sheet.loc[sheet["common"] == "x", "passage_id"])
    assert set(back["code_id"]) == {"common"} and set(back["coder"]) == {"ana"}
    sheet.loc[1, "rare"] = "maybe"
    sheet.to_excel(path, index=False) if suffix == ".xlsx" else sheet.to_csv(path, index=False)
    with pytest.raises(QualkitError, match="row 3, column 'rare'"):
        read_sheet(path, coder="ana")
    with pytest.raises(QualkitError, match="cannot write"):
        write_sheet(sample, tmp_path / "sheet.txt", ["common"])


def test_statement_states_method_and_figures(study):
    corpus, human, auto = study
    sample = draw_sample(corpus, auto, n=120, seed=0)
    table = validate(human, auto, sample=sample, bootstrap=200)
    text = validation_statement(table, coder="a second researcher", code_names={"common": "Common code"})
    assert "stratified random sample of 120 passages from 4 documents" in text
    assert "a second researcher" in text and "Common code" in text
    common = table.set_index("code_id").loc["common"]
    assert f"kappa {common['kappa']:.2f}" in text
    assert "Over all codes" in text

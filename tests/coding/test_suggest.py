"""The code suggester: estimator contract, learning an obvious signal, cross-validation,
and a small real-data check on PDPilot (read from ../shared/realdata)."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from qualkit.coding.frame import CODING_COLUMNS, validate_codings
from qualkit.coding.manual import CodingSheet
from qualkit.coding.suggest import CodeSuggester, cross_validate_suggester, evaluate_rankings
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import NotFittedError, QualkitError

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT / ".." / "shared" / "realdata"

# Synthetic Indonesian passages: each topic has its own vocabulary (with affixes, so
# stems matter), mixed with shared filler words.
TOPICS = {
    "org_inhibit_documents": ["paspor", "dokumen", "KTP", "kartu keluarga", "ditahan agen", "disita"],
    "ind_inhibit_fear": ["takut", "ketakutan", "ancaman", "diancam", "cemas", "khawatir"],
    "org_support_government": ["kedutaan", "KBRI", "kementerian", "pemerintah", "koordinasi"],
}
FILLER = "saya kami dia waktu itu lalu sudah juga karena dengan di ke dari yang dan".split()


def synthetic(n_per_code: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = random.Random(seed)
    rows, codings = [], []
    for code, words in TOPICS.items():
        for i in range(n_per_code):
            text = " ".join(rng.sample(FILLER, 5) + rng.sample(words, 2) + rng.sample(FILLER, 3))
            pid = f"{code}-{seed}-{i}"
            rows.append({"passage_id": pid, "doc_id": f"d{seed}", "start": 0, "end": len(text),
                         "language": "id", "text": text})
            codings.append({"passage_id": pid, "code_id": code})
    for i in range(n_per_code):  # uncoded small talk
        text = " ".join(rng.sample(FILLER, 8))
        rows.append({"passage_id": f"none-{seed}-{i}", "doc_id": f"d{seed}", "start": 0, "end": len(text),
                     "language": "id", "text": text})
    return pd.DataFrame(rows), pd.DataFrame(codings)


@pytest.fixture(scope="module")
def fitted():
    passages, codings = synthetic(8, seed=1)
    return CodeSuggester(min_examples=3).fit(passages, codings)


def test_init_stores_params_only_and_clone_works():
    model = CodeSuggester(min_examples=5, C=2.0)
    assert model.get_params()["min_examples"] == 5
    assert not any(k.endswith("_") for k in vars(model))
    assert clone(model).get_params() == model.get_params()


def test_use_before_fit_raises_not_fitted():
    model = CodeSuggester()
    with pytest.raises(NotFittedError, match="fit"):
        model.predict_proba(["paspor"])
    with pytest.raises(NotFittedError):
        model.suggest(pd.DataFrame({"passage_id": ["a"], "text": ["paspor"]}))


def test_fit_returns_self_and_learns_classes():
    passages, codings = synthetic(6, seed=2)
    codings = pd.concat([codings, pd.DataFrame({"passage_id": [passages["passage_id"][0]],
                                                "code_id": ["rare_code"]})])
    model = CodeSuggester(min_examples=3)
    assert model.fit(passages, codings) is model
    assert model.classes_.tolist() == sorted(TOPICS)
    assert model.skipped_codes_ == ("rare_code",)
    assert model.n_examples_["ind_inhibit_fear"] == 6


def test_ranks_the_right_code_first_on_held_out_texts(fitted):
    held_out, truth = synthetic(5, seed=99)
    held_out = held_out[held_out["passage_id"].isin(truth["passage_id"])]
    probs = fitted.predict_proba(held_out)
    assert isinstance(probs, pd.DataFrame) and list(probs.columns) == list(fitted.classes_)
    assert ((probs.to_numpy() >= 0) & (probs.to_numpy() <= 1)).all()
    best = probs.idxmax(axis=1)
    expected = truth.set_index("passage_id")["code_id"].reindex(best.index)
    assert (best == expected).mean() >= 0.9
    arr = fitted.predict_proba(["Paspor dan KTP saya disita agen", "Saya sangat ketakutan"])
    assert isinstance(arr, np.ndarray) and arr.shape == (2, 3)
    assert fitted.classes_[arr[0].argmax()] == "org_inhibit_documents"
    assert fitted.classes_[arr[1].argmax()] == "ind_inhibit_fear"


def test_suggest_returns_a_valid_codings_table(fitted):
    held_out, _ = synthetic(3, seed=7)
    out = fitted.suggest(held_out, top_k=2, threshold=0.0)
    assert tuple(out.columns) == CODING_COLUMNS
    validate_codings(out)
    assert set(out["method"]) == {"suggested"} and set(out["coder"]) == {"suggester"}
    assert out.groupby("passage_id").size().max() == 2
    assert set(out["memo"]) == {"rank 1", "rank 2"}
    assert ((out["confidence"] >= 0) & (out["confidence"] <= 1)).all()
    first = out[out["memo"] == "rank 1"].set_index("passage_id")["confidence"]
    second = out[out["memo"] == "rank 2"].set_index("passage_id")["confidence"]
    assert (first.reindex(second.index) >= second).all()
    one = fitted.suggest(held_out, top_k=1, threshold=0.0)
    assert one.groupby("passage_id").size().max() == 1
    assert len(fitted.suggest(held_out, top_k=3, threshold=1.0)) == 0
    with pytest.raises(QualkitError, match="'top_k' parameter"):
        fitted.suggest(held_out, top_k=0)


def test_fits_on_a_corpus_with_manual_codings():
    doc_text = "Paspor saya ditahan agen.\nSaya takut pulang.\nDokumen KTP disita.\nSaya ketakutan."
    doc = Document(id="k.txt", text=doc_text, source_type="interview", language="id")
    passages, start = [], 0
    for i, line in enumerate(doc_text.split("\n"), start=1):
        passages.append(Passage("k.txt", f"k.txt#p{i}", start, start + len(line)).with_text(doc))
        start += len(line) + 1
    corpus = Corpus(documents=(doc,), passages=tuple(passages))
    sheet = CodingSheet(coder="rina")
    for pid, code in [("k.txt#p1", "docs"), ("k.txt#p3", "docs"), ("k.txt#p2", "fear"), ("k.txt#p4", "fear")]:
        sheet = sheet.add(pid, code, corpus=corpus)
    model = CodeSuggester(min_examples=2).fit(corpus, sheet.to_frame())
    out = model.suggest(corpus, top_k=1, threshold=0.0)
    assert out.set_index("passage_id")["code_id"].to_dict() == {
        "k.txt#p1": "docs", "k.txt#p2": "fear", "k.txt#p3": "docs", "k.txt#p4": "fear"}
    assert out["start"].tolist() == [p.start for p in passages]
    assert "paspor" in set(model.explain("docs", top=50)["feature"])


def test_bad_inputs_are_named():
    passages, codings = synthetic(3, seed=3)
    with pytest.raises(QualkitError, match="at least 10 passages"):
        CodeSuggester(min_examples=10).fit(passages, codings)
    with pytest.raises(QualkitError, match="'C' parameter"):
        CodeSuggester(C=0).fit(passages, codings)
    with pytest.raises(QualkitError, match="lacks column"):
        CodeSuggester().fit(passages.drop(columns="text"), codings)
    with pytest.raises(QualkitError, match="none of the codings"):
        CodeSuggester().fit(passages, codings.assign(passage_id="elsewhere"))


def test_cross_validate_columns_and_overall_rows():
    passages, codings = synthetic(10, seed=4)
    cv = cross_validate_suggester(passages, codings, folds=3, top_k=1, threshold=0.5, seed=0)
    assert list(cv.columns) == ["code_id", "precision", "recall", "f1", "support", "predicted", "top_k_hit_rate"]
    assert cv["code_id"].tolist() == sorted(TOPICS) + ["micro", "macro"]
    overall = cv.set_index("code_id")
    assert overall.loc["micro", "support"] == 30
    assert overall.loc["micro", "f1"] > 0.7
    assert cv[["precision", "recall", "f1"]].apply(lambda c: c.between(0, 1)).all().all()


def test_evaluate_rankings_against_hand_computed_values():
    truth = pd.DataFrame({"a": [True, False, True], "b": [False, True, True]}, index=["p1", "p2", "p3"])
    scores = pd.DataFrame({"a": [0.9, 0.8, 0.1], "b": [0.2, 0.1, 0.7]}, index=["p1", "p2", "p3"])
    result = evaluate_rankings(truth, scores, top_k=1, threshold=0.5).set_index("code_id")
    # top-1: p1 -> a (tp), p2 -> a (fp), p3 -> b (tp)
    assert result.loc["a", ["precision", "recall"]].tolist() == [0.5, 0.5]
    assert result.loc["b", ["precision", "recall"]].tolist() == [1.0, 0.5]
    assert result.loc["micro", "precision"] == pytest.approx(2 / 3)
    assert result.loc["micro", "recall"] == pytest.approx(2 / 4)
    assert result.loc["micro", "top_k_hit_rate"] == pytest.approx(2 / 3)
    assert result.loc["macro", "f1"] == pytest.approx((0.5 + 2 / 3) / 2)


def _load_script():
    spec = importlib.util.spec_from_file_location("evaluate_suggester", ROOT / "scripts" / "evaluate_suggester.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(sys.modules[spec.name])
    return sys.modules[spec.name]


@pytest.mark.skipif(not (REALDATA / "pdpilot_user_study").is_dir(),
                    reason="../shared/realdata/pdpilot_user_study is absent (real third-party data)")
def test_pdpilot_top3_hit_rate_beats_majority_baseline():
    data = _load_script().load_pdpilot(REALDATA)
    assert data.n_unmapped <= 5  # segments are found in the transcripts
    passages, codings = data.passages, data.codings
    # word n-grams only, to keep the test fast on a busy machine
    cv = cross_validate_suggester(passages, codings, folds=3, top_k=3, seed=0,
                                  char_ngram_range=None, language="en")
    hit = cv.set_index("code_id").loc["micro", "top_k_hit_rate"]
    # majority baseline in the same folds: the 3 codes most frequent in the training part
    truth = codings.assign(v=True).pivot_table(index="passage_id", columns="code_id", values="v",
                                               aggfunc="any", fill_value=False)
    ids = passages["passage_id"].to_numpy()
    from sklearn.model_selection import KFold

    hits = []
    for train, test in KFold(n_splits=3, shuffle=True, random_state=0).split(ids):
        top3 = truth.reindex(ids[train], fill_value=False).sum().nlargest(3).index
        test_truth = truth.reindex(ids[test], fill_value=False)
        coded = test_truth.any(axis=1)
        hits.extend(test_truth.loc[coded, top3].any(axis=1).tolist())
    baseline = float(np.mean(hits))
    assert hit > baseline + 0.1, (hit, baseline)


# -- seeds from the codebook (synthetic texts) -----------------------------------------------------
def _seed_book():
    from qualkit.codebook.model import Code, Codebook, Cue, Example

    return Codebook(name="seeds", languages=("en",), codes=(
        Code(id="debt", name="Debt bondage", description="owing money to the recruiter or agent",
             cues=(Cue("debt", lang="en"), Cue("owe", lang="en")),
             examples=(Example("I had to repay the loan to the agent", lang="en"),
                       Example("the weather was fine", positive=False, lang="en"))),
        Code(id="confinement", name="Confinement", description="locked in, not allowed to leave the compound",
             cues=(Cue("locked", lang="en"), Cue("guard", lang="en")),
             examples=(Example("guards stopped us at the gate", lang="en"),)),
    ))


def test_seed_texts_come_from_definitions_cues_and_examples():
    from qualkit.coding.suggest import seed_texts

    seeds = seed_texts(_seed_book())
    assert seeds["code_id"].tolist() == ["debt", "debt", "debt", "confinement", "confinement"]
    assert seeds["positive"].tolist() == [True, True, False, True, True]
    assert seeds.loc[0, "text"] == "Debt bondage. owing money to the recruiter or agent. debt owe"
    with pytest.raises(QualkitError, match="must be a Codebook"):
        seed_texts({"debt": "x"})


def test_suggester_learns_from_the_codebook_before_anyone_coded():
    passages = pd.DataFrame({"passage_id": ["a", "b", "c", "d"], "language": "en", "text": [
        "we still owe the agent money for the visa", "they locked the door and a guard watched us",
        "the recruiter said the debt would double", "nobody was allowed to leave the compound"]})
    model = CodeSuggester(language="en").fit(passages, codebook=_seed_book())
    assert sorted(model.classes_) == ["confinement", "debt"]
    probs = model.predict_proba(passages)
    assert (probs.idxmax(axis=1) == ["debt", "confinement", "debt", "confinement"]).all()
    with pytest.raises(QualkitError, match="codings, a codebook"):
        CodeSuggester().fit(passages)


def test_seeds_join_human_codings_and_rescue_rare_codes():
    passages = pd.DataFrame({"passage_id": [f"p{i}" for i in range(6)], "language": "en", "text": [
        "I owe them a lot", "the debt kept growing", "we paid back the loan slowly",
        "my mother cooked rice", "the bus was late", "a guard locked the gate at night"]})
    codings = pd.DataFrame({"passage_id": ["p0", "p1", "p2", "p5"],
                            "code_id": ["debt", "debt", "debt", "confinement"]})
    plain = CodeSuggester(language="en").fit(passages, codings)
    seeded = CodeSuggester(language="en").fit(passages, codings, codebook=_seed_book())
    assert plain.classes_.tolist() == ["debt"] and "confinement" in plain.skipped_codes_
    assert sorted(seeded.classes_) == ["confinement", "debt"]
    assert seeded.n_examples_["confinement"] == 3       # 1 coded passage + 2 seed texts

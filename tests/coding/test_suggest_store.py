"""CodeSuggester(store_features=True): refits on new codings of one corpus reuse its
features and predict exactly as a suggester fitted afresh (synthetic passages)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from qualkit.codebook.model import Code, Codebook
from qualkit.coding.suggest import CodeSuggester
from qualkit.errors import QualkitError

WORDS = {"documents": ["paspor", "dokumen", "ditahan", "disita", "KTP"],
         "fear": ["takut", "ketakutan", "diancam", "cemas", "khawatir"]}
FILLER = "saya kami dia waktu itu lalu sudah juga karena dengan di ke dari yang dan".split()


def passages(seed: int = 3) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for code, words in WORDS.items():
        for i in range(10):
            text = " ".join(rng.sample(FILLER, 4) + rng.sample(words, 2) + rng.sample(FILLER, 2))
            rows.append({"passage_id": f"{code}-{i}", "text": text, "language": "id"})
    return pd.DataFrame(rows)


def codings_of(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """The first ``n`` passages of each topic coded with it (a review that went on)."""
    ids = [pid for pid in frame["passage_id"] if int(pid.split("-")[1]) < n]
    return pd.DataFrame({"passage_id": ids, "code_id": [pid.split("-")[0] for pid in ids]})


NEW = ["paspor saya ditahan agen", "kami takut sekali", "lalu dia pulang"]


def same_predictions(a: CodeSuggester, b: CodeSuggester, frame: pd.DataFrame) -> None:
    assert list(a.classes_) == list(b.classes_)
    np.testing.assert_allclose(a.predict_proba(frame).to_numpy(), b.predict_proba(frame).to_numpy(), atol=1e-12)
    np.testing.assert_allclose(a.predict_proba(NEW), b.predict_proba(NEW), atol=1e-12)


def test_refits_on_new_codings_reuse_the_features_and_predict_as_fresh():
    frame = passages()
    model = CodeSuggester(min_examples=2, store_features=True)
    model.fit(frame, codings_of(frame, 2))
    features = model.features_
    assert features.shape[0] == len(frame) and list(model.feature_passages_) == list(frame["passage_id"])
    for n in (3, 5, 8):  # more codings each time: only the labels change
        model.fit(frame, codings_of(frame, n))
        assert model.features_ is features  # not tokenised and stemmed again
        same_predictions(model, CodeSuggester(min_examples=2).fit(frame, codings_of(frame, n)), frame)
    # predicting some of the stored passages (in another order) is the same as computing them
    part = frame.iloc[[5, 0, 17]]
    np.testing.assert_allclose(model.predict_proba(part).to_numpy(),
                               CodeSuggester(min_examples=2).fit(frame, codings_of(frame, 8))
                               .predict_proba(part).to_numpy(), atol=1e-12)


def test_changed_passages_or_parameters_are_computed_again():
    frame = passages()
    model = CodeSuggester(min_examples=2, store_features=True).fit(frame, codings_of(frame, 4))
    first = model.features_
    edited = frame.copy()
    edited.loc[3, "text"] = "dokumen saya disita di bandara"
    model.fit(edited, codings_of(frame, 4))
    assert model.features_ is not first
    same_predictions(model, CodeSuggester(min_examples=2).fit(edited, codings_of(frame, 4)), edited)
    # a stored passage whose text changed is not taken from the store when predicting
    np.testing.assert_allclose(model.predict_proba(frame).to_numpy(),
                               CodeSuggester(min_examples=2).fit(edited, codings_of(frame, 4))
                               .predict_proba(frame).to_numpy(), atol=1e-12)
    second = model.features_
    model.set_params(ngram_range=(1, 1)).fit(edited, codings_of(frame, 4))
    assert model.features_ is not second
    same_predictions(model, CodeSuggester(min_examples=2, ngram_range=(1, 1)).fit(edited, codings_of(frame, 4)),
                     edited)


def test_seed_texts_are_stored_with_the_passages():
    book = Codebook(name="b", languages=("id",), codes=(Code(id="fear", name="takut", description="ketakutan"),))
    frame = passages()
    model = CodeSuggester(store_features=True).fit(frame, codebook=book)
    first = model.features_
    assert first.shape[0] == len(frame) + 1  # the code's definition is one more row
    model.fit(frame, codings_of(frame, 3), codebook=book)
    assert model.features_ is first
    same_predictions(model, CodeSuggester().fit(frame, codings_of(frame, 3), codebook=book), frame)


def test_off_by_default_and_checked():
    frame = passages()
    model = CodeSuggester(min_examples=2).fit(frame, codings_of(frame, 3))
    assert not hasattr(model, "features_")
    stored = CodeSuggester(min_examples=2, store_features=True).fit(frame, codings_of(frame, 3))
    assert clone(stored).get_params()["store_features"] is True and not hasattr(clone(stored), "features_")
    stored.set_params(store_features=False).fit(frame, codings_of(frame, 3))
    assert not hasattr(stored, "features_")  # nothing kept once switched off
    with pytest.raises(QualkitError, match="'store_features' parameter"):
        CodeSuggester(store_features="yes").fit(frame, codings_of(frame, 3))

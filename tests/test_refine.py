"""Refinement aids: keyness of missed passages, candidate cues with their gains and costs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from qualkit.coding.suggest import CodeSuggester
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import ParameterError, QualkitError
from qualkit.refine import MISSED_TERM_COLUMNS, log_likelihood, missed_terms, near_misses

# synthetic passages, written for this test
TEXTS = [
    "I still owe the agent a lot of money",          # 0 human: debt, auto missed
    "we owed him for the flight and the visa",       # 1 human: debt, auto missed
    "my debt grew every month",                      # 2 human: debt, auto coded
    "she owes the recruiter three months of wages",  # 3 human: debt, auto missed
    "the debt was paid by my brother",               # 4 human: debt, auto coded
    "I owe my mother a phone call",                  # 5 not debt: a false hit for 'owe'
    "the food in the dormitory was cold",            # 6
    "we walked to the market on sunday",             # 7
    "the agent kept our passports in a drawer",      # 8
    "my mother called me every week",                # 9
]


def _corpus() -> Corpus:
    text = "\n".join(TEXTS)
    doc = Document(id="d", text=text, language="en")
    out, start = [], 0
    for i, t in enumerate(TEXTS):
        out.append(Passage("d", f"d#p{i}", start, start + len(t)).with_text(doc))
        start += len(t) + 1
    return Corpus(documents=(doc,), passages=tuple(out))


HUMAN = pd.DataFrame({"passage_id": [f"d#p{i}" for i in (0, 1, 2, 3, 4)], "code_id": "debt"})
AUTO = pd.DataFrame({"passage_id": ["d#p2", "d#p4"], "code_id": "debt"})


def test_log_likelihood_matches_the_formula():
    a, b, c, d = 7, 3, 120, 900
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    assert float(log_likelihood(a, b, c, d)) == pytest.approx(2 * (a * math.log(a / e1) + b * math.log(b / e2)))
    assert float(log_likelihood(5, 50, 100, 1000)) == pytest.approx(0.0)
    assert float(log_likelihood(4, 0, 10, 10)) > 0


def test_missed_terms_groups_stems_counts_gains_and_costs():
    terms = missed_terms("debt", HUMAN, AUTO, _corpus(), max_reference_share=0.5)
    assert list(terms.columns) == list(MISSED_TERM_COLUMNS)
    owe = terms.set_index("term").loc["owe"]
    assert set(owe["forms"].split("; ")) == {"owe", "owed", "owes"}
    assert owe["recovers"] == 3 and owe["missed"] == 3
    assert owe["false_hits"] == 1                       # "I owe my mother a phone call"
    assert owe["kwic"][0] == "I still [owe] the agent a lot of money"
    assert terms["g2"].is_monotonic_decreasing
    assert terms.attrs["n_missed"] == 3 and terms.attrs["n_reference"] == 5


def test_missed_terms_respects_the_person_coded_passages_and_filters():
    only = [f"d#p{i}" for i in range(5)] + ["d#p6", "d#p7"]
    terms = missed_terms("debt", HUMAN, AUTO, _corpus(), passages=only, max_reference_share=0.5)
    assert terms.set_index("term").loc["owe", "false_hits"] == 0
    single = missed_terms("debt", HUMAN, AUTO, _corpus(), ngram=1, min_count=3)
    assert (single["term"].str.count(" ") == 0).all() and (single["recovers"] >= 3).all()
    none_missed = missed_terms("debt", HUMAN, HUMAN, _corpus())
    assert none_missed.empty
    with pytest.raises(QualkitError, match="coded no passage"):
        missed_terms("fear", HUMAN, AUTO, _corpus())
    with pytest.raises(ParameterError, match="'ngram'"):
        missed_terms("debt", HUMAN, AUTO, _corpus(), ngram=0)


def test_near_misses_lists_likely_passages_no_cue_coded():
    corpus = _corpus()
    codings = pd.concat([HUMAN, pd.DataFrame({"passage_id": ["d#p6", "d#p7", "d#p8", "d#p9"], "code_id": "other"})])
    model = CodeSuggester(min_examples=2, char_ngram_range=None, language="en").fit(corpus, codings)
    table = near_misses("debt", AUTO, corpus, model, human=HUMAN, threshold=0.5)
    assert list(table.columns) == ["passage_id", "doc_id", "probability", "human", "text"]
    assert not set(table["passage_id"]) & set(AUTO["passage_id"])
    assert (table["probability"] >= 0.5).all() and table["probability"].is_monotonic_decreasing
    assert set(table["passage_id"]) >= {"d#p0", "d#p1", "d#p3"}
    assert bool(table.set_index("passage_id").loc["d#p0", "human"])
    with pytest.raises(QualkitError, match="has not learned"):
        near_misses("fear", AUTO, corpus, model)

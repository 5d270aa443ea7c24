"""The review queue driven as the browser drives it."""

from __future__ import annotations

import math

import pytest
from widget_fixtures import TEXT_A

from qualkit.errors import QualkitError
from qualkit.widgets import ReviewQueue, wilson_interval
from qualkit.widgets.review import precision_of


def test_wilson_interval_matches_newcombes_published_example():
    # Newcombe (1998), Statistics in Medicine 17:857, example: 81/263 -> 0.2553 to 0.3662
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert wilson_interval(0, 10)[0] == 0 and wilson_interval(10, 10)[1] == 1
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def _auto(project, phrase, code="fear", method="auto", confidence=None):
    s = TEXT_A.index(phrase)
    coder = "auto" if method == "auto" else "suggester"
    return project.add_coding("interviews/a.txt", s, s + len(phrase), code, coder=coder, method=method,
                              status="proposed", confidence=confidence)


def test_rows_are_the_codes_pending_machine_codings_disagreements_first(project):
    a = _auto(project, "takut")
    b = _auto(project, "Paspor", code="documents")            # another code: not listed
    c = _auto(project, "Apa yang terjadi", method="suggested", confidence=0.7)  # no auto coding there
    d = _auto(project, "Lalu bagaimana", method="suggested", confidence=0.5)
    project.add_coding("interviews/a.txt", 0, 6, "fear", coder="rina")  # manual: not reviewed
    queue = ReviewQueue(project, code="fear", coder="rina", redact=False)
    ids = [r["id"] for r in queue.rows]
    assert set(ids) == {a, c, d} and b not in ids
    assert [r["disagree"] for r in queue.rows] == [True, True, False]
    assert ids[:2] == [d, c]  # both disagree; 0.5 is more uncertain than 0.7
    row = queue.rows[ids.index(a)]
    assert (row["match"], row["left"].endswith("Saya "), row["p"]) == ("takut", True, None)


def test_decisions_are_stored_and_precision_follows(project):
    ids = [_auto(project, p) for p in ("takut", "Paspor", "agen", "bandara")]
    queue = ReviewQueue(project, code="fear", coder="rina", refit=False)
    assert queue.precision["reviewed"] == 0
    queue.handle({"type": "decide", "index": 0, "status": "accepted"})
    queue.handle({"type": "decide", "index": 1, "status": "rejected"})
    queue.handle({"type": "decide", "index": 2, "status": "skip"})
    status = dict(zip(project.codings()["id"], project.codings()["status"]))
    assert sorted(status.values()) == ["accepted", "proposed", "proposed", "rejected"]
    assert queue.current == 3
    low, high = wilson_interval(1, 2)
    assert queue.precision == {"reviewed": 2, "accepted": 1, "precision": 0.5, "low": low, "high": high}
    assert queue.precision == precision_of(project.codings(), "fear")
    assert "precision 50%" in queue.message
    assert set(project.history()["coder"].iloc[-2:]) == {"rina"} and set(ids) == set(status)


def test_the_suggester_is_refitted_on_accepted_codings(project):
    for phrase in ("takut", "Paspor", "agen", "bandara", "Apa yang"):
        _auto(project, phrase)
    queue = ReviewQueue(project, code="fear", coder="rina", min_examples=2)
    assert queue.suggester_ is None and all(r["p"] is None for r in queue.rows)
    queue.decide(0, "accepted")
    assert queue.suggester_ is None  # one accepted passage: nothing to learn yet
    queue.decide(0, "accepted")      # rows were re-ranked: index 0 is the next pending one
    assert queue.suggester_ is not None and list(queue.suggester_.classes_) == ["fear"]
    assert len(queue.rows) == 3 and all(0 <= r["p"] <= 1 for r in queue.rows)
    distance = [(not r["disagree"], abs(r["p"] - 0.5)) for r in queue.rows]
    assert distance == sorted(distance)


def test_redacted_by_default_and_bad_input(project):
    s = TEXT_A.index("Sari Dewi: Saya")
    project.add_coding("interviews/a.txt", s, s + 15, "fear", coder="auto", method="auto", status="proposed")
    queue = ReviewQueue(project, code="fear", coder="rina")
    assert "Sari" not in str(queue.get_state()) and queue.rows[0]["match"] == "Participant 1: Saya"
    queue.handle({"type": "decide", "index": 9, "status": "accepted"})
    assert "no row 9" in queue.message
    with pytest.raises(QualkitError, match="'code' parameter"):
        ReviewQueue(project, code="nope", coder="rina")
    with pytest.raises(QualkitError, match="'context' parameter"):
        ReviewQueue(project, code="fear", coder="rina", context=-1)


def test_refitting_reuses_features_and_predicts_as_a_fresh_suggester(project):
    from qualkit.coding.suggest import CodeSuggester

    for phrase in ("takut", "Paspor", "agen", "bandara", "Apa yang", "Lalu bagaimana"):
        _auto(project, phrase)
    queue = ReviewQueue(project, code="fear", coder="rina", min_examples=2)
    queue.decide(0, "accepted")
    queue.decide(0, "accepted")
    queue.decide(0, "rejected")
    fresh = CodeSuggester(min_examples=2).fit(project.corpus(), project.codings(status="accepted"))
    texts = [project.corpus().passages[i].text for i in range(len(project.corpus().passages))]
    ours = queue.suggester_.predict_proba(texts)[:, 0]
    assert list(ours) == pytest.approx(list(fresh.predict_proba(texts)[:, 0]))

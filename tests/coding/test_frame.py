"""The codings table contract."""

import pytest

from qualkit.coding.frame import CODING_COLUMNS, codings_frame, empty_codings, validate_codings
from qualkit.errors import QualkitError


def test_empty_codings_has_the_documented_columns():
    assert tuple(empty_codings().columns) == CODING_COLUMNS


def test_codings_frame_fills_defaults_and_sorts():
    frame = codings_frame([
        {"passage_id": "b#p1", "doc_id": "b", "code_id": "x", "start": 5, "end": 9,
         "coder": "rina", "method": "manual"},
        {"passage_id": "a#p1", "doc_id": "a", "code_id": "y", "start": 0, "end": 3,
         "coder": "auto", "method": "auto", "cue": "takut"},
    ])
    assert frame["doc_id"].tolist() == ["a", "b"]
    assert frame.loc[1, "spans"] == "5-9"
    assert frame.loc[1, "memo"] == ""
    assert frame.loc[0, "confidence"] == 1.0


def test_bad_method_is_named():
    with pytest.raises(QualkitError, match="method 'guess'"):
        codings_frame([{"passage_id": "a#p1", "doc_id": "a", "code_id": "x", "start": 0,
                        "end": 1, "coder": "c", "method": "guess"}])


def test_missing_column_is_named():
    with pytest.raises(QualkitError, match="coder"):
        validate_codings(empty_codings().drop(columns=["coder"]))

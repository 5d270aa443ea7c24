"""write_csv gives the bytes of DataFrame.to_csv, on its own fast path and through pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from qualkit import _io
from qualkit._io import neutralise_formulas, write_csv

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6) | st.sampled_from(
    ["", " ", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "😀", ",", '"', "=1+1", "-x", "@SUM(A1)",
     "\tx", "\rx", "+62 812"])
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([-0.0, 1e16, 1e-5, 1 / 3, 5e-324])


def _expected(frame: pd.DataFrame) -> bytes:
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(TEXT, st.integers(-2**63, 2**63 - 1), FLOATS, st.none() | TEXT,
                               st.none() | TEXT | st.integers(0, 9)), max_size=8),
       chunk=st.sampled_from([1, 2, 50_000]), text_dtype=st.sampled_from([object, "str"]))
def test_bytes_equal_pandas_to_csv(tmp_path_factory, monkeypatch, rows, chunk, text_dtype):
    monkeypatch.setattr(_io, "CSV_CHUNK_ROWS", chunk)
    columns = list(zip(*rows)) or [[]] * 5
    frame = pd.DataFrame({
        "text": pd.Series(columns[0], dtype=text_dtype), "int": np.array(columns[1], dtype=np.int64),
        "float": np.array(columns[2], dtype=np.float64), "missing": pd.Series(columns[3], dtype=object),
        "mixed": pd.Series(columns[4], dtype=object),  # a number in a text column: pandas writes that chunk
    })
    path = write_csv(frame, tmp_path_factory.mktemp("csv") / "t.csv")
    assert path.read_bytes() == _expected(frame)


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"only": ["", "a"]}),                       # a lone empty field is written as ""
    pd.DataFrame({"a": [True, False], "b": ["x", "y"]}),    # bool: through pandas
    pd.DataFrame({"a": pd.to_datetime(["2020-01-01"]), "b": [1]}),
    pd.DataFrame({1: ["x"], "b": ["y"]}),                    # a column name that is not text
    pd.DataFrame({"a,b": ['x"y'], "c": [None]}),
    pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=np.int64)}),
])
def test_other_frames_equal_pandas_to_csv(tmp_path, frame):
    assert write_csv(frame, tmp_path / "t.csv").read_bytes() == _expected(frame)


def test_text_int_float_frames_are_formatted_without_pandas(tmp_path, monkeypatch):
    frame = pd.DataFrame({"a": pd.Series(["x,y", None, "z"], dtype="str"), "n": [1, 2, 3], "f": [0.5, np.nan, 2.0]})
    expected = _expected(frame)

    def refuse(*args, **kwargs):
        raise AssertionError("went through DataFrame.to_csv")

    monkeypatch.setattr(pd.DataFrame, "to_csv", refuse)
    assert write_csv(frame, tmp_path / "t.csv").read_bytes() == expected


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1:A2)", "\tx"])
def test_formula_cells_are_neutralised_and_read_back_as_text(tmp_path, cell):
    frame = pd.DataFrame({"text": [cell, "plain"], "n": [-1, 2]})
    back = pd.read_csv(write_csv(frame, tmp_path / "t.csv"), keep_default_na=False)
    assert back["text"].tolist() == ["'" + cell, "plain"]
    assert back["n"].tolist() == [-1, 2]  # numbers are numbers, never prefixed


def test_xlsx_cells_that_look_like_formulas_stay_text(tmp_path):
    import datetime as dt

    import openpyxl

    from qualkit.outputs._xlsx import write_workbook

    frame = pd.DataFrame({"text": ["=1+1", "@cmd"]})
    target = tmp_path / "t.xlsx"
    write_workbook(str(target), [("s", frame, [10])], when=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    ws = openpyxl.load_workbook(target)["s"]
    assert [(c.value, c.data_type) for c in ws["A"][1:]] == [("=1+1", "s"), ("@cmd", "s")]

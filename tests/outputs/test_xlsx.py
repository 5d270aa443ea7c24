"""The streaming xlsx writer's worksheet XML against a cell-by-cell reference."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, strategies as st

from qualkit.outputs import _xlsx
from qualkit.outputs._xlsx import _cell, column_letter, shared_strings, sheet_xml

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6) | st.sampled_from(["", " a", "<&>", "😀"])
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([-0.0, 1e16, 1 / 3, 5e-324])
OBJECTS = st.one_of(TEXT, st.none(), FLOATS, st.integers(-10**20, 10**20), st.booleans(),
                    st.just(dt.date(2020, 1, 2)), st.just(np.str_("np")))


def _reference_rows(frame: pd.DataFrame, strings, chunk: int) -> str:
    """Rows a cell at a time, a column at a time per chunk of rows (the order in which
    shared strings are numbered): shared strings for text, _cell for everything else."""
    out = []
    for lo in range(0, len(frame), chunk):
        part = frame.iloc[lo:lo + chunk]
        columns = []
        for i in range(len(frame.columns)):
            kind, cells = frame.dtypes.iloc[i].kind, []
            for n, v in enumerate(part.iloc[:, i].tolist(), start=lo + 2):
                ref = f"{column_letter(i + 1)}{n}"
                if kind in "iu" or (kind == "f" and np.isfinite(v)):
                    cells.append(f'<c r="{ref}"><v>{v if kind != "f" else format(v, ".16g")}</v></c>')
                elif kind == "b":
                    cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
                elif type(v) is str:
                    cells.append(f'<c r="{ref}" t="s"><v>{strings[v]}</v></c>')
                else:
                    cells.append(_cell(ref, v))
            columns.append(cells)
        out += [f'<row r="{n}">{"".join(row)}</row>' for n, row in enumerate(zip(*columns), start=lo + 2)]
    return "".join(out)


@given(ints=st.lists(st.integers(-2**63, 2**63 - 1), min_size=4, max_size=4),
       floats=st.lists(FLOATS, min_size=4, max_size=4), bools=st.lists(st.booleans(), min_size=4, max_size=4),
       texts=st.lists(TEXT, min_size=4, max_size=4), objects=st.lists(OBJECTS, min_size=4, max_size=4),
       chunk=st.sampled_from([1, 3, 20_000]))
def test_rows_equal_the_cell_by_cell_reference(ints, floats, bools, texts, objects, chunk):
    frame = pd.DataFrame({"i": np.array(ints, dtype=np.int64), "f": np.array(floats, dtype=np.float64),
                          "b": np.array(bools, dtype=bool), "t": pd.Series(texts, dtype=object),
                          "o": pd.Series(objects, dtype=object)})
    expected_strings, strings = shared_strings(), shared_strings()
    expected = _reference_rows(frame, expected_strings, chunk)
    old, _xlsx.CHUNK_ROWS = _xlsx.CHUNK_ROWS, chunk
    try:
        xml = "".join(sheet_xml(frame, [], strings))
    finally:
        _xlsx.CHUNK_ROWS = old
    body = xml[xml.index("</row>") + len("</row>"):xml.index("</sheetData>")]
    assert body == expected
    assert list(strings) == list(expected_strings)  # same shared strings, same order


@given(FLOATS.filter(np.isfinite))
def test_percent_g_formats_floats_as_format_spec(value):
    assert "%.16g" % value == f"{value:.16g}"

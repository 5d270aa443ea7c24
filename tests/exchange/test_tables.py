"""Property tests for reading table exports (qualkit.exchange._tables, coded_tables)."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.exchange._tables import find_columns, read_table
from qualkit.exchange.coded_tables import split_codes

cells = st.text(alphabet='abc XYZ;,"\'\n\t–é¶', max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=6), st.sampled_from([",", ";", "\t"]),
       st.booleans())
def test_csv_cells_come_back_whatever_the_delimiter_and_bom(rows, delimiter, bom):
    header = ["Document name", "Code", "Segment"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
            csv.writer(f, delimiter=delimiter).writerows([header, *rows])
        got_header, got = read_table(path)
    assert got_header == header
    assert got == [r for r in rows if any(c.strip() for c in r)]
    assert find_columns(got_header) == {"document": 0, "code": 1, "text": 2}


names = st.text(alphabet="abc XY:-.&é\"", min_size=1, max_size=15).map(str.strip).filter(bool)


@given(st.lists(names, min_size=1, max_size=5), st.sampled_from([", ", "\n"]))
def test_codes_joined_in_one_cell_split_back(codes, joiner):
    cell = joiner.join('"' + c.replace('"', '""') + '"' if ("," in c or '"' in c) else c for c in codes)
    if joiner == "\n":  # a line holds one code; commas inside it still split unless quoted
        cell = "\n".join('"' + c.replace('"', '""') + '"' for c in codes)
    assert split_codes(cell) == codes

"""The joins kernel against its plain version (format_spans and ';'.join per group)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from qualkit._kernels.joins import join_labels, join_spans
from qualkit.coding.spans import format_spans

groups = st.lists(st.lists(st.tuples(st.integers(0, 10**12), st.integers(0, 10**6)), min_size=1, max_size=6),
                  max_size=30)


def flat(gs):
    start = np.asarray([s for g in gs for s, _ in g], dtype=np.int64)
    end = np.asarray([s + n for g in gs for s, n in g], dtype=np.int64)
    head = np.asarray([i == 0 for g in gs for i in range(len(g))], dtype=bool)
    return start, end, head


@given(groups)
def test_join_spans_equals_format_spans_per_group(gs):
    start, end, head = flat(gs)
    want = [format_spans((s, s + n) for s, n in g) for g in gs]
    assert join_spans(start, end, head).tolist() == want


names_st = st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8),
                    min_size=1, max_size=6, unique=True)


@given(names_st, st.data())
def test_join_labels_equals_plain_join_per_group(names, data):
    sizes = data.draw(st.lists(st.integers(1, 4), max_size=20))
    label = np.asarray([data.draw(st.integers(0, len(names) - 1)) for _ in range(sum(sizes))], dtype=np.int64)
    head = np.asarray([i == 0 for n in sizes for i in range(n)], dtype=bool)
    arr = np.asarray(names, dtype=object)
    bounds = np.r_[0, np.cumsum(sizes)].tolist()
    want = [";".join(arr[label[a:b]].tolist()) for a, b in zip(bounds[:-1], bounds[1:])]
    assert join_labels(arr, label, head).tolist() == want

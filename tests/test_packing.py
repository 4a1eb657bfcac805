"""packing: what the index caches store reads back as it was."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from jdclassify.packing import Ragged, RaggedList, ragged, unragged


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(-9, 9), max_size=4), max_size=6))
def test_ragged_mapping_reads_each_key_as_the_eager_slices_did(lists):
    arrays = ragged("x", lists)
    keys = [f"k{i}" for i in range(len(lists))]
    lazy = Ragged(keys, arrays["x.offsets"], arrays["x.values"])
    eager = dict(zip(keys, unragged(arrays, "x")))
    assert list(lazy) == keys and len(lazy) == len(keys) and "missing" not in lazy and lazy.get("missing") is None
    assert {k: v.tolist() for k, v in lazy.items()} == {k: v.tolist() for k, v in eager.items()} == dict(zip(keys, lists))
    doubled = Ragged(keys, arrays["x.offsets"], arrays["x.values"], arrays["x.values"] * 2)  # columns of one layout
    assert {k: (a.tolist(), b.tolist()) for k, (a, b) in doubled.items()} == {k: (v, [2 * n for n in v]) for k, v in zip(keys, lists)}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(-9, 9), max_size=4), max_size=6), st.integers(-8, 8))
def test_ragged_list_reads_each_position_as_the_eager_slices_did(lists, i):
    arrays = ragged("x", lists)
    lazy, eager = RaggedList(arrays["x.offsets"], tuple(arrays["x.values"].tolist())), unragged(arrays, "x", tuple(arrays["x.values"].tolist()))
    assert len(lazy) == len(eager) and list(lazy) == eager == [tuple(v) for v in lists] and lazy[1:3] == eager[1:3]
    if -len(lists) <= i < len(lists):
        assert lazy[i] == eager[i]
    else:
        with pytest.raises(IndexError):
            lazy[i]

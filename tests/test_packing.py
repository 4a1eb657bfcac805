"""packing: what the index caches store reads back as it was."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from jdclassify.packing import Ragged, ragged, unragged


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

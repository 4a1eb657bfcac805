"""Strings and ragged integer lists as flat numpy arrays: what the on-disk caches (``index_cache``) store.

Plain arrays load with ``allow_pickle=False``; one UTF-8 byte array is far smaller than a fixed-width numpy
string array (4 bytes a character, padded).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

_SEPARATOR = "\n"  # no normalised title, feature or O*NET title holds one


def pack(strings: Sequence[str]) -> np.ndarray:
    """Strings as one UTF-8 byte array: a fixed-width numpy string array would be 4 bytes a character, padded."""
    if any(_SEPARATOR in s for s in strings):
        raise ValueError("a string to pack holds a line break")
    return np.frombuffer(_SEPARATOR.join(strings).encode("utf-8"), dtype=np.uint8)


def unpack(packed: np.ndarray) -> list[str]:
    return packed.tobytes().decode("utf-8").split(_SEPARATOR) if packed.size else []


def ragged(name: str, lists: Sequence[Sequence[int]]) -> dict[str, np.ndarray]:
    """A list of int lists as (offsets, values) arrays."""
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(x) for x in lists])
    values = np.concatenate([np.asarray(x, dtype=np.int32) for x in lists]) if lists else np.empty(0, dtype=np.int32)
    return {f"{name}.offsets": offsets, f"{name}.values": values}


def unragged(arrays, name: str, values=None) -> list:
    """The lists ``ragged`` stored, as array slices (or slices of ``values``, the stored values mapped)."""
    values = arrays[f"{name}.values"] if values is None else values
    offsets = arrays[f"{name}.offsets"].tolist()
    return [values[a:b] for a, b in zip(offsets, offsets[1:])]


class Ragged(Mapping):
    """``keys`` to their lists as ``ragged`` stored them (``offsets`` into ``columns``; several columns of one
    layout give a tuple of slices), sliced when read. A cached title index holds ~170,000 such lists: slicing them
    all up front took ~0.1 s, a tenth of a one-title run, which reads a few hundred of them."""

    __slots__ = ("_index", "_bounds", "_columns")

    def __init__(self, keys: Sequence, offsets: np.ndarray, *columns) -> None:
        self._index = dict(zip(keys, range(len(keys))))
        self._bounds = offsets.tolist()
        self._columns = columns

    def __getitem__(self, key):
        i = self._index[key]
        a, b = self._bounds[i], self._bounds[i + 1]
        return self._columns[0][a:b] if len(self._columns) == 1 else tuple(c[a:b] for c in self._columns)

    def __contains__(self, key) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


class RaggedList(Sequence):
    """The lists ``ragged`` stored, by position (``offsets`` into ``values``), sliced when read: see ``Ragged``."""

    __slots__ = ("_bounds", "_values")

    def __init__(self, offsets: np.ndarray, values) -> None:
        self._bounds, self._values = offsets.tolist(), values

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(len(self))[i]]
        i = range(len(self))[i]  # negative positions count from the end; out of range raises IndexError
        return self._values[self._bounds[i] : self._bounds[i + 1]]

    def __len__(self) -> int:
        return len(self._bounds) - 1

"""The nightly state: every posting's current version and the runs that committed, in ``OUT/_state/state.parquet``.

A state row (id, content_hash, run_id, first_seen, last_seen, status, raw_hash) is a posting's current version;
the file's metadata lists the committed run ids. ``commit_state`` writes it atomically as the last step of a
night, so a night that dies part-way has committed nothing: ``set_aside_uncommitted`` moves its chunk files
to ``OUT/_aborted/`` before the next attempt. The rows are held as columns (``StateTable``, ~310 bytes a
posting at 1,000,000), the one thing in a nightly run that grows with the feed.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .io.writers import write_parquet_batches

STATE_SCHEMA = pa.schema(
    [("id", pa.string()), ("content_hash", pa.string()), ("run_id", pa.string()),
     ("first_seen", pa.string()), ("last_seen", pa.string()), ("status", pa.string()),
     ("raw_hash", pa.string())]  # the record as read (raw_hash); null in state files written before it existed
)
OPEN, CLOSED = "open", "closed"
_PART = re.compile(r"part-(?P<run_id>.+)-\d{5}\.parquet")
_COMMITTED_KEY = b"jdclassify.committed_runs"


class _Strings:
    """One string column: pyarrow chunks (the loaded column, then appended values sealed ``SEAL`` at a time), the
    values appended since the last seal, and point edits by row (a changed posting's new hash)."""

    SEAL = 65_536

    def __init__(self, loaded: pa.Array) -> None:
        self._chunks, self._starts = ([loaded], [0]) if len(loaded) else ([], [])
        self._sealed = len(loaded)  # rows held in _chunks
        self._tail: list[str | None] = []
        self._edits: dict[int, str | None] = {}

    def __getitem__(self, row: int) -> str | None:
        if row in self._edits:
            return self._edits[row]
        if row >= self._sealed:
            return self._tail[row - self._sealed]
        k = bisect_right(self._starts, row) - 1
        return self._chunks[k][row - self._starts[k]].as_py()

    def __setitem__(self, row: int, value: str | None) -> None:
        self._edits[row] = value
        if len(self._edits) >= self.SEAL:  # a night may edit most rows (raw hashes): fold edits in, SEAL at a time
            self._fold()

    def append(self, value: str | None) -> None:
        self._tail.append(value)
        if len(self._tail) >= self.SEAL:
            self._seal()

    def _seal(self) -> None:
        if self._tail:
            self._chunks.append(pa.array(self._tail, pa.string()))
            self._starts.append(self._sealed)
            self._sealed, self._tail = self._sealed + len(self._tail), []

    def _fold(self) -> None:
        """Make the column one pyarrow array again: the tail sealed, the chunks joined, the edits applied."""
        self._seal()
        if not self._chunks:
            return
        column = pa.concat_arrays(self._chunks) if len(self._chunks) > 1 else self._chunks[0]
        if self._edits:
            edits = sorted(self._edits.items())
            mask = np.zeros(len(column), dtype=bool)
            mask[[row for row, _ in edits]] = True
            column = pc.replace_with_mask(column, pa.array(mask), pa.array([value for _, value in edits], pa.string()))
        self._chunks, self._starts, self._edits = [column], [0], {}

    def take(self, rows: pa.Array) -> pa.Array:
        """The values at ``rows`` (the column is folded first: a chunked array's take would join its chunks on every call)."""
        self._fold()
        return self._chunks[0].take(rows) if self._chunks else pa.array([], pa.string())


class StateTable:
    """Every posting's current version (the nightly state): one row per posting id, held as columns.

    Why columnar: the state holds every posting ever seen, so it is the one thing in a nightly run that grows with
    the feed. As a dict per row it cost ~1,100 bytes a row (~1.1 GB at 1,000,000 postings, which alone breaks
    issue 7's 1.5 GB target). Here the loaded rows' hashes stay in their pyarrow columns; run ids, dates and
    statuses, which repeat, are int32 codes (mutable in place) into one short list of distinct values; an
    ``id -> row`` dict (the only per-row Python objects) finds a row. A changed row's new hashes are point
    edits beside the columns; ids the table lacked are appended as new rows. Rows are never removed, so row
    numbers are stable and ``ids()`` (the dict's keys) lists them in row order: the loaded ones first.
    A loaded 1,000,000-row state takes ~310 bytes a row of RSS (``bench/nightly_state.py``).
    """

    HASHES = ("content_hash", "raw_hash")
    CODED = ("run_id", "first_seen", "last_seen", "status")

    def __init__(self, source: pa.Table | pq.ParquetFile | None = None) -> None:
        """``source``: the rows as a table, or the state's Parquet file, read a column at a time (decoding a
        1,000,000-row file whole took ~400 MB more at once)."""
        source = STATE_SCHEMA.empty_table() if source is None else source
        ids = _column(source, "id").to_pylist()
        self._row: dict[str, int] = dict(zip(ids, range(len(ids))))
        keep = None
        if len(self._row) < len(ids):  # a repeated id: its last row, at its first row's place (as a dict of rows did)
            keep = pa.array(list(self._row.values()), pa.int64())
            self._row = dict(zip(self._row, range(len(self._row))))
        del ids
        self.loaded = len(self._row)  # rows read from the state file: the ones tonight may close
        self._hashes = {name: _Strings(_column(source, name, keep)) for name in self.HASHES}
        self._values: list[str | None] = []  # distinct run ids, dates and statuses
        self._code: dict[str | None, int] = {}
        self._codes = {name: self._encode(_column(source, name, keep)) for name in self.CODED}

    @classmethod
    def from_rows(cls, rows: list[dict]) -> StateTable:
        return cls(pa.Table.from_pylist(rows, schema=STATE_SCHEMA))

    def _intern(self, value: str | None) -> int:
        code = self._code.get(value)
        if code is None:
            code = self._code[value] = len(self._values)
            self._values.append(value)
        return code

    def _encode(self, column: pa.Array) -> array:
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        recode = np.array([self._intern(v) for v in encoded.dictionary.to_pylist()] or [0], dtype=np.int32)
        return array("i", recode[encoded.indices.to_numpy(zero_copy_only=False)].astype(np.int32).tobytes())

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, pid: object) -> bool:
        return pid in self._row

    def row_of(self, pid: str | None) -> int | None:
        return self._row.get(pid)

    def ids(self) -> list[str]:
        """Every id, in row order."""
        return list(self._row)

    def get(self, row: int, name: str) -> str | None:
        if name in self._hashes:
            return self._hashes[name][row]
        return self._values[self._codes[name][row]]

    def set(self, row: int, **values: str | None) -> None:
        for name, value in values.items():
            if name in self._hashes:
                self._hashes[name][row] = value
            else:
                self._codes[name][row] = self._intern(value)

    def put(self, values: dict) -> int:
        """Make ``values`` (a whole row) the current version of its id: in place, or as a new row."""
        row = self._row.get(values["id"])
        if row is not None:
            self.set(row, **{k: v for k, v in values.items() if k != "id"})
            return row
        row = self._row[values["id"]] = len(self._row)
        for name, column in self._hashes.items():
            column.append(values.get(name))
        for name, codes in self._codes.items():
            codes.append(self._intern(values[name]))
        return row

    def row(self, pid: str) -> dict | None:
        """One id's row as a dict (for tests and debugging; the flow reads single values with ``get``)."""
        row = self._row.get(pid)
        return None if row is None else {"id": pid, **{f.name: self.get(row, f.name) for f in STATE_SCHEMA if f.name != "id"}}

    def where(self, name: str, value: str) -> np.ndarray:
        """A bool per row: is column ``name`` (a coded one) ``value``?"""
        code = self._code.get(value, -1)
        return np.frombuffer(self._codes[name], dtype=np.int32) == code if len(self._row) else np.zeros(0, dtype=bool)

    def batches(self, size: int = 65_536) -> Iterator[pa.RecordBatch]:
        """The rows in STATE_SCHEMA, sorted by id, ``size`` at a time: writing never holds a second copy of the table."""
        ids = pa.array(self.ids(), pa.string())
        order, values = pc.sort_indices(ids), pa.array(self._values, pa.string())
        for start in range(0, len(ids), size):
            rows = order.slice(start, size)
            columns = {"id": ids.take(rows)}
            columns.update((name, column.take(rows)) for name, column in self._hashes.items())
            columns.update((name, values.take(pa.array(np.frombuffer(codes, dtype=np.int32)[rows.to_numpy()])))
                           for name, codes in self._codes.items())
            yield pa.record_batch([columns[f.name] for f in STATE_SCHEMA], schema=STATE_SCHEMA)

    def to_arrow(self) -> pa.Table:
        """The table in STATE_SCHEMA, sorted by id."""
        return pa.Table.from_batches(list(self.batches()), schema=STATE_SCHEMA)


def _column(source: pa.Table | pq.ParquetFile, name: str, keep: pa.Array | None = None) -> pa.Array:
    """Column ``name`` as one string array (rows ``keep`` only, if given); all null if the source lacks it
    (``raw_hash`` in older state files)."""
    if isinstance(source, pq.ParquetFile):
        rows, column = source.metadata.num_rows, source.read(columns=[name]).column(0) if name in source.schema_arrow.names else None
    else:
        rows, column = source.num_rows, source.column(name) if name in source.column_names else None
    if column is None:
        return pa.nulls(rows if keep is None else len(keep), pa.string())
    column = column.combine_chunks().cast(pa.string())
    return column if keep is None else column.take(keep)


@dataclass(frozen=True, slots=True)
class State:
    """Every posting's current version, and the runs that committed."""

    postings: StateTable
    committed: tuple[str, ...]


def state_path(out: str | os.PathLike) -> Path:
    return Path(out) / "_state" / "state.parquet"


def load_state(out: str | os.PathLike) -> State:
    path = state_path(out)
    if not path.is_file():
        return State(StateTable(), ())
    file = pq.ParquetFile(path)
    committed = json.loads((file.schema_arrow.metadata or {}).get(_COMMITTED_KEY, b"[]"))
    postings = StateTable(file)
    pa.default_memory_pool().release_unused()  # pyarrow's allocator would keep what reading took (~200 MB at 1M rows)
    return State(postings, tuple(committed))


def commit_state(out: str | os.PathLike, state: State) -> None:
    """Write the state table (sorted by id) atomically: the last step of a successful run."""
    schema = STATE_SCHEMA.with_metadata({_COMMITTED_KEY: json.dumps(list(state.committed)).encode()})
    write_parquet_batches(state_path(out), schema, state.postings.batches())


def set_aside_uncommitted(out: Path, committed: tuple[str, ...], keep: str) -> int:
    """Move chunk files of runs that never committed (crashed attempts) to ``_aborted/``; never deletes.

    ``keep`` is tonight's run id: its earlier attempt's files are overwritten by the same names."""
    moved = 0
    for path in sorted(out.glob("**/part-*.parquet")):
        rel = path.relative_to(out)
        match = _PART.fullmatch(path.name)
        if rel.parts[0] in ("_aborted", "_state") or not match or match["run_id"] in committed or match["run_id"] == keep:
            continue
        target = out / "_aborted" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved += 1
    return moved

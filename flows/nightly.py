"""Prefect flow: each night, classify only the postings that are new or changed, and never delete.

    python flows/nightly.py run FEEDS_DIR --out DIR [--run-date YYYY-MM-DD] [--workers N | --dask ADDRESS]
    python flows/nightly.py serve FEEDS_DIR --out DIR [--cron "0 2 * * *"]   # needs a Prefect server

``FEEDS_DIR`` holds tonight's full snapshot of the feeds. A state table (``DIR/_state/state.parquet``:
id, content_hash, run_id, first_seen, last_seen, status, raw_hash) remembers every posting's current version
(a record whose raw hash is unchanged is not cleaned again).
Tonight's run appends the labels of new and changed postings to the dataset (``run_date=.../source=...``),
records replaced versions in ``DIR/_superseded/`` and postings gone from the feed in ``DIR/_closed/``,
quarantines what cannot be labelled in ``DIR/_quarantine/``, writes a manifest, and commits the state
LAST (atomically). So a run that dies part-way has committed nothing: its chunk files (named by the
deterministic run id) are set aside in ``DIR/_aborted/`` or overwritten by the rerun, and rerunning a
committed night (same date, same feed bytes -> same run id) does nothing at all.

The feed streams as in the batch flow (``flows/batch.py``): each record is planned against the state as it
is read (``Night``), new and changed postings go on in chunks with a bounded number in flight, and results
are written in chunk order, so memory holds the state, not the feed; the state is held as columns
(``StateTable``, ~350 bytes a posting). ``--workers N`` / ``--dask ADDRESS`` classify on Dask as the batch flow does.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402

from jdclassify.errors import QuarantineReason  # noqa: E402
from jdclassify.io.writers import output_paths, write_json, write_parquet, write_parquet_batches  # noqa: E402
from jdclassify.io.readers import RawRecord, Record, finish_record  # noqa: E402
from jdclassify.records import Posting, QuarantineRecord  # noqa: E402
from jdclassify.run import ChunkResult, chunked, input_digests, make_run_id, manifest  # noqa: E402
from jdclassify.settings import Settings  # noqa: E402

try:  # run as ``python flows/nightly.py`` or imported as ``flows.nightly``
    from flows.batch import (classify, classify_stream, lexicon_version, records, summary_markdown, task_runner_for, window_for,
                             write, write_run_report)
except ModuleNotFoundError:  # pragma: no cover - script run without the repository root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from flows.batch import (classify, classify_stream, lexicon_version, records, summary_markdown, task_runner_for, window_for,
                             write, write_run_report)

STATE_SCHEMA = pa.schema(
    [("id", pa.string()), ("content_hash", pa.string()), ("run_id", pa.string()),
     ("first_seen", pa.string()), ("last_seen", pa.string()), ("status", pa.string()),
     ("raw_hash", pa.string())]  # the record as read (raw_hash); null in state files written before it existed
)
SUPERSEDED_SCHEMA = pa.schema(
    [("id", pa.string()), ("content_hash", pa.string()), ("run_id", pa.string()),
     ("superseded_by_hash", pa.string()), ("superseded_by_run_id", pa.string()), ("superseded_on", pa.string())]
)
CLOSED_SCHEMA = pa.schema(
    [("id", pa.string()), ("content_hash", pa.string()), ("run_id", pa.string()),
     ("closed_on", pa.string()), ("closed_by_run_id", pa.string())]
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


def posting_hash(p: Posting) -> str:
    """The posting's content hash (the reader's, else one over the fields that affect labels)."""
    if p.content_hash:
        return p.content_hash
    text = "\x1f".join((p.title, p.description, p.company, p.location, p.employment_type))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def raw_hash(record: RawRecord) -> str:
    """A hash of the record as read (every field cleaning reads): the same raw record cleans to the same posting."""
    p = record.posting
    text = "\x1f".join((p.title, p.description, p.company, p.location, p.posted_date, p.url, p.employment_type))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


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


class Night:
    """Tonight's feed against the state, planned record by record as it is read.

    ``finish`` (given to ``read_postings``) cleans a raw record unless the state holds its raw hash: then it
    stands for the stored version (its content hash), which ``plan`` finds unchanged. Cleaning is most of what
    reading costs, and most of a night's feed is unchanged. ``plan`` compares each record with the state and
    returns what to classify (new and changed postings, and records the reader quarantined) or None; ``labelled``
    makes a classified posting's new version current; ``close`` closes the postings tonight's feed lacks.
    ``postings`` is the next state: the Night takes over ``state.postings`` (a StateTable) and updates it in place.
    Which ids tonight's feed held: a bool per loaded state row, and a set of the other ids only.
    """

    def __init__(self, state: State, settings: Settings, run_date: str, run_id: str) -> None:
        self.settings, self.run_date, self.run_id = settings, run_date, run_id
        self.postings = state.postings
        self.pending: dict[str, tuple[dict, dict | None]] = {}  # id -> (state row, superseded row) applied once labelled
        self._seen_rows = np.zeros(self.postings.loaded, dtype=bool)  # state rows whose id tonight's feed holds
        self._seen_new: set[str] = set()  # ids tonight's feed holds that the state did not
        self.superseded: list[dict] = []
        self.closed: list[dict] = []
        self.counts = {"read": 0, "unchanged": 0, "reopened": 0, "new": 0, "changed": 0}
        self._last: tuple[object, str] | None = None  # (what finish returned last, that record's raw hash)

    def _see(self, pid: str) -> bool:
        """Note that tonight's feed holds ``pid``; True if it was noted before."""
        row = self.postings.row_of(pid)
        if row is not None and row < len(self._seen_rows):
            before, self._seen_rows[row] = bool(self._seen_rows[row]), True
            return before
        if pid in self._seen_new:
            return True
        self._seen_new.add(pid)
        return False

    def finish(self, record: RawRecord) -> Record:
        """The record's Posting as ``finish_record`` gives it, or a stand-in for the stored version if its raw hash is known."""
        digest = raw_hash(record)
        p = record.posting
        row = self.postings.row_of(p.id) if p.id else None
        if row is not None and self.postings.get(row, "raw_hash") == digest:
            item = Posting(id=p.id, title=p.title, source=p.source, line=p.line, content_hash=self.postings.get(row, "content_hash"))
        else:
            item = finish_record(record, self.settings)
        self._last = (item, digest)
        return item

    def plan(self, item: Record) -> Record | None:
        """``item`` if it is to be classified (new, changed, or quarantined), else None (unchanged)."""
        self.counts["read"] += 1
        if isinstance(item, QuarantineRecord):
            self._see(item.id)
            return item
        if self._see(item.id):
            return QuarantineRecord(QuarantineReason.DUPLICATE_ID.value, "id appears again in tonight's feed",
                                    item.source, item.line, item.title[:200], item.id)
        # the raw hash lets the next night skip cleaning this record (finish just made ``item`` from it)
        raw = self._last[1] if self._last is not None and self._last[0] is item else None
        state, digest, old = self.postings, posting_hash(item), self.postings.row_of(item.id)
        if old is not None:
            self.counts["reopened"] += state.get(old, "status") == CLOSED
            state.set(old, last_seen=self.run_date, status=OPEN)  # seen tonight; stays current until a new version is labelled
            if state.get(old, "content_hash") == digest:
                self.counts["unchanged"] += 1
                if raw is not None and raw != state.get(old, "raw_hash"):
                    state.set(old, raw_hash=raw)
                return None
        self.counts["changed" if old is not None else "new"] += 1
        new = {"id": item.id, "content_hash": digest, "run_id": self.run_id,
               "first_seen": state.get(old, "first_seen") if old is not None else self.run_date,
               "last_seen": self.run_date, "status": OPEN, "raw_hash": raw}
        replaced = old is not None and {"id": item.id, "content_hash": state.get(old, "content_hash"), "run_id": state.get(old, "run_id"),
                                        "superseded_by_hash": digest, "superseded_by_run_id": self.run_id, "superseded_on": self.run_date}
        self.pending[item.id] = (new, replaced or None)
        return item

    def labelled(self, result: ChunkResult) -> None:
        """Labelled postings' new versions become current (quarantined ones are tried again next night)."""
        for row in result.rows:
            new, replaced = self.pending.pop(row["id"])
            self.postings.put(new)
            if replaced:
                self.superseded.append(replaced)

    def close(self) -> list[dict]:
        """Once the whole feed is read: close every open posting it lacks (in state row order)."""
        state = self.postings
        gone = ~self._seen_rows & state.where("status", OPEN)[: state.loaded]
        ids = state.ids() if gone.any() else []
        for row in np.flatnonzero(gone).tolist():
            self.closed.append({"id": ids[row], "content_hash": state.get(row, "content_hash"), "run_id": state.get(row, "run_id"),
                                "closed_on": self.run_date, "closed_by_run_id": self.run_id})
            state.set(row, status=CLOSED)
        return self.closed


@dataclass(frozen=True, slots=True)
class NightlySummary:
    run_id: str
    run_date: str
    already_committed: bool
    counts: dict
    batch: object = None  # the RunSummary of what was classified tonight

    def format(self) -> str:
        if self.already_committed:
            return f"nightly {self.run_id} ({self.run_date}): already committed; nothing to do"
        c = self.counts
        head = (f"nightly {self.run_id} ({self.run_date}): read {c['read']:,}; new {c['new']:,}, changed {c['changed']:,}, "
                f"unchanged {c['unchanged']:,} (reopened {c['reopened']:,}), closed {c['closed']:,}, superseded {c['superseded']:,}")
        return head + ("\n" + self.batch.format() if self.batch is not None else "")


@flow(name="jdclassify-nightly")
def nightly(feeds_dir: str, out: str, run_date: str | None = None, chunk_size: int | None = None,
            config: str | None = None, workers: int = 1, dask_address: str | None = None) -> NightlySummary:
    """Classify tonight's new and changed postings from ``feeds_dir`` into the dataset ``out``; idempotent.

    ``workers`` > 1 or ``dask_address`` classify on Dask (a sub-flow with DaskTaskRunner), as the batch flow does."""
    settings = Settings.load(config)
    values = {"workers": max(1, workers)}
    if chunk_size:
        values["chunk_size"] = chunk_size
    settings = settings.with_values(values)
    body = _night.with_options(task_runner=task_runner_for(workers, dask_address))
    return body(feeds_dir=str(feeds_dir), out=str(out), settings=settings, run_date=run_date or date.today().isoformat(),
                window=window_for(workers, dask_address))


@flow(name="jdclassify-nightly-chunks")
def _night(feeds_dir: str, out: str, settings: Settings, run_date: str, window: int = 1) -> NightlySummary:
    logger = get_run_logger()
    started, clock = time.time(), time.perf_counter()
    out_dir = Path(out)
    digests = input_digests([feeds_dir])
    run_id = make_run_id(run_date, digests, salt=str(out_dir.resolve()))
    state = load_state(out_dir)
    if run_id in state.committed:
        logger.info("run %s already committed; nothing to do", run_id)
        return NightlySummary(run_id, run_date, True, {})
    moved = set_aside_uncommitted(out_dir, state.committed, keep=run_id)
    if moved:
        logger.warning("set aside %d chunk file(s) of uncommitted runs in %s", moved, out_dir / "_aborted")

    night = Night(state, settings, run_date, run_id)
    todo = (item for item in map(night.plan, records([feeds_dir], settings, night.finish)) if item is not None)
    tally = classify_stream(chunked(todo, settings.chunk_size), out=str(out_dir), settings=settings, version=lexicon_version(settings),
                            run_id=run_id, run_date=run_date, window=window, classify_task=classify, write_task=write,
                            on_result=night.labelled)
    closed = night.close()
    write_parquet(out_dir / "_superseded" / f"part-{run_id}-00000.parquet", pa.Table.from_pylist(night.superseded, schema=SUPERSEDED_SCHEMA))
    write_parquet(out_dir / "_closed" / f"part-{run_id}-00000.parquet", pa.Table.from_pylist(closed, schema=CLOSED_SCHEMA))

    counts = {**night.counts, "closed": len(closed), "superseded": len(night.superseded)}
    batch = tally.summary(run_id=run_id, run_date=run_date, outputs=output_paths(out_dir, run_id),
                          seconds=time.perf_counter() - clock, workers=settings.workers)
    record = manifest(batch, digests, settings, started=started)
    record["nightly"] = counts
    write_json(batch.outputs.manifest, record)
    write_run_report(str(out_dir), run_id)  # compares with the previous night's _reports/ JSON or manifest
    create_markdown_artifact(summary_markdown(batch) + "\n\n## Changes\n\n" + json.dumps(counts),
                             key="jdclassify-nightly-summary", description=f"nightly run {run_id}")
    commit_state(out_dir, State(night.postings, state.committed + (run_id,)))  # last: this commits the night
    summary = NightlySummary(run_id, run_date, False, counts, batch)
    logger.info(summary.format())
    return summary


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="The jdclassify nightly flow.", epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "serve"):
        p = sub.add_parser(name, help="run once now" if name == "run" else "register the cron schedule and serve it")
        p.add_argument("feeds_dir", metavar="FEEDS_DIR")
        p.add_argument("--out", required=True, metavar="DIR")
        p.add_argument("--config", metavar="TOML")
        p.add_argument("--chunk-size", type=int)
        p.add_argument("--workers", type=int, default=1,
                       help="N > 1: classify on a local Dask cluster of N processes (with --dask: the cluster's worker count)")
        p.add_argument("--dask", dest="dask_address", metavar="ADDRESS", help="an existing Dask scheduler (tcp://host:8786)")
        if name == "run":
            p.add_argument("--run-date", help="YYYY-MM-DD (default: today)")
        else:
            p.add_argument("--cron", help="cron schedule (default: settings.nightly_cron / JDCLASSIFY_NIGHTLY_CRON)")
    args = parser.parse_args(argv)
    if args.command == "run":
        print(nightly(args.feeds_dir, args.out, args.run_date, args.chunk_size, args.config, args.workers, args.dask_address).format())
        return 0
    cron = args.cron or Settings.load(args.config).nightly_cron
    nightly.serve(name="jdclassify-nightly", cron=cron,
                  parameters={"feeds_dir": str(Path(args.feeds_dir).resolve()), "out": str(Path(args.out).resolve()),
                              "chunk_size": args.chunk_size, "config": args.config, "workers": args.workers,
                              "dask_address": args.dask_address})
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from flows.nightly import main as _main

    sys.exit(_main())

"""Prefect flow: each night, classify only the postings that are new or changed, and never delete.

    python flows/nightly.py run FEEDS_DIR --out DIR [--run-date YYYY-MM-DD]
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
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402

from jdclassify.errors import QuarantineReason  # noqa: E402
from jdclassify.io.writers import output_paths, write_json, write_parquet  # noqa: E402
from jdclassify.io.readers import IdRegistry, RawRecord, finish_record, read_raw  # noqa: E402
from jdclassify.records import Posting, QuarantineRecord  # noqa: E402
from jdclassify.run import Tally, chunked, input_digests, make_run_id, manifest  # noqa: E402
from jdclassify.settings import Settings  # noqa: E402

try:  # run as ``python flows/nightly.py`` or imported as ``flows.nightly``
    from flows.batch import (chunk_result, classify, lexicon_version, summary_markdown, task_runner_for, transient_io_error,
                             write, write_run_report)
except ModuleNotFoundError:  # pragma: no cover - script run without the repository root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from flows.batch import (chunk_result, classify, lexicon_version, summary_markdown, task_runner_for, transient_io_error,
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


@dataclass(frozen=True, slots=True)
class State:
    """Every posting's current version, and the runs that committed."""

    postings: dict[str, dict]
    committed: tuple[str, ...]


def state_path(out: str | os.PathLike) -> Path:
    return Path(out) / "_state" / "state.parquet"


def load_state(out: str | os.PathLike) -> State:
    path = state_path(out)
    if not path.is_file():
        return State({}, ())
    table = pq.read_table(path)
    committed = json.loads((table.schema.metadata or {}).get(_COMMITTED_KEY, b"[]"))
    return State({row["id"]: row for row in table.to_pylist()}, tuple(committed))


def commit_state(out: str | os.PathLike, state: State) -> None:
    """Write the state table atomically: the last step of a successful run."""
    rows = [state.postings[k] for k in sorted(state.postings)]
    schema = STATE_SCHEMA.with_metadata({_COMMITTED_KEY: json.dumps(list(state.committed)).encode()})
    write_parquet(state_path(out), pa.Table.from_pylist(rows, schema=schema))


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


@task(retries=3, retry_delay_seconds=[1, 4, 16], retry_condition_fn=transient_io_error, cache_policy=NO_CACHE,
      task_run_name="read {path}")
def read_feed(path: str, settings: Settings) -> list:
    """Tonight's records as read, not yet cleaned (``read_raw``): an unchanged one is never cleaned."""
    return list(read_raw([Path(path)], settings))


def finished(records, state: State, settings: Settings, raw_hashes: dict[str, str]):
    """Postings and QuarantineRecords as ``read_postings`` gives them, except that a record whose raw hash the
    state holds is not cleaned again: it stands for the stored version (its content hash), which plan_night
    finds unchanged. Cleaning is most of what reading costs, and most of a night's feed is unchanged.
    ``raw_hashes`` collects each posting's raw hash by id for the state."""
    ids = IdRegistry()
    for record in records:
        if not isinstance(record, RawRecord):
            yield record
            continue
        digest, old = raw_hash(record), state.postings.get(record.posting.id) if record.posting.id else None
        if old is not None and old.get("raw_hash") == digest:
            p = record.posting
            item = Posting(id=p.id, title=p.title, source=p.source, line=p.line, content_hash=old["content_hash"])
        else:
            item = finish_record(record, settings)
        if isinstance(item, Posting):
            item = ids.admit(item, record.raw)
            if isinstance(item, Posting):
                raw_hashes[item.id] = digest
        yield item


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


@dataclass(frozen=True, slots=True)
class Plan:
    """Tonight's feed against the state: what to classify and what changes once it is labelled."""

    todo: list  # new and changed postings, plus records the reader quarantined
    postings: dict[str, dict]  # next state for everything not being classified (unchanged, reopened, closed)
    pending: dict[str, tuple[dict, dict | None]]  # id -> (state row, superseded row) applied once labelled
    closed: list[dict]
    counts: dict


def plan_night(items, state: State, run_date: str, run_id: str) -> Plan:
    """Compare each posting's content hash with the state; a posting gone from the feed is closed."""
    postings = {k: dict(v) for k, v in state.postings.items()}
    todo, pending, seen = [], {}, set()
    counts = {"read": 0, "unchanged": 0, "reopened": 0, "new": 0, "changed": 0}
    for item in items:
        counts["read"] += 1
        if isinstance(item, QuarantineRecord):
            seen.add(item.id)
            todo.append(item)
            continue
        if item.id in seen:
            todo.append(QuarantineRecord(QuarantineReason.DUPLICATE_ID.value, "id appears again in tonight's feed",
                                         item.source, item.line, item.title[:200], item.id))
            continue
        seen.add(item.id)
        digest, old = posting_hash(item), postings.get(item.id)
        if old is not None:
            counts["reopened"] += old["status"] == CLOSED
            old.update(last_seen=run_date, status=OPEN)  # seen tonight; stays current until a new version is labelled
            if old["content_hash"] == digest:
                counts["unchanged"] += 1
                continue
        counts["changed" if old else "new"] += 1
        new = {"id": item.id, "content_hash": digest, "run_id": run_id,
               "first_seen": old["first_seen"] if old else run_date, "last_seen": run_date, "status": OPEN}
        replaced = old and {"id": item.id, "content_hash": old["content_hash"], "run_id": old["run_id"],
                            "superseded_by_hash": digest, "superseded_by_run_id": run_id, "superseded_on": run_date}
        pending[item.id] = (new, replaced or None)
        todo.append(item)
    closed = []
    for pid, row in postings.items():
        if pid not in seen and row["status"] == OPEN:
            closed.append({"id": pid, "content_hash": row["content_hash"], "run_id": row["run_id"],
                           "closed_on": run_date, "closed_by_run_id": run_id})
            row["status"] = CLOSED
    return Plan(todo, postings, pending, closed, counts)


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


@flow(name="jdclassify-nightly", task_runner=task_runner_for(1))
def nightly(feeds_dir: str, out: str, run_date: str | None = None, chunk_size: int | None = None,
            config: str | None = None) -> NightlySummary:
    """Classify tonight's new and changed postings from ``feeds_dir`` into the dataset ``out``; idempotent."""
    logger = get_run_logger()
    started, clock = time.time(), time.perf_counter()
    settings = Settings.load(config)
    if chunk_size:
        settings = settings.with_values({"chunk_size": chunk_size})
    run_date = run_date or date.today().isoformat()
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

    raw_hashes: dict[str, str] = {}
    night = plan_night(finished(read_feed(feeds_dir, settings), state, settings, raw_hashes), state, run_date, run_id)
    for pid, digest in raw_hashes.items():  # the next night skips cleaning what is unchanged by this
        row = night.pending[pid][0] if pid in night.pending else night.postings.get(pid)
        if row is not None:
            row["raw_hash"] = digest
    version = lexicon_version(settings)
    chunks = list(chunked(night.todo, settings.chunk_size))
    futures = [classify.submit(chunk, settings, version, run_id, run_date, i) for i, chunk in enumerate(chunks)]
    tally, writes, postings, superseded = Tally(), [], night.postings, []
    for index, (chunk, future) in enumerate(zip(chunks, futures)):
        result = chunk_result(future, chunk, run_id)
        tally.add(result)
        for row in result.rows:  # labelled: the new version becomes current (quarantined ones retry next night)
            new, replaced = night.pending[row["id"]]
            postings[row["id"]] = new
            if replaced:
                superseded.append(replaced)
        writes.append(write.submit(str(out_dir), result, run_id, run_date, index))
    for written in writes:
        written.result()
    write_parquet(out_dir / "_superseded" / f"part-{run_id}-00000.parquet", pa.Table.from_pylist(superseded, schema=SUPERSEDED_SCHEMA))
    write_parquet(out_dir / "_closed" / f"part-{run_id}-00000.parquet", pa.Table.from_pylist(night.closed, schema=CLOSED_SCHEMA))

    counts = {**night.counts, "closed": len(night.closed), "superseded": len(superseded)}
    batch = tally.summary(run_id=run_id, run_date=run_date, outputs=output_paths(out_dir, run_id),
                          seconds=time.perf_counter() - clock, workers=1)
    record = manifest(batch, digests, settings, started=started)
    record["nightly"] = counts
    write_json(batch.outputs.manifest, record)
    write_run_report(str(out_dir), run_id)  # compares with the previous night's _reports/ JSON or manifest
    create_markdown_artifact(summary_markdown(batch) + "\n\n## Changes\n\n" + json.dumps(counts),
                             key="jdclassify-nightly-summary", description=f"nightly run {run_id}")
    commit_state(out_dir, State(postings, state.committed + (run_id,)))  # last: this commits the night
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
        if name == "run":
            p.add_argument("--run-date", help="YYYY-MM-DD (default: today)")
        else:
            p.add_argument("--cron", help="cron schedule (default: settings.nightly_cron / JDCLASSIFY_NIGHTLY_CRON)")
    args = parser.parse_args(argv)
    if args.command == "run":
        print(nightly(args.feeds_dir, args.out, args.run_date, args.chunk_size, args.config).format())
        return 0
    cron = args.cron or Settings.load(args.config).nightly_cron
    nightly.serve(name="jdclassify-nightly", cron=cron,
                  parameters={"feeds_dir": str(Path(args.feeds_dir).resolve()), "out": str(Path(args.out).resolve()),
                              "chunk_size": args.chunk_size, "config": args.config})
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from flows.nightly import main as _main

    sys.exit(_main())

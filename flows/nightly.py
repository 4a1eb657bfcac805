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
is read (``jdclassify.night.Night``), new and changed postings go on in chunks with a bounded number in flight,
and results are written in chunk order, so memory holds the state, not the feed (``jdclassify.nightly_state``
keeps it as columns). ``--workers N`` (N > 1) cleans and classifies in the CLI's process pool, as the batch
flow does: the flow reads raw records and plans them, the workers clean the records whose raw hash the state
lacks (a record must be cleaned before it is planned: its content hash decides whether it changed) and then
classify the chunks. ``--dask ADDRESS`` classifies on a Dask cluster, the flow process cleaning.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import pyarrow as pa  # noqa: E402
from prefect import flow, get_run_logger  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402

from jdclassify.io.writers import output_paths, write_json, write_parquet  # noqa: E402
from jdclassify.night import CLOSED_SCHEMA, SUPERSEDED_SCHEMA, Night  # noqa: E402
from jdclassify.nightly_state import State, commit_state, load_state, set_aside_uncommitted  # noqa: E402
from jdclassify.run import chunked, input_digests, make_run_id, manifest  # noqa: E402
from jdclassify.settings import Settings  # noqa: E402

try:  # run as ``python flows/nightly.py`` or imported as ``flows.nightly``
    from flows.batch import (classify, classify_stream, finished, lexicon_version, local_pool, summary_markdown, task_runner_for,
                             window_for, write, write_run_report)
except ModuleNotFoundError:  # pragma: no cover - script run without the repository root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from flows.batch import (classify, classify_stream, finished, lexicon_version, local_pool, summary_markdown, task_runner_for,
                             window_for, write, write_run_report)


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

    ``workers`` > 1 clean and classify in a local process pool, ``dask_address`` classifies on that Dask cluster, as
    the batch flow does."""
    settings = Settings.load(config)
    values = {"workers": max(1, workers)}
    if chunk_size:
        values["chunk_size"] = chunk_size
    settings = settings.with_values(values)
    body = _night.with_options(task_runner=task_runner_for(workers, dask_address))
    return body(feeds_dir=str(feeds_dir), out=str(out), settings=settings, run_date=run_date or date.today().isoformat(),
                window=window_for(workers, dask_address), on_dask=bool(dask_address))


@flow(name="jdclassify-nightly-chunks")
def _night(feeds_dir: str, out: str, settings: Settings, run_date: str, window: int = 1, on_dask: bool = False) -> NightlySummary:
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

    night, version = Night(state, run_date, run_id), lexicon_version(settings)
    with local_pool(settings, version, 1 if on_dask else settings.workers) as pool:
        todo = (item for item in (night.plan(*x) for x in finished([feeds_dir], settings, pool, night.stand_in)) if item is not None)
        tally = classify_stream(chunked(todo, settings.chunk_size), out=str(out_dir), settings=settings, version=version, run_id=run_id,
                                run_date=run_date, window=window, pool=pool, on_dask=on_dask, classify_task=classify, write_task=write,
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
                       help="N > 1: clean and classify in a local pool of N processes (with --dask: the cluster's worker count)")
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

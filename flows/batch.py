"""Prefect flow: classify files into a partitioned Parquet dataset, one task per chunk.

    python flows/batch.py INPUT... --out DIR [--workers N | --dask ADDRESS] [--chunk-size N]

Streams like the pipeline: the inputs are read lazily, in one pass (so an id seen in an earlier input
is quarantined as a duplicate), and cut into chunks -> each chunk is classified by a task (the
Classifier is loaded once per worker process and cached by lexicon_version), with at most a small
window of chunks in flight -> results are written by the flow, in chunk order (``run_date=.../source=...``,
quarantine in ``DIR/_quarantine``) -> manifest and a markdown artifact with the run summary. So memory
does not grow with the input. A transient I/O error while reading restarts the read after 1, 4, then
16 s, skipping the records already given.

``--workers N`` (N > 1) on one machine uses the CLI's process pool (``jdclassify.run.worker_pool``): N forked
processes share the flow's loaded Classifier; the flow only reads raw records, the workers clean them (in order,
a little ahead) and each chunk's task hands its records to them in tasks of 250. That runs at about the CLI's
rate; a local Dask cluster ran at under half of it, the flow process cleaning every record and Prefect walking
every chunk on the same cores as the workers (bench/README.md, "Flows on a local process pool").
``--dask ADDRESS`` runs the classify tasks on an existing Dask cluster (its workers need jdclassify and this
folder importable; give ``--workers`` its worker count so enough chunks are kept in flight).
Without a Prefect server configured it runs in ephemeral mode (the first flow in a process takes
~15 s to start the local API).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from jdclassify.errors import InputError  # noqa: E402
from jdclassify.io.readers import read_postings, read_raw  # noqa: E402
from jdclassify.io.writers import keep_lowest, output_paths, remove_run_files, scan_output, write_dataset_chunk, write_json  # noqa: E402
from jdclassify.run import (  # noqa: E402
    ChunkResult, RunSummary, Tally, TitleMemo, chunked, classify_chunk, classify_pooled, cleaned, input_digests, make_run_id, manifest,
    quarantine_chunk, worker_pool,
)
from jdclassify.settings import Settings  # noqa: E402

# One Classifier per worker process, filled inside the task run (never at import), keyed by lexicon_version.
# The lock stops concurrent task threads from each loading their own copy.
_CLASSIFIERS: dict[str, object] = {}
_LOADING = threading.Lock()


def lexicon_version(settings: Settings) -> str:
    """The version load_lexicons would report, from file hashes only (cheap; no parsing)."""
    from jdclassify.lexicons import lexicon_version as version_of

    return version_of(settings.lexicon_dir, settings.overlay_dir)


def cached_classifier(settings: Settings, version: str):
    """This process's Classifier for ``version`` (with its title memo: run.TitleMemo), loaded on first use."""
    with _LOADING:
        if version not in _CLASSIFIERS:
            from jdclassify.classify import Classifier

            _CLASSIFIERS.clear()  # a new lexicon version replaces the old one; keep one in memory
            _CLASSIFIERS[version] = TitleMemo(Classifier.load(settings))
        return _CLASSIFIERS[version]


READ_RETRY_DELAYS = (1, 4, 16)  # seconds before each new attempt at reading, after a transient I/O error


def transient_io_error(exc: BaseException) -> bool:
    """An OS-level I/O failure worth another try (network filesystems, busy files); bad input is not retried."""
    return isinstance(exc, OSError) and not isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError))


def _logger() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except Exception:  # noqa: BLE001 - outside a flow run (a test, a library caller)
        return logging.getLogger("jdclassify.flows")


def records(inputs: Iterable[str], settings: Settings, raw: bool = False,
            delays: Iterable[float] = READ_RETRY_DELAYS, sleep: Callable[[float], None] = time.sleep) -> Iterator:
    """Every record of ``inputs`` (Postings and QuarantineRecords, ``read_postings`` over all inputs at once; ``raw``:
    ``read_raw``'s, to be cleaned elsewhere), read lazily. A transient OSError restarts the read after each delay in
    turn, skipping the records already given; any other error, or one more after the last delay, is raised."""
    paths, given, read = [Path(p) for p in inputs], 0, read_raw if raw else read_postings
    for delay in (*delays, None):
        try:
            for index, item in enumerate(read(paths, settings)):
                if index >= given:
                    given += 1
                    yield item
            return
        except OSError as exc:
            if delay is None or not transient_io_error(exc):
                raise
            _logger().warning("reading failed after %d records (%s: %s); reading again in %s s, skipping those",
                              given, type(exc).__name__, exc, delay)
            sleep(delay)


def window_for(workers: int = 1, dask_address: str | None = None) -> int:
    """Chunks in flight at once: one with one worker (nothing runs beside it); with more (a local process pool or
    Dask) two per worker and two more, so no worker waits for the flow to read or write while memory stays bounded."""
    return 2 * max(1, workers) + 2 if (dask_address or workers > 1) else 1


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, task_run_name="classify chunk {index}")
def classify(items: list, settings: Settings, version: str, run_id: str, run_date: str, index: int, pool=None) -> ChunkResult:
    """The chunk classified by the local process ``pool``'s workers, or here (one worker, a Dask worker)."""
    if pool is not None:
        return classify_pooled(pool, items, run_id=run_id, run_date=run_date)
    return classify_chunk(cached_classifier(settings, version), items, run_id=run_id, run_date=run_date)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, task_run_name="write chunk {index}")
def write(out: str, result: ChunkResult, run_id: str, run_date: str, index: int) -> int:
    write_dataset_chunk(out, result.rows, result.quarantine, run_id=run_id, chunk=index, run_date=run_date)
    return result.count_in


def chunk_result(future, items: list, run_id: str) -> ChunkResult:
    """The classified chunk, or, if its task failed after its retries, every record quarantined with the error."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a failed chunk is quarantined, never skipped
        _logger().error("chunk of %d records failed after retries; quarantined: %s", len(items), exc)
        return quarantine_chunk(items, exc, run_id=run_id)


def write_run_report(out: str, run_id: str) -> None:
    """The HTML run report in ``out/_reports/``; a failure is logged, never fails the run (``jdclassify report`` rebuilds it)."""
    from jdclassify.report import write_report

    try:
        get_run_logger().info("report: %s", write_report(out, run_id))
    except Exception as exc:  # noqa: BLE001 - the labels are written; the report is derived from them
        get_run_logger().warning("run report not written (%s: %s); rebuild it with: jdclassify report %s --run-id %s",
                                 type(exc).__name__, exc, out, run_id)


def summary_markdown(summary: RunSummary) -> str:
    """The run summary as a markdown artifact: counts, review share, top roles and levels."""
    lines = [
        f"# jdclassify run `{summary.run_id}` ({summary.run_date})",
        "",
        "| records in | labelled | needs review | review share | quarantined | postings/s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {summary.count_in:,} | {summary.labelled:,} | {summary.needs_review:,} | {summary.review_share:.1%} "
        f"| {summary.quarantined:,} | {summary.postings_per_second:,.0f} |",
        "",
        "## Top roles",
        "",
        "| role | name | postings |",
        "| --- | --- | ---: |",
        *(f"| {code} | {name} | {n:,} |" for code, name, n in summary.top_roles),
        "",
        "## Levels",
        "",
        "| level | postings |",
        "| --- | ---: |",
        *(f"| {level} | {n:,} |" for level, n in summary.top_levels),
    ]
    if summary.quarantine_reasons:
        lines += ["", "## Quarantine", "", "| reason | records |", "| --- | ---: |"]
        lines += [f"| {reason} | {n:,} |" for reason, n in summary.quarantine_reasons]
    lines += ["", f"Output: `{summary.outputs.data}`; lexicons `{summary.lexicon_version}`, schema `{summary.schema_version}`."]
    return "\n".join(lines)


def task_runner_for(workers: int = 1, dask_address: str | None = None):
    """DaskTaskRunner for an address; else a thread per chunk in flight, which with N > 1 workers hands the chunk to
    the local process pool (``local_pool``) and waits. A chunk is CPU-bound Python: threads that classified it
    themselves only contended for the GIL (a 20,000-posting night ran at 208 postings/s, one process at 381/s)."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    return ThreadPoolTaskRunner(max_workers=window_for(workers))


@contextmanager
def local_pool(settings: Settings, version: str, workers: int) -> Iterator:
    """The process pool that cleans and classifies for a flow on this machine (forked workers share the flow's
    cached Classifier, so a served flow loads it once), or None for one worker or Dask (``workers`` 1)."""
    if workers <= 1:
        yield None
        return
    with worker_pool(settings, workers, cached_classifier(settings, version)) as pool:
        yield pool


def finished(inputs: list[str], settings: Settings, pool, stand_in: Callable | None = None) -> Iterator:
    """(record, the RawRecord it was cleaned from or None) for every record of ``inputs``, as ``run.cleaned`` gives them:
    cleaned by ``pool``'s workers if there is one. ``stand_in`` goes to ``run.cleaned``."""
    return cleaned(records(inputs, settings, raw=True), settings, pool, settings.workers, stand_in)


def classify_stream(chunks: Iterable[list], *, out: str, settings: Settings, version: str, run_id: str, run_date: str,
                    window: int, pool=None, on_dask: bool = False, classify_task=None, write_task=None,
                    on_result: Callable | None = None) -> Tally:
    """Classify ``chunks`` with at most ``window`` in flight; each result is written here, in chunk order (so the
    output is the same whatever the runner), after ``on_result`` has seen it. A chunk whose task failed after its
    retries is quarantined, never skipped. ``pool`` goes to the classify task. Returns the tally of every result.

    Chunks and results are passed quoted, so Prefect does not walk every record looking for futures (20 s of a
    20,000-posting night); not to Dask, which turns a quote (a named tuple) into a plain tuple."""
    classify_task, write_task = classify_task or classify, write_task or write
    tally, pending = Tally(), deque()

    def settle() -> None:
        index, chunk, future = pending.popleft()
        result = chunk_result(future, chunk, run_id)
        if on_result is not None:
            on_result(result)
        write_task(out, quote(result), run_id, run_date, index)
        tally.add(result)

    for index, chunk in enumerate(chunks):
        items = chunk if on_dask else quote(chunk)
        pending.append((index, chunk, classify_task.submit(items, settings, version, run_id, run_date, index, pool)))
        if len(pending) >= window:
            settle()
    while pending:
        settle()
    return tally


@flow(name="classify-postings-chunks")
def _classify_chunks(inputs: list[str], out: str, settings: Settings, run_date: str, window: int = 1, on_dask: bool = False) -> RunSummary:
    started, clock = time.time(), time.perf_counter()
    logger = get_run_logger()
    digests = input_digests(inputs)
    run_id = make_run_id(run_date, digests, salt=str(Path(out).resolve()))
    Path(out).mkdir(parents=True, exist_ok=True)
    remove_run_files(out, run_id)  # a previous attempt of this same run is replaced, not added to
    version = lexicon_version(settings)
    logger.info("run %s: %d input file(s), lexicons %s", run_id, len(digests), version)

    with local_pool(settings, version, 1 if on_dask else settings.workers) as pool:
        items = records(inputs, settings) if pool is None else (item for item, _ in finished(inputs, settings, pool))
        tally = classify_stream(chunked(items, settings.chunk_size), out=out, settings=settings, version=version, run_id=run_id,
                                run_date=run_date, window=window, pool=pool, on_dask=on_dask)

    workers = int(getattr(settings, "workers", 1))
    summary = tally.summary(run_id=run_id, run_date=run_date, outputs=output_paths(out, run_id),
                            seconds=time.perf_counter() - clock, workers=workers)
    write_json(summary.outputs.manifest, manifest(summary, digests, settings, started=started))
    write_run_report(out, run_id)
    create_markdown_artifact(summary_markdown(summary), key="jdclassify-run-summary", description=f"run {run_id}")
    logger.info(summary.format())
    return summary


@flow(name="classify-postings")
def classify_postings(
    inputs: list[str],
    out: str,
    chunk_size: int | None = None,
    workers: int = 1,
    dask_address: str | None = None,
    run_date: str | None = None,
    config: str | None = None,
) -> RunSummary:
    """Classify ``inputs`` into the partitioned Parquet dataset ``out``; returns the run summary.

    ``workers`` > 1: a local process pool cleans and classifies; ``dask_address``: the chunk tasks run on that Dask cluster
    (a sub-flow with DaskTaskRunner)."""
    settings = Settings.load(config)
    values = {"workers": max(1, workers)}
    if chunk_size:
        values["chunk_size"] = chunk_size
    settings = settings.with_values(values)
    if Path(out).suffix:
        raise InputError(f"--out {out} must be a directory (the flow writes partitioned Parquet)")
    runner = task_runner_for(workers, dask_address)
    body = _classify_chunks.with_options(task_runner=runner)
    return body(inputs=[str(p) for p in inputs], out=str(out), settings=settings, run_date=run_date or date.today().isoformat(),
                window=window_for(workers, dask_address), on_dask=bool(dask_address))


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Run the classify-postings Prefect flow.", epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--chunk-size", type=int)
    parser.add_argument("--workers", type=int, default=1,
                        help="N > 1: a local pool of N processes (with --dask: the cluster's worker count)")
    parser.add_argument("--dask", dest="dask_address", metavar="ADDRESS", help="an existing Dask scheduler (tcp://host:8786)")
    parser.add_argument("--run-date", help="YYYY-MM-DD (default: today)")
    parser.add_argument("--config", metavar="TOML")
    parser.add_argument("--show", type=int, default=15, metavar="N", help="print the first N labels of this run (default 15; 0: none)")
    args = parser.parse_args(argv)
    summary = classify_postings(args.inputs, args.out, args.chunk_size, args.workers, args.dask_address, args.run_date, args.config)
    print(summary.format())
    if args.show:
        print(labels_preview(args.out, summary.run_id, args.show))
    return 0


def labels_preview(out: str, run_id: str, limit: int) -> str:
    """The first ``limit`` labels (by id) of run ``run_id`` as a text table: what a user checks first. The output is
    read a batch at a time, keeping the ``limit`` lowest ids (a million-row output read whole took gigabytes)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = ["id", "title", "role_code", "level", "onet_code", "onet_title", "onet_confidence", "needs_review", "run_id"]
    first = None
    for batch in scan_output(out, columns, pc.field("run_id") == run_id, run_id=run_id, key_columns=["run_id"]):
        first = keep_lowest(first, pa.Table.from_batches([batch]), [("id", "ascending")], limit)
    if first is None:
        return f"\nno labels of run {run_id} in {out}"
    frame = first.drop_columns(["run_id"]).to_pandas()
    frame["title"] = frame["title"].str.slice(0, 40)
    frame["onet_title"] = frame["onet_title"].str.slice(0, 30)
    return f"\nfirst {len(frame)} labels (all in {out}):\n" + frame.to_string(index=False)


if __name__ == "__main__":
    # Import the flow from its module (not __main__) so Dask workers unpickle tasks by reference and
    # share this module's Classifier cache; the repository root makes ``flows`` importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from flows.batch import main as _main

    sys.exit(_main())

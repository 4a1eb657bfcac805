"""The batch runner: read -> classify in chunks -> write, with counts, a manifest and a summary.

Every record read is either labelled or quarantined (``in == labelled + quarantined``; a chunk
that breaks this raises). With ``workers > 1`` the parent only reads raw records; a process pool
whose workers each load the Classifier once cleans and classifies them in small tasks, and results
come back in input order (duplicate ids are still judged in input order, by the parent). The flows in ``flows/`` reuse
``classify_chunk``, ``input_digests`` and ``make_run_id`` so a Prefect run and a CLI run agree.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .errors import InputError, QuarantineReason
from .io.writers import OutputPaths, open_output, write_json
from .records import Classification, Posting, QuarantineRecord
from .schema import SCHEMA_VERSION, quarantine_row, to_row
from .settings import Settings

TOP_N = 10
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """One classified chunk as output rows, with the tallies the summary needs."""

    rows: list[dict]
    quarantine: list[dict]
    count_in: int
    needs_review: int = 0
    roles: Counter = field(default_factory=Counter)
    levels: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    lexicon_versions: frozenset[str] = frozenset()


def classify_chunk(classifier, items: Sequence, *, run_id: str, run_date: str) -> ChunkResult:
    """Classify one chunk; every item comes back as an output row or a quarantine row.

    ``classifier`` is a Classifier or a TitleMemo (which keeps its title memo from chunk to chunk)."""
    memo = classifier if isinstance(classifier, TitleMemo) else TitleMemo(classifier)
    rows, quarantine = [], []
    for is_label, row in memo.rows(items, run_id=run_id, run_date=run_date):
        (rows if is_label else quarantine).append(row)
    if len(rows) + len(quarantine) != len(items):
        raise RuntimeError(
            f"chunk of {len(items)} records gave {len(rows)} labelled + {len(quarantine)} quarantined; "
            "every record must be labelled or quarantined (this is a bug in classify_many)"
        )
    return _tallied(rows, quarantine, len(items))


def _tallied(rows: list[dict], quarantine: list[dict], count_in: int) -> ChunkResult:
    """A ChunkResult with its tallies, counted in C (``Counter`` over ``itemgetter``): a row at a time in Python was
    ~0.03 s of 100,000 titles, a tenth of their memoised rows."""
    return ChunkResult(
        rows=rows,
        quarantine=quarantine,
        count_in=count_in,
        needs_review=sum(map(itemgetter("needs_review"), rows)),
        roles=Counter(map(itemgetter("role_code", "role_name"), rows)),
        levels=Counter(map(itemgetter("level"), rows)),
        reasons=Counter(map(itemgetter("reason"), quarantine)),
        lexicon_versions=frozenset(map(itemgetter("lexicon_version"), rows)),
    )


def quarantine_chunk(items: Sequence, error: BaseException, *, run_id: str) -> ChunkResult:
    """A chunk whose classification failed (after retries): every record quarantined with the error, none skipped."""
    detail = f"chunk failed: {type(error).__name__}: {error}"[:500]
    rows = []
    for item in items:
        if isinstance(item, QuarantineRecord):
            rows.append(quarantine_row(item, run_id=run_id))
            continue
        get = item.get if isinstance(item, dict) else lambda name, default="": getattr(item, name, default)
        record = QuarantineRecord(
            reason=QuarantineReason.PROCESSING_ERROR.value, detail=detail, source=str(get("source", "")),
            line=int(get("line", 0) or 0), excerpt=str(get("title", ""))[:200], id=str(get("id", "")),
        )
        rows.append(quarantine_row(record, run_id=run_id))
    return ChunkResult(rows=[], quarantine=rows, count_in=len(items), reasons=Counter(r["reason"] for r in rows))


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of ``size`` items (the last may be shorter), without reading ahead further."""
    iterator = iter(items)
    while chunk := list(islice(iterator, max(1, size))):
        yield chunk


def _files_under(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if path.is_file():
        return [path]
    raise InputError(f"input not found: {path}; check the path (files and directories are accepted)")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_digests(inputs: Iterable[str | os.PathLike]) -> list[dict]:
    """Every input file (directories expanded) with its size and sha256, for the manifest and run id."""
    return [
        {"path": str(f), "bytes": f.stat().st_size, "sha256": file_sha256(f)}
        for path in inputs
        for f in _files_under(Path(path))
    ]


def make_run_id(run_date: str, digests: Iterable[dict], salt: str = "") -> str:
    """A deterministic run id: the same inputs on the same date give the same id (so reruns overwrite)."""
    digest = hashlib.sha256(run_date.encode())
    for d in digests:
        digest.update(d["sha256"].encode())
    digest.update(salt.encode())
    return f"{run_date.replace('-', '')}-{digest.hexdigest()[:10]}"


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did: counts, top labels, speed, and where everything went."""

    run_id: str
    run_date: str
    outputs: OutputPaths
    count_in: int
    labelled: int
    needs_review: int
    quarantined: int
    seconds: float
    workers: int = 1
    top_roles: tuple[tuple[str, str, int], ...] = ()
    top_levels: tuple[tuple[str, int], ...] = ()
    quarantine_reasons: tuple[tuple[str, int], ...] = ()
    lexicon_version: str = ""
    schema_version: str = SCHEMA_VERSION

    @property
    def postings_per_second(self) -> float:
        return self.count_in / self.seconds if self.seconds > 0 else 0.0

    @property
    def review_share(self) -> float:
        return self.needs_review / self.labelled if self.labelled else 0.0

    def counts(self) -> dict:
        return {"in": self.count_in, "labelled": self.labelled, "needs_review": self.needs_review, "quarantined": self.quarantined}

    def format(self) -> str:
        """The closing summary a user reads after a run."""
        reasons = ", ".join(f"{r} {n:,}" for r, n in self.quarantine_reasons) or "none"
        roles = ", ".join(f"{code} {name} {n:,}" for code, name, n in self.top_roles[:5]) or "none"
        levels = ", ".join(f"{lvl} {n:,}" for lvl, n in self.top_levels[:8]) or "none"
        return "\n".join(
            [
                f"run {self.run_id} ({self.run_date}): {self.count_in:,} records in {self.seconds:.1f} s "
                f"({self.postings_per_second:,.0f} postings/s, {self.workers} worker{'s' if self.workers != 1 else ''})",
                f"  labelled     {self.labelled:,} (needs review {self.needs_review:,} = {self.review_share:.1%})",
                f"  quarantined  {self.quarantined:,} ({reasons})",
                f"  top roles    {roles}",
                f"  top levels   {levels}",
                f"  output       {self.outputs.data}",
                f"  quarantine   {self.outputs.quarantine}",
                f"  manifest     {self.outputs.manifest}",
                f"  lexicons {self.lexicon_version or '-'}, schema {self.schema_version}",
            ]
        )


class Tally:
    """Adds up ChunkResults into a RunSummary (shared by run_batch and the flows)."""

    def __init__(self) -> None:
        self.count_in = self.labelled = self.needs_review = self.quarantined = 0
        self.roles, self.levels, self.reasons = Counter(), Counter(), Counter()
        self.lexicon_versions: set[str] = set()

    def add(self, chunk: ChunkResult) -> None:
        self.count_in += chunk.count_in
        self.labelled += len(chunk.rows)
        self.quarantined += len(chunk.quarantine)
        self.needs_review += chunk.needs_review
        self.roles.update(chunk.roles)
        self.levels.update(chunk.levels)
        self.reasons.update(chunk.reasons)
        self.lexicon_versions |= chunk.lexicon_versions

    def summary(self, *, run_id: str, run_date: str, outputs: OutputPaths, seconds: float, workers: int) -> RunSummary:
        if self.count_in != self.labelled + self.quarantined:
            raise RuntimeError(f"{self.count_in} records in but {self.labelled} labelled + {self.quarantined} quarantined")
        return RunSummary(
            run_id=run_id,
            run_date=run_date,
            outputs=outputs,
            count_in=self.count_in,
            labelled=self.labelled,
            needs_review=self.needs_review,
            quarantined=self.quarantined,
            seconds=seconds,
            workers=workers,
            top_roles=tuple((code, name, n) for (code, name), n in self.roles.most_common(TOP_N)),
            top_levels=tuple(self.levels.most_common(TOP_N)),
            quarantine_reasons=tuple(sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            lexicon_version=",".join(sorted(self.lexicon_versions)),
        )


def manifest(summary: RunSummary, digests: list[dict], settings: Settings, *, started: float) -> dict:
    """The run manifest: enough to tell what produced an output and to reproduce it."""
    return {
        "run_id": summary.run_id,
        "run_date": summary.run_date,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(summary.seconds, 3),
        "postings_per_second": round(summary.postings_per_second, 1),
        "workers": summary.workers,
        "inputs": digests,
        "counts": summary.counts(),
        "quarantine_reasons": dict(summary.quarantine_reasons),
        "top_roles": [{"role_code": c, "role_name": n, "count": k} for c, n, k in summary.top_roles],
        "top_levels": dict(summary.top_levels),
        "lexicon_version": summary.lexicon_version,
        "schema_version": summary.schema_version,
        "outputs": {k: str(v) for k, v in asdict(summary.outputs).items()},
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(settings).items()},
    }


class TitleMemo:
    """Output rows from a Classifier, labelling description-less postings once per (title, employment type).

    Such a posting's labels depend on nothing else, and titles repeat heavily in real feeds, so a
    titles-only run does the matching, labelling and row encoding once per distinct title; a copy's
    row is the first one's with its own id, source and content hash, exactly what labelling it would give.
    """

    def __init__(self, classifier, size: int = 100_000) -> None:
        self.classifier, self.size, self.cache = classifier, size, {}

    @staticmethod
    def _key(item) -> tuple[str, str] | None:
        return (item.title, item.employment_type) if isinstance(item, Posting) and not item.description else None

    def rows(self, items: Iterable, *, run_id: str, run_date: str) -> Iterator[tuple[bool, dict]]:
        """Per item, in order: (True, output row) or (False, quarantine row)."""
        items = list(items)
        keys = [self._key(x) for x in items]
        first: set = set()
        fresh = []
        for item, key in zip(items, keys):
            if key is None or (key not in self.cache and key not in first):
                fresh.append(item)
                if key is not None:
                    first.add(key)
        results = list(self.classifier.classify_many(fresh))
        if len(results) != len(fresh):
            raise RuntimeError(f"classify_many gave {len(results)} results for {len(fresh)} records; "
                               "every record must be labelled or quarantined (this is a bug in classify_many)")
        results = iter(results)
        for item, key in zip(items, keys):
            if key is None:
                yield _row(next(results), run_id, run_date)
                continue
            if key in first:
                first.discard(key)
                is_label, row = _row(next(results), run_id, run_date)
                if is_label:
                    if len(self.cache) >= self.size:
                        self.cache.clear()
                    self.cache[key] = row
                yield is_label, row
                continue
            cached = self.cache.get(key)
            if cached is None:  # its first copy failed; try this one on its own
                yield from (_row(r, run_id, run_date) for r in self.classifier.classify_many([item]))
            else:
                yield True, {**cached, "id": item.id, "source": item.source, "content_hash": item.content_hash,
                             "run_id": run_id, "run_date": run_date}


def _row(result, run_id: str, run_date: str) -> tuple[bool, dict]:
    if isinstance(result, Classification):
        return True, to_row(result, run_id=run_id, run_date=run_date)
    if isinstance(result, QuarantineRecord):
        return False, quarantine_row(result, run_id=run_id)
    raise TypeError(f"classify_many yielded {type(result).__name__}; expected Classification or QuarantineRecord")


# --- process pool: one Classifier per worker process ----------------------------------------
# Where processes can fork, the parent loads the Classifier once and the workers inherit it
# (copy-on-write): no worker spends seconds loading, and N workers do not load N times at once on
# a busy machine. Elsewhere each worker loads it once in the pool initializer.
# The parent only reads (JSON parsing and field mapping, ~30k records/s); workers clean, redact and
# classify whole sub-chunks and send back output rows, so the parent is never the bottleneck.
# The duplicate-id check needs input order, so it runs in the parent on what the workers return.
_WORKER: dict = {}
_TASK_SIZE = 250  # records per pool task: small enough to balance two workers on a short input


def _init_worker(settings: Settings, parent: int) -> None:
    """A spawned worker loads its own Classifier, and ends when ``parent`` does (``_end_with_parent``)."""
    from .classify import Classifier

    _end_with_parent(parent)
    _WORKER["settings"], _WORKER["classifier"] = settings, TitleMemo(Classifier.load(settings))


def _init_forked_worker(parent: int) -> None:
    """A forked worker (it inherited the Classifier): SIGTERM as by default, since a parent's handler (Prefect's flow
    engine installs one) would survive the fork and let the worker ignore the pool's terminate() when another worker
    dies, and one left blocked sending a result hung the run in shutdown; and it ends when ``parent`` does."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent(parent)


def _end_with_parent(parent: int, every: float = 0.5) -> None:
    """A thread that ends this worker once ``parent`` is gone. A run killed with SIGKILL (or by the out-of-memory
    killer) never shuts its pool down, and its workers, each holding the pipe's other ends, would wait for work for
    ever (seen: a killed flow's workers left running under init)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="jdclassify-parent-watch", daemon=True).start()


def _finished(items: list, settings: Settings) -> list:
    """``items`` with each RawRecord cleaned (``finish_record``); the others as they are."""
    from .io.readers import RawRecord, finish_record

    return [finish_record(x, settings) if isinstance(x, RawRecord) else x for x in items]


def _finish_and_classify(items: list, run_id: str, run_date: str) -> list[tuple]:
    """Per item in order: (id key or None, is_label, row); the key is (id, content hash, source, line)."""
    finished = _finished(items, _WORKER["settings"])
    out = []
    for item, (is_label, row) in zip(finished, _WORKER["classifier"].rows(finished, run_id=run_id, run_date=run_date), strict=True):
        key = (item.id, item.content_hash, item.source, item.line) if not isinstance(item, QuarantineRecord) else None
        out.append((key, is_label, row))
    return out


def _admitted(items: list, results: list[tuple], ids, run_id: str) -> ChunkResult:
    """A ChunkResult from a task's rows, quarantining ids already seen (the readers' duplicate rule; ``ids`` None:
    the items were admitted already)."""
    rows, quarantine = [], []
    if len(results) != len(items):
        raise RuntimeError(f"a task of {len(items)} records gave {len(results)} results; every record must be labelled or quarantined")
    for item, (key, is_label, row) in zip(items, results):
        if key is not None and ids is not None:
            duplicate = ids.check(*key, raw=item.raw)
            if duplicate is not None:
                is_label, row = False, quarantine_row(duplicate, run_id=run_id)
        (rows if is_label else quarantine).append(row)
    return _tallied(rows, quarantine, len(items))


def _merged(results: list[ChunkResult]) -> ChunkResult:
    tally = Tally()
    for r in results:
        tally.add(r)
    return ChunkResult(rows=[row for r in results for row in r.rows], quarantine=[row for r in results for row in r.quarantine],
                       count_in=tally.count_in, needs_review=tally.needs_review,
                       roles=tally.roles, levels=tally.levels, reasons=tally.reasons, lexicon_versions=frozenset(tally.lexicon_versions))


class WorkerPool:
    """A process pool that starts fresh workers when one dies (killed out of memory, say), so a long run survives it:
    ``mapped`` submits the work that was in flight again, up to ``restarts`` times a run; after that the run fails
    with BrokenProcessPool, as a plain pool would at once. Shared by threads (a flow cleans on one and classifies on
    others): whichever sees the broken pool first replaces it, the others resubmit to the new one."""

    def __init__(self, make: Callable[[], ProcessPoolExecutor], restarts: int) -> None:
        self._make, self.restarts_left, self.generation = make, restarts, 0
        self._lock = threading.Lock()
        self._pool = make()

    def submit(self, fn, *args) -> tuple[int, Future]:
        """(the pool's generation, the future): a future of a replaced generation is to be submitted again."""
        with self._lock:
            generation, pool = self.generation, self._pool
        try:
            return generation, pool.submit(fn, *args)
        except BrokenProcessPool:
            self.restart(generation)
            return self.submit(fn, *args)

    def restart(self, generation: int) -> None:
        """Replace the pool of ``generation`` if that is still the current one; raise if no restart is left."""
        with self._lock:
            if generation != self.generation:
                return
            if self.restarts_left <= 0:
                raise BrokenProcessPool("a pool worker died and no restart is left (setting worker_restarts)")
            self.restarts_left -= 1
            broken, self._pool = self._pool, self._make()
            self.generation += 1
        log.warning("a pool worker died (killed out of memory?); started fresh workers and resubmitted the work in flight "
                    "(%d restart(s) left)", self.restarts_left)
        broken.shutdown(wait=True)

    def shutdown(self) -> None:
        with self._lock:
            self._pool.shutdown(wait=True)


@contextmanager
def worker_pool(settings: Settings, workers: int, classifier=None, descriptions: bool = True) -> Iterator[WorkerPool]:
    """``workers`` processes that each hold the Classifier (``classifier``, a Classifier or TitleMemo, else one loaded
    here). ``descriptions``: the input has some, so the skill matchers are compiled once here, before forking."""
    if "fork" in multiprocessing.get_all_start_methods():
        from .classify import Classifier

        memo = classifier if isinstance(classifier, TitleMemo) else TitleMemo(classifier or Classifier.load(settings))
        if descriptions:
            memo.classifier.prepare()
        _WORKER["settings"], _WORKER["classifier"] = settings, memo
        gc.collect()
        gc.freeze()  # the garbage collector would touch every inherited object and copy its page into each worker

        def make() -> ProcessPoolExecutor:
            return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                       initializer=_init_forked_worker, initargs=(os.getpid(),))
    else:
        def make() -> ProcessPoolExecutor:
            return ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(settings, os.getpid()))
    pool = WorkerPool(make, settings.worker_restarts)
    try:
        yield pool
    finally:
        pool.shutdown()
        _WORKER.clear()
        gc.unfreeze()


def mapped(fn, work: Iterable[tuple[list, object]], pool: WorkerPool | None, args: tuple = (),
           ahead: int = 1) -> Iterator[tuple[object, list]]:
    """(tag, ``fn(items, *args)``) for each (items, tag) of ``work``, in order: in ``pool``'s workers with at most
    ``ahead`` in flight (``Executor.map`` would submit all of ``work`` at once), or here without a pool. When a worker
    dies, the work in flight is submitted again to fresh workers (``WorkerPool``): ``fn`` must be safe to repeat."""
    if pool is None:
        for items, tag in work:
            yield tag, fn(items, *args)
        return
    pending: deque = deque()  # [tag, items, generation, future], in order

    def first() -> tuple[object, list]:
        while True:
            tag, items, generation, future = pending[0]
            try:
                result = future.result()
            except BrokenProcessPool:
                pool.restart(generation)
                for entry in pending:
                    if entry[2] != pool.generation:
                        entry[2], entry[3] = pool.submit(fn, entry[1], *args)
                continue
            pending.popleft()
            return tag, result

    for items, tag in work:
        pending.append([tag, items, *pool.submit(fn, items, *args)])
        if len(pending) >= ahead:
            yield first()
    while pending:
        yield first()


def cleaned(records: Iterable, settings: Settings, pool: WorkerPool | None = None, workers: int = 1,
            stand_in: Callable | None = None) -> Iterator[tuple[Posting | QuarantineRecord, object]]:
    """``read_raw``'s records finished as ``read_postings`` gives them, in order: cleaned by the ``workers`` of
    ``pool`` (or here), ids admitted here. Each comes with the RawRecord it was cleaned from, or None: a reader's
    quarantine, or a record that ``stand_in(raw)`` gave a finished form for (so it is not cleaned)."""
    from .io.readers import IdRegistry, RawRecord

    ids = IdRegistry()

    def work() -> Iterator[tuple[list, list]]:
        for batch in chunked(records, max(1, min(settings.chunk_size, _TASK_SIZE))):
            given = [stand_in(x) if stand_in is not None and isinstance(x, RawRecord) else None for x in batch]
            yield [g or x for g, x in zip(given, batch)], [(x, g is None) for g, x in zip(given, batch)]

    for sources, items in mapped(_finished, work(), pool, (settings,), ahead=4 * workers):
        for (source, was_cleaned), item in zip(sources, items, strict=True):
            if isinstance(source, RawRecord):
                yield ids.admit(item, source.raw), source if was_cleaned else None
            else:
                yield item, None


def classify_pooled(pool: WorkerPool, items: list, *, run_id: str, run_date: str) -> ChunkResult:
    """``classify_chunk`` of finished and admitted ``items`` by ``pool``'s workers, a task of ``_TASK_SIZE`` at a time."""
    tasks = [(c, None) for c in chunked(items, _TASK_SIZE)]
    results = [r for _, rows in mapped(_finish_and_classify, tasks, pool, (run_id, run_date), ahead=len(tasks)) for r in rows]
    return _admitted(items, results, None, run_id)


def _pooled_chunks(inputs: list[Path], settings: Settings, workers: int, run_id: str, run_date: str, classifier) -> Iterator[ChunkResult]:
    """Chunks of about ``settings.chunk_size`` records, classified by ``workers`` processes, in input order."""
    from .io.readers import IdRegistry, RawRecord, read_raw

    ids = IdRegistry()
    done: list[ChunkResult] = []
    tasks = chunked(read_raw(inputs, settings), max(1, min(settings.chunk_size, _TASK_SIZE)))
    first = next(tasks, [])
    descriptions = any(isinstance(x, RawRecord) and x.posting.description for x in first)
    with worker_pool(settings, workers, classifier, descriptions) as pool:
        work = ((t, t) for t in chain([first] if first else [], tasks))
        for items, results in mapped(_finish_and_classify, work, pool, (run_id, run_date), ahead=4 * workers):  # flat memory
            done.append(_admitted(items, results, ids, run_id))
            if sum(r.count_in for r in done) >= settings.chunk_size:
                yield _merged(done)
                done.clear()
    if done:
        yield _merged(done)


@contextmanager
def batch_gc(young: int = 10_000) -> Iterator[None]:
    """Collect young objects every ``young`` allocations instead of CPython's 700, for one batch (restored after).

    A batch allocates millions of short-lived objects beside a large heap that lives all run (lexicons,
    indexes, memos): with the default the collector ran ~1,300 times and walked that heap in 9 full
    collections, ~0.7 s of a 6 s titles-only run of 100k records."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _classified_chunks(inputs: list[Path], settings: Settings, workers: int, run_id: str, run_date: str, classifier):
    with batch_gc():  # forked workers inherit it
        if workers > 1:
            yield from _pooled_chunks(inputs, settings, workers, run_id, run_date, classifier)
            return
        from .io.readers import read_postings

        if classifier is None:
            from .classify import Classifier

            classifier = Classifier.load(settings)
        classifier = TitleMemo(classifier)
        gc.freeze()  # what is loaded lives all run: no full collection walks it again
        try:
            for chunk in chunked(read_postings(inputs, settings), settings.chunk_size):
                yield classify_chunk(classifier, chunk, run_id=run_id, run_date=run_date)
        finally:
            gc.unfreeze()


def run_batch(
    inputs: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    settings: Settings | None = None,
    *,
    workers: int = 1,
    progress: bool = False,
    run_date: str | None = None,
    classifier=None,
) -> RunSummary:
    """Classify every record in ``inputs`` into ``out`` (format by suffix; a directory is a dataset).

    Writes the output, the quarantine table and the manifest atomically; on any error the
    previous output is left intact. ``classifier`` lets a caller reuse a loaded Classifier
    (workers inherit it where processes fork). A progress bar is shown only when asked and stderr is a terminal.
    """
    settings = settings or Settings.load()
    started = time.time()
    clock = time.perf_counter()
    run_date = run_date or date.today().isoformat()
    digests = input_digests(inputs)
    run_id = make_run_id(run_date, digests, salt=str(Path(out).resolve()))
    tally = Tally()
    bar = None
    if progress and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit=" postings", file=sys.stderr, dynamic_ncols=True)
    try:
        with open_output(out, run_id=run_id, run_date=run_date) as writer:
            for result in _classified_chunks([Path(p) for p in inputs], settings, workers, run_id, run_date, classifier):
                writer.write_chunk(result.rows, result.quarantine)
                tally.add(result)
                if bar is not None:
                    bar.update(result.count_in)
    finally:
        if bar is not None:
            bar.close()
    summary = tally.summary(
        run_id=run_id, run_date=run_date, outputs=writer.paths, seconds=time.perf_counter() - clock, workers=workers
    )
    write_json(writer.paths.manifest, manifest(summary, digests, settings, started=started))
    return summary

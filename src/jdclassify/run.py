"""The batch runner: read -> classify in chunks -> write, with counts, a manifest and a summary.

Every record read is either labelled or quarantined (``in == labelled + quarantined``; a chunk
that breaks this raises). With ``workers > 1`` chunks go to a process pool whose workers each
load the Classifier once; results come back in input order. The flows in ``flows/`` reuse
``classify_chunk``, ``input_digests`` and ``make_run_id`` so a Prefect run and a CLI run agree.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .errors import InputError, QuarantineReason
from .io.writers import OutputPaths, open_output, write_json
from .records import Classification, QuarantineRecord
from .schema import SCHEMA_VERSION, quarantine_row, to_row
from .settings import Settings

TOP_N = 10


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
    """Classify one chunk; every item comes back as an output row or a quarantine row."""
    rows, quarantine = [], []
    roles, levels, reasons = Counter(), Counter(), Counter()
    for result in classifier.classify_many(items):
        if isinstance(result, Classification):
            row = to_row(result, run_id=run_id, run_date=run_date)
            rows.append(row)
            roles[(row["role_code"], row["role_name"])] += 1
            levels[row["level"]] += 1
        elif isinstance(result, QuarantineRecord):
            row = quarantine_row(result, run_id=run_id)
            quarantine.append(row)
            reasons[row["reason"]] += 1
        else:
            raise TypeError(f"classify_many yielded {type(result).__name__}; expected Classification or QuarantineRecord")
    if len(rows) + len(quarantine) != len(items):
        raise RuntimeError(
            f"chunk of {len(items)} records gave {len(rows)} labelled + {len(quarantine)} quarantined; "
            "every record must be labelled or quarantined (this is a bug in classify_many)"
        )
    return ChunkResult(
        rows=rows,
        quarantine=quarantine,
        count_in=len(items),
        needs_review=sum(r["needs_review"] for r in rows),
        roles=roles,
        levels=levels,
        reasons=reasons,
        lexicon_versions=frozenset(r["lexicon_version"] for r in rows),
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


# --- process pool: one Classifier per worker process, loaded by the initializer ---------------
_WORKER_CLASSIFIER = None


def _init_worker(settings: Settings) -> None:
    from .classify import Classifier

    global _WORKER_CLASSIFIER
    _WORKER_CLASSIFIER = Classifier.load(settings)


def _classify_in_worker(items: list, run_id: str, run_date: str) -> ChunkResult:
    return classify_chunk(_WORKER_CLASSIFIER, items, run_id=run_id, run_date=run_date)


def _classified_chunks(chunks: Iterable[list], settings: Settings, workers: int, run_id: str, run_date: str, classifier):
    if workers <= 1:
        if classifier is None:
            from .classify import Classifier

            classifier = Classifier.load(settings)
        for chunk in chunks:
            yield classify_chunk(classifier, chunk, run_id=run_id, run_date=run_date)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(settings,)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(_classify_in_worker, chunk, run_id, run_date))
            if len(pending) >= 2 * workers:  # bounded look-ahead keeps memory flat
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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
    (single process only). A progress bar is shown only when asked and stderr is a terminal.
    """
    from .io.readers import read_postings

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
            chunks = chunked(read_postings([Path(p) for p in inputs], settings), settings.chunk_size)
            for result in _classified_chunks(chunks, settings, workers, run_id, run_date, classifier):
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

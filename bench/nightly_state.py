"""Memory of the nightly flow's state: bytes per state row, loading a state and planning a night through ``Night``.

    python bench/nightly_state.py make DIR [--rows 1000000]   # a synthetic committed state in DIR/_state/
    python bench/nightly_state.py measure DIR [--commit-to OUT] [--night N]

``make`` writes a state of N postings as a year of nights would leave it (ids like the corpus's, 64-hex content
hashes, 32-hex raw hashes, 30 run ids and dates, 5 % closed). ``measure`` loads it with ``jdclassify.nightly_state``
(whatever ``jdclassify`` is first on sys.path, so another checkout can be measured the same way), then plans a night of the same
size (or ``--night N`` records) through ``Night`` without classifying: 88 % unchanged, 8 % changed, 2 % gone
(closed), 2 % new (every id past the state's is new, so a 1-row state and ``--night 1000000`` is a first night); changed and
new postings are "labelled" 1,000 at a time as ``classify_stream`` would; then closes and commits the state to
``--commit-to`` (a temporary folder by default). It prints RSS (``/proc/self/status``) after each step and the
bytes per state row.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _hex(i: int, salt: str, n: int) -> str:
    return hashlib.sha256(f"{salt}{i}".encode()).hexdigest()[:n]


def make(out: Path, rows: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from jdclassify.nightly_state import STATE_SCHEMA, _COMMITTED_KEY, state_path

    dates = [f"2024-{m:02d}-{d:02d}" for m in (1, 2) for d in range(1, 16)]
    runs = [f"{d.replace('-', '')}-{_hex(i, 'run', 10)}" for i, d in enumerate(dates)]
    columns = {
        "id": [f"b7-{i:07d}" for i in range(rows)],
        "content_hash": [_hex(i, "c", 64) for i in range(rows)],
        "run_id": [runs[i % 30] for i in range(rows)],
        "first_seen": [dates[i % 30] for i in range(rows)],
        "last_seen": [dates[-1] if i % 20 else dates[i % 29] for i in range(rows)],
        "status": ["closed" if i % 20 == 0 else "open" for i in range(rows)],
        "raw_hash": [_hex(i, "r", 32) for i in range(rows)],
    }
    import json

    schema = STATE_SCHEMA.with_metadata({_COMMITTED_KEY: json.dumps(runs).encode()})
    path = state_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns, schema=schema), path)
    print(f"wrote {rows:,} state rows to {path}")


def measure(out: Path, commit_to: Path | None, night_size: int | None = None) -> None:
    import pyarrow.parquet as pq

    from jdclassify.night import Night
    from jdclassify.nightly_state import State, commit_state, load_state, state_path
    from jdclassify.records import Posting

    rows = pq.read_metadata(state_path(out)).num_rows
    gc.collect()
    base = _rss_mb()
    print(f"jdclassify.nightly_state from {sys.modules['jdclassify.nightly_state'].__file__}; {rows:,} state rows; RSS before load {base:,.0f} MB")
    clock = time.perf_counter()
    state = load_state(out)
    gc.collect()
    loaded = _rss_mb()
    print(f"load_state   {time.perf_counter() - clock:6.1f} s  RSS {loaded:,.0f} MB  (+{loaded - base:,.0f} MB, "
          f"{(loaded - base) * 2**20 / rows:,.0f} B/row; peak so far {_rss_mb('VmHWM'):,.0f} MB)")

    clock = time.perf_counter()
    night = Night(state, "2024-03-01", "20240301-bench")
    batch = []
    for i in range(rows + rows // 50 if night_size is None else night_size):
        if i < rows and i % 50 == 7:  # gone tonight
            continue
        changed = i < rows and i % 25 == 3
        digest = _hex(i, "new" if changed or i >= rows else "c", 64)
        item = night.plan(Posting(f"b7-{i:07d}", "Nurse", content_hash=digest))
        if item is not None:
            batch.append({"id": item.id})
            if len(batch) == 1000:
                night.labelled(SimpleNamespace(rows=batch))
                batch = []
    night.labelled(SimpleNamespace(rows=batch))
    closed = night.close()
    gc.collect()
    planned = _rss_mb()
    print(f"plan+close   {time.perf_counter() - clock:6.1f} s  RSS {planned:,.0f} MB  (+{planned - base:,.0f} MB over before load, "
          f"{(planned - base) * 2**20 / rows:,.0f} B/row; peak so far {_rss_mb('VmHWM'):,.0f} MB)  counts {night.counts} closed {len(closed):,} superseded {len(night.superseded):,}")

    clock = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        commit_state(commit_to or tmp, State(night.postings, state.committed + ("20240301-bench",)))
    print(f"commit_state {time.perf_counter() - clock:6.1f} s  RSS {_rss_mb():,.0f} MB  peak (VmHWM) {_rss_mb('VmHWM'):,.0f} MB "
          f"(+{_rss_mb('VmHWM') - base:,.0f} MB over before load)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("make")
    p.add_argument("dir", type=Path)
    p.add_argument("--rows", type=int, default=1_000_000)
    p = sub.add_parser("measure")
    p.add_argument("dir", type=Path)
    p.add_argument("--commit-to", type=Path)
    p.add_argument("--night", type=int, help="records tonight (default: the state's rows + 2 %%); ids past the state's are new")
    args = parser.parse_args(argv)
    if args.command == "make":
        make(args.dir, args.rows)
    else:
        measure(args.dir, args.commit_to, args.night)
    return 0


if __name__ == "__main__":
    sys.exit(main())

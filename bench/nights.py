"""Successive nights of the nightly flow over a drifting feed: what issue 7's "1,000,000-posting nightly run" costs.

    python bench/nights.py [--n 1000000] [--nights 2] [--workers 2] [--out DIR] [--drop 2 --change 8 --new 2]

Night 1's feed is the cached ``bench/corpus.py`` corpus (every posting new). Each later night's feed is the
previous night's, drifted as a job board drifts: per line, chosen by a hash of the line and the night, ``--drop``
% are gone, ``--change`` % have their description edited (classified again, the old version superseded), and
``--new`` % gain a copy under a new id. Unchanged lines keep their bytes, so the flow's raw-hash shortcut applies
as it does on a real feed. Each night runs ``flows/nightly.py run`` in its own process under ``/usr/bin/time -v``;
the table gives the manifest's counts, wall time, postings read and classified per second, and peak RSS.
Run by hand; figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import BENCH_DIR, cached_corpus  # noqa: E402

FIRST_NIGHT = date(2026, 1, 5)


def drift(src: Path, dst: Path, night: int, drop: int, change: int, new: int) -> None:
    """Tonight's feed from last night's: a line's fate is its hash (with the night) mod 100."""
    salt = night.to_bytes(2, "little")
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        for line in fin:
            if not line.strip():
                continue
            fate = zlib.crc32(line + salt) % 100
            if fate < drop:
                continue
            if fate < drop + change:
                record = json.loads(line)
                record["description"] = f"{record.get('description', '')}\n\nUpdated for night {night}: the team is growing."
                line = json.dumps(record).encode() + b"\n"
            fout.write(line)
            if drop + change <= fate < drop + change + new:
                record = json.loads(line)
                record["id"] = f"{record['id']}-n{night}"
                fout.write(json.dumps(record).encode() + b"\n")


def run_night(feeds: Path, out: Path, run_date: str, workers: int) -> dict:
    cmd = ["/usr/bin/time", "-v", sys.executable, str(HERE.parent / "flows" / "nightly.py"), "run", str(feeds),
           "--out", str(out), "--run-date", run_date, "--workers", str(workers)]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench/nights.py: {' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    manifest = max((out / "_manifests").glob("*.json"), key=lambda p: p.stat().st_mtime)
    record = json.loads(manifest.read_text())
    return {"counts": record["nightly"], "batch": record["counts"], "flow_seconds": record["seconds"], "wall": wall,
            "peak_mb": int(rss.group(1)) / 1024 if rss else float("nan"), "load": load, "load_after": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--nights", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "nights")
    parser.add_argument("--drop", type=int, default=2, help="%% of last night's postings gone tonight")
    parser.add_argument("--change", type=int, default=8, help="%% with an edited description")
    parser.add_argument("--new", type=int, default=2, help="%% gaining a copy under a new id")
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"bench/nights.py: {args.out} is not empty (the flow would see earlier nights)")
    feed = cached_corpus(args.n)
    print(f"{'night':>5} {'read':>10} {'new':>9} {'changed':>9} {'unchanged':>10} {'closed':>8} {'quarantined':>11} "
          f"{'wall s':>8} {'read/s':>8} {'classified/s':>12} {'peak MB':>8} {'load':>9}")
    for night in range(1, args.nights + 1):
        feeds = args.out / "feeds" / f"night{night}"
        feeds.mkdir(parents=True)
        if night == 1:
            (feeds / "feed.jsonl").symlink_to(feed)
        else:
            drift(feed, feeds / "feed.jsonl", night, args.drop, args.change, args.new)
        feed = feeds / "feed.jsonl"
        r = run_night(feeds, args.out / "dataset", (FIRST_NIGHT + timedelta(days=night - 1)).isoformat(), args.workers)
        c, b = r["counts"], r["batch"]
        print(f"{night:>5} {c['read']:>10,} {c['new']:>9,} {c['changed']:>9,} {c['unchanged']:>10,} {c['closed']:>8,} "
              f"{b['quarantined']:>11,} {r['wall']:>8.1f} {c['read'] / r['wall']:>8,.0f} "
              f"{(c['new'] + c['changed']) / r['wall']:>12,.0f} {r['peak_mb']:>8,.0f} {r['load']:>4.1f}>{r['load_after']:<4.1f}",
              flush=True)


if __name__ == "__main__":
    main()

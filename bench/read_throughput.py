"""Reader throughput: postings/s of read_postings (read + clean + redact) over the bench corpus (bench/corpus.py).

Usage: python bench/read_throughput.py [N]   (default 20000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from corpus import write_corpus

from jdclassify.io.readers import read_postings
from jdclassify.records import Posting


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_corpus(Path(tmp) / "postings.jsonl", n)
        size = path.stat().st_size
        start = time.perf_counter()
        postings = sum(isinstance(r, Posting) for r in read_postings([path]))
        elapsed = time.perf_counter() - start
    print(f"{postings}/{n} postings from {size / 1e6:.1f} MB in {elapsed:.1f}s: {postings / elapsed:.0f} postings/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)

"""Reader throughput: postings/s over a generated JSONL of N records with ~3k-character HTML descriptions.

Usage: python bench/read_throughput.py [N]   (default 20000)
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

from jdclassify.io.readers import read_postings
from jdclassify.records import Posting

WORDS = ("build maintain data pipelines python sql spark team customers design review ship secure scalable "
         "services cloud kubernetes analytics reporting stakeholders mentor junior engineers café naïve").split()


def description(rng: random.Random) -> str:
    paras = []
    while sum(map(len, paras)) < 2600:
        paras.append("<p>" + " ".join(rng.choice(WORDS) for _ in range(40)) + ".</p>")
    items = "".join(f"<li>{rng.choice(WORDS)} {rng.choice(WORDS)} experience</li>" for _ in range(6))
    return "".join(paras) + f"<h3>Requirements</h3><ul>{items}</ul><p>Contact jobs@example.com or +44 20 7946 0958.</p>"


def main(n: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "postings.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(json.dumps({"id": f"j{i}", "title": "Senior Data Engineer", "company": "Acme", "location": "London",
                                     "description": description(rng)}, ensure_ascii=False) + "\n")
        size = path.stat().st_size
        start = time.perf_counter()
        postings = sum(isinstance(r, Posting) for r in read_postings([path]))
        elapsed = time.perf_counter() - start
    print(f"{postings}/{n} postings from {size / 1e6:.1f} MB in {elapsed:.1f}s: {postings / elapsed:.0f} postings/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)

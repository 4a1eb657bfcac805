"""Cue extraction speed: title cues and description cues, postings per second (median of 3 runs).

    python bench/cues.py [N]          # N postings, default 20,000

Postings come from the one bench corpus generator (bench/corpus.py), cleaned as the readers
clean them, so boilerplate (EEO/benefits) is marked. Also times tokenising the boilerplate
instead of blanking it.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace

from corpus import postings

from jdclassify.clean import clean_posting
from jdclassify.lexicons import load_lexicons
from jdclassify.records import Posting
from jdclassify.skills import DescriptionAnalyzer
from jdclassify.titles import TitleParser


def make_postings(n: int, seed: int = 7) -> list[Posting]:
    """The bench corpus (bench/corpus.py), cleaned as the readers clean it (boilerplate marked)."""
    return [clean_posting(Posting(**rec))[0] for rec in postings(n, seed)]


def rate(n: int, fn) -> float:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        fn()
        runs.append(n / (time.perf_counter() - start))
    return statistics.median(runs)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    lexicons = load_lexicons()
    postings = make_postings(n)
    print(f"{n:,} postings, mean description {statistics.mean(len(p.description) for p in postings):,.0f} chars")

    t = time.perf_counter()
    analyzer = DescriptionAnalyzer(lexicons)
    analyzer.prepare()
    print(f"DescriptionAnalyzer.prepare: {time.perf_counter() - t:.1f} s")

    parser = TitleParser.build(lexicons)

    def titles():  # the uncached parse: the per-parser cache would make repeated titles free
        for p in postings:
            parser._parse(p.title)

    def descriptions(items=postings):
        for _ in analyzer.analyze_many(items):
            pass

    print(f"title cues:        {rate(n, titles):>9,.0f} postings/s (uncached; {len({p.title for p in postings}):,} distinct titles)")
    print(f"description cues:  {rate(n, descriptions):>9,.0f} postings/s (boilerplate blanked)")
    sub = postings[: max(1, n // 4)]
    unmarked = [replace(p, boilerplate=()) for p in sub]
    print(f"  for comparison:  {rate(len(sub), lambda: descriptions(unmarked)):>9,.0f} postings/s "
          f"(boilerplate read, on {len(sub):,})")


if __name__ == "__main__":
    main()

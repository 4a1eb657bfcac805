"""Titles/s of TitleParser + TitleMatcher on a feed-like workload, and shortlist vs exhaustive accuracy.

Feed: 100,000 titles drawn with Zipf-like repetition (s=1.1) from 20,000 distinct titles (reported
and alternate O*NET titles, half of them in the messy spelling of evaluate.messy).
Throughput is reported in wall-clock and in CPU time of this process (the CPU figure is the one to
compare between runs on a shared machine). Accuracy: 6-digit SOC on a sample of the held-out test
fold, title only, shortlist vs exhaustive.

    python bench/bench_matching.py [--sample 400]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from jdclassify.evaluate import TEST_FOLD, fold_of, messy, reported_titles, soc_match
from jdclassify.lexicons import load_lexicons
from jdclassify.matching import TitleMatcher
from jdclassify.onet import decide_onet
from jdclassify.profiles import ProfileIndex
from jdclassify.settings import Settings
from jdclassify.titles import TitleParser


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=400)
    ap.add_argument("--feed", type=int, default=100_000)
    args = ap.parse_args()
    settings = Settings.load()
    lx = load_lexicons(settings.lexicon_dir)
    rng = np.random.default_rng(7)
    pool = sorted({a.alias for a in lx.aliases if a.source in ("onet_reported", "onet_alternate")})
    distinct = [t if i % 2 else messy(t) for i, t in enumerate(rng.choice(pool, 20_000, replace=False))]
    weights = 1.0 / np.arange(1, len(distinct) + 1) ** 1.1
    feed = rng.choice(distinct, args.feed, p=weights / weights.sum())
    print(f"feed: {len(feed)} titles, {len(set(feed))} distinct")

    t0 = time.perf_counter()
    parser, matcher = TitleParser.build(lx), TitleMatcher.build(lx, settings)
    print(f"build parser + matcher: {time.perf_counter() - t0:.2f}s ({len(matcher.keys)} distinct aliases)")
    t0, c0 = time.perf_counter(), time.process_time()
    for title in feed:
        matcher.match(parser.parse(title))
    dt, ct = time.perf_counter() - t0, time.process_time() - c0
    print(f"parse + match: {len(feed) / dt:,.0f} titles/s wall, {len(feed) / ct:,.0f} titles/s CPU, single process (cold caches at start)")

    reported = reported_titles(lx)
    held = frozenset(k for k, (t, _) in reported.items() if fold_of(t) == TEST_FOLD)
    m = TitleMatcher.build(lx, settings, exclude_aliases=held)
    profiles = ProfileIndex.build(lx)
    sample = [(t, c) for k, (t, c) in reported.items() if k in held][: args.sample]
    for exhaustive in (False, True):
        t0 = time.perf_counter()
        ok = 0
        for title, codes in sample:
            best = decide_onet(m.match(parser.parse(title), exhaustive=exhaustive), profiles, (), "").best
            ok += bool(best and soc_match(best.onet_code, codes, 7))
        dt = time.perf_counter() - t0
        name = "exhaustive" if exhaustive else "shortlist "
        print(f"{name}: 6-digit SOC {100 * ok / len(sample):.1f}% on {len(sample)} held-out titles ({len(sample) / dt:,.0f} titles/s uncached)")


if __name__ == "__main__":
    main()

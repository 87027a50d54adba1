#!/usr/bin/env python3
"""Where the corpus-wide stages of a cold build go as the corpus grows: load, clustering, related.

    .venv/bin/python bench/corpus.py --count 100000 --format newsdigest --out /tmp/c100k
    .venv/bin/python bench/stages_scale.py /tmp/c100k [--workers 2]
    .venv/bin/python bench/stages_scale.py --count 100000 --dates steady /tmp/c100k-steady

On a folder written by bench/corpus.py (with --count, written first: --dates fixed, the
default, spreads the articles over three years; steady over a range that grows with the
count), in this process and its forked workers, as a cold build does them (nothing cached):

1. load: every article read and parsed into an empty cache (cached.load_articles);
2. clustering from scratch, in parts: the rarity weights and norms, the candidate pairs and
   the pair checks (one process; the build spreads the checks over its workers), then
   cluster_incremental as a build runs it;
3. related articles from scratch (related_incremental, as a build runs it).

Each figure is wall seconds of one run. The counts (articles, candidate pairs, links) show
how the work grows with the corpus's density; the first line gives the corpus's date range
and articles per day, read from the articles, so a figure says which date mode produced it.
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

from newsdigest import stories  # noqa: E402
from newsdigest.cached import load_articles  # noqa: E402
from newsdigest.cache import Cache  # noqa: E402
from newsdigest.config import Paths, load_config  # noqa: E402
from newsdigest.enrich import story_input  # noqa: E402


def timed(label: str, fn):
    started = time.perf_counter()
    value = fn()
    print(f"{label:<28} {time.perf_counter() - started:7.2f} s", flush=True)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path, help="a folder written by bench/corpus.py (emptied and written with --count)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--count", type=int, help="write a newsdigest corpus of this many articles into SITE first")
    parser.add_argument("--dates", choices=corpus.DATE_MODES, default="fixed",
                        help="with --count: fixed (three years, the default) or steady (the range grows with the count)")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.count:
        timed(f"write corpus ({args.dates} dates)", lambda: corpus.write("newsdigest", args.site, args.count, args.seed,
                                                                         dates=args.dates))
    paths = Paths(args.site.resolve())
    config, _ = load_config(paths)
    gc.disable()  # as in a build (workers.collector_paused)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Cache(Path(tmp) / "cache.sqlite")
        articles, _ = timed("load (empty cache)", lambda: load_articles(paths.root, paths.articles, config, cache,
                                                                        args.workers))
        cache.close()
    first, last = min(a.date for a in articles), max(a.date for a in articles)
    days = max((last - first).total_seconds() / 86400, 1 / 1440)
    print(f"dates {first:%Y-%m-%d} to {last:%Y-%m-%d}: {days:.0f} days, {len(articles) / days:.1f} articles a day",
          flush=True)
    ordered = stories.canonical([story_input(a) for a in articles])
    features = timed("story features", lambda: {i.id: stories.story_features(i) for i in ordered})
    scorer = timed("weights and norms", lambda: stories._Scorer(ordered, stories.WINDOW, features))
    pairs = timed("candidate pairs", lambda: stories._candidate_pairs(scorer))
    n = len(ordered)
    links = timed("pair checks (one process)", lambda: [c for c in pairs if scorer.linked(c // n, c % n)])
    index, _ = timed(f"clustering ({args.workers} workers)",
                     lambda: stories.cluster_incremental(ordered, None, workers=args.workers, features=features))
    timed(f"related ({args.workers} workers)",
          lambda: stories.related_incremental(ordered, index, None, workers=args.workers))
    print(f"{n} articles, {len(pairs)} candidate pairs, {len(links)} linked, {len(index.stories)} stories")
    return 0


if __name__ == "__main__":
    sys.exit(main())

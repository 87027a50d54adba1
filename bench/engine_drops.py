"""Drops into one live engine, as `build.py watch` makes them, timed stage by stage.

Builds the site at ROOT once with an engine (as watch's start does: the first build, then
Engine.index_articles and its warm-up), then moves generated raw articles into content/inbox
one at a time and builds each with the same engine, printing the wall and CPU seconds of each
drop and its stages. A dev tool for the live engine's per-stage work (docs/benchmarks.md, rounds
12 and 13); the user-facing figure is bench/run.py's watch latency.

    python bench/engine_drops.py ROOT SERIES [module:function ...]

ROOT: a built site (e.g. one of bench/.work/10000/). SERIES: the first drop's number; a number
already dropped on that site makes a duplicate, which changes nothing. Each module:function given
is wrapped to print the CPU spent in it per drop. Environment: DROPS (default 5), WORKERS
(default 2), PROFILE=k to cProfile the k-th drop (0-based) into PROFILE_OUT (drop.prof),
START (the first drop's date, default 2026-06-01T08:00: newer than any bench corpus article)."""
from __future__ import annotations

import cProfile
import collections
import functools
import importlib
import os
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402 - bench/corpus.py, beside this file
from newsdigest.articles import ArticleFiles  # noqa: E402
from newsdigest.config import Paths  # noqa: E402
from newsdigest.engine import Engine  # noqa: E402
from newsdigest.errors import Report  # noqa: E402
from newsdigest.pipeline import BuildOptions, build  # noqa: E402


def wrap_cpu(spec: str, spent: dict) -> None:
    """Replace module:function (or module:Class.method) by a wrapper adding its CPU to spent[spec]."""
    module, name = spec.split(":")
    owner = importlib.import_module(module)
    parts = name.split(".")
    for part in parts[:-1]:
        owner = getattr(owner, part)
    original = getattr(owner, parts[-1])

    @functools.wraps(original)
    def timed(*args, **kwargs):
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[spec] += time.process_time() - started
    setattr(owner, parts[-1], timed)


# Drops are corpus articles numbered past any bench corpus, so that none is a duplicate of one
# already on the site (at 100,000 articles, numbers from 11,001 were).
FIRST_DROP = 10_000_000


def drop_text(series: int, size: int, start: datetime) -> str:
    """A raw article as a scraper saves it, new for each series number."""
    article = corpus.make_article(FIRST_DROP + series, corpus.make_pools(corpus.DEFAULT_SEED), corpus.DEFAULT_SEED,
                                  corpus.span_minutes("fixed", size))
    article = replace(article, title=f"Engine drop {series}: {article.title}")
    return corpus.scraped_text(article, start + timedelta(minutes=series))


def start_engine(paths: Paths, workers: int = 2) -> tuple[Engine, str]:
    """An engine as `build.py watch` starts one: the first build, then the ingest's index and the
    warm-up. Returns it and a line on the first build."""
    engine = Engine(files=ArticleFiles())   # as watch keeps it
    started = time.perf_counter()
    result = build(paths, BuildOptions(workers=workers), Report(), engine)
    engine.persist()
    line = f"first build {time.perf_counter() - started:.2f} s: {result.summary()}"
    indexed, seconds = engine.index_articles(paths)
    return engine, line + f"; duplicate index of {indexed} articles in {seconds:.2f} s"


def main() -> None:
    root, series0 = Path(sys.argv[1]).resolve(), int(sys.argv[2])
    spent: dict = collections.defaultdict(float)
    for spec in sys.argv[3:]:
        wrap_cpu(spec, spent)
    paths = Paths(root)
    workers = int(os.environ.get("WORKERS", "2"))
    engine, line = start_engine(paths, workers)
    print(line, flush=True)
    inbox = paths.inbox
    inbox.mkdir(parents=True, exist_ok=True)
    start = datetime.fromisoformat(os.environ.get("START", "2026-06-01T08:00"))
    profile_at = int(os.environ["PROFILE"]) if os.environ.get("PROFILE") else None
    for n in range(int(os.environ.get("DROPS", "5"))):
        series = series0 + n
        dropped, temporary = inbox / f"drop-{series}.txt", inbox / f".drop-{series}.part"
        temporary.write_text(drop_text(series, 10000, start), encoding="utf-8")
        os.replace(temporary, dropped)   # whole at once, as watch's fast path expects
        spent.clear()
        profiler = None
        if n == profile_at:
            profiler = cProfile.Profile()
            profiler.enable()
        wall, cpu = time.perf_counter(), time.process_time()
        result = build(paths, BuildOptions(workers=workers, inbox_complete=frozenset({dropped}), say_written=False),
                       Report(), engine)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(os.environ.get("PROFILE_OUT", "drop.prof"))
        stages = " ".join(f"{name}={seconds:.3f}" for name, seconds in result.phases.items())
        print(f"drop {series}: {wall:.2f} s (cpu {cpu:.2f}), {result.stats.written} files | {stages}", flush=True)
        if spent:
            print("   " + " ".join(f"{spec}={seconds:.3f}" for spec, seconds in spent.items()), flush=True)
        engine.files.check(paths.articles, paths.root)   # as watch does after each build
        engine.persist()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The search index in shards, on a built site: how many shards, and what re-indexing costs.

    .venv/bin/python bench/corpus.py --count 10000 --format newsdigest --search --out /tmp/s10k
    .venv/bin/python build.py --root /tmp/s10k build
    .venv/bin/python bench/search_shards.py /tmp/s10k

Runs Pagefind, one run at a time, over the pages of: the newest shard (what adding a recent
article re-indexes), the largest shard (what bounds peak memory), and every article (the one
index built before shards). Prints seconds and the Pagefind process's peak RSS for each. The
seconds are wall time on a shared machine: an order of magnitude, not a timing comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdigest.config import Paths  # noqa: E402
from newsdigest.errors import Report  # noqa: E402
from newsdigest.pipeline import load_site  # noqa: E402
from newsdigest.search import Entry, plan_shards  # noqa: E402


def index(site: Path, pages: tuple[str, ...]) -> tuple[float, int]:
    """Seconds and peak RSS (MB) of Pagefind over these pages of the built site."""
    with tempfile.TemporaryDirectory(prefix="shard-bench-", dir=site.parent) as tmp:
        folder = Path(tmp) / "site"
        for rel in pages:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(site / rel, folder / rel)
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "pagefind", "--site", str(folder),
                                    "--output-path", str(Path(tmp) / "out"), "--silent"])
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            raise SystemExit(f"pagefind failed on {len(pages)} pages")
        return seconds, usage.ru_maxrss // 1024   # the pagefind process (the python launcher execs it)


def plan(root: Path) -> list[tuple[str, tuple[str, ...]]]:
    config, model = load_site(Paths(root), Report(quiet=True))
    entries = [Entry(a.date, a.id, a.url_path + "index.html") for a in model.articles]
    return [(s.name, s.pages) for s in plan_shards(entries, config.timezone)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="a site folder built with search on")
    parser.add_argument("--plan", action="store_true", help="print the shards as JSON (used by the run itself)")
    args = parser.parse_args()
    if args.plan:
        print(json.dumps(plan(args.root)))
        return
    # The shards are planned in a child process: a process forked from one holding the site model
    # would report that model's memory as its own peak (ru_maxrss survives fork and exec).
    planned = subprocess.run([sys.executable, __file__, "--plan", str(args.root)], capture_output=True, text=True,
                             check=True)
    shards = [(name, tuple(pages)) for name, pages in json.loads(planned.stdout)]
    site = (args.root / "site").resolve()
    every = tuple(p for _, pages in shards for p in pages)
    print(f"{len(every)} articles, {len(shards)} shards: " + ", ".join(f"{n} ({len(p)})" for n, p in shards))
    largest = max(shards, key=lambda s: len(s[1]))
    for label, pages in ((f"newest shard {shards[0][0]}", shards[0][1]),
                         (f"largest shard {largest[0]}", largest[1]), ("one index of every article", every)):
        seconds, rss = index(site, pages)
        print(f"{label:38} {len(pages):6} pages {seconds:7.2f} s  peak RSS {rss:5} MB")


if __name__ == "__main__":
    main()

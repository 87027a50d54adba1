#!/usr/bin/env python3
"""The search index in shards, on a built site: how many shards, and what indexing costs.

    .venv/bin/python bench/corpus.py --count 10000 --format newsdigest --search --out /tmp/s10k
    .venv/bin/python build.py --root /tmp/s10k build
    .venv/bin/python bench/search_shards.py /tmp/s10k

Indexes the newest shard (what adding a recent article re-indexes), the largest shard (what
bounds peak memory) and every article (the one index built before shards), each two ways: the
Pagefind program over the built pages (how newsdigest indexed before records), and Pagefind's
service handed the records made from the model (search.record_of, how the build indexes now).
Prints wall seconds, CPU seconds and peak RSS of the Pagefind process for each. The seconds are
measured on a shared machine: an order of magnitude, not a timing comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdigest.config import Paths  # noqa: E402
from newsdigest.errors import Report  # noqa: E402
from newsdigest.pipeline import load_site  # noqa: E402
from newsdigest.search import Entry, index_records, plan_shards, record_of  # noqa: E402


def from_pages(site: Path, pages: tuple[str, ...]) -> dict:
    """Pagefind over these pages of the built site: wall and CPU seconds, peak RSS (MB)."""
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
        # the pagefind process itself (the python launcher execs it)
        return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss // 1024}


def from_records(root: Path, pages: list[str]) -> dict:
    """Pagefind's service handed the records of these articles (run in a child process that holds
    the model, so that its only child is Pagefind: RUSAGE_CHILDREN is Pagefind's)."""
    config, model = load_site(Paths(root), Report(quiet=True))
    by_page = {a.url_path + "index.html": a for a in model.articles}
    started = time.perf_counter()
    files = index_records("pagefind/bench/", [record_of(by_page[p], model) for p in pages])
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert files
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss // 1024}


def from_records_child(root: Path, pages: tuple[str, ...]) -> dict:
    done = subprocess.run([sys.executable, __file__, "--records", str(root)], input=json.dumps(pages),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def plan(root: Path) -> list[tuple[str, tuple[str, ...]]]:
    config, model = load_site(Paths(root), Report(quiet=True))
    entries = [Entry(a.date, a.id, a.url_path + "index.html") for a in model.articles]
    return [(s.name, s.pages) for s in plan_shards(entries, config.timezone)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="a site folder built with search on")
    parser.add_argument("--plan", action="store_true", help="print the shards as JSON (used by the run itself)")
    parser.add_argument("--records", action="store_true", help="index the pages read from stdin as records (likewise)")
    args = parser.parse_args()
    if args.plan:
        print(json.dumps(plan(args.root)))
        return
    if args.records:
        print(json.dumps(from_records(args.root, json.load(sys.stdin))))
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
        for way, measure in (("pages", lambda: from_pages(site, pages)),
                             ("records", lambda: from_records_child(args.root, pages))):
            m = measure()
            print(f"{label:30} {len(pages):6} {way:8} {m['seconds']:7.2f} s wall {m['cpu']:7.2f} s CPU"
                  f"  peak RSS {m['rss']:5} MB")


if __name__ == "__main__":
    main()

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
from dataclasses import astuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdigest.config import Paths  # noqa: E402
from newsdigest.errors import Report  # noqa: E402
from newsdigest.pipeline import load_site  # noqa: E402
from newsdigest.search import Entry, Record, index_records, plan_shards, record_of  # noqa: E402


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


def from_records(records: list[list[str]]) -> dict:
    """Pagefind's service handed these records ([url, html]). Run in a child process that holds
    only them: a forked child's peak RSS counts the image it was forked from until it execs
    Pagefind, so a parent holding the site model would report the model's size as Pagefind's."""
    started = time.perf_counter()
    files = index_records("pagefind/bench/", [Record(url, html) for url, html in records])
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert files
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss // 1024}


def from_records_child(records_file: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--records", str(records_file)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def plan(root: Path, out: Path) -> list:
    """The shards; the records of each measured set of pages written to out/<n>.json, so that
    neither this run nor the one measuring the pages holds them."""
    config, model = load_site(Paths(root), Report(quiet=True))
    entries = [Entry(a.date, a.id, a.url_path + "index.html") for a in model.articles]
    shards = [(s.name, s.pages) for s in plan_shards(entries, config.timezone)]
    by_page = {a.url_path + "index.html": a for a in model.articles}
    for n, (_, pages) in enumerate(measured(shards)):
        (out / f"{n}.json").write_text(json.dumps([astuple(record_of(by_page[p], model)) for p in pages]))
    return shards


def measured(shards: list) -> list[tuple[str, tuple[str, ...]]]:
    largest = max(shards, key=lambda s: len(s[1]))
    every = tuple(p for _, pages in shards for p in pages)
    return [(f"newest shard {shards[0][0]}", tuple(shards[0][1])), (f"largest shard {largest[0]}", tuple(largest[1])),
            ("one index of every article", every)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="a site folder built with search on")
    parser.add_argument("--plan", type=Path, help="(used by the run itself) print the shards, write the records here")
    parser.add_argument("--records", action="store_true", help="(likewise) index the records of the file `root`")
    args = parser.parse_args()
    if args.plan:
        print(json.dumps(plan(args.root, args.plan)))
        return
    if args.records:
        print(json.dumps(from_records(json.loads(args.root.read_text()))))
        return
    site = (args.root / "site").resolve()
    with tempfile.TemporaryDirectory(prefix="shard-records-", dir=args.root) as tmp:
        # Planned in a child process: a process forked from one holding the site model would
        # report that model's memory as its own peak (ru_maxrss survives fork and exec).
        planned = subprocess.run([sys.executable, __file__, "--plan", tmp, str(args.root)], capture_output=True,
                                 text=True, check=True)
        shards = json.loads(planned.stdout)
        every = sum(len(pages) for _, pages in shards)
        print(f"{every} articles, {len(shards)} shards: " + ", ".join(f"{n} ({len(p)})" for n, p in shards))
        for n, (label, pages) in enumerate(measured(shards)):
            for way, measure in (("pages", lambda: from_pages(site, pages)),
                                 ("records", lambda: from_records_child(Path(tmp) / f"{n}.json"))):
                m = measure()
                print(f"{label:30} {len(pages):6} {way:8} {m['seconds']:7.2f} s wall {m['cpu']:7.2f} s CPU"
                      f"  peak RSS {m['rss']:5} MB")


if __name__ == "__main__":
    main()

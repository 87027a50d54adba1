"""Which groups of pages each drop plans again, by kind, in one live engine.

Starts an engine on ROOT as `build.py watch` does (bench/engine_drops.py's start_engine), drops
raw articles into content/inbox one at a time (the same drops as engine_drops.py makes for the
same SERIES numbers) and, after each build, counts the groups of pages of the plan that are not
the last plan's (an article's page, a term's pages, a month's, a story index page, a digest's...),
by kind, with the files written. A dev tool for what a change reaches (docs/benchmarks.md, round
19): counts, not times, so it may run beside other work.

    python bench/pages_reached.py ROOT SERIES [DROPS]
"""
from __future__ import annotations

import collections
import os
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_drops import drop_text, start_engine  # noqa: E402 - bench/engine_drops.py, beside this file
from newsdigest.config import Paths  # noqa: E402
from newsdigest.errors import Report  # noqa: E402
from newsdigest.pipeline import BuildOptions, build  # noqa: E402


def reached(before: dict, after: dict) -> collections.Counter:
    """Groups of `after` (the plan memo's groups: key -> (signature, pages, ...)) whose pages are
    new or not the same list as in `before` (a group taken from the last plan keeps its list, one
    planned again has a new one), counted by kind (the key's first part); gone ones as 'gone'."""
    counts = collections.Counter(key[0] for key, found in after.items()
                                 if key not in before or before[key][1] is not found[1])
    counts["gone"] = len(before.keys() - after.keys())
    return counts


def main() -> None:
    root, series0 = Path(sys.argv[1]).resolve(), int(sys.argv[2])
    drops = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    paths = Paths(root)
    engine, line = start_engine(paths, int(os.environ.get("WORKERS", "2")))
    print(line, flush=True)
    paths.inbox.mkdir(parents=True, exist_ok=True)
    start = datetime.fromisoformat(os.environ.get("START", "2026-06-01T08:00"))
    print("kinds of groups: " + ", ".join(f"{kind} {n}" for kind, n in sorted(
        collections.Counter(key[0] for key in engine.plan.groups).items())), flush=True)
    for n in range(drops):
        series = series0 + n
        dropped, temporary = paths.inbox / f"drop-{series}.txt", paths.inbox / f".drop-{series}.part"
        temporary.write_text(drop_text(series, 10000, start), encoding="utf-8")
        os.replace(temporary, dropped)
        before = dict(engine.plan.groups)
        result = build(paths, BuildOptions(inbox_complete=frozenset({dropped}), say_written=False), Report(), engine)
        counts = reached(before, engine.plan.groups)
        print(f"drop {series}: {result.stats.written} files written; groups planned again: "
              + ", ".join(f"{kind} {counts[kind]}" for kind in sorted(counts) if counts[kind]), flush=True)
        engine.files.check(paths.articles, paths.root)   # as watch does after each build
        engine.persist()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Where a newsdigest build spends its time: cProfile of a cold build and of an add-one rebuild.

    .venv/bin/python bench/build_profile.py                      # 10,000 articles, one process
    .venv/bin/python bench/build_profile.py --count 1000 --workers 2 --write-docs

Generates the corpus of bench/corpus.py (actors in front matter, search off; --extract and
--search for the other variants) in bench/.work/profile-<count>, then, in this process:

1. a cold build (no site, no .newsdigest), profiled;
2. one build with nothing changed, not profiled (it fills the second output slot, as on any
   site built more than once);
3. one new article added, then a build, profiled.

Both print the top entries by cumulative time (and by own time). The default is one worker
(--workers 1), so that the rendering, which a multi-core build does in forked worker
processes that cProfile cannot see, shows in the profile; the wall times of both modes are
printed. --write-docs puts the tables into docs/benchmarks.md. The .prof files are kept next to
the corpus for `python -m pstats` or snakeviz.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402
import run  # noqa: E402  (its snapshot of a newsdigest commit; newsdigest is imported after it)

DOCS = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- bench/build_profile.py: begin (generated; edit bench/build_profile.py instead) -->"
END = "<!-- bench/build_profile.py: end -->"


def settle(paths, workers: int) -> None:
    """A build with nothing changed, unprofiled: the site as an editor has it between articles."""
    from newsdigest.errors import Report
    from newsdigest.pipeline import BuildOptions, build
    build(paths, BuildOptions(workers=workers), Report())


def profiled_build(paths, workers: int, out: Path) -> tuple[float, str, str]:
    """Build under cProfile; returns the wall time, the .prof file and newsdigest's summary."""
    from newsdigest.errors import Report
    from newsdigest.pipeline import BuildOptions, build
    profiler = cProfile.Profile()
    report = Report()
    started = time.perf_counter()
    profiler.enable()
    result = build(paths, BuildOptions(workers=workers), report)
    profiler.disable()
    wall = time.perf_counter() - started
    profiler.dump_stats(out)
    return wall, str(out), result.summary()


def top(prof: str, key: str, n: int) -> list[tuple[str, int, float, float]]:
    """(function, calls, own s, cumulative s) for the top n by `key` ('cumulative' or 'tottime')."""
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, name), (cc, nc, tt, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = file
        for prefix in (str(run.BUILD_PY.parent) + "/", sys.prefix + "/lib/python3.11/site-packages/", sys.base_prefix + "/lib/python3.11/", str(ROOT) + "/"):
            if where.startswith(prefix):
                where = where[len(prefix):]
        label = f"{where}:{line}({name})" if line else name
        rows.append((label, nc, tt, ct))
    rows.sort(key=lambda r: r[3] if key == "cumulative" else r[2], reverse=True)
    return rows[:n]


def table(rows) -> str:
    lines = ["| function | calls | own s | cumulative s |", "| --- | ---: | ---: | ---: |"]
    for label, calls, own, cum in rows:
        lines.append(f"| `{label}` | {calls:,} | {own:.2f} | {cum:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=1, help="build workers (default 1: everything in this process)")
    parser.add_argument("--extract", action="store_true", help="actors and topics extracted, not in front matter")
    parser.add_argument("--search", action="store_true", help="search = true")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--newsdigest", default="HEAD", metavar="REV",
                        help="commit to profile (default HEAD, as a snapshot, as bench/run.py does); 'worktree': the files as they are")
    parser.add_argument("--write-docs", action="store_true", help="put the tables into docs/benchmarks.md")
    args = parser.parse_args()

    run.use_newsdigest(args.newsdigest)
    from newsdigest.config import Paths
    root = BENCH / ".work" / f"profile-{args.count}"
    print(f"generating {args.count} articles in {root}", flush=True)
    corpus.write("newsdigest", root, args.count, extract=args.extract, search=args.search)
    paths = Paths(root)
    for name in ("site", ".newsdigest"):
        target = root / name
        if target.is_symlink():
            target.unlink()
        elif target.exists():
            shutil.rmtree(target)

    load_before = os.getloadavg()[0]
    cold_wall, cold_stats, cold_summary = profiled_build(paths, args.workers, root / "cold.prof")
    settle(paths, args.workers)
    corpus.add_one("newsdigest", root, args.count, extract=args.extract)
    load_mid = os.getloadavg()[0]
    add_wall, add_stats, add_summary = profiled_build(paths, args.workers, root / "add-one.prof")
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    sections = []
    for name, wall, prof, summary, load in (("cold build", cold_wall, cold_stats, cold_summary, load_before),
                                             ("add-one rebuild", add_wall, add_stats, add_summary, load_mid)):
        head = (f"{name}, {args.count:,} articles, workers={args.workers}: {wall:.1f} s wall under cProfile "
                f"(load average {load:.2f} at its start); {summary}")
        print("\n" + head)
        buffer = io.StringIO()
        pstats.Stats(prof, stream=buffer).sort_stats("cumulative").print_stats(args.top)
        print(buffer.getvalue())
        sections.append((name, head, top(prof, "cumulative", args.top), top(prof, "tottime", 12)))
    print(up)

    if args.write_docs:
        variant = ("actors extracted" if args.extract else "actors in front matter") + (", search on" if args.search else ", search off")
        out = [BEGIN, "", "## Profile of a newsdigest build", "", "Command (from the repository root):", "", "```sh",
               " ".join([".venv/bin/python", "bench/build_profile.py", *sys.argv[1:]]), "```", "",
               f"newsdigest {run.NEWSDIGEST['rev']}. Corpus: bench/corpus.py, {args.count:,} articles, {variant}. cProfile in one process; with "
               f"workers=1 the rendering that a normal build spreads over forked worker processes runs in "
               f"this process, so it shows here. cProfile's own overhead inflates the times (most for many "
               f"small calls); read them as shares. The add-one build follows an unprofiled build with "
               f"nothing changed, as on a site built before. `uptime` after the run: `{up}`.", ""]
        for name, head, cum_rows, own_rows in sections:
            out += [f"### {name[0].upper() + name[1:]}", "", head + ".", "", f"Top {len(cum_rows)} by cumulative time:",
                    "", table(cum_rows), "", f"Top {len(own_rows)} by own time:", "", table(own_rows), ""]
        out.append(END)
        section = "\n".join(out)
        text = DOCS.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head_text, rest = text.split(BEGIN, 1)
            text = head_text + section + rest.split(END, 1)[1]
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        DOCS.write_text(text, encoding="utf-8")
        print(f"wrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

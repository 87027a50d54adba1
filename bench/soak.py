#!/usr/bin/env python3
"""Soak: `watch` on a 10,000-article site for a long time with a raw file dropped into the inbox
every 2 seconds, while another process reads pages without pause.

Not a test and not a timing comparison: it checks that nothing degrades over time.

- no read ever sees a missing or partial page (every page read once must stay readable, and each
  read must be a complete document: HTML ends with </html>, RSS with </rss>, JSON parses);
- the resident memory of `watch` (with its worker processes) does not keep growing: at the end a
  fresh `watch` on the grown site, fed 20 files, gives the memory a site of that size needs;
- every dropped file is ingested exactly once: one article per file, one original in content/raw,
  nothing rejected, nothing left in the inbox.

    python bench/soak.py --minutes 30 --count 10000 --out bench/.work/soak
    python bench/soak.py --reference --out bench/.work/soak   # only the fresh-watch measure, again

The figures are printed and written to bench/results/soak.json (docs/reliability.md quotes them).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import corpus  # noqa: E402
from run import _children  # noqa: E402

DROP_EVERY = 2.0
WORDS = ("council budget water ministry harbour rail grain drought court vote reform port border talks "
         "festival museum bridge school clinic power plant river dam harvest tariff election").split()


def drop_text(n: int) -> tuple[str, str, str]:
    """(file name, text, title) of the n-th scraped story: distinct title, words and date."""
    rng = random.Random(n)
    title = f"Soak story {n:05d} on the {rng.choice(WORDS)} {rng.choice(WORDS)}"
    words = " ".join(rng.choice(WORDS) for _ in range(60))
    body = (f"Officials said soak item {n} concerns the {words[:200]}.\n\n"
            f"A second statement about soak item {n} mentioned {words[200:]} as well.")
    date = f"2024-12-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}"
    return f"soak-{n:05d}.txt", f"{title}\n{date}\n\n{body}\n", title


def complete(rel: str, data: bytes) -> bool:
    if rel.endswith(".html"):
        return data.rstrip().endswith(b"</html>")
    if rel.endswith(".xml"):
        return data.rstrip().endswith((b"</rss>", b"</feed>", b"</urlset>"))
    if rel.endswith(".json"):
        try:
            json.loads(data)
        except ValueError:
            return False
    return bool(data)


def reader(site: str, stop, out) -> None:
    """Reads pages from site/ until stopped: fixed pages, corpus pages, and every new page it saw."""
    site_dir = Path(site)
    rng = random.Random(7)
    fixed = ["index.html", "feed.xml", "sitemap.xml", "topics/index.html", "actors/index.html"]
    corpus_pages = [p.relative_to(site_dir).as_posix()
                    for p in (site_dir / "articles").rglob("index.html")][:2000]
    seen_new: list[str] = []
    reads = missing = partial = 0
    problems: list[str] = []
    last_scan = 0.0
    while not stop.is_set():
        if time.monotonic() - last_scan > 5:  # pick up the pages of ingested soak stories
            last_scan = time.monotonic()
            try:
                known = set(seen_new)
                for page in (site_dir / "articles" / "2024" / "12").glob("soak-story-*/index.html"):
                    rel = page.relative_to(site_dir).as_posix()
                    if rel not in known:
                        seen_new.append(rel)
            except OSError:
                pass
        pool = rng.choice((fixed, corpus_pages, seen_new or fixed))
        rel = rng.choice(pool)
        reads += 1
        try:
            with open(site_dir / rel, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            missing += 1
            problems.append(f"missing {rel}")
            continue
        if not complete(rel, data):
            partial += 1
            problems.append(f"partial {rel} ({len(data)} bytes)")
        time.sleep(0.002)  # a busy reader, not a CPU hog: the machine is shared
    out.put({"reads": reads, "missing": missing, "partial": partial, "problems": problems[:50],
             "new_pages_followed": len(seen_new)})


def rss_kb(pid: int) -> int:
    """Resident memory of one process, in kB (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
    return int(match.group(1)) if match else 0


def tree_rss_kb(pid: int) -> int:
    """The process and its children (the build's workers)."""
    return sum(rss_kb(p) for p in [pid, *_children(pid)])


def wait_for_line(proc: subprocess.Popen, pattern: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"watch ended before printing {pattern!r}")
        if re.search(pattern, line):
            return line
    raise SystemExit(f"watch did not print {pattern!r} within {timeout:.0f} s")


def ingested_titles(articles: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in articles.rglob("soak-story-*.md"):
        head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
        match = re.search(r"^title: ['\"]?(Soak story \d+)", head, re.M)
        if match:
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return counts


def reference_rss(site: Path, drops: int = 20) -> dict:
    """A fresh `watch` on the site as the soak left it, fed `drops` files: the memory a watch
    needs for a site of that size. A soaked watch far above it would be leaking."""
    python, env = sys.executable, {**os.environ, "PYTHONUTF8": "1"}
    watch = subprocess.Popen([python, "-u", str(REPO / "build.py"), "watch", "--root", str(site)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                             start_new_session=True)
    try:
        wait_for_line(watch, r"^rebuilt:", 1800)
        threading.Thread(target=lambda: [None for _ in watch.stdout], daemon=True).start()
        inbox = site / "content" / "inbox"
        peak = 0
        for n in range(drops):
            name, text, _ = drop_text(100000 + n)
            (inbox / name).write_text(text, encoding="utf-8")
            for _ in range(4):
                time.sleep(0.5)
                peak = max(peak, rss_kb(watch.pid))
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and any(p.is_file() for p in inbox.iterdir()):
            time.sleep(1)
            peak = max(peak, rss_kb(watch.pid))
        time.sleep(10)
        return {"drops": drops, "articles": len(list((site / "content" / "articles").rglob("*.md"))),
                "watch_rss_mb_max": round(max(peak, rss_kb(watch.pid)) / 1024),
                "watch_rss_mb_last": round(rss_kb(watch.pid) / 1024)}
    finally:
        os.killpg(watch.pid, signal.SIGINT)
        try:
            watch.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(watch.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / ".work" / "soak")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results" / "soak.json")
    parser.add_argument("--reference", action="store_true",
                        help="only measure a fresh watch on the site a soak left in --out, and add it to --results")
    args = parser.parse_args()
    site = args.out.resolve()
    if args.reference:
        figures = json.loads(args.results.read_text())
        figures["fresh_watch_after_soak"] = reference_rss(site)
        args.results.write_text(json.dumps(figures, indent=2) + "\n")
        print(json.dumps(figures["fresh_watch_after_soak"], indent=2))
        return 0
    python = sys.executable
    env = {**os.environ, "PYTHONUTF8": "1"}

    print(f"writing {args.count} articles to {site}", flush=True)
    corpus.write("newsdigest", site, args.count)
    (site / "content" / "inbox").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run([python, str(REPO / "build.py"), "build", "--root", str(site)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    first_build = time.monotonic() - started
    print(f"first build: {first_build:.0f} s", flush=True)

    watch = subprocess.Popen([python, "-u", str(REPO / "build.py"), "watch", "--root", str(site)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                             start_new_session=True)
    wait_for_line(watch, r"^rebuilt:", 1800)
    log_lines: list[str] = []

    def drain() -> None:
        for line in watch.stdout:
            log_lines.append(line.rstrip("\n"))
    threading.Thread(target=drain, daemon=True).start()

    stop = mp.Event()
    results = mp.Queue()
    read_proc = mp.Process(target=reader, args=(str(site / "site"), stop, results))
    read_proc.start()

    inbox = site / "content" / "inbox"
    samples: list[tuple[float, int, int]] = []  # (minute, watch rss kB, watch + workers rss kB)
    dropped: list[str] = []
    t0 = time.monotonic()
    next_drop = t0
    next_sample = t0
    end = t0 + args.minutes * 60
    while time.monotonic() < end:
        now = time.monotonic()
        if now >= next_drop:
            name, text, title = drop_text(len(dropped))
            (inbox / name).write_text(text, encoding="utf-8")  # written in place, as a scraper does
            dropped.append(title)
            next_drop += DROP_EVERY
        if now >= next_sample:
            samples.append((round((now - t0) / 60, 2), rss_kb(watch.pid), tree_rss_kb(watch.pid)))
            if len(samples) % 30 == 1:
                print(f"{samples[-1][0]:6.1f} min: {len(dropped)} dropped, watch RSS {samples[-1][1] // 1024} MB",
                      flush=True)
            next_sample += 10.0
        if watch.poll() is not None:
            print("watch ended early", file=sys.stderr)
            break
        time.sleep(max(0.0, min(next_drop, next_sample) - time.monotonic()))

    # let the last drops be ingested, then stop everything
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and any(p.is_file() for p in inbox.iterdir()):
        time.sleep(1)
    time.sleep(5)
    stop.set()
    read = results.get(timeout=60)
    read_proc.join(timeout=10)
    os.killpg(watch.pid, signal.SIGINT)
    try:
        watch.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(watch.pid, signal.SIGKILL)
        watch.wait()

    counts = ingested_titles(site / "content" / "articles")
    titles = [re.match(r"Soak story \d+", t).group(0) for t in dropped]
    raw = [p.name for p in (site / "content" / "raw").rglob("soak-*.txt")]
    rejected = [p.name for p in (inbox / "rejected").glob("soak-*")] if (inbox / "rejected").is_dir() else []
    left = [p.name for p in inbox.iterdir() if p.is_file()]
    third = max(1, len(samples) // 3)
    figures = {
        "minutes": args.minutes, "articles_at_start": args.count, "first_build_s": round(first_build),
        "dropped": len(dropped),
        "ingested_once": sum(1 for t in titles if counts.get(t) == 1),
        "ingested_twice_or_more": sum(1 for t in titles if counts.get(t, 0) > 1),
        "not_ingested": sum(1 for t in titles if t not in counts),
        "raw_originals": len(raw), "raw_distinct": len(set(raw)), "rejected": len(rejected), "left_in_inbox": len(left),
        "rebuilds": sum(1 for line in log_lines if line.startswith("rebuilt:")),
        "failed_builds": sum(1 for line in log_lines if "build failed" in line),
        "tracebacks": sum(1 for line in log_lines if line.startswith("Traceback")),
        "reads": read["reads"], "missing_reads": read["missing"], "partial_reads": read["partial"],
        "new_pages_followed": read["new_pages_followed"], "read_problems": read["problems"],
        "watch_rss_mb": {
            "first": round(samples[0][1] / 1024), "max": round(max(s[1] for s in samples) / 1024),
            "last": round(samples[-1][1] / 1024),
            "max_first_third": round(max(s[1] for s in samples[:third]) / 1024),
            "max_last_third": round(max(s[1] for s in samples[-third:]) / 1024),
        },
        "watch_and_workers_rss_mb_max": round(max(s[2] for s in samples) / 1024),
        "rss_samples_mb": [(m, round(a / 1024)) for m, a, _ in samples[::6]],
        "watch_log_tail": log_lines[-10:],
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k not in ("rss_samples_mb", "watch_log_tail")}, indent=2))
    ok = (figures["ingested_once"] == len(dropped) and not read["missing"] and not read["partial"]
          and not rejected and not left)
    figures["fresh_watch_after_soak"] = reference_rss(site)
    args.results.write_text(json.dumps(figures, indent=2) + "\n")
    print("a fresh watch on the same site:", figures["fresh_watch_after_soak"])
    print("soak: OK" if ok else "soak: PROBLEMS (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

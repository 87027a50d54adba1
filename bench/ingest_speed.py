#!/usr/bin/env python3
"""Ingest speed: articles per second for scraped text and for saved HTML pages.

Generates N distinct articles of each kind in a temporary site (text in the layout of the
seeds: header lines, glued sentences, a partial repeat, widgets and boilerplate; HTML with
navigation, ads, a sidebar and scripts around the article), then times:
- "read + clean": readers.read() and pipeline.prepare() for every file, nothing written;
- "ingest": ingest_inbox() end to end, with dedupe, atomic article writes (fsync) and the
  move of every original into content/raw/.

    python bench/ingest_speed.py [--count 300] [--repeat 3]
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdigest.config import Paths, SiteConfig  # noqa: E402
from newsdigest.ingest import ingest_inbox  # noqa: E402
from newsdigest.ingest.pipeline import prepare  # noqa: E402
from newsdigest.ingest.readers import read  # noqa: E402

WORDS = ("minister council governor province water electricity border port oil budget talks delegation "
         "farmers engineers agreement project bridge ministry parliament security forces training cooperation "
         "investment harvest drought pipeline airport exports customs crossing hospital university").split()
PLACES = ["Baghdad", "Basra", "Erbil", "Mosul", "Najaf", "Karbala", "Kirkuk", "Ramadi", "Sulaymaniyah", "Diyala"]


def sentence(rnd: random.Random) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(12, 24))]
    words.insert(rnd.randint(1, len(words) - 1), rnd.choice(PLACES))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def article(rnd: random.Random, n: int) -> tuple[str, list[list[str]]]:
    title = f"{rnd.choice(PLACES)} {' '.join(rnd.choice(WORDS) for _ in range(6))} {n}"
    paragraphs = [[sentence(rnd) for _ in range(rnd.randint(2, 4))] for _ in range(rnd.randint(4, 7))]
    return title, paragraphs


def text_file(rnd: random.Random, n: int) -> str:
    title, paragraphs = article(rnd, n)
    day = 1 + n % 28
    partial = "".join(s for p in paragraphs[1:3] for s in p)  # a glued, partial first copy
    body = "\n\n".join("".join(p) for p in paragraphs)         # glued sentences
    return (f" date 2024-03-{day:02d} {title}\n\n2024/03/{day:02d} | 10:{n % 60:02d} - Source: Shafaq News\n\n"
            f"Security\n  • +A -A\n\n{partial} (ThisDay | Iraq News Now )- Shafaq News/ {body}\n\n"
            "Advertisement\n\nRead more: another story\n\nFollow us on Telegram\n\nSponsored Links")


def html_file(rnd: random.Random, n: int) -> str:
    title, paragraphs = article(rnd, n)
    day = 1 + n % 28
    body = "\n".join(f"<p>{' '.join(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Gulf Monitor</title><meta property="og:site_name" content="Gulf Monitor">
<meta property="article:published_time" content="2024-04-{day:02d}T09:{n % 60:02d}:00+03:00">
<link rel="canonical" href="https://gulfmonitor.example/news/{n}"><script>track({n});</script></head>
<body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/economy">Economy</a></li></ul></nav><div class="ad">Advertisement: buy gold</div></header>
<main><article><h1>{title}</h1><div class="byline">By Staff Reporter</div>{body}
<div class="share">Facebook Twitter WhatsApp</div></article>
<aside><h3>Most read</h3><ul><li><a href="/a">{sentence(rnd)}</a></li><li><a href="/b">{sentence(rnd)}</a></li></ul></aside></main>
<footer>Copyright 2024 Gulf Monitor. All rights reserved.</footer></body></html>"""


def generate(folder: Path, kind: str, count: int) -> list[Path]:
    rnd = random.Random(kind)
    folder.mkdir(parents=True, exist_ok=True)
    make, suffix = (text_file, ".txt") if kind == "text" else (html_file, ".html")
    files = []
    for n in range(count):
        path = folder / f"{kind}_{n:05d}{suffix}"
        path.write_text(make(rnd, n), encoding="utf-8")
        files.append(path)
    return files


def measure(kind: str, count: int, repeat: int, config: SiteConfig) -> tuple[float, float]:
    """Best-of-repeat articles per second for read + clean, and for the whole ingest."""
    best_parse = best_ingest = 0.0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "generated"
            files = generate(source, kind, count)
            start = time.perf_counter()
            for path in files:
                for raw in read(path, None, config.sources):
                    prepare(raw, config)
            best_parse = max(best_parse, count / (time.perf_counter() - start))

            paths = Paths(Path(tmp) / "site")
            shutil.copytree(source, paths.inbox)
            start = time.perf_counter()
            results = ingest_inbox(paths, config)
            elapsed = time.perf_counter() - start
            written = sum(r.status == "written" for r in results)
            if written != count:
                raise SystemExit(f"{kind}: expected {count} articles written, got {written}")
            best_ingest = max(best_ingest, count / elapsed)
    return best_parse, best_ingest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=300, help="articles of each kind (default 300)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure; the best is kept (default 3)")
    args = parser.parse_args()
    config = SiteConfig(timezone=ZoneInfo("Asia/Baghdad"))
    print(f"{args.count} articles per kind, best of {args.repeat}, Python {sys.version.split()[0]}")
    print("| input | read + clean (articles/s) | ingest, written to disk (articles/s) |")
    print("| --- | ---: | ---: |")
    for kind in ("text", "html"):
        parse, ingest = measure(kind, args.count, args.repeat, config)
        print(f"| {kind} | {parse:.0f} | {ingest:.0f} |")


if __name__ == "__main__":
    main()

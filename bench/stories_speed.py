"""How fast are stories, related articles and digests? 10,000 synthetic articles, one core.

    .venv/bin/python bench/stories_speed.py [--articles 10000] [--words 300] [--days 365]

The articles are made up from invented words with a fixed seed: a year of events, each
reported 1 to 6 times over up to three days by different sources, with a few actors per event
drawn from a skewed pool (a handful of actors, like "Iraq", are in a large share of all
articles), event words, and common filler words drawn with a Zipf-like skew. Prints CPU
seconds of this process (best of three runs) for cluster_stories, related_articles and build_digests, and, as a
sanity check at scale (not a quality figure: the text is not language), the pairwise
precision and recall against the planted events.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from itertools import combinations
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdigest.digests import build_digests  # noqa: E402
from newsdigest.related import related_articles  # noqa: E402
from newsdigest.stories import StoryInput, cluster_stories  # noqa: E402

SYLLABLES = ["ba", "ka", "ri", "mo", "ten", "dal", "sha", "vik", "lor", "nu", "zed", "qa", "fir", "gun", "pe",
             "sol", "tam", "ru", "exe", "ily"]
SOURCES = [f"Source {c}" for c in "ABCDEFGHIJKL"]
TOPICS = ["Security", "Diplomacy", "Economy", "Energy", "Water", "Politics", "Sport", "Culture", "Health"]


def vocabulary(rng: random.Random, n: int) -> list[str]:
    found: set[str] = set()
    while len(found) < n:
        found.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(found)


def skewed(rng: random.Random, pool: list[str], s: float = 1.1) -> str:
    """A Zipf-like draw: the first items of the pool are by far the most frequent."""
    return pool[min(len(pool) - 1, int(rng.paretovariate(s)) - 1)]


def corpus(n: int, words: int, days: int, seed: int = 7) -> tuple[list[StoryInput], dict[str, int]]:
    rng = random.Random(seed)
    vocab = vocabulary(rng, 20000)
    common, rare = vocab[:3000], vocab[3000:]
    actors = [w.capitalize() + " " + rng.choice(vocab).capitalize() for w in rng.sample(vocab, 3000)]
    start = datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=3)))
    items: list[StoryInput] = []
    event_of: dict[str, int] = {}
    event = 0
    while len(items) < n:
        event += 1
        when = start + timedelta(seconds=rng.randrange(days * 86400))
        event_words = rng.sample(rare, 12)
        cast = list(dict.fromkeys([skewed(rng, actors, 1.3) for _ in range(rng.randint(1, 3))] + [rng.choice(actors)]))
        topics = tuple(rng.sample(TOPICS, rng.randint(0, 2)))
        reports = min(n - len(items), rng.choice([1, 1, 1, 2, 2, 3, 4, 6]))
        for r in range(reports):
            date = when + timedelta(seconds=rng.randrange(1 + (r > 0) * 3 * 86400 // max(1, reports - r)))
            said = rng.sample(event_words, 7)
            body = [rng.choice(said) if rng.random() < 0.12 else skewed(rng, common) for _ in range(words)]
            title = " ".join(rng.sample(said, 3) + [skewed(rng, common) for _ in range(3)]).capitalize()
            named = tuple(a for a in cast if rng.random() < 0.85) or tuple(cast[:1])
            text = " ".join(body[:40]) + ".\n\n" + " ".join(body[40:])
            aid = f"e{event}-r{r}"
            items.append(StoryInput(aid, date, title, " ".join(body[:40]) + ".", text, rng.choice(SOURCES),
                                    named, topics))
            event_of[aid] = event
    return items, event_of


def pairs(groups: dict[str, object]) -> set[tuple[str, str]]:
    by: dict[object, list[str]] = {}
    for aid, g in groups.items():
        by.setdefault(g, []).append(aid)
    return {tuple(sorted(p)) for ids in by.values() for p in combinations(ids, 2)}


def timed(label: str, f, repeat: int = 3):
    """The result of f, printing the best of `repeat` runs (other jobs on the machine only add)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        result = f()
        best = min(best, time.process_time() - t0)
    print(f"{label:<18} {best:6.2f} s")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args(argv)
    items, event_of = corpus(args.articles, args.words, args.days)
    print(f"{len(items)} articles, {len(set(event_of.values()))} planted events, {args.words} words each")
    index = timed("cluster_stories", lambda: cluster_stories(items))
    timed("related_articles", lambda: related_articles(items, index))
    timed("build_digests", lambda: build_digests(items, index, ZoneInfo("Asia/Baghdad")))
    truth, found = pairs(event_of), pairs(dict(index.story_of))
    tp = len(truth & found)
    print(f"{len(index.stories)} stories; planted pairs: precision {tp / max(1, len(found)):.3f}, "
          f"recall {tp / max(1, len(truth)):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast is actor and topic extraction? 1,000 articles of about 500 words, one core.

    .venv/bin/python bench/extract_speed.py [--articles 1000] [--words 500]

The articles are built from the sample content's sentences, shuffled with a fixed seed and
with invented people added, so every article differs. Prints seconds for extract_mentions
(per article, what the build caches), resolve over the corpus, and assign_topics, in CPU
seconds of this process (so other work on the machine does not count).
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdigest.config import DEFAULT_SOURCES  # noqa: E402
from newsdigest.extract.mentions import extract_mentions  # noqa: E402
from newsdigest.extract.resolve import ArticleInput, resolve  # noqa: E402
from newsdigest.extract.gazetteer import load_gazetteer  # noqa: E402
from newsdigest.extract.topics import assign_topics, default_rules  # noqa: E402

GIVEN = ["Amira", "Tariq", "Henrik", "Lucia", "Omar", "Sven", "Nadia", "Karim", "Elena", "Yusuf", "Thomas", "Tom",
         "William", "Bill", "Layla", "Hassan", "Giulia", "Mehmet", "Robert", "Bob", "Sara", "Daniel"]
SYLLABLES = ["ba", "ka", "ri", "mo", "ten", "dal", "sha", "vik", "lor", "nu", "zed", "qa", "fir", "gun"]
# invented surnames: about 2,700 of them, some with the particle al-
FAMILY = [("al-" if (i + j) % 3 == 0 else "") + (a + b + c).capitalize()
          for i, a in enumerate(SYLLABLES) for j, b in enumerate(SYLLABLES) for c in ("", "ri", "mi", "vo", "ssa",
                                                                                          "n", "ti", "ko", "lu", "ra",
                                                                                          "de", "sto", "bi", "ne")]
TITLES = ["Foreign Minister", "National Security Adviser", "Deputy Governor", "General", "Ambassador", "spokesman"]


def sentences() -> list[str]:
    found: list[str] = []
    for file in sorted((ROOT / "content" / "articles").rglob("*.md")):
        body = file.read_text(encoding="utf-8").split("---", 2)[-1]
        found += [s.strip() for s in re.split(r"(?<=[.!?])\s+", body)
                  if len(s.split()) > 5 and not s.startswith(("#", "-", "1"))]
    return found


def corpus(n: int, words: int) -> list[ArticleInput]:
    rng = random.Random(7)
    pool = sentences()
    out = []
    for i in range(n):
        parts: list[str] = []
        count = 0
        while count < words:
            if rng.random() < 0.2:
                name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
                s = f"{rng.choice(TITLES)} {name} said the talks with NATO and the Iraqi government would continue."
            else:
                s = rng.choice(pool)
            parts.append(s)
            count += len(s.split())
        text = "\n\n".join(" ".join(parts[j:j + 4]) for j in range(0, len(parts), 4))
        date = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        out.append(ArticleInput(f"a{i}", date, f"Article {i} on Iraq", text, "Tigris Wire"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--words", type=int, default=500)
    args = parser.parse_args()
    articles = corpus(args.articles, args.words)
    total_words = sum(len(a.text.split()) for a in articles)
    gazetteer, _ = load_gazetteer(ROOT / "content")
    started = time.process_time()
    gazetteer.matcher(DEFAULT_SOURCES)
    build = time.process_time() - started

    started = time.process_time()
    mentions = {a.id: extract_mentions(a.text, a.title, gazetteer, a.source, DEFAULT_SOURCES) for a in articles}
    extract = time.process_time() - started

    started = time.process_time()
    resolution = resolve(articles, gazetteer, DEFAULT_SOURCES, mentions)
    corpus_time = time.process_time() - started

    rules = default_rules()
    started = time.process_time()
    for a in articles:
        assign_topics(a.title, a.text, "", None, rules)
    topics = time.process_time() - started

    print(f"{len(articles)} articles, {total_words} words ({total_words / len(articles):.0f} per article)")
    print(f"gazetteer automaton: {build:.3f} s (once)")
    print(f"extract_mentions:    {extract:.2f} s ({1000 * extract / len(articles):.2f} ms per article)")
    print(f"resolve (corpus):    {corpus_time:.2f} s, {len(resolution.actors)} actors")
    print(f"assign_topics:       {topics:.2f} s")
    print(f"total:               {build + extract + corpus_time + topics:.2f} s")


if __name__ == "__main__":
    main()

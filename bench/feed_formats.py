#!/usr/bin/env python3
"""What a reader gets from each format of one feed of a built site: RSS, Atom and JSON Feed.

    .venv/bin/python build.py --root SITE build      # with term_feeds = ["rss", "atom", "json"]
    .venv/bin/python bench/feed_formats.py SITE topics/water/

Parses the RSS and Atom files with feedparser (the parser most Python feed tools use) and the
JSON Feed with json (feedparser does not read JSON Feed), and prints, for each field a reader
shows, how many of the feed's items carry it in each format, and each file's size.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import feedparser

# What a reader shows of an item, and where each format keeps it: feedparser's names for RSS and
# Atom, JSON Feed 1.1's for JSON; "" where the format has no place for it (RSS 2.0 has no
# modified date: feedparser would report the published one as "updated").
FIELDS = {
    "title": ("title", "title", "title"),
    "link to the article": ("link", "link", "url"),
    "stable id": ("id", "id", "id"),
    "published date": ("published", "published", "date_published"),
    "updated date": ("", "updated", "date_modified"),
    "full text (HTML)": ("content", "content", "content_html"),
    "summary": ("summary", "summary", "summary"),
    "author": ("author", "author", "authors"),
    "topics as categories": ("tags", "tags", "tags"),
    "original source URL": ("", "", "external_url"),
    "item language": ("", "", "language"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path, help="a built site folder (its site/ is read)")
    parser.add_argument("listing", nargs="?", default="", help='the feed\'s listing, e.g. "topics/water/" ("" = home)')
    args = parser.parse_args()
    folder = args.site / "site" / args.listing
    files = {"RSS": folder / "feed.xml", "Atom": folder / "atom.xml", "JSON Feed": folder / "feed.json"}
    items = {}
    for name, path in files.items():
        if not path.is_file():
            raise SystemExit(f"{path}: not written (set term_feeds = [\"rss\", \"atom\", \"json\"] and build)")
        if name == "JSON Feed":
            items[name] = json.loads(path.read_text(encoding="utf-8"))["items"]
        else:
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, f"{path}: {parsed.bozo_exception}"
            items[name] = parsed.entries
    print(f"{'field':24}" + "".join(f"{name:>12}" for name in files))
    for label, keys in FIELDS.items():
        counts = [sum(1 for item in items[name] if key and item.get(key)) for name, key in zip(files, keys)]
        print(f"{label:24}" + "".join(f"{c:>9}/{len(items[n]):<2}" for c, n in zip(counts, files)))
    print(f"{'file size (bytes)':24}" + "".join(f"{p.stat().st_size:>12}" for p in files.values()))


if __name__ == "__main__":
    main()

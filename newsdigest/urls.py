"""Every route of the site, one function each: paths relative to the site root ("topics/water/").

Pages, feeds, the sitemap and the templates' data all take their paths from here. Paths stay
relative to the root until output: a page links to them through its way back to the root, and
feeds and the sitemap put base_url in front (config.absolute), so nothing loaded or cached
depends on where the site is deployed.
"""
from __future__ import annotations

from datetime import datetime

HOME = ""
SEARCH = "search/"
ARCHIVE = "archive/"
STORIES = "stories/"
DIGESTS = "digest/"
NOT_FOUND = "404.html"

# A listing's feeds are files in its folder, one per format.
FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}


def article(date: datetime, slug: str) -> str:
    return f"articles/{date:%Y}/{date:%m}/{slug}/"


def taxonomy(key: str) -> str:
    return f"{key}/"


def term(key: str, slug: str) -> str:
    return f"{key}/{slug}/"


def month(year: int, number: int) -> str:
    return f"{ARCHIVE}{year:04d}/{number:02d}/"


def story(story_id: str) -> str:
    return f"{STORIES}{story_id}/"


def story_month(year: int, number: int) -> str:
    """The stories whose last report came in that month (a story id is never a year: it ends in a hash)."""
    return f"{STORIES}{year:04d}/{number:02d}/"


def digest(key: str) -> str:
    return f"{DIGESTS}{key}/"


def page(listing: str, number: int) -> str:
    """Page `number` of a paginated listing ("topics/water/" -> "topics/water/page/2/")."""
    return f"{listing}page/{number}/"


def feed(listing: str, fmt: str) -> str:
    """The feed of a listing in one format ("topics/water/", "rss" -> "topics/water/feed.xml")."""
    return listing + FEED_FILES[fmt]


def file_of(url_path: str) -> str:
    """The file that serves a path: a folder's index.html, or the file itself (404.html)."""
    return url_path + "index.html" if url_path == "" or url_path.endswith("/") else url_path

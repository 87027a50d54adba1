"""The static search index: Pagefind bundles over the article pages, one per shard.

Pagefind cannot update an index, only make a new one, and making one for the whole site costs
memory in proportion to it (about 0.2 MB per article). So the articles are cut into shards by
publication date, each indexed on its own into pagefind/<shard>/, and the search page merges
them (Pagefind's multisite mode). A shard is re-made only when one of its article pages changed;
news arrives at the recent end, so adding an article re-indexes one small shard.

The shards are a pure function of the articles' dates (a clean build makes the same ones):
- the newest article's month: packed by day into shards of at most RECENT_CAP articles;
- the rest of its year, and each earlier year: packed by month, at most SHARD_CAP per shard.
When the month (or year) turns, the past month joins its year: its year's shards are re-made
once (a compaction). A day or month larger than a cap is cut in date order.

Pagefind's output is not byte-for-byte reproducible (its filter files vary from run to run),
which is why a shard is carried over as is when its pages did not change.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from .errors import NewsdigestError, Problem

INDEX_DIR = "pagefind"
UI_DIR = f"{INDEX_DIR}/ui/"                 # Pagefind's UI scripts and styles, once for all shards
SHARD_LIST = f"{INDEX_DIR}/shards.json"     # the search page reads which bundles to merge
SHARD_CAP = 2000     # articles per shard: bounds Pagefind's peak memory (about 0.35 GB)
RECENT_CAP = 500     # articles per shard of the newest month: what adding one article re-indexes
# Files Pagefind writes into every bundle for its user interfaces; the shards need only one copy.
UI_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
HINT = "install pagefind (pip install 'pagefind[extended]'), or set search = false in site.toml"


@dataclass(frozen=True)
class Shard:
    name: str                       # its bundle is pagefind/<name>/
    pages: tuple[str, ...]          # the article pages in it, relative to the site root

    @property
    def prefix(self) -> str:
        return f"{INDEX_DIR}/{self.name}/"


@dataclass(frozen=True)
class Entry:
    date: datetime
    id: str
    page: str


def plan_shards(entries: list[Entry], tz: tzinfo, cap: int = SHARD_CAP, recent_cap: int = RECENT_CAP) -> list[Shard]:
    """The shards for these article pages, newest first (the order the search page merges them)."""
    if not entries:
        return []
    ordered = sorted(entries, key=lambda e: (e.date, e.id))
    newest = ordered[-1].date.astimezone(tz)
    groups: dict[tuple, list[tuple[str, Entry]]] = {}
    for entry in ordered:
        local = entry.date.astimezone(tz)
        if (local.year, local.month) == (newest.year, newest.month):
            groups.setdefault(("recent",), []).append((f"{local:%Y-%m-%d}", entry))
        else:
            groups.setdefault(("year", local.year), []).append((f"{local:%Y-%m}", entry))
    shards = []
    for group, units in groups.items():
        shards += _pack(units, recent_cap if group == ("recent",) else cap)
    return sorted(shards, key=lambda s: s.name, reverse=True)


def _pack(units: list[tuple[str, Entry]], cap: int) -> list[Shard]:
    """Consecutive units (days or months, in date order) packed into shards of at most `cap`
    articles; a unit is split only when it alone is larger. A shard is named after its first unit."""
    sizes: dict[str, int] = {}
    for label, _ in units:
        sizes[label] = sizes.get(label, 0) + 1
    packs: list[tuple[str, list[str]]] = []
    current: list[str] = []
    starts: dict[str, int] = {}
    previous = None
    for label, entry in units:
        new_unit = label != previous
        if current and (len(current) >= cap or (new_unit and len(current) + sizes[label] > cap)):
            current = []
        if not current:
            starts[label] = starts.get(label, 0) + 1
            name = label if starts[label] == 1 else f"{label}.{starts[label]}"
            packs.append((name, current))
        current.append(entry.page)
        previous = label
    return [Shard(name, tuple(pages)) for name, pages in packs]


# Pagefind reads a page's elements marked data-pagefind-body (all of the page when none is), and
# the meta, filter and sort values marked anywhere, in the page's language (<html lang>).
_MARKED = re.compile(rb"<([a-zA-Z][\w:-]*)(?=[^>]*\sdata-pagefind-(body|meta|filter|sort)\b)[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)


def indexed_digest(html: bytes) -> str:
    """A digest of what Pagefind indexes of a page: its shard is re-made only when this changes,
    not when a part it does not read does (the related links and neighbours of an article page)."""
    marked = list(_MARKED.finditer(html))
    if not any(m.group(2).lower() == b"body" for m in marked):
        return hashlib.sha256(html).hexdigest()
    first = _HTML_TAG.search(html)
    parts = [first.group(0)] if first else []
    covered = 0
    for m in marked:
        if m.start() < covered:
            continue                    # inside a body element already taken whole
        if m.group(2).lower() == b"body":
            covered = _element_end(html, m.group(1), m.end())
            parts.append(html[m.start():covered])
        else:                           # a value outside the body: the tag and the text after it
            end = html.find(b"<", m.end())
            parts.append(html[m.start():end if end >= 0 else len(html)])
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _element_end(html: bytes, tag: bytes, start: int) -> int:
    depth = 1
    for m in re.compile(rb"<(/?)" + re.escape(tag) + rb"\b[^>]*>", re.IGNORECASE).finditer(html, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return len(html)


def shard_list(shards: list[Shard]) -> bytes:
    return json.dumps([s.prefix for s in shards]).encode()


def index_shard(prefix: str, pages: tuple[str, ...], slot: Path) -> dict[str, bytes]:
    """Pagefind's bundle for these pages of `slot`, as {output path: bytes}, without UI files."""
    files = _run_pagefind(slot, pages)
    return {prefix + rel: data for rel, data in files.items() if not rel.startswith(UI_FILES)}


def ui_files(page: str, slot: Path) -> dict[str, bytes]:
    """Pagefind's UI scripts and styles (the same for any index of one Pagefind version)."""
    files = _run_pagefind(slot, (page,))
    return {UI_DIR + rel: data for rel, data in files.items() if rel.startswith(UI_FILES)}


def pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


def _run_pagefind(slot: Path, pages: tuple[str, ...]) -> dict[str, bytes]:
    # Pagefind indexes a folder holding just these pages (hard links to the slot's files, at the
    # same paths, so result URLs are the site's). It is inside the slot, so that links work and so
    # that a killed build leaves it only in a dirty slot, which the next build empties.
    with tempfile.TemporaryDirectory(prefix=".search-", dir=slot) as tmp:
        site, out = Path(tmp) / "site", Path(tmp) / "out"
        for rel in pages:
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(slot / rel, target)
            except OSError:
                shutil.copyfile(slot / rel, target)
        command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(out), "--silent"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise NewsdigestError(Problem("site.toml", f"the search index could not be built: {exc}", HINT)) from None
        if done.returncode != 0:
            reason = ((done.stderr or done.stdout).strip().splitlines() or ["pagefind failed"])[-1]
            raise NewsdigestError(Problem("site.toml", f"the search index could not be built: {reason}", HINT))
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

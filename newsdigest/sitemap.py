"""sitemap.xml and robots.txt."""
from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter
from typing import Sequence
from xml.sax.saxutils import escape

from .core import SiteModel
from .order import KeptOrder


MAX_URLS = 50_000  # per sitemap file, by the protocol (sitemaps.org); more go into several files


def sitemap_files(model: SiteModel, page_paths: list[str], lastmod: dict[str, str],
                  lines: dict | None = None, order: KeptOrder | None = None,
                  dirty: set[str] | None = None, new: list[str] | None = None,
                  kept: dict | None = None) -> dict[str, bytes]:
    """sitemap.xml: every HTML page but the 404, with the date of its newest article where
    known. Past MAX_URLS pages (a site of some 35,000 articles), sitemap.xml becomes an index
    of one sitemap per section (sitemap-articles-2024.xml, sitemap-topics.xml ...; a section of
    more than MAX_URLS pages in several, -2, -3 ...), so that search engines still read all of it
    and a new article changes its year's file, not every file after it in sorted order. `kept`
    (the live engine's): each section file's lines and bytes, the same bytes object while its
    lines are the same. `lines`
    (the live engine's, for one config): each page's line as last written, by path, brought up
    to date; `order` (the live engine's): the pages as last sorted, re-sorted where they changed;
    `dirty` (with `lines`): the only pages whose lastmod may differ from the one their line has;
    `new` (with `order`): the pages not among those it last sorted, when known."""
    # a path is its own name and key
    paths = sorted(page_paths) if order is None else order.sort(page_paths, str, str, new)
    if lines is not None and dirty is not None:
        # Only the pages new or dirty are looked at; the others' lines are taken as they are.
        present = set(paths)
        for path in (dirty & present) | (present - lines.keys()):
            lines[path] = _line(model, path, lastmod.get(path), lines.get(path))
        for path in lines.keys() - present:   # pages gone: the others' entries stay as they are
            del lines[path]
        made = list(map(lines.__getitem__, paths))
    else:
        made = _lines(model, paths, lastmod, lines if lines is not None else {})
        if lines is not None:
            lines.clear()
            lines.update(zip(paths, made))
    if len(made) <= MAX_URLS:
        return {"sitemap.xml": _urlset(made)}
    files, last = {}, kept if kept is not None else {}
    now = {}
    for section, start, end in _sections(paths):
        for n, at in enumerate(range(start, end, MAX_URLS)):
            name = f"sitemap-{section}.xml" if n == 0 else f"sitemap-{section}-{n + 1}.xml"
            part = made[at:min(at + MAX_URLS, end)]
            found = last.get(name)
            if found is None or found[0] != part:   # tuples kept in `lines`: compared by identity first
                found = (part, _urlset(part))
            now[name] = found
            files[name] = found[1]
    if kept is not None:
        kept.clear()
        kept.update(now)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <sitemap><loc>{escape(model.config.absolute(name))}</loc></sitemap>" for name in files]
    lines.append("</sitemapindex>")
    files["sitemap.xml"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files


def _sections(paths: Sequence[str]) -> list[tuple[str, int, int]]:
    """(name, start, end) of each section of the sorted page paths: the pages under one top
    folder, the articles by year; a page at the top (the home page) alone. Found by bisection
    from the start of each section, not by reading every path."""
    sections, at = [], 0
    while at < len(paths):
        head, slash, rest = paths[at].partition("/")
        if not slash:
            sections.append((head or "home", at, at + 1))
            at += 1
            continue
        prefix = f"{head}/{rest.split('/', 1)[0]}/" if head == "articles" and "/" in rest else f"{head}/"
        # every path under prefix sorts before prefix with its last "/" raised to "0"
        end = bisect_left(paths, prefix[:-1] + chr(ord("/") + 1), at)
        sections.append((prefix.strip("/").replace("/", "-"), at, end))
        at = end
    return sections


def _lines(model: SiteModel, paths: list[str], lastmod: dict[str, str], last: dict) -> list[tuple[str | None, str]]:
    """(lastmod, line) for each page: the last one while its lastmod is the same."""
    return [_line(model, path, lastmod.get(path), last.get(path)) for path in paths]


def _line(model: SiteModel, path: str, when: str | None, found: tuple | None) -> tuple[str | None, str]:
    if found is None or found[0] != when:
        found = (when, f"  <url><loc>{escape(model.config.absolute(path))}</loc>"
                       + (f"<lastmod>{when}</lastmod>" if when is not None else "") + "</url>")
    return found


def _urlset(lines: list[tuple[str | None, str]]) -> bytes:
    text = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    text += map(itemgetter(1), lines)
    text.append("</urlset>")
    return ("\n".join(text) + "\n").encode("utf-8")


def robots_bytes(model: SiteModel) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {model.config.absolute('sitemap.xml')}\n".encode("utf-8")

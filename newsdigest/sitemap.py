"""sitemap.xml and robots.txt."""
from __future__ import annotations

from operator import itemgetter
from xml.sax.saxutils import escape

from .core import SiteModel
from .order import KeptOrder


MAX_URLS = 50_000  # per sitemap file, by the protocol (sitemaps.org); more go into several files


def sitemap_files(model: SiteModel, page_paths: list[str], lastmod: dict[str, str],
                  lines: dict | None = None, order: KeptOrder | None = None,
                  dirty: set[str] | None = None, new: list[str] | None = None) -> dict[str, bytes]:
    """sitemap.xml: every HTML page but the 404, with the date of its newest article where
    known. Past MAX_URLS pages (a site of some 35,000 articles), sitemap.xml becomes an index
    of sitemap-1.xml, sitemap-2.xml ..., so that search engines still read all of it. `lines`
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
    parts = [made[i:i + MAX_URLS] for i in range(0, len(made), MAX_URLS)] or [[]]
    if len(parts) == 1:
        return {"sitemap.xml": _urlset(parts[0])}
    files = {f"sitemap-{n}.xml": _urlset(part) for n, part in enumerate(parts, start=1)}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <sitemap><loc>{escape(model.config.absolute(name))}</loc></sitemap>" for name in files]
    lines.append("</sitemapindex>")
    files["sitemap.xml"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files


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

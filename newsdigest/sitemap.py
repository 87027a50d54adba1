"""sitemap.xml and robots.txt."""
from __future__ import annotations

from xml.sax.saxutils import escape

from .core import SiteModel


MAX_URLS = 50_000  # per sitemap file, by the protocol (sitemaps.org); more go into several files


def sitemap_files(model: SiteModel, page_paths: list[str], lastmod: dict[str, str]) -> dict[str, bytes]:
    """sitemap.xml: every HTML page but the 404, with the date of its newest article where
    known. Past MAX_URLS pages (a site of some 35,000 articles), sitemap.xml becomes an index
    of sitemap-1.xml, sitemap-2.xml ..., so that search engines still read all of it."""
    paths = sorted(page_paths)
    parts = [paths[i:i + MAX_URLS] for i in range(0, len(paths), MAX_URLS)] or [[]]
    if len(parts) == 1:
        return {"sitemap.xml": _urlset(model, parts[0], lastmod)}
    files = {f"sitemap-{n}.xml": _urlset(model, part, lastmod) for n, part in enumerate(parts, start=1)}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <sitemap><loc>{escape(model.config.absolute(name))}</loc></sitemap>" for name in files]
    lines.append("</sitemapindex>")
    files["sitemap.xml"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files


def _urlset(model: SiteModel, paths: list[str], lastmod: dict[str, str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in paths:
        lines.append(f"  <url><loc>{escape(model.config.absolute(path))}</loc>"
                     + (f"<lastmod>{lastmod[path]}</lastmod>" if path in lastmod else "") + "</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_bytes(model: SiteModel) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {model.config.absolute('sitemap.xml')}\n".encode("utf-8")

"""sitemap.xml and robots.txt."""
from __future__ import annotations

from xml.sax.saxutils import escape

from .model import SiteModel


def sitemap_bytes(model: SiteModel, page_paths: list[str], lastmod: dict[str, str]) -> bytes:
    """Every HTML page but the 404, with the date of its newest article where known."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(page_paths):
        lines.append(f"  <url><loc>{escape(model.config.absolute(path))}</loc>"
                     + (f"<lastmod>{lastmod[path]}</lastmod>" if path in lastmod else "") + "</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_bytes(model: SiteModel) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {model.config.absolute('sitemap.xml')}\n".encode("utf-8")

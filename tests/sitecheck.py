"""Helpers to inspect a built site: files, links, and HTML structure."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []   # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append((tag, value))
            if name == "id":
                self.ids.add(value)


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def resolve_target(site: Path, page_rel: str, url: str, base_url: str) -> Path | None:
    """The file a link points to inside the site, or None for a link leaving the site."""
    if url.startswith(("mailto:", "#")):
        return None
    base_path = urlsplit(base_url).path
    if url.startswith(base_url):
        url = "/" + url[len(base_url):]
        page_url = "/" + page_rel
    elif urlsplit(url).scheme:
        return None
    else:
        page_url = "/" + page_rel
    absolute = urljoin(page_url, url)
    path = unquote(urlsplit(absolute).path)
    if page_rel == "404.html" and path.startswith(base_path):
        path = "/" + path[len(base_path):]  # the 404 page links from the absolute base path
    target = site / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    return target


def broken_links(site: Path, base_url: str) -> list[str]:
    broken = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for tag, url in collector.links:
            target = resolve_target(site, rel, url, base_url)
            if target is not None and not target.is_file():
                broken.append(f"{rel}: <{tag}> {url} -> {target.relative_to(site) if target.is_relative_to(site) else target}")
    return broken

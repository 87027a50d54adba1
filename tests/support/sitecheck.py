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


SEARCH_INDEX = "pagefind/"


def site_files(site: Path, search_index: bool = False) -> dict[str, bytes]:
    """path -> bytes of a built site. Pagefind's bundle is left out unless asked for: its filter
    files differ from run to run for the same pages, so it is compared by what it finds instead."""
    files = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and (search_index or not rel.startswith(SEARCH_INDEX)):
            files[rel] = path.read_bytes()
    return files


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

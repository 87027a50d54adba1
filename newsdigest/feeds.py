"""Feeds: RSS 2.0 and Atom written with feedgen, JSON Feed 1.1, and an OPML list of them all.

Deterministic: dates with offsets, newest first with the article id as tie-break (the model's
order), feed dates from the newest item rather than the clock, absolute URLs, stable ids.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote
from xml.sax.saxutils import XMLGenerator

from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension
from feedgen.feed import FeedGenerator

from . import __version__, urls
from .core import Article
from .config import SiteConfig
from .markup import feed_html

EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
# XML 1.0 cannot carry these characters at all; scraped text sometimes has them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedSpec:
    title: str
    description: str
    page_path: str        # the HTML listing this feed mirrors ("", "topics/x/"); its files are beside it
    article_ids: tuple[str, ...]
    kind: str = "site"    # "site", "topics", "actors", "sources": how OPML groups it
    formats: tuple[str, ...] = ("rss", "atom", "json")  # which of the three files are written

    def paths(self) -> list[tuple[str, str]]:
        """(format, output path) of every file of this feed that is written."""
        return [(f, urls.feed(self.page_path, f)) for f in self.formats]

    @property
    def rss_path(self) -> str:
        return urls.feed(self.page_path, "rss")

    @property
    def atom_path(self) -> str:
        return urls.feed(self.page_path, "atom")

    @property
    def json_path(self) -> str:
        return urls.feed(self.page_path, "json")


def entry_id(article_id: str) -> str:
    """A valid, stable IRI for the article's front matter id."""
    try:
        return uuid.UUID(article_id).urn
    except ValueError:
        pass
    if re.match(r"^(urn|tag|https?):\S+$", article_id, re.IGNORECASE):
        return article_id
    return "urn:newsdigest:" + quote(article_id, safe="")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _describe(fg: FeedGenerator, text: str, rss: bool) -> None:
    """The channel's description. RSS readers treat <description> as HTML (channel and item
    alike), so in RSS it is escaped to stay text: a term named `<img onerror=...>` must show as
    written. Atom's <subtitle> is declared text. (feedgen keeps one value for both.)"""
    fg.subtitle(html.escape(_clean(text), quote=False) if rss else _clean(text))


def _generator(spec: FeedSpec, articles: list[Article], config: SiteConfig, self_path: str,
               rss: bool) -> FeedGenerator:
    fg = FeedGenerator()
    page_url = config.absolute(spec.page_path)
    fg.id(page_url)
    fg.title(_clean(spec.title))
    _describe(fg, spec.description or spec.title, rss)
    # feedgen makes the last link added the RSS <channel><link>, which must be the HTML page.
    fg.link(href=config.absolute(self_path), rel="self")
    fg.link(href=page_url, rel="alternate")
    fg.language(config.language)
    fg.author(name=config.author or config.title)
    fg.generator("newsdigest", version=__version__)
    fg.load_extension("dc", atom=False, rss=True)
    newest = max(((a.updated or a.date) for a in articles), default=EPOCH)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for article in articles:
        fg.add_entry(_entry(article, config), order="append")   # its dc extension loaded already
    return fg


# An article is in several feeds, each in up to three formats, and in the same feeds build after
# build (the newest ones): its entry is made once while it is the same article object and base
# URL (feedgen only reads an entry to write it). Bounded: a clean build goes through every feed.
_ENTRIES: dict[str, tuple] = {}   # article id -> (the article, base URL, its FeedEntry)
ENTRIES_KEPT = 1024


def _entry(article: Article, config: SiteConfig) -> FeedEntry:
    base_url = config.base_url   # all an entry reads of the config
    found = _ENTRIES.get(article.id)
    if found is not None and found[0] is article and found[1] == base_url:
        return found[2]
    fe = FeedEntry()
    fe.register_extension("dc", DcEntryExtension, atom=False, rss=True)   # as _generator's feed loads it
    url = config.absolute(article.url_path)
    fe.id(entry_id(article.id))
    fe.guid(entry_id(article.id), permalink=False)
    fe.title(_clean(article.title))
    fe.link(href=url, rel="alternate")
    fe.published(article.date)
    fe.updated(article.updated or article.date)
    if article.author:
        fe.author(name=_clean(article.author))
        # RSS's <author> must be an email address: the name goes in Dublin Core's dc:creator.
        fe.dc.dc_creator(_clean(article.author))
    for topic in article.topics:
        fe.category(term=_clean(topic))
    fe.content(_clean(feed_html(article.root_html, base_url)), type="html")
    # RSS readers treat <description> as HTML: the plain-text summary is escaped to stay text.
    fe.summary(html.escape(_clean(article.summary), quote=False), type="html")
    if len(_ENTRIES) >= ENTRIES_KEPT:
        _ENTRIES.clear()
    _ENTRIES[article.id] = (article, base_url, fe)
    return fe


def rss_bytes(spec: FeedSpec, articles: list[Article], config: SiteConfig) -> bytes:
    return _generator(spec, articles, config, spec.rss_path, rss=True).rss_str(pretty=True)


def atom_bytes(spec: FeedSpec, articles: list[Article], config: SiteConfig) -> bytes:
    return _generator(spec, articles, config, spec.atom_path, rss=False).atom_str(pretty=True)


def feed_specs_key(spec: FeedSpec, articles: list[Article], config_key: str) -> str:
    """A feed's bytes depend on its spec, its articles' files and the config, nothing else."""
    h = hashlib.sha256(f"{config_key}\0{spec!r}".encode())
    for article in articles:
        h.update(article.content_hash.encode())
    return h.hexdigest()


def json_feed_bytes(spec: FeedSpec, articles: list[Article], config: SiteConfig) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "home_page_url": config.absolute(spec.page_path),
        "feed_url": config.absolute(spec.json_path),
        "description": spec.description or spec.title,
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": [],
    }
    for article in articles:
        item = {
            "id": entry_id(article.id),
            "url": config.absolute(article.url_path),
            "title": article.title,
            "content_html": feed_html(article.root_html, config.base_url),
            "summary": article.summary,
            "date_published": article.date.isoformat(),
            "date_modified": (article.updated or article.date).isoformat(),
            "language": article.lang,
        }
        if article.author:
            item["authors"] = [{"name": article.author}]
        if article.topics:
            item["tags"] = list(article.topics)
        if article.url:
            item["external_url"] = article.url
        feed["items"].append(item)
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def opml_bytes(specs: list[FeedSpec], config: SiteConfig) -> bytes:
    """One OPML file listing every RSS feed of the site, so a reader can subscribe to all at once."""
    groups = {"site": [], "topics": [], "actors": []}
    for spec in specs:
        groups.setdefault(spec.kind, []).append(spec)
    titles = {"site": config.title, "topics": "Topics", "actors": "Actors"}
    out = io.StringIO()
    xml = XMLGenerator(out, encoding="UTF-8", short_empty_elements=True)  # escapes text and attributes
    xml.startDocument()
    xml.startElement("opml", {"version": "2.0"})
    xml.characters("\n")
    xml.startElement("head", {})
    xml.characters("\n")
    xml.startElement("title", {})
    xml.characters(f"{_clean(config.title)} feeds")
    xml.endElement("title")
    xml.characters("\n")
    xml.endElement("head")
    xml.characters("\n")
    xml.startElement("body", {})
    xml.characters("\n")
    for kind, members in groups.items():
        members = [spec for spec in members if spec.formats]
        if not members:
            continue
        xml.startElement("outline", {"text": _clean(titles.get(kind, kind.title()))})
        for spec in members:
            url = spec.paths()[0][1]  # RSS when there is one: what every reader takes
            xml.characters("\n  ")
            xml.startElement("outline", {"type": "rss", "text": _clean(spec.title), "title": _clean(spec.title),
                                         "xmlUrl": config.absolute(url), "htmlUrl": config.absolute(spec.page_path)})
            xml.endElement("outline")
        xml.characters("\n")
        xml.endElement("outline")
        xml.characters("\n")
    xml.endElement("body")
    xml.characters("\n")
    xml.endElement("opml")
    xml.characters("\n")
    xml.endDocument()
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class DigestItem:
    key: str              # "2024-08-27" or "2024-W35"
    title: str
    url_path: str         # "digest/2024-08-27/"
    updated: datetime
    html: str             # the digest's stories as HTML, links absolute


def digest_items_html(view: dict, config: SiteConfig) -> str:
    """A digest (as planned for its page) as HTML for feed readers: escaped text, absolute links."""
    parts = []
    for group in view["groups"]:
        parts.append(f"<h3>{html.escape(group['topic'])}</h3><ul>")
        for entry in group["entries"]:
            sources = ", ".join(html.escape(s["name"]) for s in entry["sources"])
            parts.append(f'<li><a href="{html.escape(config.absolute(entry["url"]))}">{html.escape(entry["title"])}</a>'
                         + (f"<br>{html.escape(entry['lede'])}" if entry["lede"] else "")
                         + (f"<br><small>{sources}</small>" if sources else "") + "</li>")
        parts.append("</ul>")
    return _clean("".join(parts))


def digest_feed_bytes(items: list[DigestItem], config: SiteConfig, fmt: str) -> bytes:
    """The digests feed: one item per day and per week, for readers who want a newsletter."""
    fg = FeedGenerator()
    page = config.absolute(urls.DIGESTS)
    self_url = config.absolute(urls.feed(urls.DIGESTS, fmt))
    fg.id(page)
    fg.title(_clean(f"{config.title}: digests"))
    _describe(fg, f"Daily and weekly digests of {config.title}", fmt == "rss")
    fg.link(href=self_url, rel="self")
    fg.link(href=page, rel="alternate")
    fg.language(config.language)
    fg.author(name=config.author or config.title)
    fg.generator("newsdigest", version=__version__)
    fg.load_extension("dc", atom=False, rss=True)
    newest = max((i.updated for i in items), default=EPOCH)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for item in items:
        fe = fg.add_entry(order="append")
        ident = "urn:newsdigest:digest:" + quote(item.key, safe="")
        fe.id(ident)
        fe.guid(ident, permalink=False)
        fe.title(_clean(item.title))
        fe.link(href=config.absolute(item.url_path), rel="alternate")
        fe.published(item.updated)
        fe.updated(item.updated)
        fe.content(item.html, type="html")
    return fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)

"""Markdown to safe HTML: article text is untrusted, so every body is sanitised with an allowlist.

Each body is rendered once and kept in two forms: for its own page (site-internal links made
relative, so the site works under any sub-path) and for feeds (links from the site root, made
absolute by feed_html() when a feed is written: parsing never depends on where the site is deployed).
"""
from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "q", "cite", "abbr", "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "img", "figure", "figcaption", "div", "span",
}
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href", "id"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "li": {"id"},
    "sup": {"id"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "ol": {"start"},
}
# Footnotes from Markdown's "extra" use these classes; no other class may borrow the theme's styles.
ALLOWED_CLASSES = {"div": {"footnote"}, "a": {"footnote-ref", "footnote-backref"}, "sup": {"footnote-ref"}}
URL_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src"}

_md = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
_HEADING = re.compile(r"(</?h)([1-6])\b")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Body:
    page_html: str
    root_html: str


def _demote_headings(text: str) -> str:
    """The article title is the page's only h1: the body's heading levels, in their order, become
    h2, h3, ... with none skipped (an article whose sections are h3 gets h2 sections), as screen
    readers navigate by level."""
    levels = sorted({int(level) for _, level in _HEADING.findall(text)})
    rank = {level: min(2 + n, 6) for n, level in enumerate(levels)}
    return _HEADING.sub(lambda m: f"{m.group(1)}{rank[int(m.group(2))]}", text)


def _page_link(value: str, root: str) -> str:
    if value.startswith("/") and not value.startswith("//"):
        return root + value[1:]  # "/articles/x/" means the site root, wherever it is deployed
    if value.startswith("//"):
        return "https:" + value
    return value


def _feed_link(value: str, page_path: str) -> str:
    # Links are resolved from the site root ("/articles/...") here; feeds_html() puts the
    # base_url in front when a feed is written, so parsing an article never depends on it.
    if value.startswith("//"):
        return "https:" + value
    return urljoin(page_path, value)


def _absolute_link(value: str, base_url: str) -> str:
    if value.startswith("/") and not value.startswith("//"):
        return base_url + value[1:]
    return value


def feed_html(root_html: str, base_url: str) -> str:
    """An article's feed form (links from the site root) with every link absolute under base_url.

    Most scraped articles have no link at all, and are returned as they are."""
    if 'href="/' not in root_html and 'src="/' not in root_html:
        return root_html
    return _absolute_links(root_html, base_url)


@functools.lru_cache(maxsize=1024)  # an article is in several feeds, each in three formats
def _absolute_links(root_html: str, base_url: str) -> str:
    return sanitize(root_html, lambda v: _absolute_link(v, base_url))


def sanitize(fragment: str, url_filter=None) -> str:
    def attribute_filter(tag: str, attr: str, value: str):
        if attr in URL_ATTRIBUTES and url_filter is not None:
            return url_filter(value.strip())
        return value

    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     allowed_classes=ALLOWED_CLASSES, attribute_filter=attribute_filter,
                     clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
                     link_rel="noopener noreferrer")


def relative_root(url_path: str) -> str:
    """The way back to the site root from a page at url_path ("articles/2024/08/x/" -> "../../../../")."""
    depth = url_path.count("/") if url_path.endswith("/") else url_path.count("/")
    return "../" * depth if depth else "./"


# Scraped news is nearly always plain paragraphs. For those Markdown's output is known (each
# paragraph in <p>, its lines joined by "\n") and there is nothing to sanitise, so it is built
# directly: that saves most of the parsing time of a cold build. Any character or line start
# that Markdown or HTML could give a meaning to takes the full path (tests/test_markup.py
# checks that both paths agree).
_NOT_PLAIN = re.compile(
    r"[\\`*_{}\[\]<>&#|~\t\r\f\v\x00-\x08\x0b\x0e-\x1f\x7f\u00a0\u2028\u2029]"  # syntax, HTML, odd spaces
    r"|^(?!$|[^\W\d_]|[\"'\u201c\u2018(]|\d+(?![.)\d]))"  # a line opens with a letter, quote, ( or a number
    r"|[^\S\n]$",                                           # trailing spaces make a line break
    re.MULTILINE)
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def plain_paragraphs(text: str) -> str | None:
    """The HTML of a body made only of plain paragraphs, or None if it may hold anything else."""
    text = text.strip("\n")
    if not text or _NOT_PLAIN.search(text):
        return None
    return "\n".join(f"<p>{p}</p>" for p in _PARAGRAPH_BREAK.split(text))


def render_markdown(text: str, url_path: str) -> Body:
    """The page and feed forms of an article body for the page at url_path ("articles/2024/08/x/")."""
    plain = plain_paragraphs(text)
    if plain is not None:
        return Body(plain, plain)  # no links, so the page and feed forms are the same
    _md.reset()
    raw = _demote_headings(_md.convert(text))
    root = relative_root(url_path)
    page_html = sanitize(raw, lambda v: _page_link(v, root))
    root_html = sanitize(raw, lambda v: _feed_link(v, "/" + url_path))
    return Body(page_html, root_html)


_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|pre|td|th|dd|dt|figcaption|div)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(fragment: str) -> str:
    """Plain text of sanitised HTML, one paragraph per block, for extraction and search."""
    blocks = (plain_text(block) for block in _BLOCK_END.split(fragment))
    return "\n\n".join(b for b in blocks if b)


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def lede_text(body_html: str, limit: int = 300) -> str:
    """The first paragraph as plain text, cut at a word boundary."""
    paragraphs = (plain_text(m.group(1)) for m in re.finditer(r"<p\b[^>]*>(.*?)</p>", body_html, re.DOTALL))
    text = next((p for p in paragraphs if p), None) or plain_text(body_html)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"

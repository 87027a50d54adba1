"""One reader per input format, all with one narrow contract:

    reader(path, data, sources, furniture, fields) -> list[RawArticle | Rejected]

A reader decodes the bytes, finds the article(s) and their metadata as text, and returns one
RawArticle per article. A problem with the whole file raises Rejected; a problem with one
record of a multi-record file (JSON Lines, a JSON list) is returned in that record's place,
so the other records still go through. `furniture` is the site's line rules (boilerplate.py),
`fields` the site's own names for JSON fields (site.toml [ingest.fields]).
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any, Callable, Mapping

from ..config import DEFAULT_SOURCES
from ..errors import NewsdigestError
from ..files import read_regular
from ..frontmatter import parse as parse_front_matter
from ..schema import SCRAPED
from .boilerplate import Furniture
from .decode import decode
from .header import clean_title, split_text_header
from .markers import squash
from .model import Rejected, RawArticle, Removal

Reader = Callable[..., "list[RawArticle | Rejected]"]
NO_FIELDS: Mapping[str, tuple[str, ...]] = {}


# --- plain scraped text --------------------------------------------------------------------------------

def read_text(path: Path, data: bytes, sources: Mapping[str, str] = DEFAULT_SOURCES,
              furniture: Furniture | None = None,
              fields: Mapping[str, tuple[str, ...]] = NO_FIELDS) -> list[RawArticle | Rejected]:
    decoded = decode(data)
    found, where, body, body_line, taken = split_text_header(decoded.text, sources, furniture)
    if not body.strip():
        raise Rejected("no article text after the header", "the text must follow the title and date lines")
    return [RawArticle(path=path, kind="text", text=body, body_line=body_line, field_lines=where,
                       encoding=decoded.encoding, repaired=decoded.repaired, header=taken, **found)]


# --- saved HTML pages --------------------------------------------------------------------------------

MIN_PAGE_WORDS = 8  # less than this is a menu or a caption, not an article
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def read_html(path: Path, data: bytes, sources: Mapping[str, str] = DEFAULT_SOURCES,
              furniture: Furniture | None = None,
              fields: Mapping[str, tuple[str, ...]] = NO_FIELDS) -> list[RawArticle | Rejected]:
    import trafilatura  # heavy: loaded only when a page is read

    declared = _META_CHARSET.search(data[:4096])
    decoded = decode(data, declared.group(1).decode("ascii", "replace") if declared else None)
    doc = trafilatura.bare_extraction(
        decoded.text, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, include_links=False, favor_precision=True,
        date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True,
                                "extensive_search": False})
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(text.split()) < MIN_PAGE_WORDS:
        raise Rejected("no article text found in the page",
                       "save the article page itself (not a section front or a search page)")
    site = squash(doc.sitename or "")
    categories = [c for c in (doc.categories or []) if c]
    return [RawArticle(
        path=path, kind="html",
        # trafilatura gives one block (paragraph, heading, list item) per line
        text=text.replace("\n", "\n\n"),
        title=clean_title(doc.title or "", site),
        date=doc.date or "",
        url=doc.url or "",
        source=site or (doc.hostname or ""),
        author=(doc.author or "").replace(";", ","),
        section=categories[0] if categories else "",
        encoding=decoded.encoding, repaired=decoded.repaired)]


# --- JSON and JSON Lines from scrapers ----------------------------------------------------------------

# Field names scrapers use, by the field they mean (first match wins, case-insensitive). A site
# names its own in site.toml ([ingest.fields]); those are tried first.
JSON_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name", "heading"),
    "text": ("text", "body", "content", "article", "article_text", "full_text", "articlebody", "body_html",
             "html", "content_html", "body_text", "story", "text_html"),
    "date": ("date", "published", "published_at", "publishedat", "pubdate", "datepublished",
             "date_published", "publish_date", "published_date", "publication_date", "pub_date",
             "published_time", "first_published", "datecreated", "time", "timestamp", "created_at"),
    "updated": ("updated", "updated_at", "modified", "datemodified", "date_modified", "last_modified"),
    "url": ("url", "link", "canonical_url", "canonical", "permalink", "article_url", "web_url"),
    "source": ("source", "site", "site_name", "sitename", "publisher", "agency", "source_name", "outlet",
               "publication"),
    "author": ("author", "authors", "byline", "creator", "author_name", "writer"),
    "section": ("section", "category", "categories"),
    "dateline": ("dateline", "location"),
    "lang": ("lang", "language", "inlanguage"),
}
REQUIRED_JSON = ("title", "text")
# [ingest.fields] names the body "body", as users do; here it is the "text" field.
_USER_NAMES = {"text": "body"}
_HTML_TAG = re.compile(r"<(?:p|br|div|h[1-6]|li|ul|ol|span|a|strong|em|b|i|blockquote|figure|section)\b[^>]*>",
                       re.IGNORECASE)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
# The text of a nested value: {"name": ...} (publisher, author), {"rendered": ...} (WordPress).
_NESTED_TEXT = ("name", "title", "value", "rendered", "text", "@value", "href", "url", "@id")


def _as_text(value: Any, join: str = ", ") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return str(int(value))
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        lowered = {str(k).lower(): v for k, v in value.items()}
        return _as_text(next((lowered[k] for k in _NESTED_TEXT if lowered.get(k) not in (None, "")), None))
    if isinstance(value, (list, tuple)):
        return join.join(t for t in (_as_text(v) for v in value) if t)
    return str(value)


# Elements of an HTML body that are page furniture, by tag or by a class or id word.
_CODE_TAGS = ".//script|.//style|.//noscript|.//iframe|.//svg"
_FURNITURE_TAGS = ".//form|.//aside|.//nav|.//button|.//figure"
_FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:ad|ads|advert\w*|sponsor\w*|promo\w*|related|recommend\w*|newsletter|subscribe\w*|share|"
    r"sharing|social|outbrain|taboola|read-?more|more-stories|teaser)(?:$|[\s_-])", re.IGNORECASE)


def html_fragment_text(fragment: str) -> str:
    """Text of an HTML fragment from a scraper, one paragraph per block; scripts dropped."""
    return html_fragment(fragment)[0]


def html_fragment(fragment: str) -> tuple[str, list[Removal]]:
    """An HTML body from a scraper as a saved page is read: one paragraph per block, and page
    furniture (scripts, asides, share bars, elements classed as ads or related links) dropped
    and returned as removals."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several kinds on broken markup; fall back to stripping tags
        return html.unescape(re.sub(r"<[^>]+>", " ", fragment)), []
    removals: list[Removal] = []
    for bad in root.xpath(_CODE_TAGS):
        bad.drop_tree()

    def drop(element, why: str) -> None:
        text = squash(element.text_content())
        if text:
            removals.append(Removal(text, "page furniture", why))
        element.drop_tree()

    for bad in root.xpath(_FURNITURE_TAGS):
        if bad.getparent() is not None:
            drop(bad, f"<{bad.tag}> element: not article text")
    for bad in root.xpath(".//*[@class or @id]"):
        marks = squash(f"{bad.get('class', '')} {bad.get('id', '')}")
        if bad.getparent() is not None and _FURNITURE_CLASS.search(marks):
            drop(bad, f"HTML element marked {marks!r}")
    for br in root.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.xpath(".//p|.//div|.//li|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//blockquote|.//tr"):
        block.tail = "\n\n" + (block.tail or "")
        block.text = "\n\n" + (block.text or "") if block.tag != "li" else (block.text or "")
    return root.text_content(), removals


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def no_surrogates(value: Any) -> Any:
    """A JSON or YAML value without lone surrogates ("\\ud800" escapes), which no file can hold:
    each becomes U+FFFD, in strings, keys and nested lists and objects."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {no_surrogates(k): no_surrogates(v) for k, v in value.items()}
    return value


def _lowered(record: dict) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in record.items()}


def _lookup(lowered: dict[str, Any], name: str) -> Any:
    """A field by name, or by a dotted path into nested objects ("meta.headline")."""
    if name in lowered or "." not in name:
        return lowered.get(name)
    value: Any = lowered
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = _lowered(value).get(part)
    return value


def _names(field: str, fields: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(n.lower() for n in fields.get(_USER_NAMES.get(field, field), ())) + JSON_FIELDS[field]


def _is_record(value: Any, fields: Mapping[str, tuple[str, ...]]) -> bool:
    """An object with a title or a body under a name we know (or the site mapped)."""
    if not isinstance(value, dict):
        return False
    lowered = _lowered(value)
    names = [n for f in ("title", "text") for n in _names(f, fields)]

    def holds_text(v: Any) -> bool:  # {"rendered": ...} does; a whole record under "article" does not
        return v not in (None, "") and not (isinstance(v, dict) and any(n in _lowered(v) for n in names))

    return any(holds_text(_lookup(lowered, n)) for n in names)


def _records_in(value: Any, fields: Mapping[str, tuple[str, ...]], depth: int = 0) -> list[Any] | None:
    """The records a JSON object holds: itself, one list of records, or one object wrapping
    either ({"data": {"articles": [...]}}, {"article": {...}}), searched a few levels down."""
    if _is_record(value, fields):
        return [value]
    if not isinstance(value, dict) or depth > 3:
        return None
    found = []
    for inner in value.values():
        if isinstance(inner, list) and inner and all(isinstance(i, dict) for i in inner):
            found.append(inner)
        elif isinstance(inner, dict):
            records = _records_in(inner, fields, depth + 1)
            if records is not None:
                found.append(records)
    return found[0] if len(found) == 1 else None


def _record(path: Path, kind: str, record: Any, line: int | None, decoded,
            fields: Mapping[str, tuple[str, ...]] = NO_FIELDS) -> RawArticle | Rejected:
    record = no_surrogates(record)
    wrapped = _records_in(record, fields)
    if wrapped is not None and len(wrapped) == 1 and isinstance(wrapped[0], dict):
        record = wrapped[0]  # {"article": {...}}: one record wrapped in an object
    if not isinstance(record, dict):
        return Rejected(f"record is not a JSON object (found {type(record).__name__})",
                        "each record must be an object with title, date, url, source and text", line)
    lowered = _lowered(record)
    found: dict[str, str] = {}
    for name in JSON_FIELDS:
        for alias in _names(name, fields):
            value = _lookup(lowered, alias)
            if _as_text(value).strip():
                found[name] = _as_text(value, "\n\n" if name == "text" else ", ")
                if name == "section" and isinstance(value, list):
                    found[name] = _as_text(value[:1])
                break
    keys = tuple(str(k) for k in record)
    missing = [name for name in REQUIRED_JSON if not found.get(name, "").strip()]
    if missing:
        shown = [_USER_NAMES.get(m, m) for m in missing]
        return Rejected(f"record has no {' and '.join(repr(m) for m in shown)} (its fields: {_field_list(keys)})",
                        f'name the field that holds it in site.toml: [ingest.fields] {shown[0]} = "<field>"', line)
    text = found.pop("text")
    removals: list[Removal] = []
    if _HTML_TAG.search(text):
        text, removals = html_fragment(text)
    elif _ENTITY.search(text):
        text = html.unescape(text)
    for name in ("title", "author", "source"):
        if name in found and (_ENTITY.search(found[name]) or "<" in found[name]):
            found[name] = html.unescape(re.sub(r"<[^>]+>", "", found[name]))
    where = {name: line for name in found} if line is not None else {}
    return RawArticle(path=path, kind=kind, text=text, line=line, body_line=line or 1, field_lines=where,
                      encoding=decoded.encoding, repaired=decoded.repaired, header=tuple(removals),
                      record_fields=keys, **found)


def _field_list(keys: tuple[str, ...], most: int = 12) -> str:
    if not keys:
        return "none"
    return ", ".join(keys[:most]) + (f" and {len(keys) - most} more" if len(keys) > most else "")


# Python's json module recurses once per level: "[[[[..." a hundred thousand deep exhausts the stack.
def _too_deep(line: int | None = None) -> Rejected:
    return Rejected("invalid JSON: values nested too deeply", "scraper records are objects of text fields", line)


def _json_error(exc: json.JSONDecodeError, text: str) -> Rejected:
    rest = text[exc.pos:].rstrip()
    truncated = (exc.pos >= len(text.rstrip()) - 1
                 or exc.msg.startswith("Unterminated string") and '"' not in rest[1:])
    if truncated:
        return Rejected("invalid JSON: the file ends in the middle of a value (truncated?)",
                        "save the complete scraper output again", exc.lineno)
    return Rejected(f"invalid JSON: {exc.msg} (column {exc.colno})", "fix the JSON at that line", exc.lineno)


def _array_items(text: str, start: int) -> list[tuple[Any, int]]:
    """The items of the JSON array starting at text[start] == "[", with their line numbers."""
    decoder = json.JSONDecoder()
    items, pos = [], start + 1
    while True:
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == "]":
            return items
        value, end = decoder.raw_decode(text, pos)
        items.append((value, text.count("\n", 0, pos) + 1))
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] == "]":
            return items
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def read_json(path: Path, data: bytes, sources: Mapping[str, str] = DEFAULT_SOURCES,
              furniture: Furniture | None = None,
              fields: Mapping[str, tuple[str, ...]] = NO_FIELDS) -> list[RawArticle | Rejected]:
    """A record, a list of records, or an object holding one list of records ({"articles": [...]})."""
    decoded = decode(data)
    text = decoded.text
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            return read_jsonl(path, data, sources, furniture, fields)  # JSON Lines saved as .json
        raise _json_error(exc, text) from None
    except RecursionError:
        raise _too_deep() from None
    start = _skip_ws(text, 0)
    if isinstance(value, list):
        try:
            items = _array_items(text, start)
        except RecursionError:
            raise _too_deep() from None
    else:
        first_line = text.count("\n", 0, start) + 1
        records = _records_in(value, fields)
        if records is None or records == [value]:
            items = [(value, first_line if isinstance(value, dict) else 1)]  # one record, or a rejection naming its fields
        else:
            items = [(item, None) for item in records]
    if not items:
        raise Rejected("the JSON list has no records", "", 1)
    return [_record(path, "json", item, line, decoded, fields) for item, line in items]


def read_jsonl(path: Path, data: bytes, sources: Mapping[str, str] = DEFAULT_SOURCES,
               furniture: Furniture | None = None,
               fields: Mapping[str, tuple[str, ...]] = NO_FIELDS) -> list[RawArticle | Rejected]:
    decoded = decode(data)
    out: list[RawArticle | Rejected] = []
    for number, line in enumerate(decoded.text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problem = _json_error(exc, line)
            out.append(Rejected(problem.reason, problem.hint, number))
            continue
        except RecursionError:
            out.append(_too_deep(number))
            continue
        out.append(_record(path, "jsonl", record, number, decoded, fields))
    if not out:
        raise Rejected("empty file", "the file has no records")
    return out


# --- Markdown with front matter ---------------------------------------------------------------------

def read_markdown(path: Path, data: bytes, sources: Mapping[str, str] = DEFAULT_SOURCES,
                  furniture: Furniture | None = None,
                  fields: Mapping[str, tuple[str, ...]] = NO_FIELDS) -> list[RawArticle | Rejected]:
    """An article already written as Markdown: validated, its fields kept, its body kept as written."""
    decoded = decode(data)
    try:
        fm = parse_front_matter(decoded.text, str(path))
    except NewsdigestError as exc:
        problem = exc.problems[0]
        raise Rejected(problem.message, problem.hint, problem.line) from None
    meta = no_surrogates(fm.meta)
    fields = {name: _as_text(meta.get(name)) for name in SCRAPED if meta.get(name) is not None}
    extra = {k: v for k, v in meta.items() if k not in SCRAPED and v is not None}
    if not fm.body.strip():
        raise Rejected("the article has no text below the front matter", "", fm.body_line)
    return [RawArticle(path=path, kind="markdown", text=fm.body, body_line=fm.body_line,
                       field_lines=dict(fm.lines), encoding=decoded.encoding, repaired=decoded.repaired,
                       markdown=True, extra=extra, **fields)]


# --- dispatch --------------------------------------------------------------------------------------

READERS: dict[str, Reader] = {
    ".txt": read_text, ".text": read_text,
    ".html": read_html, ".htm": read_html, ".xhtml": read_html,
    ".json": read_json,
    ".jsonl": read_jsonl, ".ndjson": read_jsonl,
    ".md": read_markdown, ".markdown": read_markdown,
}


# One article's file (text, page, Markdown) larger than this is not an article: reading and
# cleaning it would stall every build (a 50 MB text takes minutes). JSON and JSON Lines files
# hold many records and are not limited; each record's text is (pipeline.MAX_TEXT_CHARS).
MAX_ARTICLE_FILE_BYTES = 16 * 1024 * 1024
MULTI_RECORD = (".json", ".jsonl", ".ndjson")


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def read(path: Path, data: bytes | None = None, sources: Mapping[str, str] = DEFAULT_SOURCES,
         furniture: Furniture | None = None,
         fields: Mapping[str, tuple[str, ...]] = NO_FIELDS) -> list[RawArticle | Rejected]:
    """The article(s) in one input file; Rejected if the file as a whole cannot be read."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise Rejected(f"unsupported file type {path.suffix or '(no extension)'!r}",
                       "ingest reads " + ", ".join(sorted(READERS)))
    if data is None:
        try:
            data = read_regular(path)
        except OSError as exc:
            raise Rejected(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_ARTICLE_FILE_BYTES and path.suffix.lower() not in MULTI_RECORD:
        raise Rejected(f"file too large for one article ({len(data) / 2**20:.1f} MB; the limit is "
                       f"{MAX_ARTICLE_FILE_BYTES // 2**20} MB)", "check that it is one article; split it if not")
    return reader(path, data, sources, furniture, fields)

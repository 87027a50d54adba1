"""Typed site configuration from site.toml, validated once.

Every bad value is reported by key name with the form expected; unknown keys are warned about
(with a suggestion) and ignored; then one clear abort if anything was wrong.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import NewsdigestError, Problem
from .files import read_regular_text
from .schema import LANG_TAG

CONFIG_FILE = "site.toml"

# Agency codes seen in scraped datelines ("INA - BAGHDAD"); site.toml [sources] adds to these.
DEFAULT_SOURCES = {
    "INA": "Iraqi News Agency",
    "AFP": "Agence France-Presse",
    "AP": "Associated Press",
    "KUNA": "Kuwait News Agency",
    "WAM": "Emirates News Agency",
    "SPA": "Saudi Press Agency",
    "QNA": "Qatar News Agency",
    "IRNA": "Islamic Republic News Agency",
    "SANA": "Syrian Arab News Agency",
    "MENA": "Middle East News Agency",
    "NNA": "National News Agency",
    "PETRA": "Jordan News Agency",
    # The same agencies as Arabic datelines name them ("واع - بغداد", "بغداد (رويترز) -").
    "واع": "Iraqi News Agency",
    "رويترز": "Reuters",
    "أ ف ب": "Agence France-Presse",
    "فرانس برس": "Agence France-Presse",
    "أ ب": "Associated Press",
    "كونا": "Kuwait News Agency",
    "وام": "Emirates News Agency",
    "واس": "Saudi Press Agency",
    "قنا": "Qatar News Agency",
    "إرنا": "Islamic Republic News Agency",
    "سانا": "Syrian Arab News Agency",
    "أ ش أ": "Middle East News Agency",
    "بترا": "Jordan News Agency",
    "الأناضول": "Anadolu Agency",
    # and as Arabic copy names them in full ("تلقته وكالة الأنباء العراقية")
    "وكالة الأنباء العراقية": "Iraqi News Agency",
    "وكالة الأنباء الكويتية": "Kuwait News Agency",
    "وكالة الأنباء السعودية": "Saudi Press Agency",
    "وكالة الأنباء القطرية": "Qatar News Agency",
    "وكالة أنباء الإمارات": "Emirates News Agency",
    "وكالة الأنباء السورية": "Syrian Arab News Agency",
    "وكالة الأنباء الأردنية": "Jordan News Agency",
    "وكالة الأنباء الفرنسية": "Agence France-Presse",
    "وكالة أنباء الشرق الأوسط": "Middle East News Agency",
}


@dataclass(frozen=True)
class DeploySettings:
    """The [deploy] table: where `deploy` uploads the site. Credentials never come from here."""

    bucket: str = ""                  # required by `deploy`; the site builds without it
    prefix: str = ""                  # "" (bucket root) or a folder such as "digest/"
    endpoint_url: str | None = None   # for S3-compatible stores (MinIO, R2, ...); None is AWS
    region: str | None = None         # None: the AWS environment/config decides
    max_deletes: int = 100            # more deletions than this need --force-delete


FEED_FORMATS = ("rss", "atom", "json")
# The article fields a scraper's JSON record can hold, as [ingest.fields] names them.
INGEST_FIELDS = ("title", "body", "date", "updated", "url", "source", "author", "section", "dateline", "lang")


@dataclass(frozen=True)
class IngestSettings:
    """The [ingest] table: how scraped input is read."""

    # [ingest.fields]: field -> the site's scrapers' names for it, tried before the usual ones
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteConfig:
    title: str = "News digest"
    description: str = ""
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    items_per_page: int = 20
    feed_size: int = 30
    author: str = ""
    date_format: str = "%-d %B %Y, %H:%M"
    search: bool = True
    # Feeds written for every topic, actor and source (any of FEED_FORMATS). RSS alone by default:
    # every reader takes it, and the other two would triple the files for the same items (the
    # site's own feed is written in all three; docs/benchmarks.md, "Term feeds").
    term_feeds: tuple[str, ...] = ("rss",)
    sources: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SOURCES))
    deploy: DeploySettings = field(default_factory=DeploySettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, e.g. "/digest/" for https://example.org/digest/."""
        return urlsplit(self.base_url).path

    def absolute(self, path: str) -> str:
        """Absolute URL of a site path given relative to the site root ("topics/x/")."""
        return self.base_url + path.lstrip("/")


@dataclass(frozen=True)
class Paths:
    """Where a site's files live; every command takes --root."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def articles(self) -> Path:
        return self.content / "articles"

    @property
    def inbox(self) -> Path:
        return self.content / "inbox"

    @property
    def raw(self) -> Path:
        return self.content / "raw"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def output(self) -> Path:
        return self.root / "site"

    @property
    def state(self) -> Path:
        """Build state: caches, site generations, locks. Safe to delete."""
        return self.root / ".newsdigest"


# --- validators: value in, typed value out, or ValueError with the expected form ---------------

def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a string in quotes")
    return value


def _nonempty_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError('a non-empty string, like "My digest"')
    return value.strip()


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("a whole number of at least 1, like 20")
    return value


def _base_url(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError('an absolute http(s) URL, like "https://example.org/digest/"')
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError('an absolute http(s) URL without query or fragment, like "https://example.org/digest/"')
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"




def _language(value: Any) -> str:
    if not isinstance(value, str) or not LANG_TAG.match(value):
        raise ValueError('a BCP 47 language tag, like "en" or "ar-IQ"')
    return value


def _timezone(value: Any) -> ZoneInfo:
    if not isinstance(value, str):
        raise ValueError('an IANA time zone name, like "Asia/Baghdad" or "UTC"')
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError('an IANA time zone name, like "Asia/Baghdad" or "UTC"') from None


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false (without quotes)")
    return value


def _feed_formats(value: Any) -> tuple[str, ...]:
    example = 'a list of feed formats, like ["rss"], ["rss", "atom", "json"] or [] for none'
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(example)
    unknown = [v for v in value if v not in FEED_FORMATS]
    if unknown:
        raise ValueError(f"unknown feed format {unknown[0]!r}: {example}")
    return tuple(f for f in FEED_FORMATS if f in value)  # one order, whatever the file's


def _date_format(value: Any) -> str:
    if not isinstance(value, str) or "%" not in value:
        raise ValueError('a strftime format, like "%-d %B %Y, %H:%M"')
    return value


def _sources(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                              for k, v in value.items()):
        raise ValueError('a table of agency code = "Full name", like INA = "Iraqi News Agency"')
    merged = dict(DEFAULT_SOURCES)
    merged.update({k.strip(): v.strip() for k, v in value.items()})
    return merged


def _field_names(value: Any) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise ValueError('the name of the field in your JSON, or a list of names, like "hed" or ["hed", "meta.headline"]')
    return tuple(n.strip() for n in names)


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def _bucket(value: Any) -> str:
    if not isinstance(value, str) or not _BUCKET.match(value) or ".." in value:
        raise ValueError('an S3 bucket name: 3 to 63 lowercase letters, digits, dots or hyphens, like "news-digest"')
    return value


def _key_prefix(value: Any) -> str:
    form = 'a folder inside the bucket, like "digest/", or "" for the bucket root'
    if not isinstance(value, str) or "\\" in value or "\x00" in value:
        raise ValueError(form)
    parts = value.strip().strip("/").split("/")
    if parts == [""]:
        return ""
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError(form + ' (no empty, "." or ".." parts)')
    return "/".join(parts) + "/"


def _endpoint_url(value: Any) -> str:
    form = 'an http(s) URL of an S3-compatible service, like "http://127.0.0.1:9000"'
    if not isinstance(value, str):
        raise ValueError(form)
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(form)
    return value.strip().rstrip("/")


_REGION = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _region(value: Any) -> str:
    if not isinstance(value, str) or not _REGION.match(value):
        raise ValueError('a region name, like "eu-central-1" (or "auto" where the store asks for it)')
    return value


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("a whole number of at least 0, like 100")
    return value


@dataclass(frozen=True)
class Table:
    """Validator of a [table] whose keys have validators of their own; builds `make(**values)`.

    Bad values inside are reported as 'table.key'; unknown keys are warned about like top-level ones.
    """

    make: Callable[..., Any]
    validators: dict[str, Callable[[Any], Any]]
    example: str

    def __call__(self, value: Any) -> Any:
        # parse_config validates a table key by key (to name each bad one); this is the short form.
        if not isinstance(value, dict):
            raise ValueError(self.example)
        values, _, errors = _validate(value, self.validators, "", CONFIG_FILE, "")
        if errors:
            raise ValueError(self.example)
        return self.make(**values)


_DEPLOY_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "bucket": _bucket,
    "prefix": _key_prefix,
    "endpoint_url": _endpoint_url,
    "region": _region,
    "max_deletes": _non_negative_int,
}
assert set(_DEPLOY_VALIDATORS) == {f.name for f in fields(DeploySettings)}

_INGEST_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "fields": Table(lambda **names: names, {name: _field_names for name in INGEST_FIELDS},
                    'a table of field = "name in your JSON", like [ingest.fields] with title = "hed"'),
}
assert set(_INGEST_VALIDATORS) == {f.name for f in fields(IngestSettings)}


_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "title": _nonempty_text,
    "description": _text,
    "base_url": _base_url,
    "language": _language,
    "timezone": _timezone,
    "items_per_page": _positive_int,
    "feed_size": _positive_int,
    "author": _text,
    "date_format": _date_format,
    "search": _bool,
    "term_feeds": _feed_formats,
    "sources": _sources,
    "deploy": Table(DeploySettings, _DEPLOY_VALIDATORS, 'a table, like [deploy] with bucket = "news-digest"'),
    "ingest": Table(IngestSettings, _INGEST_VALIDATORS, 'a table, like [ingest.fields] with title = "hed"'),
}
assert set(_VALIDATORS) == {f.name for f in fields(SiteConfig)}


def line_of(text: str, key: str, table: str = "") -> int | None:
    """The line of `key = ...` (or `[key]`), searched inside `[table]` when one is given."""
    start, end = 0, len(text)
    if table:
        header = re.search(rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\]", text, re.MULTILINE)
        if header is None:  # an inline table or dotted keys: point at the table's own line
            return line_of(text, table)
        start = header.end()
        following = re.compile(r"^[ \t]*\[", re.MULTILINE).search(text, start)
        end = following.start() if following else end
    # [ \t], not \s: \s would match the newline of a blank line above and give that line.
    pattern = re.compile(rf"^[ \t]*\[?[ \t]*{re.escape(key)}[ \t]*[=\]]", re.MULTILINE)
    match = pattern.search(text, start, end)
    return text.count("\n", 0, match.start()) + 1 if match else None


def toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    """The line tomllib names in its message ("... (at line 3, column 9)")."""
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def parse_config(text: str, path: str = CONFIG_FILE) -> tuple[SiteConfig, list[Problem]]:
    """Validate site.toml text. Returns the config and warnings; raises on any error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise NewsdigestError(Problem(path, f"not valid TOML: {exc}", "fix the syntax at that line",
                                      toml_error_line(exc))) from None

    values, warnings, errors = _validate(data, _VALIDATORS, text, path, "")
    if errors:
        raise NewsdigestError(*errors)
    return SiteConfig(**values), warnings


def _validate(data: dict[str, Any], validators: dict[str, Callable[[Any], Any]], text: str, path: str,
              table: str) -> tuple[dict[str, Any], list[Problem], list[Problem]]:
    """Typed values, warnings and errors for the keys of one table ("" is the top level)."""
    warnings: list[Problem] = []
    errors: list[Problem] = []
    values: dict[str, Any] = {}
    for key, raw in data.items():
        name = f"{table}.{key}" if table else key
        validator = validators.get(key)
        if validator is None:
            close = difflib.get_close_matches(key, validators, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(sorted(validators))
            warnings.append(Problem(path, f"unknown key '{name}' is ignored", hint,
                                    line_of(text, key, table), "warning"))
            continue
        if isinstance(validator, Table) and isinstance(raw, dict):
            inner, inner_warnings, inner_errors = _validate(raw, validator.validators, text, path, name)
            warnings += inner_warnings
            errors += inner_errors
            if not inner_errors:
                values[key] = validator.make(**inner)
            continue
        try:
            values[key] = validator(raw)
        except ValueError as exc:
            errors.append(Problem(path, f"'{name}' must be {exc} (got {raw!r})",
                                  "correct the value or remove the key to use the default",
                                  line_of(text, key, table)))
    return values, warnings, errors


def load_config(paths: Paths) -> tuple[SiteConfig, list[Problem]]:
    """The site's config; a root without site.toml uses the defaults."""
    if not paths.config.exists():
        return SiteConfig(), []
    try:
        text = read_regular_text(paths.config)
    except (OSError, UnicodeDecodeError) as exc:
        raise NewsdigestError(Problem(CONFIG_FILE, f"cannot read: {exc}", "save it as UTF-8 text")) from None
    return parse_config(text, CONFIG_FILE)

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
}


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
    sources: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SOURCES))

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


_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def _language(value: Any) -> str:
    if not isinstance(value, str) or not _LANG.match(value):
        raise ValueError('a BCP 47 language tag, like "en" or "ar-IQ"')
    return value


def _timezone(value: Any) -> ZoneInfo:
    if not isinstance(value, str):
        raise ValueError('an IANA time zone name, like "Asia/Baghdad" or "UTC"')
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError('an IANA time zone name, like "Asia/Baghdad" or "UTC"') from None


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
    "sources": _sources,
}
assert set(_VALIDATORS) == {f.name for f in fields(SiteConfig)}


def _line_of(text: str, key: str) -> int | None:
    # [ \t], not \s: \s would match the newline of a blank line above and give that line.
    match = re.search(rf"^[ \t]*\[?[ \t]*{re.escape(key)}[ \t]*[=\]]", text, re.MULTILINE)
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

    warnings: list[Problem] = []
    errors: list[Problem] = []
    values: dict[str, Any] = {}
    for key, raw in data.items():
        validator = _VALIDATORS.get(key)
        if validator is None:
            close = difflib.get_close_matches(key, _VALIDATORS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(sorted(_VALIDATORS))
            warnings.append(Problem(path, f"unknown key '{key}' is ignored", hint, _line_of(text, key), "warning"))
            continue
        try:
            values[key] = validator(raw)
        except ValueError as exc:
            errors.append(Problem(path, f"'{key}' must be {exc} (got {raw!r})",
                                  "correct the value or remove the key to use the default", _line_of(text, key)))
    if errors:
        raise NewsdigestError(*errors)
    return SiteConfig(**values), warnings


def load_config(paths: Paths) -> tuple[SiteConfig, list[Problem]]:
    """The site's config; a root without site.toml uses the defaults."""
    if not paths.config.is_file():
        return SiteConfig(), []
    try:
        text = paths.config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NewsdigestError(Problem(CONFIG_FILE, f"cannot read: {exc}", "save it as UTF-8 text")) from None
    return parse_config(text, CONFIG_FILE)

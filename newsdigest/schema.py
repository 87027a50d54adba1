"""The article schema: every front-matter field, its type, its parser and its place, in one table.

Ingest writes article files with it (field order, the check before writing) and the loader reads
them with it (typed values, errors naming file, line and field). Nothing here knows about files,
caches or the site: only text in, typed values out.
"""
from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any, Callable

from .errors import Problem

MIN_YEAR, MAX_YEAR = 1900, 2200  # outside, a date is a typo; and year 1 cannot even change timezone
LANG_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")  # BCP 47, as far as a site needs

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text as pages and feeds can carry it: no control characters, no lone surrogates."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


# --- value parsers: raw YAML value (text, list or None) -> typed value, or ValueError ---------

def _text(value: Any) -> str:
    # YAML tags can make sets (in hash order: not reproducible), bytes and the like: text only.
    if not isinstance(value, (str, int, float, date)):
        raise ValueError("must be a single text value, not a list, mapping or set")
    return " ".join(clean_text(str(value)).split())


def _required_text(value: Any) -> str:
    text = _text(value)
    if not text:
        raise ValueError("must not be empty")
    return text


def _url(value: Any) -> str:
    text = _text(value)
    if text and not re.match(r"^https?://[^\s/]+", text):
        raise ValueError("must be an absolute http(s) URL, like https://example.org/news/1")
    return text


def _lang(value: Any) -> str:
    text = _text(value)
    if not LANG_TAG.match(text):
        raise ValueError('must be a BCP 47 language tag, like "en" or "ar"')
    return text


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of names, like [Security, Diplomacy]")
    seen: dict[str, str] = {}
    for v in value:
        name = " ".join(clean_text(v).split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return tuple(seen.values())


def parse_datetime(value: Any, tz: tzinfo) -> tuple[datetime, bool]:
    """(aware datetime, whether the site timezone tz had to be assumed)."""
    text = _text(value)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text), time())
        except ValueError:
            raise ValueError("must be an ISO 8601 date and time, like 2024-08-27T18:57:00+03:00") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueError(f"must be a date between the years {MIN_YEAR} and {MAX_YEAR}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=tz), True
    return parsed, False


# --- the table ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[Any], Any] | None  # None: a date, parsed with the site timezone
    required: bool = False
    scraped: bool = True     # readers take it from any input's metadata (the rest comes from ingest)


FIELDS: tuple[Field, ...] = (      # in the order ingest writes them
    Field("id", _required_text, scraped=False),
    Field("title", _required_text, required=True),
    Field("date", None, required=True),
    Field("updated", None),
    Field("source", _text),
    Field("url", _url),
    Field("author", _text),
    Field("section", _text),
    Field("dateline", _text),
    Field("lang", _lang),
    Field("topics", _names, scraped=False),
    Field("actors", _names, scraped=False),
    Field("summary", _text, scraped=False),
)
BY_NAME = {f.name: f for f in FIELDS}
ORDER = tuple(f.name for f in FIELDS)
SCRAPED = tuple(f.name for f in FIELDS if f.scraped)
REQUIRED = tuple(f.name for f in FIELDS if f.required)


def parse_value(name: str, raw: Any) -> Any:
    """One non-date field's typed value, or ValueError saying what it must be."""
    return BY_NAME[name].parse(raw)


_REPR = reprlib.Repr()  # bounded: a few items of a few levels (Python 3.11 takes no arguments here)
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 2, 80, 80, 40
_REPR.maxtuple = _REPR.maxlist = _REPR.maxdict = _REPR.maxset = _REPR.maxfrozenset = 4


def _shown(raw: Any, limit: int = 80) -> str:
    """A value as shown in a message: never longer than a line, and never built in full (a
    100,000-item list must not become a 600 kB line on the way)."""
    text = _REPR.repr(raw)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class Metadata:
    values: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def validate_meta(meta: dict, lines: dict, path: str, tz: tzinfo) -> Metadata:
    """Typed fields from raw front matter, with errors and warnings naming file, line and field."""
    out = Metadata()

    def problem(name: str, message: str, hint: str = "", level: str = "error") -> None:
        out.problems.append(Problem(path, f"field '{name}' {message}", hint, lines.get(name, 1), level))

    missing = {name for name in REQUIRED if meta.get(name) in (None, "")}
    for name in sorted(missing):
        out.problems.append(Problem(path, f"missing required field '{name}'",
                                    f"add a line '{name}: ...' to the front matter", 1))
    for name, raw in meta.items():
        if name in missing:
            continue  # reported once, above
        spec = BY_NAME.get(name)
        if spec is None:
            problem(name, "is not a known field and is ignored", "known fields: " + ", ".join(sorted(BY_NAME)), "warning")
            continue
        if raw is None:
            continue
        try:
            if spec.parse is None:
                value, assumed = parse_datetime(raw, tz)
                if assumed:
                    problem(name, f"has no UTC offset; assumed the site timezone {getattr(tz, 'key', tz)}",
                            "write it with an offset, like 2024-08-27T18:57:00+03:00", "warning")
            else:
                value = spec.parse(raw)
        except ValueError as exc:
            problem(name, f"{exc} (got {_shown(raw)})")
            continue
        out.values[name] = value
    return out

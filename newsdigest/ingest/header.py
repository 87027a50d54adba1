"""Article metadata: find it in a scraped text header, and parse every field into one form.

Dates are read by dates.py and source markers by markers.py; here:
- split_text_header(): the lines at the top of a scraped .txt file (title, date lines,
  "Source: X", "By NAME | Published: ...", a section label, "INA - BAGHDAD") become fields;
  the rest is the body.
- normalise(): any reader's RawArticle becomes typed Metadata through one table of field
  parsers (dates with the site time zone, agency codes through config.sources, ...).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Callable, Mapping
from urllib.parse import urlsplit

from .boilerplate import Furniture, builtin_furniture
from .dates import DateOutOfRange, find_date, in_zone, is_date_text, is_time_text, parse_date, read_date
from .markers import is_agency_code, is_city, match_marker, resolve_source, squash
from .model import Rejected, RawArticle, Removal

def clean_author(text: str) -> str:
    name = squash(text)
    name = re.sub(r"^(?:by|written by|reporting by|author|بقلم)\s*:?\s+", "", name, flags=re.IGNORECASE)
    return name.strip(" ,;|-–—")


def clean_title(text: str, site: str = "") -> str:
    """The headline without a site-name suffix or prefix ("Title | Gulf Monitor")."""
    title = squash(text)
    title = re.sub(r"^(?:title|headline)\s*:\s*", "", title, flags=re.IGNORECASE)
    if site:
        key = re.sub(r"\W+", "", site).casefold()
        for sep in (" | ", " - ", " – ", " — ", " :: ", " · ", " • "):
            if sep in title:
                head, _, tail = title.rpartition(sep)
                if re.sub(r"\W+", "", tail).casefold() == key and head.strip():
                    title = head.strip()
                    break
                first, _, rest = title.partition(sep)
                if re.sub(r"\W+", "", first).casefold() == key and rest.strip():
                    title = rest.strip()
                    break
    return title


def clean_url(text: str) -> str:
    url = squash(text)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        return ""
    return url.split("#", 1)[0]


def clean_label(text: str) -> str:
    return squash(text).strip(" :|-–—•·")


def clean_dateline(text: str) -> str:
    return squash(text).strip(" :|-–—•·,").upper()


# --- the header of a scraped text file -----------------------------------------------------------

_BULLETS = "•·▪●■◦○►▶*|"
_KEYS = {
    "title": "title", "headline": "title",
    "date": "date", "published": "date", "published on": "date", "posted": "date", "posted on": "date",
    "publication date": "date", "date published": "date", "time": "date",
    "updated": "updated", "last updated": "updated", "modified": "updated", "last modified": "updated",
    "source": "source", "agency": "source", "publisher": "source",
    "by": "author", "author": "author", "written by": "author", "reporter": "author",
    "section": "section", "category": "section",
    "url": "url", "link": "url", "original url": "url", "canonical": "url",
    "dateline": "dateline", "location": "dateline",
    # Arabic pages label the same fields
    "بقلم": "author", "كتب": "author", "كتبت": "author", "المحرر": "author", "المصدر": "source",
    "تاريخ النشر": "date", "نشر بتاريخ": "date", "آخر تحديث": "updated", "اخر تحديث": "updated",
    "القسم": "section", "التصنيف": "section", "الرابط": "url",
}
_KEY_RE = re.compile(r"^(?P<key>" + "|".join(sorted(map(re.escape, _KEYS), key=len, reverse=True))
                     + r")\s*[:：]\s*(?P<value>.+)$", re.IGNORECASE)
_BY_RE = re.compile(r"^(?:by|بقلم)\s+(?P<value>[A-Z\u0600-\u06ff][^|]{1,60})$", re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^(?:date\s*:?\s*)(?P<rest>.+)$", re.IGNORECASE)
_PART_SPLIT = re.compile(r"\s+[|•·]\s+|\s*\|\s*|\s+[-–—]\s+")
_MAX_HEADER_LINES = 15
MAX_TITLE = 200  # a longer first line is the body: the file has no title


def _strip_bullets(line: str) -> str:
    return line.strip().lstrip(_BULLETS + "-–— \t").strip()


def _parts(line: str) -> list[str]:
    return [p.strip() for p in _PART_SPLIT.split(line) if p.strip()]


def _classify_parts(parts: list[str]) -> list[tuple[str, str]] | None:
    """Fields of a multi-part header line ("2023/04/04 | 19:04 - Source: X"), or None."""
    found: list[tuple[str, str]] = []
    pending_date = ""
    for part in parts:
        kv = _KEY_RE.match(part)
        if kv:
            name = _KEYS[kv["key"].lower()]
            found.append((name, kv["value"].strip()))
            pending_date = kv["value"].strip() if name == "date" else ""
            continue
        by = _BY_RE.match(part)
        if by:
            found.append(("author", by["value"]))
            continue
        if is_date_text(part):
            pending_date = part
            found.append(("date", part))
            continue
        if is_time_text(part) and pending_date:
            # join "2023/04/04" and "19:04" into one date text
            found[found.index(("date", pending_date))] = ("date", f"{pending_date} {part}")
            pending_date = ""
            continue
        return None
    return found


def _looks_like_label(line: str) -> bool:
    """A section label such as "Security": a few words, no digits, no closing punctuation."""
    words = line.split()
    if re.fullmatch(r"[\u0600-\u06ff ]{2,30}", line):
        return len(words) <= 3
    return (0 < len(words) <= 4 and len(line) <= 40 and line[0].isupper()
            and not re.search(r"[.!?:;,\"]$|\d", line))


def split_text_header(text: str, sources: Mapping[str, str], furniture: Furniture | None = None
                      ) -> tuple[dict[str, str], dict[str, int], str, int, tuple[Removal, ...]]:
    """(fields, field lines, body, body's first line, header lines taken) of a scraped text.

    The header is the run of lines at the top that are metadata: a title (the first line
    that is nothing else), date lines, key: value lines, "By NAME | Published: DATE", an
    agency-and-dateline line, a short section label, and widgets such as "+A -A". The body
    starts at the first line after the title that is none of these.
    """
    furniture = furniture or builtin_furniture()
    lines = text.split("\n")
    fields: dict[str, str] = {}
    where: dict[str, int] = {}
    taken: list[Removal] = []
    dates: list[tuple[str, int]] = []

    def put(name: str, value: str, line_no: int) -> None:
        value = value.strip()
        if not value:
            return
        if name == "date":
            dates.append((value, line_no))
        elif name not in fields:
            fields[name] = value
            where[name] = line_no

    i, seen = 0, 0
    body_start = len(lines)
    while i < len(lines):
        raw_line = lines[i]
        line_no = i + 1
        line = _strip_bullets(raw_line)
        if not line:
            i += 1
            continue
        seen += 1
        if seen > _MAX_HEADER_LINES:
            body_start = i
            break
        has_title = "title" in fields
        rule = furniture.line_rule(line) or furniture.line_rule(raw_line.strip())
        if rule:
            taken.append(Removal(raw_line.strip(), rule[0], rule[1], line_no))
            i += 1
            continue
        what = _header_line(line, has_title, sources)
        if what is None:
            if not has_title and len(line) <= MAX_TITLE:
                put("title", line, line_no)
                taken.append(Removal(line, "header", "taken as the title", line_no))
                i += 1
                continue
            body_start = i
            break
        for name, value in what:
            put(name, value, line_no)
        taken.append(Removal(line, "header", "taken as " + ", ".join(dict.fromkeys(n for n, _ in what)), line_no))
        i += 1

    if dates:
        fields["date"], where["date"] = _best_date(dates)
    body_lines = lines[body_start:]
    return fields, where, "\n".join(body_lines), body_start + 1, tuple(taken)


def _header_line(line: str, has_title: bool, sources: Mapping[str, str]) -> list[tuple[str, str]] | None:
    """The fields one header line holds, or None if it is not a metadata line."""
    # " date 2023-04-04 Title of the article" (seed 000's layout), or "2023-04-04 Title"
    if not has_title:
        m = _DATE_PREFIX.match(line)
        probe = m["rest"] if m else line
        try:
            found = find_date(probe, time_anywhere=False)
        except ValueError:
            found = None
        if found and found.start == 0:
            rest = probe[found.end:].strip(" |-–—:,")
            if len(rest.split()) >= 3 and not is_date_text(rest):
                return [("date", probe[:found.end]), ("title", rest)]
    if line.lower().startswith(("http://", "https://")) and " " not in line:
        return [("url", line)]
    kv = _KEY_RE.match(line)
    if kv and "|" not in line:
        name = _KEYS[kv["key"].lower()]
        if name in ("date", "updated") or " - " not in kv["value"] and (name != "title" or not has_title):
            return [(name, kv["value"])]
    if is_date_text(line):
        return [("date", line)]
    if has_title:
        marker = match_marker(line, sources)
        if marker and marker.text.strip() == line.strip():
            found = []
            if marker.source:
                found.append(("source", marker.source))
            if marker.dateline:
                found.append(("dateline", marker.dateline))
            return found
    parts = _parts(line)
    if len(parts) > 1 or kv or _BY_RE.match(line):
        found = _classify_parts(parts if len(parts) > 1 else [line])
        if found:
            return found
    if has_title and is_agency_code(line, sources):
        return [("source", line)]
    if has_title and is_city(line) and len(line.split()) <= 3:
        return [("dateline", line)]
    if has_title and _looks_like_label(line):
        return [("section", line)]
    return None


def _best_date(dates: list[tuple[str, int]]) -> tuple[str, int]:
    """The first date line, unless a later one gives the same day with a time."""
    first_text, first_line = dates[0]
    try:
        first = find_date(first_text)
    except ValueError:
        return first_text, first_line
    if first is None or first.has_time:
        return first_text, first_line
    for text, line in dates[1:]:
        try:
            later = find_date(text)
        except ValueError:
            continue
        if later and later.has_time and later.value.date() == first.value.date():
            return text, line
    return first_text, first_line


# --- typed metadata --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metadata:
    title: str
    date: datetime
    updated: datetime | None = None
    fields: Mapping[str, str] = field(default_factory=dict)  # the text fields FIELD_PARSERS cleaned, by name
    date_has_zone: bool = True   # False: the source gave no zone, the site's was assumed


# One parser per text field: (raw value, sources) -> value.
FIELD_PARSERS: dict[str, Callable[[str, Mapping[str, str]], str]] = {
    "source": resolve_source,
    "url": lambda v, _: clean_url(v),
    "author": lambda v, _: clean_author(v),
    "section": lambda v, _: clean_label(v),
    "dateline": lambda v, _: clean_dateline(v),
}

NO_DATE_HINT = ('add a date line under the title, like "2024-08-27 18:57", '
                'or a "date" field in JSON or front matter')


def normalise(raw: RawArticle, tz: tzinfo, sources: Mapping[str, str]) -> Metadata:
    """Typed metadata of a raw article; Rejected if the title or date is missing or wrong."""
    values = {name: parse(getattr(raw, name), sources) for name, parse in FIELD_PARSERS.items()}
    title = clean_title(raw.title, values["source"] or raw.source)
    if not title or not re.search(r"\w", title):
        raise Rejected("no title found", "the first line of a text file (or the 'title' field) must be the headline",
                       raw.where("title"))
    if not str(raw.date).strip():
        hint = NO_DATE_HINT
        if raw.record_fields:
            hint = (f"the record's fields are {', '.join(raw.record_fields[:12])}: name the one holding the date "
                    'in site.toml, like [ingest.fields] date = "<field>"')
        raise Rejected("no date found", hint, raw.where("date"))
    try:
        given = read_date(raw.date)
        date = in_zone(given, tz, str(raw.date).strip())
    except DateOutOfRange as exc:
        raise Rejected(f"date out of range: {exc}", "check the year of the date", raw.where("date")) from None
    except ValueError:
        raise Rejected(f"unparseable date {squash(raw.date)!r}",
                       "write it like 2024-08-27 18:57, 27-08-2024, March 3, 2025 10:15 AM or ISO 8601",
                       raw.where("date")) from None
    updated = None
    if str(raw.updated).strip():
        try:
            updated = parse_date(raw.updated, tz)
        except ValueError:
            updated = None  # an unreadable "updated" is not worth losing the article over
    return Metadata(title=title, date=date, updated=updated, fields=values, date_has_zone=given.tzinfo is not None)

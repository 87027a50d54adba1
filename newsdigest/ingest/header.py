"""Article metadata: find it in a scraped text header, and parse every field into one form.

Two jobs live here because they share the knowledge of what a date, a source or a dateline
looks like:
- split_text_header(): the lines at the top of a scraped .txt file (title, date lines,
  "Source: X", "By NAME | Published: ...", a section label, "INA - BAGHDAD") become fields;
  the rest is the body.
- normalise(): any reader's RawArticle becomes typed Metadata through one table of field
  parsers (dates with the site time zone, agency codes through config.sources, ...).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Callable, Mapping
from urllib.parse import urlsplit

from ..arabic import WESTERN_DIGITS
from ..schema import MAX_YEAR, MIN_YEAR
from .boilerplate import Furniture, builtin_furniture
from .model import Rejected, RawArticle, Removal

# --- dates ---------------------------------------------------------------------------------------


_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # Arabic: the Syriac month names used in Iraq and the Levant, and the Egyptian/Gulf ones.
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6,
    "يوليو": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10,
    "نوفمبر": 11, "ديسمبر": 12,
}
_MONTH = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
# A second month name after a slash ("آب/أغسطس") is common in Iraqi papers.
_MONTH_RE = rf"(?P<mon>{_MONTH})(?:\s*/\s*(?:{_MONTH}))?\.?"

# A year ends at a non-digit, or where page text extraction glued the time on ("2025" "2:15 PM").
_YEAR_END = r"(?:(?!\d)|(?=\d{1,2}:\d{2}(?!\d)))"
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})[-/.](?P<m>\d{{1,2}})[-/.](?P<y>\d{{4}}){_YEAR_END}"),
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE},?\s+(?P<y>\d{{4}}){_YEAR_END}",
               re.IGNORECASE),
    re.compile(rf"(?<![\w]){_MONTH_RE}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){_YEAR_END}",
               re.IGNORECASE),
]
_TIME = re.compile(
    r"(?:(?<![\d:])|(?<=(?:1[89]|2[0-2])\d\d))(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?(?![a-z])|ص|م(?![\u0621-\u064a])))?", re.IGNORECASE)
_ZONE = re.compile(
    r"\s*(?:(?P<z>Z(?![a-z]))|\(?(?:GMT|UTC)\s*(?P<gsign>[+-])\s*(?P<gh>\d{1,2})(?::?(?P<gm>\d{2}))?\)?"
    r"|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})(?!\d)|\(?(?P<utc>GMT|UTC)\)?(?![a-z]))", re.IGNORECASE)
# Words that may surround a date in a header without making it something else.
_DATE_NOISE = re.compile(
    r"\b(?:date|dated|published|posted|updated|last updated|modified|on|at|time|local|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"baghdad time|am|pm)\b|الاثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|السبت|الأحد|الاحد|"
    r"تاريخ النشر|نشر في|بتوقيت بغداد|[\s|,،;:\-–—•·/()\[\]]|م\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    value: datetime      # naive unless the text gave a zone
    has_time: bool


def _date_part(text: str):
    best = None
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


def _ymd(m: re.Match) -> tuple[int, int, int]:
    groups = m.groupdict()
    year, day = int(groups["y"]), int(groups["d"])
    if groups.get("mon"):
        return year, _MONTHS[groups["mon"].lower()], day
    month = int(groups["m"])
    # Numeric day-month-year is day first in the region; "08-27-2024" can only be month first.
    if month > 12 >= day and m.re is _DATE_PATTERNS[1]:
        day, month = month, day
    return year, month, day


def find_date(text: str, *, time_anywhere: bool = True) -> DateMatch | None:
    """The first date (and time, and zone) in text; raises ValueError for an impossible one.

    time_anywhere: look for the time anywhere in text ("19:04 | 2023/04/04") rather than
    only right after the date.
    """
    text = text.translate(WESTERN_DIGITS)
    m = _date_part(text)
    if m is None:
        return None
    year, month, day = _ymd(m)
    end = m.end()
    hour = minute = second = 0
    has_time = False
    t = None
    after = re.match(r"(?:\s*(?:T|,|\||-|–|—|@|at|،)?\s*)", text[end:], re.IGNORECASE)
    t = _TIME.match(text, end + after.end())
    if t is None and time_anywhere:
        blanked = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
        t = _TIME.search(blanked)
    tz: tzinfo | None = None
    if t is not None:
        has_time = True
        hour, minute, second = int(t["H"]), int(t["M"]), int(t["S"] or 0)
        ampm = (t["ampm"] or "").replace(".", "").replace(" ", "").lower()
        if ampm == "م" and 12 < hour < 24:
            ampm = ""  # "14:15 م": a 24-hour time; م also marks the Gregorian calendar (ميلادي)
        if ampm:
            if not 1 <= hour <= 12:
                raise ValueError(f"hour {hour} with {t['ampm']}")
            if ampm in ("pm", "م") and hour != 12:
                hour += 12
            elif ampm in ("am", "ص") and hour == 12:
                hour = 0
        z = _ZONE.match(text, t.end())
        if z:
            tz = _zone(z)
            end = max(end, z.end())
        else:
            end = max(end, t.end())
    value = datetime(year, month, day, hour, minute, second, tzinfo=tz)  # ValueError if impossible
    start = min(m.start(), t.start()) if t is not None else m.start()
    return DateMatch(start, end, value, has_time)


def _zone(z: re.Match) -> tzinfo:
    if z["z"] or z["utc"]:
        return timezone.utc
    if z["gsign"]:
        sign, hours, minutes = z["gsign"], int(z["gh"]), int(z["gm"] or 0)
    else:
        sign, hours, minutes = z["sign"], int(z["oh"]), int(z["om"])
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if sign == "-" else delta)


_ZONE_ANY = re.compile(r"\(?(?:GMT|UTC)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?\)?|[+-]\d{2}:?\d{2}(?!\d)|(?<=\d)[TZ]|[TZ](?=\d)",
                       re.IGNORECASE)


def _only_noise(rest: str) -> bool:
    rest = _ZONE_ANY.sub(" ", _TIME.sub(" ", _ZONE_ANY.sub(" ", rest)))
    return not _DATE_NOISE.sub("", rest).strip()


def is_date_text(text: str) -> bool:
    """True if text is a date expression and nothing else (a header line or part of one).

    A date-shaped text with impossible values ("32/13/2024") counts: it is a date line, and
    parsing it later says what is wrong.
    """
    probe = text.translate(WESTERN_DIGITS)
    m = _date_part(probe)
    return m is not None and _only_noise(probe[:m.start()] + " " + probe[m.end():])


def is_time_text(text: str) -> bool:
    probe = text.translate(WESTERN_DIGITS)
    m = _TIME.search(probe)
    return m is not None and _only_noise(probe[:m.start()] + " " + probe[m.end():])


class DateOutOfRange(ValueError):
    """A real date, but not one a news article can have (the build refuses it too)."""


def read_date(text: str) -> datetime:
    """A date text as a datetime: aware when the text gave a zone (or is Unix time), else naive.
    ValueError says what is wrong."""
    raw = str(text).strip()
    if not raw:
        raise ValueError("empty date")
    if re.fullmatch(r"\d{9,13}", raw):  # Unix time from a scraper, in seconds or milliseconds
        seconds = int(raw) / (1000 if len(raw) > 11 else 1)
        return datetime.fromtimestamp(seconds, timezone.utc)
    try:
        found = find_date(raw)
    except ValueError as exc:
        raise ValueError(f"impossible date {raw!r} ({exc})") from None
    if found is None:
        raise ValueError(f"no date in {raw!r}")
    return found.value


def in_zone(value: datetime, tz: tzinfo, raw: str) -> datetime:
    """A date in the site time zone: naive values are taken as site-local time; values with a
    zone are converted to it, so the same instant always reads the same in the front matter."""
    try:
        value = value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    except OverflowError:  # year 1 or 9999 moved across midnight by the zone change
        raise DateOutOfRange(f"{raw!r} is outside the years {MIN_YEAR} to {MAX_YEAR}") from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DateOutOfRange(f"{raw!r} is outside the years {MIN_YEAR} to {MAX_YEAR}")
    return value


def parse_date(text: str, tz: tzinfo) -> datetime:
    """A date text as an aware datetime in the site time zone; ValueError says what is wrong."""
    return in_zone(read_date(text), tz, str(text).strip())


# --- sources, datelines, names ------------------------------------------------------------------

_WS = re.compile(r"\s+")
_CAPWORD = r"[A-Z][\w'’&.]*(?:-[\w'’&.]+)*"
_SOURCE_NAME = rf"{_CAPWORD}(?:\s+(?:of\s+|for\s+|the\s+|al-)?{_CAPWORD}){{0,4}}"
_CITY = r"[A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+){0,2}"


def squash(text: str) -> str:
    return _WS.sub(" ", str(text)).strip()


def _code_lookup(sources: Mapping[str, str]) -> dict[str, str]:
    return {code.casefold(): name for code, name in sources.items()}


def resolve_source(text: str, sources: Mapping[str, str]) -> str:
    """A publisher's display name: agency codes become names ("INA" -> "Iraqi News Agency")."""
    name = squash(text).strip("/-–—|:·• ")
    name = re.sub(r"^\((.*)\)$", r"\1", name).strip()
    if not name:
        return ""
    codes = _code_lookup(sources)
    if name.casefold() in codes:
        return codes[name.casefold()]
    # "Iraqi News Agency- INA", "Iraqi News Agency (INA)": keep the full name.
    m = re.fullmatch(r"(.+?)\s*(?:[-–—/]\s*|\()\s*([A-Za-z]{2,6})\)?", name)
    if m and m[2].casefold() in codes:
        return codes[m[2].casefold()]
    return name


def is_agency_code(text: str, sources: Mapping[str, str]) -> bool:
    return squash(text).casefold() in _code_lookup(sources)


@dataclass(frozen=True)
class Marker:
    """A source or dateline marker in front of a lede: "Shafaq News/ ", "INA - BAGHDAD"."""

    source: str
    dateline: str
    text: str


# "BAGHDAD (Reuters) - ", "BAGHDAD, Aug 27 (INA) - "
_CITY_AGENCY = re.compile(rf"^(?P<city>{_CITY})(?:,[^()\n]{{1,30}})?\s*\((?P<src>[^()\n]{{2,40}})\)\s*[-–—:]\s+")
# "Shafaq News/ " at a lede's start or right after the end of a sentence.
_SLASH_MARKER = re.compile(rf"(?P<src>{_SOURCE_NAME})/\s+(?=[\"'“«(]?[A-Z\u0621-\u064a])")
# "INA - BAGHDAD" or "BAGHDAD - INA" alone on a line, or "INA - BAGHDAD - " before a lede
_PAIR = re.compile(rf"^(?P<a>{_SOURCE_NAME})\s*[-–—/]\s*(?P<b>{_SOURCE_NAME})\s*(?:$|[-–—:]\s+)")
# "Shafaq News - " or "BAGHDAD - " or "BAGHDAD: " before a lede
_DASH_MARKER = re.compile(rf"^(?P<src>{_SOURCE_NAME})\s+[-–—]\s+(?=[\"'“«]?[A-Z])|^(?P<city>{_CITY})\s*:\s+(?=[A-Z])")


# The same markers in Arabic, which has no capitals to tell a name: one side must be an agency
# ("واع - بغداد", "بغداد (رويترز) - ", "شفق نيوز/ ").
_AR = r"[\u0621-\u064a\u066e-\u06d3]"
_AR_NAME = rf"{_AR}+(?:\s+{_AR}+){{0,3}}"
_AR_CITY_AGENCY = re.compile(
    rf"^(?P<city>{_AR}+(?:\s+{_AR}+)?)(?:\s*[،,][^()\n]{{1,30}})?\s*\((?P<src>[^()\n]{{2,40}})\)\s*(?:[-–—:]\s*|$)")
_AR_PAIR = re.compile(rf"^(?P<a>{_AR_NAME})\s*[-–—/]\s*(?P<b>{_AR_NAME})\s*(?:$|[-–—:/]\s*)")
_AR_DASH = re.compile(rf"^(?P<src>{_AR_NAME})\s*(?:/|[-–—](?=\s))\s*(?={_AR}|[\"«(])")
# Agencies by their form: "وكالة ...", "... نيوز", "... برس", "... الإخبارية", spelt letters "أ ف ب".
_AR_AGENCY = re.compile(r"^(?:وكال[ةه]\s.+|.+\s(?:نيوز|برس|الإخباري[ةه]|الاخباري[ةه]|24)|(?:\w\s){1,3}\w)$")


def _is_arabic_agency(text: str, sources: Mapping[str, str]) -> bool:
    name = squash(text)
    return is_agency_code(name, sources) or bool(_AR_AGENCY.match(name))


def _arabic_marker(text: str, sources: Mapping[str, str], lede: bool) -> Marker | None:
    m = _AR_CITY_AGENCY.match(text)
    if m:
        return Marker(resolve_source(m["src"], sources), squash(m["city"]), m.group(0))
    m = _AR_PAIR.match(text) if lede else None
    if m:
        a, b = squash(m["a"]), squash(m["b"])
        if _is_arabic_agency(a, sources) and not _is_arabic_agency(b, sources) and len(b.split()) <= 2:
            return Marker(resolve_source(a, sources), b, m.group(0))
        if _is_arabic_agency(b, sources) and not _is_arabic_agency(a, sources) and len(a.split()) <= 2:
            return Marker(resolve_source(b, sources), a, m.group(0))
    m = _AR_DASH.match(text)
    if m and _is_arabic_agency(m["src"], sources) and (lede or "/" in m.group(0)):
        return Marker(resolve_source(m["src"], sources), "", m.group(0))
    if m and lede and len(m["src"].split()) <= 2 and "/" not in m.group(0):
        return Marker("", squash(m["src"]), m.group(0))  # "البصرة - " before a lede
    return None


def slash_markers(text: str):
    """Where "Source/ " markers may start in text (the caller checks what precedes them)."""
    return (m.start() for m in _SLASH_MARKER.finditer(text))


def _is_city(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def match_marker(text: str, sources: Mapping[str, str], *, lede: bool = True) -> Marker | None:
    """The marker text starts with, if any.

    lede: text is the start of the article's first paragraph, where "X - " and "CITY: " forms
    are markers too; elsewhere only the unmistakable "X/ " and "CITY (X) - " forms count.
    """
    m = _CITY_AGENCY.match(text)
    if m:
        return Marker(resolve_source(m["src"], sources), squash(m["city"]), m.group(0))
    if re.match(_AR, text):
        return _arabic_marker(text, sources, lede)
    m = _SLASH_MARKER.match(text)
    if m:
        src = m["src"]
        if _is_city(src) and not is_agency_code(src, sources):
            return Marker("", squash(src), m.group(0))
        return Marker(resolve_source(src, sources), "", m.group(0))
    if not lede:
        return None
    m = _PAIR.match(text)
    if m:
        a, b = squash(m["a"]), squash(m["b"])
        if is_agency_code(a, sources) and _is_city(b):
            return Marker(resolve_source(a, sources), b, m.group(0))
        if is_agency_code(b, sources) and _is_city(a):
            return Marker(resolve_source(b, sources), a, m.group(0))
    m = _DASH_MARKER.match(text)
    if m:
        if m["city"]:
            if is_agency_code(m["city"], sources):
                return Marker(resolve_source(m["city"], sources), "", m.group(0))
            return Marker("", squash(m["city"]), m.group(0))
        src = squash(m["src"])
        if is_agency_code(src, sources):
            return Marker(resolve_source(src, sources), "", m.group(0))
        if _is_city(src):
            return Marker("", src, m.group(0))
        if len(src.split()) >= 2:  # "Shafaq News - "; a single capitalised word is too often a name
            return Marker(src, "", m.group(0))
    return None


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
    if has_title and _is_city(line) and len(line.split()) <= 3:
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
    source: str = ""
    url: str = ""
    author: str = ""
    section: str = ""
    dateline: str = ""
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
    return Metadata(title=title, date=date, updated=updated, date_has_zone=given.tzinfo is not None, **values)

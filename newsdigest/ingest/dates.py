"""Dates as scraped news writes them: find one in a header line, read it, put it in the site's zone.

ISO forms, "27 August 2024 - 18:57", day-first numeric dates (as the region writes them), 12-hour
times, GMT offsets, Unix times, Arabic-Indic digits and Arabic month names (the Levantine/Iraqi
and the Egyptian names). A date without a zone takes the site's; one outside MIN_YEAR..MAX_YEAR
is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from ..arabic import WESTERN_DIGITS
from ..schema import MAX_YEAR, MIN_YEAR


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

"""Source markers: who wrote a story and from where, as scraped copy puts it at the top of a
paragraph ("INA - BAGHDAD", "BAGHDAD (Reuters) -", "Shafaq News/ ", "بغداد/ واع"), agency codes
(config.sources) resolved to names, and the one whitespace rule (squash) the ingest stages share.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping


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


def is_city(text: str) -> bool:
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
        if is_city(src) and not is_agency_code(src, sources):
            return Marker("", squash(src), m.group(0))
        return Marker(resolve_source(src, sources), "", m.group(0))
    if not lede:
        return None
    m = _PAIR.match(text)
    if m:
        a, b = squash(m["a"]), squash(m["b"])
        if is_agency_code(a, sources) and is_city(b):
            return Marker(resolve_source(a, sources), b, m.group(0))
        if is_agency_code(b, sources) and is_city(a):
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
        if is_city(src):
            return Marker("", src, m.group(0))
        if len(src.split()) >= 2:  # "Shafaq News - "; a single capitalised word is too often a name
            return Marker(src, "", m.group(0))
    return None

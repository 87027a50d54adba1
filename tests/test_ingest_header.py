"""Header parsing: dates, sources, datelines, sections and authors of scraped articles."""
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import SEEDS, needs_seeds

from newsdigest.config import DEFAULT_SOURCES
from newsdigest.ingest.dates import find_date, is_date_text, parse_date
from newsdigest.ingest.header import clean_title, normalise, split_text_header
from newsdigest.ingest.markers import match_marker, resolve_source
from newsdigest.ingest.model import Rejected, RawArticle

BAGHDAD = ZoneInfo("Asia/Baghdad")


def seed(name: str) -> str:
    return next(SEEDS.glob(name + "_*.txt")).read_text(encoding="utf-8")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=BAGHDAD)


@pytest.mark.parametrize("text, expected", [
    ("2023-04-04", at(2023, 4, 4)),
    ("2023/04/04 | 19:04", at(2023, 4, 4, 19, 4)),
    ("27-08-2024, 18:57", at(2024, 8, 27, 18, 57)),
    ("March 3, 2025 10:15 AM", at(2025, 3, 3, 10, 15)),
    ("March 3, 2025 12:05 PM", at(2025, 3, 3, 12, 5)),
    ("Mar 3, 2025, 10:15 p.m.", at(2025, 3, 3, 22, 15)),
    ("3 March 2025", at(2025, 3, 3)),
    ("Tuesday, 27 August 2024 - 18:57", at(2024, 8, 27, 18, 57)),
    ("2024-08-27T18:57:00+03:00", at(2024, 8, 27, 18, 57)),
    ("2024-08-27T15:57:00Z", at(2024, 8, 27, 18, 57)),            # converted to the site zone
    ("2024-08-27T15:57:00.123456+00:00", at(2024, 8, 27, 18, 57)),
    ("Tue, 27 Aug 2024 15:57:00 GMT", at(2024, 8, 27, 18, 57)),
    ("2024-08-27 18:57 (GMT+3)", at(2024, 8, 27, 18, 57)),
    ("12/05/2024 10:00", at(2024, 5, 12, 10, 0)),                 # day first, as in the region
    ("08/27/2024", at(2024, 8, 27)),                              # can only be month first
    ("٢٧-٠٨-٢٠٢٤، ١٨:٥٧", at(2024, 8, 27, 18, 57)),                # Arabic-Indic digits
    ("۲۰۲۴/۰۸/۲۷", at(2024, 8, 27)),                               # Persian digits
    ("27 آب 2024", at(2024, 8, 27)),
    ("٢٧ أغسطس ٢٠٢٤ ٠٦:٥٧ م", at(2024, 8, 27, 18, 57)),
    ("19:04 | 2023/04/04", at(2023, 4, 4, 19, 4)),
    ("1724774220", at(2024, 8, 27, 18, 57)),                       # Unix time from a scraper
])
def test_parse_date_formats(text, expected):
    value = parse_date(text, BAGHDAD)
    assert value == expected
    assert value.utcoffset() == timedelta(hours=3)


def test_naive_dates_take_the_site_timezone():
    assert parse_date("2024-01-15 09:00", ZoneInfo("UTC")).isoformat() == "2024-01-15T09:00:00+00:00"
    assert parse_date("2024-01-15 09:00", BAGHDAD).isoformat() == "2024-01-15T09:00:00+03:00"


@pytest.mark.parametrize("text", ["32/13/2024", "2024-02-30", "not a date", "", "13:75 2024-01-01", "13:00 PM 2024-01-01"])
def test_bad_dates_raise(text):
    with pytest.raises(ValueError):
        parse_date(text, BAGHDAD)


def test_find_date_in_a_title_line_only_takes_the_adjacent_time():
    found = find_date("date 2023-04-04 Iraq's advisor, 10:00 talks", time_anywhere=False)
    assert found.value == datetime(2023, 4, 4) and not found.has_time


@pytest.mark.parametrize("text, expected", [
    ("27-08-2024, 18:57", True),
    ("• 27-08-2024, 18:57", True),
    ("Published on Tuesday, 27 August 2024", True),
    ("32/13/2024", True),            # date-shaped: a date line, even if impossible
    ("Iraq: NATO's mission is advisory, not combat", False),
    ("The meeting on 27-08-2024 was long", False),
])
def test_is_date_text(text, expected):
    assert is_date_text(text) is expected


@pytest.mark.parametrize("text, expected", [
    ("INA", "Iraqi News Agency"),
    ("ina", "Iraqi News Agency"),
    ("(INA)", "Iraqi News Agency"),
    ("Iraqi News Agency- INA", "Iraqi News Agency"),
    ("Shafaq News/", "Shafaq News"),
    ("Rudaw", "Rudaw"),
])
def test_resolve_source(text, expected):
    assert resolve_source(text, DEFAULT_SOURCES) == expected


def test_resolve_source_uses_the_configured_table():
    assert resolve_source("NINA", {"NINA": "National Iraqi News Agency"}) == "National Iraqi News Agency"


@pytest.mark.parametrize("text, source, dateline", [
    ("Shafaq News/ NATO's Deputy Secretary General said", "Shafaq News", ""),
    ("INA - BAGHDAD", "Iraqi News Agency", "BAGHDAD"),
    ("BAGHDAD - INA", "Iraqi News Agency", "BAGHDAD"),
    ("BAGHDAD (Reuters) - Iraq's parliament voted", "Reuters", "BAGHDAD"),
    ("MOSUL, Aug 27 (AFP) - The library reopened", "Agence France-Presse", "MOSUL"),
    ("BASRA - The port reopened", "", "BASRA"),
    ("Shafaq News - The port reopened", "Shafaq News", ""),
])
def test_markers(text, source, dateline):
    marker = match_marker(text, DEFAULT_SOURCES)
    assert (marker.source, marker.dateline) == (source, dateline)


@pytest.mark.parametrize("text", [
    "The minister said the talks went well.",
    "Al-Araji - who leads the council - said",
    "Basra - The port",                     # one capitalised word is too often a name
])
def test_prose_is_not_a_marker(text):
    assert match_marker(text, DEFAULT_SOURCES) is None


def test_clean_title_drops_the_site_name():
    assert clean_title("Basra port handles record grain | Gulf Monitor", "Gulf Monitor") == "Basra port handles record grain"
    assert clean_title("Gulf Monitor - Basra port handles record grain", "Gulf Monitor") == "Basra port handles record grain"
    assert clean_title("Iraq - Turkey water talks", "Gulf Monitor") == "Iraq - Turkey water talks"


@needs_seeds
def test_seed_000_header():
    fields, where, body, body_line, taken = split_text_header(seed("000"), DEFAULT_SOURCES)
    assert fields["title"] == "Iraq's national security advisor receives an invitation to visit Brussels for NATO talks"
    assert parse_date(fields["date"], BAGHDAD) == at(2023, 4, 4, 19, 4)   # the line with the time wins
    assert fields["source"] == "Shafaq News"
    assert where == {"title": 1, "date": 3, "source": 3}
    assert body.lstrip().startswith("A statement released")
    assert body_line == 7
    assert [r.line for r in taken] == [1, 3]


@needs_seeds
def test_seed_001_header():
    fields, where, body, body_line, taken = split_text_header(seed("001"), DEFAULT_SOURCES)
    assert fields["title"] == "Iraq: NATO's mission is advisory, not combat"
    assert parse_date(fields["date"], BAGHDAD) == at(2024, 8, 27, 18, 57)
    assert fields["section"] == "Security"
    assert fields["source"] == "Iraqi News Agency"   # "INA" through the sources table
    assert fields["dateline"] == "BAGHDAD"
    assert body.lstrip().startswith("National Security Adviser Qasim Al-Araji confirmed")
    assert "+A -A" not in body and "18:57" not in body
    assert any(r.rule == "font-size widget" for r in taken)


def test_byline_with_published_and_updated():
    text = ("Anbar farmers receive compensation\n\n"
            "By Omar Khalid | Published: 14/07/2024 11:20 | Updated: 14/07/2024 13:05\n\n"
            "Farmers in Anbar began receiving compensation on Sunday.\n")
    fields, *_ = split_text_header(text, DEFAULT_SOURCES)
    assert fields["author"] == "Omar Khalid"
    assert parse_date(fields["date"], BAGHDAD) == at(2024, 7, 14, 11, 20)
    assert parse_date(fields["updated"], BAGHDAD) == at(2024, 7, 14, 13, 5)


def test_key_value_header_lines():
    text = ("Title: Kurdistan opens a crossing\nDate: 2024-05-02 06:15\nSource: Rudaw\n"
            "Author: Hawre Aziz\nSection: Economy\nURL: https://example.com/crossing\n\n"
            "Authorities opened a second crossing on Thursday.\n")
    fields, *_ = split_text_header(text, DEFAULT_SOURCES)
    assert fields == {"title": "Kurdistan opens a crossing", "date": "2024-05-02 06:15", "source": "Rudaw",
                      "author": "Hawre Aziz", "section": "Economy", "url": "https://example.com/crossing"}


def test_first_prose_line_is_not_a_section():
    text = "A headline here\n\n2024-05-02\n\nThe first paragraph of the story is here.\n"
    fields, _, body, *_ = split_text_header(text, DEFAULT_SOURCES)
    assert "section" not in fields
    assert body.strip() == "The first paragraph of the story is here."


def raw(**fields) -> RawArticle:
    return RawArticle(path=Path("x.txt"), kind="text", text="Body.", **fields)


def test_normalise_types_every_field():
    meta = normalise(raw(title="  A  title ", date="27-08-2024, 18:57", source="INA", author="By Omar Khalid",
                         dateline="Baghdad", url="https://example.com/a#top", section=" Security "),
                     BAGHDAD, DEFAULT_SOURCES)
    assert meta.title == "A title"
    assert meta.date == at(2024, 8, 27, 18, 57)
    assert meta.fields["source"] == "Iraqi News Agency"
    assert meta.fields["author"] == "Omar Khalid"
    assert meta.fields["dateline"] == "BAGHDAD"
    assert meta.fields["url"] == "https://example.com/a"
    assert meta.fields["section"] == "Security"


def test_normalise_rejects_missing_title_and_date_with_the_line():
    with pytest.raises(Rejected, match="no title"):
        normalise(raw(date="2024-01-01"), BAGHDAD, DEFAULT_SOURCES)
    with pytest.raises(Rejected, match="no date") as missing:
        normalise(raw(title="T", line=4), BAGHDAD, DEFAULT_SOURCES)
    assert missing.value.line == 4 and missing.value.hint
    with pytest.raises(Rejected, match="unparseable date '31/02/2024'") as bad:
        normalise(raw(title="T", date="31/02/2024", field_lines={"date": 3}), BAGHDAD, DEFAULT_SOURCES)
    assert bad.value.line == 3


def test_normalise_drops_non_http_urls():
    meta = normalise(raw(title="T", date="2024-01-01", url="javascript:alert(1)"), BAGHDAD, DEFAULT_SOURCES)
    assert meta.fields["url"] == ""
    assert normalise(raw(title="T", date="2024-01-01T00:00:00+00:00"), timezone.utc, {}).date.tzinfo is not None


def test_a_city_alone_is_a_dateline():
    fields, *_ = split_text_header("A headline\n2024-05-02\nBASRA\n\nThe port reopened on Monday.\n", DEFAULT_SOURCES)
    assert fields["dateline"] == "BASRA" and "section" not in fields


# --- properties ----------------------------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

DATEISH = st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩-/:.,| TZ+APMamp ", max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.one_of(DATEISH, st.text(max_size=60)))
def test_parse_date_returns_an_aware_datetime_or_raises_value_error(text):
    try:
        value = parse_date(text, BAGHDAD)
    except ValueError:
        return
    assert value.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(DATEISH, st.text(max_size=80), st.sampled_from(
    ["Security", "INA - BAGHDAD", "• +A -A", "Source: X", "By A B | Published: 2024-01-01"])), max_size=12))
def test_split_text_header_never_raises(lines):
    fields, where, body, body_line, taken = split_text_header("\n".join(lines), DEFAULT_SOURCES)
    assert set(where) <= set(fields) and body_line >= 1

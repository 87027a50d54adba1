"""newsdigest.charts: inline SVG charts, well-formed, accessible, escaped and deterministic."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from newsdigest.charts import (co_mentions, esc, network_rows, network_svg, network_table, num, safe_url,
                               sparkline_rows, sparkline_svg, sparkline_table, table_html, weekly_counts,
                               weekly_counts_rows, weekly_counts_svg, weekly_counts_table)

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = ["<script>alert(1)</script>", '" onload="x', "' onmouseover='x", "a & b", "]]><x/>", "nul\x00byte"]

COUNTS = [("2024-W33", 2), ("2024-W34", 0), ("2024-W35", 5)]
NEIGHBOURS = [("NATO", 12, "actors/nato/"), ("Thomas Goffus", 5, ""), ("Iraq", 30, "https://example.org/iraq")]


def charts(name: str = "Qasim al-Araji") -> dict[str, str]:
    return {
        "weekly": weekly_counts_svg(COUNTS, f"{name}: articles per week"),
        "network": network_svg(name, NEIGHBOURS + [(name + " II", 1, "actors/x/")], f"Named with {name}"),
        "sparkline": sparkline_svg([1, 4, 0, 3], f"{name}: trend"),
    }


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize("kind", ["weekly", "network", "sparkline"])
def test_charts_are_well_formed_accessible_svg(kind):
    svg = charts()[kind]
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and title.text and desc is not None and desc.text
    assert list(root)[:2] == [title, desc]                      # first children, as the spec asks
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert root.get("viewBox") and "<script" not in svg.lower()


@pytest.mark.parametrize("name", HOSTILE)
def test_names_from_articles_are_escaped(name):
    for kind, svg in charts(name).items():
        root = parse(svg)                                         # still well-formed XML
        assert name.replace("\x00", "") in root.find("svg:title", NS).text, kind
        for element in root.iter():
            assert not element.tag.endswith("script")
            assert all(not attr.lower().startswith("on") for attr in element.attrib), (kind, element.attrib)
    table = network_table(name, [(name, 3, "actors/x/")], f"Named with {name}")
    cells = ET.fromstring(table)
    assert all(not el.tag.endswith("script") for el in cells.iter())


def test_unsafe_urls_are_dropped_and_safe_ones_kept():
    svg = network_svg("X", [("A", 2, "javascript:alert(1)"), ("B", 1, " data:text/html,x"), ("C", 1, "actors/c/"),
                            ("D", 1, "https://example.org/d?a=1&b=2"), ("E", 1, "java\nscript:x")], "t")
    hrefs = [a.get("href") for a in parse(svg).iter("{http://www.w3.org/2000/svg}a")]
    assert hrefs == ["actors/c/", "https://example.org/d?a=1&b=2"]
    assert safe_url("JAVASCRIPT:x") == "" and safe_url("/actors/a/") == "/actors/a/"
    assert 'href="https://example.org/d?a=1&amp;b=2"' in svg


def test_links_in_the_picture_are_out_of_the_tab_order_and_in_the_table():
    svg = network_svg("X", [("A", 2, "actors/a/")], "t")
    (link,) = parse(svg).iter("{http://www.w3.org/2000/svg}a")
    assert link.get("tabindex") == "-1"
    table = ET.fromstring(network_table("X", [("A", 2, "actors/a/")], "Named with X"))
    assert [a.get("href") for a in table.iter("a")] == ["actors/a/"]


def test_the_same_data_gives_the_same_bytes():
    assert charts() == charts()
    shuffled = network_svg("Q", list(reversed(NEIGHBOURS)), "t")
    assert shuffled == network_svg("Q", NEIGHBOURS, "t")


def test_numbers_have_fixed_precision():
    svg = "".join(charts().values()) + weekly_counts_svg([(f"w{n}", n * 7 % 3) for n in range(37)], "t")
    for value in re.findall(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height|stroke-width)="([^"]*)"', svg):
        assert re.fullmatch(r"-?\d+(\.\d{1,2})?", value), value
    assert "-0" not in re.findall(r'"(-?0)"', svg)
    assert num(-0.001) == "0" and num(2.50) == "2.5" and num(3.0) == "3"


def test_weekly_bars_scale_to_the_peak_and_carry_tooltips():
    root = parse(weekly_counts_svg(COUNTS, "t"))
    bars = list(root.iter("{http://www.w3.org/2000/svg}rect"))
    assert [b.find("svg:title", NS).text for b in bars] == ["2024-W33: 2 articles", "2024-W34: 0 articles",
                                                            "2024-W35: 5 articles"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == 0 and heights[2] > heights[0] > 0
    assert "7 articles in 3 weeks" in root.find("svg:desc", NS).text
    assert "the most in one week: 5 (2024-W35)" in root.find("svg:desc", NS).text


def test_network_puts_the_closest_neighbour_at_the_top():
    root = parse(network_svg("C", NEIGHBOURS, "t"))
    circles = [c for c in root.iter("{http://www.w3.org/2000/svg}circle")]
    first = circles[0]                                   # neighbours first, closest (Iraq, 30) first
    assert float(first.get("cy")) < float(circles[-1].get("cy"))
    assert "Iraq (30); NATO (12); Thomas Goffus (5)" in root.find("svg:desc", NS).text


def test_empty_data_still_gives_valid_charts():
    for svg in (weekly_counts_svg([], "t"), network_svg("C", [], "t"), sparkline_svg([], "t"), sparkline_svg([3], "t")):
        assert parse(svg).get("role") == "img"


def test_data_tables_are_small_well_formed_tables():
    for table in (weekly_counts_table(COUNTS, "Per week"), sparkline_table([1, 2], "Trend", ["W1", "W2"]),
                  network_table("C", NEIGHBOURS, "Named with C")):
        root = ET.fromstring(table)
        assert root.tag == "table" and root.find("caption").text
        assert root.find("thead/tr/th").get("scope") == "col"
        assert all(tr.find("th").get("scope") == "row" for tr in root.find("tbody"))
    assert weekly_counts_rows(COUNTS) == [("2024-W33", "2"), ("2024-W34", "0"), ("2024-W35", "5")]
    assert sparkline_rows([4, 5]) == [("1", "4"), ("2", "5")]
    assert network_rows("C", NEIGHBOURS) == [(("Iraq", "https://example.org/iraq"), "30"),
                                             (("NATO", "actors/nato/"), "12"), ("Thomas Goffus", "5")]
    assert "&lt;b&gt;" in table_html("<b>", ["h"], [["<b>"]])


def test_escaping_removes_characters_xml_cannot_hold():
    assert esc("a\x00b\x1fc<") == "abc&lt;"


def test_weekly_counts_fill_empty_weeks_in_the_timezone():
    tz = ZoneInfo("Asia/Baghdad")
    dates = [datetime(2024, 8, 18, 22, 0, tzinfo=timezone.utc),        # Monday 19 August in Baghdad: W34
             datetime(2024, 9, 3, 9, 0, tzinfo=timezone.utc)]          # W36
    assert weekly_counts(dates, tz) == [("2024-W34", 1), ("2024-W35", 0), ("2024-W36", 1)]
    assert weekly_counts(dates, ZoneInfo("UTC"))[0] == ("2024-W33", 1)
    start = datetime(2024, 8, 5).date()
    assert weekly_counts([], tz, start, start + timedelta(days=7)) == [("2024-W32", 0), ("2024-W33", 0)]
    assert weekly_counts([], tz) == []


def test_co_mentions_count_articles_named_together():
    lists = [["Qasim al-Araji", "NATO", "Iraq"], ["qasim AL-araji", "NATO"], ["NATO", "Iraq"], ["Qasim al-Araji", "Iraq"]]
    assert co_mentions(lists, "Qasim al-Araji") == [("Iraq", 2), ("NATO", 2)]
    assert co_mentions(lists, "Qasim al-Araji", k=1) == [("Iraq", 2)]
    assert co_mentions(lists, "Nobody") == []

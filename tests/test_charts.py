"""newsdigest.charts: continuous time axes, round scales, readable labels; well-formed, accessible,
escaped and deterministic HTML and SVG."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from newsdigest.charts import (PLOT_WIDTH, Axis, axis_between, axis_labels, counts_chart, counts_on, esc,
                               local_days, nice_ticks, num, period_label, period_name, safe_url, span_text, table_html,
                               together_chart, unit_for, _text_px, LABEL_GAP, RIGHT_ROOM)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ["<script>alert(1)</script>", '" onload="x', "' onmouseover='x", "a & b", "]]><x/>", "nul\x00byte"]

# Jan to Apr 2024 by month, February empty.
MONTHLY = {"unit": "month", "starts": ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"], "counts": [2, 0, 5, 1]}
TOGETHER = {"unit": "month", "starts": MONTHLY["starts"],
            "rows": [{"name": "NATO", "url": "actors/nato/", "counts": [1, 0, 2, 0]},
                     {"name": "Thomas Goffus", "url": "javascript:alert(1)", "counts": [0, 0, 1, 1]}]}


def figure(html: str) -> ET.Element:
    return ET.fromstring(html)   # the whole figure is well-formed XML (XHTML and SVG)


def svg_of(html: str) -> ET.Element:
    return figure(html).find(f"{SVG}svg")


def all_charts(name: str = "Qasim al-Araji") -> dict[str, str]:
    rows = {**TOGETHER, "rows": [{**r, "name": r["name"] if n else name} for n, r in enumerate(TOGETHER["rows"])]}
    return {
        "counts": counts_chart(MONTHLY, f"Articles about {name} per month", "coverage-h"),
        "small": counts_chart(MONTHLY, f"Articles about {name} per month", size="narrow"),
        "together": together_chart(rows, name, f"Named with {name}", "together-h"),
    }


def bars(html: str) -> list[ET.Element]:
    return [r for r in svg_of(html).iter(f"{SVG}rect") if r.get("data-period")]


# --- time axes -----------------------------------------------------------------------------------

def test_a_month_without_articles_keeps_its_place_on_the_axis():
    tz = ZoneInfo("Asia/Baghdad")
    dates = [datetime(2024, 1, 31, 22, 0, tzinfo=timezone.utc),      # 1 February in Baghdad
             datetime(2024, 6, 3, 9, 0, tzinfo=timezone.utc), datetime(2024, 9, 3, 9, 0, tzinfo=timezone.utc)]
    days = local_days(dates, tz)
    axis = axis_between(min(days), max(days))
    assert axis.plain() == {"unit": "month", "starts": ["2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01",
                                                        "2024-06-01", "2024-07-01", "2024-08-01", "2024-09-01"]}
    assert counts_on(axis, days) == [1, 0, 0, 0, 1, 0, 0, 1]
    assert counts_on(axis, local_days(dates, ZoneInfo("UTC"))) == [0, 0, 0, 0, 1, 0, 0, 1]   # 31 Jan in UTC


def test_the_gap_month_is_an_empty_bar_in_its_slot():
    rects = bars(counts_chart(MONTHLY, "t"))
    assert [r.get("data-period") for r in rects] == MONTHLY["starts"]
    feb = rects[1]
    assert float(feb.get("height")) == 0 and feb.find(f"{SVG}title").text == "Feb 2024: 0 articles"
    xs = [float(r.get("x").rstrip("%")) for r in rects]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1]) == pytest.approx(25)   # four equal slots
    heights = [float(r.get("height")) for r in rects]
    assert heights[2] > heights[0] > heights[3] > 0


def test_short_spans_are_counted_by_week_and_weeks_cross_years():
    assert unit_for(date(2024, 1, 1), date(2024, 6, 1)) == "week"
    assert unit_for(date(2024, 1, 1), date(2024, 8, 1)) == "month"
    axis = axis_between(date(2024, 12, 25), date(2025, 1, 9))
    assert axis == Axis("week", (date(2024, 12, 23), date(2024, 12, 30), date(2025, 1, 6)))
    assert counts_on(axis, [date(2025, 1, 5), date(2025, 1, 9), date(2025, 2, 1)]) == [0, 1, 1]
    months = axis_between(date(2024, 11, 30), date(2025, 2, 1), "month")
    assert [d.isoformat() for d in months.starts] == ["2024-11-01", "2024-12-01", "2025-01-01", "2025-02-01"]


def test_period_labels_read_as_dates():
    assert period_label(date(2024, 1, 1), "month") == "Jan 2024"
    assert period_label(date(2024, 7, 1), "month", with_year=False) == "Jul"
    assert period_label(date(2024, 1, 8), "week") == "8 Jan 2024"
    assert period_label(date(2024, 1, 15), "week", with_year=False) == "15 Jan"
    assert period_name(date(2024, 1, 8), "week") == "week of 8 Jan 2024"
    assert period_name(date(2024, 5, 1), "month") == "May 2024"
    assert span_text(axis_between(date(2024, 2, 5), date(2024, 7, 22))) == "weeks of 5 Feb 2024 to 22 Jul 2024"
    assert span_text(axis_between(date(2024, 2, 5), date(2024, 2, 6))) == "week of 5 Feb 2024"


def test_axis_labels_fall_on_round_months_and_name_the_year_when_it_changes():
    axis = axis_between(date(2024, 1, 10), date(2025, 5, 2))                 # 17 months
    assert axis_labels(axis) == [(0, "Jan 2024"), (6, "Jul"), (12, "Jan 2025")]
    late = axis_between(date(2024, 2, 10), date(2024, 11, 2))                # starts in February
    assert axis_labels(late) == [(2, "Apr 2024"), (5, "Jul"), (8, "Oct")]     # every 2nd would not fit
    weeks = axis_between(date(2024, 1, 8), date(2024, 3, 25), "week")        # 12 weeks
    labels = axis_labels(weeks)
    assert labels[0] == (0, "8 Jan 2024") and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", t) for _, t in labels[1:])
    assert not any("W" in t for _, t in labels)


@pytest.mark.parametrize("size", PLOT_WIDTH)
@pytest.mark.parametrize("first, last, unit", [
    (date(2024, 1, 1), date(2024, 1, 29), "week"), (date(2024, 1, 1), date(2024, 6, 20), "week"),
    (date(2023, 12, 31), date(2024, 3, 1), "month"), (date(2020, 3, 1), date(2024, 3, 1), "month"),
    (date(1990, 1, 1), date(2024, 12, 1), "month"), (date(2022, 1, 3), date(2024, 1, 1), "week")])
def test_axis_labels_never_overlap_and_stay_inside_at_the_narrowest_width(size, first, last, unit):
    width = PLOT_WIDTH[size]
    axis = axis_between(first, last, unit)
    labels = axis_labels(axis, width)
    n = len(axis.starts)
    assert labels
    for (i, a), (j, _) in zip(labels, labels[1:]):
        assert width * (j - i) / n >= _text_px(a) + LABEL_GAP
    i, text = labels[-1]
    assert width * i / n + _text_px(text) <= width + RIGHT_ROOM


# --- scales --------------------------------------------------------------------------------------

@pytest.mark.parametrize("peak, ticks", [(0, [0, 1]), (1, [0, 1]), (3, [0, 1, 2, 3]), (4, [0, 1, 2, 3, 4]),
                                         (5, [0, 2, 4, 6]), (7, [0, 2, 4, 6, 8]), (11, [0, 5, 10, 15]),
                                         (23, [0, 10, 20, 30]), (150, [0, 50, 100, 150]),
                                         (1234, [0, 500, 1000, 1500])])
def test_y_ticks_are_round_and_few(peak, ticks):
    assert nice_ticks(peak) == ticks


def test_the_y_axis_is_labelled_with_its_ticks_and_the_tallest_bar_reaches_the_top_one():
    svg = svg_of(counts_chart(MONTHLY, "t"))                                 # peak 5: ticks 0, 2, 4, 6
    labels = [t.text for g in svg.iter(f"{SVG}g") if g.get("class") == "chart-tick" for t in g]
    assert labels == ["0", "2", "4", "6"]
    grid = [float(line.get("y1")) for g in svg.iter(f"{SVG}g") if g.get("class") == "chart-grid" for line in g]
    peak = next(r for r in bars(counts_chart(MONTHLY, "t")) if r.get("data-period") == "2024-03-01")
    assert float(peak.get("y")) == pytest.approx(grid[-1] + (grid[0] - grid[-1]) / 6)   # 5 of 6
    small = svg_of(counts_chart(MONTHLY, "t", size="narrow"))
    assert [t.text for g in small.iter(f"{SVG}g") if g.get("class") == "chart-tick" for t in g] == ["0", "5"]


def test_x_labels_are_in_the_chart():
    texts = [t.text for g in svg_of(counts_chart(MONTHLY, "t")).iter(f"{SVG}g")
             if g.get("class") == "chart-label" for t in g]
    assert texts == ["Jan 2024", "Mar"]


# --- accessible, escaped, deterministic ----------------------------------------------------------

@pytest.mark.parametrize("kind", ["counts", "small", "together"])
def test_charts_are_figures_with_an_accessible_svg_a_caption_and_a_table(kind):
    fig = figure(all_charts()[kind])
    assert fig.tag == "figure" and list(fig)[0].tag == "figcaption"     # first or last, as HTML asks
    svg = fig.find(f"{SVG}svg")
    assert svg.get("role") == "img" and svg.get("viewBox") is None and svg.get("width") == "100%"
    title = svg.find(f"{SVG}title")
    assert list(svg)[0] is title and title.text
    heading = {"counts": "coverage-h", "small": title.get("id"), "together": "together-h"}[kind]
    assert svg.get("aria-labelledby") == heading           # the heading on the page names it
    caption = fig.find("figcaption")
    assert svg.get("aria-describedby") == caption.get("id") and caption.text
    table = fig.find("details/table")
    assert table.find("caption").text and table.find("thead/tr/th").get("scope") == "col"
    assert all(tr.find("th").get("scope") == "row" for tr in table.find("tbody"))


def test_the_caption_gives_the_total_the_span_the_peak_and_the_empty_periods():
    caption = figure(counts_chart(MONTHLY, "t")).find("figcaption").text
    assert caption == ("8 articles in 4 months, Jan 2024 to Apr 2024; the most in one month: 5 (Mar 2024); "
                       "1 month with none.")


def test_the_data_tables_hold_every_period_and_the_together_rows():
    rows = [[c.text for c in tr] for tr in figure(all_charts()["counts"]).find("details/table/tbody")]
    assert rows == [["Jan 2024", "2"], ["Feb 2024", "0"], ["Mar 2024", "5"], ["Apr 2024", "1"]]
    table = figure(together_chart(TOGETHER, "Iraq", "t")).find("details/table/tbody")
    cells = [["".join(c.itertext()) for c in tr] for tr in table]
    assert cells == [["NATO", "3", "Jan 2024 (1), Mar 2024 (2)"], ["Thomas Goffus", "2", "Mar 2024 (1), Apr 2024 (1)"]]
    assert [a.get("href") for a in table.iter("a")] == ["actors/nato/"]          # javascript: dropped
    rooted = figure(together_chart(TOGETHER, "Iraq", "t", root="../../")).find("details/table/tbody")
    assert [a.get("href") for a in rooted.iter("a")] == ["../../actors/nato/"]


def test_together_strips_share_one_axis_and_one_scale():
    svg = svg_of(together_chart(TOGETHER, "Iraq", "t"))
    rects = [r for r in svg.iter(f"{SVG}rect") if r.get("data-period")]
    assert len(rects) == 8 and [r.get("x") for r in rects[:4]] == [r.get("x") for r in rects[4:]]
    heights = {(r.get("data-period"), float(r.get("height"))) for r in rects}
    assert ("2024-03-01", 28.0) in heights and ("2024-01-01", 14.0) in heights    # 2 = top, 1 = half
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "NATO · 3 articles" in texts and texts.count("2") == 2                 # each strip: its top tick
    caption = figure(together_chart(TOGETHER, "Iraq", "t")).find("figcaption").text
    assert caption == ("Articles naming Iraq with each of the 2 actors named most often with it, per month, "
                       "Jan 2024 to Apr 2024; the number by each strip is its tallest bar.")


@pytest.mark.parametrize("name", HOSTILE)
def test_names_from_articles_are_escaped(name):
    for kind, html in all_charts(name).items():
        root = figure(html)                                                       # still well-formed
        assert name.replace("\x00", "") in root.find(f"{SVG}svg/{SVG}title").text, kind
        for element in root.iter():
            assert not element.tag.endswith("script")
            assert all(not attr.lower().startswith("on") for attr in element.attrib), (kind, element.attrib)


def test_url_safety():
    assert safe_url("JAVASCRIPT:x") == "" and safe_url(" data:text/html,x") == "" and safe_url("java\nscript:x") == ""
    assert safe_url("/actors/a/") == "/actors/a/" and safe_url("https://example.org/d?a=1&b=2")
    assert "&lt;b&gt;" in table_html("<b>", ["h"], [["<b>"]])
    assert 'href="https://example.org/d?a=1&amp;b=2"' in table_html("c", ["h"], [[("d", "https://example.org/d?a=1&b=2")]])


def test_the_same_data_gives_the_same_bytes():
    assert all_charts() == all_charts()
    assert counts_chart(MONTHLY, "t") != counts_chart({**MONTHLY, "counts": [2, 0, 5, 2]}, "t")


def test_numbers_have_fixed_precision():
    long = {"unit": "week", "starts": [d.isoformat() for d in axis_between(date(2024, 1, 1), date(2024, 5, 1)).starts]}
    html = "".join(all_charts().values()) + counts_chart({**long, "counts": [n * 7 % 3 for n in range(len(long["starts"]))]}, "t")
    values = re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height|dx)="([^"]*)"', html)
    assert values
    for value in values:
        assert re.fullmatch(r"-?\d+(\.\d{1,2})?%?", value), value
    assert "-0" not in re.findall(r'"(-?0)%?"', html)
    assert num(-0.001) == "0" and num(2.50) == "2.5" and num(3.0) == "3"


def test_empty_data_still_gives_valid_charts():
    for html in (counts_chart({"unit": "month", "starts": [], "counts": []}, "t"),
                 counts_chart({"unit": "week", "starts": ["2024-01-01"], "counts": [0]}, "t", size="narrow"),
                 together_chart({"unit": "month", "starts": [], "rows": []}, "C", "t")):
        assert svg_of(html).get("role") == "img"


def test_escaping_removes_characters_xml_cannot_hold():
    assert esc("a\x00b\x1fc<") == "abc&lt;"

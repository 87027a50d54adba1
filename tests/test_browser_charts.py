"""The charts of the topic and actor pages as a reader sees them in Chromium, on a phone and a
desktop, light and dark: a continuous time axis, text of at least 12 px, titles on the page,
and no accessibility violation of any impact."""
from __future__ import annotations

from datetime import date

import pytest

from support.browser import screenshot

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SCHEMES = ("light", "dark")
CHART_PAGES = {"actor": "actors/iraq/", "topic": "topics/water/", "topics": "topics/"}
SMALLEST_TEXT_PX = 12

# Every text of a chart with the size it is drawn at: an SVG's own scaling (viewBox) shrinks
# its text on screen while the computed font-size stays the same, so that is multiplied in.
TEXT_SIZES = """
() => {
  const sizes = [];
  for (const figure of document.querySelectorAll('figure.chart')) {
    for (const el of figure.querySelectorAll('text')) {
      const ctm = el.getScreenCTM();
      sizes.push([el.textContent, parseFloat(getComputedStyle(el).fontSize) * Math.hypot(ctm.a, ctm.b)]);
    }
    for (const el of figure.querySelectorAll('figcaption, summary, caption, th, td')) {
      const box = el.getBoundingClientRect();  // 0 inside a closed <details>, 1 px when visually hidden
      if (box.width > 1 && box.height > 1)
        sizes.push([el.textContent.slice(0, 30), parseFloat(getComputedStyle(el).fontSize)]);
    }
  }
  return sizes;
}
"""

# The bars of the first chart after a heading: period and box on screen.
BARS = """
(selector) => Array.from(document.querySelector(selector).querySelectorAll('rect[data-period]'))
  .map(r => { const b = r.getBoundingClientRect(); return [r.dataset.period, b.x, b.width, b.height]; })
"""


@pytest.fixture
def open_page(browser, served_site):
    contexts = []

    def make(path: str, width: str, scheme: str = "light"):
        context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        response = page.goto(served_site + path)
        assert response.status == 200
        page.errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def assert_continuous_months(bars: list) -> None:
    """One bar per month from the first to the last, none left out, all slots the same width."""
    months = [date.fromisoformat(p) for p, *_ in bars]
    assert all(next_month(a) == b for a, b in zip(months, months[1:])), [p for p, *_ in bars]
    steps = [b[1] - a[1] for a, b in zip(bars, bars[1:])]
    assert max(steps) - min(steps) < 0.5, steps


@pytest.mark.parametrize("width", WIDTHS)
def test_the_time_axis_keeps_a_slot_for_a_month_without_articles(open_page, width):
    page = open_page(CHART_PAGES["actor"], width)
    bars = page.evaluate(BARS, "#coverage-h ~ figure")
    assert_continuous_months(bars)
    # No article of the sample site is dated May 2024: its slot is there, between April's and
    # June's, empty, and the table says 0.
    periods = [p for p, *_ in bars]
    may = bars[periods.index("2024-05-01")]
    april, june = bars[periods.index("2024-04-01")], bars[periods.index("2024-06-01")]
    assert april[1] < may[1] < june[1] and may[3] == 0 and april[3] > 0 and june[3] > 0
    rows = page.locator("#coverage-h ~ figure table tr", has_text="May 2024")
    assert rows.locator("td").text_content() == "0"
    labels = page.locator("#coverage-h ~ figure svg .chart-label text")
    assert labels.all_text_contents()[:2] == ["Jan 2024", "Jul"] and "Jan 2025" in labels.all_text_contents()
    assert all(labels.nth(n).is_visible() for n in range(labels.count()))
    # The topics' small charts: the same whole-site axis for each, every month in its slot.
    topics = open_page(CHART_PAGES["topics"], width)
    figures = topics.locator(".term-list figure.chart")
    assert figures.count() >= 2
    axes = set()
    for n in range(figures.count()):
        bars = topics.evaluate(BARS.replace("document.querySelector(selector)",
                                            f"document.querySelectorAll(selector)[{n}]"), ".term-list figure.chart")
        assert_continuous_months(bars)
        axes.add(tuple(p for p, *_ in bars))
    assert len(axes) == 1 and "2024-05-01" in axes.pop()
    screenshot(page, f"chart-actor-{width}")
    screenshot(topics, f"chart-topics-{width}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", CHART_PAGES)
def test_chart_text_is_at_least_12_px(open_page, name, width):
    page = open_page(CHART_PAGES[name], width)
    sizes = page.evaluate(TEXT_SIZES)
    assert len(sizes) > 5
    small = [(text, round(px, 1)) for text, px in sizes if px < SMALLEST_TEXT_PX - 0.01]
    assert small == [], small
    assert not page.errors


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_titles_are_text_on_the_page_and_name_the_pictures(open_page, width):
    page = open_page(CHART_PAGES["actor"], width)
    for heading_id, text in (("coverage-h", "Articles per month"), ("together-h", "Named in the same articles, by month")):
        heading = page.locator(f"h2#{heading_id}")
        assert heading.is_visible() and heading.inner_text() == text
        picture = page.get_by_role("img", name=text, exact=True)
        assert picture.count() == 1 and picture.evaluate("el => el.tagName") == "svg"
        caption = page.locator(f"#{heading_id} ~ figure figcaption")
        assert caption.is_visible() and "Jan 2024 to May 2025" in caption.inner_text()
    topics = open_page(CHART_PAGES["topics"], width)
    note = topics.locator(".chart-note")
    assert note.is_visible() and "articles per month, Jan 2024 to May 2025" in note.inner_text()
    assert topics.get_by_role("img", name="Articles about Water per month").count() == 1


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", CHART_PAGES)
def test_chart_pages_have_no_accessibility_violation(open_page, name, width, scheme):
    from axe_playwright_python.sync_playwright import Axe
    page = open_page(CHART_PAGES[name], width, scheme)
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
    if name != "topics":
        page.locator("#coverage-h ~ figure summary").click()   # the data table, opened
        results = Axe().run(page)
        assert results.response["violations"] == [], results.generate_report()
    screenshot(page, f"chart-{name}-{width}-{scheme}")

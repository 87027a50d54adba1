"""What a reader sees, in a real browser: pages at phone and desktop widths, links, search, a11y."""
from __future__ import annotations

import pytest

from support.browser import screenshot

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
PAGES = {
    "home": "",
    "article": "articles/2024/11/eu-iraq-launch-energy-dialogue/",
    "arabic-article": "articles/2024/06/basra-water-conference/",
    "topic": "topics/water/",
    "actor": "actors/layla-haddad/",
    "actors": "actors/",
    "search": "search/",
}


@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_page_reads_well_and_has_no_serious_accessibility_problem(served_site, page_factory, name, width):
    from axe_playwright_python.sync_playwright import Axe
    page = page_factory(VIEWPORTS[width])
    response = page.goto(served_site + PAGES[name])
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() == 1
    # Nothing is wider than the screen: no horizontal scrolling on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name} is {overflow}px wider than the {width} viewport"
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()
    assert page.errors == []
    screenshot(page, f"{name}-{width}")


def test_arabic_article_is_laid_out_right_to_left(served_site, page_factory):
    page = page_factory(VIEWPORTS["desktop"])
    page.goto(served_site + PAGES["arabic-article"])
    story = page.locator("article.story")
    assert story.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator(".site-nav").evaluate("el => getComputedStyle(el).direction") == "ltr"


def test_following_links_from_home_to_article_to_actor_to_topic(served_site, page_factory):
    page = page_factory(VIEWPORTS["phone"])
    page.goto(served_site)
    page.get_by_role("link", name="EU and Iraq Launch Energy Dialogue in Brussels").click()
    assert page.locator("h1").inner_text() == "EU and Iraq Launch Energy Dialogue in Brussels"
    page.get_by_role("link", name="Zoë Lefèvre").click()
    assert page.locator("h1").inner_text() == "Zoë Lefèvre"
    page.get_by_role("link", name="Baghdad Trade Fair Draws Regional Exhibitors").click()
    page.locator(".story-terms").get_by_role("link", name="Economy").click()
    assert page.locator("h1").inner_text() == "Economy"
    page.get_by_role("link", name="Tigris Ledger").first.click()
    page.get_by_role("link", name="Older →").click()
    assert "page/2/" in page.url
    assert page.errors == []


def test_search_finds_the_right_article_and_filters_by_topic(served_site, page_factory):
    page = page_factory(VIEWPORTS["desktop"])
    page.goto(served_site + "search/")
    field = page.locator(".pagefind-ui__search-input")
    field.wait_for(timeout=15000)
    field.fill("interconnection")
    results = page.locator(".pagefind-ui__result-link")
    results.first.wait_for(timeout=15000)
    titles = results.all_inner_texts()
    assert titles[0] == "Iraq-Jordan Power Link Reaches Final Testing Stage", titles
    field.fill("crude export pipeline")
    page.wait_for_function("document.querySelector('.pagefind-ui__result-link')"
                           " && document.querySelector('.pagefind-ui__result-link').innerText.includes('OPEC')",
                           timeout=15000)
    # Filters by topic, actor and source are offered (drawn once every shard's have loaded).
    page.wait_for_function("[...document.querySelectorAll('.pagefind-ui__filter-name')].length >= 3", timeout=15000)
    filters = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert {"topic", "actor", "source"} <= {f.strip().lower() for f in filters}, filters
    results.first.click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1 and "/articles/" in page.url
    screenshot(page, "search-result")

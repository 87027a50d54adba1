"""The sample site built as a whole: pages, links, feeds, and reproducibility."""
from __future__ import annotations

import json
import re
import shutil
from datetime import datetime

import feedparser
import pytest

from newsdigest.cli import main
from newsdigest.config import Paths, load_config
from newsdigest.errors import Report
from newsdigest.pipeline import BuildOptions, build

from support.sitecheck import broken_links, site_files

BASE = "https://example.org/digest/"


def build_site(root, **options):
    report = Report(quiet=True)
    result = build(Paths(root), BuildOptions(**options), report)
    return result, report


@pytest.fixture
def built(sample_site):
    result, report = build_site(sample_site)
    assert result.published
    assert report.problems == [], [str(p) for p in report.problems]
    return sample_site, sample_site / "site"


def test_every_expected_page_exists(built):
    root, site = built
    for rel in ["index.html", "404.html", "sitemap.xml", "robots.txt", "feed.xml", "atom.xml",
                "topics/index.html", "topics/water/index.html", "topics/water/feed.xml",
                "actors/index.html", "actors/layla-haddad/index.html", "actors/layla-haddad/feed.xml",
                "archive/index.html", "archive/2024/08/index.html",
                "articles/2024/06/basra-water-conference/index.html"]:
        assert (site / rel).is_file(), rel
    # 15 articles at 5 a page: the newest 5 on the home page, then page 2, then page 1 (the oldest).
    assert (site / "page/2/index.html").is_file() and (site / "page/1/index.html").is_file()
    assert not (site / "page/3").exists()


def test_every_internal_link_and_asset_resolves(built):
    _, site = built
    assert broken_links(site, BASE) == []


def test_article_page_shows_date_in_site_timezone_source_terms_and_neighbours(built):
    _, site = built
    html = (site / "articles/2024/11/eu-iraq-launch-energy-dialogue/index.html").read_text()
    # Written as 16:00+00:00; the site timezone is Asia/Baghdad (+03:00).
    assert '<time datetime="2024-11-19T19:00:00+03:00">19 November 2024, 19:00</time>' in html
    assert "Levant Review" in html
    assert 'href="../../../../topics/energy/"' in html
    assert 'href="../../../../actors/zoe-lefevre/"><bdi>Zoë Lefèvre</bdi>' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert '<link rel="canonical" href="https://example.org/digest/articles/2024/11/eu-iraq-launch-energy-dialogue/">' in html
    assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html


def test_arabic_article_is_marked_right_to_left(built):
    _, site = built
    html = (site / "articles/2024/06/basra-water-conference/index.html").read_text()
    assert '<article class="story" lang="ar" dir="rtl"' in html
    assert '<html lang="en">' in html
    # The Arabic-script actor's slug reads as a reader would write the name (issue 18).
    assert 'actors/salman-al-ubaydi/' in html


def test_actor_index_is_grouped_by_kind_with_counts(built):
    _, site = built
    html = (site / "actors/index.html").read_text()
    headings = re.findall(r"<h2 id=\"group-\d+\">([^<]+)</h2>", html)
    assert headings[:3] == ["People", "Organisations", "Countries"]
    assert re.search(r"<bdi>Layla Haddad</bdi></a> <span class=\"count\">\(7\)</span>", html)


def test_gazetteer_alias_in_front_matter_maps_to_the_canonical_actor(sample_site):
    article = sample_site / "content/articles/2024/02/central-bank-outlines-payments-modernisation-plan.md"
    text = article.read_text().replace("actors: [Karim al-Saadi", "actors: [Al-Saadi", 1)
    assert "Al-Saadi" in text
    article.write_text(text)
    build_site(sample_site)
    html = (sample_site / "site/actors/karim-al-saadi/index.html").read_text()
    assert "central-bank-outlines-payments-modernisation-plan" in html
    assert not (sample_site / "site/actors/al-saadi").exists()


def test_html_pages_are_accessible_html5_without_scripts(built):
    _, site = built
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert html.startswith("<!doctype html>"), page
        assert re.search(r'<html lang="[a-z]{2}', html), page
        assert '<meta name="viewport"' in html, page
        # Nothing needs JavaScript to be read: the only script is JSON-LD data, never executed;
        # the search page alone runs the search box.
        assert page.parent.name == "search" or re.sub(r"<script type=\"application/ld\+json\">[^<]*</script>", "", html).count("<script") == 0, page
        assert html.count("<h1") == 1, page
        assert "<main" in html, page


def test_feeds_parse_back_with_the_right_items(built):
    root, site = built
    config, _ = load_config(Paths(root))
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    atom = feedparser.parse((site / "atom.xml").read_bytes())
    for feed in (rss, atom):
        assert not feed.bozo, feed.bozo_exception
        assert len(feed.entries) == 15  # fewer than feed_size
        dates = [datetime(*e.published_parsed[:6]) for e in feed.entries]
        assert dates == sorted(dates, reverse=True)
        for entry in feed.entries:
            assert entry.link.startswith(BASE + "articles/")
            assert entry.id.startswith("urn:uuid:")
            for href in re.findall(r'(?:href|src)="([^"]+)"', entry.content[0].value):
                assert href.startswith(("https://", "http://", "mailto:")), href
    assert [e.id for e in rss.entries] == [e.id for e in atom.entries]
    # Every item names its author in RSS (dc:creator) as in Atom, where the article has one.
    authors = [(e.get("author"), a.get("author")) for e, a in zip(rss.entries, atom.entries)]
    assert all(r == a for r, a in authors) and sum(1 for r, _ in authors if r) >= 5, authors
    assert {link.rel for link in atom.feed.links} >= {"self", "alternate"}
    raw = (site / "feed.xml").read_text()
    assert '<atom:link href="https://example.org/digest/feed.xml" rel="self"' in raw
    # RFC 822 dates with an offset in RSS; RFC 3339 in Atom.
    assert re.search(r"<pubDate>\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}</pubDate>", raw)
    assert re.search(r"<published>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}</published>",
                     (site / "atom.xml").read_text())
    # The site-root link inside an article body is absolute in the feed.
    assert any(BASE + "articles/2024/01/iraq-turkey-open-water-sharing-talks/" in e.content[0].value
               for e in rss.entries)


def test_term_feeds_list_only_their_articles(built):
    _, site = built
    feed = feedparser.parse((site / "actors/layla-haddad/feed.xml").read_bytes())
    assert len(feed.entries) == 7
    assert feed.feed.title.startswith("Layla Haddad")


def test_equal_dates_are_ordered_by_id(built):
    root, site = built
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    same = [e for e in feed.entries if e.published.startswith("Tue, 27 Aug 2024")]
    assert len(same) == 2
    assert [e.id for e in same] == sorted(e.id for e in same)


def test_sitemap_and_robots(built):
    _, site = built
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://example.org/digest/articles/2024/06/basra-water-conference/</loc>" in sitemap
    assert "404.html" not in sitemap
    assert "Sitemap: https://example.org/digest/sitemap.xml" in (site / "robots.txt").read_text()


def test_two_builds_of_the_same_content_are_byte_identical(sample_site, tmp_path):
    other = tmp_path / "elsewhere"
    shutil.copytree(sample_site, other)
    build_site(sample_site)
    build_site(other)
    first = site_files(sample_site / "site")
    assert first == site_files(other / "site")
    build_site(sample_site, clean=True)
    assert site_files(sample_site / "site") == first


def test_site_works_under_the_domain_root_too(sample_site):
    config = sample_site / "site.toml"
    config.write_text(config.read_text().replace("https://example.org/digest/", "https://news.example.com"))
    build_site(sample_site)
    site = sample_site / "site"
    assert broken_links(site, "https://news.example.com/") == []
    assert "https://news.example.com/feed.xml" in (site / "index.html").read_text()
    assert 'href="/topics/"' in (site / "404.html").read_text()


def test_404_links_from_the_base_path(built):
    _, site = built
    assert 'href="/digest/topics/"' in (site / "404.html").read_text()


def test_one_bad_article_is_reported_and_the_rest_is_built(sample_site, capsys):
    bad = sample_site / "content/articles/2024/09/broken.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\ntitle: Broken\ndate: yesterday\n---\nText\n")
    code = main(["--root", str(sample_site), "build"])
    err = capsys.readouterr().err
    assert code == 0
    assert "content/articles/2024/09/broken.md:3: error: field 'date'" in err
    assert (sample_site / "site/articles/2024/06/basra-water-conference/index.html").is_file()
    assert not (sample_site / "site/articles/2024/09").exists()
    assert main(["build", "--strict", "--root", str(sample_site)]) == 1


def test_cli_root_before_or_after_the_command(sample_site, capsys):
    assert main(["--root", str(sample_site), "check"]) == 0
    assert main(["check", "--root", str(sample_site)]) == 0
    assert "checked 15 articles" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["build", "--timings"], ["--timings"]], ids=["build", "bare"])
def test_build_timings_name_every_stage(sample_site, capsys, argv):
    # Bare `build.py` means build, so bare build options are the build's.
    assert main(["--root", str(sample_site), *argv]) == 0
    out = capsys.readouterr().out
    stages = re.findall(r"^  (\S.*?)\s+(\d+\.\d\d) s$", out, re.MULTILINE)
    names = [name for name, _ in stages]
    # A site built before starts from the engine that build left (snapshot.py), timed first.
    if names[0] == "restore engine":
        names = names[1:]
    assert names[:3] == ["load articles", "actors and topics", "stories and related"]
    assert {"plan", "render", "publish"} <= {name for name, _ in stages}
    assert out.strip().splitlines()[-1].startswith("built ")


def test_a_root_without_config_or_templates_uses_the_defaults(tmp_path):
    articles = tmp_path / "content/articles/2025/01"
    articles.mkdir(parents=True)
    (articles / "hello.md").write_text("---\nid: a1\ntitle: Hello\ndate: 2025-01-02T03:04:05+00:00\n---\nHi.\n")
    assert main(["--root", str(tmp_path)]) == 0
    assert "Hello" in (tmp_path / "site/articles/2025/01/hello/index.html").read_text()


def test_json_feed_has_the_required_fields(built):
    import json
    _, site = built
    feed = json.loads((site / "feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Tigris Ledger"
    assert feed["feed_url"] == BASE + "feed.json" and feed["home_page_url"] == BASE
    assert len(feed["items"]) == 15
    rss_ids = [e.id for e in feedparser.parse((site / "feed.xml").read_bytes()).entries]
    assert [item["id"] for item in feed["items"]] == rss_ids
    for item in feed["items"]:
        assert item["url"].startswith(BASE) and item["content_html"]
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


def test_opml_lists_every_feed(built):
    import xml.etree.ElementTree as ET
    _, site = built
    tree = ET.parse(site / "feeds.opml")
    urls = {o.get("xmlUrl") for o in tree.iter("outline") if o.get("xmlUrl")}
    expected = {BASE + "feed.xml", BASE + "digest/feed.xml"}
    for kind in ("topics", "actors", "sources"):
        expected |= {BASE + p.relative_to(site).as_posix() for p in (site / kind).glob("*/feed.xml")}
    assert urls == expected and len(urls) > 20
    for url in urls:
        assert (site / url[len(BASE):]).is_file()


def test_article_pages_carry_open_graph_and_news_article_data(built):
    import json
    _, site = built
    html = (site / "articles/2024/11/eu-iraq-launch-energy-dialogue/index.html").read_text()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["@type"] == "NewsArticle" and data["headline"] == "EU and Iraq Launch Energy Dialogue in Brussels"
    assert data["datePublished"] == "2024-11-19T16:00:00+00:00"


def test_one_event_from_three_sources_is_one_story(built):
    _, site = built
    # A story's page is stories/<id>/; stories/<year>/<month>/ list the stories of a month.
    stories = [p for p in (site / "stories").iterdir() if (p / "index.html").exists()]
    assert len(stories) == 1
    story = (stories[0] / "index.html").read_text()
    assert "3 sources" in story and "first reported by <bdi>Tigris Wire</bdi>" in story
    # Its sources link to their pages, and the story index lists it.
    assert '<a href="../../sources/basra-daily/"><bdi>Basra Daily</bdi></a>' in story
    index = (site / "stories/index.html").read_text()
    assert f'href="../stories/{stories[0].name}/"' in index and "3 sources" in index
    assert story.index("Iraq and Turkey Open New Round") < story.index("Agree to Publish Daily River Readings")
    article = (site / "articles/2024/01/ankara-water-talks-begin-gauge-data/index.html").read_text()
    assert "Also reported by" in article and "<bdi>Tigris Wire</bdi>" in article and "<bdi>Basra Daily</bdi>" in article
    assert f"stories/{stories[0].name}/" in article


def _links_in(html: str, start: str, end: str) -> list[str]:
    part = html.split(start)[1].split(end)[0] if start in html else ""
    return re.findall(r'href="\.\./\.\./\.\./\.\./(articles/[^"]+)"', part)


def test_related_articles_share_someone_and_never_repeat_the_story_or_next(built):
    """Related lists leave out the article's own story (listed as "Also reported by") and need a
    shared actor other than a country or place; Previous/Next never repeat an article listed
    above them."""
    _, site = built
    kind_of = {}  # actor slug -> its group on the actors index (People, Organisations, Countries, ...)
    for group in re.split(r'<h2 id="group-\d+"', (site / "actors/index.html").read_text())[1:]:
        title = group.split(">", 1)[1].split("<", 1)[0]
        kind_of.update((slug, title) for slug in re.findall(r'href="\.\./actors/([^/"]+)/"', group))
    someone = {}  # article -> its actors other than countries and places
    for page in (site / "articles").rglob("index.html"):
        terms = page.read_text().split('class="story-terms"')[1].split("</div>")[0]
        slugs = re.findall(r'href="(?:\.\./)+actors/([^/"]+)/"', terms)
        someone[page.parent.relative_to(site).as_posix() + "/"] = {
            s for s in slugs if kind_of[s] not in ("Countries", "Places")}
    with_related = 0
    for page in (site / "articles").rglob("index.html"):
        html = page.read_text()
        here = page.parent.relative_to(site).as_posix() + "/"
        related = _links_in(html, 'id="related-h"', "</section>")
        also = _links_in(html, 'id="also-h"', "</section>")
        nearby = _links_in(html, 'class="prev-next"', "</nav>")
        assert here not in related and not set(related) & set(also), here
        assert not set(nearby) & set(related + also), here
        with_related += bool(related)
        for url in related:  # a related article shares someone, not just a country
            assert someone[here] & someone[url], (here, url)
    assert with_related >= 5
    # The Ankara talks: its other reports are "Also reported by", never "Related".
    talks = (site / "articles/2024/01/ankara-water-talks-begin-gauge-data/index.html").read_text()
    assert len(_links_in(talks, 'id="also-h"', "</section>")) == 2


def test_daily_and_weekly_digests_and_their_feed(built):
    _, site = built
    day = (site / "digest/2024-01-16/index.html").read_text()
    assert "Daily digest, 16 January 2024" in day
    # The three reports of the Ankara talks are one entry (its story), not three.
    assert day.count("stories/iraq-and-turkey-open-new-round") == 1
    week = (site / "digest/2024-W03/index.html").read_text()
    assert "3 sources" in week and "Tigris Wire" in week and "Basra Daily" in week
    feed = feedparser.parse((site / "digest/feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 20
    titles = [e.title for e in feed.entries]
    assert any(t.startswith("Daily digest") for t in titles) and any(t.startswith("Weekly digest") for t in titles)
    assert all(e.link.startswith(BASE + "digest/") for e in feed.entries)
    assert len({e.id for e in feed.entries}) == 20


def test_a_site_without_any_article_builds(tmp_path):
    (tmp_path / "site.toml").write_text('title = "Empty"\n')
    assert main(["--root", str(tmp_path)]) == 0
    assert "No articles yet." in (tmp_path / "site/index.html").read_text()


def test_terms_have_an_rss_feed_by_default_and_any_formats_or_none_on_request(sample_site):
    """A term's feed is RSS alone unless site.toml asks for more (docs/benchmarks.md, "Term
    feeds"); the site's own feed is always in all three formats."""
    site = sample_site / "site"
    term = site / "actors/layla-haddad"
    build_site(sample_site)
    assert (term / "feed.xml").is_file() and not (term / "atom.xml").exists() and not (term / "feed.json").exists()
    page = (term / "index.html").read_text()
    assert 'href="../../actors/layla-haddad/feed.xml">RSS</a>' in page
    assert "atom.xml" not in page.split("<main")[1].split("</main>")[0]
    alternates = re.findall(r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', page)
    assert (("application/rss+xml", BASE + "actors/layla-haddad/feed.xml") in alternates
            and not any("layla-haddad/atom.xml" in url or "layla-haddad/feed.json" in url for _, url in alternates))
    assert (site / "atom.xml").is_file() and (site / "feed.json").is_file()  # the site's own feeds stay
    opml = (site / "feeds.opml").read_text()
    assert BASE + "actors/layla-haddad/feed.xml" in opml

    config = sample_site / "site.toml"
    original = config.read_text()
    config.write_text('term_feeds = ["json", "rss", "atom"]\n' + original)  # top level: before any [table]
    build_site(sample_site)
    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert (term / name).is_file(), name
        assert f'href="../../actors/layla-haddad/{name}"' in (term / "index.html").read_text(), name
    topic = json.loads((site / "topics/water/feed.json").read_text())
    assert topic["feed_url"] == BASE + "topics/water/feed.json"
    water = {e.id for e in feedparser.parse((site / "topics/water/feed.xml").read_bytes()).entries}
    assert {item["id"] for item in topic["items"]} == water
    assert {e.id for e in feedparser.parse((site / "topics/water/atom.xml").read_bytes()).entries} == water
    assert broken_links(site, BASE) == []

    config.write_text("term_feeds = []\n" + original)
    build_site(sample_site)
    assert not list(site.glob("actors/*/feed.xml")) and not list(site.glob("topics/*/atom.xml"))
    assert "actors/" not in (site / "feeds.opml").read_text()
    assert broken_links(site, BASE) == []



def test_worker_processes_build_the_same_site_as_one_process(sample_site, tmp_path, monkeypatch):
    """Pages and feeds rendered on two workers, in small chunks, full and incremental."""
    import newsdigest.outputs as outputs
    other = tmp_path / "serial"
    shutil.copytree(sample_site, other)
    build_site(other, workers=1)
    monkeypatch.setattr(outputs, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(outputs, "CHUNK", 7)
    build_site(sample_site, workers=2)
    assert site_files(sample_site / "site") == site_files(other / "site")

    for root in (sample_site, other):  # one article edited: only what shows it changes, the same way
        article = next((root / "content/articles").rglob("*.md"))
        article.write_text(article.read_text().replace("title: ", "title: Revised: ", 1))
    parallel, _ = build_site(sample_site, workers=2)
    serial, _ = build_site(other, workers=1)
    assert site_files(sample_site / "site") == site_files(other / "site")
    assert (parallel.stats.written, parallel.stats.unchanged) == (serial.stats.written, serial.stats.unchanged)
    assert 0 < parallel.stats.written < parallel.stats.unchanged


def test_past_the_limit_each_section_has_its_sitemap_and_a_new_article_changes_its_years_only(monkeypatch):
    """Past the protocol's limit the sitemap is one file per section (the articles by year, every
    other top folder), each section in files of at most the limit, in sorted order. A new article
    changes its year's file and the index; with the live engine's memo every other file is the very
    bytes of the last build (kept, not made again)."""
    from types import SimpleNamespace

    import newsdigest.sitemap as sitemap
    from newsdigest.config import SiteConfig
    from newsdigest.order import KeptOrder
    monkeypatch.setattr(sitemap, "MAX_URLS", 4)
    model = SimpleNamespace(config=SiteConfig(base_url=BASE))
    pages = ["", "search/", "archive/", "archive/2023/05/", *(f"articles/2023/0{m}/a{m}/" for m in range(1, 7)),
             *(f"articles/2024/01/b{n}/" for n in range(3)), *(f"topics/t{n}/" for n in range(5))]
    lastmod = {p: "2024-01-01" for p in pages if p.startswith("articles/")}
    lines, order, kept = {}, KeptOrder(), {}
    first = sitemap.sitemap_files(model, pages, lastmod, lines, order, set(), None, kept)
    assert sorted(first) == ["sitemap-archive.xml", "sitemap-articles-2023-2.xml", "sitemap-articles-2023.xml",
                             "sitemap-articles-2024.xml", "sitemap-home.xml", "sitemap-search.xml",
                             "sitemap-topics-2.xml", "sitemap-topics.xml", "sitemap.xml"]
    listed = re.findall(r"<loc>([^<]+)</loc>", first["sitemap.xml"].decode())
    shown = [loc for name in listed for loc in re.findall(r"<loc>([^<]+)</loc>", first[name[len(BASE):]].decode())]
    assert shown == [BASE + p for p in sorted(pages)]   # every page once, in order, each in its section
    assert all(len(re.findall("<url>", first[n].decode())) <= 4 for n in first if n != "sitemap.xml")
    added = "articles/2024/02/b9/"
    lastmod[added] = "2024-02-01"
    second = sitemap.sitemap_files(model, [*pages, added], lastmod, lines, order, {added}, [added], kept)
    changed = {name for name in second if second[name] is not first.get(name)}
    assert changed == {"sitemap-articles-2024.xml", "sitemap.xml"}
    assert (BASE + added).encode() in second["sitemap-articles-2024.xml"]


def test_a_sitemap_past_the_protocol_limit_becomes_an_index(sample_site, monkeypatch):
    import xml.etree.ElementTree as ET

    import newsdigest.sitemap as sitemap
    build_site(sample_site)
    single = (sample_site / "site/sitemap.xml").read_text()
    monkeypatch.setattr(sitemap, "MAX_URLS", 10)   # 50,000 in real life
    build_site(sample_site)
    site = sample_site / "site"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.parse(site / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert parts and all(p.startswith(BASE + "sitemap-") for p in parts)
    urls = []
    for part in parts:
        urlset = ET.parse(site / part[len(BASE):]).getroot()
        found = [loc.text for loc in urlset.findall("s:url/s:loc", ns)]
        assert 0 < len(found) <= 10
        urls += found
    assert urls == [loc.text for loc in ET.fromstring(single).findall("s:url/s:loc", ns)]  # the same pages, in order

"""newsdigest.feeds: RSS 2.0 and Atom with feedgen, read back with feedparser."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import feedparser
import pytest

from newsdigest.core import Article
from newsdigest.config import parse_config
from newsdigest.feeds import FeedSpec, atom_bytes, entry_id, rss_bytes

BASE = "https://example.org/digest/"
BAGHDAD = timezone(timedelta(hours=3))
NEW_YORK = timezone(timedelta(hours=-5))


def make_article(id: str, slug: str, date: datetime, title: str, **extra) -> Article:
    url_path = f"articles/{date:%Y}/{date:%m}/{slug}/"
    fields = dict(
        id=id, title=title, date=date, slug=slug, path=f"content/articles/{slug}.md", url_path=url_path,
        body_html=f'<p>Body of {slug}. <a href="../../../../topics/oil/">Oil</a></p>',
        root_html=f'<p>Body of {slug}. <a href="/topics/oil/">Oil</a></p>',  # as parsed: from the site root
        summary=f"Summary of {slug}.", lang="en", topics=("Oil",), content_hash=f"hash-{slug}",
    )
    fields.update(extra)
    return Article(**fields)


THREE_ARTICLES = [
    make_article("44124f96-0ea7-4be4-9bab-0b3b3dc362be", "water-talks",
                 datetime(2024, 8, 27, 18, 57, tzinfo=BAGHDAD), "Water talks resume in Ankara",
                 author="Rasha Daoud"),
    make_article("tag:example.org,2024:oil-deal", "oil-deal",
                 datetime(2024, 8, 1, 9, 0, tzinfo=timezone.utc), "Oil deal signed"),
    make_article("budget 2024/ü", "budget",
                 datetime(2024, 7, 1, 9, 30, tzinfo=NEW_YORK), "Budget \u0007passes\u0000 parliament\x1b"),
]


@pytest.fixture
def config():
    config, _ = parse_config(f'title = "Tigris Ledger"\nbase_url = "{BASE}"\nlanguage = "en"\n')
    return config


@pytest.fixture
def home_spec():
    return FeedSpec("Tigris Ledger", "News from Iraq", "",
                    tuple(a.id for a in THREE_ARTICLES))


@pytest.fixture
def topic_spec():
    return FeedSpec("Oil · Tigris Ledger", "", "topics/oil/",
                    tuple(a.id for a in THREE_ARTICLES))


# --- entry_id ------------------------------------------------------------------------------

def test_entry_id_of_a_uuid_is_a_urn():
    assert entry_id("44124F96-0EA7-4BE4-9BAB-0B3B3DC362BE") == "urn:uuid:44124f96-0ea7-4be4-9bab-0b3b3dc362be"


@pytest.mark.parametrize("uri", ["tag:example.org,2024:oil-deal", "https://example.org/a/1", "urn:isbn:123"])
def test_entry_id_keeps_a_uri(uri):
    assert entry_id(uri) == uri


@pytest.mark.parametrize("text, expected", [
    ("oil-deal", "urn:newsdigest:oil-deal"),
    ("budget 2024/ü", "urn:newsdigest:budget%202024%2F%C3%BC"),
    ("12", "urn:newsdigest:12"),
    ("javascript:alert(1)", "urn:newsdigest:javascript%3Aalert%281%29"),
])
def test_entry_id_of_other_text_is_a_newsdigest_urn(text, expected):
    assert entry_id(text) == expected
    assert not re.search(r"\s", entry_id(text))


def test_entry_ids_of_different_texts_differ():
    assert entry_id("a b") != entry_id("a_b") != entry_id("a%20b")


# --- RSS and Atom read back ----------------------------------------------------------------

@pytest.mark.parametrize("render", [rss_bytes, atom_bytes], ids=["rss", "atom"])
def test_feed_parses_back_with_items_newest_first_as_given(render, home_spec, config):
    feed = feedparser.parse(render(home_spec, THREE_ARTICLES, config))
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.id for e in feed.entries] == [
        "urn:uuid:44124f96-0ea7-4be4-9bab-0b3b3dc362be",
        "tag:example.org,2024:oil-deal",
        "urn:newsdigest:budget%202024%2F%C3%BC",
    ]
    assert [e.title for e in feed.entries] == [
        "Water talks resume in Ankara", "Oil deal signed", "Budget passes parliament"]
    assert [e.link for e in feed.entries] == [
        f"{BASE}articles/2024/08/water-talks/", f"{BASE}articles/2024/08/oil-deal/", f"{BASE}articles/2024/07/budget/"]


@pytest.mark.parametrize("render", [rss_bytes, atom_bytes], ids=["rss", "atom"])
def test_feed_keeps_the_order_it_is_given(render, home_spec, config):
    reordered = [THREE_ARTICLES[2], THREE_ARTICLES[0], THREE_ARTICLES[1]]
    feed = feedparser.parse(render(home_spec, reordered, config))
    assert [e.title for e in feed.entries][0] == "Budget passes parliament"


def test_rss_dates_are_rfc_822_with_the_articles_offsets(home_spec, config):
    rss = rss_bytes(home_spec, THREE_ARTICLES, config)
    pub_dates = re.findall(rb"<pubDate>([^<]*)</pubDate>", rss)
    assert [d.decode() for d in pub_dates] == [
        "Tue, 27 Aug 2024 18:57:00 +0300",
        "Thu, 01 Aug 2024 09:00:00 +0000",
        "Mon, 01 Jul 2024 09:30:00 -0500",
    ]
    for raw, article in zip(pub_dates, THREE_ARTICLES):
        assert parsedate_to_datetime(raw.decode()) == article.date
    feed = feedparser.parse(rss)
    assert feed.entries[0].published == "Tue, 27 Aug 2024 18:57:00 +0300"
    assert re.search(rb"<lastBuildDate>Tue, 27 Aug 2024 18:57:00 \+0300</lastBuildDate>", rss)


def test_atom_dates_are_rfc_3339_with_offsets(home_spec, config):
    feed = feedparser.parse(atom_bytes(home_spec, THREE_ARTICLES, config))
    assert [e.published for e in feed.entries] == [
        "2024-08-27T18:57:00+03:00", "2024-08-01T09:00:00+00:00", "2024-07-01T09:30:00-05:00"]
    for entry, article in zip(feed.entries, THREE_ARTICLES):
        assert datetime.fromisoformat(entry.published) == article.date
        assert entry.updated == entry.published
    assert feed.feed.updated == "2024-08-27T18:57:00+03:00"   # the newest article, not the clock


def test_updated_date_is_used_when_given(home_spec, config):
    updated = datetime(2024, 9, 2, 8, 0, tzinfo=BAGHDAD)
    article = make_article("u1", "corrected", datetime(2024, 9, 1, 8, 0, tzinfo=BAGHDAD), "Corrected",
                           updated=updated)
    feed = feedparser.parse(atom_bytes(home_spec, [article], config))
    assert feed.entries[0].updated == "2024-09-02T08:00:00+03:00"
    assert feed.entries[0].published == "2024-09-01T08:00:00+03:00"
    assert feed.feed.updated == "2024-09-02T08:00:00+03:00"


def links_by_rel(links):
    return {link["rel"]: link["href"] for link in links}


def test_atom_self_and_alternate_links(topic_spec, config):
    feed = feedparser.parse(atom_bytes(topic_spec, THREE_ARTICLES, config))
    links = links_by_rel(feed.feed.links)
    assert links["self"] == f"{BASE}topics/oil/atom.xml"
    assert links["alternate"] == f"{BASE}topics/oil/"
    assert feed.feed.id == f"{BASE}topics/oil/"


def test_rss_self_link_and_channel_link_to_the_html_page(topic_spec, config):
    rss = rss_bytes(topic_spec, THREE_ARTICLES, config)
    channel = ET.fromstring(rss).find("channel")
    atom_self = channel.find("{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert atom_self.get("href") == f"{BASE}topics/oil/feed.xml"
    assert channel.findtext("link") == f"{BASE}topics/oil/"   # the web page the channel mirrors


def test_every_url_in_the_feeds_is_absolute(home_spec, config):
    for render in (rss_bytes, atom_bytes):
        feed = feedparser.parse(render(home_spec, THREE_ARTICLES, config))
        urls = [l["href"] for l in feed.feed.links]
        for entry in feed.entries:
            urls += [l["href"] for l in entry.links]
            urls += re.findall(r'href="([^"]*)"', entry.content[0].value)
        assert urls
        for url in urls:
            assert url.startswith(BASE), url


def test_content_and_summary_are_both_present(home_spec, config):
    for render in (rss_bytes, atom_bytes):
        entry = feedparser.parse(render(home_spec, THREE_ARTICLES, config)).entries[0]
        assert "Body of water-talks." in entry.content[0].value
        assert entry.summary == "Summary of water-talks."


def test_xml_invalid_control_characters_are_removed(home_spec, config):
    for render in (rss_bytes, atom_bytes):
        data = render(home_spec, THREE_ARTICLES, config)
        ET.fromstring(data)  # well-formed XML 1.0
        assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data)
        assert b"&#7;" not in data and b"&#0;" not in data


def test_control_characters_in_content_and_summary_are_removed(home_spec, config):
    article = make_article("c1", "ctrl", datetime(2024, 1, 1, tzinfo=timezone.utc), "Ctrl",
                           root_html="<p>a\x0bb</p>", summary="x\x0cy", author="Ra\x01sha")
    for render in (rss_bytes, atom_bytes):
        data = render(home_spec, [article], config)
        ET.fromstring(data)
        assert b"ab" in data and b"xy" in data


@pytest.mark.parametrize("render", [rss_bytes, atom_bytes], ids=["rss", "atom"])
def test_output_is_byte_identical_across_calls(render, home_spec, config):
    first = render(home_spec, THREE_ARTICLES, config)
    second = render(home_spec, list(THREE_ARTICLES), config)
    assert first == second


@pytest.mark.parametrize("render", [rss_bytes, atom_bytes], ids=["rss", "atom"])
def test_no_clock_time_inside(render, home_spec, config):
    data = render(home_spec, THREE_ARTICLES, config).decode()
    now = datetime.now(timezone.utc)
    for day in (now - timedelta(days=1), now, now + timedelta(days=1)):   # any time zone, either side of midnight
        assert day.strftime("%Y-%m-%d") not in data
        assert day.strftime("%d %b %Y") not in data


def test_an_empty_feed_is_valid_and_stable(home_spec, config):
    for render in (rss_bytes, atom_bytes):
        data = render(home_spec, [], config)
        assert data == render(home_spec, [], config)
        assert feedparser.parse(data).entries == []


def test_entry_ids_of_distinct_texts_are_distinct():
    # Percent-encoding UTF-8 bytes, not code points: "＜x" and "ÿ1Cx" once collided.
    assert entry_id("＜x") != entry_id("ÿ1Cx")


def test_kept_entries_give_the_bytes_of_entries_made_afresh(home_spec, topic_spec, config, monkeypatch):
    """An article's feed entry is kept (feeds._entry) while it is the same article object and
    base URL, and shared by every feed and format: the feeds are those made with every entry
    made afresh, another article object under the same id shows its own fields, and another
    base URL its own links."""
    from newsdigest import feeds
    from dataclasses import replace as changed
    other_base, _ = parse_config('title = "Tigris Ledger"\nbase_url = "https://other.example/x/"\nlanguage = "en"\n')

    def afresh(maker, spec, articles, config):
        monkeypatch.setattr(feeds, "_ENTRIES", {})
        return maker(spec, articles, config)
    articles = list(THREE_ARTICLES)
    for maker in (rss_bytes, atom_bytes):
        for spec in (home_spec, topic_spec):
            assert maker(spec, articles, config) == afresh(maker, spec, articles, config)
    rss_bytes(home_spec, articles, config)   # every entry kept
    edited = [changed(articles[0], title="Water talks end", author="Ali Hassan", topics=("Water",)), *articles[1:]]
    for maker in (rss_bytes, atom_bytes):
        assert maker(home_spec, edited, config) == afresh(maker, home_spec, edited, config)
        assert b"Water talks end" in maker(home_spec, edited, config)
        assert maker(home_spec, edited, other_base) == afresh(maker, home_spec, edited, other_base)
        assert b"https://other.example/x/" in maker(home_spec, edited, other_base)

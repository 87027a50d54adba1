"""The page plan: which pages exist, what each shows, and what each depends on.

Every page's context is made only of plain values (strings, numbers, lists, dicts) with every
link and date resolved, and the planner records, beside it, a compact description of those
values (`key_data`). A page's bytes are a function of its template and its context alone, so
a build can skip any page whose key (template fingerprint + key_data) did not change, and
the result is the same as rendering it again.
"""
from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, compress, groupby
from operator import attrgetter, itemgetter

from .core import Article, SiteModel, Taxonomy, id_of, memoized, name_key, pack_text, unpack_text
from . import charts, urls
from .feeds import FeedSpec
from .front import Front, front_page
from .model import changed_since
from .order import KeptOrder

KIND_TITLES = {"person": "People", "organisation": "Organisations", "country": "Countries",
               "place": "Places", "": "Other"}
KIND_LABELS = {"person": "Person", "organisation": "Organisation", "country": "Country", "place": "Place", "": ""}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
CARDS_BLOCK = 512   # articles whose cards are hashed together in a list's key (Planner.cards_key)


@dataclass(frozen=True)
class Page:
    url_path: str             # "" for the home page, "topics/x/" for a folder page, "404.html" for a file
    template: str
    context: dict = field(default_factory=dict)
    key_data: str = ""        # a digest of everything the context holds; see module docstring

    @property
    def file(self) -> str:
        return urls.file_of(self.url_path)


class Lazy(Mapping):
    """A context value computed only if the page is rendered. Only for values a page's key
    identifies another way (Planner.add's `known`): most builds render few of the pages they
    plan, and the key never looks inside."""

    def __init__(self, make):
        self._make = make
        self._value = None

    def _get(self) -> Mapping:
        if self._value is None:
            self._value = self._make()
        return self._value

    def __getitem__(self, key):
        return self._get()[key]

    def __iter__(self):
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __getstate__(self) -> dict:
        # The engine's snapshot keeps how to make the value (a partial of a module function),
        # not the value: a page kept from an earlier plan makes it again if rendered.
        return {"_make": self._make, "_value": None}


class Body:
    """An article's body HTML in a page's context, read (core.Packed unpacks it) only if the page
    is rendered: the live engine holds every page's context, and would otherwise hold each body
    again beside its packed copy. Templates write it as `body_html | safe`, or as any value with
    `__html__`."""

    __slots__ = ("article",)

    def __init__(self, article: Article) -> None:
        self.article = article

    def __html__(self) -> str:
        return self.article.body_html

    def __str__(self) -> str:
        return self.article.body_html


def _digest(key_data: str) -> str:
    # Pages are held (by the live engine) from one build to the next: the text they are keyed by
    # would take 3 KB a page, its digest 64 bytes.
    return hashlib.sha256(key_data.encode()).hexdigest()


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _local(when, model: SiteModel) -> dict:
    return _local_in(when, model.config)


def _local_in(when, config) -> dict:
    local = when.astimezone(config.timezone)
    return {"iso": local.isoformat(), "text": local.strftime(config.date_format)}


def term_link(tax: Taxonomy, name: str) -> dict:
    slug = tax.slug(name)
    return {"name": tax.term(slug).name, "url": urls.term(tax.key, slug)}


def script_safe_json(value) -> str:
    """JSON to place inside a <script> element: no '<', '>' or '&' can end it or open a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def news_article_jsonld(article: Article, config) -> str:
    """schema.org NewsArticle structured data for search engines."""
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": article.title[:110], "description": article.summary,
        "datePublished": article.date.isoformat(), "dateModified": (article.updated or article.date).isoformat(),
        "inLanguage": article.lang, "mainEntityOfPage": config.absolute(article.url_path),
        "url": config.absolute(article.url_path),
        "publisher": {"@type": "Organization", "name": config.title, "url": config.base_url},
    }
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.source:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.source}
    if article.url:
        data["isBasedOn"] = article.url
    if article.topics:
        data["keywords"] = list(article.topics)
    if article.actors:
        data["about"] = [{"@type": "Thing", "name": name} for name in article.actors]
    return script_safe_json(data)


@dataclass
class Current:
    """The model lazy context values read when a page is rendered: the rendering build's. A page
    an engine keeps from an earlier plan shows the same values from it (same signature), and
    holds no earlier model alive."""

    model: SiteModel | None = None
    # article id -> its day in the site's timezone, for the model's articles (`days_for`, with
    # the timezone): day_of
    days: dict = field(default_factory=dict)
    days_for: tuple | None = None

    def __getstate__(self) -> dict:
        # the next plan sets its own model: a snapshot holds none
        return {"model": None, "days": {}, "days_for": None}

    def day_of(self) -> dict:
        """Each article's day in the site's timezone, by id: what term charts and trends count.
        Brought up to date from the last model's (the articles changed since, model.changed_since),
        so that a term's days are looked up by map (C), not made again for each of its articles
        (the engine draws a large topic's charts again with each of its new articles)."""
        model = self.model
        tz, articles = model.config.timezone, model.articles
        last = self.days_for
        if last is not None and last[0] is articles and last[1] == tz:
            return self.days
        delta = changed_since(model, last[0]) if last is not None and last[1] == tz else None
        if delta is None:
            days = {a.id: a.date.astimezone(tz).date() for a in articles}
        else:
            days = self.days   # brought up to date in place: days_for says for which articles
            self.days_for = None
            article = model.article
            for aid in delta[1]:
                del days[aid]
            for aid in delta[0]:
                days[aid] = article(aid).date.astimezone(tz).date()
        self.days, self.days_for = days, (articles, tz)
        return days


@dataclass
class PlanMemo:
    """What the live engine keeps of the last plan: each group of pages (an article's page, a
    term's pages, a month's, a digest's) with the signature of what they show."""

    config: str = ""
    current: Current = field(default_factory=Current)
    groups: dict = field(default_factory=dict)    # group key -> (signature, its pages)
    records: dict = field(default_factory=dict)   # search records' digests (search.record_digest)
    links: dict = field(default_factory=dict)     # (taxonomy, name) -> the term's link, as last made
    cards: dict = field(default_factory=dict)     # article id -> (what its card was made from, card, hash, article)
    page_keys: dict = field(default_factory=dict)  # id(page) -> (page, template and globals, key, file, output)
    rendering: object = None                      # outputs.Rendering: what kept outputs render with
    lists: dict = field(default_factory=dict)     # a list of articles -> (their ids, a hash of their cards, its blocks)
    list_pages: dict = field(default_factory=dict)   # url -> the last plan's page listing cards there: add_list
    environment: tuple | None = None              # (template files' signature, the Jinja environment)
    views: dict = field(default_factory=dict)     # shared values by key -> (value, serialised)
    # What the last plan was made from, to know unchanged by identity what a change did not reach
    # (plan_pages): each taxonomy's terms by slug, the articles' order, each article page's inputs,
    # each term group's inputs and each term's trend on the taxonomy page.
    terms: dict = field(default_factory=dict)     # taxonomy key -> {slug: Term}
    order: dict = field(default_factory=dict)     # article id -> its place, newest first
    articles: tuple | None = None                 # the articles in that order (model.changed_since)
    # article id -> (article, related, story id, story, ids shown, group key, group): plan_pages
    article_inputs: dict = field(default_factory=dict)
    term_inputs: dict = field(default_factory=dict)     # (taxonomy key, slug) -> (term, related, roles)
    trends: dict = field(default_factory=dict)    # (taxonomy key, slug) -> (term, axis, trend)
    feed_keys: dict = field(default_factory=dict)  # FeedSpec -> (its articles, key, outputs): outputs.feed_outputs
    # outputs.search_bundles: each article's page and entry, each shard's pages, articles and key,
    # and the articles whose search record may differ while they are the same objects (a card
    # made again, their source renamed), as this plan found them.
    search_rows: dict = field(default_factory=dict)
    shard_keys: dict = field(default_factory=dict)
    records_dirty: set = field(default_factory=set)
    shown_in: dict = field(default_factory=dict)  # card id -> the ids of the articles whose pages show it
    headlines: dict = field(default_factory=dict)  # article id -> (article, its headline): Planner.headline
    stories: dict = field(default_factory=dict)   # story id -> the story, as the last plan's article pages show it
    story_months: dict = field(default_factory=dict)   # story id -> (the story, its local month): _story_months
    related: dict = field(default_factory=dict)   # article id -> its related list, as the last plan's pages show it
    # group key -> (digest, newer, older, source slugs, first articles, story ids): _plan_digests
    digest_inputs: dict = field(default_factory=dict)
    lastmods: dict = field(default_factory=dict)       # article id -> (article, page, last modified): sitemap
    sitemap_lines: dict = field(default_factory=dict)  # page -> (last modified, its sitemap line)
    sitemap_parts: dict = field(default_factory=dict)  # section file -> (its lines, its bytes): sitemap_files
    sitemap_outputs: dict = field(default_factory=dict)  # sitemap file -> (its bytes, its Output)
    opml: tuple | None = None    # (the feeds it lists, the OPML output): outputs.other_outputs
    term_specs: dict = field(default_factory=dict)   # taxonomy key -> {slug: (term, its FeedSpec)}: feed_specs
    # outputs.other_outputs: digest key -> (what its feed item shows, the item); (the items, the digest feeds)
    digest_items: dict = field(default_factory=dict)
    digest_feed: tuple | None = None
    # outputs.py's corpus-wide values (feed specs, search shards, sitemaps) by name -> (what each
    # was made from, compared by identity, and the value): outputs.from_last
    whole: dict = field(default_factory=dict)
    shard_plan: dict = field(default_factory=dict)   # search.plan_shards' (for this config's timezone)
    sitemap_order: KeptOrder = field(default_factory=KeptOrder)   # the sitemap's pages, sorted
    last_plan: tuple | None = None   # (the model's parts, compared by identity, and its pages): plan_pages

    def start(self, config) -> None:
        """Every page shows the config: a plan for another one keeps nothing of the last but the
        Jinja environment (which does not depend on it)."""
        if self.config != repr(config):
            self.groups, self.records, self.links, self.cards, self.page_keys, self.lists = {}, {}, {}, {}, {}, {}
            self.views, self.terms, self.order, self.article_inputs, self.term_inputs = {}, {}, {}, {}, {}
            self.shown_in, self.stories, self.digest_inputs, self.headlines, self.related = {}, {}, {}, {}, {}
            self.trends, self.feed_keys, self.search_rows, self.shard_keys = {}, {}, {}, {}
            self.lastmods, self.sitemap_lines, self.opml, self.whole, self.last_plan = {}, {}, None, {}, None
            self.term_specs, self.digest_items, self.digest_feed, self.story_months = {}, {}, None, {}
            self.sitemap_parts, self.sitemap_outputs = {}, {}
            self.shard_plan, self.sitemap_order, self.articles, self.list_pages = {}, KeptOrder(), None, {}
            self.config = repr(config)

    def __getstate__(self) -> dict:
        # The Jinja environment does not pickle (compiled templates); the next plan makes it again.
        # Nor does what outputs.site_outputs keeps with it.
        return {**self.__dict__, "environment": None, "whole": {k: v for k, v in self.whole.items() if k != "pages"}}

    def loaded(self) -> None:
        """After unpickling (snapshot.py): what is keyed by object ids (which a copy does not
        keep) keyed again by the copies' ids. A card's stamp holds the ids of its term links,
        which the cards hold: an id left from the process that pickled them could name a new
        link object here, and a card would be reused with other links."""
        self.page_keys = {id(entry[0]): entry for entry in self.page_keys.values()}
        self.cards = {aid: ((*stamp[:3], *map(id, card["topics"] + card["actors"])), card, *rest)
                      for aid, (stamp, card, *rest) in self.cards.items()}

    def card_of(self, article_id: str) -> tuple | None:
        """(what the article's card was made from, the card) as the last plan made them."""
        found = self.cards.get(article_id)
        return found[:2] if found is not None else None


class Planner:
    """Builds pages; memoises the article cards that many list pages share, and their hashes.
    Given the memo of the last plan (the live engine's), it takes each group of pages whose
    signature is unchanged from there instead of planning it again."""

    def __init__(self, model: SiteModel, memo: PlanMemo | None = None):
        self.model = model
        self._cards: dict[str, tuple[dict, str]] = {}
        self._every_card = False   # every card is made, or known to be the last plan's (make_cards)
        self._link_memo: dict[str, dict[str, dict]] = {}
        # PlanMemo.cards' entries that are not the last plan's (a card stamped again): finish
        self._restamped: dict[str, tuple] = {}
        self._fresh: set[str] = set()   # articles whose card was made this build, not kept
        self._lists: dict = {}
        self._list_pages: dict[str, Page] = {}   # the list pages made or taken by add_list
        self._source_urls: dict[str, str | None] = {}
        self._source_slugs: tuple | None = None
        self._shared: dict[int, tuple[object, str]] = {}
        self.pages: list[Page] = []
        self.memo = memo
        self._groups: dict = {}
        self._views: dict = {}
        self._last_views = memo.views if memo is not None else {}
        if memo is not None:
            memo.start(model.config)
        # Kept from the last plan: a term link equal to the one made now is that same object,
        # so a card whose article file and link objects are the ones it was made from is reused.
        self._last_links = memo.links if memo is not None else {}
        self._last_cards = memo.cards if memo is not None else {}
        # PlanMemo.headlines (for this config), brought up to date as the plan asks (a copy: the
        # memo is set whole in finish)
        self._headlines: dict[str, tuple] = dict(memo.headlines) if memo is not None else {}
        self.current = memo.current if memo is not None else Current()
        self.current.model = model
        self.site_feeds = self.shared(_feeds_for(model, None, None))
        # The terms whose link (name and page) is not the last plan's, by taxonomy: new, renamed,
        # or gone (a name's slug that moves makes a term at a new slug). The cards of the articles
        # they hold or held are the only ones whose links can differ.
        self.relinked_terms: dict[str, set[str]] = {}
        self._relinked: set[str] = set()
        self.term_inputs: dict[tuple, tuple] = {}   # PlanMemo.term_inputs, as this plan makes it
        # (PlanMemo.article_inputs as this plan makes it, the articles whose inputs it made)
        self.article_inputs: tuple[dict, set] = ({}, set())
        self.digest_inputs: dict[tuple, tuple] = {}   # PlanMemo.digest_inputs, as this plan makes it
        # The ids of the stories new, gone or not the same objects as the last plan's (None: not
        # known, as in a first plan): set by plan_pages.
        self.changed_stories: set[str] | None = None
        self._trends: dict[tuple, tuple] = {}
        self.story_months: dict = {}   # PlanMemo.story_months, as this plan makes it
        if memo is not None:
            for tax in model.taxonomies:
                last = memo.terms.get(tax.key, {})
                relinked = {t.slug for t in tax.terms
                            if (was := last.get(t.slug)) is not t and (was is None or was.name != t.name)}
                relinked |= last.keys() - {t.slug for t in tax.terms}
                self.relinked_terms[tax.key] = relinked
                for slug in relinked:
                    if slug in last:
                        self._relinked.update(last[slug].article_ids)
                self._relinked.update(i for t in tax.terms if t.slug in relinked for i in t.article_ids)

    def make_cards(self) -> None:
        """Every card that may not be the last plan's made (then an unchanged group is known by
        ids: Planner.group). With the articles changed since the last plan known (model.changed_since),
        only theirs and those of the articles of a term linked anew (a card is its article's and
        its terms' links): every other card is the last plan's (_card's first case, when asked)."""
        memo, model = self.memo, self.model
        delta = changed_since(model, memo.articles) if memo is not None and memo.articles is not None else None
        if delta is None:
            for article in model.articles:
                self._card(article)
        else:
            place_of = model.place_of
            for aid in delta[0] | self._relinked:
                if aid in place_of:
                    self._card(model.article(aid))
            # Each plan brings the days of the articles up to date (from the changed ones: a
            # plan that skipped it would leave the next one to make them all again).
            self.current.day_of()
        self._every_card = True

    def unchanged_cards(self, ids) -> bool:
        """No card of these articles (None: no article) was made again this build."""
        return self._fresh.isdisjoint(ids)

    def trend(self, tax: Taxonomy, term, axis, site_axis: dict) -> list[int]:
        """A term's articles per period of the site's axis; the last plan's while the term is
        the same object (the same articles), none of whose cards was made again (their dates
        are the same), and the axis is the same."""
        key = (tax.key, term.slug)
        last = self.memo.trends.get(key) if self.memo is not None else None
        if last is not None and last[0] is term and last[1] == site_axis and self.unchanged_cards(term.article_ids):
            found = last[2]
        else:
            found = charts.counts_on(axis, map(self.current.day_of().__getitem__, term.article_ids))
        self._trends[key] = (term, site_axis, found)
        return found

    def take(self, key: tuple, found: tuple) -> None:
        """The last plan's pages of a group known unchanged."""
        self.pages.extend(found[1])
        self._groups[key] = found

    def keep_views(self, keys) -> bool:
        """Carry the last plan's shared values under these keys into this one (for a group taken
        whole, so that the next plan finds them); False if one is missing."""
        found = [self._last_views.get(key) for key in keys]
        if any(f is None for f in found):
            return False
        self._views.update(zip(keys, found))
        return True

    def keep_list(self, key: tuple) -> bool:
        last = self.memo.lists.get(key) if self.memo is not None else None
        if last is None:
            return False
        self._lists[key] = last
        return True

    def group(self, key: tuple, signature, plan_it, quick=None, shows: tuple = ()) -> tuple | None:
        """Plan a group of pages with plan_it(), or, when signature() (everything the group's
        pages show, compared by value) is what it was for the memo's plan, take its pages as
        they were. Without a memo, plan_it() and nothing else.

        `quick` (cheap to make) with the ids of the articles whose cards the pages show, `shows`,
        stands for the signature when every card has been made (see plan_pages): the same quick
        value, and no card of `shows` made again, mean the same signature without computing it.
        Returns the group as kept for the next plan (None without a memo).
        """
        if self.memo is None:
            plan_it()
            return None
        found = self.memo.groups.get(key)
        if (found is not None and quick is not None and found[2] == quick and self._fresh.isdisjoint(shows)):
            self.pages.extend(found[1])
            self._groups[key] = found
            return found
        sig = signature()
        if found is not None and found[0] == sig:
            self.pages.extend(found[1])
            found = (sig, found[1], quick)
        else:
            start = len(self.pages)
            plan_it()
            found = (sig, self.pages[start:], quick)
        self._groups[key] = found
        return found

    def finish(self) -> list[Page]:
        if self.memo is not None:
            # All of the memo is set here, once the whole plan is made: a plan that fails on
            # the way leaves the last one whole.
            self.memo.groups = self._groups
            inputs, visited = self.article_inputs
            if not self.memo.article_inputs:
                self.memo.shown_in = {}
            _show(self.memo.shown_in, self.memo.article_inputs, inputs, visited)
            self.memo.article_inputs, self.memo.order = inputs, self.model.place_of
            self.memo.articles = self.model.articles
            self.memo.stories = self.model.stories.by_id if self.model.stories is not None else {}
            self.memo.related = dict(self.model.related)   # a copy: what a later model changes is seen
            self.memo.digest_inputs, self.memo.headlines = self.digest_inputs, self._headlines
            # Links of cards kept whole were not looked up: the last ones stand, less the names
            # no term has now.
            taxonomies = {tax.key: tax.slug_of for tax in self.model.taxonomies}
            links = {key: link for key, link in self._last_links.items()
                     if name_key(key[1]) in taxonomies.get(key[0], ())}
            links.update(((tax, name), link) for tax, made in self._link_memo.items() for name, link in made.items())
            self.memo.links = links
            model = self.model
            # A card taken without stamping it again is the last plan's entry as it was.
            cards = dict(self._last_cards)
            for aid in cards.keys() - model.place_of.keys():
                del cards[aid]
            cards.update(self._restamped)
            self.memo.cards = cards
            self.memo.terms = {tax.key: {t.slug: t for t in tax.terms} for tax in model.taxonomies}
            self.memo.term_inputs = self.term_inputs
            self.memo.trends = self._trends
            self.memo.story_months = self.story_months
            sources = {t.slug: t for t in model.taxonomy("sources").terms}
            self.memo.records_dirty = self._fresh | {aid for slug in self.relinked_terms.get("sources", ())
                                                     if slug in sources for aid in sources[slug].article_ids}
            self.memo.lists = self._lists
            # The list pages of groups taken whole are the last plan's: kept; those of pages
            # gone are let go when they could be more than the pages.
            list_pages = self.memo.list_pages
            list_pages.update(self._list_pages)
            if len(list_pages) > len(self.pages):
                self.memo.list_pages = {p.url_path: p for p in self.pages if list_pages.get(p.url_path) is p}
            self.memo.views = self._views
        return self.pages

    def headline(self, article: Article) -> dict:
        """_headline, the last plan's while the article is the same object (a story's page
        lists the headlines of all its other reports: a report joining a story of a hundred
        made ten thousand headlines)."""
        found = self._headlines.get(article.id)
        if found is None or found[0] is not article:
            found = self._headlines[article.id] = (article, _headline(self.model, article))
        return found[1]

    def source_slugs(self) -> tuple:
        """Every source's name key and slug, which decide where a source's name links; the last
        plan's object while equal (compared by identity in the story and digest signatures)."""
        if self._source_slugs is None:
            self._source_slugs = self.shared(tuple(sorted(self.model.taxonomy("sources").slug_of.items())),
                                             ("source slugs",))
        return self._source_slugs

    def source_url(self, name: str) -> str | None:
        found = self._source_urls.get(name, "")
        if found == "":
            found = self._source_urls[name] = source_url(self.model, name)
        return found

    def card_hash(self, article: Article | None) -> str | None:
        """The hash a card is keyed by (what the article's card shows)."""
        return self._card(article)[1] if article is not None else None

    def card_hashes(self, ids) -> tuple[str, ...]:
        if self._every_card:
            # A card not made this build is the last plan's (make_cards): its hash is read from
            # there, without looking the article up (a topic of 15,000 articles, each drop).
            made, last = self._cards, self._last_cards
            return tuple(made[i][1] if i in made else last[i][2] for i in ids)
        model = self.model
        return tuple(self._card(model.article(i))[1] for i in ids)

    def cards_key(self, key: tuple, ids: tuple[str, ...]) -> str:
        """A hash of the cards of these articles, in order; the last plan's when the ids are the
        same and none of their cards was made again (every card is made before any list asks).

        It hashes the hashes of blocks of CARDS_BLOCK articles counted from the list's oldest
        end, so that articles added at the newest end (news arriving) leave every block but the
        newest as it was: a block with the same ids as the last plan's at its place, none of
        whose cards was made again, keeps its hash (a term of 50,000 articles gaining one hashed
        every card again). The blocks depend on the ids alone: the same list, the same hash."""
        last = self.memo.lists.get(key) if self.memo is not None else None
        reuse = last is not None and self._every_card
        if reuse and last[0] == ids and self._fresh.isdisjoint(ids):
            self._lists[key] = last
            return last[1]
        kept = last[2] if reuse else ()
        blocks = []
        for n, end in enumerate(range(len(ids), 0, -CARDS_BLOCK)):   # oldest block first
            block = ids[max(0, end - CARDS_BLOCK):end]
            if n < len(kept) and kept[n][0] == block and self._fresh.isdisjoint(block):
                blocks.append(kept[n])
            else:
                blocks.append((block, hashlib.sha1(",".join(self.card_hashes(block)).encode()).hexdigest()))
        found = hashlib.sha1(",".join(h for _, h in blocks).encode()).hexdigest()
        self._lists[key] = (ids, found, tuple(blocks))
        return found

    def shared(self, value, key: tuple | None = None):
        """Mark a value many pages hold (never modified afterwards): serialised for keys once.
        With a `key`, a value equal to the one the last plan made under that key is that
        object, its serialisation not made again (a term's views, thousands a build)."""
        last = self._last_views.get(key) if key is not None else None
        if last is not None and last[0] == value:
            value, text = last
        else:
            text = _dumps(value)
        self._shared[id(value)] = (value, text)  # holding value keeps its id unique
        if key is not None:
            self._views[key] = (value, text)
        return value

    def _key_of(self, context: dict) -> str:
        parts = []
        shared_of = self._shared
        for name in sorted(context):
            value = context[name]
            shared = shared_of.get(id(value))
            if shared is not None:
                part = shared[1]
            elif isinstance(value, list) and value and all(id(v) in shared_of for v in value):
                part = "\x1dshared:" + ",".join(shared_of[id(v)][1] for v in value)  # a list of cards
            else:
                part = _dumps(value)
            parts.append(f"{name}={part}")
        return "\x1f".join(parts)

    def card(self, article: Article) -> dict:
        return self._card(article)[0]

    def _links(self, tax: Taxonomy, names) -> list[dict]:
        memo = self._link_memo.setdefault(tax.key, {})
        links = []
        for name in names:
            link = memo.get(name)
            if link is None:
                link = term_link(tax, name)
                last = self._last_links.get((tax.key, name))
                link = memo[name] = last if last == link else link
            links.append(link)
        return links

    def _card(self, article: Article) -> tuple[dict, str]:
        entry = self._cards.get(article.id)
        if entry is None:
            last = self._last_cards.get(article.id)
            if last is not None and last[3] is article and article.id not in self._relinked:
                # The same article object, and none of its terms changed: the same card.
                entry = self._cards[article.id] = last[1:3]
                self._shared[id(last[1])] = entry
                return entry
            topics = self._links(self.model.taxonomy("topics"), article.topics)
            actors = self._links(self.model.taxonomy("actors"), article.actors)
            # What the card is made from (see below). Its links are the last plan's objects while
            # equal, held by the kept cards, so their ids cannot name another object: a kept card
            # whose stamp is this one is this card.
            stamp = (article.content_hash, self.source_url(article.source), len(topics), *map(id, topics + actors))
            last = self._last_cards.get(article.id)
            if last is not None and last[0] == stamp:
                entry = self._cards[article.id] = last[1:3]
                self._shared[id(last[1])] = entry
                self._restamped[article.id] = (stamp, *entry, article)
                return entry
            self._fresh.add(article.id)
            card = {
                "id": article.id, "title": article.title, "url": article.url_path,
                "date": _local(article.date, self.model), "source": article.source,
                "summary": article.summary, "lang": article.lang, "dir": article.dir,
                "topics": topics, "actors": actors, "source_url": self.source_url(article.source),
            }
            # Everything else in a card comes from the article's file (its digest) and the config
            # (part of every page key), so its key needs only the digest, the term links and the
            # source's page (which moves when another outlet's name takes its slug).
            links = "\x1e".join(f"{link['name']}\x1d{link['url']}" for link in topics + actors)
            digest = hashlib.sha1(f"{article.content_hash}\x1f{card['source_url']}\x1f{len(topics)}\x1f{links}"
                                  .encode()).hexdigest()
            entry = self._cards[article.id] = (card, digest)
            self._shared[id(card)] = entry  # pages holding this card are keyed by its hash
            self._restamped[article.id] = (stamp, card, digest, article)
        return entry

    def add(self, url_path: str, template: str, context: dict, known: dict | None = None) -> None:
        """A page whose context holds no article cards.

        `known` names context entries that are large but fully identified by a short string
        (an article body by its file's digest), so the key needs only that string.
        """
        known = known or {}
        plain = {k: v for k, v in context.items() if k not in known}
        self.pages.append(Page(url_path, template, context, _digest(self._key_of(plain) + "|" + _dumps(known))))

    def add_list(self, url_path: str, template: str, ids, known: dict | None = None, **context) -> None:
        """A page listing articles as cards under "articles"; keyed by the cards' hashes (and
        `known`, as for add)."""
        known = known or {}
        plain = {k: v for k, v in context.items() if k not in known}
        head, tail = self._key_of(plain), ("|" + _dumps(known) if known else "")
        last = self.memo.list_pages.get(url_path) if self.memo is not None and self._every_card else None
        if last is not None:
            # Keyed from the cards' hashes alone (kept ones read from the last plan): the key the
            # last plan's page at this place had, it is that page, no card looked up (a term of
            # 15,000 articles, planned again for each article it gains, has 750 pages).
            key = _digest(head + "|" + ",".join(self.card_hashes(ids)) + tail)
            if last.key_data == key and last.template == template:
                self._list_pages[url_path] = last
                self.pages.append(last)
                return
        entries = [self._card(self.model.article(i)) for i in ids]
        page = Page(url_path, template, {**context, "articles": list(map(itemgetter(0), entries))},
                    _digest(head + "|" + ",".join(map(itemgetter(1), entries)) + tail))
        self._list_pages[url_path] = page
        self.pages.append(page)


def paginate(url_path: str, ids: tuple[str, ...], per_page: int) -> list[tuple[str, tuple[str, ...], dict]]:
    """(page url, ids on that page, pager) for a list given newest first.

    Pages are slices of the list counted from its oldest end, numbered from the oldest: page 1
    holds the oldest `per_page` items, page 2 the next ones, and so on. A new item changes the
    first page (at url_path itself) and at most the newest numbered page or two; every other page
    keeps its URL and its content as the list grows. Links to them stay right, and adding an
    article to a site of 10,000 rewrites a few list pages, not hundreds.

    The first page shows the newest slice, and the one before it while the newest is not full,
    so it shows between per_page and 2 x per_page - 1 items (all of them in a shorter list).
    """
    oldest_first = ids[::-1]
    chunks = [oldest_first[i:i + per_page] for i in range(0, len(ids), per_page)]
    on_first = 1 if chunks and len(chunks[-1]) == per_page else 2
    numbered = max(0, len(chunks) - on_first)    # pages 1..numbered stand on their own
    paths = {n: urls.page(url_path, n) for n in range(1, numbered + 1)}
    first = tuple(x for chunk in chunks[numbered:] for x in chunk)[::-1]
    pages = [(url_path, first, {"first": True, "number": None, "newer": None, "older": paths.get(numbered)})]
    for n in range(numbered, 0, -1):            # newest first, as the list reads
        pager = {"first": False, "number": n, "newer": paths.get(n + 1, url_path), "older": paths.get(n - 1)}
        pages.append((paths[n], chunks[n - 1][::-1], pager))
    return pages


def feed_specs(model: SiteModel, memo: PlanMemo | None = None) -> list[FeedSpec]:
    """The site's feed and each term's. `memo` (the live engine's, for this config: PlanMemo.start)
    keeps each term's spec with the term: the same term object, the same spec object."""
    n = model.config.feed_size
    specs = [FeedSpec(model.config.title, model.config.description, urls.HOME, tuple(a.id for a in model.articles[:n]))]
    last = memo.term_specs if memo is not None else {}
    made = {}
    for tax in model.taxonomies:
        kept = last.get(tax.key, {})
        mine = made[tax.key] = {}
        for term in tax.terms:
            found = kept.get(term.slug)
            if found is None or found[0] is not term:
                found = (term, FeedSpec(f"{term.name} · {model.config.title}",
                                        f"{tax.shown.feed_about} {term.name} in {model.config.title}",
                                        urls.term(tax.key, term.slug), term.article_ids[:n], tax.key,
                                        model.config.term_feeds))
            mine[term.slug] = found
            specs.append(found[1])
    if memo is not None:
        memo.term_specs = made
    return specs


def _feeds_for(model: SiteModel, term_page: str | None, title: str | None) -> list[dict]:
    site = model.config
    feeds = feed_links(site, urls.HOME, site.title)
    if term_page is not None:
        feeds += feed_links(site, term_page, title, site.term_feeds)
    return feeds


FEED_FORMATS = (("rss", "RSS", "application/rss+xml"), ("atom", "Atom", "application/atom+xml"),
                ("json", "JSON Feed", "application/feed+json"))


def feed_links(site, listing: str, title: str, formats=("rss", "atom", "json")) -> list[dict]:
    """<link rel=alternate> data for a listing's feeds, one per format written."""
    return [{"title": f"{title} ({name})", "type": kind, "url": site.absolute(urls.feed(listing, fmt))}
            for fmt, name, kind in FEED_FORMATS if fmt in formats]


def _site_axis(model: SiteModel) -> dict:
    """The time axis of the whole site, every period from the first article's to the last's."""
    if not model.articles:
        return {"unit": "month", "starts": []}
    days = charts.local_days((model.articles[-1].date, model.articles[0].date), model.config.timezone)
    return charts.axis_between(min(days), max(days)).plain()


TOGETHER_ROWS = 5
NO_CHARTS = {"coverage": {"starts": []}, "together": {"rows": []}}


def _term_charts(current: "Current", term_ids: tuple[str, ...], related: dict) -> Lazy:
    """A term's articles per period over its own span, and, on the same axis, when each of the
    actors most often named with it was named in the same article; computed only if rendered
    (from the model of the build that renders it: a page kept from an earlier plan holds no model)."""
    return Lazy(partial(_term_chart_values, current, term_ids, related))


def _term_chart_values(current: "Current", term_ids: tuple[str, ...], related: dict) -> dict:
    # The days of the term's articles, and of those that also name each related actor (the
    # articles of both terms), looked up by map and set intersection (C)
    day_of = current.day_of()
    days = list(map(day_of.__getitem__, term_ids))
    axis = charts.axis_between(min(days), max(days))
    actors, mine = current.model.taxonomy("actors"), set(term_ids)
    rows = [{"name": other["name"], "url": other["url"], "counts": charts.counts_on(axis, map(
                day_of.__getitem__, mine.intersection(actors.term(other["slug"]).article_ids)))}
            for other in related["actors"][:TOGETHER_ROWS]]
    return {"coverage": {**axis.plain(), "counts": charts.counts_on(axis, days)},
            "together": {**axis.plain(), "rows": rows}}


def _roles(model: SiteModel, slug: str) -> list[dict]:
    """An actor's titles over time, oldest first, each with the article it was seen in."""
    roles = []
    for iso, title, article_id in model.roles.get(slug, ()):
        article = model.article(article_id)
        roles.append({"date": iso, "title": title, "url": article.url_path, "article": article.title})
    return roles


def _related(model: SiteModel, tax: Taxonomy, slug: str) -> dict:
    """Actors seen most with this term: co-mentions for an actor, who a topic or a source is about."""
    names = model.taxonomy("actors")
    actors = [{"name": names.term(other).name, "url": urls.term(names.key, other), "slug": other, "count": count}
              for other, count in model.term_actors.get(tax.key, {}).get(slug, ())]
    return {"title": tax.shown.related_title, "actors": actors}


def _story_links(plan: "Planner", model: SiteModel, article: Article) -> dict | None:
    """'Also reported by': the other articles of the article's story, and the story page."""
    story = _page_story(model, article)
    if story is None:
        return None
    return {"url": urls.story(story.id), "count": len(story.sources), "first_source": story.first_source,
            "others": [plan.headline(model.article(i)) for i in story.article_ids if i != article.id]}


def _plan_stories(plan: "Planner", model: SiteModel, feeds) -> None:
    """A page per story of two or more articles: every source, who reported first, in order.
    It shows the story, its articles' cards (the first's summary, language and direction are
    in its card) and its sources' pages: the same story object, source slugs and cards, the
    same page (Planner.group)."""
    if model.stories is None:
        return
    sources = plan.source_slugs()
    for story in _paged_list(model):
        plan.group(("story", story.id), partial(lambda story: (story, sources, plan.card_hashes(story.article_ids)), story),
                   partial(_plan_story, plan, model, feeds, story), (story, sources), story.article_ids)


def _plan_story(plan: "Planner", model: SiteModel, feeds, story) -> None:
    first = model.article(story.article_ids[0])
    plan.add_list(urls.story(story.id), "story.html", story.article_ids, feeds=feeds,
                  title=story.title, description=first.summary,
                  story={"title": story.title, "sources": _source_links(model, story.sources), "count": len(story.sources),
                         "first_source": story.first_source, "first": _local(story.first_date, model),
                         "last": _local(story.last_date, model), "lang": first.lang, "dir": first.dir})


def source_url(model: SiteModel, name: str) -> str | None:
    """The page of a source (an outlet), or None for a name with no page."""
    sources = model.taxonomy("sources")
    slug = sources.slug_of.get(name_key(name)) if name else None
    return urls.term(sources.key, slug) if slug else None


def _source_links(model: SiteModel, names) -> list[dict]:
    """Source names linked to their pages (a name with no page, none)."""
    return [{"name": name, "url": source_url(model, name)} for name in names]


def _lang_dir(article: Article) -> dict:
    return {"lang": article.lang, "dir": article.dir}


STORIES_PER_PAGE_FACTOR = 2  # a story is a line, not a card: twice a list page's articles fit


def _story_months(plan: "Planner", model: SiteModel, stories: tuple) -> list[tuple[tuple[int, int], list]]:
    """The stories (latest activity first) grouped by the local month of their last report,
    newest month first. Each story's month is the last plan's while it is the same object."""
    tz = model.config.timezone
    last = plan.memo.story_months if plan.memo is not None else {}
    now: dict = {}
    for story in stories:
        found = last.get(story.id)
        if found is None or found[0] is not story:
            local = story.last_date.astimezone(tz)
            found = (story, (local.year, local.month))
        now[story.id] = found
    if plan.memo is not None:
        plan.story_months = now
    return [(month, list(group)) for month, group in groupby(stories, key=lambda s: now[s.id][1])]


def _plan_story_index(plan: "Planner", model: SiteModel, feeds) -> None:
    """/stories/: the latest stories of two or more reports (latest activity first) and the
    months, then a page per month of the stories whose last report came in it. A story changes
    place whenever a report joins it, and the clustering may re-decide one deep in the archive
    (a word's weight moves with the corpus): by month, that changes its month's pages; counted
    pages from the oldest end would shift every page newer than it (205 of 225 in one drop at
    100,000 articles)."""
    stories = _paged_list(model)
    months = _story_months(plan, model, stories)
    nav = [{"label": f"{MONTHS[month - 1]} {year}", "url": urls.story_month(year, month), "count": len(group)}
           for (year, month), group in months]
    latest = tuple(stories[:model.config.items_per_page * STORIES_PER_PAGE_FACTOR])
    pages = [(urls.STORIES, latest, {"first": True, "number": None, "newer": None, "older": None}, nav)]
    for n, (view, (_, group)) in enumerate(zip(nav, months)):
        pages.append((view["url"], tuple(group), {
            "first": False, "number": None, "label": view["label"],
            "newer": nav[n - 1]["url"] if n else urls.STORIES,
            "older": nav[n + 1]["url"] if n + 1 < len(nav) else None}, None))
    sources = plan.source_slugs()
    article = model.article
    for url, shown, pager, months_nav in pages:
        # A page shows its stories, their first articles' language and direction, where their
        # sources link, its pager and (the first) the months (the rest is the config's, for
        # which the memo is kept): the same objects (compared by identity first), the last plan's page.
        plan.group(("stories", url), partial(_story_index_signature, shown, tuple(article(s.article_ids[0]) for s in shown),
                                            sources, pager, months_nav),
                   partial(_plan_story_index_page, plan, model, feeds, url, shown, pager, months_nav))


def _story_index_signature(*parts) -> tuple:
    return parts


def _plan_story_index_page(plan: "Planner", model: SiteModel, feeds, url: str, shown: tuple, pager: dict,
                           months: list | None) -> None:
    views = [{"title": s.title, "url": urls.story(s.id), "count": len(s.sources),
              "sources": _source_links(model, s.sources), "first": _local(s.first_date, model),
              "last": _local(s.last_date, model), **_lang_dir(model.article(s.article_ids[0]))}
             for s in shown]
    plan.add(url, "stories.html", {"stories": views, "pager": pager, "feeds": feeds, "months": months,
                                  "title": "Stories" if pager["first"] else f"Stories, {pager['label']}"})


def digest_title(digest) -> str:
    if digest.kind == "day":
        return f"Daily digest, {digest.start.day} {MONTHS[digest.start.month - 1]} {digest.start.year}"
    end = digest.end
    return (f"Weekly digest, week {digest.key[-2:].lstrip('0')} of {digest.key[:4]} "
            f"({digest.start.day} {MONTHS[digest.start.month - 1][:3]} – {end.day} {MONTHS[end.month - 1][:3]} {end.year})")


def digest_view(model: SiteModel, digest, limit: int | None = None) -> dict:
    """A digest as plain values: its groups by topic, each entry with its lede and sources."""
    groups = []
    for group in digest.groups:
        entries = []
        for entry in group.entries[:limit]:
            first = model.article(entry.article_ids[0])
            url = _entry_url(model, entry, first)
            entries.append({"title": entry.title, "lede": entry.lede, "url": url, "sources": _source_links(model, entry.sources),
                            "count": len(entry.article_ids), "lang": first.lang, "dir": first.dir})
        groups.append({"topic": group.topic, "entries": entries})
    return {"kind": digest.kind, "key": digest.key, "title": digest_title(digest), "url": urls.digest(digest.key),
            "start": digest.start.isoformat(), "end": digest.end.isoformat(), "groups": groups}


def _entry_url(model: SiteModel, entry, first: Article) -> str:
    """Where a digest entry links: its story's page, or its article when it has none."""
    # An article alone in its story has no story of its own: the entry links to the article.
    return urls.story(entry.story_id) if entry.story_id in _paged_stories(model) else first.url_path


def _paged_stories(model: SiteModel) -> frozenset:
    """The ids of the stories that have a page (once per model: every digest entry asks)."""
    stories = model.stories
    if stories is None:
        return frozenset()
    return memoized(stories, "paged ids", lambda: frozenset(s.id for s in stories.paged))


def _paged_list(model: SiteModel) -> tuple:
    """The stories that have a page, in the index's order."""
    return model.stories.paged if model.stories is not None else ()


def _digest_signature(model: SiteModel, digest, newer, older, sources) -> tuple:
    """Everything a digest's page shows: the digest, where each entry links, each entry's first
    article (language, direction), its neighbours, and `sources`, the sources' slugs (an entry
    links the pages of all its reports' sources)."""
    firsts = [model.article(e.article_ids[0]) for e in digest.entries]
    return (digest, [(_entry_url(model, e, f), f.lang, f.dir) for e, f in zip(digest.entries, firsts)],
            newer and (newer.kind, newer.key, newer.start, newer.end), older and (older.kind, older.key, older.start, older.end),
            sources)


def _plan_digest(plan: "Planner", model: SiteModel, feeds, digest, newer, older) -> None:
    view = digest_view(model, digest)
    packed, shows = _packed(view)
    plan.add(view["url"], "digest.html", {
        "digest": packed, "title": view["title"], "feeds": feeds,
        "newer": {"title": digest_title(newer), "url": urls.digest(newer.key)} if newer else None,
        "older": {"title": digest_title(older), "url": urls.digest(older.key)} if older else None},
        known={"digest": shows})


def _packed(view: dict) -> tuple[Lazy, str]:
    """A page's view of plain values held as compressed JSON until the page is rendered, and
    the digest of that JSON for the page's key (Planner.add's `known`). A digest's view (a dict
    per entry, with its sources) made a digest page 14 kB of the plan, the largest share of a
    plan at 100,000 steady-rate articles; with the view packed, 5.5 kB (both at 20,000)."""
    text = json.dumps(view, ensure_ascii=False, separators=(",", ":"))
    return Lazy(partial(_unpacked, pack_text(text))), _digest(text)


def _unpacked(packed: bytes):
    return json.loads(unpack_text(packed))


def _plan_digests(plan: "Planner", model: SiteModel, feeds) -> None:
    by_kind: dict[str, list] = {"day": [], "week": []}
    paged = _paged_stories(model)
    sources = plan.source_slugs()
    last_inputs = plan.memo.digest_inputs if plan.memo is not None else {}
    changed = plan.changed_stories
    for digest in model.digests:
        by_kind[digest.kind].append(digest)
    for kind, digests in by_kind.items():
        for n, digest in enumerate(digests):  # newest first
            newer = digests[n - 1] if n > 0 else None
            older = digests[n + 1] if n + 1 < len(digests) else None
            key = ("digest", digest.kind, digest.key)
            last = last_inputs.get(key)
            if (changed is not None and last is not None and last[0] is digest and last[1] is newer
                    and last[2] is older and last[3] is sources and plan.unchanged_cards(last[4])
                    and changed.isdisjoint(last[5])):
                # The same digest and neighbours, source slugs and first articles' cards, and
                # none of its stories another object (which could gain or lose its page):
                # its page is the last plan's.
                found = plan.memo.groups.get(key)
                if found is not None:
                    plan.take(key, found)
                    plan.digest_inputs[key] = last
                    continue
            # Its entries' first articles (their cards cover language and direction) and
            # which of their stories have a page stand for where the entries link.
            entries = digest.entries
            shows = tuple(e.article_ids[0] for e in entries)
            quick = (digest, tuple(e.story_id in paged for e in entries),
                     newer and newer.key, older and older.key, sources)
            plan.digest_inputs[key] = (digest, newer, older, sources, shows, frozenset(e.story_id for e in entries))
            plan.group(key, partial(_digest_signature, model, digest, newer, older, sources),
                       partial(_plan_digest, plan, model, feeds, digest, newer, older), quick, shows)
    index = {kind: [{"title": digest_title(d), "url": urls.digest(d.key)} for d in digests]
             for kind, digests in by_kind.items()}
    plan.add(urls.DIGESTS, "digests.html", {"weeks": index["week"], "days": index["day"], "title": "Digests",
                                         "feeds": feeds + DIGEST_FEEDS(model)})


def DIGEST_FEEDS(model: SiteModel) -> list[dict]:  # noqa: N802 - a constant-like helper
    return feed_links(model.config, urls.DIGESTS, f"{model.config.title} digests", DIGEST_FEED_FORMATS)


DIGEST_FEED_FORMATS = ("rss", "atom")


def _headline(model: SiteModel, article: Article) -> dict:
    """A linked headline with its source and date, for lists of other reports."""
    return {"title": article.title, "url": article.url_path, "source": article.source or "unnamed source",
            "lang": article.lang, "dir": article.dir, "date": _local(article.date, model)}


def _front_view(plan: "Planner", model: SiteModel, front: Front) -> dict:
    """The front page's top stories and topic sections as plain values (front.py chooses them)."""
    stories = []
    for top in front.stories:
        story = model.stories.story(top.story_id) if top.story_id else None
        stories.append({"lead": plan.card(model.article(top.lead_id)), "count": top.source_count,
                        "url": urls.story(story.id) if story is not None else None,
                        "others": [plan.headline(model.article(i)) for i in top.other_ids]})
    topics = model.taxonomy("topics")
    sections = [{"name": topics.term(s.topic_slug).name, "url": urls.term(topics.key, s.topic_slug),
                 "articles": [plan.card(model.article(i)) for i in s.article_ids]} for s in front.sections]
    return {"stories": stories, "sections": sections}


def _page_story(model: SiteModel, article: Article):
    """The article's story, if it has a page (two or more reports)."""
    if model.stories is None or article.id not in model.stories.story_of:
        return None
    story = model.stories.story_for(article.id)
    return story if story.has_page else None


def _article_signature(plan: Planner, article: Article, story, related, older, newer) -> tuple:
    """Everything an article's page shows: its card and body (the card's hash covers its file),
    its story's reports and sources, its related articles and its neighbours."""
    return (plan.card_hash(article), list(article.actors), list(article.topics),
            story and (story.id, story.sources, story.first_source, plan.card_hashes(story.article_ids)),
            plan.card_hashes(related), plan.card_hash(older), plan.card_hash(newer))


def _article_details(article: Article, config) -> dict:
    return {"author": article.author, "section": article.section, "dateline": article.dateline,
            "original_url": article.url, "updated": _local_in(article.updated, config) if article.updated else None,
            "jsonld": news_article_jsonld(article, config)}


def _plan_article(plan: Planner, model: SiteModel, article: Article, related, older, newer) -> None:
    config = model.config
    details = Lazy(partial(_article_details, article, config))
    plan.add(article.url_path, "article.html", {
        "article": plan.card(article), "details": details, "body_html": Body(article),
        "title": article.title, "description": article.summary,
        "story": _story_links(plan, model, article),
        "related": [plan.card(model.article(i)) for i in related],
        "older": plan.card(older) if older else None, "newer": plan.card(newer) if newer else None,
        "feeds": plan.site_feeds},
        # body and details (JSON-LD included) come from the article's file and its terms alone
        known={"body_html": article.content_hash,
               "details": [article.content_hash, list(article.actors), list(article.topics)]})


def _reordered(model: SiteModel, memo: PlanMemo, changed: set[str], gone: set[str]) -> set[str]:
    """The articles whose previous and next may differ from the last plan's, apart from those
    whose own story or related list changed (compared by plan_pages): those near a place in
    the order where an article was added, removed or moved (`changed`: new, or another object,
    which may have another date; `gone`: no longer there). An article's neighbours are the
    nearest articles it does not list, so a change further away than the longest list a page
    can skip over cannot reach them."""
    last_order, now = memo.order, model.place_of
    if not last_order:
        return set(now)
    if not changed and not gone:
        return set()
    # The last plan's articles in its order (memo.articles, when kept: a place is its index).
    kept = memo.articles if memo.articles is not None and len(memo.articles) == len(last_order) else None
    by_place = {} if kept is not None else {place: aid for aid, place in last_order.items()}
    places = [now[aid] for aid in changed]
    for aid in gone | (changed & last_order.keys()):
        for side in (-1, 1):   # where it was: its old neighbours' places now
            at = last_order[aid] + side
            other = (kept[at].id if 0 <= at < len(kept) else None) if kept is not None else by_place.get(at)
            if other in now:
                places.append(now[other])
    stories = model.stories.stories if model.stories is not None else ()
    reach = (max(map(len, model.related.values()), default=0)
             + max(map(len, map(attrgetter("article_ids"), stories)), default=0) + 2)
    articles = model.articles
    return {a.id for place in places for a in articles[max(0, place - reach):place + reach + 1]}


def _reached(model: SiteModel, memo: PlanMemo, fresh: set[str]) -> tuple[set[str], set[str], set[str]]:
    """(the articles whose page may differ from the last plan's, those whose pages are gone,
    the ids of the stories new, gone or not the same objects),
    found without visiting the others: an article page is planned again only for an article
    that is new or another object, whose related list or story is not the last plan's, whose
    neighbours may have moved (_reordered), or whose page shows a card made again (`fresh`,
    through PlanMemo.shown_in). Every other article page passes plan_pages' checks unchanged."""
    last = memo.article_inputs
    # Known from the site order when the last plan's articles are the tuple it last sorted from
    # (each input's article is that tuple's: kept inputs are of articles not reached).
    delta = changed_since(model, memo.articles) if memo.articles is not None else None
    if delta is not None:
        changed, gone = delta
    else:
        changed = {a.id for a in model.articles if (entry := last.get(a.id)) is None or entry[0] is not a}
        gone = last.keys() - model.place_of.keys()
    reached = changed | _reordered(model, memo, changed, gone)
    # The related lists that are not the last plan's objects (found by map: C, over every
    # article) are compared with what the article's page showed.
    related, last_related = model.related, memo.related
    other = compress(related, map(operator.is_not, map(last_related.get, related), related.values()))
    reached.update(aid for aid in other if (entry := last.get(aid)) is not None and entry[1] != related[aid])
    reached.update(aid for aid in last.keys() - related.keys() if last[aid][1])   # a list now empty
    # An article joins, leaves or moves between stories only in a story that is not the same
    # object (new, or other articles) or is gone: their articles, then and now, are reached.
    stories = model.stories.by_id if model.stories is not None else {}
    last_stories = memo.stories
    changed_stories = last_stories.keys() - stories.keys()   # gone
    for sid in changed_stories:
        reached.update(last_stories[sid].article_ids)
    # The stories not the last plan's objects, found by map (C) over every story
    for story in compress(stories.values(), map(operator.is_not, map(last_stories.get, stories), stories.values())):
        changed_stories.add(story.id)
        reached.update(story.article_ids)
        if (was := last_stories.get(story.id)) is not None:
            reached.update(was.article_ids)
    shown_in = memo.shown_in
    reached.update(aid for shown in fresh for aid in shown_in.get(shown, ()))
    return reached - gone, gone, changed_stories


def _show(shown_in: dict, last: dict, now: dict, ids) -> None:
    """Bring PlanMemo.shown_in (card id -> the articles whose pages show it) from the inputs
    `last` to `now` for the articles `ids` (the only ones whose inputs differ)."""
    for aid in ids:
        was, entry = last.get(aid), now.get(aid)
        if was is entry:
            continue
        for shown in (was[4] if was is not None else ()):
            holders = shown_in.get(shown)
            if holders is not None:
                holders.discard(aid)
                if not holders:
                    del shown_in[shown]
        for shown in (entry[4] if entry is not None else ()):
            shown_in.setdefault(shown, set()).add(aid)


def plan_pages(model: SiteModel, memo: PlanMemo | None = None) -> list[Page]:
    """Every page of the site; `memo` (kept by the live engine between builds) lets the plan
    take unchanged groups of pages from the last one."""
    parts = (model.articles, *model.taxonomies, model.months, model.roles, model.term_actors, model.stories,
             model.related, model.digests)
    if memo is not None:
        last = memo.last_plan
        memo.last_plan = None   # until this plan is made whole
        if (last is not None and memo.config == repr(model.config) and len(last[0]) == len(parts)
                and all(map(operator.is_, last[0], parts))):
            # A model made of the very parts of the last plan's (the live model keeps each one
            # while nothing reached it): the same pages, and the memo is the one they left.
            memo.current.model = model
            memo.last_plan = last
            return last[1]
    plan = Planner(model, memo)
    per_page = model.config.items_per_page
    feeds = plan.site_feeds

    plan.make_cards()   # every card first: then an unchanged group is known by ids (Planner.group)
    last_inputs = memo.article_inputs if memo is not None else {}
    inputs: dict[str, tuple] = {}
    if memo is not None and last_inputs:
        # Only the articles whose page a change can reach are visited; the others' pages are
        # the last plan's (taken below).
        reached, gone, plan.changed_stories = _reached(model, memo, plan._fresh)
        for aid in gone:   # what is kept per article, for articles no longer there
            plan._headlines.pop(aid, None)
        # In site order: one pass over the articles when many are reached, a sort of the few otherwise.
        visit = [a for a in model.articles if a.id in reached] if len(reached) * 8 > len(model.articles) \
            else sorted(map(model.article, reached), key=lambda a: model.place_of[a.id])
    else:
        visit, gone = model.articles, set()
    story_of = model.stories.story_of if model.stories is not None else {}
    for article in visit:
        aid = article.id
        related = model.related.get(aid, ())
        story_id = story_of.get(aid)
        story = _page_story(model, article)
        # Previous and next never repeat an article the page lists already (its story, related).
        older, newer = model.neighbours(article, {*related, *(story.article_ids if story else ())})
        shows = (aid, *related, *(story.article_ids if story else ()), older and older.id, newer and newer.id)
        quick = (shows, len(related), tuple(article.actors), tuple(article.topics),
                 story and (story.id, story.sources, story.first_source))
        key = ("article", aid)
        found = plan.group(key, partial(_article_signature, plan, article, story, related, older, newer),
                           partial(_plan_article, plan, model, article, related, older, newer), quick, shows)
        inputs[aid] = (article, related, story_id, story_id and model.stories.story(story_id), shows, key, found)
    if memo is not None:
        # The articles not visited: their pages are the last plan's, taken whole.
        # (dict copies, map and chain: C, over the 10,000 articles of a drop)
        planned, inputs = inputs, dict(last_inputs)
        for aid in gone | planned.keys():
            inputs.pop(aid, None)
        groups = list(map(itemgetter(6), inputs.values()))
        plan._groups.update(zip(map(itemgetter(5), inputs.values()), groups))
        plan.pages.extend(chain.from_iterable(map(itemgetter(1), groups)))
        inputs.update(planned)
        plan.article_inputs = (inputs, planned.keys() | gone)

    # Lists come after the articles' own pages, which make every card (see Planner.cards_key).
    front = front_page(model.articles, model.stories, model.taxonomy("topics"), model.article)
    for url, ids, pager in paginate("", tuple(map(id_of, model.articles)), per_page):
        if pager["first"]:
            plan.add_list(url, "index.html", [i for i in ids if i not in front.shown], pager=pager, feeds=feeds,
                          front=_front_view(plan, model, front), title="")
            continue
        # An older page of the home list shows its articles' cards and its pager, nothing else:
        # the same ids and pager, none of their cards made again, is the same page (thousands of
        # pages at 100,000 articles, each of whose signatures hashed its cards).
        plan.group(("home", url), partial(lambda url, ids, pager: (plan.cards_key(("home", url), ids), _dumps(pager)),
                                          url, ids, pager),
                   partial(plan.add_list, url, "index.html", ids, pager=pager, feeds=feeds, front=None,
                           title=f"Page {pager['number']}"), (ids, tuple(pager.values())), ids)

    for tax in model.taxonomies:
        grouped = tax.by_kind() if tax.shown.by_kind else [("", list(tax.terms))]
        groups = [{"kind": kind, "title": KIND_TITLES.get(kind, kind.title()),
                   "terms": [{"name": t.name, "url": urls.term(tax.key, t.slug), "count": len(t.article_ids)}
                             for t in terms]}
                  for kind, terms in grouped]
        site_axis = _site_axis(model)
        if tax.shown.trend:  # a small chart per term: its articles per period over the whole site
            axis = charts.Axis.from_plain(site_axis)
            for group, (_, terms) in zip(groups, grouped):
                for view, term in zip(group["terms"], terms):
                    view["trend"] = plan.trend(tax, term, axis, site_axis)
        plan.add(urls.taxonomy(tax.key), "taxonomy.html", {
            "taxonomy": {"key": tax.key, "title": tax.title}, "groups": groups, "title": tax.title, "feeds": feeds,
            "trend_axis": site_axis if tax.shown.trend else None})
        tax_view = plan.shared({"key": tax.key, "title": tax.title, "singular": tax.singular}, ("tax", tax.key))
        term_actors = model.term_actors.get(tax.key, {})
        renamed_actors = plan.relinked_terms.get("actors", set())
        for term in tax.terms:
            group_key = ("term", tax.key, term.slug)
            related, roles = term_actors.get(term.slug, ()), model.roles.get(term.slug, ())
            last = plan.memo.term_inputs.get(group_key) if plan.memo is not None else None
            if (last is not None and last[0] is term and last[1] == related and last[2] == roles
                    and renamed_actors.isdisjoint(map(itemgetter(0), related)) and plan.unchanged_cards(term.article_ids)
                    and plan.unchanged_cards(aid for _, _, aid in roles)):
                # The same term, related actors (none renamed) and roles, and the cards of its
                # articles and of its roles' articles the same: its pages are the last plan's.
                found = plan.memo.groups.get(group_key)
                views = [(kind, tax.key, term.slug) for kind in ("term", "older", "feeds")]
                if found is not None and plan.keep_views(views) and plan.keep_list(group_key):
                    plan.take(group_key, found)
                    plan.term_inputs[group_key] = last
                    continue
            plan.term_inputs[group_key] = (term, related, roles)
            base = urls.term(tax.key, term.slug)
            term_view = plan.shared({"name": term.name, "url": base, "kind": KIND_LABELS.get(term.kind, ""),
                         "description": term.description, "count": len(term.article_ids),
                         "feeds": [{"name": name, "url": urls.feed(base, fmt)} for fmt, name, _ in FEED_FORMATS
                                   if fmt in model.config.term_feeds],
                         "aliases": [a for a in term.aliases if a != term.name],
                         "roles": _roles(model, term.slug),
                         "related": _related(model, tax, term.slug)}, ("term", tax.key, term.slug))
            # Older pages show what changes only when the term is renamed: a count or a related
            # list there would rewrite every page of a term with each new article.
            older_view = plan.shared({k: term_view[k] for k in ("name", "url", "kind", "description", "feeds")},
                                     ("older", tax.key, term.slug))
            term_feeds = plan.shared(_feeds_for(model, base, term.name), ("feeds", tax.key, term.slug))
            # Its charts come from the dates and actors of the term's articles, which their
            # cards' hashes identify (with the related actors, already in term_view).
            term_charts = _term_charts(plan.current, term.article_ids, term_view["related"])
            charts_key = plan.cards_key(("term", tax.key, term.slug), term.article_ids)

            def plan_term(base=base, term=term, term_view=term_view, older_view=older_view, term_feeds=term_feeds,
                          term_charts=term_charts, charts_key=charts_key) -> None:
                for url, ids, pager in paginate(base, term.article_ids, per_page):
                    first = pager["first"]
                    plan.add_list(url, "term.html", ids, taxonomy=tax_view,
                                  term=term_view if first else older_view, pager=pager, feeds=term_feeds,
                                  charts=term_charts if first else NO_CHARTS,
                                  known={"charts": charts_key if first else ""},
                                  title=term.name if first else f"{term.name}, page {pager['number']}")
            # charts_key covers the cards of every article of the term, in order.
            plan.group(group_key, partial(
                lambda *views: tuple(plan._shared[id(v)][1] for v in views) + (charts_key,),
                tax_view, term_view, term_feeds), plan_term)

    months = [{"label": f"{MONTHS[m.month - 1]} {m.year}", "url": urls.month(m.year, m.month), "count": len(m.article_ids)}
              for m in model.months]
    plan.add(urls.ARCHIVE, "archive.html", {"months": months, "title": "Archive", "feeds": feeds})
    for month, label in zip(model.months, months):
        def plan_month(month=month, label=label) -> None:
            for url, ids, pager in paginate(label["url"], month.article_ids, per_page):
                plan.add_list(url, "month.html", ids, month=label, pager=pager, title=label["label"], feeds=feeds)
        plan.group(("month", label["url"]), partial(
            lambda label, ids: (_dumps(label), plan.cards_key(("month", label["url"]), ids)),
            label, month.article_ids), plan_month)

    _plan_stories(plan, model, feeds)
    _plan_story_index(plan, model, feeds)
    if model.digests:
        _plan_digests(plan, model, feeds)
    if model.config.search:
        plan.add(urls.SEARCH, "search.html", {"title": "Search", "feeds": feeds})
    plan.add(urls.NOT_FOUND, "404.html", {"title": "Page not found", "feeds": []})
    pages = plan.finish()
    if memo is not None:
        memo.last_plan = (parts, pages)
    return pages

#!/usr/bin/env python3
"""Deterministic news corpus for benchmarking newsdigest against Pelican and Hugo.

The same articles are written in the form each tool reads:

    newsdigest  content/articles/YYYY/MM/<slug>.md with our front matter, and site.toml
                (--extract: no `actors:`/`topics:` lines, so newsdigest finds them itself)
    pelican     content/<slug>.md with Pelican metadata (Tags = topics, Authors = actors)
                and pelicanconf.py (built-in theme, content cache on)
    hugo        content/articles/<slug>.md with YAML front matter, hugo.toml with the
                taxonomies `topics` and `actors`, and a small theme of our own in layouts/

Every article comes from its own seeded random generator (seed and index), so the same
arguments always give byte-identical files, and article i is the same in a corpus of 1,000
and one of 10,000. Articles: 400 to 700 words in paragraphs of made-up but readable news
prose; 1 to 3 topics of 30; 2 to 6 actors of 2,000 (people "Firstname Lastname",
organisations, countries), each of which is named in the text; dates with UTC offsets;
eight sources.

Dates (--dates): `fixed`, the default, spreads any number of articles over the same three
years (2022-2024), so a larger corpus is a denser one; `steady` keeps the publishing rate of
10,000 articles in those three years (about 9.1 a day), so the range grows with the size:
1,000 articles span 110 days, 10,000 the three years (the two modes write the same files
there), 100,000 thirty years. Both end at 2025-01-01; article i has the same text in both
modes, only its date moves.

    python bench/corpus.py --count 1000 --format all --out bench/.work/demo
    python bench/corpus.py --count 1000 --format newsdigest --extract --search --out DIR
    python bench/corpus.py --count 100000 --dates steady --format newsdigest --out DIR

`--format all` writes newsdigest/, newsdigest-extract/, pelican/ and hugo/ under --out.
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import re
import shutil
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

DEFAULT_SEED = 2024
SITE_TITLE = "Bench Digest"
BASE_URL = "https://example.org/digest/"
PER_PAGE = 20
FEED_SIZE = 20

# --- vocabulary ---------------------------------------------------------------------------------

GIVEN = """Amira Tariq Henrik Lucia Omar Sven Nadia Karim Elena Yusuf Thomas William Layla Hassan Giulia
Mehmet Robert Sara Daniel Maria Ahmed Fatima Peter Anna Paul Laura James Sofia David Hana Martin Ines
Michael Julia Ali Zainab George Clara Samuel Leila Victor Rosa Adam Noor Simon Alice Jonas Marta Karl
Irene Mustafa Salma Oliver Emma Ivan Olga Pablo Lina Hugo Nina Felix Dina Marco Rana Arthur Vera Tomas
Helen Rami Yasmin Nikolai Ella Jamal Farah Edward Mona Leon Eva Sami Dalia Kevin Grace Bruno Lara""".split()

SYLLABLES = ["ka", "lo", "ren", "dar", "vi", "mon", "sel", "ta", "bru", "nor", "ves", "ga", "lin", "tor",
             "mar", "qu", "zel", "ash", "fen", "ol"]
ENDINGS = ["", "ski", "ova", "ani", "enko", "berg", "ssi", "lu", "man", "ez"]

CITY_PARTS = (["Kor", "Dal", "Vel", "Mar", "Sut", "Ban", "Tor", "Lis", "Ost", "Ruv", "Fen", "Hal"],
              ["vath", "mira", "ona", "esh", "ingen", "abad", "port", "ova", "um", "ara"])

ORG_FIELDS = ["Water", "Energy", "Ports", "Grain", "Transport", "Health", "Housing", "Mining", "Textile",
              "Fisheries", "Rail", "Aviation", "Telecom", "Teachers", "Farmers", "Steel", "Tourism",
              "Insurance", "Shipping", "Pharmacists"]
ORG_HEADS = ["Authority", "Council", "Company", "Institute", "Union", "Bank", "Agency", "Commission",
             "Federation", "Association"]

COUNTRIES = """Argentina Australia Austria Belgium Bolivia Brazil Bulgaria Canada Chile Colombia Croatia
Denmark Ecuador Egypt Estonia Ethiopia Finland France Germany Ghana Greece Hungary Iceland India Indonesia
Ireland Italy Japan Jordan Kenya Latvia Lithuania Malaysia Mexico Mongolia Morocco Namibia Nepal Norway
Oman Pakistan Paraguay Peru Poland Portugal Qatar Romania Rwanda Senegal Slovakia Slovenia Spain Sweden
Tanzania Thailand Tunisia Uganda Uruguay Vietnam Zambia""".split()

PERSON_TITLES = ["Minister", "Deputy Minister", "Governor", "Ambassador", "Mayor", "Senator", "Director",
                 "General", "Spokesperson", "Envoy", "Professor", "Chair", "Commissioner"]

# 30 topics, each with the nouns its articles are written with
TOPICS = {
    "Water": ["water", "irrigation", "dam", "river", "reservoir"],
    "Energy": ["electricity", "power grid", "gas supply", "fuel", "solar power"],
    "Diplomacy": ["bilateral", "embassy", "border", "visa", "consular"],
    "Security": ["security", "border patrol", "police", "defence", "checkpoint"],
    "Economy": ["economic", "inflation", "growth", "investment", "budget"],
    "Trade": ["trade", "export", "import", "customs", "tariff"],
    "Health": ["hospital", "vaccination", "clinic", "health", "medicine"],
    "Education": ["school", "university", "teacher training", "curriculum", "scholarship"],
    "Agriculture": ["farming", "harvest", "wheat", "livestock", "fertiliser"],
    "Transport": ["railway", "highway", "bus", "airport", "bridge"],
    "Environment": ["pollution", "forest", "wildlife", "waste", "emissions"],
    "Housing": ["housing", "rent", "construction", "mortgage", "building permit"],
    "Labour": ["wage", "employment", "pension", "union", "strike"],
    "Technology": ["software", "broadband", "data centre", "startup", "digital"],
    "Cybersecurity": ["cybersecurity", "ransomware", "network defence", "encryption", "incident response"],
    "Elections": ["election", "ballot", "voter registration", "campaign", "polling"],
    "Justice": ["court", "prosecution", "judicial", "legal aid", "prison"],
    "Migration": ["migration", "asylum", "refugee", "resettlement", "work permit"],
    "Culture": ["museum", "heritage", "festival", "theatre", "library"],
    "Sport": ["football", "stadium", "athletics", "league", "youth sport"],
    "Tourism": ["tourism", "hotel", "visitor", "heritage tourism", "cruise"],
    "Finance": ["banking", "bond", "credit", "central bank", "currency"],
    "Industry": ["factory", "manufacturing", "steel", "textile", "industrial"],
    "Media": ["newspaper", "broadcast", "press freedom", "journalism", "media licence"],
    "Religion": ["religious", "pilgrimage", "shrine", "charity", "interfaith"],
    "Weather": ["storm", "flood", "heatwave", "rainfall", "forecast"],
    "Science": ["research", "laboratory", "satellite", "genome", "scientific"],
    "Infrastructure": ["infrastructure", "water pipe", "sewer", "road repair", "power line"],
    "Telecommunications": ["mobile network", "fibre", "spectrum", "telecom", "internet"],
    "Human Rights": ["human rights", "detention", "free speech", "minority rights", "ombudsman"],
}

PLANS = ["plan", "project", "programme", "reform", "agreement", "review", "proposal", "scheme", "strategy",
         "package", "initiative", "budget"]
ADJECTIVES = ["new", "revised", "long-delayed", "ambitious", "modest", "regional", "national", "five-year",
              "temporary", "joint", "expanded", "first"]
V_INF = ["speed up", "expand", "fund", "review", "extend", "simplify", "protect", "finish", "support",
         "reorganise", "monitor", "repair"]
V_PAST = ["approved", "announced", "criticised", "defended", "delayed", "welcomed", "questioned",
          "presented", "endorsed", "revised", "signed", "outlined"]
V_3S = ["backs", "announces", "delays", "reviews", "expands", "questions", "launches", "approves",
        "defends", "unveils", "criticises", "signs"]
V_PL = ["agree on", "discuss", "sign", "review", "launch", "revive"]
PEOPLE = ["residents", "farmers", "engineers", "students", "traders", "drivers", "nurses", "families",
          "workers", "shop owners", "teachers", "local officials"]
WHEN = ["next month", "later this year", "within weeks", "before the winter", "by the end of the year",
        "in the spring", "after the summer", "early next year"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
PROBLEMS = ["shortages", "delays", "costs", "complaints", "backlogs", "disputes"]
MEASURES = ["spending", "demand", "output", "prices", "capacity", "use"]
THINGS = ["districts", "villages", "sites", "towns", "facilities", "neighbourhoods"]

SOURCES = ["Harbor Wire", "Meridian Post", "Northgate Daily", "Coastal Courier", "Plains Observer",
           "Civic Ledger", "Valley Times", "Capital Dispatch"]
OFFSETS = [0, 1, 2, 3, 3, 4, -5, -3]   # hours; +03:00 counted twice

START = datetime(2022, 1, 1, tzinfo=timezone.utc)
END = datetime(2025, 1, 1, tzinfo=timezone.utc)
SPAN_SECONDS = (END - START).total_seconds()
SPAN_MINUTES = int(SPAN_SECONDS) // 60
DATE_MODES = ("fixed", "steady")
STEADY_BASE = 10000      # steady: this many articles per SPAN, at every size


def span_minutes(dates: str, count: int) -> int:
    """How many minutes before END the articles of a corpus of `count` are spread over."""
    if dates == "fixed":
        return SPAN_MINUTES
    if dates == "steady":
        return max(1, SPAN_MINUTES * count // STEADY_BASE)
    raise ValueError(f"unknown date mode {dates!r} (one of {', '.join(DATE_MODES)})")


# --- the pools: actors and places ---------------------------------------------------------------

@dataclass(frozen=True)
class Actor:
    name: str
    kind: str          # person | organisation | country
    title: str = ""    # a person's title, used on first mention
    surname: str = ""


@dataclass(frozen=True)
class Pools:
    actors: tuple[Actor, ...]
    actor_cum: tuple[float, ...]     # cumulative popularity weights
    topics: tuple[str, ...]
    topic_cum: tuple[float, ...]
    cities: tuple[str, ...]


def _surname(rnd: random.Random) -> str:
    return (rnd.choice(SYLLABLES) + rnd.choice(SYLLABLES) + rnd.choice(ENDINGS)).capitalize()


def make_pools(seed: int = DEFAULT_SEED) -> Pools:
    rnd = random.Random(f"{seed}:pools")
    cities = sorted({a + b for a in CITY_PARTS[0] for b in CITY_PARTS[1]})
    people: list[Actor] = []
    seen: set[str] = set()
    while len(people) < 1700:
        first, last = rnd.choice(GIVEN), _surname(rnd)
        name = f"{first} {last}"
        if name in seen or last in seen:
            continue
        seen.update((name, last))   # one person per surname: "Lastname" alone is never ambiguous
        people.append(Actor(name, "person", rnd.choice(PERSON_TITLES), last))
    orgs: list[Actor] = []
    combos = [f"{c} {f} {h}" for c in cities for f in ORG_FIELDS for h in ORG_HEADS]
    for name in rnd.sample(combos, 240):
        orgs.append(Actor(name, "organisation"))
    countries = [Actor(c, "country") for c in COUNTRIES]
    actors = people + orgs + countries
    rnd.shuffle(actors)
    # popularity: a long tail (Zipf-like), so a few actors have hundreds of articles
    weights = [1.0 / (rank + 8) ** 0.9 for rank in range(len(actors))]
    topics = list(TOPICS)
    rnd.shuffle(topics)
    topic_weights = [1.0 / (rank + 3) for rank in range(len(topics))]
    return Pools(tuple(actors), tuple(itertools.accumulate(weights)), tuple(topics),
                 tuple(itertools.accumulate(topic_weights)), tuple(cities))


# --- one article --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Article:
    index: int
    id: str
    title: str
    slug: str
    date: datetime       # aware, in the article's own UTC offset
    source: str
    topics: tuple[str, ...]
    actors: tuple[str, ...]
    paragraphs: tuple[str, ...]

    @property
    def iso_date(self) -> str:
        return self.date.isoformat()

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def _pick(rnd: random.Random, cum: tuple[float, ...], items, k: int) -> list:
    chosen: list = []
    while len(chosen) < k:
        item = items[bisect.bisect_left(cum, rnd.random() * cum[-1])]
        if item not in chosen:
            chosen.append(item)
    return chosen


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Writer:
    """Sentences for one article; people get their title and full name first, then the surname."""

    def __init__(self, rnd: random.Random, topics: list[str], cities: tuple[str, ...]):
        self.rnd = rnd
        self.nouns = [n for t in topics for n in TOPICS[t]]
        self.cities = cities
        self.named: set[str] = set()

    def mention(self, actor: Actor, start: bool = False) -> str:
        if actor.kind == "person":
            if actor.name in self.named:
                return actor.surname
            self.named.add(actor.name)
            return f"{actor.title} {actor.name}"
        if actor.kind == "organisation":
            return ("The " if start else "the ") + actor.name
        return actor.name

    def fill(self) -> dict:
        r = self.rnd
        return {"n": r.choice(self.nouns), "n2": r.choice(self.nouns), "plan": r.choice(PLANS),
                "adj": r.choice(ADJECTIVES), "vinf": r.choice(V_INF), "vpast": r.choice(V_PAST),
                "city": r.choice(self.cities), "city2": r.choice(self.cities), "when": r.choice(WHEN),
                "weekday": r.choice(WEEKDAYS), "month": r.choice(MONTHS), "people": r.choice(PEOPLE),
                "num": r.randint(3, 90), "pct": r.randint(2, 40), "problem": r.choice(PROBLEMS),
                "measure": r.choice(MEASURES), "things": r.choice(THINGS), "year": r.choice((2025, 2026))}

    def about(self, actor: Actor, other: Actor) -> str:
        """A sentence naming `actor` (and sometimes `other`)."""
        f = self.fill()
        choice = self.rnd.randrange(7)
        a = self.mention(actor, start=choice in (0, 1, 3, 5))   # named once per sentence
        if choice == 0:
            return f"{a} said the {f['n']} {f['plan']} would {f['vinf']} {f['n2']} work in {f['city']} {f['when']}."
        if choice == 1:
            return f"{a} {f['vpast']} the {f['adj']} {f['n']} {f['plan']} on {f['weekday']}, officials in {f['city']} said."
        if choice == 2:
            return (f"In a statement, {a} {f['vpast']} plans to {f['vinf']} the {f['n']} {f['plan']} across "
                    f"{f['city']} and {f['city2']}.")
        if choice == 3:
            return (f"{a} told reporters that {f['people']} in {f['city']} had waited {f['num']} weeks for the "
                    f"{f['n']} {f['plan']}.")
        if choice == 4:
            return f"\"We will {f['vinf']} the {f['n']} {f['plan']} this year,\" said {a}."
        if choice == 5:
            return f"{a} is expected to {f['vinf']} the {f['adj']} {f['n']} {f['plan']} before {f['month']}."
        return f"Talks between {a} and {self.mention(other)} on the {f['n']} {f['plan']} will resume {f['when']}."

    def general(self) -> str:
        f = self.fill()
        templates = [
            f"The {f['adj']} {f['n']} {f['plan']} covers {f['num']} {f['things']} in {f['city']} and the "
            f"surrounding area.",
            f"{f['people'].capitalize()} in {f['city']} said {f['n']} {f['problem']} had grown worse since "
            f"{f['month']}.",
            f"Engineers expect the first phase of the {f['n']} {f['plan']} to be finished by {f['month']} "
            f"{f['year']}.",
            f"Critics argue that the {f['plan']} does too little for {f['people']} who depend on {f['n']}.",
            f"Local officials put the cost at {f['num']} million, shared between the province and private "
            f"investors.",
            f"A second round of consultations on {f['n']} is planned for {f['month']}.",
            f"Figures published on {f['weekday']} show that {f['n']} {f['measure']} rose by {f['pct']} percent "
            f"over the year.",
            f"Several {f['people']} in {f['city2']} said they had not been consulted about the {f['n']} "
            f"{f['plan']}.",
        ]
        return self.rnd.choice(templates)


def make_article(index: int, pools: Pools, seed: int = DEFAULT_SEED, span: int = SPAN_MINUTES) -> Article:
    """Article `index`, dated within the `span` minutes before END (see span_minutes)."""
    rnd = random.Random(f"{seed}:article:{index}")
    topics = _pick(rnd, pools.topic_cum, pools.topics, rnd.randint(1, 3))
    actors: list[Actor] = _pick(rnd, pools.actor_cum, pools.actors, rnd.randint(2, 6))
    offset = timezone(timedelta(hours=rnd.choice(OFFSETS)))
    # one draw over the three fixed years, scaled to the span: the random stream, and so the text, is
    # the same whatever the span; with span = SPAN_MINUTES this is the draw's own whole minute
    minute = min(rnd.randrange(int(SPAN_SECONDS)) * span // int(SPAN_SECONDS), span - 1)
    when = (END - timedelta(minutes=span - minute)).astimezone(offset)
    writer = _Writer(rnd, topics, pools.cities)

    lead = actors[0]
    lead_name = lead.name if lead.kind != "organisation" else "The " + lead.name
    noun = rnd.choice(TOPICS[topics[0]])
    city = rnd.choice(pools.cities)
    title = rnd.choice([
        f"{lead_name} {rnd.choice(V_3S)} {noun} {rnd.choice(PLANS)} in {city}",
        f"{lead_name} and {actors[1].name} {rnd.choice(V_PL)} {noun} {rnd.choice(PLANS)}",
        f"{noun.capitalize()} {rnd.choice(PLANS)} in {city}: {lead_name} {rnd.choice(V_3S)} {rnd.choice(ADJECTIVES)} "
        f"terms",
    ])
    slug = f"{slugify(title)[:64].rstrip('-')}-{index}"

    # every actor is named at least once, early; then a mix of actor and general sentences
    target = rnd.randint(400, 700)
    queue = list(actors)
    paragraphs: list[str] = []
    words = 0
    while words < target:
        sentences = []
        for _ in range(rnd.randint(2, 5)):
            if queue:
                actor = queue.pop(0)
                other = rnd.choice([a for a in actors if a is not actor])
                sentence = writer.about(actor, other)
            elif rnd.random() < 0.4:
                actor = rnd.choice(actors)
                sentence = writer.about(actor, rnd.choice([a for a in actors if a is not actor]))
            else:
                sentence = writer.general()
            n = len(sentence.split())
            if words + n > 700:
                break
            sentences.append(sentence)
            words += n
            if words >= target:
                break
        if not sentences:
            break
        paragraphs.append(" ".join(sentences))

    ident = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
    return Article(index, ident, title, slug, when, rnd.choice(SOURCES), tuple(topics),
                   tuple(a.name for a in actors), tuple(paragraphs))


def articles(count: int, seed: int = DEFAULT_SEED, start: int = 0, dates: str = "fixed"):
    pools = make_pools(seed)
    span = span_minutes(dates, count)
    for index in range(start, start + count):
        yield make_article(index, pools, seed, span)


# --- newsdigest ---------------------------------------------------------------------------------

def _q(value) -> str:
    """A YAML scalar or flow list: JSON is valid YAML and needs no further escaping."""
    return json.dumps(value, ensure_ascii=False)


def newsdigest_text(a: Article, extract: bool = False) -> str:
    lines = ["---", f"id: {a.id}", f"title: {_q(a.title)}", f"date: {a.iso_date}", f"source: {_q(a.source)}"]
    if not extract:
        lines += [f"topics: {_q(list(a.topics))}", f"actors: {_q(list(a.actors))}"]
    lines.append("---")
    return "\n".join(lines) + "\n" + "\n\n".join(a.paragraphs) + "\n"


def scraped_text(a: Article, when: datetime) -> str:
    """The article as a scraper saves it (the layout of the seed articles): a "date" line with the
    title, a "Source:" line, the body glued into one run with part of it repeated before an
    aggregator's tag, and a boilerplate label at the end. The ingest has to clean it; its date is
    `when` (local time of the site, UTC for the bench corpus)."""
    body = " ".join(a.paragraphs)
    repeat = " ".join(a.paragraphs[1:2])
    return (f" date {when:%Y-%m-%d} {a.title}\n\n{when:%Y/%m/%d} | {when:%H:%M} - Source: {a.source}\n\n\n\n"
            f"{repeat} (ThisDay | Iraq News Now )- Shafaq News/ {body}\n\nSponsored Links\n")


def newsdigest_path(root: Path, a: Article) -> Path:
    return root / "content" / "articles" / f"{a.date:%Y}" / f"{a.date:%m}" / f"{a.slug}.md"


SITE_TOMLS = ("bench", "default")


def newsdigest_site_toml(search: bool, site: str = "bench") -> str:
    """site.toml: "bench" is configured as the peers are; "default" is what a new user writes."""
    head = (f'# Generated by bench/corpus.py\ntitle = "{SITE_TITLE}"\ndescription = "A generated corpus for benchmarks."\n'
            f'base_url = "{BASE_URL}"\nlanguage = "en"\ntimezone = "UTC"\n')
    if site == "default":
        # every other key at newsdigest's default: search on, feeds for every topic and actor
        return head
    # term_feeds = []: one RSS feed for the site, as the peers are configured (the site-wide Atom
    # and JSON feeds, digests, stories and the monthly archive are still written: newsdigest does more).
    return head + (f'items_per_page = {PER_PAGE}\nfeed_size = {FEED_SIZE}\nsearch = {"true" if search else "false"}\n'
                   'term_feeds = []\n')


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def add_newsdigest(root: Path, a: Article, extract: bool = False) -> Path:
    return _write(newsdigest_path(root, a), newsdigest_text(a, extract))


def write_newsdigest(root: Path, items, extract: bool = False, search: bool = False, site: str = "bench") -> int:
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(newsdigest_site_toml(search, site), encoding="utf-8")
    return sum(1 for a in items if add_newsdigest(root, a, extract))


# --- Pelican ------------------------------------------------------------------------------------

PELICANCONF = f'''# Generated by bench/corpus.py: settings equivalent to the newsdigest site.toml.
AUTHOR = "Bench desk"
SITENAME = "{SITE_TITLE}"
SITEURL = "{BASE_URL.rstrip("/")}"
RELATIVE_URLS = True
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y, %H:%M"

# pages: articles, home, one page per topic (tag) and per actor (author), lists by 20
DEFAULT_PAGINATION = {PER_PAGE}
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)
ARTICLE_URL = "articles/{{date:%Y}}/{{date:%m}}/{{slug}}/"
ARTICLE_SAVE_AS = "articles/{{date:%Y}}/{{date:%m}}/{{slug}}/index.html"
TAG_URL = "topics/{{slug}}/"
TAG_SAVE_AS = "topics/{{slug}}/index.html"
TAGS_URL = "topics/"
TAGS_SAVE_AS = "topics/index.html"
AUTHOR_URL = "actors/{{slug}}/"
AUTHOR_SAVE_AS = "actors/{{slug}}/index.html"
AUTHORS_URL = "actors/"
AUTHORS_SAVE_AS = "actors/index.html"
# one category for every article: its paginated pages stand for newsdigest's monthly archive
# (the built-in theme needs a category on every article)
DEFAULT_CATEGORY = "News"
USE_FOLDER_AS_CATEGORY = False
CATEGORY_URL = "archive/{{slug}}/"
CATEGORY_SAVE_AS = "archive/{{slug}}/index.html"
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = "archive/index.html"
DIRECT_TEMPLATES = ["index", "tags", "authors", "archives"]

# one RSS feed of the latest 20 articles, no other feed
FEED_ALL_RSS = "feed.xml"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
FEED_MAX_ITEMS = {FEED_SIZE}

# Pelican's own cache of parsed content
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
'''


def pelican_text(a: Article) -> str:
    head = [f"Title: {a.title}", f"Date: {a.iso_date}", f"Slug: {a.slug}", f"Tags: {', '.join(a.topics)}",
            f"Authors: {'; '.join(a.actors)}", f"Source: {a.source}"]
    return "\n".join(head) + "\n\n" + "\n\n".join(a.paragraphs) + "\n"


def add_pelican(root: Path, a: Article) -> Path:
    return _write(root / "content" / f"{a.slug}.md", pelican_text(a))


def write_pelican(root: Path, items) -> int:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(PELICANCONF, encoding="utf-8")
    return sum(1 for a in items if add_pelican(root, a))


# --- Hugo ---------------------------------------------------------------------------------------

HUGO_TOML = f'''# Generated by bench/corpus.py: settings equivalent to the newsdigest site.toml.
baseURL = "{BASE_URL}"
locale = "en"
title = "{SITE_TITLE}"
timeZone = "UTC"
enableRobotsTXT = true

[taxonomies]
topic = "topics"
actor = "actors"

[pagination]
pagerSize = {PER_PAGE}

[permalinks.page]
articles = "/articles/:year/:month/:slug/"

# RSS for the home page only (the section list stands for the archive)
[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html"]
page = ["html"]

[services.rss]
limit = {FEED_SIZE}
'''

# A small theme of our own: the same information as newsdigest's pages (title, date, source,
# summary and topic links on cards; body, topics, actors and previous/next on article pages).
HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ with site.Home.OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}" title="{{ site.Title }}">{{ end }}
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem}
.card{border-bottom:1px solid #ddd;padding:.5rem 0}.meta{color:#555;font-size:.9rem}</style>
</head>
<body>
<header><p><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></p>
<nav><a href="{{ "topics/" | relURL }}">Topics</a> · <a href="{{ "actors/" | relURL }}">Actors</a> · <a href="{{ "articles/" | relURL }}">Archive</a></nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
""",
    "_partials/terms.html": """{{ $page := .page }}{{ $key := .key }}{{ $label := .label }}
{{ with $page.GetTerms $key }}<p class="terms">{{ $label }}: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</p>{{ end }}
""",
    "_partials/card.html": """<article class="card">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006, 15:04" }}</time>{{ with .Params.source }} · {{ . }}{{ end }}</p>
<p class="summary">{{ .Summary | plainify | truncate 300 }}</p>
{{ partial "terms.html" (dict "page" . "key" "topics" "label" "Topics") }}
</article>
""",
    "_partials/pager.html": """{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav class="pager">
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">← Newer</a>{{ end }}
<span>Page {{ .PageNumber }} of {{ .TotalPages }}</span>
{{ with .Next }}<a rel="next" href="{{ .URL }}">Older →</a>{{ end }}
</nav>{{ end }}{{ end }}
""",
    "single.html": """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006, 15:04" }}</time>{{ with .Params.source }} · {{ . }}{{ end }}</p>
{{ .Content }}
</article>
<aside>
{{ partial "terms.html" (dict "page" . "key" "topics" "label" "Topics") }}
{{ partial "terms.html" (dict "page" . "key" "actors" "label" "Actors") }}
</aside>
<nav>{{ with .NextInSection }}<p>Previous: <a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
{{ with .PrevInSection }}<p>Next: <a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}</nav>
{{ end }}
""",
    "home.html": """{{ define "main" }}
{{ $pager := .Paginate site.RegularPages.ByDate.Reverse }}
{{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "section.html": """{{ define "main" }}
<h1>Archive</h1>
{{ $pager := .Paginate .RegularPages.ByDate.Reverse }}
{{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages.ByDate.Reverse }}
{{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "404.html": """{{ define "main" }}<h1>Page not found</h1>{{ end }}
""",
}


def hugo_text(a: Article) -> str:
    lines = ["---", f"title: {_q(a.title)}", f"date: {a.iso_date}", f"slug: {_q(a.slug)}",
             f"source: {_q(a.source)}", f"topics: {_q(list(a.topics))}", f"actors: {_q(list(a.actors))}", "---"]
    return "\n".join(lines) + "\n" + "\n\n".join(a.paragraphs) + "\n"


def add_hugo(root: Path, a: Article) -> Path:
    return _write(root / "content" / "articles" / f"{a.slug}.md", hugo_text(a))


def write_hugo(root: Path, items) -> int:
    root.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        _write(root / "layouts" / name, text)
    _write(root / "content" / "articles" / "_index.md", '---\ntitle: "Archive"\n---\n')
    return sum(1 for a in items if add_hugo(root, a))


# --- command line -------------------------------------------------------------------------------

FORMATS = ("newsdigest", "pelican", "hugo")


def write(fmt: str, root: Path, count: int, seed: int = DEFAULT_SEED, extract: bool = False,
          search: bool = False, dates: str = "fixed", site: str = "bench") -> int:
    """Write a fresh corpus of `count` articles in one format into `root` (emptied first)."""
    if root.exists():
        shutil.rmtree(root)
    items = articles(count, seed, dates=dates)
    if fmt == "newsdigest":
        return write_newsdigest(root, items, extract, search, site)
    if fmt == "pelican":
        return write_pelican(root, items)
    if fmt == "hugo":
        return write_hugo(root, items)
    raise ValueError(f"unknown format {fmt!r}")


def newest(a: Article) -> Article:
    """The article dated in the last minute of the corpus range, after every article of the corpus."""
    return replace(a, date=datetime(2024, 12, 31, 23, 59, 30 + a.index % 29, tzinfo=timezone.utc).astimezone(a.date.tzinfo))


def add_one(fmt: str, root: Path, index: int, seed: int = DEFAULT_SEED, extract: bool = False) -> tuple[Article, Path]:
    """Add article number `index` (one past the corpus, for example) to a corpus; returns it and its file.

    It is dated after every article of the corpus (whose dates are whole minutes before 2025),
    in the last month: on a news site the article that arrives is the newest one.
    """
    a = newest(make_article(index, make_pools(seed), seed))
    writer = {"newsdigest": lambda: add_newsdigest(root, a, extract), "pelican": lambda: add_pelican(root, a),
              "hugo": lambda: add_hugo(root, a)}[fmt]
    return a, writer()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--format", choices=FORMATS + ("all",), default="all")
    parser.add_argument("--extract", action="store_true",
                        help="newsdigest: leave actors and topics out of the front matter (newsdigest extracts them)")
    parser.add_argument("--search", action="store_true", help="newsdigest: search = true in site.toml")
    parser.add_argument("--site-toml", choices=SITE_TOMLS, default="bench",
                        help="newsdigest: bench (configured as the peers, the default) or default (a new user's)")
    parser.add_argument("--dates", choices=DATE_MODES, default="fixed",
                        help="fixed: every size over 2022-2024 (default); steady: the range grows with the size")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (emptied first)")
    args = parser.parse_args()
    if args.format == "all":
        jobs = [("newsdigest", args.out / "newsdigest", False), ("newsdigest", args.out / "newsdigest-extract", True),
                ("pelican", args.out / "pelican", False), ("hugo", args.out / "hugo", False)]
    else:
        jobs = [(args.format, args.out, args.extract)]
    for fmt, root, extract in jobs:
        n = write(fmt, root, args.count, args.seed, extract, args.search, args.dates, args.site_toml)
        print(f"{root}: {n} articles ({fmt}{', extract' if extract else ''}, {args.dates} dates)")


if __name__ == "__main__":
    main()

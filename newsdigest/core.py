"""The core content model: what a news digest is made of, as plain frozen dataclasses.

Articles, taxonomies and their terms, stories, digests, months, actor profiles and the site model
that holds them. Loaders, ingest and the analysers produce these; plan, render and feeds read
them. Nothing here imports another module of newsdigest, reads a file or looks anything up: the
live engine keeps these objects in memory and replaces them as content changes.
"""
from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import count
from operator import attrgetter
from typing import Any, Callable, Mapping, NamedTuple, TypeVar

T = TypeVar("T")


def memoized(obj: object, key: str, compute: Callable[[], T]) -> T:
    """compute() once per object and key; the frozen object's fields are never changed."""
    cache = obj.__dict__.get("_memo")
    if cache is None:
        cache = {}
        object.__setattr__(obj, "_memo", cache)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Two names with the same key are the same term (case and spacing do not matter)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


# --- articles ------------------------------------------------------------------------------------

class Packed:
    """A str field of a dataclass kept zlib-compressed in the object (under "_" + its name) and
    given back whole when read. The live engine holds every article at once, and an article's
    body (as HTML and as plain text) was most of it: 7 kB on average in the bench corpus, 2.5 kB
    packed. Packing a body takes about 42 us (when the article is parsed: about 0.8 s of CPU in a
    cold build of 10,000), reading one about 17 us; a build reads a body only where it renders,
    indexes or extracts that article. What a read gives back knows its packing, so a record
    made from it (replaced(), a StoryInput from an Article through carried()) shares the bytes
    rather than packing them again. Pickles keep the packed bytes; one from before packing, with
    the plain str, still reads."""

    def __init__(self, default: str | None = None) -> None:
        self.default = default

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.slot = name, "_" + name

    def __get__(self, obj: object, owner: type | None = None) -> str:
        if obj is None:
            if self.default is None:   # how a dataclass learns that the field has no default
                raise AttributeError(self.name)
            return self.default
        held = obj.__dict__
        packed = held.get(self.slot)
        if packed is None:
            return held[self.name]
        value = Unpacked(unpack_text(packed))
        value.packed = packed
        return value

    def __set__(self, obj: object, value: str) -> None:
        obj.__dict__[self.slot] = value.packed if type(value) in (Unpacked, _Carried) else _pack(value)


def replaced(obj: T, **changes) -> T:
    """dataclasses.replace for a frozen dataclass with Packed fields, which does not unpack them:
    replace() reads every field to make the copy, and the bodies of every article the
    enrichment gives terms to would each be unpacked only to be put back. What memoized() kept
    is left behind, since it was computed from the fields before the change."""
    copy = object.__new__(type(obj))
    copy.__dict__.update((k, v) for k, v in obj.__dict__.items() if k != "_memo")
    for name, value in changes.items():
        if name not in obj.__dataclass_fields__:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
        object.__setattr__(copy, name, value)
    return copy


class Unpacked(str):
    """A Packed field as read, with its packed bytes (`packed`)."""


class _Carried:
    __slots__ = ("packed",)

    def __init__(self, packed: bytes) -> None:
        self.packed = packed


def carried(obj: object, name: str) -> str:
    """obj's Packed field `name` for a Packed field of another record (a StoryInput made from an
    Article): its packing, not unpacked. For a Packed field only; any other field needs the str."""
    packed = obj.__dict__.get("_" + name)
    return getattr(obj, name) if packed is None else _Carried(packed)  # type: ignore[return-value]


_last_packed: tuple = (None, b"")   # (str, its packing): a body given for two fields is packed once


def _pack(value: str) -> bytes:
    global _last_packed
    last, packed = _last_packed
    if value is not last:
        packed = pack_text(value)
        _last_packed = (value, packed)
    return packed


def pack_text(value: str) -> bytes:
    """Text as Packed holds it (zlib's fastest level: packing is paid for every article parsed)."""
    return zlib.compress(value.encode("utf-8"), 1)


def unpack_text(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug"}


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    date: datetime
    slug: str
    path: str                 # source file, relative to the site root
    url_path: str             # "articles/2024/08/<slug>/", relative to the site root
    body_html: str = Packed()   # sanitised; site-internal links relative to the article page
    root_html: str = Packed()   # sanitised; links from the site root ("/..."): markup.feed_html() for feeds
    summary: str
    lang: str
    updated: datetime | None = None
    source: str = ""
    url: str = ""
    author: str = ""
    section: str = ""
    dateline: str = ""
    topics: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    content_hash: str = ""    # hash of the file's path and bytes: same hash, same article
    text: str = Packed("")    # the body as plain text, one paragraph per line pair (for extraction)
    topics_given: bool = False  # the front matter lists topics: they are used as written
    actors_given: bool = False  # likewise for actors
    places: tuple[str, ...] = ()  # countries the text names only as places (extracted; compared by stories)

    @property
    def dir(self) -> str:
        return "rtl" if self.lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"

    @property
    def sort_key(self) -> tuple:
        """Newest first; equal dates ordered by id so the order never depends on file order."""
        return (-self.date.timestamp(), self.id)


# --- taxonomies ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    article_ids: tuple[str, ...]      # newest first
    kind: str = ""                    # for actors: person, organisation, country, place
    description: str = ""
    aliases: tuple[str, ...] = ()


def no_terms(article) -> tuple:
    return ()


@dataclass(frozen=True)
class TaxonomySpec:
    """What makes one taxonomy differ from another, as data: pages and feeds read these fields
    and never ask which taxonomy they show."""

    key: str                          # "topics", "actors", "sources": also the URL folder
    singular: str                     # "topic"
    title: str                        # "Topics"
    # article -> the names it files the article under: a module-level function, so that a spec
    # pickles by reference (the engine's snapshot, snapshot.py) and a loaded spec equals the module's
    terms_of: Callable = no_terms
    by_kind: bool = False             # the index groups terms by kind (people, organisations, ...)
    trend: bool = False               # the index draws each term's articles over time
    feed_about: str = "Articles about"          # a term feed's description: "Articles about Water"
    related_title: str = "Most mentioned actors"  # heading of the actors seen most with a term


@dataclass(frozen=True)
class Taxonomy:
    key: str                          # "topics" or "actors": also the URL folder
    singular: str                     # "topic" or "actor"
    title: str                        # "Topics" or "Actors"
    terms: tuple[Term, ...]           # by display name
    slug_of: Mapping[str, str] = field(default_factory=dict)   # name key -> slug
    spec: TaxonomySpec | None = None  # how its pages show it; None: the defaults

    @property
    def shown(self) -> TaxonomySpec:
        return self.spec or TaxonomySpec(self.key, self.singular, self.title)

    def term(self, slug: str) -> Term:
        table = self.__dict__.get("_terms_by_slug")   # looked up directly: called per term link
        if table is None:
            table = {t.slug: t for t in self.terms}
            object.__setattr__(self, "_terms_by_slug", table)
        return table[slug]

    def slug(self, name: str) -> str:
        return self.slug_of[name_key(name)]

    def by_kind(self) -> list[tuple[str, list[Term]]]:
        groups: dict[str, list[Term]] = {}
        for term in self.terms:
            groups.setdefault(term.kind, []).append(term)
        return sorted(groups.items(), key=lambda kv: KIND_ORDER.get(kv[0], len(KIND_ORDER)))


KIND_ORDER = {"person": 0, "organisation": 1, "country": 2, "place": 3, "": 4}


@dataclass(frozen=True)
class TermInfo:
    """What a gazetteer knows about a name (actors); topics have none."""

    kind: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorProfile(TermInfo):
    """What is known about one actor beyond its articles: from the gazetteer and the resolution."""

    roles: tuple[tuple[str, str, str], ...] = ()   # (ISO date, office or title, article id), oldest first


# --- stories and digests --------------------------------------------------------------------------

@dataclass(frozen=True)
class Story:
    id: str                           # ASCII slug, for /stories/<id>/
    title: str                        # the first report's title
    article_ids: tuple[str, ...]      # oldest first (date, then id)
    sources: tuple[str, ...]          # in order of first report, each once
    first_source: str                 # who reported first ("" when no article names a source)
    first_date: datetime
    last_date: datetime

    @property
    def has_page(self) -> bool:
        """Stories of two or more articles get a page; a story of one article is its article."""
        return len(self.article_ids) > 1


@dataclass(frozen=True)
class StoryIndex:
    stories: tuple[Story, ...]        # latest activity first (last_date, then id)
    story_of: Mapping[str, str]       # article id -> story id (a lookup: its order means nothing)

    def story(self, story_id: str) -> Story:
        return self.by_id[story_id]

    def story_for(self, article_id: str) -> Story:
        return self.by_id[self.story_of[article_id]]

    @property
    def by_id(self) -> dict[str, Story]:
        return memoized(self, "by_id", lambda: {s.id: s for s in self.stories})

    @property
    def paged(self) -> tuple[Story, ...]:
        """The stories that have a page, in this index's order."""
        return memoized(self, "paged", lambda: tuple(s for s in self.stories if s.has_page))

    @classmethod
    def with_tables(cls, stories: tuple[Story, ...], story_of: Mapping[str, str], by_id: dict[str, Story],
                    paged: tuple[Story, ...]) -> "StoryIndex":
        """An index whose `by_id` and `paged` the caller holds already (the live stories keep
        them as stories change), rather than made from every story when first read."""
        index = cls(stories, story_of)
        memoized(index, "by_id", lambda: by_id)
        memoized(index, "paged", lambda: paged)
        return index


@dataclass(frozen=True)
class DigestEntry:
    story_id: str
    title: str                        # the period's first report's title
    lede: str                         # ... and its lede
    article_ids: tuple[str, ...]      # the story's articles in the period, oldest first
    sources: tuple[str, ...]          # their sources, in order of first report in the period
    first_date: datetime
    last_date: datetime

    @property
    def coverage(self) -> tuple[int, int]:
        """(number of sources, number of articles): what ranks the entries of a group."""
        return (len(self.sources), len(self.article_ids))


class DigestGroup(NamedTuple):
    topic: str                        # display name, or "Other"
    entries: tuple[DigestEntry, ...]  # most coverage first, then the most recent


@dataclass(frozen=True)
class Digest:
    kind: str                         # "day" or "week"
    key: str                          # "2024-08-27" or "2024-W35"
    start: date                       # first local day of the period
    end: date                         # last local day of the period (the same as start for a day)
    groups: tuple[DigestGroup, ...]   # in the order of their first entries; "Other" last
    updated: datetime                 # the newest article's date: the digest's date in feeds

    @property
    def entries(self) -> tuple[DigestEntry, ...]:
        return tuple(e for g in self.groups for e in g.entries)

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(aid for e in self.entries for aid in e.article_ids)


# --- the site -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Month:
    year: int
    month: int
    article_ids: tuple[str, ...]


id_of = attrgetter("id")   # an article's (or any record's) id, as a C function for map()


@dataclass(frozen=True)
class SiteModel:
    config: Any                              # config.SiteConfig: the model never reads files
    articles: tuple[Article, ...]            # newest first
    taxonomies: tuple[Taxonomy, ...]         # topics, actors, sources: each described by its spec
    months: tuple[Month, ...]                # newest first
    roles: dict = field(default_factory=dict)             # actor slug -> ((ISO date, title, article id), ...)
    term_actors: dict = field(default_factory=dict)       # taxonomy key -> term slug -> ((actor slug, articles), ...)
    stories: StoryIndex | None = None                     # the same event from several sources
    related: dict = field(default_factory=dict)           # article id -> related article ids, best first
    digests: tuple = ()                                   # daily and weekly digests, newest first

    def taxonomy(self, key: str) -> Taxonomy:
        table = self.__dict__.get("_taxonomies_by_key")   # looked up directly: called per card
        if table is None:
            table = {tax.key: tax for tax in self.taxonomies}
            object.__setattr__(self, "_taxonomies_by_key", table)
        return table[key]

    def article(self, article_id: str) -> Article:
        # Called a few hundred thousand times per build: the table is looked up directly.
        table = self.__dict__.get("_articles_by_id")
        if table is None:
            table = dict(zip(map(id_of, self.articles), self.articles))   # map and zip: C
            object.__setattr__(self, "_articles_by_id", table)  # derived once; the fields never change
        return table[article_id]

    def neighbours(self, article: Article, skip=frozenset()) -> tuple[Article | None, Article | None]:
        """(older, newer) article in publication order, passing over the ids in `skip` (those a
        page lists already)."""
        index = self.place_of[article.id]
        older = next((self.articles[i] for i in range(index + 1, len(self.articles)) if self.articles[i].id not in skip),
                     None)
        newer = next((self.articles[i] for i in range(index - 1, -1, -1) if self.articles[i].id not in skip), None)
        return older, newer

    @property
    def place_of(self) -> dict[str, int]:
        """Each article's place in publication order (newest first, from 0)."""
        return memoized(self, "index", lambda: dict(zip(map(id_of, self.articles), count())))

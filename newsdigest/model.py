"""The site model: everything the pages and feeds show, computed before anything is written."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby

from .articles import Article
from .config import SiteConfig
from .extract.actors import Resolution
from .extract.gazetteer import Gazetteer
from .memo import memoized
from .stories import StoryIndex
from .slug import name_key
from .taxonomy import TermInfo, Taxonomy, build_taxonomy


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    article_ids: tuple[str, ...]

    @property
    def url_path(self) -> str:
        return f"archive/{self.year:04d}/{self.month:02d}/"


@dataclass(frozen=True)
class SiteModel:
    config: SiteConfig
    articles: tuple[Article, ...]            # newest first
    topics: Taxonomy
    actors: Taxonomy
    months: tuple[Month, ...]                # newest first
    roles: dict = field(default_factory=dict)             # actor slug -> ((ISO date, title, article id), ...)
    co_mentions: dict = field(default_factory=dict)       # actor slug -> ((actor slug, articles), ...)
    topic_actors: dict = field(default_factory=dict)      # topic slug -> ((actor slug, articles), ...)
    stories: StoryIndex | None = None                     # the same event from several sources
    related: dict = field(default_factory=dict)           # article id -> related article ids, best first
    digests: tuple = ()                                   # daily and weekly digests, newest first

    @property
    def taxonomies(self) -> tuple[Taxonomy, ...]:
        return (self.topics, self.actors)

    def article(self, article_id: str) -> Article:
        # Called a few hundred thousand times per build: the table is looked up directly.
        table = self.__dict__.get("_articles_by_id")
        if table is None:
            table = {a.id: a for a in self.articles}
            object.__setattr__(self, "_articles_by_id", table)  # derived once; the fields never change
        return table[article_id]

    def neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        """(older, newer) article in publication order."""
        index = self._index[article.id]
        older = self.articles[index + 1] if index + 1 < len(self.articles) else None
        newer = self.articles[index - 1] if index > 0 else None
        return older, newer

    @property
    def _index(self) -> dict[str, int]:
        return memoized(self, "index", lambda: {a.id: i for i, a in enumerate(self.articles)})


def related_terms(source: Taxonomy, target: Taxonomy, articles: tuple[Article, ...], names_of,
                  limit: int = 10) -> dict[str, tuple[tuple[str, int], ...]]:
    """For each term of `source`, the `target` terms most often in the same articles, with counts
    (most first, then by name). Actors of actors give co-mentions; actors of topics, who a topic is about."""
    by_id = {a.id: a for a in articles}
    result: dict[str, tuple[tuple[str, int], ...]] = {}
    for term in source.terms:
        counts: Counter = Counter()
        for article_id in term.article_ids:
            for name in names_of(by_id[article_id]):
                other = target.slug(name)
                if not (source is target and other == term.slug):
                    counts[other] += 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], target.term(kv[0]).name.casefold(), kv[0]))
        result[term.slug] = tuple(ranked[:limit])
    return result


def build_model(config: SiteConfig, articles: list[Article], gazetteer: Gazetteer,
                resolution: Resolution | None = None, stories: StoryIndex | None = None,
                related: dict | None = None, digests: tuple = ()) -> SiteModel:
    """Articles (actors already canonical and topics chosen: see enrich.py) into the site model."""
    articles = sorted(articles, key=lambda a: a.sort_key)
    topics = build_taxonomy("topics", "topic", "Topics", ((a.id, a.topics) for a in articles))
    known = resolution.actors if resolution is not None else {}
    info = {}
    for article in articles:
        for name in article.actors:
            if name in info:
                continue
            entry = gazetteer.info(name)
            seen = known.get(name)
            aliases = tuple(dict.fromkeys((*entry.aliases, *(seen.aliases if seen else ()))))
            info[name] = TermInfo(entry.kind or (seen.kind if seen else ""), entry.description, aliases)
    actors = build_taxonomy("actors", "actor", "Actors", ((a.id, a.actors) for a in articles), info)
    roles = {actors.slug(name): tuple((r.date, r.title, r.article_id) for r in seen.roles)
             for name, seen in known.items() if seen.roles and name_key(name) in actors.slug_of}
    local = [(a.date.astimezone(config.timezone), a.id) for a in articles]
    months = tuple(
        Month(year, month, tuple(aid for _, aid in group))
        for (year, month), group in groupby(local, key=lambda pair: (pair[0].year, pair[0].month))
    )
    articles_t = tuple(articles)
    return SiteModel(config, articles_t, topics, actors, months, roles,
                     related_terms(actors, actors, articles_t, lambda a: a.actors),
                     related_terms(topics, actors, articles_t, lambda a: a.actors),
                     stories, related or {}, tuple(digests))

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
from .taxonomy import TaxonomySpec, TermInfo, Taxonomy, taxonomy_of


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
    term_actors: dict = field(default_factory=dict)       # taxonomy key -> term slug -> ((actor slug, articles), ...)
    stories: StoryIndex | None = None                     # the same event from several sources
    related: dict = field(default_factory=dict)           # article id -> related article ids, best first
    digests: tuple = ()                                   # daily and weekly digests, newest first
    others: tuple[Taxonomy, ...] = ()                     # taxonomies beyond topics and actors (sources)

    @property
    def taxonomies(self) -> tuple[Taxonomy, ...]:
        return (self.topics, self.actors, *self.others)

    def taxonomy(self, key: str) -> Taxonomy:
        return next(tax for tax in self.taxonomies if tax.key == key)

    def article(self, article_id: str) -> Article:
        # Called a few hundred thousand times per build: the table is looked up directly.
        table = self.__dict__.get("_articles_by_id")
        if table is None:
            table = {a.id: a for a in self.articles}
            object.__setattr__(self, "_articles_by_id", table)  # derived once; the fields never change
        return table[article_id]

    def neighbours(self, article: Article, skip=frozenset()) -> tuple[Article | None, Article | None]:
        """(older, newer) article in publication order, passing over the ids in `skip` (those a
        page lists already)."""
        index = self._index[article.id]
        older = next((a for a in self.articles[index + 1:] if a.id not in skip), None)
        newer = next((self.articles[i] for i in range(index - 1, -1, -1) if self.articles[i].id not in skip), None)
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


# Every taxonomy of the site: topics and actors (chosen by enrich.py) and sources (the outlets).
TOPICS = TaxonomySpec("topics", "topic", "Topics", lambda a: a.topics, trend=True)
ACTORS = TaxonomySpec("actors", "actor", "Actors", lambda a: a.actors, by_kind=True,
                      related_title="Most often mentioned with")
SOURCES = TaxonomySpec("sources", "source", "Sources", lambda a: (a.source,) if a.source else (),
                       feed_about="Articles from")


# Related articles must share someone: a person or an organisation. Sharing only a country (or a
# topic) links half the corpus to the other half.
EVIDENCE_KINDS = frozenset({"person", "organisation"})


def shared_evidence(related: dict, articles: tuple[Article, ...], actors: Taxonomy) -> dict:
    """Each article's related list kept to the articles that share a person or organisation with it."""
    by_id = {a.id: a for a in articles}

    def evidence(article: Article) -> set[str]:
        return {slug for slug in map(actors.slug, article.actors) if actors.term(slug).kind in EVIDENCE_KINDS}

    kept = {}
    for article_id, ids in related.items():
        if article_id not in by_id:
            continue
        mine = evidence(by_id[article_id])
        kept[article_id] = tuple(i for i in ids if i in by_id and not mine.isdisjoint(evidence(by_id[i])))
    return kept


def build_model(config: SiteConfig, articles: list[Article], gazetteer: Gazetteer,
                resolution: Resolution | None = None, stories: StoryIndex | None = None,
                related: dict | None = None, digests: tuple = ()) -> SiteModel:
    """Articles (actors already canonical and topics chosen: see enrich.py) into the site model."""
    articles = sorted(articles, key=lambda a: a.sort_key)
    topics = taxonomy_of(TOPICS, articles)
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
    actors = taxonomy_of(ACTORS, articles, info)
    sources = taxonomy_of(SOURCES, articles)
    roles = {actors.slug(name): tuple((r.date, r.title, r.article_id) for r in seen.roles)
             for name, seen in known.items() if seen.roles and name_key(name) in actors.slug_of}
    local = [(a.date.astimezone(config.timezone), a.id) for a in articles]
    months = tuple(
        Month(year, month, tuple(aid for _, aid in group))
        for (year, month), group in groupby(local, key=lambda pair: (pair[0].year, pair[0].month))
    )
    articles_t = tuple(articles)
    term_actors = {tax.key: related_terms(tax, actors, articles_t, ACTORS.terms_of) for tax in (topics, actors, sources)}
    return SiteModel(config, articles_t, topics, actors, months, roles, term_actors,
                     stories, shared_evidence(related or {}, articles_t, actors), tuple(digests), (sources,))

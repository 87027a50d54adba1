"""One generic taxonomy for topics and actors.

A term is identified by its slug, keeps its display name as written, and points at article
ids (newest first), never at article objects.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from .memo import memoized
from .slug import name_key, unique_slugs


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    article_ids: tuple[str, ...]      # newest first
    kind: str = ""                    # for actors: person, organisation, country, place
    description: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaxonomySpec:
    """What makes one taxonomy differ from another, as data: pages and feeds read these fields
    and never ask which taxonomy they show."""

    key: str                          # "topics", "actors", "sources": also the URL folder
    singular: str                     # "topic"
    title: str                        # "Topics"
    terms_of: Callable = lambda article: ()   # article -> the names it files the article under
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
        return self._by_slug[slug]

    @property
    def _by_slug(self) -> dict[str, Term]:
        return memoized(self, "by_slug", lambda: {t.slug: t for t in self.terms})

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


def taxonomy_of(spec: TaxonomySpec, articles: Iterable, info: Mapping[str, TermInfo] | None = None) -> Taxonomy:
    """A taxonomy as its spec describes it, from articles given newest first."""
    built = build_taxonomy(spec.key, spec.singular, spec.title, ((a.id, spec.terms_of(a)) for a in articles), info)
    return Taxonomy(built.key, built.singular, built.title, built.terms, built.slug_of, spec)


def build_taxonomy(key: str, singular: str, title: str,
                   assignments: Iterable[tuple[str, Iterable[str]]],
                   info: Mapping[str, TermInfo] | None = None) -> Taxonomy:
    """Terms from (article id, names) pairs given newest article first.

    Names that differ only in case or spacing are one term; its display name is the spelling
    used most often (ties: the first seen), never re-capitalised.
    """
    info = {name_key(k): v for k, v in (info or {}).items()}
    articles: dict[str, list[str]] = {}
    spellings: dict[str, Counter] = {}
    for article_id, names in assignments:
        for name in names:
            k = name_key(name)
            if not k:
                continue
            ids = articles.setdefault(k, [])
            if not ids or ids[-1] != article_id:
                ids.append(article_id)
            spellings.setdefault(k, Counter())[name] += 1
    slugs = unique_slugs(articles)
    terms = []
    for k, ids in articles.items():
        name = spellings[k].most_common(1)[0][0]
        meta = info.get(k, TermInfo())
        terms.append(Term(slugs[k], name, tuple(ids), meta.kind, meta.description, meta.aliases))
    terms.sort(key=lambda t: (name_key(t.name), t.slug))
    return Taxonomy(key, singular, title, tuple(terms), slugs)

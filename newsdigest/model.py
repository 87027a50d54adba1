"""The site model: everything the pages and feeds show, computed before anything is written."""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import groupby

from .articles import Article
from .config import SiteConfig
from .extract.gazetteer import Gazetteer
from .taxonomy import Taxonomy, build_taxonomy


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

    @property
    def taxonomies(self) -> tuple[Taxonomy, ...]:
        return (self.topics, self.actors)

    def article(self, article_id: str) -> Article:
        return self._by_id[article_id]

    @property
    def _by_id(self) -> dict[str, Article]:
        cache = self.__dict__.get("_ids")
        if cache is None:
            cache = {a.id: a for a in self.articles}
            object.__setattr__(self, "_ids", cache)
        return cache

    def neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        """(older, newer) article in publication order."""
        index = self._index[article.id]
        older = self.articles[index + 1] if index + 1 < len(self.articles) else None
        newer = self.articles[index - 1] if index > 0 else None
        return older, newer

    @property
    def _index(self) -> dict[str, int]:
        cache = self.__dict__.get("_idx")
        if cache is None:
            cache = {a.id: i for i, a in enumerate(self.articles)}
            object.__setattr__(self, "_idx", cache)
        return cache


def canonical_actors(article: Article, gazetteer: Gazetteer) -> Article:
    """The article with its actor names in the gazetteer's canonical spelling, each once."""
    names = tuple(dict.fromkeys(gazetteer.resolve(n) for n in article.actors))
    return article if names == article.actors else replace(article, actors=names)


def build_model(config: SiteConfig, articles: list[Article], gazetteer: Gazetteer) -> SiteModel:
    articles = sorted((canonical_actors(a, gazetteer) for a in articles), key=lambda a: a.sort_key)
    topics = build_taxonomy("topics", "topic", "Topics", ((a.id, a.topics) for a in articles))
    actors = build_taxonomy("actors", "actor", "Actors", ((a.id, a.actors) for a in articles),
                            gazetteer.entries)
    local = [(a.date.astimezone(config.timezone), a.id) for a in articles]
    months = tuple(
        Month(year, month, tuple(aid for _, aid in group))
        for (year, month), group in groupby(local, key=lambda pair: (pair[0].year, pair[0].month))
    )
    return SiteModel(config, tuple(articles), topics, actors, months)

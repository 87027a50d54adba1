"""One generic taxonomy for topics, actors and sources, built from articles (the types are in core.py).

A term is identified by its slug, keeps its display name as written, and points at article
ids (newest first), never at article objects.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from .core import TaxonomySpec, Taxonomy, Term, TermInfo, name_key
from .slug import unique_slugs


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
            ids = articles.get(k)
            if ids is None:
                ids = articles[k] = []
                spellings[k] = Counter()
            if not ids or ids[-1] != article_id:
                ids.append(article_id)
            spellings[k][name] += 1
    slugs = unique_slugs(articles)
    terms = []
    for k, ids in articles.items():
        name = spellings[k].most_common(1)[0][0]
        meta = info.get(k, TermInfo())
        terms.append(Term(slugs[k], name, tuple(ids), meta.kind, meta.description, meta.aliases))
    terms.sort(key=lambda t: (name_key(t.name), t.slug))
    return Taxonomy(key, singular, title, tuple(terms), slugs)

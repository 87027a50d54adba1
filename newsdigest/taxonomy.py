"""One generic taxonomy for topics, actors and sources, built from articles (the types are in core.py).

A term is identified by its slug, keeps its display name as written, and points at article
ids (newest first), never at article objects.
"""
from __future__ import annotations

from bisect import insort
from collections import Counter
from itertools import filterfalse
from typing import Callable, Iterable, Mapping

from .core import TaxonomySpec, Taxonomy, Term, TermInfo, name_key
from .order import KeptOrder
from .slug import unique_slugs


def taxonomy_of(spec: TaxonomySpec, articles: Iterable, info: Mapping[str, TermInfo] | None = None,
                live: LiveTaxonomy | None = None, rank: Callable[[str], object] | None = None,
                order: KeptOrder | None = None) -> Taxonomy:
    """A taxonomy as its spec describes it, from articles given newest first (a list, with
    `live`: the live engine's, which counts only what changed since its last call; `rank`, if
    the caller has it: an article id's sort key in that order; `order`, the KeptOrder that
    sorted them, which says what changed since the tuple it returned before)."""
    if live is not None:
        return live.update(spec, articles, info, rank, order)
    built = build_taxonomy(spec.key, spec.singular, spec.title, ((a.id, spec.terms_of(a)) for a in articles), info)
    return Taxonomy(built.key, built.singular, built.title, built.terms, built.slug_of, spec)


NO_INFO = TermInfo()   # a term no profile describes (every topic): one object, known by identity


class LiveTaxonomy:
    """One taxonomy kept by the live engine: what each article gave it and each term as last
    made, so that a change set costs the terms it reaches. update() returns what taxonomy_of
    returns for the same articles (tests/test_taxonomy.py drives random changes against it), and
    a term nothing reached is the very object of the last call: later stages (the plan) know it
    unchanged by identity."""

    def __init__(self) -> None:
        self.given: dict[str, object] = {}              # article id -> the article counted
        self.pairs: dict[str, tuple] = {}               # article id -> ((name, key), ...) it gave
        self.holders: dict[str, set[str]] = {}          # key -> ids of the articles naming it
        self.spellings: dict[str, Counter] = {}         # key -> how many of its articles give each name
        self._moved: dict[str, set[str]] = {}           # key -> ids it lost or gained in this update
        self.terms: dict[str, Term] = {}                # key -> its term as last made
        self.spec: TaxonomySpec | None = None
        self.articles: tuple | None = None              # the articles of the last call, if a tuple
        self.last: tuple | None = None                  # (its info, the taxonomy it returned)
        # What depends only on the set of keys (their slugs, their order) and each term's info
        # as last given (the same object while the actor's profile is: enrich.actor_profiles).
        self.slugs: dict[str, str] = {}
        self.order: tuple[str, ...] = ()
        self.metas: dict[str, TermInfo] = {}
        self.name_keys: dict[str, str] = {}             # name -> name_key(name), as asked

    def update(self, spec: TaxonomySpec, articles: list, info: Mapping[str, TermInfo] | None,
               rank: Callable[[str], object] | None = None, order: KeptOrder | None = None) -> Taxonomy:
        if spec is not self.spec:
            self.__init__()
            self.spec = spec
        touched: set[str] = set()
        self._moved = {}
        if articles is not self.articles:   # the very sequence of the last call holds the same articles
            # What changed since the tuple of the last call, when the order that made both says.
            delta = order.since(self.articles) if (order is not None and order.items is articles
                                                   and self.articles is not None) else None
            self.articles = self.last = None
            given = self.given
            changed = articles if delta is None else [order.key_of[aid][0] for aid in delta[0]]
            for article in changed:
                if given.get(article.id) is not article:
                    self._drop(article.id, touched)
                    pairs = tuple((name, k) for name in spec.terms_of(article) if (k := name_key(name)))
                    given[article.id], self.pairs[article.id] = article, pairs
                    for name, k in pairs:
                        self.holders.setdefault(k, set()).add(article.id)
                        self.spellings.setdefault(k, Counter())[name] += 1
                        self._moved.setdefault(k, set()).add(article.id)
                        touched.add(k)
            if len(given) != len(articles):
                for gone in (given.keys() - {a.id for a in articles}) if delta is None else delta[1]:
                    self._drop(gone, touched)
                    del given[gone], self.pairs[gone]
        if touched and rank is None:   # where each article is, asked only to order a term's articles
            rank = {a.id: n for n, a in enumerate(articles)}.__getitem__
        if not touched and self.last is not None and self.last[0] is info:
            return self.last[1]   # the same articles and the same info: the very taxonomy
        given_info = info
        info = self._keyed(info or {})
        same_keys = self.holders.keys() == self.slugs.keys()
        slugs = self.slugs if same_keys else unique_slugs(self.holders)
        terms, metas, last_metas = {}, {}, self.metas
        for k in self.holders:
            term, meta = self.terms.get(k), info.get(k, NO_INFO)
            metas[k] = meta
            if same_keys and k not in touched and term is not None and meta is last_metas.get(k):
                terms[k] = term   # the same articles, slug and info: the same term
                continue
            if term is None or k in touched:
                ids = self._ids(k, term, rank)
                made = Term(slugs[k], self._name(k, ids), ids, meta.kind, meta.description, meta.aliases)
                term = term if term == made else made   # an article edited, its terms as they were
            elif (term.slug, term.kind, term.description, term.aliases) != (slugs[k], meta.kind, meta.description,
                                                                               meta.aliases):
                term = Term(slugs[k], term.name, term.article_ids, meta.kind, meta.description, meta.aliases)
            terms[k] = term
        self.terms, self.metas = terms, metas
        # A term's key is its name's: build_taxonomy's order (name key, then slug) without a key
        # made again; keys are unique, so the same keys are in the same order.
        if not same_keys:
            self.slugs, self.order = slugs, tuple(sorted(terms))
        ordered = tuple(terms[k] for k in self.order)
        made = Taxonomy(spec.key, spec.singular, spec.title, ordered, slugs, spec)
        if isinstance(articles, tuple):   # a list may be changed in place
            self.articles, self.last = articles, (given_info, made)
        return made

    def _keyed(self, info: Mapping[str, TermInfo]) -> dict[str, TermInfo]:
        """`info` by name key, each name's key made once (a site has 20,000 actors' profiles)."""
        known = self.name_keys
        if len(known) > 2 * len(info) + 1000:   # names no profile has any more
            known = self.name_keys = {}
        keyed = {}
        for name, value in info.items():
            k = known.get(name)
            if k is None:
                k = known[name] = name_key(name)
            keyed[k] = value
        return keyed

    def _drop(self, article_id: str, touched: set[str]) -> None:
        pairs = self.pairs.get(article_id, ())
        for name, k in pairs:
            self.holders[k].discard(article_id)
            spelt = self.spellings[k]
            spelt[name] -= 1
            if not spelt[name]:
                del spelt[name]
            self._moved.setdefault(k, set()).add(article_id)
            touched.add(k)
        for _, k in pairs:   # once all its names are counted out (an article may give "Iraq" and "IRAQ")
            if k in self.holders and not self.holders[k]:
                del self.holders[k], self.spellings[k]

    def _ids(self, k: str, term: Term | None, rank: Callable[[str], object]) -> tuple[str, ...]:
        """The term's article ids in order: its last ones less those it lost or gained in this
        call, with those it holds now put in place (the articles that did not move keep their
        order). A term of 50,000 articles was sorted whole for each new one (0.03 s)."""
        holders, moved = self.holders[k], self._moved.get(k, ())
        if term is None or len(moved) * 8 > len(holders):
            return tuple(sorted(holders, key=rank))
        ids = list(filterfalse(moved.__contains__, term.article_ids))
        for aid in moved:
            if aid in holders:
                insort(ids, aid, key=rank)
        return tuple(ids)

    def _name(self, k: str, ids: tuple[str, ...]) -> str:
        """The spelling used most often, ties to the first seen, newest article first (as
        build_taxonomy counts them): without a tie, the counts kept say which."""
        counted = self.spellings[k]
        if len(counted) == 1:
            return next(iter(counted))
        (first, most), (_, second) = counted.most_common(2)
        if most > second:
            return first
        spellings: Counter = Counter()
        for article_id in ids:
            for name, key in self.pairs[article_id]:
                if key == k:
                    spellings[name] += 1
        return spellings.most_common(1)[0][0]


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

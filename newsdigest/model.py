"""The site model: everything the pages and feeds show, computed before anything is written.

build_model is a pure function of what the analysers produced (articles with their actors and
topics chosen, actor profiles, stories, related articles, digests): it looks nothing up.
"""
from __future__ import annotations

import heapq
import operator
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from typing import Mapping

from .core import (ActorProfile, Article, Month, SiteModel, StoryIndex, Taxonomy, TaxonomySpec, id_of, memoized,
                   name_key)
from .order import KeptOrder, changed as list_changes
from .taxonomy import LiveTaxonomy, taxonomy_of


def related_terms(source: Taxonomy, target: Taxonomy, articles: tuple[Article, ...], names_of,
                  limit: int = 10, slugs_of: Mapping[str, tuple[str, ...]] | None = None,
                  last: RelatedMemo | None = None) -> dict[str, tuple[tuple[str, int], ...]]:
    """For each term of `source`, the `target` terms most often in the same articles, with counts
    (most first, then by name). Actors of actors give co-mentions; actors of topics, who a topic is about.
    `slugs_of`: each article's target slugs, when the caller has them already. `last` (the live
    engine's): what the last call counted, so that only the terms a change reaches are counted again."""
    if slugs_of is None:
        slugs_of = target_slugs(target, articles, names_of)
    if (last is not None and last.result is not None and last.source is source and last.target is target
            and last.slugs_of is slugs_of and last.limit == limit):
        return last.result   # the very taxonomies and slug table: nothing to count again
    # The sort names of the targets: the last call's while the target is the same taxonomy object.
    # (C loops: the actors taxonomy has 20,000 terms at 10,000 articles)
    names = last.names if last is not None and last.target is target else dict(zip(
        map(attrgetter("slug"), target.terms), map(str.casefold, map(attrgetter("name"), target.terms))))
    reuse = last is not None and last.usable(limit, names)
    dirty = last.dirty_terms(source, slugs_of, articles) if reuse else set()
    kept = last.ranked if reuse else {}
    result: dict[str, tuple[tuple[str, int], ...]] = {}
    tallies = last.tallies if reuse else {}
    made: dict[str, tuple[tuple[str, ...], Counter]] = {}
    # The articles whose slugs may differ from the last table's, when the table says (Slugs.since)
    since = getattr(slugs_of, "since", None)
    remade = {a.id for a in since[1]} if reuse and since is not None and since[0] is last.slugs_of else None
    for term in source.terms:
        found = kept.get(term.slug)
        if found is not None and term.slug not in dirty and found[0] == term.article_ids:
            result[term.slug] = found[1]
            if term.slug in tallies:
                made[term.slug] = tallies[term.slug]
            continue
        counts = _tally(term.article_ids, slugs_of, tallies.get(term.slug), last.slugs_of if reuse else None, remade)
        if last is not None:
            made[term.slug] = (term.article_ids, counts)
        others = ((slug, n) for slug, n in counts.items() if not (source is target and slug == term.slug))
        result[term.slug] = tuple(heapq.nsmallest(limit, others, key=lambda kv: (-kv[1], names[kv[0]], kv[0])))
    if last is not None:
        last.remember(limit, names, slugs_of, {term.slug: (term.article_ids, result[term.slug]) for term in source.terms},
                      made)
        last.source, last.target, last.result = source, target, result
    return result


def _tally(ids: tuple[str, ...], slugs_of: Mapping, last: tuple | None, last_slugs_of: Mapping | None,
           remade: set[str] | None = None) -> Counter:
    """How many of these articles name each target slug: from the last tally of the term (its
    articles then, and their slugs then) by the difference, or counted afresh. `remade`: the
    only articles whose slugs may differ from `last_slugs_of`'s, when known."""
    if last is None or last_slugs_of is None:
        counts: Counter = Counter()
        for article_id in ids:
            counts.update(slugs_of[article_id])
        return counts
    before, counts = last[0], Counter(last[1])
    if remade is not None:
        # By sets (C): a term of 50,000 articles was walked article by article for each new one.
        was, now = set(before), set(ids)
        for article_id in was - now:
            counts.subtract(last_slugs_of[article_id])
        for article_id in now - was:
            counts.update(slugs_of[article_id])
        for article_id in remade.intersection(was, now):
            if last_slugs_of.get(article_id) != slugs_of[article_id]:
                counts.subtract(last_slugs_of[article_id])
                counts.update(slugs_of[article_id])
        return +counts
    now = set(ids)
    for article_id in before:
        if article_id not in now or last_slugs_of.get(article_id) != slugs_of.get(article_id):
            counts.subtract(last_slugs_of[article_id])
    was = set(before)
    for article_id in ids:
        if article_id not in was or last_slugs_of.get(article_id) != slugs_of[article_id]:
            counts.update(slugs_of[article_id])
    return +counts    # without the slugs no article names any more


@dataclass
class RelatedMemo:
    """What related_terms counted for one source taxonomy, kept by the live engine. A term's list
    changes only when its articles change or one of them names other targets; a target renamed
    (its sort name) may reorder any list, so then everything is counted again."""

    limit: int = 0
    names: dict = field(default_factory=dict)     # target slug -> sort name
    slugs_of: Mapping = field(default_factory=dict)   # article id -> target slugs
    ranked: dict = field(default_factory=dict)    # source slug -> (article ids, ranked list)
    tallies: dict = field(default_factory=dict)   # source slug -> (article ids, Counter of target slugs)
    target: Taxonomy | None = None                # the target taxonomy `names` were read from
    source: Taxonomy | None = None                # ... and the source of the last call, with its result
    result: dict | None = None

    def usable(self, limit: int, names: dict) -> bool:
        if limit != self.limit or not self.ranked:
            return False
        if names is self.names:
            return True
        shared = names.keys() & self.names.keys()
        return all(map(operator.eq, map(names.__getitem__, shared), map(self.names.__getitem__, shared)))

    def dirty_terms(self, source: Taxonomy, slugs_of: Mapping, articles: tuple[Article, ...]) -> set[str]:
        """Source terms of the articles added or naming other targets since last time. A term an
        article joined or left has other article ids, which related_terms compares anyway.
        Slugs that say what changed since the very table this memo counted (target_slugs)
        spare a pass over every article."""
        last = self.slugs_of
        since = getattr(slugs_of, "since", None)
        if slugs_of is last:
            return set()
        # Articles gone need nothing here: the terms that held them have other article ids.
        changed = since[1] if since is not None and since[0] is last else articles
        return {source.slug(name) for article in changed if last.get(article.id) != slugs_of[article.id]
                for name in source.shown.terms_of(article)}

    def remember(self, limit: int, names: dict, slugs_of: Mapping, ranked: dict, tallies: dict) -> None:
        self.limit, self.names, self.slugs_of, self.ranked, self.tallies = limit, names, slugs_of, ranked, tallies


@dataclass
class ModelMemo:
    """What the live engine keeps of the last model: by taxonomy key, each taxonomy
    (taxonomy.LiveTaxonomy) and what related_terms counted; and what the model derives per
    article or per actor (profiles, actor slugs, shared evidence, roles), kept while what it is
    made from is the same object."""

    taxonomies: dict = field(default_factory=dict)
    related: dict = field(default_factory=dict)
    profiles: dict = field(default_factory=dict)   # actor name -> (its ActorInfo, its profile): enrich.actor_profiles
    actor_slugs: dict = field(default_factory=dict)   # article id -> (article, its actors' slugs): target_slugs
    evidence: dict = field(default_factory=dict)   # what shared_evidence kept: its evidence and lists
    roles: dict = field(default_factory=dict)      # actor name -> its slug: _roles_by_slug
    order: KeptOrder = field(default_factory=KeptOrder)   # the articles in site order: site_order
    given: list | None = None                      # ... as given to it (enrich's list: what changed since)
    months: dict = field(default_factory=dict)     # what _months kept: each article's local month
    parts: tuple = ()                              # the last model's roles, term actors and related lists
    by_id: tuple = (None, {})                      # the last model's articles, and them by id (SiteModel.article)


def _sort_key(article: Article) -> tuple:
    return article.sort_key


def site_order(articles, last: KeptOrder | None = None, changed: list | None = None) -> tuple[Article, ...]:
    """The articles newest first (Article.sort_key: ids break ties). `last` (the live engine's)
    re-sorts only what changed: the same articles give the very tuple of the last call.
    `changed`: the articles new or another object since that call, when the caller knows them."""
    if last is None:
        return tuple(sorted(articles, key=_sort_key))
    return last.sort(articles, id_of, _sort_key, changed)


def _months(articles: tuple[Article, ...], tz, last: dict | None = None, order: KeptOrder | None = None
            ) -> tuple[Month, ...]:
    """The months of the articles (newest first) in the site's timezone. `last` (the live
    engine's) keeps each article's local (year, month) by id, with the article and timezone
    it was read for, and the last months while the articles are the same tuple. `order`, the
    KeptOrder that sorted the articles: what changed since the last call's (then only the
    months of those are made again)."""
    if last is not None and last.get("articles") is articles and last.get("tz") == tz:
        return last["months"]
    delta = order.since(last["articles"]) if (order is not None and order.items is articles and last
                                              and last["tz"] == tz) else None
    months = _months_changed(articles, tz, last, order, delta) if delta is not None else None
    if months is None:
        known = last.get("local", {}) if last is not None and last.get("tz") == tz else {}
        local: dict = {}
        for a in articles:
            found = known.get(a.id)
            if found is None or found[0] is not a:
                when = a.date.astimezone(tz)
                found = (a, (when.year, when.month))
            local[a.id] = found
        months = tuple(Month(year, month, tuple(a.id for a in group))
                       for (year, month), group in groupby(articles, key=lambda a: local[a.id][1]))
    else:
        months, local = months
    if last is not None:
        last.clear()
        last.update(articles=articles, tz=tz, local=local, months=months)
    return months


def _months_changed(articles: tuple[Article, ...], tz, last: dict, order: KeptOrder, delta: tuple[set, set]):
    """_months's (months, local) from the last call's, when `delta` (the ids new or another
    object, the ids gone since its articles) is known: a month is a run of the articles in site
    order, so the run of each month a change reached is found around one of its articles.
    None when the runs do not hold every article (a month in two runs): made afresh then."""
    local = dict(last["local"])
    touched: dict = {}   # (year, month) -> an id of an article in it now, or None
    for aid in delta[1]:
        touched.setdefault(local.pop(aid)[1], None)
    for aid in delta[0]:
        a = order.key_of[aid][0]
        was = local.get(aid)
        if was is not None:
            touched.setdefault(was[1], None)
        when = a.date.astimezone(tz)
        local[aid] = (a, (when.year, when.month))
        touched[local[aid][1]] = aid
    by_month = {(m.year, m.month): m for m in last["months"]}
    for ym in touched:
        anchor = touched[ym]
        if anchor is None and ym in by_month:
            anchor = next((aid for aid in by_month[ym].article_ids if aid in local and local[aid][1] == ym), None)
        if anchor is None:
            by_month.pop(ym, None)
            continue
        lo = hi = bisect_left(order.keys, order.key_of[anchor][1])
        while lo > 0 and local[articles[lo - 1].id][1] == ym:
            lo -= 1
        while hi < len(articles) and local[articles[hi].id][1] == ym:
            hi += 1
        ids = tuple(a.id for a in articles[lo:hi])
        found = by_month.get(ym)
        by_month[ym] = found if found is not None and found.article_ids == ids else Month(*ym, ids)
    months = tuple(by_month[ym] for ym in sorted(by_month, reverse=True))
    at = 0   # each month must be the run that starts where the one before ends
    for m in months:
        if not m.article_ids or bisect_left(order.keys, order.key_of[m.article_ids[0]][1]) != at:
            return None
        at += len(m.article_ids)
    return (months, local) if at == len(articles) else None


class Slugs(dict):
    """Article id -> its target slugs (target_slugs), saying what changed since the table the
    same memo made last: `since` is (that table, the articles whose entry was made again), or
    None when not known. The next table clears it: a chain of tables is never held."""
    since: tuple | None = None


def target_slugs(target: Taxonomy, articles: tuple[Article, ...], names_of,
                 last: dict | None = None, order: KeptOrder | None = None) -> dict[str, tuple[str, ...]]:
    """Each article's terms of `target`, as slugs. `last` (the live engine's: article id ->
    (article, slugs), with the slug table they were read from under None, the table last
    returned under "table" and the articles it was made for under "items") is brought up to
    date: the same article object and the same table (a live taxonomy keeps it while its names
    are the same) give the same tuple, and the same articles the very table last returned.
    `order`, the KeptOrder that sorted the articles: what changed since those last made for."""
    if last is None:
        return {a.id: tuple(target.slug(name) for name in names_of(a)) for a in articles}
    before, items = last.pop("table", None), last.pop("items", None)
    same_table = last.get(None) is target.slug_of
    if not same_table:   # slugs read from another table: none stands (nor is left half made, should this fail)
        before = None
        last.clear()
    delta = order.since(items) if (order is not None and order.items is articles and before is not None
                                   and items is not None) else None
    if delta is not None:   # the order says which articles are new or other objects, and which are gone
        remade = [order.key_of[aid][0] for aid in delta[0]]
        for a in remade:
            last[a.id] = (a, tuple(target.slug(name) for name in names_of(a)))
        for aid in delta[1]:
            last.pop(aid, None)
        if not remade and not delta[1]:
            last["table"], last["items"] = before, articles
            return before
        found = Slugs(before)
        for aid in delta[1]:
            del found[aid]
        found.update((a.id, last[a.id][1]) for a in remade)
    else:
        remade = []
        for a in articles:
            entry = last.get(a.id) if same_table else None
            if entry is None or entry[0] is not a:
                last[a.id] = (a, tuple(target.slug(name) for name in names_of(a)))
                remade.append(a)
        if not same_table or len(last) != len(articles) + 1:   # articles gone, or another table
            ids = {a.id for a in articles}
            for gone in [k for k in last if k is not None and k not in ids]:
                del last[gone]
            last[None] = target.slug_of
        elif before is not None and not remade:
            last["table"], last["items"] = before, articles
            return before
        found = Slugs((a.id, last[a.id][1]) for a in articles)
    if before is not None:
        before.since = None
        found.since = (before, remade)
    last["table"], last["items"] = found, articles
    return found


def _topics(article: Article) -> tuple[str, ...]:
    return article.topics


def _actors(article: Article) -> tuple[str, ...]:
    return article.actors


def _source(article: Article) -> tuple[str, ...]:
    return (article.source,) if article.source else ()


# Every taxonomy of the site: topics and actors (chosen by enrich.py) and sources (the outlets).
# Named functions, not lambdas: a spec is pickled with the engine (snapshot.py) by reference.
TOPICS = TaxonomySpec("topics", "topic", "Topics", _topics, trend=True)
ACTORS = TaxonomySpec("actors", "actor", "Actors", _actors, by_kind=True,
                      related_title="Most often mentioned with")
SOURCES = TaxonomySpec("sources", "source", "Sources", _source,
                       feed_about="Articles from")


# Related articles must share someone: an actor that is not a country or a place. Sharing only a
# country (or a topic) links half the corpus to the other half. An actor of no known kind counts:
# front matter names people and bodies without saying which, while countries and places always
# have their kind (the gazetteer's); else one extracted mention that gives such an actor a kind
# would change the related lists of every article naming it.
NOT_EVIDENCE_KINDS = frozenset({"country", "place"})


def shared_evidence(related: dict, articles: tuple[Article, ...], actors: Taxonomy,
                    slugs_of: Mapping[str, tuple[str, ...]], last: dict | None = None) -> dict:
    """Each article's related list kept to the articles that share someone with it (above).
    `slugs_of`: each article's actor slugs (target_slugs). `last` (the live engine's) is brought
    up to date: an article's evidence is the last one while its slugs are the same tuple and
    the actors that count are the same; its list, while its related list is the same tuple and
    neither its evidence nor that of an article on it changed."""
    someone = {term.slug for term in actors.terms if term.kind not in NOT_EVIDENCE_KINDS}
    if last is None:
        evidence = {a.id: someone.intersection(slugs_of[a.id]) for a in articles}
        return {article_id: tuple(i for i in ids if i in evidence and not evidence[article_id].isdisjoint(evidence[i]))
                for article_id, ids in related.items() if article_id in evidence}
    same_someone = last.get("someone") == someone
    last_evidence, last_lists = last.get("evidence", {}), last.get("lists", {})
    since = getattr(slugs_of, "since", None)
    moved: set[str] = set()   # the articles whose evidence changed, or gone: no longer on a list

    def renew(evidence: dict, a: Article) -> None:
        slugs = slugs_of[a.id]
        entry = last_evidence.get(a.id) if same_someone else None
        if entry is None or entry[0] is not slugs:
            entry = (slugs, someone.intersection(slugs))
            if last_evidence.get(a.id, (None, None))[1] != entry[1]:
                moved.add(a.id)
        evidence[a.id] = entry
    if same_someone and slugs_of is last.get("slugs"):
        evidence = last_evidence   # the same articles, each with the same slugs
    elif same_someone and since is not None and since[0] is last.get("slugs"):
        # The slug table says which articles' slugs were made again since the one last used.
        evidence = dict(last_evidence)
        for a in since[1]:
            renew(evidence, a)
        if len(evidence) != len(slugs_of):
            moved.update(gone := [i for i in evidence if i not in slugs_of])
            for i in gone:
                del evidence[i]
    else:
        evidence = {}
        moved.update(last_evidence.keys() - {a.id for a in articles})
        for a in articles:
            renew(evidence, a)
    if not moved and related is last.get("related") and evidence is last_evidence:
        return last["result"]
    lists: dict[str, tuple] = {}
    result = {}
    for article_id, ids in related.items():
        if article_id not in evidence:
            continue
        entry = last_lists.get(article_id)
        if entry is None or entry[0] is not ids or article_id in moved or not moved.isdisjoint(ids):
            mine = evidence[article_id][1]
            entry = (ids, tuple(i for i in ids if i in evidence and not mine.isdisjoint(evidence[i][1])))
        lists[article_id] = entry
        result[article_id] = entry[1]
    last.update(someone=someone, evidence=evidence, lists=lists, slugs=slugs_of, related=related, result=result)
    return result


def _roles_by_slug(profiles: Mapping[str, ActorProfile], actors: Taxonomy, last: dict | None) -> dict:
    """Each actor's roles by its slug. `last` (the live engine's: name -> slug, with the slug
    table under None): a name's slug is found there while the table is the same (a name's key
    made once, not once a build for each of 20,000 actors)."""
    table = actors.slug_of
    known = last if last is not None and last.get(None) is table else {}
    made: dict = {None: table}
    roles = {}
    for name, profile in profiles.items():
        if not profile.roles:
            continue
        slug = made[name] = known[name] if name in known else table.get(name_key(name))
        if slug is not None:
            roles[slug] = profile.roles
    if last is not None:
        last.clear()
        last.update(made)
    return roles


def build_model(config, articles: list[Article], profiles: Mapping[str, ActorProfile] | None = None,
                stories: StoryIndex | None = None, related: dict | None = None, digests: tuple = (),
                memo: ModelMemo | None = None) -> SiteModel:
    """Articles (actors already canonical and topics chosen: see enrich.py) and each actor's
    profile (by canonical name) into the site model. `memo` (the live engine's) keeps the last
    model's terms and what it counted of the actors related to each term."""
    profiles = profiles or {}
    if memo is not None:
        # The articles say what changed since those of the last call (enrich's order.Changed).
        delta = list_changes(articles, memo.given)
        given, memo.given = articles, None   # until sorted
        articles = site_order(articles, memo.order, delta[0] if delta is not None else None)
        memo.given = given
    else:
        articles = site_order(articles)

    # Where an article is in site order, by its sort key (kept by site_order): made once, not per taxonomy.
    rank = None
    if memo is not None and memo.order.items is articles:
        key_of = memo.order.key_of
        rank = lambda aid: key_of[aid][1]  # noqa: E731

    def live(spec: TaxonomySpec) -> LiveTaxonomy | None:
        return memo.taxonomies.setdefault(spec.key, LiveTaxonomy()) if memo is not None else None
    order = memo.order if memo is not None else None
    topics = taxonomy_of(TOPICS, articles, live=live(TOPICS), rank=rank, order=order)
    # a profile is the actor's TermInfo, with roles
    actors = taxonomy_of(ACTORS, articles, profiles, live=live(ACTORS), rank=rank, order=order)
    sources = taxonomy_of(SOURCES, articles, live=live(SOURCES), rank=rank, order=order)
    roles = _roles_by_slug(profiles, actors, memo.roles if memo is not None else None)
    months = _months(articles, config.timezone, memo.months if memo is not None else None, order)
    articles_t = articles
    taxonomies = (topics, actors, sources)
    actor_slugs = target_slugs(actors, articles_t, ACTORS.terms_of,   # once for the three taxonomies
                               memo.actor_slugs if memo is not None else None, order)
    term_actors = {tax.key: related_terms(tax, actors, articles_t, ACTORS.terms_of, slugs_of=actor_slugs,
                                          last=memo.related.setdefault(tax.key, RelatedMemo()) if memo is not None else None)
                   for tax in taxonomies}
    shared = shared_evidence(related or {}, articles_t, actors, actor_slugs, memo.evidence if memo is not None else None)
    if memo is not None:
        # A value equal to the last model's is that object: a model whose every part is the last
        # one's is known unchanged by identity (plan.plan_pages), the comparison costing little
        # since unchanged entries are the very same objects.
        last = memo.parts
        roles, term_actors, shared = (now if was is None or was != now else was
                                      for now, was in zip((roles, term_actors, shared), last[:3] or (None,) * 3))
        memo.parts = (roles, term_actors, shared)
    model = SiteModel(config, articles_t, taxonomies, months, roles, term_actors, stories, shared, tuple(digests))
    if memo is not None:
        memoized(model, "order", lambda: memo.order)   # what changed_since reads
        _articles_by_id(model, memo)
    return model


def _articles_by_id(model: SiteModel, memo: ModelMemo) -> None:
    """The model's table of articles by id (SiteModel.article), from the last model's and what
    changed since (a copy, C, and the changes), rather than from every article."""
    last, table = memo.by_id
    delta = changed_since(model, last) if last is not None else None
    if delta is None:
        table = dict(zip(map(id_of, model.articles), model.articles))
    elif last is not model.articles:
        table = table.copy()      # the last model's own is never changed
        for aid in delta[1]:
            table.pop(aid, None)
        key_of = memo.order.key_of
        for aid in delta[0]:
            table[aid] = key_of[aid][0]
    object.__setattr__(model, "_articles_by_id", table)
    memo.by_id = (model.articles, table)


def changed_since(model: SiteModel, articles: tuple) -> tuple[set[str], set[str]] | None:
    """(the ids of the articles new or another object, the ids gone) from `articles`, an earlier
    live model's articles tuple, to this model's: what the engine's site order found while
    sorting, so that a stage keeping values per article visits only those. None when not known
    (another tuple than the last build's, a model made without the engine): compare whole."""
    if articles is model.articles:
        return set(), set()
    order = model.__dict__.get("_memo", {}).get("order")
    return order.since(articles) if order is not None and order.items is model.articles else None

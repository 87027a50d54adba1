"""newsdigest.model: the actors seen most with each term, kept by the live engine."""
from __future__ import annotations

import random

import pytest

from newsdigest.core import TaxonomySpec
from newsdigest.model import ACTORS, RelatedMemo, related_terms
from newsdigest.taxonomy import taxonomy_of

from test_plan import article


@pytest.mark.parametrize("as_the_engine", [False, True], ids=["plain", "live-taxonomies-and-slug-table"])
def test_related_actors_kept_between_changes_are_those_counted_afresh(as_the_engine):
    """related_terms with the engine's memo (tallies updated by the difference) through random
    adds, edits of actors and topics, re-dates and deletes, against counting from nothing. As
    the engine: live taxonomies and a kept slug table over articles sorted by a KeptOrder, so
    that the table says which articles' slugs were made again (Slugs.since)."""
    from operator import attrgetter
    from newsdigest.model import target_slugs
    from newsdigest.order import KeptOrder
    from newsdigest.taxonomy import LiveTaxonomy
    rng = random.Random(16)
    people = [f"Person {c}" for c in "ABCDEFGHIJ"] + ["Iraq", "NATO"]
    topics = ["Water", "Energy", "Security"]

    def made(n: int):
        return article(n, actors=tuple(rng.sample(people, rng.randint(0, 4))),
                       topics=tuple(rng.sample(topics, rng.randint(0, 2))), content_hash=f"h{n}-{rng.random()}")

    items = {n: made(n) for n in range(40)}
    topic_spec = TaxonomySpec("topics", "topic", "Topics", lambda a: a.topics)
    memos = {"topics": RelatedMemo(), "actors": RelatedMemo()}
    order, lives, slug_memo = KeptOrder(), {"topics": LiveTaxonomy(), "actors": LiveTaxonomy()}, {}
    told = 0
    for step in range(80):
        op = rng.choice(["add", "edit", "delete", "none"])
        n = rng.choice(sorted(items))
        if op == "add":
            items[100 + step] = made(100 + step)
        elif op == "edit":
            items[n] = made(n)
        elif op == "delete" and len(items) > 3:
            del items[n]
        if as_the_engine:
            articles = order.sort(list(items.values()), attrgetter("id"), lambda a: a.sort_key)
            actors = taxonomy_of(ACTORS, articles, live=lives["actors"], order=order)
            slugs = target_slugs(actors, articles, ACTORS.terms_of, slug_memo, order)
            told += getattr(slugs, "since", None) is not None
        else:
            articles = tuple(sorted(items.values(), key=lambda a: a.sort_key))
            actors, slugs = taxonomy_of(ACTORS, articles), None
        for key, spec in (("topics", topic_spec), ("actors", ACTORS)):
            source = actors if key == "actors" else taxonomy_of(spec, articles, live=lives[key] if as_the_engine else None,
                                                                order=order if as_the_engine else None)
            limit = 3
            kept = related_terms(source, actors, articles, ACTORS.terms_of, limit, slugs_of=slugs, last=memos[key])
            fresh = related_terms(source, actors, articles, ACTORS.terms_of, limit)
            assert kept == fresh, (step, op, key)
    assert told > 40 or not as_the_engine, "most slug tables said what changed"


@pytest.mark.parametrize("ordered", [False, True], ids=["articles-compared", "changes-from-the-order"])
def test_actor_slugs_kept_between_changes_follow_slugs_that_move(ordered):
    """target_slugs with the engine's memo, on live taxonomies (whose slug table is the same
    object while the names are): an unchanged article whose actor's slug moves, because a new
    name slugs alike and sorts first (it takes the plain slug), gets the new slug. With
    `ordered`, the articles are sorted by a KeptOrder, which tells both what changed (as
    build_model's); a table that says what it changed since the last (Slugs.since) says it right."""
    from operator import attrgetter
    from newsdigest.model import target_slugs
    from newsdigest.order import KeptOrder
    from newsdigest.taxonomy import LiveTaxonomy
    rng = random.Random(17)
    # "Al Noor" and "Al-Noor" are two names (two keys) with one slug: the first in sort order
    # keeps it, the other gets a suffix.
    people = ["Al-Noor", "Person A", "Person B", "Nour Hadi", "Nour  Hadi", "Al Noor"]
    items = {n: article(n, actors=tuple(rng.sample(people[:4], 2))) for n in range(20)}
    live, memo = LiveTaxonomy(), {}
    seen = set()
    order = KeptOrder() if ordered else None
    told = checked = 0
    last = None
    for step in range(60):
        op = rng.choice(["add", "edit", "delete", "none"])
        n = rng.choice(sorted(items))
        if op == "add":
            items[100 + step] = article(100 + step, actors=tuple(rng.sample(people, 2)))
        elif op == "edit":
            items[n] = article(n, actors=tuple(rng.sample(people[:4], rng.randint(0, 3))))
        elif op == "delete" and len(items) > 3:
            del items[n]
        if order is not None:
            before = order.items
            articles = order.sort(list(items.values()), attrgetter("id"), lambda a: a.sort_key)
            told += order.since(before) is not None
        else:
            articles = tuple(sorted(items.values(), key=lambda a: a.sort_key))
        actors = taxonomy_of(ACTORS, articles, live=live, order=order)
        kept = target_slugs(actors, articles, ACTORS.terms_of, memo, order)
        fresh = target_slugs(taxonomy_of(ACTORS, articles), articles, ACTORS.terms_of)
        assert kept == fresh, (step, op)
        if getattr(kept, "since", None) is not None and kept.since[0] is last:
            assert {a.id for a in kept.since[1]} >= {aid for aid in kept if last.get(aid) != kept[aid]}, (step, op)
            checked += 1
        last = kept
        seen.add(actors.slug_of.get("al-noor"))
    assert {"al-noor", "al-noor-06a524"} <= seen, "Al-Noor's slug moved during the sequence"
    assert told > 30 or not ordered, "most changes were told by the order"
    assert checked > 30, "most changes were checked against what the slugs say changed"


def test_related_lists_kept_to_shared_evidence_between_changes_are_those_made_afresh():
    """shared_evidence with the engine's memo through random changes of articles' actors, of
    which actors count (a person re-described as a country), of related lists (kept as the same
    tuple while unchanged, as the live related index keeps them) and deletions."""
    from newsdigest.core import TermInfo
    from newsdigest.model import shared_evidence, target_slugs
    from newsdigest.taxonomy import LiveTaxonomy
    rng = random.Random(18)
    names = ["Person A", "Person B", "Person C", "Iraq", "Jordan", "NATO"]
    kinds = {name: ("country" if name in ("Iraq", "Jordan") else "person") for name in names}
    items = {n: article(n, actors=tuple(rng.sample(names, rng.randint(0, 3)))) for n in range(25)}
    related: dict = {}
    memo: dict = {}
    live, slug_memo = LiveTaxonomy(), {}
    shown = 0
    for step in range(120):
        op = rng.choice(["add", "edit", "delete", "kind", "relate", "relate"])
        n = rng.choice(sorted(items))
        if op == "add":
            items[100 + step] = article(100 + step, actors=tuple(rng.sample(names, 2)))
        elif op == "edit":
            items[n] = article(n, actors=tuple(rng.sample(names, rng.randint(0, 3))))
        elif op == "delete" and len(items) > 3:
            del items[n]
        elif op == "kind":
            name = rng.choice(names)
            kinds[name] = "person" if kinds[name] == "country" else "country"
        ids = sorted(items)
        for m in ids:   # a few lists made again each step; the others stay the very same tuples
            if m not in related or rng.random() < 0.1:
                related[m] = tuple(items[k].id for k in rng.sample(ids, min(3, len(ids))) if k != m)
        articles = tuple(sorted(items.values(), key=lambda a: a.sort_key))
        # As in the engine: a live taxonomy and kept slug tuples, so unchanged evidence is reused.
        actors = taxonomy_of(ACTORS, articles, {name: TermInfo(kind) for name, kind in kinds.items()}, live=live)
        slugs = target_slugs(actors, articles, ACTORS.terms_of, slug_memo)
        lists = {items[m].id: related[m] for m in ids}
        kept = shared_evidence(lists, articles, actors, slugs, memo)
        assert kept == shared_evidence(lists, articles, actors, slugs), (step, op)
        shown += sum(map(len, kept.values()))
    assert shown > 500, "lists kept something to compare"


def test_roles_by_slug_kept_between_changes_follow_profiles_and_slugs():
    """_roles_by_slug with the engine's memo: a profile made again (new roles) or a slug that
    moves (a name that slugs alike arrives) reaches the roles; unchanged ones are kept."""
    from newsdigest.core import ActorProfile
    from newsdigest.model import _roles_by_slug
    from newsdigest.taxonomy import LiveTaxonomy
    rng = random.Random(19)
    names = ["Al-Noor", "Al Noor", "Person A", "Person B"]
    profiles = {name: ActorProfile("person", "", (), (("2024-01-01", "Minister", "id-001"),)) for name in names}
    items = {n: article(n, actors=tuple(rng.sample(names[2:] + names[:1], 2))) for n in range(12)}
    live, memo, seen = LiveTaxonomy(), {}, set()
    for step in range(80):
        op = rng.choice(["add", "edit", "role", "delete"])
        n = rng.choice(sorted(items))
        if op == "add":
            items[100 + step] = article(100 + step, actors=tuple(rng.sample(names, 2)))
        elif op == "edit":
            items[n] = article(n, actors=tuple(rng.sample(names[2:] + names[:1], 2)))
        elif op == "role":
            name = rng.choice(names)
            profiles[name] = ActorProfile("person", "", (), ((f"2024-02-{step % 28 + 1:02d}", "Envoy", "id-002"),))
        elif len(items) > 3:
            del items[n]
        articles = tuple(sorted(items.values(), key=lambda a: a.sort_key))
        actors = taxonomy_of(ACTORS, articles, profiles, live=live)
        shown = {name: p for name, p in profiles.items() if any(name in a.actors for a in articles)}
        assert _roles_by_slug(shown, actors, memo) == _roles_by_slug(shown, taxonomy_of(ACTORS, articles, profiles),
                                                                     None), (step, op)
        seen.add(actors.slug_of.get("al-noor"))
    assert {"al-noor", "al-noor-06a524"} <= seen


def test_months_kept_between_changes_told_by_the_site_order_are_those_made_afresh():
    """_months with the engine's memo and the KeptOrder that sorted the articles (which says what
    changed since the last call): adds, deletes, re-dates across a month's end (in the site's
    timezone, where the UTC month differs), the last article of a month deleted, and repeats,
    each as the months made from nothing; most steps are told by the order."""
    from datetime import timedelta
    from operator import attrgetter
    from zoneinfo import ZoneInfo
    from newsdigest.model import _months
    from newsdigest.order import KeptOrder
    tz = ZoneInfo("Asia/Baghdad")
    rng = random.Random(1604)
    items = {n: article(n, date=article(n).date + timedelta(days=n * 3, hours=rng.randrange(24))) for n in range(40)}
    order, memo = KeptOrder(), {}
    told = reused = 0
    last: tuple = ()
    for step in range(120):
        op = rng.choice(["add", "delete", "redate", "month-end", "same"])
        n = rng.choice(sorted(items))
        if op == "add":
            items[200 + step] = article(200 + step, date=article(0).date + timedelta(days=rng.randrange(150),
                                                                                      hours=rng.randrange(24)))
        elif op == "delete" and len(items) > 3:
            del items[n]
        elif op == "redate":
            items[n] = article(n, date=items[n].date + timedelta(days=rng.choice([-40, -3, 2, 31])))
        elif op == "month-end":   # 22:30 UTC on a month's last day: the next month in Baghdad
            when = items[n].date.replace(day=28, hour=22, minute=30) + timedelta(days=rng.choice([0, 1, 2, 3]))
            items[n] = article(n, date=when)
        before = order.items
        articles = order.sort(list(items.values()), attrgetter("id"), lambda a: a.sort_key)
        told += articles is not before and order.since(before) is not None
        kept = _months(articles, tz, memo, order)
        assert kept == _months(articles, tz), (step, op)
        reused += kept is not last and any(m is was for m in kept for was in last)
        last = kept
    assert told > 50, "most changes were told by the order"
    assert reused > 50, "the months no change reached were kept (made again only where a change was)"


@pytest.mark.parametrize("seed", range(4))
def test_the_engines_model_finds_each_article_by_id_after_any_change(seed):
    """A live model's table of articles by id is the last one's with the changes applied
    (model._articles_by_id): after adds, edits, re-dates and deletions it holds exactly the
    model's articles, the very objects, and the last model's table is left as it was."""
    from datetime import timedelta
    from dataclasses import replace
    from newsdigest.config import SiteConfig
    from newsdigest.enrich import Changed
    from newsdigest.model import ModelMemo, build_model
    rng = random.Random(seed)
    config = SiteConfig(items_per_page=3)
    articles = {n: article(n) for n in range(12)}
    memo, serial, last = ModelMemo(), [100], None
    for step in range(40):
        change = rng.choice(["add", "remove", "edit", "redate"])
        if change == "add" or len(articles) < 3:
            serial[0] += 1
            articles[serial[0]] = article(serial[0])
        elif change == "remove":
            del articles[rng.choice(sorted(articles))]
        elif change == "edit":
            n = rng.choice(sorted(articles))
            articles[n] = replace(articles[n], title=f"Edited {step}", content_hash=f"edit-{step}")
        else:
            n = rng.choice(sorted(articles))
            articles[n] = replace(articles[n], date=articles[n].date + timedelta(days=rng.randint(-30, 30)))
        given = Changed(list(articles.values()))
        model = build_model(config, given, memo=memo)
        assert all(model.article(a.id) is a for a in model.articles), (seed, step, change)
        assert len(model.__dict__["_articles_by_id"]) == len(model.articles)
        if last is not None:
            assert len(last[0].__dict__["_articles_by_id"]) == len(last[1])
            assert all(last[0].article(a.id) is a for a in last[1])
        last = (model, model.articles)

"""newsdigest.taxonomy: one generic taxonomy (topics and actors) built from article assignments."""
from __future__ import annotations

import re

import pytest

from newsdigest.core import KIND_ORDER, Taxonomy, TermInfo
from newsdigest.taxonomy import build_taxonomy

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def topics(*assignments, info=None) -> Taxonomy:
    """A topics taxonomy from (article id, [names]) pairs, newest article first."""
    return build_taxonomy("topics", "topic", "Topics", list(assignments), info)


def by_name(taxonomy: Taxonomy) -> dict:
    return {t.name: t for t in taxonomy.terms}


# --- identity and display names ------------------------------------------------------------

def test_terms_are_identified_by_slug():
    tax = topics(("a2", ["API Design"]), ("a1", ["Security"]))
    assert tax.term("api-design").name == "API Design"
    assert tax.term("security").article_ids == ("a1",)
    assert tax.slug("api design") == "api-design"
    with pytest.raises(KeyError):
        tax.term("nope")


@pytest.mark.parametrize("name", ["API Design", "iPhone", "eBay", "al-Sudani", "UN Security Council", "COVID-19"])
def test_display_names_are_kept_as_written(name):
    tax = topics(("a1", [name]))
    (term,) = tax.terms
    assert term.name == name


def test_case_variants_merge_into_one_term_with_the_most_used_spelling():
    tax = topics(
        ("a4", ["api design"]),
        ("a3", ["API Design"]),
        ("a2", ["API design"]),
        ("a1", ["API Design"]),
    )
    (term,) = tax.terms
    assert term.name == "API Design"
    assert term.article_ids == ("a4", "a3", "a2", "a1")


def test_spacing_variants_merge_too():
    tax = topics(("a2", ["Climate  Change"]), ("a1", ["climate change", "Climate Change "]))
    assert len(tax.terms) == 1


def test_equally_used_spellings_keep_the_first_seen():
    tax = topics(("a2", ["iPhone"]), ("a1", ["IPHONE"]))
    (term,) = tax.terms
    assert term.name == "iPhone"
    tax = topics(("a2", ["IPHONE"]), ("a1", ["iPhone"]))
    assert tax.terms[0].name == "IPHONE"


# --- article ids ---------------------------------------------------------------------------

def test_article_ids_follow_the_given_order_newest_first():
    tax = topics(("z-new", ["Oil"]), ("a-mid", ["Oil"]), ("m-old", ["Oil"]))
    assert tax.term("oil").article_ids == ("z-new", "a-mid", "m-old")  # given order, not sorted by id


def test_an_article_naming_a_term_twice_is_listed_once():
    tax = topics(("a2", ["Oil", "oil", "OIL"]), ("a1", ["Oil"]))
    assert tax.term("oil").article_ids == ("a2", "a1")


def test_terms_point_at_ids_not_articles():
    tax = topics(("a1", ["Oil"]))
    assert all(isinstance(i, str) for i in tax.term("oil").article_ids)


def test_empty_and_blank_names_are_ignored():
    tax = topics(("a1", ["", "   ", "Oil"]))
    assert [t.slug for t in tax.terms] == ["oil"]


def test_no_assignments_give_no_terms():
    assert topics().terms == ()


# --- Unicode and collisions ----------------------------------------------------------------

def test_arabic_names_keep_their_script_and_get_ascii_slugs():
    tax = topics(("a1", ["قاسم الأعرجي", "بغداد"]))
    names = by_name(tax)
    assert names["قاسم الأعرجي"].slug == "qasim-al-araji"
    assert names["بغداد"].slug == "baghdad"
    assert tax.slug("قاسم  الأعرجي") == "qasim-al-araji"


def test_names_that_slug_alike_get_distinct_slugs_independent_of_order():
    one = topics(("a2", ["C++"]), ("a1", ["C"]))
    two = topics(("a2", ["C"]), ("a1", ["C++"]))
    slugs_one = {t.name: t.slug for t in one.terms}
    slugs_two = {t.name: t.slug for t in two.terms}
    assert slugs_one == slugs_two
    assert len(set(slugs_one.values())) == 2
    assert all(SLUG.match(s) for s in slugs_one.values())
    assert one.term(slugs_one["C++"]).article_ids == ("a2",)


def test_slug_of_maps_every_name_key_to_its_term():
    tax = topics(("a1", ["Iraq", "C++", "C"]))
    assert {tax.term(slug).slug for slug in tax.slug_of.values()} == {t.slug for t in tax.terms}


# --- info, kinds and order -----------------------------------------------------------------

def test_kinds_and_descriptions_come_from_the_info_mapping_case_insensitively():
    info = {
        "iraq": TermInfo("country", "A country in West Asia."),
        "Qasim Al-Araji": TermInfo("person", "National security adviser.", ("Qassim al-Araji",)),
    }
    tax = build_taxonomy("actors", "actor", "Actors",
                         [("a1", ["Iraq", "Qasim al-Araji", "NATO"])], info)
    names = by_name(tax)
    assert names["Iraq"].kind == "country"
    assert names["Iraq"].description == "A country in West Asia."
    assert names["Qasim al-Araji"].kind == "person"
    assert names["Qasim al-Araji"].aliases == ("Qassim al-Araji",)
    assert names["NATO"].kind == ""
    assert (tax.key, tax.singular, tax.title) == ("actors", "actor", "Actors")


def test_by_kind_groups_in_the_order_person_organisation_country_place_other():
    info = {
        "Baghdad": TermInfo("place"),
        "Iraq": TermInfo("country"),
        "NATO": TermInfo("organisation"),
        "Layla Haddad": TermInfo("person"),
        "Karim al-Saadi": TermInfo("person"),
    }
    tax = build_taxonomy("actors", "actor", "Actors",
                         [("a1", ["Baghdad", "Mystery", "Iraq", "NATO", "Layla Haddad", "Karim al-Saadi"])], info)
    groups = tax.by_kind()
    assert [kind for kind, _ in groups] == ["person", "organisation", "country", "place", ""]
    people = dict(groups)["person"]
    assert [t.name for t in people] == ["Karim al-Saadi", "Layla Haddad"]
    assert list(KIND_ORDER) == ["person", "organisation", "country", "place", ""]


def test_terms_are_ordered_by_display_name_ignoring_case():
    tax = topics(("a1", ["oil", "Banking", "API Design", "zinc"]))
    assert [t.name for t in tax.terms] == ["API Design", "Banking", "oil", "zinc"]


def test_same_input_gives_an_equal_taxonomy():
    assignments = [("a2", ["C++", "Oil", "قاسم الأعرجي"]), ("a1", ["C", "oil"])]
    assert topics(*assignments).terms == topics(*assignments).terms


@pytest.mark.parametrize("ordered", [False, True], ids=["articles-compared", "changes-from-the-order"])
def test_a_live_taxonomy_after_random_changes_is_the_one_built_afresh_and_keeps_what_nothing_reached(ordered):
    """LiveTaxonomy (the live engine's) through random adds, edits (other names, spellings, dates),
    deletes and info changes: every step equals taxonomy_of from scratch, and a term no change
    reached is the same object as at the step before. With `ordered`, the articles are sorted by
    a KeptOrder, which tells the taxonomy what changed since its last call (as build_model's)."""
    import random
    from dataclasses import dataclass, replace
    from operator import attrgetter
    from newsdigest.core import TaxonomySpec
    from newsdigest.order import KeptOrder
    from newsdigest.taxonomy import LiveTaxonomy, taxonomy_of

    @dataclass(frozen=True)
    class Item:
        id: str
        date: int
        names: tuple

    spec = TaxonomySpec("actors", "actor", "Actors", lambda a: a.names)
    rng = random.Random(18)
    pool = ["Iraq", "iraq", "IRAQ", "Tom Goffus", "tom  goffus", "Qasim Al-Araji", "al-Araji", "NATO", "Nato",
            "C++", "C#", "C", "Bagdad", "Baghdad", "قاسم الأعرجي", "", " "]
    items = {f"a{n}": Item(f"a{n}", rng.randrange(50), tuple(rng.sample(pool, rng.randint(0, 4)))) for n in range(30)}
    info = {"Iraq": TermInfo(kind="country")}
    live = LiveTaxonomy()
    last = articles = None
    order = KeptOrder() if ordered else None
    told = 0   # steps where the order said what changed
    for step in range(120):
        op = rng.choice(["add", "edit", "date", "delete", "info", "none"])
        aid = rng.choice(sorted(items)) if items else None
        if op == "add" or aid is None:
            aid = f"a{100 + step}"
            items[aid] = Item(aid, rng.randrange(50), tuple(rng.sample(pool, rng.randint(0, 4))))
        elif op == "edit":
            items[aid] = replace(items[aid], names=tuple(rng.sample(pool, rng.randint(0, 4))))
        elif op == "date":
            items[aid] = replace(items[aid], date=rng.randrange(50))
        elif op == "delete":
            del items[aid]
        elif op == "info":
            info = {**info, rng.choice(pool[:8]): TermInfo(kind=rng.choice(["person", "organisation", ""]))}
        # As the live model gives them: the very tuple while no article changed (model.site_order),
        # and every other step, where each article is by its sort key.
        if order is not None:
            before = articles
            articles = order.sort(list(items.values()), attrgetter("id"), lambda a: (-a.date, a.id))
            told += articles is not before and order.since(before) is not None
        elif op not in ("info", "none") or articles is None:
            articles = tuple(sorted(items.values(), key=lambda a: (-a.date, a.id)))
        rank = {a.id: (-a.date, a.id) for a in articles}.__getitem__ if step % 2 else None
        got = taxonomy_of(spec, articles, info, live=live, rank=rank, order=order)
        want = taxonomy_of(spec, list(articles), info)
        assert (got.terms, got.slug_of) == (want.terms, want.slug_of), (step, op)
        if op == "none":
            assert got is last, "the same articles and info: the very taxonomy"
        if last is not None:
            before = {t.slug: t for t in last.terms}
            reached = {t.slug for t in got.terms if before.get(t.slug) != t}
            assert all(t is before[t.slug] for t in got.terms if t.slug not in reached), (step, op)
        last = got
    assert told > 50 or not ordered, "most changes were told by the order"


def test_a_live_taxonomy_forgets_a_term_whose_only_article_named_it_twice():
    from dataclasses import dataclass
    from newsdigest.core import TaxonomySpec
    from newsdigest.taxonomy import LiveTaxonomy, taxonomy_of

    @dataclass(frozen=True)
    class Item:
        id: str
        names: tuple

    spec = TaxonomySpec("actors", "actor", "Actors", lambda a: a.names)
    live = LiveTaxonomy()
    first = (Item("a", ("Iraq", "IRAQ", "NATO")), Item("b", ("NATO",)))
    assert [t.name for t in taxonomy_of(spec, first, live=live).terms] == ["Iraq", "NATO"]
    assert [t.name for t in taxonomy_of(spec, first[1:], live=live).terms] == ["NATO"]
    again = (Item("c", ("IRAQ",)), *first[1:])
    assert [(t.name, t.article_ids) for t in taxonomy_of(spec, again, live=live).terms] == \
        [("IRAQ", ("c",)), ("NATO", ("b",))]

"""newsdigest.slug: readable ASCII slugs for any name, and distinct slugs for a set of names."""
from __future__ import annotations

import itertools
import re

import pytest

from newsdigest.core import name_key
from newsdigest.slug import MAX_SLUG, slugify, unique_slugs

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# --- slugify -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, slug", [
    ("Zoë Lefèvre", "zoe-lefevre"),
    ("Qasim Al-Araji", "qasim-al-araji"),
    ("قاسم الأعرجي", "qasim-al-araji"),
    ("بغداد", "baghdad"),
    ("API Design", "api-design"),
    ("  Iraq's   oil  ", "iraqs-oil"),
    ("São Paulo & Zürich", "sao-paulo-zurich"),
])
def test_readable_transliterations(name, slug):
    assert slugify(name) == slug


def test_arabic_indic_and_persian_digits_become_ascii_digits():
    assert slugify("٢٠٢٤") == "2024"
    assert slugify("۱۴۰۳") == "1403"
    assert slugify("عام ٢٠٢٤") == "am-2024"


@pytest.mark.parametrize("name", [
    "", "!!!", "   ", "🎉", "🇮🇶", "---", "\u200f", "ـــ", "Zoë", "قاسم الأعرجي", "C++", "x" * 500,
    "日本語", "Ελληνικά", "Москва", "a\x00b", "../etc/passwd", "con",
])
def test_slugs_are_never_empty_and_only_lowercase_ascii_words(name):
    slug = slugify(name)
    assert SLUG.match(slug), slug
    assert len(slug) <= MAX_SLUG


def test_names_without_letters_get_distinct_stable_slugs():
    assert slugify("!!!") == slugify("!!!")
    assert slugify("!!!") != slugify("???")


def test_long_names_are_cut_on_a_word_boundary():
    name = " ".join(["parliament"] * 20)  # 219 characters
    slug = slugify(name)
    assert len(slug) <= MAX_SLUG
    assert set(slug.split("-")) == {"parliament"}  # no half word at the end
    assert len(slug) > MAX_SLUG - len("-parliament")  # and not cut shorter than needed


def test_one_long_word_is_cut_at_the_limit():
    assert slugify("a" * 200) == "a" * MAX_SLUG


@pytest.mark.parametrize("name", ["con", "CON", "NUL", "aux", "prn", "com1", "LPT9"])
def test_windows_reserved_names_are_changed(name):
    slug = slugify(name)
    assert slug != name.lower()
    assert SLUG.match(slug)
    assert slug.startswith(name.lower())


def test_names_that_only_contain_a_reserved_word_stay_readable():
    assert slugify("Console") == "console"
    assert slugify("con man") == "con-man"


# --- name_key ------------------------------------------------------------------------------

def test_name_key_ignores_case_and_spacing_only():
    assert name_key("  API   Design ") == name_key("api design") == "api design"
    assert name_key("C++") != name_key("C")


# --- unique_slugs --------------------------------------------------------------------------

def test_names_differing_only_in_case_or_spacing_share_one_key_and_slug():
    slugs = unique_slugs(["Iraq", "IRAQ", "  iraq ", "Iraq\u00a0"])
    assert slugs == {"iraq": "iraq"}


def test_names_that_slug_alike_get_distinct_slugs():
    slugs = unique_slugs(["C++", "C", "C#"])
    assert len(set(slugs.values())) == 3
    assert slugs["c"] == "c"  # the first key in sorted order keeps the plain slug
    assert all(SLUG.match(s) for s in slugs.values())


def test_colliding_slugs_do_not_depend_on_input_order():
    names = ["C++", "C", "c#", "Zoë", "Zoe", "ZOË"]
    results = {tuple(sorted(unique_slugs(list(order)).items())) for order in itertools.permutations(names)}
    assert len(results) == 1


def test_colliding_slugs_are_stable_across_calls():
    assert unique_slugs(["C++", "C"]) == unique_slugs(["C", "C++"]) == unique_slugs(["C++", "C"])


def test_a_suffixed_slug_never_takes_another_names_plain_slug():
    first = unique_slugs(["C", "C++"])["c++"]          # "c-<hash>"
    lookalike = first.replace("-", " ")                  # a name whose plain slug is that same text
    slugs = unique_slugs(["C", "C++", lookalike])
    assert len(set(slugs.values())) == 3
    assert slugs[name_key(lookalike)] == first           # the plain slug goes to the name that has it


def test_adding_an_unrelated_name_does_not_change_existing_slugs():
    before = unique_slugs(["C", "C++", "Iraq"])
    after = unique_slugs(["C", "C++", "Iraq", "NATO"])
    assert {k: after[k] for k in before} == before

"""render.py's Jinja environment renders exactly as Jinja's own with the same settings: its
faster attribute lookup and output escaping change no byte and no error."""
from __future__ import annotations

import jinja2
import pytest
from hypothesis import given, settings, strategies as st
from markupsafe import Markup, escape

from newsdigest.render import Environment, escape_output

SETTINGS = dict(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                keep_trailing_newline=True)

TEMPLATES = {
    "page.html": (
        "{% from 'macros.html' import link with context %}"
        "<h1>{{ title }}</h1>{{ html }}{{ n }} {{ ratio }} {{ none }} {{ flag }}\n"
        "{% for item in items %}{{ link(item) }}{% if not loop.last %}, {% endif %}{% endfor %}\n"
        # a dict whose keys are named like dict methods: the method wins, as in Jinja
        "{{ d.count }} {{ d['items'] }} {{ d.items() | list | length }} {{ d.title }}\n"
        "{% set block %}<b>{{ title }}</b>{% endset %}{{ block }} {{ block | length }}\n"
        "{% filter upper %}{{ title }}{% endfilter %} {{ title ~ '&' ~ html }} {{ (title ~ html) | e }}\n"
        "{% autoescape false %}{{ title }}{% endautoescape %} {{ title | safe }}\n"
        "{% call link({'url': '/c', 'name': title}) %}{{ title }}{% endcall %}\n"
        "{% include 'part.html' %}"),
    "macros.html": "{% macro link(item) %}<a href=\"{{ root }}{{ item.url }}\">{{ item.name }}</a>"
                   "{% if caller is defined %}{{ caller() }}{% endif %}{% endmacro %}",
    "part.html": "{{ site.title }} {{ site.missing | default('none') }} {{ obj.real }} {{ obj.imag }}",
}


def render(env_class, context: dict, name: str = "page.html") -> str:
    env = env_class(loader=jinja2.DictLoader(TEMPLATES), **SETTINGS)
    return env.get_template(name).render(context)


def context_with(text: str) -> dict:
    return {"title": text, "html": Markup("<i>safe</i>"), "n": 3, "ratio": 0.5, "none": None, "flag": True,
            "root": "../", "items": [{"url": "a/", "name": text}, {"url": f"b/{text}", "name": "B"}],
            "d": {"count": text, "items": text, "title": text, "keys": 1}, "site": {"title": text},
            "obj": complex(1, 2)}


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_pages_are_the_bytes_jinja_makes(text):
    assert render(Environment, context_with(text)) == render(jinja2.Environment, context_with(text))


@pytest.mark.parametrize("text", ["<script>alert('x')</script>", "a & b \"quoted\" 'single'", "", "é → ✓"])
def test_markup_characters_are_escaped_as_jinja_escapes_them(text):
    assert escape_output(text) == str(escape(text))
    assert escape_output(Markup(text)) == text
    assert render(Environment, context_with(text)) == render(jinja2.Environment, context_with(text))


def test_a_missing_key_is_the_same_error():
    for env_class in (Environment, jinja2.Environment):
        with pytest.raises(jinja2.UndefinedError, match="'dict object' has no attribute 'absent'"):
            env_class(**SETTINGS).from_string("{{ d.absent }}").render(d={"present": 1})


def test_the_environment_compiles_output_through_its_own_escaping():
    source = Environment(**SETTINGS).compile(TEMPLATES["page.html"], raw=True)
    assert "environment.escape_output(" in source and "escape(" not in source.replace("escape_output(", "")


# --- shared fragments ------------------------------------------------------------------------------

def fragments_env(templates: dict) -> Environment:
    return Environment(loader=jinja2.DictLoader({"page.html": "[{{ shared('part.html') }}]", **templates}), **SETTINGS)


def render_pages(env: Environment, pages: list[dict], site_wide: dict) -> list[str]:
    from newsdigest.render import SharedFragments
    shared = SharedFragments(env, site_wide).render
    return [env.get_template("page.html").render({**site_wide, "shared": shared, **page}) for page in pages]


def counting() -> tuple[list, dict]:
    made: list = []
    return made, {"site": {"title": "T"}, "made": lambda: made.append(1) or len(made)}


PAGES = [{"root": "../", "nav_current": None, "title": "One"}, {"root": "../", "nav_current": None, "title": "Two"},
         {"root": "../../", "nav_current": None, "title": "Three"}, {"root": "../", "nav_current": "x/", "title": "Four"}]


def test_a_fragment_that_reads_only_site_wide_values_is_made_once_per_root_and_nav_entry():
    made, site_wide = counting()
    env = fragments_env({"part.html": "{{ site.title }} {{ root }}{% include 'inner.html' %} {{ made() }}",
                         "inner.html": "{% if nav_current %} here{% endif %}"})
    assert render_pages(env, PAGES, site_wide) == ["[T ../ 1]", "[T ../ 1]", "[T ../../ 2]", "[T ../ here 3]"]


def test_a_fragment_that_reads_a_page_value_is_made_for_each_page():
    made, site_wide = counting()
    for part in ("{{ title }} {{ made() }}", "{% include 'inner.html' %} {{ made() }}",
                 "{% include name_of_inner %} {{ made() }}"):
        made.clear()
        env = fragments_env({"part.html": part, "inner.html": "{{ title }}"})
        pages = [{**page, "name_of_inner": "inner.html"} for page in PAGES]
        assert render_pages(env, pages, site_wide) == ["[One 1]", "[Two 2]", "[Three 3]", "[Four 4]"]


def test_a_page_with_its_own_value_for_a_site_wide_name_is_not_given_the_shared_fragment():
    made, site_wide = counting()
    env = fragments_env({"part.html": "{{ site.title }} {{ made() }}"})
    pages = [PAGES[0], {**PAGES[1], "site": {"title": "Other"}}, PAGES[0]]
    assert render_pages(env, pages, site_wide) == ["[T 1]", "[Other 2]", "[T 1]"]


# --- kept entries of long lists --------------------------------------------------------------------

def each_env(templates: dict) -> Environment:
    page = "<ul>\n{{ each('entry.html', items, root=root) }}</ul>{{ made() }}\n"
    return Environment(loader=jinja2.DictLoader({"page.html": page, **templates}), **SETTINGS)


ENTRY = "<li><a href=\"{{ root }}{{ item.url }}\">{{ item.name }}</a> ({{ item.count }}){{ made() }}</li>\n"


def each_build(env: Environment, each, pages: list[dict], site_wide: dict) -> list[str]:
    """One build's pages, rendered with `each` (kept from the last build, or a new one: clean)."""
    from newsdigest.render import EachFragments
    each = each if each is not None else EachFragments()
    each.start(env, site_wide)
    return [env.get_template("page.html").render({**site_wide, "each": each.render, **page}) for page in pages]


def terms(*counts, **named) -> list[dict]:
    return [{"name": named.get(f"n{i}", f"Term {i}"), "url": f"t/{i}/", "count": c} for i, c in enumerate(counts)]


def test_an_entry_is_rendered_again_only_when_what_it_shows_changes():
    from newsdigest.render import EachFragments
    made: list = []
    site_wide = {"site": {"title": "T"}, "made": lambda: made.append(1) or ""}   # counts, writes nothing
    env = each_env({"entry.html": ENTRY})
    each = EachFragments()
    builds = [[{"page_url": "a/", "root": "../", "items": terms(1, 2, 3)}],
              [{"page_url": "a/", "root": "../", "items": terms(1, 5, 3)}],    # one count changed
              [{"page_url": "b/", "root": "../../", "items": terms(1)}],       # a build not showing a/
              [{"page_url": "a/", "root": "../", "items": terms(1, 5, 3, 4, n0="<Renamed>")}],
              [{"page_url": "a/", "root": "../../", "items": terms(1, 5, 3, 4, n0="<Renamed>")}]]   # another root
    renders = []
    for pages in builds:
        before = len(made)
        kept = each_build(env, each, pages, site_wide)
        renders.append(len(made) - before)
        assert kept == each_build(env, None, pages, site_wide)
    # the entries rendered, and the page itself: 3, 1 changed, 1 (b/), a/ kept over b/'s build: 2, 4
    assert renders == [4, 2, 2, 3, 5]


def test_kept_entries_match_a_clean_render_byte_for_byte():
    from newsdigest.render import EachFragments
    site_wide = {"site": {"title": "T"}, "made": lambda: ""}
    env = each_env({"entry.html": ENTRY.replace("{{ made() }}", "{{ site.title }}")})
    each = EachFragments()
    sequence = [terms(1, 2), terms(1, 2, 3), terms(2, 2, 3, n1="A & B"), terms(2, 2, 3, n1=Markup("A &amp; B")),
                terms(2, 2, 3, n1="A &amp; B"), [{"name": "x", "url": "u/", "count": 1.0}],
                [{"name": "x", "url": "u/", "count": 1}], [{"name": "x", "url": "u/", "count": True}],
                [{"name": ["a"], "url": "u/", "count": 1}], [{"name": ("a",), "url": "u/", "count": 1}]]
    for items in sequence:
        page = [{"page_url": "a/", "root": "../", "items": items}]
        assert each_build(env, each, page, site_wide) == each_build(env, None, page, site_wide), items


def test_another_template_or_site_wide_value_drops_the_kept_entries():
    from newsdigest.render import EachFragments
    site_wide = {"site": {"title": "T"}, "made": lambda: ""}
    each = EachFragments()
    page = [{"page_url": "a/", "root": "../", "items": terms(1, 2)}]
    first = each_build(each_env({"entry.html": ENTRY.replace("{{ made() }}", "{{ site.title }}")}), each, page, site_wide)
    # A site's own entry.html (the engine makes a new environment when its templates change)
    other = each_build(each_env({"entry.html": "<p>{{ item.name }}</p>\n"}), each, page, site_wide)
    assert first != other and other == each_build(each_env({"entry.html": "<p>{{ item.name }}</p>\n"}), None, page,
                                                   site_wide)
    env = each_env({"entry.html": ENTRY.replace("{{ made() }}", "{{ site.title }}")})
    each_build(env, each, page, site_wide)
    renamed = {**site_wide, "site": {"title": "Renamed"}}
    assert each_build(env, each, page, renamed) == each_build(env, None, page, renamed)


def test_an_entry_that_reads_a_page_value_is_rendered_with_each_page():
    from newsdigest.render import EachFragments
    made, site_wide = counting()
    each = EachFragments()
    for entry in ("{{ item.name }} {{ title }} {{ made() }}\n", "{% include 'inner.html' %} {{ made() }}\n",
                  "{% include name_of_inner %} {{ made() }}\n", "{{ item.name }} {{ site.title }} {{ made() }}\n"):
        env = each_env({"entry.html": entry, "inner.html": "{{ title }}"})
        for title in ("One", "Two"):
            # the last entry reads `site`, which this page has its own value for
            page = {"page_url": "a/", "root": "../", "items": terms(1), "title": title, "name_of_inner": "inner.html",
                    "site": {"title": title}}
            before = len(made)
            html = each_build(env, each, [page], site_wide)
            assert title in html[0] and len(made) - before == 2, entry


def test_a_card_is_rendered_again_when_it_is_another_object_or_the_site_globals_change():
    from newsdigest.render import CardFragments
    made: list = []
    env = Environment(loader=jinja2.DictLoader({"macros.html": (
        "{% macro card(a, root, heading) %}<{{ heading }}><a href=\"{{ root }}{{ a.url }}\">{{ a.title }}</a>"
        "</{{ heading }}>{{ site.title }}{{ made() }}{% endmacro %}")}), **SETTINGS)
    count = lambda: made.append(1) or ""   # noqa: E731 - counts the renders, writes nothing
    site = {"site": {"title": "T"}, "made": count}
    one, two = {"id": "1", "url": "a/", "title": "One"}, {"id": "2", "url": "b/", "title": "Two"}
    cards = CardFragments()
    builds = [([one, two], site, 2), ([one, two], {**site}, 0),            # the same cards, equal globals
              ([{**one, "title": "<New>"}, two], site, 1),                 # a card made again
              ([one, two], {**site, "site": {"title": "U"}}, 2)]           # other site globals
    for shown, globals_, renders in builds:
        before = len(made)
        cards.start(env, globals_)
        html = cards.all(shown, "../", "h3")
        assert len(made) - before == renders
        clean = CardFragments()
        clean.start(env, globals_)
        assert html == clean.all(shown, "../", "h3") and cards(shown[0], "", "h2") == clean(shown[0], "", "h2")
        del made[before + renders:]


def test_a_card_no_page_rendered_for_a_generation_of_builds_is_let_go(monkeypatch):
    """A long watch must not keep the card of every article ever shown: a card unrendered for a
    whole generation of KEPT_BUILDS builds goes, and is rendered again (the same HTML) if shown."""
    from newsdigest import render
    monkeypatch.setattr(render, "KEPT_BUILDS", 3)
    made: list = []
    env = Environment(loader=jinja2.DictLoader({"macros.html": (
        "{% macro card(a, root, heading) %}<{{ heading }}>{{ a.title }}</{{ heading }}>{{ made() }}{% endmacro %}")}),
        **SETTINGS)
    site = {"made": lambda: made.append(1) or ""}
    one, two = {"id": "1", "title": "One"}, {"id": "2", "title": "Two"}
    cards = render.CardFragments()
    renders, first = [], None
    for build, shown in enumerate(([one, two], [one], [one], [one], [one], [one], [one, two]), 1):
        before = len(made)
        cards.start(env, site)
        html = cards.all(shown, "", "h2")
        first = first or html
        renders.append(len(made) - before)
        held = {key[0] for key in (*cards._memo, *cards._older)}
        assert "1" in held and ("2" in held) == (build != 6), build
    # two: made at build 1, kept through the generation that ends at build 3, let go at build 6, made again at 7
    assert renders == [2, 0, 0, 0, 0, 0, 1] and html == first


def test_a_page_rendered_in_none_of_the_last_builds_renders_its_entries_again(monkeypatch):
    from newsdigest import render
    monkeypatch.setattr(render, "KEPT_BUILDS", 3)
    made: list = []
    site_wide = {"site": {"title": "T"}, "made": lambda: made.append(1) or ""}
    env = each_env({"entry.html": ENTRY})
    each = render.EachFragments()
    a, b = {"page_url": "a/", "root": "../", "items": terms(1, 2)}, {"page_url": "b/", "root": "../", "items": terms(7)}
    renders = []
    for pages in ([a], [b], [a], [b], [b], [b], [a]):
        before = len(made)
        kept = each_build(env, each, pages, site_wide)
        renders.append(len(made) - before)
        assert kept == each_build(env, None, pages, site_wide)
    # a/ kept over one build, then dropped at build 6 (not rendered in builds 4 to 6)
    assert renders[:3] == [3, 2, 1] and renders[-1] == 3


def test_each_fragment_is_part_of_its_pages_key():
    from newsdigest.render import template_fingerprint
    fingerprints = []
    for entry in ("<li>{{ item }}</li>\n", "<li class=\"x\">{{ item }}</li>\n"):
        env = Environment(loader=jinja2.DictLoader({"page.html": "{{ each('entry.html', items) }}", "entry.html": entry}),
                          **SETTINGS)
        fingerprints.append(template_fingerprint(env, "page.html"))
    assert fingerprints[0] != fingerprints[1]


def test_a_site_entry_template_added_to_an_engine_reaches_the_indexes_it_lists(tmp_path):
    """The engine keeps the taxonomy entries between builds: a site's own term-entry.html (a new
    environment) and a new article with it (kept entries of the site's template) match clean builds."""
    import random
    from newsdigest.engine import Engine
    from newsdigest.render import THEME
    from support.corpus import make_doc, write_site
    from test_engine import assert_clean, engine_build
    rng, root, engine = random.Random(16), tmp_path / "site-root", Engine()
    write_site(root, [make_doc(rng, n) for n in range(12)])
    engine_build(root, engine)
    (root / "templates").mkdir()
    for name in ("term-entry.html", "also-reported-entry.html"):
        (root / "templates" / name).write_text((THEME / name).read_text().replace("<li>", '<li class="mine">'))
    engine_build(root, engine)
    assert '<li class="mine">' in (root / "site/actors/index.html").read_text()
    assert_clean(root, tmp_path, "a site's entry templates")
    more = make_doc(rng, 12)
    more.write(root)
    engine_build(root, engine)
    assert_clean(root, tmp_path, "an article added")

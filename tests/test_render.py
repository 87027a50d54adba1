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

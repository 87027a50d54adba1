"""What the live engine holds for every article is held compactly (issues 16 and 17: watch memory
at 100,000 articles): bodies packed (core.Packed) and shared by the records made from them, page
contexts that read a body only when rendered (plan.Body), and story features whose keys are one
interned copy per corpus however they were unpickled (stories._Features)."""
from __future__ import annotations

import pickle
import sys
from dataclasses import replace

import jinja2

import pytest

from newsdigest import core
from newsdigest.core import Article, Packed, Unpacked, memoized, replaced
from newsdigest.enrich import article_input, story_input
from newsdigest.plan import Body, plan_pages
from newsdigest.stories import story_features

from test_plan import article, model_of

BODY = "<p>" + " ".join(f"The council met on day {n} to discuss the water budget." for n in range(60)) + "</p>"
TEXT = " ".join(f"The council met on day {n} to discuss the water budget." for n in range(60))


def long_article(n: int = 1, **changes) -> Article:
    return article(n, body_html=BODY, root_html=BODY, text=TEXT, **changes)


def test_an_articles_body_and_text_are_held_packed_and_read_whole():
    a = long_article()
    held = vars(a)
    assert "body_html" not in held and "text" not in held
    assert isinstance(held["_body_html"], bytes) and len(held["_body_html"]) < len(BODY) / 4
    assert a.body_html == BODY and a.root_html == BODY and a.text == TEXT
    # The same str given for the page and the feed HTML is packed once.
    assert held["_root_html"] is held["_body_html"]
    assert article(2).text == ""   # the default, unpacked


def test_records_made_from_an_article_share_its_packed_body():
    a = long_article()
    edited = replace(a, topics=("Water",))
    assert vars(edited)["_body_html"] is vars(a)["_body_html"]
    assert vars(edited)["_text"] is vars(a)["_text"]
    assert vars(story_input(a))["_text"] is vars(a)["_text"]
    assert vars(article_input(a))["_text"] is vars(a)["_text"]
    assert edited == a and hash(edited) == hash(a) != hash(replace(a, title="Another"))


def test_records_and_copies_of_an_article_are_made_without_unpacking_its_body(monkeypatch):
    a = long_article()
    memoized(a, "cached", lambda: "made from the fields before the change")

    def refuse(data):
        raise AssertionError("unpacked")

    monkeypatch.setattr(core.zlib, "decompress", refuse)
    edited = replaced(a, topics=("Energy",))
    item, given = story_input(a), article_input(a)
    monkeypatch.undo()
    assert edited.topics == ("Energy",) and edited.body_html == BODY and "_memo" not in vars(edited)
    assert edited == replace(a, topics=("Energy",))
    assert vars(edited)["_text"] is vars(item)["_text"] is vars(given)["_text"] is vars(a)["_text"]
    assert item.text == TEXT == given.text
    with pytest.raises(TypeError):
        replaced(a, colour="red")


def test_a_pickled_article_keeps_its_packing_and_one_from_before_packing_still_reads():
    a = long_article()
    data = pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL)
    assert len(data) < len(BODY) + len(TEXT)
    again = pickle.loads(data)
    assert again == a and again.body_html == BODY and isinstance(again.text, Unpacked)
    # An article pickled before bodies were packed holds the plain strings under the fields' names.
    old = pickle.loads(data)
    state = vars(old)
    for name in ("body_html", "root_html", "text"):
        state[name] = str(getattr(old, name))
        del state["_" + name]
    assert old.body_html == BODY and old.text == TEXT and old == a


def test_a_packed_field_without_a_default_is_required():
    class Holder:
        value = Packed()
        other = Packed("x")

    with pytest.raises(AttributeError):
        Holder.value
    assert Holder.other == "x"


def test_an_article_page_reads_its_body_only_when_rendered():
    a = long_article(1)
    pages = plan_pages(model_of([a, long_article(2)]))
    page = next(p for p in pages if p.url_path == a.url_path)
    body = page.context["body_html"]
    assert isinstance(body, Body) and body.article is a
    env = jinja2.Environment(autoescape=True)
    assert env.from_string("{{ body_html | safe }}").render(body_html=body) == BODY
    assert env.from_string("{{ body_html }}").render(body_html=body) == BODY   # sanitised HTML either way
    assert str(body) == BODY


def test_unpickled_story_features_hold_one_copy_of_each_key_for_the_corpus():
    one = story_input(long_article(1, actors=("Iraq",)))
    two = story_input(long_article(2, actors=("Iraq",)))
    # As the build gets them back from its workers or the cache: each article pickled alone.
    f1 = pickle.loads(pickle.dumps(story_features(one)))
    f2 = pickle.loads(pickle.dumps(story_features(two)))
    assert isinstance(f1.lead, tuple) and list(f1.lead) == sorted(f1.lead)
    council1 = next(w for w in f1.lead if w == "council")
    council2 = next(w for w in f2.lead if w == "council")
    assert council1 is council2 is sys.intern("council")
    assert f1.actors[0] is f2.actors[0]
    assert f1.names[f1.actors[0]] is f2.names[f2.actors[0]]
    assert f1 == story_features(one)

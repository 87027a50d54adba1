"""newsdigest.plan and newsdigest.render: pagination, keys that change exactly when pages do."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newsdigest.articles import Article
from newsdigest.config import SiteConfig
from newsdigest.extract.gazetteer import Gazetteer
from newsdigest.model import build_model
from newsdigest.plan import paginate, plan_pages, script_safe_json
from newsdigest.render import make_environment, plain_label, template_fingerprint

TZ = timezone(timedelta(hours=3))


def article(n: int, **changes) -> Article:
    fields = dict(id=f"id-{n:03d}", title=f"Story {n}", date=datetime(2024, 1, 1, tzinfo=TZ) + timedelta(days=n),
                  slug=f"story-{n}", path=f"content/articles/2024/01/story-{n}.md",
                  url_path=f"articles/2024/01/story-{n}/", body_html=f"<p>Body {n}</p>", feed_html=f"<p>Body {n}</p>",
                  summary=f"Body {n}", lang="en", topics=("Water",) if n % 2 else ("Energy",),
                  actors=("Iraq", "NATO") if n % 3 else ("Iraq",), digest=f"digest-{n}")
    fields.update(changes)
    return Article(**fields)


def model_of(articles, **config):
    return build_model(SiteConfig(items_per_page=3, **config), articles, Gazetteer())


def test_paginate_puts_the_first_page_at_the_list_url():
    pages = paginate("topics/water/", tuple("abcdefg"), 3)
    assert [url for url, _, _ in pages] == ["topics/water/", "topics/water/page/2/", "topics/water/page/3/"]
    assert pages[0][2] == {"number": 1, "count": 3, "newer": None, "older": "topics/water/page/2/"}
    assert pages[2][1] == ("g",) and pages[2][2]["newer"] == "topics/water/page/2/"
    assert paginate("", (), 3) == [("", (), {"number": 1, "count": 1, "newer": None, "older": None})]


def test_plan_has_every_page_once():
    pages = plan_pages(model_of([article(n) for n in range(8)]))
    files = [p.file for p in pages]
    assert len(files) == len(set(files))
    assert {"index.html", "page/2/index.html", "page/3/index.html", "topics/index.html",
            "topics/water/index.html", "topics/water/page/2/index.html", "actors/nato/index.html",
            "archive/index.html", "archive/2024/01/index.html", "404.html", "search/index.html"} <= set(files)


def keys(model):
    return {p.url_path: p.key_data for p in plan_pages(model)}


def test_page_keys_change_exactly_with_what_the_page_shows():
    base = [article(n) for n in range(7)]
    before = keys(model_of(base))
    assert before == keys(model_of(list(base)))            # same content, same keys
    edited = list(base)
    edited[0] = article(0, title="Story zero, revised", digest="digest-0b")
    after = keys(model_of(edited))
    changed = {url for url in before if before[url] != after.get(url)}
    # Story 0 is the oldest: its page, its neighbour's, the last home page, its topic and actor
    # pages, and the month list show it. Story 6's page does not.
    assert "articles/2024/01/story-0/" in changed and "articles/2024/01/story-1/" in changed
    assert "articles/2024/01/story-6/" not in changed and "topics/water/" not in changed
    assert "topics/energy/" in changed or "topics/energy/page/2/" in changed


def test_template_fingerprint_follows_includes_and_imports(tmp_path):
    env = make_environment(tmp_path / "templates")
    before = template_fingerprint(env, "term.html")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/macros.html").write_text(
        (__import__("newsdigest.render", fromlist=["THEME"]).THEME / "macros.html").read_text() + "\n{# changed #}\n")
    env = make_environment(tmp_path / "templates")
    assert template_fingerprint(env, "term.html") != before       # term.html imports macros.html
    assert template_fingerprint(env, "404.html") == template_fingerprint(make_environment(tmp_path / "none"), "404.html")


def test_json_in_a_script_element_cannot_close_it():
    text = script_safe_json({"headline": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert __import__("json").loads(text)["headline"].startswith("</script>")


def test_plain_label_can_only_be_text():
    assert plain_label("<img src=x onerror=alert(1)> & co") == "img src=x onerror=alert(1)  co"

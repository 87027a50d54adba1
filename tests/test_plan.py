"""newsdigest.plan and newsdigest.render: pagination, keys that change exactly when pages do."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newsdigest.core import Article
from newsdigest.config import SiteConfig
from newsdigest.model import build_model
from newsdigest.plan import paginate, plan_pages, script_safe_json
from newsdigest.render import make_environment, plain_label, template_fingerprint

TZ = timezone(timedelta(hours=3))


def article(n: int, **changes) -> Article:
    fields = dict(id=f"id-{n:03d}", title=f"Story {n}", date=datetime(2024, 1, 1, tzinfo=TZ) + timedelta(days=n),
                  slug=f"story-{n}", path=f"content/articles/2024/01/story-{n}.md",
                  url_path=f"articles/2024/01/story-{n}/", body_html=f"<p>Body {n}</p>", root_html=f"<p>Body {n}</p>",
                  summary=f"Body {n}", lang="en", topics=("Water",) if n % 2 else ("Energy",),
                  actors=("Iraq", "NATO") if n % 3 else ("Iraq",), content_hash=f"hash-{n}")
    fields.update(changes)
    return Article(**fields)


def model_of(articles, **config):
    return build_model(SiteConfig(items_per_page=3, **config), articles)


def test_paginate_puts_the_newest_first_and_numbers_the_rest_from_the_oldest():
    newest_first = tuple("ihgfedcba")
    pages = paginate("topics/water/", newest_first, 3)
    assert [url for url, _, _ in pages] == ["topics/water/", "topics/water/page/2/", "topics/water/page/1/"]
    assert [ids for _, ids, _ in pages] == [("i", "h", "g"), ("f", "e", "d"), ("c", "b", "a")]
    assert pages[0][2] == {"first": True, "number": None, "newer": None, "older": "topics/water/page/2/"}
    assert pages[1][2] == {"first": False, "number": 2, "newer": "topics/water/", "older": "topics/water/page/1/"}
    assert pages[2][2] == {"first": False, "number": 1, "newer": "topics/water/page/2/", "older": None}
    # While the newest slice is not full, the first page shows it and the slice before it.
    assert [ids for _, ids, _ in paginate("t/", tuple("jihgfedcba"), 3)][:2] == [("j", "i", "h", "g"), ("f", "e", "d")]
    assert paginate("", (), 3) == [("", (), {"first": True, "number": None, "newer": None, "older": None})]
    assert paginate("", ("a", "b"), 3) == [("", ("a", "b"), {"first": True, "number": None, "newer": None, "older": None})]


@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 20])
def test_a_new_item_changes_the_first_page_and_at_most_two_others(per_page):
    for n in range(0, 70):
        before = {url: (ids, pager) for url, ids, pager in paginate("x/", tuple(range(n, 0, -1)), per_page)}
        after_list = paginate("x/", tuple(range(n + 1, 0, -1)), per_page)
        after = {url: (ids, pager) for url, ids, pager in after_list}
        changed = {url for url in after if before.get(url) != after[url]} - {"x/"}
        assert len(changed) <= 2, (n, changed)
        assert set(before) - set(after) <= {"x/"}                       # no page ever disappears
        shown = [i for _, ids, _ in after_list for i in ids]
        assert shown == list(range(n + 1, 0, -1))                        # each item once, newest first
        first = after_list[0][1]
        assert len(first) >= min(per_page, n + 1) and len(first) < 2 * per_page


def test_plan_has_every_page_once():
    pages = plan_pages(model_of([article(n) for n in range(8)]))
    files = [p.file for p in pages]
    assert len(files) == len(set(files))
    assert {"index.html", "page/1/index.html", "topics/index.html",
            "topics/water/index.html", "actors/iraq/page/1/index.html", "actors/nato/index.html",
            "archive/index.html", "archive/2024/01/index.html", "404.html", "search/index.html"} <= set(files)


def keys(model):
    return {p.url_path: p.key_data for p in plan_pages(model)}


def test_page_keys_change_exactly_with_what_the_page_shows():
    base = [article(n) for n in range(7)]
    before = keys(model_of(base))
    assert before == keys(model_of(list(base)))            # same content, same keys
    edited = list(base)
    edited[0] = article(0, title="Story zero, revised", content_hash="hash-0b")
    after = keys(model_of(edited))
    changed = {url for url in before if before[url] != after.get(url)}
    # Story 0 is the oldest: its page, its neighbour's, the last home page, its topic and actor
    # pages, and the month list show it. Story 6's page does not.
    assert "articles/2024/01/story-0/" in changed and "articles/2024/01/story-1/" in changed
    assert "articles/2024/01/story-6/" not in changed and "topics/water/" not in changed
    assert "topics/energy/" in changed or "topics/energy/page/1/" in changed


def test_template_fingerprint_follows_includes_and_imports(tmp_path):
    env = make_environment(tmp_path / "templates")
    before = template_fingerprint(env, "term.html")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/macros.html").write_text(
        (__import__("newsdigest.render", fromlist=["THEME"]).THEME / "macros.html").read_text() + "\n{# changed #}\n")
    env = make_environment(tmp_path / "templates")
    assert template_fingerprint(env, "term.html") != before       # term.html imports macros.html
    assert template_fingerprint(env, "404.html") == template_fingerprint(make_environment(tmp_path / "none"), "404.html")


def test_compiled_templates_are_kept_between_processes_and_a_damaged_one_is_compiled_again(tmp_path, monkeypatch):
    """A build process reads the theme compiled by the last one (render._CompiledTemplates);
    tests/test_engine.py's clean builds compile afresh, the builds they are compared with read them."""
    from newsdigest import render
    compiled = tmp_path / "compiled"
    first = make_environment(tmp_path / "templates", compiled).get_template("term.html")
    files = list(compiled.glob("*/__jinja2_*.cache"))
    assert files, "term.html compiled and kept (what it includes is compiled when rendered)"

    def no_compiling(self, *args, **kwargs):
        raise AssertionError("compiled again, not read")
    with monkeypatch.context() as patch:
        patch.setattr(render.Environment, "compile", no_compiling)
        again = make_environment(tmp_path / "templates", compiled).get_template("term.html")
    assert again.root_render_func.__code__.co_code == first.root_render_func.__code__.co_code

    for file in files:
        file.write_bytes(b"not compiled code")
    assert make_environment(tmp_path / "templates", compiled).get_template("term.html")
    (compiled / "0123456789abcdef").mkdir()   # left by another newsdigest: removed
    make_environment(tmp_path / "templates", compiled)
    assert not (compiled / "0123456789abcdef").exists()


def test_json_in_a_script_element_cannot_close_it():
    text = script_safe_json({"headline": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert __import__("json").loads(text)["headline"].startswith("</script>")


def test_plain_label_can_only_be_text():
    assert plain_label("<img src=x onerror=alert(1)> & co") == "img src=x onerror=alert(1)  co"


def test_related_lists_need_someone_shared_and_an_actor_of_no_known_kind_is_someone():
    """A related article shares an actor that is not a country or a place. Front matter names
    people and bodies without their kind: they count, and one mention that later gives such an
    actor a kind leaves the related lists as they were (it rewrote hundreds of pages per article
    added to a 10,000-article site)."""
    from newsdigest.core import ActorProfile
    a = article(1, actors=("Iraq", "Layla Fenselman"))
    b = article(2, actors=("Iraq", "Layla Fenselman"))
    c = article(3, actors=("Iraq", "Syria"))
    related = {a.id: (b.id, c.id), b.id: (a.id, c.id), c.id: (a.id, b.id)}
    countries = {"Iraq": ActorProfile(kind="country"), "Syria": ActorProfile(kind="country")}
    unknown = build_model(SiteConfig(), [a, b, c], countries, related=related)
    assert unknown.related[a.id] == (b.id,) and unknown.related[c.id] == ()
    person = build_model(SiteConfig(), [a, b, c], {**countries, "Layla Fenselman": ActorProfile(kind="person")},
                         related=related)
    assert person.related == unknown.related


def _pages_by_url(pages) -> dict:
    return {page.url_path: (page.template, page.key_data) for page in pages}


@pytest.mark.parametrize("where", range(1, 9))
def test_a_plan_from_the_last_one_is_the_plan_made_afresh_when_an_article_lands_past_a_skipped_one(where):
    """An article page's previous and next pass over the articles it lists already (related,
    its story). The engine's plan takes most article pages from the last plan unplanned; one
    whose older neighbour was skipped over must still see an article landing just past it.
    `where`: the new article's place among ten, each listing its older neighbour as related."""
    from newsdigest.plan import PlanMemo
    articles = [article(n, actors=("Layla Fenselman",)) for n in range(0, 20, 2)]
    related = {a.id: (b.id,) for a, b in zip(articles[1:], articles)}   # each lists the one before it
    config = SiteConfig(items_per_page=3)
    memo = PlanMemo()
    plan_pages(build_model(config, articles, related=related), memo)
    added = article(2 * where - 1, actors=("Layla Fenselman",))
    now = build_model(config, [*articles, added], related=related)
    assert _pages_by_url(plan_pages(now, memo)) == _pages_by_url(plan_pages(now))


def test_a_plan_from_the_last_one_counts_an_article_moved_to_another_week_on_the_topic_trends():
    """The topics page draws each topic's articles over the site's time axis. An article re-dated
    to an earlier day that keeps its place in the order: its topic holds the same articles in the
    same order, the same term object for the engine, and its trend must still move."""
    from newsdigest.model import ModelMemo
    from newsdigest.plan import PlanMemo
    config = SiteConfig(items_per_page=3)
    articles = [article(n, date=datetime(2024, 3, 1, tzinfo=TZ) + timedelta(days=7 * n)) for n in range(6)]
    model_memo, memo = ModelMemo(), PlanMemo()
    plan_pages(build_model(config, articles, memo=model_memo), memo)
    redated = article(2, date=datetime(2024, 3, 9, tzinfo=TZ), content_hash="hash-2-redated")  # a week earlier, after 1
    moved = [*articles[:2], redated, *articles[3:]]
    last_terms = dict(model_memo.taxonomies["topics"].terms)
    now = build_model(config, moved, memo=model_memo)
    assert all(term is last_terms[term.name.casefold()] for term in now.taxonomy("topics").terms)
    assert _pages_by_url(plan_pages(now, memo)) == _pages_by_url(plan_pages(build_model(config, moved)))


def test_a_plan_from_the_last_one_shows_a_story_joined_by_an_article_far_from_its_reports():
    """The engine's plan visits only the article pages a change reaches. A new article that
    joins a story whose reports are far older (no neighbour of it, listing nothing of it) must
    still reach their pages: they show the story's reports and sources."""
    from newsdigest.core import Story, StoryIndex
    from newsdigest.plan import PlanMemo
    articles = [article(n, source=f"Outlet {n}") for n in range(0, 40, 2)]
    added = article(41, source="Outlet 41")

    def stories(*members):
        story = Story("dam", members[0].title, tuple(a.id for a in members), tuple(a.source for a in members),
                      members[0].source, members[0].date, members[-1].date)
        return StoryIndex((story,), {a.id: story.id for a in members})
    config = SiteConfig(items_per_page=3)
    memo = PlanMemo()
    plan_pages(build_model(config, articles, stories=stories(articles[0], articles[1])), memo)
    now = build_model(config, [*articles, added], stories=stories(articles[0], articles[1], added))
    assert _pages_by_url(plan_pages(now, memo)) == _pages_by_url(plan_pages(now))


def test_a_plan_from_the_last_one_links_a_digest_entry_to_its_story_once_a_later_report_joins_it():
    """A digest whose articles and stories are the same keeps its object (digests.build_digests'
    memo), but an entry links to its story's page once the story has two reports: a report a
    week later joining the story of an older one must move the older day's digest link."""
    from newsdigest.core import Story, StoryIndex
    from newsdigest.digests import build_digests
    from newsdigest.enrich import story_input
    from newsdigest.plan import PlanMemo

    def index(*groups):
        stories = tuple(Story(f"s-{g[0].id}", g[0].title, tuple(a.id for a in g), tuple(a.source for a in g),
                              g[0].source, g[0].date, g[-1].date) for g in groups)
        return StoryIndex(stories, {a.id: s.id for s, g in zip(stories, groups) for a in g})

    def model(articles, stories, memo):
        digests = build_digests([story_input(a) for a in articles], stories, TZ, memo)
        return build_model(config, articles, stories=stories, digests=digests)
    articles = [article(n, source=f"Outlet {n}") for n in range(0, 40, 2)]
    added = article(41, source="Outlet 2")   # no new outlet: the source slugs are the same
    config = SiteConfig(items_per_page=3)
    digests_memo, memo = {}, PlanMemo()
    before = model(articles, index(*([a] for a in articles)), digests_memo)
    plan_pages(before, memo)
    now = model([*articles, added], index([articles[0], added], *([a] for a in articles[1:])), digests_memo)
    assert before.digests[-1] is now.digests[-1], "the oldest day's digest is the same object"
    assert _pages_by_url(plan_pages(now, memo)) == _pages_by_url(plan_pages(now))


def test_a_plan_from_the_last_one_for_another_date_format_shows_every_date_in_it():
    """What the engine's plan keeps per article (its headline in a story's 'also reported by',
    its card) shows dates in the config's format: a plan for another config keeps none of it."""
    from newsdigest.core import Story, StoryIndex
    from newsdigest.plan import PlanMemo
    articles = [article(n, source=f"Outlet {n}") for n in range(6)]
    reports = articles[:3]
    story = Story("dam", reports[0].title, tuple(a.id for a in reports), tuple(a.source for a in reports),
                  reports[0].source, reports[0].date, reports[-1].date)
    stories = StoryIndex((story,), {a.id: story.id for a in reports})
    memo = PlanMemo()
    plan_pages(build_model(SiteConfig(items_per_page=3), articles, stories=stories), memo)
    now = build_model(SiteConfig(items_per_page=3, date_format="%Y/%m/%d"), articles, stories=stories)
    assert _pages_by_url(plan_pages(now, memo)) == _pages_by_url(plan_pages(now))


def _story_index(articles, groups):
    """A story of each group of articles (indexes into `articles`, oldest first)."""
    from newsdigest.core import Story, StoryIndex
    stories = tuple(Story(f"s-{g[0]}", articles[g[0]].title, tuple(articles[n].id for n in g),
                          tuple(articles[n].source for n in g), articles[g[0]].source, articles[g[0]].date,
                          articles[g[-1]].date) for g in groups)
    return StoryIndex(tuple(sorted(stories, key=lambda s: (s.last_date, s.id), reverse=True)),
                      {articles[n].id: s.id for s, g in zip(stories, groups) for n in g})


def test_a_plan_from_the_last_one_shows_each_stories_page_as_made_afresh():
    """The pages of /stories/ are taken from the last plan while their stories, their first
    reports and the sources' slugs are the same: a story joined by a report, a first report in
    another language, a report from another outlet, and a source renamed to another slug each
    change the lines that show them."""
    from newsdigest.plan import PlanMemo
    index = _story_index
    articles = [article(n, source=f"Outlet {n % 5}") for n in range(40)]
    pairs = [[n, n + 1] for n in range(0, 40, 2)]
    config = SiteConfig(items_per_page=3)   # six stories a page
    memo = PlanMemo()
    plan_pages(build_model(config, articles, stories=index(articles, pairs)), memo)
    joined = [list(p) for p in pairs]
    joined[3].append(39)
    joined[-1].remove(39)
    relang = list(articles)
    relang[10] = article(10, source="Outlet 0", lang="ar", content_hash="hash-10-ar")
    renamed = [a if a.source != "Outlet 3" else article(int(a.id[3:]), source="Outlet 33") for a in relang]
    other = [a if a.id != "id-011" else article(11, source="Outlet 4") for a in articles]
    for step, (now, groups) in {"a report from another outlet": (other, pairs), "joined": (articles, joined),
                                "another language": (relang, joined),
                                "a source renamed": (renamed, joined)}.items():
        model = build_model(config, now, stories=index(now, groups))
        pages = _pages_by_url(plan_pages(model, memo))
        fresh = _pages_by_url(plan_pages(model))
        assert pages == fresh, step


def test_a_story_changed_deep_in_the_archive_changes_its_months_page_and_the_first_only():
    """/stories/ lists the latest stories and the months; each month has a page of the stories
    whose last report came in it. A story split in two far back (the clustering re-decides old
    pairs as words' weights move with the corpus) changes its month's page and the first page's
    counts; every other month's page is the last plan's, untouched, and the plan is the one made
    afresh."""
    from newsdigest.plan import PlanMemo
    index = _story_index
    # 120 days of articles (about four months), a story of four reports every four days
    articles = [article(n, source=f"Outlet {n % 5}") for n in range(120)]
    quads = [[n, n + 1, n + 2, n + 3] for n in range(0, 120, 4)]
    config = SiteConfig(items_per_page=3)
    memo = PlanMemo()
    before = {p.url_path: p for p in plan_pages(build_model(config, articles, stories=index(articles, quads)), memo)}
    months = sorted(url for url in before if url.startswith("stories/2024/"))
    assert months == ["stories/2024/01/", "stories/2024/02/", "stories/2024/03/", "stories/2024/04/"]
    assert not any(url.startswith("stories/page/") for url in before)
    split = [list(q) for q in quads]
    split[3:4] = [[12, 13], [14, 15]]    # a story of January (days 12 to 15) told as two
    model = build_model(config, articles, stories=index(articles, split))
    after = {p.url_path: p for p in plan_pages(model, memo)}
    planned_again = {url for url, page in after.items() if url.startswith("stories/") and before.get(url) is not page
                     and not url.startswith("stories/s-")}
    assert planned_again == {"stories/", "stories/2024/01/"}
    assert _pages_by_url(after.values()) == _pages_by_url(plan_pages(model))
    january = [line["url"] for line in after["stories/2024/01/"].context["stories"]]
    assert "stories/s-12/" in january and "stories/s-14/" in january


def test_term_charts_and_trends_from_the_kept_days_match_those_counted_afresh():
    """A term's charts and trends count its articles by their local day, which the engine's plan
    keeps per article from one model to the next (Current.day_of, brought up to date from the
    articles changed since): after articles are added, re-dated, given other actors and removed,
    each term's charts are those counted article by article on the model as it is."""
    import random
    from newsdigest import charts
    from newsdigest.model import ModelMemo
    from newsdigest.plan import Current, _related, _term_chart_values
    from newsdigest.core import name_key
    rng = random.Random(3)
    people = ("Layla Fenselman", "Omar Haddad", "Iraq", "NATO", "Sara Kin")
    from zoneinfo import ZoneInfo
    config = SiteConfig(items_per_page=3, timezone=ZoneInfo("Asia/Baghdad"))

    def made(n: int) -> Article:
        when = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(hours=rng.randrange(24 * 200))
        return article(n, date=when, actors=tuple(rng.sample(people, rng.randint(1, 3))),
                       content_hash=f"hash-{n}-{rng.random()}")
    articles = {n: made(n) for n in range(40)}
    model_memo, kept = ModelMemo(), Current()
    for step in range(12):
        for _ in range(3):
            n = rng.randrange(60)
            if n in articles and rng.random() < 0.3:
                del articles[n]
            else:
                articles[n] = made(n)   # new, or re-dated with other actors
        model = build_model(config, list(articles.values()), memo=model_memo)
        kept.model = model
        tz = model.config.timezone
        for tax in model.taxonomies:
            for term in tax.terms:
                related = _related(model, tax, term.slug)
                found = _term_chart_values(kept, term.article_ids, related)
                days = [model.article(i).date.astimezone(tz).date() for i in term.article_ids]
                axis = charts.axis_between(min(days), max(days))
                slugs = model.taxonomy("actors").slug_of
                assert found["coverage"]["counts"] == charts.counts_on(axis, days), (step, term.slug)
                for row, other in zip(found["together"]["rows"], related["actors"]):
                    assert row["counts"] == charts.counts_on(axis, [
                        model.article(i).date.astimezone(tz).date() for i in term.article_ids
                        if other["slug"] in {slugs[name_key(a)] for a in model.article(i).actors}]), (step, term.slug)


def test_the_digest_feeds_the_engine_keeps_are_those_made_afresh_once_a_later_report_joins_a_story():
    """The engine keeps each digest's feed item while the digest, its entries' first articles,
    which of their stories have a page and the sources' slugs are the same: a report a week
    later joining the story of an older one moves the older day's entry link in the feed."""
    from newsdigest.core import Story, StoryIndex
    from newsdigest.digests import build_digests
    from newsdigest.enrich import story_input
    from newsdigest.outputs import other_outputs
    from newsdigest.plan import PlanMemo, feed_specs

    def index(*groups):
        stories = tuple(Story(f"s-{g[0].id}", g[0].title, tuple(a.id for a in g), tuple(a.source for a in g),
                              g[0].source, g[0].date, g[-1].date) for g in groups)
        return StoryIndex(stories, {a.id: s.id for s, g in zip(stories, groups) for a in g})

    def model(articles, stories):
        digests = build_digests([story_input(a) for a in articles], stories, TZ, digests_memo)
        return build_model(config, articles, stories=stories, digests=digests)

    def feeds(model, memo=None):
        return {o.path: o.make() for o in other_outputs(model, feed_specs(model), [], memo) if "digest" in o.path}
    articles = [article(n, source=f"Outlet {n}") for n in range(0, 40, 2)]
    added = article(41, source="Outlet 2")
    config = SiteConfig(items_per_page=3, feed_size=40)
    digests_memo, memo = {}, PlanMemo()
    before = model(articles, index(*([a] for a in articles)))
    memo.start(config)
    assert feeds(before, memo) == feeds(before)
    now = model([*articles, added], index([articles[0], added], *([a] for a in articles[1:])))
    assert feeds(now, memo) == feeds(now)
    assert feeds(now, memo) == feeds(now)   # taken whole


def test_a_term_planned_again_keeps_its_older_pages_and_remakes_those_a_change_reaches():
    """A term that gains an article is planned again, but its numbered older pages show what
    they showed: each is the last plan's page object, no card looked up again (add_list). A page
    whose article changed is made again, and the plan is the one made afresh."""
    from newsdigest.model import ModelMemo
    from newsdigest.plan import PlanMemo
    config = SiteConfig(items_per_page=3)
    articles = [article(n, topics=("Water",)) for n in range(0, 30)]
    model_memo, memo = ModelMemo(), PlanMemo()
    first = {p.url_path: p for p in plan_pages(build_model(config, articles, memo=model_memo), memo)}
    older = [url for url in first if url.startswith("topics/water/page/")]
    assert len(older) >= 8
    grown = [*articles[:4], article(4, topics=("Water",), title="Story 4, corrected", content_hash="hash-4b"),
             *articles[5:], article(30, topics=("Water",))]
    now = build_model(config, grown, memo=model_memo)
    second = {p.url_path: p for p in plan_pages(now, memo)}
    assert _pages_by_url(second.values()) == _pages_by_url(plan_pages(build_model(config, grown)))
    remade = [url for url in older if second[url] is not first[url]]
    assert remade == ["topics/water/page/2/"]    # articles 3 to 5, oldest first: the corrected one
    assert second["topics/water/page/2/"].key_data != first["topics/water/page/2/"].key_data


def test_a_long_lists_hash_keeps_its_older_blocks_and_is_the_hash_made_afresh(monkeypatch):
    """A list's cards are hashed in blocks counted from its oldest end (Planner.cards_key): an
    article added at the newest end leaves every older block's hash as it was, an edited card
    remakes its block alone, a deletion the blocks from it to the newest end; and every plan is
    the one made afresh, keys included."""
    from newsdigest import plan as plan_module
    from newsdigest.model import ModelMemo
    from newsdigest.plan import PlanMemo
    monkeypatch.setattr(plan_module, "CARDS_BLOCK", 4)
    config = SiteConfig(items_per_page=3)
    articles = [article(n, topics=("Water",)) for n in range(30)]
    model_memo, memo = ModelMemo(), PlanMemo()
    plan_pages(build_model(config, articles, memo=model_memo), memo)
    key = ("term", "topics", "water")
    corrected = article(5, topics=("Water",), title="Story 5, corrected", content_hash="hash-5b")
    steps = [("added", [*articles, article(30, topics=("Water",))], 1),
             ("edited", [*articles[:5], corrected, *articles[6:], article(30, topics=("Water",))], 1),
             ("deleted", [*articles[:5], corrected, *articles[6:12], *articles[13:], article(30, topics=("Water",))], 5)]
    for name, items, remade in steps:
        before = memo.lists[key][2]
        now = build_model(config, items, memo=model_memo)
        assert _pages_by_url(plan_pages(now, memo)) == _pages_by_url(plan_pages(build_model(config, items))), name
        after = memo.lists[key][2]
        assert len(after) == 8 and sum(a is not b for a, b in zip(after, before)) == remade, name

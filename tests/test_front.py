"""newsdigest.front: what the front page leads with, from articles, their stories and topics."""
from __future__ import annotations

from datetime import datetime, timedelta

from newsdigest.front import CANDIDATES, front_page, top_stories
from newsdigest.core import Story, StoryIndex
from newsdigest.taxonomy import build_taxonomy

from test_plan import TZ, article

START = datetime(2024, 5, 1, 8, tzinfo=TZ)


def at(n: int, hours: float, source: str, topics=("Water",)):
    return article(n, date=START + timedelta(hours=hours), source=source, topics=topics)


def index_of(articles, groups: dict[str, list[int]]) -> StoryIndex:
    """Stories as given (story id -> article numbers); every other article alone in its own."""
    by_n = {int(a.id[3:]): a for a in articles}
    stories, story_of = [], {}
    grouped = {n for ns in groups.values() for n in ns}
    groups = {**groups, **{f"alone-{n}": [n] for n in by_n if n not in grouped}}
    for sid, ns in groups.items():
        members = sorted((by_n[n] for n in ns), key=lambda a: (a.date, a.id))
        stories.append(Story(sid, members[0].title, tuple(a.id for a in members),
                             tuple(dict.fromkeys(a.source for a in members)), members[0].source,
                             members[0].date, members[-1].date))
        story_of.update((a.id, sid) for a in members)
    return StoryIndex(tuple(stories), story_of)


def newest_first(articles):
    return tuple(sorted(articles, key=lambda a: a.date, reverse=True))


def test_the_story_most_sources_report_leads_with_its_first_report_and_one_headline_per_other_source():
    arts = newest_first([at(1, 0, "A"), at(2, 1, "B"), at(3, 2, "C"), at(4, 3, "B"),   # story s: 3 sources
                         at(5, 5, "D"), at(6, 6, "E")])                                # newer, alone
    top = top_stories(arts, index_of(arts, {"s": [1, 2, 3, 4]}))
    assert top[0].story_id == "s" and top[0].lead_id == "id-001" and top[0].source_count == 3
    assert top[0].other_ids == ("id-002", "id-003")   # B's second report is not repeated
    assert [t.lead_id for t in top[1:]] == ["id-006", "id-005"]   # then the fresher first
    assert all(t.story_id == "" and t.other_ids == () for t in top[1:])


def test_a_busy_site_leads_with_the_last_days_stories_not_an_old_big_one():
    old = [at(n, -24 * 30 + n, f"S{n}") for n in range(1, 5)]                   # 4 sources, a month ago
    fresh = [at(100 + n, n, f"F{n}") for n in range(CANDIDATES + 5)]            # many stories today
    fresh += [at(200, 1.5, "F1"), at(201, 2.5, "F2")]                            # one of them: 3 sources
    arts = newest_first(old + fresh)
    top = top_stories(arts, index_of(arts, {"old": [1, 2, 3, 4], "today": [101, 200, 201]}))
    assert top[0].story_id == "today" and "old" not in {t.story_id for t in top}


def test_a_quiet_site_still_leads_with_its_most_reported_recent_story():
    arts = newest_first([at(1, 0, "A"), at(2, 2, "B"), at(3, 24 * 90, "C"), at(4, 24 * 200, "D")])
    assert top_stories(arts, index_of(arts, {"s": [1, 2]}))[0].story_id == "s"


def test_sections_follow_the_main_topics_and_no_article_is_shown_twice():
    topics = ("Water", "Energy", "Security")
    arts = newest_first([at(n, n, f"S{n}", topics=(topics[n % 3],)) for n in range(1, 30)])
    tax = build_taxonomy("topics", "topic", "Topics", ((a.id, a.topics) for a in arts))
    front = front_page(arts, index_of(arts, {}), tax)
    led = [i for t in front.stories for i in (t.lead_id, *t.other_ids)]
    sectioned = [i for s in front.sections for i in s.article_ids]
    assert len(led) == 5 and len(sectioned) == 9 and not set(led) & set(sectioned)
    assert {s.topic_slug for s in front.sections} == {"water", "energy", "security"}
    assert front.shown == frozenset(led + sectioned)


def test_no_articles_no_front():
    tax = build_taxonomy("topics", "topic", "Topics", ())
    front = front_page((), None, tax)
    assert front.stories == () and front.sections == ()


def _top_stories_over_every_group(articles, stories, limit=5):
    """top_stories as first written: every article grouped, every group sorted (the reference the
    front page's reading of only the newest articles must equal)."""
    from newsdigest.front import RECENT_DAYS, _top_story
    by_story, alone = {}, []
    for a in articles:
        sid = stories.story_of.get(a.id, "")
        (by_story.setdefault(sid, []).append(a) if sid else alone.append(("", [a])))
    groups = [(sid, sorted(g, key=lambda a: (a.date, a.id))) for sid, g in by_story.items()] + alone
    groups.sort(key=lambda g: (-g[1][-1].date.timestamp(), g[1][-1].id))
    since = groups[0][1][-1].date - timedelta(days=RECENT_DAYS)
    recent = [g for g in groups if g[1][-1].date >= since]
    candidates = recent if len(recent) >= CANDIDATES else groups[:CANDIDATES]
    ranked = sorted(candidates, key=lambda g: -len({a.source or a.id for a in g[1]}))
    return tuple(_top_story(sid, g, len(g) > 1) for sid, g in ranked[:limit])


def test_reading_only_the_newest_articles_leads_with_what_reading_them_all_does():
    """Stories spread over weeks, many articles at the same hour, quiet and busy sites."""
    import random
    for seed in range(200):
        rng = random.Random(seed)
        count = rng.randint(1, 90)
        spread = rng.choice([2, 30, 24 * 40])            # hours
        step = rng.choice([1, 6, 72])                    # coarse steps: many articles at one time
        arts = [at(n, rng.randrange(spread) // step * step, rng.choice("ABCDE")) for n in range(count)]
        arts = tuple(sorted(arts, key=lambda a: a.sort_key))
        numbers = [int(a.id[3:]) for a in arts]
        rng.shuffle(numbers)
        groups, i = {}, 0
        while i < len(numbers):
            size = rng.choice([1, 1, 2, 3, 6])
            groups[f"s{i}"] = numbers[i:i + size]
            i += size
        index = index_of(arts, groups)
        for limit in (5, 10 * CANDIDATES):   # the first five, and every candidate in its rank
            assert top_stories(arts, index, limit) == _top_stories_over_every_group(arts, index, limit), seed

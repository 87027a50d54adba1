"""newsdigest.digests: daily and weekly digests of stories grouped by topic."""
from __future__ import annotations

import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from newsdigest.core import Digest
from newsdigest import urls
from newsdigest.digests import OTHER, build_digests, day_key, week_key
from newsdigest.stories import StoryInput, cluster_stories
from test_stories_quality import labelled_inputs

BAGHDAD = ZoneInfo("Asia/Baghdad")


def periods_of(article) -> tuple[str, str]:
    """The keys of the day and week digests an article belongs to, in Baghdad."""
    local = article.date.astimezone(BAGHDAD).date()
    return day_key(local), week_key(local)


def item(aid, when, title, source="S", topics=(), actors=(), text=None) -> StoryInput:
    text = text or f"{title}."
    return StoryInput(aid, datetime.fromisoformat(when), title, text.split("\n\n")[0], text, source,
                      tuple(actors), tuple(topics))


def digests(items, tz=BAGHDAD) -> dict[str, Digest]:
    return {d.key: d for d in build_digests(items, cluster_stories(items), tz)}


# Two reports of talks on Monday, a follow-up on Tuesday, and an unrelated sports story on Monday.
TALKS = "Iraq and Turkey open water talks in Ankara on the Tigris flow"
ITEMS = [
    item("t1", "2024-09-02T10:00:00+03:00", TALKS, "Tigris Wire", ["Water", "Diplomacy"], ["Hadi Salman", "Turkey"],
         "Iraq's water minister Hadi Salman opened talks in Ankara on the Tigris flow and summer releases."),
    item("t2", "2024-09-02T12:00:00+03:00", "Water talks on Tigris releases begin in Ankara", "Gulf Desk",
         ["Water"], ["Hadi Salman", "Turkey"],
         "Talks in Ankara on summer releases into the Tigris began, led by the water minister Hadi Salman."),
    item("t3", "2024-09-03T19:00:00+03:00", "Ankara water talks end with a deal on Tigris releases", "Tigris Wire",
         ["Water"], ["Hadi Salman", "Turkey"],
         "The Ankara talks on Tigris releases ended with a deal, water minister Hadi Salman said."),
    item("s1", "2024-09-02T22:00:00+03:00", "Iraq beat Oman in qualifier", "Gulf Desk", ["Sport"], ["Oman"]),
    item("n1", "2024-09-02T23:00:00+03:00", "Book fair opens in Erbil", "Erbil Herald", [], ["Erbil"]),
]


def test_one_digest_per_day_and_per_iso_week_with_articles():
    found = digests(ITEMS)
    assert set(found) == {"2024-09-02", "2024-09-03", "2024-W36"}
    week = found["2024-W36"]
    assert (week.kind, week.start, week.end) == ("week", date(2024, 9, 2), date(2024, 9, 8))
    day = found["2024-09-02"]
    assert (day.kind, day.start, day.end) == ("day", date(2024, 9, 2), date(2024, 9, 2))
    assert urls.digest(day.key) == "digest/2024-09-02/" and urls.digest(week.key) == "digest/2024-W36/"


def test_days_are_local_days_of_the_site_timezone():
    late = item("late", "2024-08-27T22:30:00+00:00", "Late report")       # 01:30 on the 28th in Baghdad
    assert set(digests([late])) == {"2024-08-28", "2024-W35"}
    assert set(digests([late], ZoneInfo("UTC"))) == {"2024-08-27", "2024-W35"}
    assert periods_of(late) == ("2024-08-28", "2024-W35")


def test_iso_weeks_cross_years():
    assert week_key(date(2024, 12, 30)) == "2025-W01"
    assert week_key(date(2021, 1, 3)) == "2020-W53"


def test_stories_are_grouped_by_topic_and_ranked_by_coverage():
    day = digests(ITEMS)["2024-09-02"]
    assert [g.topic for g in day.groups] == ["Water", "Sport", OTHER]
    water = day.groups[0].entries
    assert len(water) == 1
    entry = water[0]
    assert entry.article_ids == ("t1", "t2")
    assert entry.sources == ("Tigris Wire", "Gulf Desk")
    assert entry.title == TALKS
    assert entry.lede.startswith("Iraq's water minister Hadi Salman opened talks")
    assert entry.coverage == (2, 2)


def test_a_story_shows_only_the_periods_articles_in_a_daily_digest_and_all_in_the_weekly():
    found = digests(ITEMS)
    (tuesday,) = found["2024-09-03"].entries
    assert tuesday.article_ids == ("t3",) and tuesday.title.startswith("Ankara water talks end")
    week = found["2024-W36"]
    talks = next(e for e in week.entries if "t1" in e.article_ids)
    assert talks.article_ids == ("t1", "t2", "t3")
    assert talks.story_id == tuesday.story_id
    assert sorted(week.article_ids) == sorted(a.id for a in ITEMS)


def test_the_primary_topic_is_the_one_most_articles_carry():
    items = [item("a", "2024-01-01T10:00:00+00:00", "Salman talks Ankara Tigris", topics=["Diplomacy", "Water"],
                  actors=["Hadi Salman"]),
             item("b", "2024-01-01T11:00:00+00:00", "Salman talks Ankara Tigris", topics=["Water"],
                  actors=["Hadi Salman"])]
    (group,) = digests(items)["2024-01-01"].groups
    assert group.topic == "Water"


def test_entries_with_equal_coverage_are_ranked_by_recency_and_groups_by_coverage():
    items = [item("old", "2024-01-01T08:00:00+00:00", "Budget debate resumes", topics=["Economy"]),
             item("new", "2024-01-01T09:00:00+00:00", "Dinar steady at the auction", topics=["Economy"]),
             item("big1", "2024-01-01T07:00:00+00:00", "Alpha beta gamma delta", "A", ["Energy"], ["Rumaila"]),
             item("big2", "2024-01-01T07:30:00+00:00", "Alpha beta gamma delta", "B", ["Energy"], ["Rumaila"])]
    day = digests(items)["2024-01-01"]
    assert [g.topic for g in day.groups] == ["Energy", "Economy"]
    assert [e.article_ids for e in day.groups[1].entries] == [("new",), ("old",)]


def test_digests_are_newest_first_with_the_week_before_the_day_it_ends_on():
    items = [item("sun", "2024-09-08T10:00:00+03:00", "Sunday"), item("mon", "2024-09-02T10:00:00+03:00", "Monday")]
    keys = [d.key for d in build_digests(items, cluster_stories(items), BAGHDAD)]
    assert keys == ["2024-W36", "2024-09-08", "2024-09-02"]


def test_updated_is_the_newest_articles_date():
    assert digests(ITEMS)["2024-W36"].updated == ITEMS[2].date


def test_no_articles_no_digests():
    assert build_digests([], cluster_stories([]), BAGHDAD) == ()


@pytest.fixture(scope="module")
def labelled():
    items = labelled_inputs()
    return items, build_digests(items, cluster_stories(items), BAGHDAD)


def test_digests_do_not_depend_on_input_order(labelled):
    items, built = labelled
    shuffled = items[:]
    random.Random(5).shuffle(shuffled)
    assert build_digests(shuffled, cluster_stories(shuffled), BAGHDAD) == built


def test_adding_an_article_changes_only_its_day_and_week(labelled):
    items, built = labelled
    added = next(a for a in items if a.id == "s05")          # a follow-up, joins an existing story
    rest = [a for a in items if a.id != added.id]
    before = {d.key: d for d in build_digests(rest, cluster_stories(rest), BAGHDAD)}
    after = {d.key: d for d in built}
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed == set(periods_of(added))


def test_every_article_is_in_exactly_one_daily_and_one_weekly_digest(labelled):
    items, built = labelled
    for kind in ("day", "week"):
        ids = [aid for d in built if d.kind == kind for aid in d.article_ids]
        assert sorted(ids) == sorted(a.id for a in items)


def test_digests_kept_by_the_engine_between_changes_are_those_made_afresh(labelled):
    """build_digests with the engine's memo through random adds, deletes, re-dates (the same id,
    another item: another local day), repeats of the very same items and index (the memo's
    result is returned), a change of timezone, and articles moved to another story with no item
    changed (only the periods of what changed are visited), against building from nothing."""
    from dataclasses import replace
    from datetime import timedelta
    from newsdigest.core import StoryIndex
    items, _ = labelled
    rng = random.Random(1203)
    held = {a.id: a for a in items[: len(items) // 2]}
    memo: dict = {}
    tz = BAGHDAD
    index = cluster_stories(list(held.values()))
    for step in range(60):
        op = rng.choice(["add", "delete", "redate", "same", "tz", "restory"])
        if op == "add":
            extra = [a for a in items if a.id not in held]
            if extra:
                added = rng.choice(extra)
                held[added.id] = added
        elif op == "delete" and len(held) > 3:
            del held[rng.choice(sorted(held))]
        elif op == "redate":
            aid = rng.choice(sorted(held))
            held[aid] = replace(held[aid], date=held[aid].date + timedelta(hours=rng.choice([-30, 5, 30])))
        elif op == "tz":
            tz = ZoneInfo("America/New_York") if tz is BAGHDAD else BAGHDAD
        now = list(held.values())
        if op == "restory":   # one article joins another's story, one leaves its own: the items are the same
            story_of = dict(index.story_of)
            a, b, c = (rng.choice(sorted(held)) for _ in range(3))
            story_of[a] = story_of.get(b, b)
            story_of.pop(c, None)
            index = StoryIndex(index.stories, story_of)
        elif op != "same":
            index = cluster_stories(now)
        kept = build_digests(now, index, tz, memo)
        assert kept == build_digests(now, index, tz), (step, op)
        if op == "same":
            assert kept is memo[None]["result"]

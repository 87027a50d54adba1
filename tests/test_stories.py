"""newsdigest.stories: story clustering and related articles, pure functions of the set of articles."""
from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from newsdigest import urls
from newsdigest.core import Story, StoryIndex
from newsdigest.related import recency, related_articles
from newsdigest.stories import StoryInput, cluster_stories, explain_pair, story_id
from conftest import needs_seeds
from test_stories_quality import labelled_inputs, seed_records, as_input

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BAGHDAD = timezone(timedelta(hours=3))


def item(aid: str, when: str, title: str, text: str, source: str = "Tigris Wire", actors=(), topics=()) -> StoryInput:
    lede = text.split("\n\n")[0]
    return StoryInput(aid, datetime.fromisoformat(when), title, lede, text, source, tuple(actors), tuple(topics))


# Three reports of one event and a different event between the same people, the same week.
FIRE = [
    item("f1", "2024-08-19T06:40:00+03:00", "Fire breaks out at Rumaila oil field",
         "A fire broke out on Monday at a gas separation unit in the Rumaila oil field west of Basra. "
         "Two workers were taken to hospital with burns.", "Euphrates Times", ["Basra Oil Company", "Basra"], ["Energy"]),
    item("f2", "2024-08-19T10:20:00+03:00", "Two hurt as blaze hits Iraq's biggest oil field",
         "Two workers suffered burns when fire engulfed a gas separation unit at Rumaila on Monday morning.",
         "Gulf Desk", ["Basra Oil Company", "Iraq"], ["Energy"]),
    item("f3", "2024-08-20T12:00:00+03:00", "Rumaila fire put out after a day",
         "Civil defence teams put out the fire at the Rumaila gas separation unit after more than 24 hours.",
         "Euphrates Times", ["Basra Oil Company", "Civil Defence"], ["Energy"]),
    item("g1", "2024-08-21T10:00:00+03:00", "Basra Oil Company signs deal to capture flared gas",
         "Basra Oil Company signed a contract on Wednesday with Westray Energy to capture gas now burned off "
         "at two southern fields.", "Mesopotamia Press", ["Basra Oil Company", "Westray Energy"], ["Energy", "Economy"]),
]


def groups(index: StoryIndex) -> set[frozenset]:
    return {frozenset(s.article_ids) for s in index.stories}


# --- clustering --------------------------------------------------------------------------------------

def test_reports_of_one_event_are_one_story_and_another_event_is_not():
    index = cluster_stories(FIRE)
    assert groups(index) == {frozenset({"f1", "f2", "f3"}), frozenset({"g1"})}


def test_a_story_lists_its_articles_oldest_first_and_its_sources_in_order_of_first_report():
    story = cluster_stories(FIRE).story_for("f2")
    assert story.article_ids == ("f1", "f2", "f3")
    assert story.sources == ("Euphrates Times", "Gulf Desk")
    assert story.first_source == "Euphrates Times"
    assert story.title == "Fire breaks out at Rumaila oil field"
    assert story.first_date == FIRE[0].date and story.last_date == FIRE[2].date
    assert story.has_page and urls.story(story.id) == f"stories/{story.id}/"


def test_every_article_belongs_to_a_story_and_singletons_have_no_page():
    index = cluster_stories(FIRE)
    assert set(index.story_of) == {a.id for a in FIRE}
    single = index.story_for("g1")
    assert single.article_ids == ("g1",) and not single.has_page
    assert index.story(single.id) is single


def test_stories_are_ordered_by_latest_activity():
    index = cluster_stories(FIRE)
    assert [s.article_ids[-1] for s in index.stories] == ["g1", "f3"]


def test_story_ids_are_ascii_slugs_of_the_first_report_and_a_hash_of_its_id():
    index = cluster_stories(labelled_inputs())
    for story in index.stories:
        assert SLUG.match(story.id), story.id
    story = cluster_stories(FIRE).story_for("f1")
    assert story.id == story_id("Fire breaks out at Rumaila oil field", "f1")
    assert story.id.startswith("fire-breaks-out-at-rumaila-oil-field-")


def test_arabic_and_empty_titles_still_give_ascii_ids():
    items = [item("a1", "2024-06-12T07:20:00+03:00", "مؤتمر البصرة للمياه", "نص المقال."),
             item("a2", "2024-06-12T07:20:00+03:00", "???", "Text.")]
    for story in cluster_stories(items).stories:
        assert SLUG.match(story.id), story.id


def test_the_story_id_stays_when_later_articles_join():
    early = cluster_stories(FIRE[:1])
    later = cluster_stories(FIRE)
    assert early.story_for("f1").id == later.story_for("f1").id


def test_a_near_duplicate_is_linked_even_without_shared_actors():
    text = ("A fire broke out early on Monday at a gas separation unit in the Rumaila oil field west of Basra, "
            "the Basra Oil Company said. Two workers were taken to hospital with burns. Fire crews were sent.")
    a = item("d1", "2024-08-19T06:40:00+03:00", "Fire at oil field", text, "A", [], [])
    b = item("d2", "2024-08-19T07:05:00+03:00", "Blaze reported", text.replace("Fire crews were sent.", "Smoke was seen."),
             "B", [], [])
    assert explain_pair([a, b], "d1", "d2").duplicate >= 0.5
    assert len(cluster_stories([a, b]).stories) == 1


def test_articles_further_apart_than_the_window_are_never_one_story():
    a, b = FIRE[0], replace(FIRE[0], id="later", date=FIRE[0].date + timedelta(days=5))
    assert len(cluster_stories([a, b]).stories) == 2
    assert len(cluster_stories([a, b], window=timedelta(days=6)).stories) == 1


def test_the_same_instant_in_two_timezones_is_the_same_time():
    a = FIRE[0]
    b = replace(FIRE[1], date=FIRE[0].date.astimezone(timezone.utc))
    assert explain_pair([a, b], a.id, b.id).days == 0


def test_naive_dates_and_repeated_ids_are_errors():
    with pytest.raises(ValueError, match="no timezone"):
        cluster_stories([replace(FIRE[0], date=datetime(2024, 8, 19))])
    with pytest.raises(ValueError, match="'f1'"):
        cluster_stories([FIRE[0], replace(FIRE[1], id="f1")])


def test_no_articles_no_stories():
    assert cluster_stories([]) == StoryIndex((), {})
    assert related_articles([], StoryIndex((), {})) == {}


# --- a pure function of the set: order independence and incremental builds ----------------------------

@pytest.fixture(scope="module")
def labelled():
    items = labelled_inputs()
    return items, cluster_stories(items)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_input_gives_identical_stories_and_related(labelled, seed):
    items, index = labelled
    shuffled = items[:]
    random.Random(seed).shuffle(shuffled)
    again = cluster_stories(shuffled)
    assert again == index
    assert list(again.stories) == list(index.stories)
    assert related_articles(shuffled, again) == related_articles(items, index)


@pytest.mark.parametrize("added", ["s04", "s05", "s11", "s29", "s44", pytest.param("seed-001", marks=needs_seeds)])
def test_adding_one_article_changes_only_its_story(labelled, added):
    items, full = labelled
    before = cluster_stories([a for a in items if a.id != added])
    mine = full.story_for(added)
    # Every story without the new article is there before it arrived, unchanged (same id too).
    assert {s for s in full.stories if s is not mine} <= set(before.stories)
    # The new article's story is the union of the stories it joined, plus itself.
    joined = {s for s in before.stories if set(s.article_ids) & set(mine.article_ids)}
    assert set().union(*(set(s.article_ids) for s in joined)) | {added} == set(mine.article_ids)
    assert set(before.stories) - joined == {s for s in full.stories if s is not mine}


def test_a_follow_up_keeps_the_story_id_of_the_first_report(labelled):
    items, full = labelled
    before = cluster_stories([a for a in items if a.id not in ("s04", "s05")])
    assert before.story_for("s01").id == full.story_for("s05").id


def test_an_incremental_recomputation_equals_a_clean_one(labelled):
    from newsdigest.stories import cluster_incremental
    items, full = labelled
    previous, state = cluster_incremental(items[:-3], None)
    assert previous != full
    again, _ = cluster_incremental(items[:-3] + items[-3:], state)
    assert again == full and list(again.stories) == list(full.stories)


@pytest.mark.parametrize("seed", range(5))
def test_incremental_clustering_equals_clustering_from_scratch(labelled, seed):
    from newsdigest.stories import cluster_incremental
    rnd = random.Random(seed)
    pool, _ = labelled
    items = rnd.sample(pool, len(pool) * 2 // 3)
    index, state = cluster_incremental(items, None)
    assert index == cluster_stories(items)
    for step in range(25):
        change = rnd.choice(["add", "add", "remove", "date", "later", "actors", "text"])
        items = list(items)
        outside = [x for x in pool if x.id not in {i.id for i in items}]
        if change == "add" and outside:
            items.append(rnd.choice(outside))
        elif change == "remove":
            items.pop(rnd.randrange(len(items)))
        else:
            i = rnd.randrange(len(items))
            other = rnd.choice(pool)
            if change == "date":   # moved next to another article, maybe into its story's days
                items[i] = replace(items[i], date=other.date + timedelta(minutes=rnd.randint(-300, 300)))
            elif change == "later":  # same words and weights, only further from its story
                items[i] = replace(items[i], date=items[i].date + timedelta(hours=rnd.randint(12, 90)))
            elif change == "actors":
                items[i] = replace(items[i], actors=other.actors)
            else:                  # rewritten as a copy of another report: a near-duplicate
                items[i] = replace(items[i], title=other.title, lede=other.lede, text=other.text)
        index, state = cluster_incremental(items, state)
        fresh = cluster_stories(items)
        assert index == fresh and list(index.stories) == list(fresh.stories), (seed, step, change)


# --- related articles -----------------------------------------------------------------------------------

def seeds() -> list[StoryInput]:
    return [as_input(r) for r in seed_records()]


@needs_seeds
def test_the_seeds_are_related_to_each_other():
    items = seeds()
    related = related_articles(items, cluster_stories(items))
    assert related == {"seed-000": ("seed-001",), "seed-001": ("seed-000",)}


@needs_seeds
def test_the_seeds_are_related_among_the_sample_sites_articles():
    from conftest import REPO
    from newsdigest.cached import load_articles
    from newsdigest.config import Paths, load_config
    from newsdigest.enrich import story_input
    paths = Paths(REPO)
    config, _ = load_config(paths)
    articles, _ = load_articles(paths.root, paths.articles, config)
    items = [story_input(a) for a in articles] + seeds()
    related = related_articles(items, cluster_stories(items))
    assert related["seed-001"][0] == "seed-000"
    assert related["seed-000"][0] == "seed-001"


@needs_seeds
def test_the_seeds_are_related_in_the_labelled_set_too(labelled):
    items, index = labelled
    assert "seed-001" in related_articles(items, index)["seed-000"]
    assert "seed-000" in related_articles(items, index, skip_story=True)["seed-001"]


def test_related_articles_never_include_the_article_and_are_at_most_k(labelled):
    items, index = labelled
    related = related_articles(items, index, k=3)
    assert set(related) == {a.id for a in items}
    for aid, others in related.items():
        assert aid not in others and len(others) <= 3 and len(set(others)) == len(others)


def test_story_mates_come_first_unless_skipped():
    index = cluster_stories(FIRE)
    assert related_articles(FIRE, index)["f1"][:2] == ("f2", "f3")
    assert related_articles(FIRE, index, skip_story=True)["f1"] == ("g1",)


def test_rarer_shared_actors_count_more():
    base = dict(text="Text.", source="S")
    items = [item("x", "2024-01-10T10:00:00+00:00", "x", actors=["Iraq", "Qasim al-Araji"], **base),
             item("common", "2024-01-10T11:00:00+00:00", "c", actors=["Iraq"], **base),
             item("rare", "2024-01-10T11:00:00+00:00", "r", actors=["Qasim al-Araji"], **base)]
    items += [item(f"filler{n}", "2024-01-09T10:00:00+00:00", f"f{n}", actors=["Iraq"], **base) for n in range(5)]
    assert related_articles(items, cluster_stories(items))["x"][0] == "rare"


def test_recent_articles_win_between_equals_and_ties_are_broken_by_time_then_id():
    base = dict(text="Text.", source="S", actors=["NATO"])
    items = [item("x", "2024-03-01T10:00:00+00:00", "x", **base),
             item("old", "2023-03-01T10:00:00+00:00", "o", **base),
             item("new", "2024-02-20T10:00:00+00:00", "n", **base),
             item("b", "2024-03-03T10:00:00+00:00", "b", **base),
             item("a", "2024-02-28T10:00:00+00:00", "a", **base)]
    assert related_articles(items, cluster_stories(items))["x"] == ("a", "b", "new", "old")
    assert recency(0) == 1 and recency(10_000) == pytest.approx(0.3)


def test_nothing_shared_nothing_related():
    items = [item("a", "2024-01-01T00:00:00+00:00", "a", "Text.", actors=["X"]),
             item("b", "2024-01-01T00:00:00+00:00", "b", "Other.", actors=["Y"])]
    assert related_articles(items, cluster_stories(items)) == {"a": (), "b": ()}


def test_story_fields_are_plain_values():
    story = cluster_stories(FIRE).story_for("f1")
    assert isinstance(story, Story)
    assert all(isinstance(x, str) for x in story.article_ids + story.sources)


def test_worker_processes_give_the_same_stories_and_related(labelled, monkeypatch):
    import newsdigest.related as related
    import newsdigest.stories as stories
    labelled, _ = labelled
    one = cluster_stories(labelled)
    one_related = related_articles(labelled, one)
    monkeypatch.setattr(stories, "PARALLEL_PAIRS", 1)     # small enough to be split across workers
    monkeypatch.setattr(related, "PARALLEL_RELATED", 1)
    two = cluster_stories(labelled, workers=2)
    assert two == one
    assert related_articles(labelled, two, workers=2) == one_related
    assert list(related_articles(labelled, two, workers=3)) == list(one_related)  # same order of articles too


def _random_corpus(rnd: random.Random, n: int) -> list[StoryInput]:
    return [_random_item(rnd, f"r{i:04d}") for i in range(n)]


def _random_item(rnd: random.Random, aid: str) -> StoryInput:
    # Small pools, so that postings are long and windows overlap: the hard case for reuse.
    when = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(hours=rnd.randrange(24 * 60))
    actors = tuple(rnd.sample([f"Person {c}" for c in "ABCDEFGHIJKL"], rnd.randint(0, 3)))
    topics = tuple(rnd.sample(["Water", "Energy", "Security", "Health"], rnd.randint(0, 2)))
    return StoryInput(aid, when, f"Title {aid}", "", "", "Wire", actors, topics)


def _random_index(rnd: random.Random, items: list[StoryInput]) -> StoryIndex:
    story_of = {}
    for item in items:
        if rnd.random() < 0.3:
            story_of[item.id] = f"story-{rnd.randrange(8)}"
    return StoryIndex((), story_of)


@pytest.mark.parametrize("seed", range(6))
def test_incremental_related_equals_a_computation_from_scratch(seed):
    from newsdigest.related import related_incremental
    rnd = random.Random(seed)
    items = _random_corpus(rnd, 120)
    index = _random_index(rnd, items)
    result, state = related_incremental(items, index, None)
    assert result == related_articles(items, index)
    serial = 1000
    for step in range(40):
        change = rnd.choice(["add", "add", "remove", "actors", "date", "story"])
        items = list(items)
        if change == "add":
            items.append(_random_item(rnd, f"n{serial}"))
            serial += 1
        elif change == "remove":
            items.pop(rnd.randrange(len(items)))
        elif change == "actors":
            i = rnd.randrange(len(items))
            items[i] = replace(items[i], actors=_random_item(rnd, "x").actors, topics=_random_item(rnd, "x").topics)
        elif change == "date":
            i = rnd.randrange(len(items))
            items[i] = replace(items[i], date=_random_item(rnd, "x").date)
        if change == "story" or rnd.random() < 0.2:
            index = _random_index(rnd, items)
        result, state = related_incremental(items, index, state)
        assert result == related_articles(items, index), (seed, step, change)
        assert list(result) == list(related_articles(items, index))


def test_one_more_article_moves_only_the_weights_of_its_own_keys():
    from newsdigest.core import name_key
    from newsdigest.related import related_incremental
    from newsdigest.stories import corpus_size
    rnd = random.Random(3)
    items = [_dense_item(rnd, f"w{i}", 90) for i in range(700)]
    index = StoryIndex((), {})
    _, state = related_incremental(items, index, None)
    checked = 0
    for n in range(40):
        new = _dense_item(rnd, f"x{n}", 90)
        _, after = related_incremental(items + [new], index, state)
        if corpus_size(len(items) + 1) == corpus_size(len(items)):
            moved = {k for k in after.weight if after.weight[k] != state.weight.get(k)}
            assert moved <= {"a\0" + name_key(a) for a in new.actors}, n
            checked += 1
        items, state = items + [new], after
    assert checked > 30


def test_incremental_related_recomputes_little_for_one_new_article():
    from newsdigest import related
    rnd = random.Random(7)
    items = _random_corpus(rnd, 400)
    index = StoryIndex((), {})
    _, state = related.related_incremental(items, index, None)
    calls = []
    real = related.recency
    try:
        related.recency = lambda days: calls.append(days) or real(days)
        # One actor, no topic: the weights that move are that actor's (the corpus size is
        # bucketed), so what is scored again is near it, not the articles of every topic.
        new = replace(_random_item(rnd, "new"), actors=("Person A",), topics=())
        related.related_incremental(items + [new], index, state)
        again = len(calls)
        calls.clear()
        related.related_incremental(items + [new], index, None)
        assert again < len(calls) / 2   # only a part is scored again
    finally:
        related.recency = real


# --- blocking at density -----------------------------------------------------------------------------

WORDS = [f"{a}{b}" for a in ("kar", "mel", "sor", "tib", "vun", "dal", "pes", "gor") for b in ("ad", "ek", "il", "om", "ux", "yr")]


def _dense_item(rnd: random.Random, aid: str, days: int) -> StoryInput:
    when = datetime(2024, 3, 1, tzinfo=timezone.utc) + timedelta(minutes=rnd.randrange(days * 24 * 60))
    title = " ".join(rnd.sample(WORDS, 6))
    text = " ".join(rnd.choice(WORDS) for _ in range(60))
    actors = tuple(rnd.sample([f"Person {n}" for n in range(100)], rnd.randint(2, 5)))
    return StoryInput(aid, when, title, "", text, "Wire", actors)


def _candidates(items: list[StoryInput]) -> set[int]:
    from newsdigest.stories import WINDOW, _candidate_pairs, _Scorer, canonical
    return _candidate_pairs(_Scorer(canonical(items), WINDOW))


def test_candidate_pairs_grow_with_the_articles_not_with_their_square():
    # Four times the articles over the same days: each shares an actor with four times as many
    # within the window. Without a bound per article the pairs grow about sixteenfold.
    rnd = random.Random(11)
    sparse = [_dense_item(rnd, f"s{i}", 30) for i in range(1000)]
    dense = [_dense_item(rnd, f"d{i}", 30) for i in range(4000)]
    assert len(_candidates(dense)) < 5 * len(_candidates(sparse))


def test_many_reports_of_one_event_in_a_day_stay_one_story_among_dense_news():
    rnd = random.Random(5)
    others = [_dense_item(rnd, f"o{i}", 4) for i in range(600)]
    event = [item(f"e{i:02d}", f"2024-03-02T{8 + i // 6:02d}:{i % 6 * 10:02d}:00+00:00",
                  f"Flood closes the Qurna bridge{' again' * (i % 3)}",
                  "Flood water closed the Qurna bridge on Saturday and the Wasit road was cut near Kut. "
                  f"Report number {i} from the river.", f"Source {i % 7}", ["Person 3", "Wasit"])
             for i in range(48)]
    index = cluster_stories(others + event)
    assert set(index.story_for("e00").article_ids) >= {e.id for e in event}

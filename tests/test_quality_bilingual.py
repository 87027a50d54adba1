"""Issue 18's held-out measure: actors, topics, cross-script identity and cross-language stories
on Arabic and English articles.

The set is tests/fixtures/quality/bilingual.yaml: 112 short fictional articles (60 in Modern
Standard Arabic, 52 in English), with their true actors, topics and stories; the labelling
guide is at the top of the file. It was written in one go, before any work on issue 18 was
measured against it, and it must never be tuned on: do not change the extractor to fit these
articles, nor the labels to fit the extractor. Nothing here reads the extractor's rules; the
set is scored with the same public functions the build uses, with the default gazetteer and
topic taxonomy and no site layer.

Figures (micro-averaged precision and recall per language: ar, en, all):
- actors: predicted names against the true ones, both normalised by `label_key` (case,
  al-/el-/Al, hyphens and apostrophes, Latin and Arabic diacritics, alef and final-yaa forms),
  and both read through the default gazetteer so that an alias means its canonical name;
- topics: `assign_topics` with the default rules (the articles have no section labels);
- cross-script merges: of the actor identities the resolution forms whose names contain both
  Arabic and Latin script, the share that are true (one true actor, named by one of the
  identity's forms, is an actor of every article the identity lists);
- stories: `cluster_stories` over the predicted actors and topics; a pair of articles is
  positive when both are in one story; precision and recall of the pairs in different
  languages (the target), within each language, and of all pairs; once more with the true
  actors and topics given to the clustering, which separates its misses from extraction's.

Print the figures and every article or pair with an error:

    .venv/bin/python tests/test_quality_bilingual.py

As tests, the issue's targets are expected failures until they are met (xfail, not strict);
English actors and cross-language story pairs are met and are plain tests; the checks that the
set is what it claims to be are plain tests.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from datetime import datetime
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from newsdigest.config import DEFAULT_SOURCES
from newsdigest.extract.resolve import ActorInfo, ArticleInput, Resolution, resolve
from newsdigest.extract.gazetteer import Gazetteer, default_gazetteer
from newsdigest.extract.topics import assign_topics, default_rules
from newsdigest.core import name_key
from newsdigest.stories import StoryInput, cluster_stories
from support.scoring import Score

REPO = Path(__file__).resolve().parents[1]
SET = REPO / "tests" / "fixtures" / "quality" / "bilingual.yaml"
LANGUAGES = ("ar", "en", "all")
ACTOR_TARGET = 0.9
TOPIC_TARGET = 0.85
MERGE_TARGET = 0.95
STORY_TARGET = 0.9
NOT_YET = pytest.mark.xfail(strict=False, reason="issue 18: targets not met yet")

ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")
LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def records(path: Path = SET) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def when(record: dict) -> datetime:
    value = record["date"]
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


# --- names ----------------------------------------------------------------------------------------

_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ـ": None})


def label_key(name: str) -> str:
    """Two spellings of one name that a reader would not tell apart get one key: case, the
    article al-/el-/Al (joined or not), hyphens, apostrophes and ayn marks (A'raji, Araji),
    Latin accents, Arabic short vowels, tatweel, hamza on alef and final alef maqsura."""
    text = unicodedata.normalize("NFKD", name_key(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_ALEFS)
    text = re.sub(r"['’‘`ʿʾ]", "", text)
    words = re.sub(r"[-‐‑–—_.,]", " ", text).split()
    return " ".join("al" if w == "el" else w for w in words)


def canonical_key(name: str, gazetteer: Gazetteer) -> str:
    """The key of a name as the gazetteer spells it (an alias means its canonical name)."""
    return label_key(gazetteer.lookup(name) or name)


def scripts(names) -> set[str]:
    found = set()
    for name in names:
        found |= {"ar"} if ARABIC.search(name) else set()
        found |= {"latin"} if LATIN.search(name) else set()
    return found


# --- scores ---------------------------------------------------------------------------------------

def per_language(items) -> dict[str, Score]:
    """Scores per language and over all, from (language, item, predicted, true) tuples."""
    scores = {lang: Score() for lang in LANGUAGES}
    for lang, item, got, want in items:
        for key in (lang, "all"):
            scores[key].add(item, got, want)
    return scores


def cross_script_merges(resolution: Resolution, truth: dict[str, set[str]], gazetteer: Gazetteer) -> Score:
    """Each identity written in both scripts is one item: right (a true positive) when one true
    actor, named by one of its forms, is an actor of every article it lists; else wrong (a false
    positive). Identities that should have been joined are not counted here (that is recall,
    which the actor figures show)."""
    score = Score()
    for name, info in sorted(resolution.actors.items()):
        forms = {name, *info.aliases}
        forms |= {f for article_id in info.article_ids for actor in resolution.details.get(article_id, ())
                  if actor.name == name for f in actor.forms}
        if scripts(forms) != {"ar", "latin"}:
            continue
        keys = {canonical_key(f, gazetteer) for f in forms}
        right = bool(set.intersection(*(keys & truth[a] for a in info.article_ids)))
        score.add(f"{name} {sorted(forms)} in {sorted(info.article_ids)}", {name}, {name} if right else set())
    return score


def story_pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    by_group: dict[str, list[str]] = {}
    for article_id, group in groups.items():
        by_group.setdefault(group, []).append(article_id)
    return {tuple(sorted(p)) for ids in by_group.values() for p in combinations(ids, 2)}


def story_scores(recs: list[dict], actors: dict[str, tuple[str, ...]], topics: dict[str, tuple[str, ...]]) -> dict:
    """Pairwise scores of the clustering: pairs across languages, within each, and all."""
    inputs = []
    for r in recs:
        paragraphs = [" ".join(p.split()) for p in r["text"].split("\n\n") if p.strip()]
        inputs.append(StoryInput(r["id"], when(r), r["title"], paragraphs[0], "\n\n".join(paragraphs), r["source"],
                                 tuple(actors[r["id"]]), tuple(topics[r["id"]])))
    found = story_pairs(dict(cluster_stories(inputs).story_of))
    truth = story_pairs({r["id"]: r.get("story", r["id"]) for r in recs})
    lang = {r["id"]: r["lang"] for r in recs}
    kinds = {"across": lambda a, b: lang[a] != lang[b], "ar": lambda a, b: lang[a] == lang[b] == "ar",
             "en": lambda a, b: lang[a] == lang[b] == "en", "all": lambda a, b: True}
    scores = {}
    for kind, keep in kinds.items():
        score = Score()
        for a, b in sorted(found | truth):
            if keep(a, b):
                score.add(f"{a} {b}", {1} if (a, b) in found else set(), {1} if (a, b) in truth else set())
        scores[kind] = score
    return scores


# --- the measure ------------------------------------------------------------------------------------

def measure(path: Path = SET) -> dict:
    recs = records(path)
    gazetteer = default_gazetteer()
    inputs = [ArticleInput(r["id"], when(r).date().isoformat(), r["title"], r["text"], r["source"]) for r in recs]
    resolution = resolve(inputs, gazetteer, DEFAULT_SOURCES)
    truth = {r["id"]: {canonical_key(n, gazetteer) for n in r["true_actors"]} for r in recs}
    predicted = {r["id"]: resolution.articles.get(r["id"], ()) for r in recs}
    actors = per_language((r["lang"], r["id"], {canonical_key(n, gazetteer) for n in predicted[r["id"]]},
                           truth[r["id"]]) for r in recs)
    rules = default_rules()
    topics_of = {r["id"]: assign_topics(r["title"], r["text"], "", None, rules).topics for r in recs}
    topics = per_language((r["lang"], r["id"], set(topics_of[r["id"]]), set(r["true_topics"])) for r in recs)
    true_actors = {r["id"]: tuple(r["true_actors"]) for r in recs}
    true_topics = {r["id"]: tuple(r["true_topics"]) for r in recs}
    return {"articles": len(recs), "actors": actors, "topics": topics,
            "merges": cross_script_merges(resolution, truth, gazetteer),
            "stories": story_scores(recs, predicted, topics_of),
            "stories with true labels": story_scores(recs, true_actors, true_topics)}


@pytest.fixture(scope="module")
def measured() -> dict:
    return measure()


# --- the set is what it claims to be --------------------------------------------------------------

def test_the_set_loads_and_is_big_enough():
    recs = records()
    assert len(recs) >= 100
    assert len({r["id"] for r in recs}) == len(recs), "every id is unique"
    assert all(r["lang"] in ("ar", "en") for r in recs)
    assert sum(r["lang"] == "ar" for r in recs) * 2 >= len(recs), "at least half in Arabic"
    assert all(r["true_actors"] and r["true_topics"] and r["source"] and r["title"] for r in recs)


def test_articles_are_short_and_in_their_language():
    for r in records():
        assert 60 <= len(r["text"].split()) <= 150, r["id"]
        letters = [c for c in r["title"] + r["text"] if c.isalpha()]
        arabic = sum(bool(ARABIC.match(c)) for c in letters) / len(letters)
        assert arabic > 0.95 if r["lang"] == "ar" else arabic == 0, r["id"]


def test_stories_pair_articles_across_languages():
    recs = records()
    truth = story_pairs({r["id"]: r.get("story", r["id"]) for r in recs})
    lang = {r["id"]: r["lang"] for r in recs}
    assert sum(lang[a] != lang[b] for a, b in truth) >= 15
    stories = [r["story"] for r in recs if "story" in r]
    assert all(stories.count(s) >= 2 for s in stories), "a story label is shared by two articles or more"
    assert sum(lang[a] == lang[b] for a, b in truth) >= 5, "some same-language pairs too"


def test_every_true_topic_is_in_the_default_taxonomy():
    rules = default_rules()
    for r in records():
        for topic in r["true_topics"]:
            assert rules.topic(topic) is not None and rules.topic(topic).name == topic, (r["id"], topic)


def test_labels_follow_the_guide():
    """Arabic labels are written in their article as labelled (no clitic); a Latin label that
    is in no gazetteer is written in some English article; gazetteer actors are labelled by
    their canonical name."""
    recs = records()
    gazetteer = default_gazetteer()
    english = " ".join(r["title"] + " " + r["text"] for r in recs if r["lang"] == "en")
    for r in recs:
        for name in r["true_actors"]:
            if ARABIC.search(name):
                assert name in r["title"] + " " + r["text"], (r["id"], name)
            elif gazetteer.lookup(name) is None:
                assert name in english, (r["id"], name)
            else:
                assert gazetteer.lookup(name) == name, (r["id"], name)


def test_label_keys_ignore_what_readers_ignore():
    assert label_key("Muhannad al-A'raji") == label_key("Muhannad Al Araji") == label_key("muhannad el-araji")
    assert label_key("Médecins Sans Frontières") == label_key("Medecins Sans Frontieres")
    assert label_key("مُهنّد الأعرجي") == label_key("مهند الاعرجي")
    assert label_key("Salman al-Obeidi") != label_key("Ali al-Obeidi")


def test_the_merge_measure_tells_right_from_wrong():
    """No identity joins the scripts today, so the measure is checked on made-up resolutions:
    one person in both scripts is right; two people of one family joined is wrong; an identity
    in one script only is not counted."""
    def actor(name, aliases, article_ids):
        return ActorInfo(name, "person", False, tuple(aliases), (), tuple(article_ids))
    gazetteer = default_gazetteer()
    truth = {r["id"]: {canonical_key(n, gazetteer) for n in r["true_actors"]} for r in records()}
    resolution = Resolution(articles={}, actors={
        "Salman al-Obeidi": actor("Salman al-Obeidi", ["سلمان العبيدي", "Salman al-Obaidi"], ["b001", "b003", "b085"]),
        "Ali al-Obeidi": actor("Ali al-Obeidi", ["علي العبيدي", "سلمان العبيدي"], ["b053", "b001"]),
        "Haider al-Jubouri": actor("Haider al-Jubouri", ["Haider"], ["b087"]),
    })
    score = cross_script_merges(resolution, truth, gazetteer)
    assert (score.tp, score.fp) == (1, 1)
    assert [item.split(" [")[0] for item, _, _ in score.errors] == ["Ali al-Obeidi"]


# --- the targets of issue 18 ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", [pytest.param("ar", marks=NOT_YET), "en", pytest.param("all", marks=NOT_YET)])
def test_actor_precision_and_recall(measured, lang):
    """English reached the target when measured after the second development set's work."""
    score = measured["actors"][lang]
    assert score.precision >= ACTOR_TARGET and score.recall >= ACTOR_TARGET, score.line()


@NOT_YET
@pytest.mark.parametrize("lang", LANGUAGES)
def test_topic_precision_and_recall(measured, lang):
    score = measured["topics"][lang]
    assert score.precision >= TOPIC_TARGET and score.recall >= TOPIC_TARGET, score.line()


@NOT_YET
def test_cross_script_merges_are_right(measured):
    score = measured["merges"]
    assert score.tp > 0, "no identity joins an Arabic and a Latin name"
    assert score.precision >= MERGE_TARGET, score.errors


def test_cross_language_story_pairs(measured):
    """Reached when measured after the second development set's work (1.000 / 0.905)."""
    score = measured["stories"]["across"]
    assert score.precision >= STORY_TARGET and score.recall >= STORY_TARGET, score.line()


# --- the report -------------------------------------------------------------------------------------

def report(result: dict, path: Path = SET) -> str:
    lines = [f"{result['articles']} articles ({path.relative_to(REPO)})"]
    for what in ("actors", "topics"):
        for lang in LANGUAGES:
            lines.append(f"{what} {lang}: {result[what][lang].line()}")
    merges = result["merges"]
    lines.append(f"cross-script merges: {merges.tp + merges.fp} identities written in both scripts, "
                 f"{merges.tp} right, {merges.fp} wrong")
    for label in ("stories", "stories with true labels"):
        for kind in ("across", "ar", "en", "all"):
            lines.append(f"{label}, pairs {kind}: {result[label][kind].line()}")
    lines.append("")
    for what in ("actors", "topics"):
        lines.append(f"{what}: articles with errors (extra, missing)")
        lines += [f"  {item}: extra {extra}, missing {missing}" for item, extra, missing in result[what]["all"].errors]
    lines.append("cross-script merges that are wrong:")
    lines += [f"  {item}" for item, _, _ in merges.errors]
    lines.append("story pairs across languages that are wrong:")
    lines += [f"  {item}: {'wrongly together' if extra else 'wrongly apart'}"
              for item, extra, _ in result["stories"]["across"].errors]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(report(measure()) + "\n")

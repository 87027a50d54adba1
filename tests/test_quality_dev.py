"""Issue 18's development sets: the same measure as the held-out set (test_quality_bilingual.py),
on the sets the extractor may be tuned on (guides at the top of each file):

- tests/fixtures/quality/dev_bilingual.yaml, 45 short fictional articles, 23 in Arabic;
- tests/fixtures/quality/dev2_bilingual.yaml, 80 more, 44 in Arabic, written in one go after the
  first set had been tuned on, with other outlets, provinces, sentence shapes and topics; its
  figures before any change to fit it are in docs/quality.md;
- tests/fixtures/quality/dev3_bilingual.yaml, 66 more, 39 in Arabic, written in one go after the
  second set had been tuned on, beyond Iraq (courts, central banks, federations, militias, UN
  agencies and companies across the region); its figures before any change are in docs/quality.md.

    .venv/bin/python tests/test_quality_dev.py      # figures and every error, every set

The tests hold each set to issue 18's targets (actors 0.9, topics 0.85, cross-script merges
0.95, cross-language story pairs 0.9), so that a change that helps elsewhere does not undo what
was reached there. Where a set does not reach a target yet (NOT_YET) that is an expected
failure (not strict), and a floor keeps each set at what was reached. Reaching them says little about
unseen articles: that is what the held-out set measures.
"""
from __future__ import annotations

import sys

import pytest

from test_quality_bilingual import (ACTOR_TARGET, LANGUAGES, MERGE_TARGET, REPO, STORY_TARGET, TOPIC_TARGET, measure,
                                    records, report)

DEV = REPO / "tests" / "fixtures" / "quality" / "dev_bilingual.yaml"
DEV2 = REPO / "tests" / "fixtures" / "quality" / "dev2_bilingual.yaml"
DEV3 = REPO / "tests" / "fixtures" / "quality" / "dev3_bilingual.yaml"
SETS = {"dev1": DEV, "dev2": DEV2, "dev3": DEV3}

# What a set reached where it is short of a target (precision, recall): a change that falls below
# these undoes work done on it.
FLOORS = {"dev2": {"actors ar": (0.92, 0.87), "actors all": (0.91, 0.86)},
          "dev3": {"actors ar": (0.83, 0.77), "actors en": (0.89, 0.83), "actors all": (0.85, 0.79),
                   "topics ar": (0.86, 0.79), "topics en": (0.86, 0.81)}}
# Targets a set does not reach yet: expected failures (not strict), so that reaching one shows.
NOT_YET = {"dev2": {"actors ar", "actors all"},
           "dev3": {"actors ar", "actors en", "actors all", "topics ar", "topics en", "topics all",
                    "cross-script merges"}}


def _marks(name: str, what: str) -> list:
    if what in NOT_YET.get(name, ()):
        return [pytest.mark.xfail(strict=False, reason=f"{name}: target not reached yet")]
    return []


def _cases(what: str) -> list:
    return [pytest.param(name, lang, marks=_marks(name, f"{what} {lang}"), id=f"{name}-{lang}")
            for name in SETS for lang in LANGUAGES]


@pytest.fixture(scope="module")
def measured() -> dict:
    return {name: measure(path) for name, path in SETS.items()}


@pytest.mark.parametrize("name", SETS)
def test_the_dev_sets_are_what_they_claim(name):
    recs = records(SETS[name])
    assert len(recs) >= 40 and len({r["id"] for r in recs}) == len(recs)
    assert sum(r["lang"] == "ar" for r in recs) * 2 >= len(recs)
    assert all(r["true_actors"] and r["true_topics"] for r in recs)


@pytest.mark.parametrize("name, lang", _cases("actors"))
def test_actors_reach_the_target_on_the_dev_sets(measured, name, lang):
    score = measured[name]["actors"][lang]
    assert score.precision >= ACTOR_TARGET and score.recall >= ACTOR_TARGET, score.line()


@pytest.mark.parametrize("name, lang", _cases("topics"))
def test_topics_reach_the_target_on_the_dev_sets(measured, name, lang):
    score = measured[name]["topics"][lang]
    assert score.precision >= TOPIC_TARGET and score.recall >= TOPIC_TARGET, score.line()


@pytest.mark.parametrize("name", [pytest.param(n, marks=_marks(n, "cross-script merges"), id=n) for n in SETS])
def test_cross_script_merges_reach_the_target_on_the_dev_sets(measured, name):
    merges = measured[name]["merges"]
    assert merges.tp > 0 and merges.precision >= MERGE_TARGET, merges.errors


@pytest.mark.parametrize("name", [pytest.param(n, marks=_marks(n, "story pairs across"), id=n) for n in SETS])
def test_cross_language_story_pairs_reach_the_target_on_the_dev_sets(measured, name):
    across = measured[name]["stories"]["across"]
    assert across.precision >= STORY_TARGET and across.recall >= STORY_TARGET, across.line()


@pytest.mark.parametrize("name, what", [(name, what) for name, floors in FLOORS.items() for what in floors])
def test_the_dev_sets_stay_at_what_they_reached(measured, name, what):
    kind, key = what.split()
    score = measured[name][kind][key]
    precision, recall = FLOORS[name][what]
    assert score.precision >= precision and score.recall >= recall, score.line()


def test_cross_script_merges_on_the_third_set_stay_at_what_they_reached(measured):
    assert measured["dev3"]["merges"].precision >= 0.88, measured["dev3"]["merges"].errors


if __name__ == "__main__":
    sys.stdout.write("\n\n".join(report(measure(path), path) for path in SETS.values()) + "\n")

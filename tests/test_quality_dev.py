"""Issue 18's development sets: the same measure as the held-out set (test_quality_bilingual.py),
on the sets the extractor may be tuned on (guides at the top of each file):

- tests/fixtures/quality/dev_bilingual.yaml, 45 short fictional articles, 23 in Arabic;
- tests/fixtures/quality/dev2_bilingual.yaml, 80 more, 44 in Arabic, written in one go after the
  first set had been tuned on, with other outlets, provinces, sentence shapes and topics; its
  figures before any change to fit it are in docs/quality.md.

    .venv/bin/python tests/test_quality_dev.py      # figures and every error, both sets

The tests hold each set to issue 18's targets (actors 0.9, topics 0.85, cross-script merges
0.95, cross-language story pairs 0.9), so that a change that helps elsewhere does not undo what
was reached there. The second set does not reach the actor target in Arabic yet: that is an
expected failure (not strict), and a floor keeps it at what was reached. Reaching them says little about
unseen articles: that is what the held-out set measures.
"""
from __future__ import annotations

import sys

import pytest

from test_quality_bilingual import (ACTOR_TARGET, LANGUAGES, MERGE_TARGET, REPO, STORY_TARGET, TOPIC_TARGET, measure,
                                    records, report)

DEV = REPO / "tests" / "fixtures" / "quality" / "dev_bilingual.yaml"
DEV2 = REPO / "tests" / "fixtures" / "quality" / "dev2_bilingual.yaml"
SETS = {"dev1": DEV, "dev2": DEV2}

# What the second set reached where it is short of a target (precision, recall): a change that
# falls below these undoes work done on it.
DEV2_FLOORS = {"actors ar": (0.88, 0.81), "actors all": (0.90, 0.85)}
NOT_YET_ON_DEV2 = {"actors ar", "actors all"}


def _marks(name: str, what: str) -> list:
    if name == "dev2" and what in NOT_YET_ON_DEV2:
        return [pytest.mark.xfail(strict=False, reason="second development set: target not reached yet")]
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


@pytest.mark.parametrize("name", SETS)
def test_cross_script_merges_reach_the_target_on_the_dev_sets(measured, name):
    merges = measured[name]["merges"]
    assert merges.tp > 0 and merges.precision >= MERGE_TARGET, merges.errors


@pytest.mark.parametrize("name", [pytest.param(n, marks=_marks(n, "story pairs across"), id=n) for n in SETS])
def test_cross_language_story_pairs_reach_the_target_on_the_dev_sets(measured, name):
    across = measured[name]["stories"]["across"]
    assert across.precision >= STORY_TARGET and across.recall >= STORY_TARGET, across.line()


@pytest.mark.parametrize("what", DEV2_FLOORS)
def test_the_second_dev_set_stays_at_what_it_reached(measured, what):
    kind, key = what.split()
    score = measured["dev2"][kind][key]
    precision, recall = DEV2_FLOORS[what]
    assert score.precision >= precision and score.recall >= recall, score.line()


if __name__ == "__main__":
    sys.stdout.write("\n\n".join(report(measure(path), path) for path in SETS.values()) + "\n")

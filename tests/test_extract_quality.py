"""How good are actors and topics? Precision and recall on a labelled set and on the seeds.

The set is tests/fixtures/quality/articles.yaml (fictional articles written for it, each with
its true actors and topics) plus the two seed articles from ../shared/seeds/. Figures are
micro-averaged over all articles; docs/quality.md reports them. Print them with

    .venv/bin/python tests/test_extract_quality.py
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from newsdigest.config import DEFAULT_SOURCES
from newsdigest.extract.resolve import ArticleInput, Resolution, resolve
from newsdigest.extract.names import person_key
from newsdigest.extract.gazetteer import default_gazetteer, load_gazetteer, parse_gazetteer
from newsdigest.extract.topics import assign_topics, default_rules
from newsdigest.core import name_key
from conftest import SEEDS, needs_seeds
from support.scoring import Score

REPO = Path(__file__).resolve().parents[1]
QUALITY = REPO / "tests" / "fixtures" / "quality"
TARGET = 0.9


# --- the seeds, with a tiny local clean-up (the real cleaner lives in newsdigest/ingest) --------

def seed_records() -> list[dict]:
    """The two seeds as labelled records. Seed 000 keeps its raw text, repeated paragraphs and
    all; seed 001 keeps the body lines after its dateline ("INA - BAGHDAD")."""
    if not any(SEEDS.glob("*.txt")):
        return []       # no ../shared here: the set without the seeds; the seed tests skip
    raw0 = (SEEDS / "000_22032a1dfcab7bf5.txt").read_text(encoding="utf-8")
    first = raw0.strip().splitlines()[0].split()       # "date 2023-04-04 Iraq's national security ..."
    title0 = " ".join(first[2:])
    lines1 = (SEEDS / "001_c6e822d273c9ed01.txt").read_text(encoding="utf-8").splitlines()
    dateline = next(n for n, line in enumerate(lines1) if line.strip() == "INA - BAGHDAD")
    body1 = "\n\n".join(line.strip() for line in lines1[dateline + 1:] if line.strip())
    return [
        dict(id="seed-000", date=first[1], source="Shafaq News", section="", title=title0, text=raw0,
             true_actors=["Qasim al-Araji", "Thomas Goffus", "Giovanni Maria Iannucci", "NATO", "Iraq"],
             true_topics=["Security", "Diplomacy"]),
        dict(id="seed-001", date="2024-08-27", source="Iraqi News Agency", section=lines1[2].strip(),
             title=lines1[0].strip(), text=body1,
             # Belgium, Syria and Palestine are only places here ("the Belgian capital", "the Syrian
             # Al-Hawl camp", "a Palestinian state"): not actors (issue 18)
             true_actors=["Qasim al-Araji", "Thomas Goffus", "Javier Colomina", "NATO", "Iraq"],
             true_topics=["Security", "Diplomacy"]),
    ]


def labelled_records() -> list[dict]:
    records = yaml.safe_load((QUALITY / "articles.yaml").read_text(encoding="utf-8"))
    return [dict(r, date=str(r["date"])) for r in records] + seed_records()


def as_inputs(records: list[dict]) -> list[ArticleInput]:
    return [ArticleInput(r["id"], r["date"], r["title"], r["text"], r["source"]) for r in records]


# --- measuring -----------------------------------------------------------------------------------

def micro(pairs) -> Score:
    """Micro-averaged score over (id, predicted, true) triples, names compared by their key."""
    score = Score()
    for article_id, predicted, true in pairs:
        score.add(article_id, {name_key(n) for n in predicted}, {name_key(n) for n in true})
    return score


def quality_gazetteer():
    site, problems = parse_gazetteer((QUALITY / "actors.toml").read_text(encoding="utf-8"))
    assert problems == []
    return replace(site, defaults=default_gazetteer())


def measure() -> dict:
    records = labelled_records()
    resolution = resolve(as_inputs(records), quality_gazetteer(), DEFAULT_SOURCES)
    actors = micro((r["id"], resolution.articles[r["id"]], r["true_actors"]) for r in records)
    rules = default_rules()
    topics = micro((r["id"], assign_topics(r["title"], r["text"], r["section"], None, rules).topics, r["true_topics"])
                   for r in records)
    return {"articles": len(records), "actors": actors, "topics": topics, "resolution": resolution}


@pytest.fixture(scope="module")
def measured() -> dict:
    return measure()


def test_the_labelled_set_is_big_enough():
    records = labelled_records()
    assert len(records) >= 42 and len({r["id"] for r in records}) == len(records)
    assert all(r["true_actors"] is not None and r["true_topics"] for r in records)


def test_actor_precision_and_recall(measured):
    score = measured["actors"]
    assert score.precision >= TARGET, score.errors
    assert score.recall >= TARGET, score.errors


def test_topic_precision_and_recall(measured):
    score = measured["topics"]
    assert score.precision >= TARGET, score.errors
    assert score.recall >= TARGET, score.errors


def test_the_labelled_set_stays_at_what_it_reached(measured):
    """Above the target, the figures reached (docs/quality.md): a change tuned on the bilingual
    development sets must not cost the labelled set an actor or a topic."""
    actors, topics = measured["actors"], measured["topics"]
    assert actors.precision == 1.0 and actors.recall == 1.0, actors.errors
    # Counted as errors, not as a share: 0.921 with the seeds (CI), 0.917 in a clone without them.
    assert topics.fp <= 6 and topics.fn <= 6, topics.errors


# --- the seeds, exactly -----------------------------------------------------------------------------

def seeds_alone() -> Resolution:
    """The seeds with the sample site's gazetteer and agencies, as the build would see them."""
    gazetteer, problems = load_gazetteer(REPO / "content")
    assert problems == []
    return resolve(as_inputs(seed_records()), gazetteer, {**DEFAULT_SOURCES, "TW": "Tigris Wire"})


@pytest.fixture(scope="module", params=["with the labelled set", "alone"])
def seeds(request, measured) -> Resolution:
    return measured["resolution"] if request.param == "with the labelled set" else seeds_alone()


def actors_named(resolution: Resolution, key: str) -> list[str]:
    return [name for name in resolution.actors if person_key(name) == key]


@needs_seeds
def test_one_qasim_al_araji_in_both_seeds(seeds):
    (name,) = actors_named(seeds, "qasim araji")
    assert name in ("Qasim al-Araji", "Qasim Al-Araji")
    assert set(seeds.actors[name].article_ids) >= {"seed-000", "seed-001"}


@needs_seeds
def test_one_thomas_goffus_in_both_seeds(seeds):
    assert actors_named(seeds, "tom goffus") == []
    (name,) = actors_named(seeds, "thomas goffus")
    assert set(seeds.actors[name].article_ids) >= {"seed-000", "seed-001"}


@needs_seeds
def test_nato_in_both_seeds(seeds):
    assert "NATO" in seeds.articles["seed-000"] and "NATO" in seeds.articles["seed-001"]


@needs_seeds
def test_iannucci_and_colomina_are_found(seeds):
    assert "Giovanni Maria Iannucci" in seeds.articles["seed-000"]
    assert "Javier Colomina" in seeds.articles["seed-001"]


@needs_seeds
def test_the_sources_are_not_actors(seeds):
    for article_id in ("seed-000", "seed-001"):
        names = {name_key(n) for n in seeds.articles[article_id]}
        assert not names & {"ina", "iraqi news agency", "shafaq news"}


@needs_seeds
def test_the_ina_seed_is_about_security():
    record = seed_records()[1]
    assert "Security" in assign_topics(record["title"], record["text"], record["section"], None).topics


@needs_seeds
def test_roles_are_dated():
    resolution = seeds_alone()
    roles = [(r.date, r.title) for r in resolution.actors["Thomas Goffus"].roles]
    assert roles == [("2023-04-04", "Deputy Secretary General for Operations"),
                     ("2024-08-27", "Assistant Secretary-General for Operations and Special Coordinator for "
                                    "Counter-Terrorism")]
    araji = [r.title for r in resolution.actors["Qasim al-Araji"].roles]
    assert araji == ["National Security Advisor of Iraq", "National Security Adviser"]


def report(result: dict) -> str:
    lines = [f"{result['articles']} articles"]
    for what in ("actors", "topics"):
        score = result[what]
        lines.append(f"{what}: {score.line()}")
        for article_id, extra, missing in score.errors:
            lines.append(f"  {article_id}: extra {extra}, missing {missing}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(report(measure()) + "\n")

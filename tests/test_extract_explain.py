"""newsdigest.extract.explain: the `explain ARTICLE` and `actors --review` reports."""
from __future__ import annotations

import pytest

from newsdigest.config import DEFAULT_SOURCES
from newsdigest.extract.mentions import extract_mentions
from newsdigest.extract.resolve import ArticleInput, resolve
from newsdigest.extract.explain import explain_article, review
from newsdigest.extract.gazetteer import default_gazetteer
from newsdigest.extract.topics import assign_topics

FIRST = ArticleInput("a", "2023-04-04", "NATO talks", (
    "NATO's Deputy Secretary General for Operations, Thomas Goffus, met Iraqi officials. Goffus said NATO "
    "would keep training Iraqi forces, according to the Iraqi News Agency- INA."), "Tigris Wire")
SECOND = ArticleInput("b", "2024-08-27", "Partnership dialogue", (
    "Assistant Secretary-General Tom Goffus headed the NATO side of the dialogue with Iraq. The two sides "
    "discussed border security, training and counter-terrorism cooperation. Kate Morrow watched."), "Levant Review")
THIRD = ArticleInput("c", "2024-09-01", "Health", "Katherine Morrow, UNICEF's chief of health, warned of measles.")


@pytest.fixture(scope="module")
def resolution():
    return resolve([FIRST, SECOND, THIRD], default_gazetteer(), DEFAULT_SOURCES)


def test_explain_shows_actors_with_the_text_matched_roles_merges_and_topics(resolution):
    mentions = extract_mentions(SECOND.text, SECOND.title, default_gazetteer(), SECOND.source, DEFAULT_SOURCES)
    topics = assign_topics(SECOND.title, SECOND.text, "Security")
    text = explain_article(SECOND, resolution, topics, mentions, "Security")
    assert text.startswith("Partnership dialogue\n  id b | 2024-08-27 | source Levant Review | section Security\n")
    assert "Thomas Goffus (person; in no gazetteer)" in text
    assert '"Tom Goffus" (in no gazetteer)' in text and "roles: Assistant Secretary-General" in text
    assert "Tom Goffus -> Thomas Goffus: Thomas and Tom are forms of one given name" in text
    assert 'Security: the source\'s section "Security"' in text
    assert "Diplomacy: phrases" in text and "threshold" in text


def test_explain_lists_what_was_not_counted(resolution):
    mentions = extract_mentions(FIRST.text, FIRST.title, default_gazetteer(), FIRST.source, DEFAULT_SOURCES)
    text = explain_article(FIRST, resolution, None, mentions)
    assert '"Iraqi News Agency": news agency (Iraqi News Agency)' in text
    assert '"Goffus" (surname alone)' in text


def test_explain_says_when_the_front_matter_decided():
    article = ArticleInput("x", "2024-01-01", "T", "Iraqi forces moved.", "", ("NATO",))
    result = resolve([article])
    text = explain_article(article, result, assign_topics("T", "", "", ["Security"]))
    assert "Actors (from the front matter; nothing was extracted)" in text
    assert "Security: front matter" in text


def test_review_lists_discoveries_duplicates_and_merges(resolution):
    text = review(resolution)
    assert text.splitlines()[0].endswith("merges")
    assert "Thomas Goffus (person), e.g. article a; written Goffus, Tom Goffus" in text
    assert "Kate Morrow / Katherine Morrow" in text
    assert "Thomas Goffus <- Tom Goffus" in text
    assert '["Thomas Goffus"]\nkind = "person"\naliases = ["Tom Goffus"]' in text


def test_explain_says_when_a_topic_is_the_best_one_or_a_broader_one():
    article = ArticleInput("x", "2024-01-01", "Terrorist bomb near Fallujah", "A roadside bomb hit a patrol; the "
                           "Islamic State, a terrorist group, was blamed for the attack.", "")
    topics = assign_topics(article.title, article.text, "", None)
    text = explain_article(article, resolve([article]), topics)
    assert "Security: Terrorism is part of it (broader)" in text
    measles = ArticleInput("y", "2024-01-01", "Cases rise", "Doctors saw more measles cases in the camps.", "")
    topics = assign_topics(measles.title, measles.text, "", None)
    assert topics.topics == ("Health",) and topics.fired[0].via == "best", topics
    assert "the best one, with half of it" in explain_article(measles, resolve([measles]), topics)

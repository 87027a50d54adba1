"""newsdigest.model: the actors seen most with each term, kept by the live engine."""
from __future__ import annotations

import random

from newsdigest.core import TaxonomySpec
from newsdigest.model import ACTORS, RelatedMemo, related_terms
from newsdigest.taxonomy import taxonomy_of

from test_plan import article


def test_related_actors_kept_between_changes_are_those_counted_afresh():
    """related_terms with the engine's memo (tallies updated by the difference) through random
    adds, edits of actors and topics, re-dates and deletes, against counting from nothing."""
    rng = random.Random(16)
    people = [f"Person {c}" for c in "ABCDEFGHIJ"] + ["Iraq", "NATO"]
    topics = ["Water", "Energy", "Security"]

    def made(n: int):
        return article(n, actors=tuple(rng.sample(people, rng.randint(0, 4))),
                       topics=tuple(rng.sample(topics, rng.randint(0, 2))), content_hash=f"h{n}-{rng.random()}")

    items = {n: made(n) for n in range(40)}
    topic_spec = TaxonomySpec("topics", "topic", "Topics", lambda a: a.topics)
    memos = {"topics": RelatedMemo(), "actors": RelatedMemo()}
    for step in range(80):
        op = rng.choice(["add", "edit", "delete", "none"])
        n = rng.choice(sorted(items))
        if op == "add":
            items[100 + step] = made(100 + step)
        elif op == "edit":
            items[n] = made(n)
        elif op == "delete" and len(items) > 3:
            del items[n]
        articles = tuple(sorted(items.values(), key=lambda a: a.sort_key))
        actors = taxonomy_of(ACTORS, articles)
        for key, spec in (("topics", topic_spec), ("actors", ACTORS)):
            source = actors if key == "actors" else taxonomy_of(spec, articles)
            limit = 3
            kept = related_terms(source, actors, articles, ACTORS.terms_of, limit, last=memos[key])
            fresh = related_terms(source, actors, articles, ACTORS.terms_of, limit)
            assert kept == fresh, (step, op, key)

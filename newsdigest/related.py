"""Related articles: for each article, the few others most about the same people and topics.

Shared actors and topics are weighted by rarity (as in stories.py: sharing "Iraq" says little),
scaled by how close in time the two are, with a bonus for the same story (or none, when the
page lists the story apart). Kept incrementally through postings: only articles whose
candidates changed are ranked again (related_incremental).
"""
from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from typing import Mapping

from .core import StoryIndex, name_key
from .stories import StoryInput, canonical, moved_keys, rarity
from .workers import fork_map


RELATED_HALF_LIFE = 30.0  # days over which the recency part of the weight halves...
RELATED_FLOOR = 0.3       # ...down to this share: an old article about the same people still counts
SAME_STORY = 300          # bonus (in rarity units) for being in the same story
TOPIC_SHARE = 0.5         # a shared topic counts half as much as a shared actor as rare


def recency(days: float) -> float:
    """Weight of a related article this many days older or newer: 1 on the day, 0.3 at the limit."""
    return RELATED_FLOOR + (1 - RELATED_FLOOR) * 0.5 ** (days / RELATED_HALF_LIFE)


PARALLEL_RELATED = 2_000  # fewer articles than this are done in this process


@dataclass(frozen=True)
class RelatedState:
    """What one related_articles computation saw and found, so the next one can redo only the
    articles whose result may differ (see related_incremental)."""

    params: tuple                                   # (k, skip_story)
    inputs: Mapping[str, tuple[frozenset, float]]   # article id -> (its keys, its time)
    weight: Mapping[str, int]                       # key -> weight
    postings: Mapping[str, tuple[str, ...]]         # key -> article ids holding it, in canonical order
    results: Mapping[str, tuple[str, ...]]


def related_articles(items: list[StoryInput], index: StoryIndex, k: int = 5,
                     skip_story: bool = False, workers: int = 1) -> dict[str, tuple[str, ...]]:
    """Up to k related article ids per article, best first, never the article itself.

    Score = (rarity of the shared actors + half the rarity of the shared topics + a bonus when
    in the same story) x recency(days apart). With `skip_story`, articles of the same story are
    left out (for pages that list them already, as "also reported by").

    Candidates are the 2k nearest articles in time on each of the article's actors, topics and
    story, then every candidate is scored on all it shares. Ties: the closer in time, then id.
    """
    return related_incremental(items, index, None, k, skip_story, workers)[0]


def related_incremental(items: list[StoryInput], index: StoryIndex, previous: RelatedState | None,
                        k: int = 5, skip_story: bool = False,
                        workers: int = 1) -> tuple[dict[str, tuple[str, ...]], RelatedState]:
    """related_articles, reusing `previous` (the state of an earlier call) where it still holds.

    An article's result depends only on its keys and time, the weights of its keys, and, for
    each key, the articles within reach of it in that key's posting, with their keys and times.
    So it is computed again only when one of these changed: the article itself changed, one of
    its keys changed weight, or it is within reach of a change in one of its postings (an
    article added, removed or changed there). Everything else keeps its previous result, which
    is then exactly what a computation from scratch gives (tests/test_stories.py checks it).
    """
    ordered = canonical(items)
    n = len(ordered)
    actor_keys = [frozenset(x for x in (name_key(a) for a in item.actors) if x) for item in ordered]
    topic_keys = [frozenset(x for x in (name_key(t) for t in item.topics) if x) for item in ordered]
    # One weight table over prefixed keys ("a\0" actors, "t\0" topics, "s\0" the story), so a
    # candidate's score is one set intersection; a story key weighs SAME_STORY.
    weight = {"a\0" + key: w for key, w in rarity(Counter(x for keys in actor_keys for x in keys), n).items()}
    weight.update(("t\0" + key, round(TOPIC_SHARE * w))
                  for key, w in rarity(Counter(x for keys in topic_keys for x in keys), n).items())
    story = [index.story_of.get(item.id, "") for item in ordered]
    keys_of: list[frozenset] = []
    postings: dict[str, list[int]] = {}
    for i in range(n):
        keys = ["a\0" + x for x in actor_keys[i]] + ["t\0" + x for x in topic_keys[i]]
        if story[i]:
            keys.append("s\0" + story[i])
            weight["s\0" + story[i]] = SAME_STORY
        keys_of.append(frozenset(keys))
        for key in keys:
            postings.setdefault(key, []).append(i)
    position: dict[str, dict[int, int]] = {key: {i: p for p, i in enumerate(post)} for key, post in postings.items()}
    reach = 2 * k
    times = [item.date.timestamp() for item in ordered]
    ids = [item.id for item in ordered]
    id_postings = {key: tuple(ids[i] for i in post) for key, post in postings.items()}
    inputs = {ids[i]: (keys_of[i], times[i]) for i in range(n)}

    weight_of = weight.__getitem__

    def best(indices) -> list[tuple[str, ...]]:
        # About a hundred candidates per article: the k best are taken with a heap instead of
        # sorting them all (the same order: no two tuples are equal, their ids differ).
        out = []
        for i in indices:
            keys_i = keys_of[i]
            candidates: set[int] = set()
            for key in keys_i:
                post = postings[key]
                p = position[key][i]
                candidates.update(post[max(0, p - reach):p + reach + 1])
            candidates.discard(i)
            left_out = story[i] if skip_story else ""   # the article's own story, when skipped
            time_i = times[i]
            scored = []
            for j in candidates:
                if left_out and left_out == story[j]:
                    continue
                shared = sum(map(weight_of, keys_i & keys_of[j]))
                if shared <= 0:
                    continue
                days = abs(time_i - times[j]) / 86400
                scored.append((-shared * recency(days), days, ids[j]))
            out.append(tuple(aid for _, _, aid in heapq.nsmallest(k, scored)))
        return out

    params = (k, skip_story)
    if previous is not None and previous.params == params:
        todo = sorted(_dirty(previous, inputs, weight, postings, position, id_postings, ids, keys_of, reach))
    else:
        todo = list(range(n))
    parts = workers if len(todo) >= PARALLEL_RELATED else 1
    chunks = [todo[len(todo) * p // parts:len(todo) * (p + 1) // parts] for p in range(parts)]
    fresh = dict(zip((ids[i] for i in todo), (r for chunk in fork_map(best, chunks, parts) for r in chunk)))
    results = {aid: fresh[aid] if aid in fresh else previous.results[aid] for aid in ids}
    return results, RelatedState(params, inputs, weight, id_postings, results)


def _dirty(previous: RelatedState, inputs, weight, postings, position, id_postings, ids, keys_of,
           reach) -> set[int]:
    """Positions (canonical order) of the articles whose related list may have changed."""
    changed = [i for i, aid in enumerate(ids) if previous.inputs.get(aid) != inputs[aid]]
    dirty = set(changed)
    for j in changed:  # whoever has a changed article as a candidate scores it again
        for key in keys_of[j]:
            post, p = postings[key], position[key][j]
            dirty.update(post[max(0, p - reach - 1):p + reach + 2])
    reweighed = moved_keys(weight, previous.weight)
    if reweighed:
        dirty.update(i for i, keys in enumerate(keys_of) if not keys.isdisjoint(reweighed))
    for key, post in postings.items():
        new, old = id_postings[key], previous.postings.get(key, ())
        if new == old:
            continue
        # The postings agree on a prefix and a suffix; only articles whose window (reach either
        # side) meets the part in between can see a difference.
        limit = min(len(new), len(old))
        a = 0
        while a < limit and new[a] == old[a]:
            a += 1
        b = 0
        while b < limit - a and new[-1 - b] == old[-1 - b]:
            b += 1
        dirty.update(post[max(0, a - reach - 1):min(len(post), len(post) - b + reach + 1)])
    return dirty

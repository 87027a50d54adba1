"""Related articles: for each article, the few others most about the same people and topics.

Shared actors and topics are weighted by rarity (as in stories.py: sharing "Iraq" says little),
scaled by how close in time the two are, with a bonus for the same story (or none, when the
page lists the story apart). Kept incrementally through postings: only articles whose
candidates changed are ranked again (related_incremental).
"""
from __future__ import annotations

import heapq
import math
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field
from sys import intern
from typing import Iterable, Mapping

from .core import StoryIndex, name_key
from .stories import StoryInput, canonical, corpus_size, key_weight, moved_keys, rarity
from .workers import fork_map


RELATED_HALF_LIFE = 30.0  # days over which the recency part of the weight halves...
RELATED_FLOOR = 0.3       # ...down to this share: an old article about the same people still counts
SAME_STORY = 300          # bonus (in rarity units) for being in the same story
TOPIC_SHARE = 0.5         # a shared topic counts half as much as a shared actor as rare


def recency(days: float) -> float:
    """Weight of a related article this many days older or newer: 1 on the day, 0.3 at the limit."""
    return RELATED_FLOOR + (1 - RELATED_FLOOR) * 0.5 ** (days / RELATED_HALF_LIFE)


PARALLEL_RELATED = 2_000  # fewer articles than this are done in this process
# Below this a margin is taken as none: scores are floats (weights x recency), exact to about
# 1e-13 of a score of a few thousand; a ranking this close to changing is made again.
SLACK_TOLERANCE = 1e-6


@dataclass(frozen=True)
class RelatedState:
    """What one related_articles computation saw and found, so the next one can redo only the
    articles whose result may differ (see related_incremental)."""

    params: tuple                                   # (k, skip_story)
    inputs: Mapping[str, tuple[frozenset, float]]   # article id -> (its keys, its time)
    weight: Mapping[str, int]                       # key -> weight
    postings: Mapping[str, tuple[str, ...]]         # key -> article ids holding it, in canonical order
    results: Mapping[str, tuple[str, ...]]
    # article id -> how much more the weights of its keys may move in all before its list can
    # change (LiveRelated.slack); 0 where unknown.
    slack: Mapping[str, float] = field(default_factory=dict, compare=False)


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
    story = [index.story_of.get(item.id, "") for item in ordered]
    keys_of = [related_keys(item, s) for item, s in zip(ordered, story)]
    # One weight table over prefixed keys ("a\0" actors, "t\0" topics, "s\0" the story), so a
    # candidate's score is one set intersection; a story key weighs SAME_STORY.
    counts = Counter(key for keys in keys_of for key in keys)
    weight = rarity(Counter({key: c for key, c in counts.items() if key[0] == "a"}), n)
    weight.update((key, round(TOPIC_SHARE * w))
                  for key, w in rarity(Counter({key: c for key, c in counts.items() if key[0] == "t"}), n).items())
    weight.update((key, SAME_STORY) for key in counts if key[0] == "s")
    postings: dict[str, list[int]] = {}
    for i, keys in enumerate(keys_of):
        for key in keys:
            postings.setdefault(key, []).append(i)
    position: dict[str, dict[int, int]] = {key: {i: p for p, i in enumerate(post)} for key, post in postings.items()}
    reach = 2 * k
    times = [item.date.timestamp() for item in ordered]
    ids = [item.id for item in ordered]
    id_postings = {key: tuple(ids[i] for i in post) for key, post in postings.items()}
    inputs = {ids[i]: (keys_of[i], times[i]) for i in range(n)}

    weight_of = weight.__getitem__

    def best(indices) -> list[tuple[tuple[str, ...], float]]:
        out = []
        for i in indices:
            candidates: set[int] = set()
            for key in keys_of[i]:
                post = postings[key]
                p = position[key][i]
                candidates.update(post[max(0, p - reach):p + reach + 1])
            candidates.discard(i)
            out.append(_kept(_best_scored(i, candidates, keys_of, times, story, ids.__getitem__, weight_of, k + 1,
                                          skip_story), k))
        return out

    params = (k, skip_story)
    if previous is not None and previous.params == params:
        todo = sorted(_dirty(previous, inputs, weight, postings, position, id_postings, ids, keys_of, reach))
    else:
        todo = list(range(n))
    parts = workers if len(todo) >= PARALLEL_RELATED else 1
    chunks = [todo[len(todo) * p // parts:len(todo) * (p + 1) // parts] for p in range(parts)]
    fresh = dict(zip((ids[i] for i in todo), (r for chunk in fork_map(best, chunks, parts) for r in chunk)))
    # A list kept had the same candidates with the same weights: what was left of its slack is.
    results = {aid: fresh[aid][0] if aid in fresh else previous.results[aid] for aid in ids}
    slack = {aid: fresh[aid][1] if aid in fresh else previous.slack.get(aid, 0.0) for aid in ids}
    return results, RelatedState(params, inputs, weight, id_postings, results, slack)


def _best_scored(i, candidates, keys_of, times, story, name, weight_of, n: int, skip_story: bool) -> list[tuple]:
    """The n best of an article's candidates as (-score, days, id), best first (articles given
    by index or id, whatever the tables are keyed by; `name` gives an article's id)."""
    keys_i = keys_of[i]
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
        scored.append((-shared * recency(days), days, name(j)))
    # About a hundred candidates per article: the k best are taken with a heap instead of
    # sorting them all (the same order: no two tuples are equal, their ids differ).
    return heapq.nsmallest(n, scored)


def _kept(scored: list[tuple], k: int) -> tuple[tuple[str, ...], float]:
    """A list from a ranking of k + 1 (_best_scored): the first k articles, and its margin."""
    return tuple(aid for _, _, aid in scored[:k]), _margin(scored)


def _margin(scored: list[tuple]) -> float:
    """How far the scores of a ranking (the k kept and the best left out, as _best_scored gives
    them) may move apart before its order can change: the least gap between two neighbours."""
    return min((b[0] - a[0] for a, b in zip(scored, scored[1:])), default=math.inf)


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


def related_keys(item: StoryInput, story: str) -> frozenset:
    """What an article is related by: its actors ("a\\0"), topics ("t\\0") and story ("s\\0")."""
    # Interned: each key's string once, not once per article that holds it.
    keys = [intern("a\0" + x) for x in {name_key(a) for a in item.actors} if x]
    keys += [intern("t\0" + x) for x in {name_key(t) for t in item.topics} if x]
    if story:
        keys.append(intern("s\0" + story))
    return frozenset(keys)


class LiveRelated:
    """related_articles's result held between builds (the live engine's), with the postings and
    weights it is computed from, updated by apply(): as related_incremental, but without looking
    at the articles a change does not reach. Articles are named by id and placed by their
    canonical key (time, id); postings are lists sorted by it."""

    def __init__(self, k: int = 5, skip_story: bool = False) -> None:
        self.k, self.skip_story, self.reach = k, skip_story, 2 * k
        self.keys: dict[str, frozenset] = {}           # id -> its keys
        self.times: dict[str, float] = {}
        self.story: dict[str, str] = {}
        self.order: list[tuple[float, str]] = []       # canonical
        self.postings: dict[str, list[tuple[float, str]]] = {}
        self.weight: dict[str, int] = {}
        self.size = 0                                  # corpus_size of the article count
        self.results: dict[str, tuple[str, ...]] = {}
        # id -> how much more the weights of its keys may move in all (the sum of each step's
        # size) before its ranking can change: a step of w in one key moves each candidate's
        # score by w x its recency (0.3 to 1) if it holds the key, by nothing if not, so two
        # scores come closer by less than the steps' sum. 0 where unknown (ranked elsewhere).
        self.slack: dict[str, float] = {}

    def apply(self, items: Iterable[StoryInput], removed: Iterable[str], story_of: Mapping[str, str],
              workers: int = 1, known: Mapping[str, tuple[str, ...]] | None = None,
              known_slack: Mapping[str, float] | None = None) -> None:
        """Articles `removed` (ids) taken out; `items` (added, or that may have changed, their
        stories in `story_of`) put in or moved. An article's list is ranked again when a change
        is within reach of it in one of its postings or one of its keys changed weight
        (related_incremental says why nothing else can differ). `known`: lists already right
        for the result (a first build from related_incremental), kept instead of ranked again,
        with their slack in `known_slack` (unknown where missing: ranked again at the first
        step of a weight they read, or by settle())."""
        dirty: set[str] = set()
        resized: set[str] = set()
        entered: dict[str, set[str]] = {}      # id -> articles put within its reach (and nothing else)
        for aid in removed:
            if aid in self.keys:
                self._unpost(aid, dirty, resized)
        for item in items:
            story = story_of.get(item.id, "")
            keys, time = related_keys(item, story), item.date.timestamp()
            if self.keys.get(item.id) == keys and self.times.get(item.id) == time:
                continue
            if item.id in self.keys:
                self._unpost(item.id, dirty, resized)
            self._post(item.id, keys, time, story, dirty, entered, resized)
        size = corpus_size(len(self.keys))
        everything, self.size = size != self.size, size
        slack = self.slack
        for key, step in self._reweigh(set(self.postings) | set(self.weight) if everything else resized).items():
            for _, aid in self.postings.get(key, ()):
                left = slack.get(aid, 0.0) - step
                slack[aid] = left
                if left <= SLACK_TOLERANCE:
                    dirty.add(aid)
        for aid, new in entered.items():
            if aid not in dirty and aid in self.keys and (known is None or aid not in known):
                if slack[aid] > SLACK_TOLERANCE and (found := self._admit(aid, new)) is not None:
                    self.results[aid], slack[aid] = found
                else:
                    dirty.add(aid)
        todo = sorted(aid for aid in dirty if aid in self.keys and (known is None or aid not in known))
        parts = workers if len(todo) >= PARALLEL_RELATED else 1
        chunks = [todo[p::parts] for p in range(parts)]
        for chunk, found in zip(chunks, fork_map(lambda ids: [self._best(aid) for aid in ids], chunks, parts)):
            for aid, (result, margin) in zip(chunk, found):
                self.results[aid], slack[aid] = result, margin
        if known is not None:
            self.results.update(known)
            given = known_slack or {}
            slack.update((aid, given.get(aid, 0.0)) for aid in known)

    def _unpost(self, aid: str, dirty: set[str], resized: set[str]) -> None:
        """Take an article out of its postings: whoever had it within reach ranks again."""
        place = (self.times.pop(aid), aid)
        for key in self.keys.pop(aid):
            posting = self.postings[key]
            p = bisect_left(posting, place)
            dirty.update(other for _, other in posting[max(0, p - self.reach):p + self.reach + 1])
            del posting[p]
            if not posting:
                del self.postings[key]
            resized.add(key)
        del self.order[bisect_left(self.order, place)], self.story[aid], self.results[aid]
        self.slack.pop(aid, None)

    def _post(self, aid: str, keys: frozenset, time: float, story: str, dirty: set[str],
              entered: dict[str, set[str]], resized: set[str]) -> None:
        """Put an article in its postings: it enters the candidates of whoever has it within
        reach, and may push one out at the far end of each one's window (_admit)."""
        place = (time, aid)
        self.keys[aid], self.times[aid], self.story[aid], self.results[aid] = keys, time, story, ()
        insort(self.order, place)
        dirty.add(aid)
        for key in keys:
            posting = self.postings.setdefault(key, [])
            p = bisect_left(posting, place)
            posting.insert(p, place)
            for _, other in posting[max(0, p - self.reach):p + self.reach + 1]:
                entered.setdefault(other, set()).add(aid)
            resized.add(key)

    def _reweigh(self, keys: Iterable[str]) -> dict[str, float]:
        """The weights of `keys` again (related_incremental's table); returns those that moved,
        each with the size of its step (infinite for a key new or gone)."""
        moved = {}
        for key in keys:
            posting = self.postings.get(key)
            if not posting:
                new = None
            elif key[0] == "s":
                new = SAME_STORY
            else:
                new = key_weight(self.size, len(posting))
                new = new if key[0] == "a" else round(TOPIC_SHARE * new)
            old = self.weight.get(key)
            if new != old:
                moved[key] = math.inf if new is None or old is None else abs(new - old)
                if new is None:
                    del self.weight[key]
                else:
                    self.weight[key] = new
        return moved

    def _candidates(self, aid: str) -> set[str]:
        place = (self.times[aid], aid)
        candidates: set[str] = set()
        for key in self.keys[aid]:
            posting = self.postings[key]
            p = bisect_left(posting, place)
            candidates.update(other for _, other in posting[max(0, p - self.reach):p + self.reach + 1])
        candidates.discard(aid)
        return candidates

    def _scored(self, aid: str, candidates: Iterable[str]) -> tuple[tuple[str, ...], float]:
        return _kept(_best_scored(aid, candidates, self.keys, self.times, self.story, str, self.weight.__getitem__,
                                  self.k + 1, self.skip_story), self.k)

    def _best(self, aid: str) -> tuple[tuple[str, ...], float]:
        """An article's list and its margin (_margin)."""
        return self._scored(aid, self._candidates(aid))

    def _admit(self, aid: str, new: set[str]) -> tuple[tuple[str, ...], float] | None:
        """An article's list when the only change to its candidates is `new` put within its
        reach (and whoever that pushed out of a window) and its slack is left: its kept list
        still leads the candidates it had, in order, so the new list is the best of the kept
        list and the new ones, if every article kept is still a candidate (None if not). Its
        margin: the least of its slack (the kept list's lead over the rest) and the gaps
        between neighbours of the new list and the best left out of those ranked here."""
        kept = self.results[aid]
        candidates = self._candidates(aid)
        if not candidates.issuperset(kept):
            return None
        result, margin = self._scored(aid, candidates.intersection(new).union(kept))
        return result, min(margin, self.slack[aid])

    def settle(self) -> int:
        """Each list whose slack is unknown (ranked elsewhere, from a state that did not hold it)
        or used up ranked again for its slack (its list is what it is: no weight moved since it
        was ranked, or it would have been ranked again then). The engine calls it as watch
        starts, so that the first changes do not rank them. Returns how many were ranked."""
        todo = [aid for aid in self.keys if self.slack.get(aid, 0.0) <= SLACK_TOLERANCE]
        for aid in todo:
            self.results[aid], self.slack[aid] = self._best(aid)
        return len(todo)

    def related(self) -> dict[str, tuple[str, ...]]:
        """Each article's related ids, in canonical order of the articles (as related_articles)."""
        return {aid: self.results[aid] for _, aid in self.order}

    def state(self) -> RelatedState:
        """What related_incremental would have left: for a build without this object."""
        return RelatedState((self.k, self.skip_story), {aid: (self.keys[aid], t) for t, aid in self.order},
                            dict(self.weight), {key: tuple(aid for _, aid in posting)
                                                for key, posting in self.postings.items()}, self.related(),
                            {aid: self.slack.get(aid, 0.0) for _, aid in self.order})

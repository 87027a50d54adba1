"""Stories kept alive between builds: stories.py's clustering, updated by a change set.

The live engine (engine.py) holds a LiveClusters and applies each build's change to it
(articles added, removed, or whose story input changed) instead of clustering the corpus again:
the keys' document frequencies, weights and norms, each article's rarest words, blocking keys
and candidates, the postings, the pair decisions and the stories are updated where the change
reaches them, and nothing else is looked at. Each step says what can change and why looking
there is enough; the result is exactly cluster_stories's for the same articles
(tests/test_stories_live.py drives random changes and compares every step with it).

Articles are named by id and placed by their canonical key (time, id), so that adding one
renumbers nothing; postings are lists sorted by that key.
"""
from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from operator import itemgetter
from sys import intern
from typing import Iterable, Mapping

from .core import Story, StoryIndex
from .stories import (BUDGET, CROSS_MIN_SHARED, DUPLICATE, DUPLICATE_WORDS, MAX_NEIGHBOURS, PRIOR, RAREST, WINDOW,
                      ClusterState, StoryInput, _cosine, _cross_linked, _cross_threshold, _Features, _Scorer,
                      _similarity, _story, _threshold, _version, blocking_cap, both, corpus_size, key_weight, name_stories,
                      next_in_postings, shared_names, story_features, story_id, story_index, unchanged_since)
from .workers import fork_map


# Fewer pairs to decide than this are decided in this process. The live engine's process is large:
# at 10,000 articles, 20,000 to 30,000 pairs took 0.20 to 0.46 s on two forked workers (the fork
# and the pool's start and stop included) against about 6.5 us a pair here (0.13 to 0.2 s).
PARALLEL_PAIRS_LIVE = 100_000
# A decision this close (in log units) to its threshold is taken as on it: the similarities are
# floats, exact to about 1e-15 of their value.
DRIFT_TOLERANCE = 1e-6


class _Keys:
    """One kind of key of the pair evidence (opening words, actors or facts): the articles that
    hold each key, its weight (stories.rarity over them) and each article's norm."""

    def __init__(self) -> None:
        # Lists, not sets: about a hundred opening words an article make these the largest table
        # (sets took 47 MB at 10,000 articles), and nothing asks whether one holds an article.
        self.holders: dict[str, list[str]] = {}
        self.weight: dict[str, int] = {}
        self.square: dict[str, int] = {}
        self.norm: dict[str, int] = {}          # article -> the sum of the squares of its keys
        self.before: dict[str, int] = {}        # key -> its holders before this change set

    def df(self, key: str) -> int:
        held = self.holders.get(key)
        return len(held) if held else 0

    def add(self, aid: str, keys: Iterable[str]) -> None:
        for key in keys:
            held = self.holders.setdefault(key, [])
            self.before.setdefault(key, len(held))
            held.append(aid)

    def remove(self, aid: str, keys: Iterable[str]) -> None:
        for key in keys:
            held = self.holders[key]
            self.before.setdefault(key, len(held))
            held.remove(aid)
            if not held:
                del self.holders[key]
        self.norm.pop(aid, None)

    def settle(self, size: int, everything: bool) -> dict[str, float]:
        """The weights of the keys whose holders changed (of every key when the corpus size moved
        to another step), the norms of their holders updated by the difference (integers: the
        same sum as from scratch). Returns the keys whose weight moved, each with how far its
        square moved in log units (infinite for a key new or gone)."""
        keys = set(self.holders) | set(self.weight) if everything else self.before
        moved = {}
        for key in keys:
            held = self.holders.get(key)
            new = key_weight(size + PRIOR, len(held)) if held else None
            old = self.weight.get(key)
            if new == old:
                continue
            moved[key] = 2 * abs(math.log(new) - math.log(old)) if new and old else math.inf
            change = (new or 0) ** 2 - (old or 0) ** 2
            if new is None:
                del self.weight[key], self.square[key]
            else:
                self.weight[key], self.square[key] = new, new * new
            for aid in held or ():
                if aid in self.norm:             # new articles get theirs afterwards, whole
                    self.norm[aid] += change
        return moved

    def norm_of(self, aid: str, keys: Iterable[str]) -> None:
        self.norm[aid] = sum(map(self.square.__getitem__, keys))


@dataclass(slots=True)
class _Pair:
    """What the decision on a candidate pair reads of the two articles' features (none of it
    depends on the weights): after a weight moves, deciding again is a few sums."""

    days: float
    shared: tuple               # opening words both hold, less the words of the actors both have
    names: tuple                # the words of those actors in the first article's opening...
    other_names: tuple          # ...and in the second's
    actors: tuple               # actors both have
    facts: tuple | None         # in two scripts: what both write alike
    duplicate: float | None = None   # 4-gram Jaccard, once needed
    # The drift (LiveClusters.drift) each article may reach before the decision can change:
    # half the decision's distance from its threshold each, in log units (LiveClusters.linked).
    # Unknown (from a state that did not hold them): decided again at the first weight that
    # moves, or by LiveClusters.settle().
    fire_first: float = -math.inf
    fire_second: float = -math.inf


def _found(pair: _Pair) -> tuple[float, float, float | None]:
    """What deciding a pair found besides the decision: its fires and 4-gram overlap."""
    return pair.fire_first, pair.fire_second, pair.duplicate


def _recency(story: Story, root: str) -> tuple[float, str, str]:
    return -story.last_date.timestamp(), story.id, root


def _gap(value: float, threshold: float) -> float:
    """How far (in log units) a similarity is from its threshold; infinite at 0 (no key shared:
    no weight can change that)."""
    return abs(math.log(value) - math.log(threshold)) if value > 0 else math.inf


class LiveClusters(_Scorer):
    """A clustering held between builds (stories.cluster_stories's result and everything it was
    computed from), updated by apply(). It is its own pair scorer: the _Scorer's tables, keyed
    by article id instead of position."""

    def __init__(self, window: timedelta = WINDOW) -> None:
        self.window = window
        self.window_days = window.total_seconds() / 86400
        self.items: dict[str, StoryInput] = {}
        self.features: dict[str, _Features] = {}
        self.versions: dict[str, str] = {}
        self.place: dict[str, tuple[float, str]] = {}     # id -> (time, id): its canonical key
        self.order: list[tuple[float, str]] = []          # every article, in canonical order
        self.words, self.actors, self.facts = _Keys(), _Keys(), _Keys()
        self.word_weight, self.word_square, self.lead_norm = self.words.weight, self.words.square, self.words.norm
        self.actor_weight, self.actor_square, self.actor_norm = (self.actors.weight, self.actors.square,
                                                                 self.actors.norm)
        self.fact_weight, self.fact_square, self.fact_norm = self.facts.weight, self.facts.square, self.facts.norm
        self._shingles: dict[str, frozenset] = {}
        self.size = 0                                     # corpus_size of the article count
        self.cap = blocking_cap(0)
        self.scripts: Counter = Counter()
        self.rarest: dict[str, frozenset] = {}            # id -> its rarest opening words (blocking keys)
        self.last: dict[str, tuple[int, str]] = {}        # id -> the last of them, (df, word), when RAREST
        self.blocking: dict[str, frozenset] = {}          # id -> its blocking keys
        self.postings: dict[str, list] = {}               # blocking key -> canonical keys of its holders
        self.fact_postings: dict[str, list] = {}          # fact -> canonical keys of its holders
        self.found: dict[str, set[str]] = {}              # id -> later candidates by blocking keys
        self.cross: dict[str, set[str]] = {}              # ... by facts, in another script
        self.partners: dict[str, set[str]] = {}           # candidate pairs, both ways
        self.links: dict[str, set[str]] = {}              # linked pairs, both ways
        self.evidence: dict[tuple[str, str], _Pair] = {}  # candidate pair -> what its decision reads
        self.root_of: dict[str, str] = {}                 # id -> the first article of its story
        self.stories: dict[str, Story] = {}               # first article id -> its story
        self.story_of: dict[str, str] = {}                # id -> its story's id (before any clash is resolved)
        self.base_ids: Counter = Counter()                # story ids before any clash is resolved
        # The stories in the index's two orders, kept sorted as they change: by their first
        # article's canonical key, and latest activity first (-last date, id, first article id).
        self.roots: list[tuple[float, str]] = []
        self.recent: list[tuple[float, str, str]] = []
        self.paged: list[tuple[float, str, str]] = []     # ... those of the stories with a page, in that order
        self.clashes = 0                                  # ids held by more than one story
        # Each story by its id, while no two stories have had one id (then None until index()
        # makes it again): what each index's by_id copies, not made from 100,000 stories.
        self.by_id: dict[str, Story] | None = {}
        # id -> the sum of the steps (in log units) of the squared weights of its keys, ever. A
        # cosine is a sum of squares over shared keys divided by the roots of two such sums over
        # each article's keys: while each article's drift grows by less than d, every square
        # it holds moves by a factor within e^d, so a pair's cosines (and the similarity, whose
        # actor part moves less than its cosine) move by a factor within e^(d_i + d_j).
        self.drift: dict[str, float] = {}
        self.trigger: dict[str, float] = {}               # id -> the least fire of its pairs on its side

    @property
    def ready(self) -> bool:
        return bool(self.items)

    # -- the change set ---------------------------------------------------------------------------

    def apply(self, added: list[StoryInput], removed: Iterable[str], features: Mapping[str, _Features] | None = None,
              versions: Mapping[str, str] | None = None, previous: ClusterState | None = None,
              workers: int = 1) -> set[str]:
        """Articles `removed` (ids) taken out and `added` put in (an article that changed is in
        both). `features` and `versions` (story_features and what they were computed from, by
        id) may hold the added ones; `previous`, the state of an earlier clustering, gives the
        decisions that still hold (the first build of an engine). Returns the ids of the
        articles whose story may have changed."""
        self.words.before, self.actors.before, self.facts.before = {}, {}, {}
        resized: dict[str, int] = {}            # blocking key -> its posting's size before
        redo: set[str] = set()                  # articles whose blocking candidates are found again
        facts_moved: list[tuple[str, tuple[float, str], str]] = []   # (fact, canonical key, script)
        regroup: set[str] = set()               # articles whose story is found again
        gone = set(removed)
        for aid in gone:
            self._drop(aid, redo, resized, facts_moved, regroup)
        for item in added:
            self._put(item, features, versions, facts_moved)
        fresh = {item.id for item in added}
        old_cap, self.cap = self.cap, blocking_cap(len(self.items))
        size = corpus_size(len(self.items))
        everything, self.size = size != self.size, size
        moved = [self.words.settle(size, everything), self.actors.settle(size, everything),
                 self.facts.settle(size, everything)]
        for aid in fresh:
            f = self.features[aid]
            self.words.norm_of(aid, f.lead)
            self.actors.norm_of(aid, f.actors)
            self.facts.norm_of(aid, f.facts)
        self._rerank(fresh, old_cap, redo, resized)
        self._resized(resized, old_cap, redo)
        recross = self._recross(fresh, facts_moved, old_cap)
        touched = self._drifted(moved)
        pairs = self._candidates(redo | fresh, recross | fresh, regroup)
        pairs.update(self._due(touched))
        self._decide(pairs, regroup, previous, workers)
        self._retrigger(touched | fresh, pairs)
        self._shingles.clear()      # each pair keeps its own overlap: 4-grams of every article would be 20 kB each
        return self._regroup(regroup | fresh, gone)

    def _put(self, item: StoryInput, features, versions, facts_moved) -> None:
        aid = item.id
        if item.date.tzinfo is None or item.date.utcoffset() is None:
            raise ValueError(f"article {aid!r}: date {item.date.isoformat()} has no timezone")
        if aid in self.items:
            raise ValueError(f"article ids must be unique; repeated: {aid!r}")
        f = (features or {}).get(aid) or story_features(item)
        self.items[aid], self.features[aid] = item, f
        self.versions[aid] = versions[aid] if versions is not None else _version(item)
        self.place[aid] = key = (item.date.timestamp(), aid)
        insort(self.order, key)
        self.words.add(aid, f.lead)
        self.actors.add(aid, f.actors)
        self.facts.add(aid, f.facts)
        self.scripts[f.script] += 1
        for fact in f.facts:
            insort(self.fact_postings.setdefault(fact, []), key)
            facts_moved.append((fact, key, f.script))
        self.rarest[aid] = frozenset()
        self.blocking[aid] = frozenset()
        self.found[aid], self.cross[aid], self.partners[aid], self.links[aid] = set(), set(), set(), set()
        self.drift[aid], self.trigger[aid] = 0.0, math.inf

    def _drop(self, aid: str, redo: set[str], resized: dict[str, int], facts_moved, regroup: set[str]) -> None:
        f, key = self.features.pop(aid), self.place.pop(aid)
        del self.items[aid], self.versions[aid], self.order[bisect_left(self.order, key)]
        self.words.remove(aid, f.lead)
        self.actors.remove(aid, f.actors)
        self.facts.remove(aid, f.facts)
        self.scripts[f.script] -= 1
        for fact in f.facts:
            posting = self.fact_postings[fact]
            del posting[bisect_left(posting, key)]
            if not posting:
                del self.fact_postings[fact]
            facts_moved.append((fact, key, f.script))
        self._repost(key, self.blocking.pop(aid), frozenset(), redo, resized)
        del self.rarest[aid], self.found[aid], self.cross[aid]
        self.last.pop(aid, None)
        for other in self.partners.pop(aid):     # who had it as a candidate finds its candidates again
            self.evidence.pop((aid, other), None)
            self.evidence.pop((other, aid), None)
            self.partners[other].discard(aid)
            self.found[other].discard(aid)
            self.cross[other].discard(aid)
        for other in self.links.pop(aid):
            self.links[other].discard(aid)
        del self.drift[aid], self.trigger[aid]
        regroup.update(self.stories[self.root_of[aid]].article_ids)
        self._shingles.pop(aid, None)

    # -- blocking keys and candidates ---------------------------------------------------------------

    def _eligible(self, df: int, cap: int) -> bool:
        return 2 <= df <= cap

    def _rerank(self, fresh: set[str], old_cap: int, redo: set[str], resized: dict[str, int]) -> None:
        """Each article's blocking keys again where they can differ: its actors, its title words
        and its RAREST rarest opening words (by document frequency, then the word; only words in
        2 to cap articles). An article's choice changes only when a word it holds changed
        frequency or crossed the cap: when one it chose did, or one it did not choose now comes
        before the last it chose. Words neither eligible before nor now change nothing."""
        cap, df, before = self.cap, self.words.df, self.words.before
        changed = dict(before)
        if cap != old_cap:
            low, high = sorted((cap, old_cap))
            changed.update((w, len(held)) for w, held in self.words.holders.items()
                           if w not in changed and low < len(held) <= high)
        recheck = set(fresh)
        last = self.last     # per article, a (df, word) after its chosen words and before its other eligible ones
        for word, was in changed.items():
            now = df(word)
            if not (self._eligible(was, old_cap) or self._eligible(now, cap)):
                continue
            for aid in self.words.holders.get(word, ()):
                if aid in recheck:
                    continue
                chosen = self.rarest[aid]
                if word in chosen:
                    # `last` parts the chosen from the others (every chosen word up to it, every
                    # other eligible one after): a chosen word still eligible and still before it
                    # changes nothing (all eligible ones are chosen when fewer than RAREST are).
                    if not self._eligible(now, cap) or (len(chosen) == RAREST and not (now, word) < last[aid]):
                        recheck.add(aid)
                elif self._eligible(now, cap):
                    if len(chosen) < RAREST:
                        recheck.add(aid)
                        continue
                    if (now, word) < last[aid]:
                        recheck.add(aid)
        for aid in recheck:
            f = self.features[aid]
            rarest = frozenset(heapq.nsmallest(RAREST, (w for w in f.lead if self._eligible(df(w), cap)),
                                               key=lambda w: (df(w), w)))
            if len(rarest) == RAREST:
                last[aid] = max((df(w), w) for w in rarest)
            if rarest == self.rarest[aid] and aid not in fresh:
                continue
            self.rarest[aid] = rarest
            # Interned: each key's string once, not once per article that holds it.
            keys = frozenset([intern("a\0" + key) for key in f.actors] +
                             [intern("w\0" + key) for key in rarest.union(f.title)])
            self._repost(self.place[aid], self.blocking[aid], keys, redo, resized)
            self.blocking[aid] = keys
            redo.add(aid)

    def _repost(self, key: tuple[float, str], old: frozenset, new: frozenset, redo: set[str],
                resized: dict[str, int]) -> None:
        """Move an article (its canonical key) from the postings of its old blocking keys to its
        new ones. Whoever sees it among the next MAX_NEIGHBOURS of a posting within the window
        finds its candidates again; nobody else's next ones change."""
        for k in old - new:
            posting = self.postings[k]
            resized.setdefault(k, len(posting))
            p = bisect_left(posting, key)
            self._mark_before(posting, p, key[0], redo)
            del posting[p]
            if not posting:
                del self.postings[k]
        for k in new - old:
            posting = self.postings.setdefault(k, [])
            resized.setdefault(k, len(posting))
            p = bisect_left(posting, key)
            posting.insert(p, key)
            self._mark_before(posting, p, key[0], redo)

    def _mark_before(self, posting: list, p: int, time: float, redo: set[str]) -> None:
        window = self.window_days * 86400
        for q in range(max(0, p - MAX_NEIGHBOURS), p):
            before, other = posting[q]
            if not time > before + window:
                redo.add(other)

    def _resized(self, resized: dict[str, int], old_cap: int, redo: set[str]) -> None:
        """A posting that changed size reorders its holders' keys (rarest first) or crosses the
        cap. The order matters only to an article whose candidates reached BUDGET (below it,
        they are the union over every key within the cap, in any order)."""
        cap = self.cap
        changed = dict(resized)
        if cap != old_cap:
            changed.update((k, len(posting)) for k, posting in self.postings.items()
                           if k not in changed and (len(posting) <= old_cap) != (len(posting) <= cap))
        for k, was in changed.items():
            posting = self.postings.get(k, ())
            now = len(posting)
            if (was <= old_cap) != (now <= cap):
                redo.update(aid for _, aid in posting)
            elif now <= cap and now != was:
                redo.update(aid for _, aid in posting
                            if len(self.found[aid]) >= BUDGET and aid not in redo and self._reordered(aid, resized))

    def _reordered(self, aid: str, resized: dict[str, int]) -> bool:
        """Whether an article's blocking keys, rarest first, are in another order than before
        this change resized some postings (`resized`: their sizes before). Its walk over them
        (_block) is otherwise the same: what changed in a posting within its reach is marked by
        _mark_before, and a key crossing the cap by _resized. Most resizings move a key by one
        place among thousands, past none of the article's other keys."""
        postings, keys = self.postings, self.blocking[aid]
        return (sorted(keys, key=lambda k: (resized[k] if k in resized else len(postings[k]), k))
                != sorted(keys, key=lambda k: (len(postings[k]), k)))

    def _recross(self, fresh: set[str], facts_moved, old_cap: int) -> set[str]:
        """Articles whose candidates in another script can differ: those before an article added
        to or taken from a fact's posting, within the window and in another script; and those
        whose facts changed frequency, when it crosses the bounds or they reached BUDGET."""
        cap, df, before = self.cap, self.facts.df, self.facts.before
        window = self.window_days * 86400
        recross = set(fresh)
        for fact, key, script in facts_moved:
            if not (self._eligible(before.get(fact, df(fact)), old_cap) or self._eligible(df(fact), cap)):
                continue
            posting = self.fact_postings.get(fact, ())
            for q in range(bisect_left(posting, key) - 1, -1, -1):
                time, other = posting[q]
                if not key[0] - time <= window:
                    break
                if self.features[other].script != script:
                    recross.add(other)
        changed = dict(before)
        if cap != old_cap:
            changed.update((k, len(held)) for k, held in self.facts.holders.items()
                           if k not in changed and self._eligible(len(held), old_cap) != self._eligible(len(held), cap))
        for fact, was in changed.items():
            now = df(fact)
            crossed = self._eligible(was, old_cap) != self._eligible(now, cap)
            if crossed or (now != was and self._eligible(now, cap)):
                recross.update(aid for aid in self.facts.holders.get(fact, ())
                               if crossed or len(self.cross[aid]) >= BUDGET)
        return recross

    def _block(self, aid: str) -> set[str]:
        """stories._candidate_pairs for one article: its later candidates."""
        place = self.place[aid]
        rarest_first = [self.postings[k] for _, k in sorted((len(self.postings[k]), k) for k in self.blocking[aid])]
        found = next_in_postings(((posting, bisect_left(posting, place)) for posting in rarest_first),
                                 itemgetter(0), place[0] + self.window_days * 86400, self.cap)
        return {aid for _, aid in found}

    def _cross_of(self, aid: str) -> set[str]:
        """stories._cross_pairs for one article: its later candidates in another script."""
        f = self.features[aid]
        found: set[str] = set()
        if self.scripts[f.script] == len(self.items):
            return found                   # one script: nobody to pair with
        time, window, df = self.place[aid][0], self.window_days * 86400, self.facts.df
        for _, fact in sorted((df(k), k) for k in f.facts if self._eligible(df(k), self.cap)):
            posting = self.fact_postings[fact]
            for q in range(bisect_left(posting, self.place[aid]) + 1, len(posting)):
                later, j = posting[q]
                if not later - time <= window:
                    break
                if self.features[j].script != f.script:
                    found.add(j)
            if len(found) >= BUDGET:
                break
        return found

    def _candidates(self, redo: set[str], recross: set[str], regroup: set[str]) -> set[tuple[str, str]]:
        """The candidates of `redo` and `recross` found again; returns the new pairs, and drops the
        pairs no longer candidates (with their links)."""
        new: set[tuple[str, str]] = set()
        for aid in (redo | recross) & self.items.keys():
            before = self.found[aid] | self.cross[aid]
            if aid in redo:
                self.found[aid] = self._block(aid)
            if aid in recross:
                self.cross[aid] = self._cross_of(aid)
            now = self.found[aid] | self.cross[aid]
            for other in before - now:
                self.evidence.pop((aid, other), None)
                self.partners[aid].discard(other)
                self.partners[other].discard(aid)
                if other in self.links[aid]:
                    self.links[aid].discard(other)
                    self.links[other].discard(aid)
                    regroup.update((aid, other))
            for other in now - before:
                self.partners[aid].add(other)
                self.partners[other].add(aid)
                new.add((aid, other))
        return new

    # -- decisions and stories ----------------------------------------------------------------------

    def _drifted(self, moved: list[dict[str, float]]) -> set[str]:
        """Each holder of a key whose weight moved drifts by its step; returns those whose drift
        reached the fire of one of their pairs (their trigger)."""
        drift, bumped = self.drift, set()
        for table, steps in zip((self.words, self.actors, self.facts), moved):
            for key, step in steps.items():
                if step == math.inf:      # a key nobody held before (only articles added hold it) or gone
                    continue
                held = table.holders.get(key, ())
                for aid in held:
                    drift[aid] += step
                bumped.update(held)
        trigger = self.trigger
        return {aid for aid in bumped if drift[aid] >= trigger[aid]}

    def _due(self, touched: set[str]) -> set[tuple[str, str]]:
        """The pairs of `touched` whose decision can have changed: those whose fire on that side
        was reached. A pair neither of whose articles reached its fire drifted by less than
        the distance of its decision from the threshold, and keeps it."""
        due, place, evidence, drift = set(), self.place, self.evidence, self.drift
        for a in touched:
            reached = drift[a]
            for b in self.partners[a]:
                first = place[a] < place[b]
                pair = evidence.get((a, b) if first else (b, a))
                if pair is None or reached >= (pair.fire_first if first else pair.fire_second):
                    due.add((a, b) if first else (b, a))
        return due

    def _retrigger(self, seen: set[str], decided: set[tuple[str, str]]) -> None:
        """Each article's trigger again where its pairs' fires changed: in full for `seen`, and
        lowered for both articles of a pair `decided`."""
        trigger, evidence, place = self.trigger, self.evidence, self.place
        for a in seen & self.items.keys():
            least = math.inf
            for b in self.partners[a]:
                pair = evidence.get((a, b) if place[a] < place[b] else (b, a))
                least = min(least, -math.inf if pair is None else
                            pair.fire_first if place[a] < place[b] else pair.fire_second)
            trigger[a] = least
        for a, b in decided:
            pair = evidence.get((a, b))
            if pair is None:
                trigger[a] = trigger[b] = -math.inf
            else:
                trigger[a] = min(trigger[a], pair.fire_first)
                trigger[b] = min(trigger[b], pair.fire_second)

    def linked(self, i: str, j: str) -> bool:
        """_Scorer.linked, from the pair's _Pair (made once) and the current weights and norms.
        Sets the pair's fires: how far each article may drift before the decision can change."""
        pair = self.evidence.get((i, j))
        if pair is None:
            pair = self.evidence[(i, j)] = self._pair(i, j)
        window = self.window_days
        if pair.days > window:
            self._hold(pair, i, j, math.inf)       # too far apart whatever the weights
            return False
        square = self.word_square
        words = _cosine(pair.shared, self.lead_norm[i] - sum(map(square.__getitem__, pair.names)),
                        self.lead_norm[j] - sum(map(square.__getitem__, pair.other_names)), square)
        actors = _cosine(pair.actors, self.actor_norm[i], self.actor_norm[j], self.actor_square)
        # A decision holds while every test that decides it keeps its outcome: a link while the
        # test that made it holds, no link while none of the tests that can pass passes.
        similarity, threshold = _similarity(words, actors), _threshold(pair.days, window)
        margin = _gap(similarity, threshold)
        if similarity >= threshold:
            self._hold(pair, i, j, margin)
            return True
        if pair.facts is not None:
            facts = _cosine(pair.facts, self.fact_norm[i], self.fact_norm[j], self.fact_square)
            gap = _gap(facts, _cross_threshold(pair.days, window))
            if _cross_linked(facts, len(pair.facts), pair.days, window):
                self._hold(pair, i, j, gap)
                return True
            if len(pair.facts) >= CROSS_MIN_SHARED:
                margin = min(margin, gap)
        if words < DUPLICATE_WORDS:
            if pair.duplicate is None or pair.duplicate >= DUPLICATE:   # 4-grams that could decide
                margin = min(margin, _gap(words, DUPLICATE_WORDS))
            self._hold(pair, i, j, margin)
            return False
        if pair.duplicate is None:
            pair.duplicate = self._duplicate(i, j)
        if pair.duplicate >= DUPLICATE:
            self._hold(pair, i, j, _gap(words, DUPLICATE_WORDS))
            return True
        self._hold(pair, i, j, margin)
        return False

    def _hold(self, pair: _Pair, i: str, j: str, margin: float) -> None:
        half = margin / 2 - DRIFT_TOLERANCE
        pair.fire_first, pair.fire_second = self.drift[i] + half, self.drift[j] + half

    def _pair(self, i: str, j: str) -> _Pair:
        fi, fj = self.features[i], self.features[j]
        common = both(fi.actors, fj.actors)
        words = both(fi.lead, fj.lead)
        # As _Scorer._words: the names of the actors both have count as actors, not as words.
        names = shared_names(fi, fj, common) if common else frozenset()
        return _Pair(abs(fi.time - fj.time) / 86400, tuple(words - names), tuple(names.intersection(fi.lead)),
                     tuple(names.intersection(fj.lead)), tuple(common),
                     tuple(both(fi.facts, fj.facts)) if fi.script != fj.script else None)

    def _decide(self, pairs: set[tuple[str, str]], regroup: set[str], previous: ClusterState | None,
                workers: int) -> None:
        todo = sorted(pairs, key=lambda pair: (self.place[pair[0]], self.place[pair[1]]))
        known: dict[tuple[str, str], bool] = {}
        carried: dict[tuple[str, str], int] = {}     # a pair decided in `previous` -> its number there
        if previous is not None and previous.window == self.window and todo:
            ids = [aid for _, aid in self.order]
            old = dict(zip(ids, unchanged_since(previous, ids, (self.versions[a] for a in ids),
                                                (self.features[a] for a in ids), self)))
            size = len(previous.ids)
            for a, b in todo:
                pa, pb = old[a], old[b]
                if pa >= 0 and pb >= 0 and (then := pa * size + pb) in previous.checked:
                    known[(a, b)] = then in previous.linked
                    carried[(a, b)] = then
            todo = [pair for pair in todo if pair not in known]
        parts = workers if len(todo) >= PARALLEL_PAIRS_LIVE else 1
        chunks = [todo[p::parts] for p in range(parts)]

        def linked(chunk: list[tuple[str, str]]) -> list:
            if parts == 1:
                return [self.linked(a, b) for a, b in chunk]
            # On a worker: what it found of each pair goes back with the decision, or the first
            # change that moves a weight the pair reads decides it again.
            return [(self.linked(a, b), *_found(self.evidence[(a, b)])) for a, b in chunk]

        for chunk, found in zip(chunks, fork_map(linked, chunks, parts)):
            if parts == 1:
                known.update(zip(chunk, found))
                continue
            for pair, (link, *what) in zip(chunk, found):
                known[pair] = link
                made = self.evidence.get(pair) or self.evidence.setdefault(pair, self._pair(*pair))
                made.fire_first, made.fire_second, made.duplicate = what
        if carried:
            self._carry(carried, previous)
        for (a, b), link in known.items():
            if link != (b in self.links[a]):
                if link:
                    self.links[a].add(b)
                    self.links[b].add(a)
                else:
                    self.links[a].discard(b)
                    self.links[b].discard(a)
                regroup.update((a, b))

    def _carry(self, carried: dict[tuple[str, str], int], previous: ClusterState) -> None:
        """The pairs whose decision `previous` gave (the first build): their _Pair made here, not
        by the first change that moves a weight they read, with the fires `previous` knew. Both
        articles hold the keys, with the weights, they had there (unchanged_since): what was left
        of their drift there is left now. A pair it knew no fires of is decided again at the
        first weight that moves (or by settle())."""
        at = dict(zip(previous.fired, range(len(previous.fired))))
        first, second, drift, evidence = previous.fire_first, previous.fire_second, self.drift, self.evidence
        for pair, code in carried.items():
            if pair in evidence:
                continue
            made = evidence[pair] = self._pair(*pair)
            p = at.get(code)
            if p is not None:
                made.fire_first, made.fire_second = drift[pair[0]] + first[p], drift[pair[1]] + second[p]

    def settle(self) -> int:
        """Each pair whose fires are unknown (decided elsewhere: from a state that did not hold
        them) decided again, for its fires alone: none of its articles drifted since its
        decision (a trigger of -inf makes any step decide it again), so the weights are those it
        was decided at. The engine calls it as watch starts, so that the first changes do not
        decide them (a few thousand pairs each). Returns how many were decided."""
        unknown = [pair for pair, made in self.evidence.items()
                   if made.fire_first == -math.inf or made.fire_second == -math.inf]
        for a, b in unknown:
            self.linked(a, b)
        self._shingles.clear()
        self._retrigger({aid for pair in unknown for aid in pair}, set())
        return len(unknown)

    def _regroup(self, seeds: set[str], gone: set[str]) -> set[str]:
        """The stories of `seeds` (and of the articles of their stories) found again as connected
        groups of links. Returns every article of the stories before and after."""
        touched = set(seeds)
        for aid in seeds:
            root = self.root_of.pop(aid, None)
            if root is not None and root in self.stories:
                story = self.stories.pop(root)
                self._forget_id(story)
                del self.roots[bisect_left(self.roots, (story.first_date.timestamp(), root))]
                del self.recent[bisect_left(self.recent, _recency(story, root))]
                if story.has_page:
                    del self.paged[bisect_left(self.paged, _recency(story, root))]
                if self.by_id is not None:
                    if self.base_ids[story.id] > 0:   # another story has had its id
                        self.by_id = None
                    else:
                        del self.by_id[story.id]
                touched.update(story.article_ids)
        for aid in gone:
            self.story_of.pop(aid, None)
        touched &= self.items.keys()
        left = set(touched)
        while left:
            group, todo = set(), [left.pop()]
            while todo:
                aid = todo.pop()
                group.add(aid)
                for other in self.links[aid]:
                    if other not in group:
                        todo.append(other)
            left -= group
            members = [self.items[aid] for _, aid in sorted(map(self.place.__getitem__, group))]
            root = members[0].id
            for aid in group:
                self.root_of[aid] = root
            base = story_id(members[0].title, root)
            self.base_ids[base] += 1
            self.clashes += self.base_ids[base] == 2
            self.stories[root] = story = _story(members, base)
            self.story_of.update(dict.fromkeys(group, story.id))
            insort(self.roots, (story.first_date.timestamp(), root))
            insort(self.recent, _recency(story, root))
            if story.has_page:
                insort(self.paged, _recency(story, root))
            if self.by_id is not None:
                if story.id in self.by_id:
                    self.by_id = None
                else:
                    self.by_id[story.id] = story
        return touched | gone

    def _forget_id(self, story: Story) -> None:
        self.clashes -= self.base_ids[story.id] == 2
        self.base_ids[story.id] -= 1           # held stories keep their id before any clash
        if self.base_ids[story.id] <= 0:
            del self.base_ids[story.id]

    def index(self) -> StoryIndex:
        """The stories as cluster_stories gives them (story_index's orders, from those kept)."""
        if self.clashes:     # two first reports with one title and a hash clash: named in order
            groups = [self.stories[aid] for _, aid in self.roots]
            return story_index(name_stories([[self.items[a] for a in s.article_ids] for s in groups]))
        # story_of kept as the stories change: a copy (C) rather than made again from 100,000 ids;
        # so are the index's stories by id and those with a page.
        stories = self.stories
        ordered = tuple(stories[root] for _, _, root in self.recent)
        if self.by_id is None:
            self.by_id = {story.id: story for story in ordered}
        return StoryIndex.with_tables(ordered, dict(self.story_of), dict(self.by_id),
                                      tuple(stories[root] for _, _, root in self.paged))

    def state(self) -> ClusterState:
        """What cluster_incremental would have left: for a build without this object."""
        ids = tuple(aid for _, aid in self.order)
        n = len(ids)
        at = {aid: p for p, aid in enumerate(ids)}
        checked = frozenset(at[a] * n + at[b] for a in ids for b in self.found[a] | self.cross[a])
        linked = frozenset(at[a] * n + at[b] for a in ids for b in self.links[a] if at[a] < at[b])
        # Each decided pair's fires less its articles' drift now (a pass each: no call per pair).
        evidence, drift = self.evidence, self.drift
        fired = array("q", [at[a] * n + at[b] for a, b in evidence])
        first = array("d", [pair.fire_first - drift[a] for (a, _), pair in evidence.items()])
        second = array("d", [pair.fire_second - drift[b] for (_, b), pair in evidence.items()])
        return ClusterState(self.window, ids, tuple(self.versions[a] for a in ids), dict(self.word_weight),
                            dict(self.actor_weight), checked, linked, dict(self.fact_weight), fired, first, second)

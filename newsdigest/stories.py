"""Stories: the articles about one event, from every source that reported it, and related articles.

Two articles are linked when they were published within the time window of each other and
either one nearly duplicates the other (shared word 4-grams at the start of the text) or
together they look like the same event: their opening words, their titles and their actors
overlap, each word and actor weighted by how rare it is in the whole set (sharing "Iraq" says
little, sharing "Rumaila" says a lot). A story is a connected group of linked articles, so a
follow-up joins the story of whatever it follows.

Everything is a pure function of the *set* of articles: they are put in one canonical order
(date, then id) before anything else, weights are integers (sums do not depend on the order
of a set), and a story is a connected component (which does not depend on the order links
are found). An incremental build that recomputes over all articles is therefore identical to
a clean one; blocking keeps that cheap: only articles within the window that share an actor or
a title word not found everywhere are ever compared.

Every article belongs to exactly one story; most stories have one article. Only stories with
two or more articles get a page (`Story.has_page`); a story of one article is still useful to
digests, which list stories, not articles.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Mapping

from .slug import name_key, short_hash, slugify

WINDOW = timedelta(days=4)

# --- the data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryInput:
    """What clustering and relating need from one article."""

    id: str
    date: datetime                    # timezone-aware
    title: str
    lede: str
    text: str                         # plain body text (it may start with the lede)
    source: str
    actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    id: str                           # ASCII slug, for /stories/<id>/
    title: str                        # the first report's title
    article_ids: tuple[str, ...]      # oldest first (date, then id)
    sources: tuple[str, ...]          # in order of first report, each once
    first_source: str                 # who reported first ("" when no article names a source)
    first_date: datetime
    last_date: datetime

    @property
    def has_page(self) -> bool:
        """Stories of two or more articles get a page; a story of one article is its article."""
        return len(self.article_ids) > 1

    @property
    def url_path(self) -> str:
        return f"stories/{self.id}/"


@dataclass(frozen=True)
class StoryIndex:
    stories: tuple[Story, ...]        # latest activity first (last_date, then id)
    story_of: Mapping[str, str]       # article id -> story id

    def story(self, story_id: str) -> Story:
        return self._by_id[story_id]

    def story_for(self, article_id: str) -> Story:
        return self._by_id[self.story_of[article_id]]

    @property
    def _by_id(self) -> dict[str, Story]:
        cache = self.__dict__.get("_cache")
        if cache is None:
            cache = {s.id: s for s in self.stories}
            object.__setattr__(self, "_cache", cache)
        return cache


# --- words ---------------------------------------------------------------------------------------

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be been before being below between
both but by can could did do does doing down during each few for from further had has have having he
her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our out over own per said same says say she should so some such than that the
their them then there these they this those through to too under until up upon very was we were what
when where which while who whom why will with would you your yet new one two three week day today
monday tuesday wednesday thursday friday saturday sunday mr mrs ms according told
""".split())
LEAD_WORDS = 60           # words of the text read for the opening: title + lede + this many
SHINGLE_WORDS = 120       # words of the text compared for near-duplicates
SHINGLE = 4


def words(text: str) -> list[str]:
    """Lowercase words and numbers ("3,000" is one), possessive "'s" dropped, plural "-s" trimmed."""
    out = []
    for word in _WORD.findall(text.lower()):
        if len(word) > 4 and word[-1] == "s" and word[-2] not in "su" and not word[0].isdigit():
            word = word[:-1]
        out.append(word)
    return out


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if len(w) > 1 and w not in STOPWORDS]


def _lede_and_text(item: StoryInput, limit: int) -> list[str]:
    body = content_words(item.text)[:limit]
    if item.lede and not item.text.lstrip().startswith(item.lede.strip()[:40]):
        body = content_words(item.lede) + body
    return body


# --- features and weights ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Features:
    time: float
    title: frozenset
    lead: frozenset
    actors: frozenset


STEM = 0
DROP_NAMES = True
NORM = "jaccard"


def stem(word: str) -> str:
    return word[:STEM] if STEM and not word[0].isdigit() else word


def _features(item: StoryInput) -> _Features:
    names = {w for a in item.actors for w in content_words(a)} if DROP_NAMES else set()
    title = [stem(w) for w in content_words(item.title) if w not in names]
    lead = frozenset(title + [stem(w) for w in _lede_and_text(item, LEAD_WORDS) if w not in names])
    actors = frozenset(k for k in (name_key(a) for a in item.actors) if k)
    return _Features(item.date.timestamp(), frozenset(title), lead, actors)


def _shingles(item: StoryInput) -> frozenset:
    ws = words(item.text)[:SHINGLE_WORDS]
    return frozenset(zip(*(ws[i:] for i in range(SHINGLE))))


POWER = 1


def rarity(counts: Counter, total: int, power: float = 1) -> dict[str, int]:
    """Inverse document frequency as an integer (x100): exact, order-free sums."""
    return {key: round(100 * math.log(1 + total / n) ** power) for key, n in counts.items()}


def _weight(keys: Iterable[str], weights: Mapping[str, int]) -> int:
    return sum(weights[k] for k in keys)


# --- the pair decision ---------------------------------------------------------------------------

# Tuned on tests/fixtures/stories/ (see docs/quality.md, "Stories").
LEAD_W, TITLE_W, ACTOR_W = 0.55, 0.2, 0.25
THRESHOLD = 0.24          # same event when the weighted similarity reaches this
LATE_PENALTY = 0.10       # added to the threshold at the far end of the window
DUPLICATE = 0.5           # 4-gram Jaccard at which a text is a near-duplicate whatever else differs


@dataclass(frozen=True)
class PairScore:
    lead: float
    title: float
    actors: float
    duplicate: float
    days: float

    @property
    def similarity(self) -> float:
        return combine(self)


def combine(s) -> float:
    return LEAD_W * s.lead + TITLE_W * s.title + ACTOR_W * s.actors


class _Scorer:
    """Pair similarities over one canonical list of articles, with the set's word weights."""

    def __init__(self, items: list[StoryInput], window: timedelta):
        self.items = items
        self.window = window.total_seconds()
        self.features = [_features(i) for i in items]
        n = len(items)
        self.word_weight = rarity(Counter(w for f in self.features for w in f.lead), n, POWER)
        self.actor_weight = rarity(Counter(a for f in self.features for a in f.actors), n)
        self.lead_total = [_weight(f.lead, self.word_weight) for f in self.features]
        self.title_total = [_weight(f.title, self.word_weight) for f in self.features]
        self.actor_total = [_weight(f.actors, self.actor_weight) for f in self.features]
        self._shingles: dict[int, frozenset] = {}

    def shingles(self, i: int) -> frozenset:
        found = self._shingles.get(i)
        if found is None:
            found = self._shingles[i] = _shingles(self.items[i])
        return found

    def _jaccard(self, i: int, j: int, attr: str, totals: list[int], weights: Mapping[str, int]) -> float:
        a, b = getattr(self.features[i], attr), getattr(self.features[j], attr)
        shared = _weight(a & b, weights) if a and b else 0
        if not shared:
            return 0.0
        if NORM == "cosine":
            return shared / math.sqrt(totals[i] * totals[j])
        if NORM == "dice":
            return 2 * shared / (totals[i] + totals[j])
        union = totals[i] + totals[j] - shared
        return shared / union if union else 0.0

    def score(self, i: int, j: int) -> PairScore:
        lead = self._jaccard(i, j, "lead", self.lead_total, self.word_weight)
        title = self._jaccard(i, j, "title", self.title_total, self.word_weight)
        actors = self._jaccard(i, j, "actors", self.actor_total, self.actor_weight)
        duplicate = 0.0
        if lead >= 0.25:
            a, b = self.shingles(i), self.shingles(j)
            if a and b:
                duplicate = len(a & b) / len(a | b)
        days = abs(self.features[i].time - self.features[j].time) / 86400
        return PairScore(lead, title, actors, duplicate, days)

    def linked(self, i: int, j: int) -> bool:
        if abs(self.features[i].time - self.features[j].time) > self.window:
            return False
        s = self.score(i, j)
        if s.duplicate >= DUPLICATE:
            return True
        lateness = s.days * 86400 / self.window if self.window else 0.0
        return s.similarity >= THRESHOLD + LATE_PENALTY * lateness


# --- blocking ------------------------------------------------------------------------------------

MAX_NEIGHBOURS = 40       # per blocking key, an article is compared with at most this many later ones


def _candidate_pairs(scorer: _Scorer) -> set[int]:
    """Pairs (as i * n + j, i < j) within the window sharing an actor or an uncommon title word.

    Keys found in more than a twentieth of the articles (and in more than 64) block nothing:
    "Iraq" or "said" would make every pair a candidate. Postings are in canonical order, which
    is date order, so each article is compared with the next ones until the window ends.
    """
    n = len(scorer.items)
    postings: dict[str, list[int]] = {}
    for i, f in enumerate(scorer.features):
        for key in f.actors:
            postings.setdefault("a\0" + key, []).append(i)
        for key in f.title:
            postings.setdefault("w\0" + key, []).append(i)
    cap = max(64, n // 20)
    times = [f.time for f in scorer.features]
    window = scorer.window
    pairs: set[int] = set()
    for posting in postings.values():
        size = len(posting)
        if size < 2 or size > cap:
            continue
        for p in range(size - 1):
            i = posting[p]
            end = times[i] + window
            for q in range(p + 1, min(size, p + 1 + MAX_NEIGHBOURS)):
                j = posting[q]
                if times[j] > end:
                    break
                pairs.add(i * n + j)
    return pairs


# --- clustering ----------------------------------------------------------------------------------

def canonical(items: Iterable[StoryInput]) -> list[StoryInput]:
    """The articles oldest first, equal dates by id; duplicate ids and naive dates are errors."""
    items = list(items)
    for item in items:
        if item.date.tzinfo is None or item.date.utcoffset() is None:
            raise ValueError(f"article {item.id!r}: date {item.date.isoformat()} has no timezone")
    ordered = sorted(items, key=lambda a: (a.date.timestamp(), a.id))
    if len({a.id for a in ordered}) != len(ordered):
        twice = sorted(aid for aid, n in Counter(a.id for a in ordered).items() if n > 1)
        raise ValueError(f"article ids must be unique; repeated: {', '.join(map(repr, twice[:5]))}")
    return ordered


def _components(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)   # the root is always the oldest member
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


STORY_SLUG = 60


def story_id(title: str, first_article_id: str, length: int = 6) -> str:
    """Slug of the first report's title plus a short hash of its id: stable as later articles join."""
    slug = slugify(title)
    if len(slug) > STORY_SLUG:
        slug = slug[:STORY_SLUG].rsplit("-", 1)[0] or slug[:STORY_SLUG]
    return f"{slug}-{short_hash(first_article_id, length)}"


def _story(members: list[StoryInput], sid: str) -> Story:
    sources = tuple(dict.fromkeys(m.source for m in members if m.source))
    return Story(
        id=sid, title=members[0].title, article_ids=tuple(m.id for m in members), sources=sources,
        first_source=sources[0] if sources else "", first_date=members[0].date, last_date=members[-1].date,
    )


def link_pairs(items: list[StoryInput], window: timedelta = WINDOW) -> list[tuple[int, int]]:
    """The linked pairs (indices into `canonical(items)`), in index order."""
    ordered = canonical(items)
    scorer = _Scorer(ordered, window)
    n = len(ordered)
    return [(c // n, c % n) for c in sorted(_candidate_pairs(scorer)) if scorer.linked(c // n, c % n)]


def cluster_stories(items: list[StoryInput], window: timedelta = WINDOW) -> StoryIndex:
    """Group articles into stories; the result depends only on the set of articles."""
    ordered = canonical(items)
    n = len(ordered)
    scorer = _Scorer(ordered, window)
    edges = ((c // n, c % n) for c in _candidate_pairs(scorer))
    groups = _components(n, ((i, j) for i, j in edges if scorer.linked(i, j)))
    groups.sort(key=lambda g: g[0])
    stories: list[Story] = []
    taken: set[str] = set()
    for group in groups:
        first = ordered[group[0]]
        length = 6
        sid = story_id(first.title, first.id, length)
        while sid in taken:                    # two first reports with one title and a hash clash
            length += 2
            sid = story_id(first.title, first.id, length)
        taken.add(sid)
        stories.append(_story([ordered[i] for i in group], sid))
    story_of = {aid: s.id for s in stories for aid in s.article_ids}
    stories.sort(key=lambda s: (-s.last_date.timestamp(), s.id))
    return StoryIndex(tuple(stories), story_of)


def explain_pair(items: list[StoryInput], a: str, b: str, window: timedelta = WINDOW) -> PairScore:
    """Why two articles are (not) in one story: the similarities the decision used."""
    ordered = canonical(items)
    index = {x.id: n for n, x in enumerate(ordered)}
    return _Scorer(ordered, window).score(index[a], index[b])


# --- related articles ----------------------------------------------------------------------------

RELATED_HALF_LIFE = 60.0   # days: a related article this much older or newer counts half as much
SAME_STORY = 600           # bonus (in rarity units) for being in the same story
TOPIC_SHARE = 0.5          # a shared topic counts half as much as a shared actor of the same rarity


def related_articles(items: list[StoryInput], index: StoryIndex, k: int = 5) -> dict[str, tuple[str, ...]]:
    """Up to k related article ids per article, best first, never the article itself.

    Score = (rarity of the shared actors + half the rarity of the shared topics + a bonus when
    in the same story) x 1 / (1 + days apart / 60). Candidates are the nearest articles in time
    on each of the article's actors, topics and story (2k on each side), then every candidate
    is scored on everything it shares. Ties: the closer in time, then the id.
    """
    ordered = canonical(items)
    n = len(ordered)
    pos = {a.id: i for i, a in enumerate(ordered)}
    actor_keys = [frozenset(k for k in (name_key(x) for x in a.actors) if k) for a in ordered]
    topic_keys = [frozenset(k for k in (name_key(x) for x in a.topics) if k) for a in ordered]
    actor_weight = rarity(Counter(x for keys in actor_keys for x in keys), n)
    topic_weight = {key: round(TOPIC_SHARE * w)
                    for key, w in rarity(Counter(x for keys in topic_keys for x in keys), n).items()}
    story = [index.story_of.get(a.id, "") for a in ordered]
    postings: dict[str, list[int]] = {}
    for i in range(n):
        for key in actor_keys[i]:
            postings.setdefault("a\0" + key, []).append(i)
        for key in topic_keys[i]:
            postings.setdefault("t\0" + key, []).append(i)
        if story[i]:
            postings.setdefault("s\0" + story[i], []).append(i)
    where: dict[str, dict[int, int]] = {key: {i: p for p, i in enumerate(post)} for key, post in postings.items()}
    reach = 2 * k
    times = [a.date.timestamp() for a in ordered]
    result: dict[str, tuple[str, ...]] = {}
    for i, article in enumerate(ordered):
        keys = ["a\0" + x for x in actor_keys[i]] + ["t\0" + x for x in topic_keys[i]]
        if story[i]:
            keys.append("s\0" + story[i])
        candidates: set[int] = set()
        for key in keys:
            post = postings[key]
            p = where[key][i]
            candidates.update(post[max(0, p - reach):p + reach + 1])
        candidates.discard(i)
        scored = []
        for j in candidates:
            shared = (_weight(actor_keys[i] & actor_keys[j], actor_weight)
                      + _weight(topic_keys[i] & topic_keys[j], topic_weight)
                      + (SAME_STORY if story[i] and story[i] == story[j] else 0))
            if shared <= 0:
                continue
            days = abs(times[i] - times[j]) / 86400
            scored.append((-shared / (1 + days / RELATED_HALF_LIFE), days, ordered[j].id))
        scored.sort()
        result[article.id] = tuple(aid for _, _, aid in scored[:k])
    return result

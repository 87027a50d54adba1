"""Stories: the articles about one event, from every source that reported it, and related articles.

Two articles are linked when they were published within the time window of each other and
either one nearly duplicates the other (shared word 4-grams at the start of the text) or they
look like one event: the words of their openings (title, lede, first lines) are alike, the
more so the more of their actors they share, and the more so the further apart they are in
time. Words and actors are weighted by how rare they are in the whole set (sharing "Iraq" says
little, sharing "Rumaila" says a lot); the names of shared actors count as actors, not again
as words, so the same people doing something else the same week stay apart. A story is a
connected group of linked articles, so a follow-up joins the story of whatever it follows.
The figures and how the constants were chosen: docs/quality.md, "Stories".

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

import heapq
import math
import re
import sys
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, timedelta
from typing import Iterable, Mapping

from .arabic import WESTERN_DIGITS, normalise
from .core import Packed, Story, StoryIndex, name_key
from .disjoint import DisjointSets
from .slug import short_hash, slugify
from .workers import fork_map

WINDOW = timedelta(days=4)

# --- the data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryInput:
    """What clustering and relating need from one article."""

    id: str
    date: datetime                    # timezone-aware
    title: str
    lede: str
    text: str = Packed()              # plain body text (it may start with the lede); held packed
    source: str
    actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    places: tuple[str, ...] = ()      # countries and places named only as where it happens


# --- words ---------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:,\d\d\d)*")
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be been before being below between
both but by can could did do does doing down during each few for from further had has have having he
her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our out over own per said same says say she should so some such than that the
their them then there these they this those through to too under until up upon very was we were what
when where which while who whom why will with would you your yet new one two three week day today
monday tuesday wednesday thursday friday saturday sunday mr mrs ms according told
""".split()) | frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
LEAD_CHARS = 800          # of the text read for the opening, with the title and lede (~120 words)
SHINGLE_CHARS = 1000      # of the text compared for near-duplicates
SHINGLE = 4               # words in a shingle


_ARABIC_DEFINITE = re.compile(r"^(?:[وف]?[بلك]?ال|[وف]?لل)(?=..)")


def _normal(word: str) -> str:
    if len(word) > 4 and word[-1] == "s" and word[-2] not in "su" and not word[0].isdigit():
        return word[:-1]
    return word


def _arabic_normal(word: str) -> str:
    """An Arabic word as two reports of one event write it alike: letters normalised, the
    article and the clitics before it taken off ("بالديوانية", "الديوانية" -> "ديوانيه");
    a word without the article keeps its letters (a first ب or ل may be the word's own)."""
    return _ARABIC_DEFINITE.sub("", normalise(word))


def words(text: str) -> list[str]:
    """Lowercase words and numbers, "3,000" as one word."""
    return _WORD.findall(text.lower())


def word_set(text: str) -> set[str]:
    """The distinct content words of a text: no stopwords, no single letters, plural "-s" trimmed."""
    found = set(words(text))
    found -= STOPWORDS
    plurals = {w for w in found if w[-1] == "s"}
    found -= plurals
    found.update(_normal(w) for w in plurals)
    arabic = {w for w in found if _ARABIC.match(w)}
    return (found - arabic) | {_arabic_normal(w) for w in arabic}


def _prefix(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(None, 1)[0]


def _opening(item: StoryInput) -> str:
    """Title, lede (unless the text starts with it) and the start of the text."""
    text = item.text    # read once: it is unpacked on each read (core.Packed)
    parts = [item.title, _prefix(text, LEAD_CHARS)]
    if item.lede and not text.lstrip().startswith(item.lede.strip()[:40]):
        parts.insert(1, _prefix(item.lede, LEAD_CHARS))
    return "\n".join(parts)


# --- features and weights ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Features:
    """Every article's features are held at once (the live engine keeps them between builds), so
    each key set is a sorted tuple of interned strings: a tuple of the 63 opening words an article
    has on average takes 544 bytes where a frozenset took 2,287. Pair checks make the one set
    they intersect (both())."""
    time: float
    title: tuple              # title words: blocking keys
    lead: tuple               # words of the title, the lede and the start of the text
    actors: tuple             # name keys
    names: Mapping            # name key -> the words of that name (a tuple, one per distinct name)
    script: str = ""          # "ar" or "latin": the script of the opening
    facts: tuple = ()         # what any language writes alike: actors, places, numbers, days

    def __setstate__(self, state: list) -> None:
        # Unpickled (from a worker, the build cache or a snapshot): the keys made one copy for the
        # corpus again. Pickle shares no string between values: at 20,000 articles the features'
        # strings took 96 MB when not interned, and the pair evidence made from them
        # (stories_live._Pair) as much again.
        time, title, lead, actors, names, script, facts = state
        for name, value in (("time", time), ("title", _shared(title)), ("lead", _shared(lead)),
                            ("actors", _shared(actors)), ("script", sys.intern(script)), ("facts", _shared(facts)),
                            ("names", {sys.intern(k): _one_copy(_shared(words)) for k, words in names.items()})):
            object.__setattr__(self, name, value)


def both(a: Iterable[str], b: Iterable[str]) -> frozenset:
    """The keys two key tuples share."""
    return frozenset(a).intersection(b)


def shared_names(fi: _Features, fj: _Features, common: Iterable[str]) -> frozenset:
    """The words of the names of the actors `common` to both articles, in either's spelling."""
    return frozenset().union(*(fi.names[k] for k in common), *(fj.names[k] for k in common))


@lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple:
    return _one_copy(_shared(word_set(name)))


# The words of each name once per process, however many articles' features hold the name (a
# dict only grows by distinct names, as sys.intern's table grows by distinct strings).
_NAME_WORDS: dict[tuple, tuple] = {}


def _one_copy(words: tuple) -> tuple:
    return _NAME_WORDS.setdefault(words, words)


def story_features(item: StoryInput) -> _Features:
    """What clustering compares of one article: a function of the article alone, so a build
    can keep it with the article (cluster_stories takes it back through `features`)."""
    names = {sys.intern(k): _name_words(a) for a in item.actors if (k := name_key(a))}
    opening = _opening(item)
    facts = {"a\0" + k for k in names} | {"p\0" + k for p in item.places if (k := name_key(p))} | language_free(opening)
    return _Features(item.date.timestamp(), _shared(word_set(item.title)), _shared(word_set(opening)),
                     _shared(names), names, script_of(opening), _shared(facts))


def _shared(keys: Iterable[str]) -> tuple:
    """The keys, sorted, as one copy of each string for the whole corpus: every article's features
    are held at once, and the same few thousand words would otherwise be stored once per article."""
    return tuple(sorted(map(sys.intern, keys)))


# --- what any language writes alike ----------------------------------------------------------------

FEATURES_VERSION = "4"    # part of the cache keys of features and clustering state: bump when they change

_ARABIC = re.compile(r"[\u0621-\u064a]")
_LATIN = re.compile(r"[A-Za-z]")


def script_of(text: str) -> str:
    """"ar" when most letters are Arabic, else "latin"."""
    arabic, latin = len(_ARABIC.findall(text)), len(_LATIN.findall(text))
    return "ar" if arabic > latin else "latin"


@lru_cache(maxsize=1)
def _calendar() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every day, month and number word of newsdigest/data/calendar.toml, and
    what each written form means ("d\0mon", "m\0may", "n\04")."""
    import tomllib
    from pathlib import Path
    data = tomllib.loads((Path(__file__).parent / "data" / "calendar.toml").read_text(encoding="utf-8"))
    meaning: dict[str, str] = {}
    for table, prefix in (("weekdays", "d"), ("months", "m")):
        for key, forms in data[table].items():
            for form in forms:
                # English days and months are capitalised ("May", not "may"); numbers may not be
                written = form.capitalize() if form.isascii() and prefix != "n" else form
                meaning[written] = f"{prefix}\0{key}"
    alternatives = "|".join(re.escape(f) if not f.isascii() or not f.islower() else f"(?i:{re.escape(f)})"
                            for f in sorted(meaning, key=len, reverse=True))
    # Arabic clitics before a word: and, by/with, for, then (و ب ل ف), and the article's lam
    return re.compile(rf"(?<!\w)(?:[وبلف](?=\w))?({alternatives})(?!\w)"), meaning


@lru_cache(maxsize=1)
def _number_words() -> dict[str, tuple[str, float]]:
    """Written number word -> (kind, value): "n" a number, "s" one or two (only inside a larger
    number), "x" a multiplier (newsdigest/data/calendar.toml)."""
    import tomllib
    from pathlib import Path
    data = tomllib.loads((Path(__file__).parent / "data" / "calendar.toml").read_text(encoding="utf-8"))
    table: dict[str, tuple[str, float]] = {}
    for section, kind in (("numbers", "n"), ("small_numbers", "s"), ("multipliers", "x")):
        for value, forms in data[section].items():
            for form in forms:
                table[normalise(form.lower())] = (kind, float(value))
    return table


_NUMBER_TOKEN = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)*"
                           r"|[^\W\d_]+")


def _number_word(word: str) -> tuple[str, float] | None:
    table = _number_words()
    low = normalise(word.lower())
    if low in table:
        return table[low]
    for bare in (low[1:] if low[:1] in ("و", "ب", "ل") else low, low[:-1] if low.endswith("ا") else ""):
        if bare in table:       # و joins Arabic numbers ("وخمسين"); the accusative alef ("ألفا")
            return table[bare]
    return None


def _numbers(text: str) -> set[str]:
    """The numbers a text gives, in digits or in words of either language, each as its value:
    "3,000" = "٣٠٠٠" = "three thousand" = "ثلاثة آلاف" -> "n\03000"."""
    found: set[str] = set()
    total = current = 0.0
    active = large = False

    def close() -> None:
        nonlocal total, current, active, large
        if active and large:
            value = total + current
            found.add("n\0" + (str(int(round(value))) if abs(value - round(value)) < 1e-6 else f"{value:g}"))
        total = current = 0.0
        active = large = False

    for m in _NUMBER_TOKEN.finditer(text):
        token = m.group()
        if token[0].isdigit():
            close()
            number = token.translate(WESTERN_DIGITS).replace(",", "").replace("\u066c", "")
            current, active, large = float(number), True, True
            continue
        word = _number_word(token)
        if word is None:
            if not (active and token.lower() in ("and", "و")):
                close()
            continue
        kind, value = word
        if kind == "x":
            if value == 100:
                current = (current or 1) * 100
            else:
                total, current = total + (current or 1) * value, 0.0
            active = large = True
        else:
            current += value
            active = True
            large = large or kind == "n"
    close()
    return found


def language_free(text: str) -> set[str]:
    """The numbers (digits of any script, or in words), weekdays and months a text names, as
    keys that are the same in every language: "n\03000", "d\0mon", "m\0aug"."""
    found = _numbers(text)
    pattern, meaning = _calendar()
    for m in pattern.finditer(text):
        word = m.group(1)
        found.add(meaning.get(word) or meaning[word.lower()])
    return found


def _shingles(item: StoryInput) -> frozenset:
    ws = words(_prefix(item.text, SHINGLE_CHARS))
    return frozenset(zip(*(ws[i:] for i in range(SHINGLE))))


PRIOR = 500


def corpus_size(n: int) -> int:
    """`n` rounded up to the next step of an eighth of an octave (about 9 %).

    Weights computed against this size do not move when one article is added or removed,
    except those of the keys that article holds: what depends on them (pair decisions, related
    lists) is then recomputed around the change only, not across the corpus.
    """
    if n <= 1:
        return max(n, 0)
    size = 2 ** (math.ceil(8 * math.log2(n) - 1e-9) / 8)
    return max(n, math.ceil(size - 1e-6))


def rarity(counts: Counter, total: int, prior: int = 0) -> dict[str, int]:
    """Inverse document frequency as an integer (x100): exact sums, whatever a set's order.

    `total` is taken as corpus_size(total). `prior` documents are assumed in which the key
    does not occur: in a small set every word of one story is "common", which says nothing
    about the word.
    """
    size = corpus_size(total) + prior
    return {key: key_weight(size, n) for key, n in counts.items()}


def key_weight(size: int, n: int) -> int:
    """The weight of a key `n` articles hold in a set counted as `size` (rarity's, one key)."""
    return round(100 * math.log(1 + size / n))


# --- the pair decision ---------------------------------------------------------------------------

# Chosen on tests/fixtures/stories/ (see docs/quality.md, "Stories"): the middle of the range of
# values that cluster the labelled set, with and without distractors, without an error.
ACTOR_BOOST = 3.0         # similarity = words x (1 + ACTOR_BOOST x actors)
THRESHOLD = 0.19          # same event at or above this on the same day...
LATE_PENALTY = 1.0        # ...plus this times the share of the window between the two
DUPLICATE = 0.5           # 4-gram Jaccard at which a text is a near-duplicate whatever else differs
DUPLICATE_WORDS = 0.3     # 4-grams are compared only when the words are at least this alike


# Reports in two languages share almost no words: they are one event when what any language
# writes alike (actors, places, numbers, days and months; idf-weighted cosine) is mostly shared.
# Chosen by reasoning, not fitted: half of the evidence in common on the same day, as for words
# the lateness penalty on top, and never from one shared key alone.
CROSS_THRESHOLD = 0.5
CROSS_MIN_SHARED = 2


def _similarity(words: float, actors: float) -> float:
    """Words decide, actors scale them: the same words with the same rare actors is one event;
    the same actors with other words is another event between the same people."""
    return words * (1 + ACTOR_BOOST * actors)


def _threshold(days: float, window_days: float) -> float:
    lateness = min(1.0, days / window_days) if window_days else 0.0
    return THRESHOLD + LATE_PENALTY * lateness


@dataclass(frozen=True)
class PairScore:
    """The evidence that two articles report one event."""

    words: float              # idf-weighted cosine of the opening words (title, lede, first words)
    actors: float             # idf-weighted cosine of the actors
    duplicate: float          # Jaccard of the word 4-grams at the start of the texts
    days: float               # apart
    facts: float = 0.0        # in two languages: idf-weighted cosine of what they write alike
    shared_facts: int = 0     # ...and how many such keys they share

    @property
    def similarity(self) -> float:
        return _similarity(self.words, self.actors)

    def threshold(self, window_days: float) -> float:
        return _threshold(self.days, window_days)

    def linked(self, window_days: float) -> bool:
        if self.days > window_days:
            return False
        return (self.duplicate >= DUPLICATE or self.similarity >= self.threshold(window_days)
                or _cross_linked(self.facts, self.shared_facts, self.days, window_days))


def _cross_linked(facts: float, shared: int, days: float, window_days: float) -> bool:
    return shared >= CROSS_MIN_SHARED and facts >= _cross_threshold(days, window_days)


def _cross_threshold(days: float, window_days: float) -> float:
    return CROSS_THRESHOLD - THRESHOLD + _threshold(days, window_days)


def _cosine(shared: frozenset, norm_a: int, norm_b: int, squares: Mapping[str, int]) -> float:
    """Cosine of two binary vectors weighted by rarity, from the keys both hold (`squares`:
    each key's weight squared; the norms are the sums of those over each vector)."""
    total = sum(map(squares.__getitem__, shared))
    return total / math.sqrt(norm_a * norm_b) if total else 0.0


class _Scorer:
    """Pair evidence over one canonical list of articles, with the set's rarity weights."""

    def __init__(self, items: list[StoryInput], window: timedelta, known: Mapping[str, _Features] | None = None):
        self.items = items
        self.window_days = window.total_seconds() / 86400
        known = known or {}
        self.features = [known.get(i.id) or story_features(i) for i in items]
        n = len(items)
        self.word_df = Counter(w for f in self.features for w in f.lead)
        self.word_weight = rarity(self.word_df, n, PRIOR)
        self.actor_weight = rarity(Counter(a for f in self.features for a in f.actors), n, PRIOR)
        self.fact_df = Counter(k for f in self.features for k in f.facts)
        self.fact_weight = rarity(self.fact_df, n, PRIOR)
        self.fact_square = {k: v * v for k, v in self.fact_weight.items()}
        self.fact_norm = [sum(map(self.fact_square.__getitem__, f.facts)) for f in self.features]
        # Squares once: a pair check sums them over shared words (millions of checks at 100k).
        self.word_square = {w: v * v for w, v in self.word_weight.items()}
        self.actor_square = {a: v * v for a, v in self.actor_weight.items()}
        self.lead_norm = [sum(map(self.word_square.__getitem__, f.lead)) for f in self.features]
        self.actor_norm = [sum(map(self.actor_square.__getitem__, f.actors)) for f in self.features]
        self._shingles: dict[int, frozenset] = {}

    def shingles(self, i: int) -> frozenset:
        found = self._shingles.get(i)
        if found is None:
            found = self._shingles[i] = _shingles(self.items[i])
        return found

    def _words(self, i: int, j: int, common: frozenset) -> float:
        """Cosine of the opening words; `common` are the actors both have."""
        fi, fj = self.features[i], self.features[j]
        if not common:
            return _cosine(both(fi.lead, fj.lead), self.lead_norm[i], self.lead_norm[j], self.word_square)
        # The names of the actors both have count once, as actors, not again as words:
        # otherwise two articles about the same people look alike whatever happened to them.
        names = shared_names(fi, fj, common)
        w = self.word_square
        return _cosine(both(fi.lead, fj.lead) - names,
                       self.lead_norm[i] - sum(map(w.__getitem__, names.intersection(fi.lead))),
                       self.lead_norm[j] - sum(map(w.__getitem__, names.intersection(fj.lead))), w)

    def _actors(self, i: int, j: int, common: frozenset) -> float:
        return _cosine(common, self.actor_norm[i], self.actor_norm[j], self.actor_square)

    def _duplicate(self, i: int, j: int) -> float:
        a, b = self.shingles(i), self.shingles(j)
        return len(a & b) / len(a | b) if a and b else 0.0

    def _facts(self, i: int, j: int) -> tuple[float, int]:
        """Only for two articles in different scripts: the cosine of what they write alike."""
        fi, fj = self.features[i], self.features[j]
        if fi.script == fj.script:
            return 0.0, 0
        shared = both(fi.facts, fj.facts)
        return _cosine(shared, self.fact_norm[i], self.fact_norm[j], self.fact_square), len(shared)

    def score(self, i: int, j: int, duplicate: bool = True) -> PairScore:
        fi, fj = self.features[i], self.features[j]
        common = both(fi.actors, fj.actors)
        words = self._words(i, j, common)
        actors = self._actors(i, j, common)
        dup = self._duplicate(i, j) if duplicate and words >= DUPLICATE_WORDS else 0.0
        return PairScore(words, actors, dup, abs(fi.time - fj.time) / 86400, *self._facts(i, j))

    def linked(self, i: int, j: int) -> bool:
        """The decision of PairScore.linked, computing the 4-grams only when they can matter
        (this runs for every candidate pair: no PairScore is built)."""
        fi, fj = self.features[i], self.features[j]
        days = abs(fi.time - fj.time) / 86400
        window = self.window_days
        if days > window:
            return False
        common = both(fi.actors, fj.actors)
        words = self._words(i, j, common)
        if _similarity(words, self._actors(i, j, common)) >= _threshold(days, window):
            return True
        if fi.script != fj.script and _cross_linked(*self._facts(i, j), days, window):
            return True
        return words >= DUPLICATE_WORDS and self._duplicate(i, j) >= DUPLICATE


# --- blocking ------------------------------------------------------------------------------------

MAX_NEIGHBOURS = 40       # per blocking key, an article is compared with at most this many later ones
RAREST = 3                # an article's rarest opening words (found elsewhere too) are blocking keys
BUDGET = 12               # ...and it is compared with at most this many later ones in all
CAP_FLOOR = 64            # keys in more than a twentieth of the articles (and this many) block nothing


def blocking_cap(n: int) -> int:
    """Keys held by more of `n` articles than this block nothing."""
    return max(CAP_FLOOR, n // 20)


def _candidate_pairs(scorer: _Scorer) -> set[int]:
    """Pairs (as i * n + j, i < j) within the window sharing an actor, an uncommon title word or
    one of their three rarest opening words (so that near-duplicates with other titles and no
    actors still meet).

    Keys found in more than a twentieth of the articles (and in more than 64) block nothing:
    "Iraq" or "said" would make every pair a candidate. Postings are in canonical order, which
    is date order, so each article is compared with the next ones until the window ends.

    The more articles a day, the more share some key within the window: the candidates of one
    article would grow with the corpus's density, and clustering with its square. So an
    article's keys are taken rarest first (fewest articles, then the key), each posting nearest
    in time first, until it has BUDGET candidates: a rare shared key is the better evidence,
    and a story of many articles stays connected through the chain of its members. On the
    labelled set it never binds; at 10,000 articles over three years it removes 5 of 29,673
    pairs and no link; at 100,000 it cuts the pairs from 3.0 to 1.2 million (docs/benchmarks.md).
    """
    n = len(scorer.items)
    cap = blocking_cap(n)
    df = scorer.word_df
    rank = {w: r for r, (_, w) in enumerate(sorted((c, w) for w, c in df.items() if 2 <= c <= cap))}
    postings: dict[str, list[int]] = {}
    held: list[list[tuple[str, list[int], int]]] = []    # per article: (key, posting, its place there)
    for i, f in enumerate(scorer.features):
        keys = ["a\0" + key for key in f.actors]
        keys += ["w\0" + key for key in
                 {*f.title, *heapq.nsmallest(RAREST, (w for w in f.lead if w in rank), key=rank.__getitem__)}]
        mine = []
        for key in keys:
            posting = postings.setdefault(key, [])
            mine.append((key, posting, len(posting)))
            posting.append(i)
        held.append(mine)
    times = [f.time for f in scorer.features]
    window = scorer.window_days * 86400
    pairs: set[int] = set()
    time_of = times.__getitem__
    for i, mine in enumerate(held):
        rarest_first = sorted(mine, key=lambda held_key: (len(held_key[1]), held_key[0]))
        found = next_in_postings(((posting, p) for _, posting, p in rarest_first), time_of, times[i] + window, cap)
        pairs.update(i * n + j for j in found)
    return pairs


def next_in_postings(postings: Iterable[tuple[list, int]], time_of, end: float, cap: int) -> set:
    """An article's candidates: from each of its postings (rarest first, with its place there)
    the next MAX_NEIGHBOURS entries up to the time `end`, until BUDGET; a posting longer than
    `cap` ends the walk (every further one is as common)."""
    found: set = set()
    for posting, p in postings:
        size = len(posting)
        if size > cap:
            break
        for q in range(p + 1, min(size, p + 1 + MAX_NEIGHBOURS)):
            entry = posting[q]
            if time_of(entry) > end:
                break
            found.add(entry)
            if len(found) == BUDGET:
                return found
    return found


def _cross_pairs(scorer: _Scorer) -> set[int]:
    """Pairs of articles in different scripts within the window that share a key any language
    writes alike (an actor, a place, a number, a day), rarest keys first, at most BUDGET later
    ones per article: the words of the two share nothing to block on. Articles in one script
    are never paired here, so their candidates stay those of _candidate_pairs."""
    features = scorer.features
    if len({f.script for f in features}) < 2:
        return set()
    n = len(features)
    cap = blocking_cap(n)
    df = scorer.fact_df
    postings: dict[str, list[int]] = {}
    for i, f in enumerate(features):
        for key in f.facts:
            if 2 <= df[key] <= cap:
                postings.setdefault(key, []).append(i)
    window = scorer.window_days * 86400
    pairs: set[int] = set()
    for i, f in enumerate(features):
        found: set[int] = set()
        for key in sorted((k for k in f.facts if k in postings), key=lambda k: (df[k], k)):
            for j in postings[key]:
                if j > i and features[j].script != f.script and features[j].time - f.time <= window:
                    found.add(j)
            if len(found) >= BUDGET:
                break
        pairs.update(i * n + j for j in found)
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
    sets = DisjointSets(range(n))           # min: the root is always the oldest member
    for i, j in edges:
        sets.union(i, j)
    return sets.groups()


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


PARALLEL_PAIRS = 20_000  # fewer candidate pairs than this are checked in this process


@dataclass(frozen=True)
class ClusterState:
    """What one clustering saw and decided, so the next one decides again only the pairs whose
    decision may differ (see cluster_incremental)."""

    window: timedelta
    ids: tuple[str, ...]                  # canonical order of that call: pairs are numbered by it
    versions: tuple[str, ...]             # per article, what its features were computed from
    word_weight: Mapping[str, int]
    actor_weight: Mapping[str, int]
    checked: frozenset                    # candidate pairs, as i * len(ids) + j (i < j)
    linked: frozenset                     # those of them that were linked
    fact_weight: Mapping[str, int] = field(default_factory=dict)
    # What a live clustering (stories_live.LiveClusters) knew of its decisions: for the pairs
    # numbered in `fired` (as in `checked`), how far the first and the second article may drift
    # from these weights before the decision can change. A pair not there (or at -inf) has
    # none known: cluster_incremental computes none.
    fired: array = field(default_factory=lambda: array("q"), compare=False)
    fire_first: array = field(default_factory=lambda: array("d"), compare=False)
    fire_second: array = field(default_factory=lambda: array("d"), compare=False)


def cluster_stories(items: list[StoryInput], window: timedelta = WINDOW, workers: int = 1,
                    features: Mapping[str, _Features] | None = None) -> StoryIndex:
    """Group articles into stories; the result depends only on the set of articles.

    `features` (article id -> story_features of that very article) saves computing them again."""
    return cluster_incremental(items, None, window, workers, features)[0]


def _version(item: StoryInput) -> str:
    return short_hash("\x1f".join((FEATURES_VERSION, item.date.isoformat(), item.title, item.lede, item.text,
                                    *item.actors, "\x1e", *item.places)), 16)


def cluster_incremental(items: list[StoryInput], previous: ClusterState | None, window: timedelta = WINDOW,
                        workers: int = 1, features: Mapping[str, _Features] | None = None,
                        versions: Mapping[str, str] | None = None) -> tuple[StoryIndex, ClusterState]:
    """cluster_stories, deciding again only the candidate pairs whose decision may differ from
    the one `previous` (the state of an earlier call) recorded.

    Whether two articles are linked depends on their features, the window and the weights of
    the keys they hold (their words and actors, which also make their norms). A pair both of
    whose articles are unchanged (same `versions` entry: by default a hash of what the
    features are computed from) and hold no key whose weight moved keeps its decision, if it
    was a candidate then too; every other candidate pair is checked. Blocking and the
    components are computed in full, so the stories are exactly those of a computation from
    scratch (tests/test_stories.py checks it).
    """
    ordered = canonical(items)
    n = len(ordered)
    scorer = _Scorer(ordered, window, features)
    pairs = sorted(_candidate_pairs(scorer) | _cross_pairs(scorer))
    ids = tuple(item.id for item in ordered)
    version = tuple(versions[i] for i in ids) if versions is not None else tuple(map(_version, ordered))
    known: list[int] = []
    todo = pairs
    if previous is not None and previous.window == window:
        old = unchanged_since(previous, ids, version, scorer.features, scorer)
        size = len(previous.ids)
        todo = []
        for c in pairs:
            a, b = old[c // n], old[c % n]
            # Unchanged articles keep their order (same date, same id), so a < b still.
            if a >= 0 and b >= 0 and (then := a * size + b) in previous.checked:
                if then in previous.linked:
                    known.append(c)
            else:
                todo.append(c)
    parts = workers if len(todo) >= PARALLEL_PAIRS else 1
    chunks = [todo[p::parts] for p in range(parts)]  # interleaved: every chunk has old and new pairs

    def linked(chunk: list[int]) -> list[int]:
        return [c for c in chunk if scorer.linked(c // n, c % n)]

    found = known + [c for chunk in fork_map(linked, chunks, parts) for c in chunk]
    state = ClusterState(window, ids, version, scorer.word_weight, scorer.actor_weight, frozenset(pairs), frozenset(found),
                         scorer.fact_weight)
    return _index(ordered, _components(n, ((c // n, c % n) for c in found))), state


def unchanged_since(previous: ClusterState, ids: Iterable[str], versions: Iterable[str], features: Iterable[_Features],
                    scorer: _Scorer) -> list[int]:
    """Per article (ids, with its version and features, weighed by `scorer`), its place in
    `previous` when the decisions recorded there for its pairs still hold, else -1: the same
    version and no key whose weight moved since."""
    words_moved = moved_keys(scorer.word_weight, previous.word_weight)
    actors_moved = moved_keys(scorer.actor_weight, previous.actor_weight)
    facts_moved = moved_keys(scorer.fact_weight, previous.fact_weight)
    before = {aid: p for p, aid in enumerate(previous.ids)}
    old = []
    for aid, version, f in zip(ids, versions, features):
        p = before.get(aid, -1)
        keep = (p >= 0 and previous.versions[p] == version and words_moved.isdisjoint(f.lead)
                and actors_moved.isdisjoint(f.actors) and facts_moved.isdisjoint(f.facts))
        old.append(p if keep else -1)
    return old


def moved_keys(weights: Mapping[str, int], before: Mapping[str, int]) -> set[str]:
    """Keys whose weight differs between two weight tables (new, gone or changed)."""
    return {key for key in weights.keys() | before.keys() if weights.get(key) != before.get(key)}


def _index(ordered: list[StoryInput], groups: list[list[int]]) -> StoryIndex:
    groups.sort(key=lambda g: g[0])
    return story_index(name_stories([[ordered[i] for i in group] for group in groups]))


def name_stories(groups: list[list[StoryInput]]) -> list[Story]:
    """Each group's story (groups in canonical order of their first article, each in canonical
    order), its id from its first report; on a clash the later group's hash grows."""
    stories: list[Story] = []
    taken: set[str] = set()
    for group in groups:
        first = group[0]
        length = 6
        sid = story_id(first.title, first.id, length)
        while sid in taken:                    # two first reports with one title and a hash clash
            length += 2
            sid = story_id(first.title, first.id, length)
        taken.add(sid)
        stories.append(_story(group, sid))
    return stories


def story_index(stories: list[Story]) -> StoryIndex:
    """The index of stories given in canonical order of their first article."""
    story_of = {aid: s.id for s in stories for aid in s.article_ids}
    return StoryIndex(tuple(sorted(stories, key=lambda s: (-s.last_date.timestamp(), s.id))), story_of)


def explain_pair(items: list[StoryInput], a: str, b: str, window: timedelta = WINDOW) -> PairScore:
    """Why two articles are (not) in one story: the similarities the decision used."""
    ordered = canonical(items)
    index = {x.id: n for n, x in enumerate(ordered)}
    return _Scorer(ordered, window).score(index[a], index[b])

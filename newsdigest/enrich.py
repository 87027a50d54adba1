"""Enrichment: who (actors) and what (topics) each article is about.

Explicit front matter wins: an article that lists `actors:` or `topics:` keeps that list
(actor names in the gazetteer's canonical spelling). Everything else is extracted from the
article's text at build time. Every function here is pure; cached.py keeps per-article results
by the article's content hash, the gazetteer's and topic rules' fingerprints and the extractor
version, so an editor's change to any of them takes effect on the next build, and nothing is
ever stale.
"""
from __future__ import annotations

import hashlib
import json
import operator
from dataclasses import dataclass, field, replace

from .core import ActorProfile, Article, StoryIndex, carried, id_of, replaced
from .cache import cache_key, long_part
from .config import SiteConfig
from .extract.mentions import EXTRACTOR_VERSION, Mentions, extract_mentions
from .extract.resolve import ArticleInput, Resolution, ResolveMemo, resolve
from .extract.gazetteer import Gazetteer
from .extract.topics import TopicAssignment, TopicRules, assign_topics
from .related import LiveRelated, RelatedState, related_incremental
from .stories import FEATURES_VERSION, ClusterState, StoryInput, cluster_incremental
from .stories_live import LiveClusters
from .order import Changed, changed as changes_since, follow
from .workers import fork_map


@dataclass(frozen=True)
class Enrichment:
    resolution: Resolution
    # What the build keeps of each article's extraction (_kept), by article id:
    topics: dict[str, TopicAssignment] = field(default_factory=dict)
    mentions: dict[str, Mentions] = field(default_factory=dict)


def article_input(article: Article) -> ArticleInput:
    return ArticleInput(article.id, article.date, article.title, carried(article, "text"), article.source,
                        article.actors if article.actors_given else None)


def _rules_fingerprint(rules: TopicRules) -> str:
    data = [[r.name, list(r.phrases), r.threshold, r.min_phrases, list(r.sections), list(r.broader)] for r in rules.rules]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


EXTRACT_BATCH = 100        # articles per task handed to a worker
PARALLEL_EXTRACT = 200     # below this, extraction stays in this process


def extract_context(config: SiteConfig, gazetteer: Gazetteer, rules: TopicRules) -> str:
    """Everything per-article extraction depends on besides the article: part of its cache key."""
    return cache_key("extract", EXTRACTOR_VERSION, gazetteer.fingerprint, _rules_fingerprint(rules),
                     json.dumps(sorted(dict(config.sources).items())))


def extract_all(articles: list[Article], config: SiteConfig, gazetteer: Gazetteer, rules: TopicRules,
                workers: int = 1) -> dict[str, tuple]:
    """Per article (by id): its mentions (None when the front matter lists its actors) and its
    topic assignment. Each depends on that article alone."""
    def extract(batch: list[Article]) -> list[tuple]:
        return [_kept(extract_article(a, config, gazetteer, rules)) for a in batch]

    batches = [articles[i:i + EXTRACT_BATCH] for i in range(0, len(articles), EXTRACT_BATCH)]
    results = fork_map(extract, batches, workers if len(articles) >= PARALLEL_EXTRACT else 1)
    return {a.id: entry for batch, found in zip(batches, results) for a, entry in zip(batch, found)}


def extract_article(article: Article, config: SiteConfig, gazetteer: Gazetteer,
                    rules: TopicRules) -> tuple[Mentions | None, TopicAssignment]:
    """Everything extraction finds in one article (what `explain` shows): its mentions (None
    when the front matter lists its actors) and its topic assignment with the rules that fired."""
    return (None if article.actors_given else extract_mentions(article.text, article.title, gazetteer,
                                                               article.source, dict(config.sources)),
            assign_topics(article.title, article.text, article.section,
                          article.topics if article.topics_given else None, rules))


def _kept(found: tuple[Mentions | None, TopicAssignment]) -> tuple[Mentions | None, TopicAssignment]:
    """What a build reads of an article's extraction (resolve.py, apply_enrichment): its actors,
    single names, abbreviations, merges, places, the names left ambiguous and the chosen topics.
    Every other mention and the rules' scores are for `explain`, which extracts its one article
    again: kept for every article they took as much memory as the articles themselves."""
    mentions, topics = found
    if mentions is not None:
        mentions = replace(mentions, mentions=tuple(m for m in mentions.mentions if m.how == "ambiguous"))
    return mentions, TopicAssignment(topics.topics, ())


def mentions_of(extracted: dict[str, tuple]) -> dict[str, Mentions]:
    """The mentions of extractions by id (extract_all's), for the articles that have any."""
    return {aid: entry[0] for aid, entry in extracted.items() if entry[0] is not None}


def resolve_all(articles: list[Article], config: SiteConfig, gazetteer: Gazetteer,
                extracted: dict[str, tuple], memo: ResolveMemo | None = None,
                mentions: dict[str, Mentions] | None = None) -> Resolution:
    """Identities across articles (Tom and Thomas Goffus): needs the whole corpus. `memo`: the
    live engine's (resolve.ResolveMemo); `mentions`: those of `extracted` (not None), when the
    caller has them."""
    if mentions is None:
        mentions = mentions_of(extracted)
    if memo is None:
        return resolve([article_input(a) for a in articles], gazetteer, dict(config.sources), mentions)
    # An unchanged article is the same object (apply_enrichment): its input is the last one.
    memo.start(gazetteer, dict(config.sources))
    last = memo.inputs
    delta = changes_since(articles, memo.listed)   # what changed since the last whole resolution
    if delta is None:
        made = {}
        for a in articles:
            found = last.get(a.id)
            made[a.id] = found if found is not None and found[0] is a else (a, article_input(a))
        since = None
    else:
        made = dict(last)
        for aid in delta[1]:
            made.pop(aid, None)
        renewed = {}
        for a in delta[0]:
            found = made.get(a.id)
            if found is None or found[0] is not a:
                made[a.id] = (a, article_input(a))
                renewed[a.id] = made[a.id][1]
        since = renewed, delta[1]
    memo.inputs = made
    inputs = list(map(_input_of, map(made.__getitem__, map(id_of, articles))))
    resolution = resolve(inputs, gazetteer, dict(config.sources), mentions, memo, since)
    memo.listed = articles
    return resolution


_input_of = operator.itemgetter(1)


def _enriched(article: Article, actors: tuple[str, ...], found: tuple, kept: tuple | None) -> tuple:
    """apply_enrichment's entry for one article: (the article given, the article with its
    terms, its actors, its extraction); `kept`, the last entry of its id."""
    if kept is not None and kept[0] is article and kept[2] is actors and kept[3] is found:
        return kept
    chosen = found[1].topics
    places = found[0].places if found[0] is not None else ()
    if kept is not None and kept[0] is article and (kept[1].actors, kept[1].topics, kept[1].places) == (
            actors, chosen, places):
        return article, kept[1], actors, found
    given = article
    if actors != article.actors or chosen != article.topics or places != article.places:
        article = replaced(article, actors=actors, topics=chosen, places=places)
    return given, article, actors, found


def apply_enrichment(articles: list[Article], extracted: dict[str, tuple],
                     resolution: Resolution, last: dict | None = None) -> tuple[list[Article], Enrichment]:
    """Articles with their actors, topics and places filled in, and the record of how. `last`
    (the live engine's, by id: the article given and the one made of it) is brought up to date:
    an article given as the same object and given the same terms is the same object as last
    build, which is how later stages know it unchanged without comparing it. Each entry also
    holds the actors and extraction it was made from: given as the same objects (the memos of
    resolve and cached.enrich keep them while nothing of the article changed), nothing is compared."""
    mentions = mentions_of(extracted)
    topics = {aid: entry[1] for aid, entry in extracted.items()}
    enriched = []
    made = {}
    for article in articles:
        entry = made[article.id] = _enriched(article, resolution.articles.get(article.id, ()), extracted[article.id],
                                             last.get(article.id) if last is not None else None)
        enriched.append(entry[1])
    result = Changed(enriched)
    if last is not None:
        last.clear()
        last.update(made)
        last[None] = result   # the list made from these entries (apply_changes)
    return result, Enrichment(resolution, topics, mentions)


def apply_changes(articles: list[Article], before: list[Article], extracted: dict[str, tuple], resolution: Resolution,
                  last: dict, parts: tuple[dict, dict], changed: list[Article], remade: set[str],
                  gone: set[str]) -> tuple[list[Article], Enrichment]:
    """apply_enrichment when what changed since its last call is known: `before`, the articles it
    returned then, made from `last` (its memo); `changed`, the articles given now that were not
    given then; `remade`, the ids whose actors the resolution made again; `gone`, the ids given
    then and not now. The others are the entries of `last`, visited not at all. `parts`: the
    extractions' topics and mentions by id. Returns a list that says what changed since `before`."""
    if last.get(None) is not before:   # another call brought the memo up to date since
        return apply_enrichment(articles, extracted, resolution, last)
    made = dict(last)
    for aid in gone:
        made.pop(aid, None)
    given = {a.id: a for a in changed}
    new = []
    for aid in given.keys() | (remade - gone):
        kept = made.get(aid)
        if aid not in given and kept is None:
            return apply_enrichment(articles, extracted, resolution, last)   # not given then: cannot say
        article = given[aid] if aid in given else kept[0]
        entry = made[aid] = _enriched(article, resolution.articles.get(aid, ()), extracted[aid], kept)
        if kept is None or entry[1] is not kept[1]:
            new.append(entry[1])
    result = follow(list(map(_made_of, map(made.__getitem__, map(id_of, articles)))), before, new, gone)
    last.clear()
    last.update(made)
    last[None] = result
    return result, Enrichment(resolution, *parts)


_made_of = operator.itemgetter(1)


def enrich(articles: list[Article], config: SiteConfig, gazetteer: Gazetteer, rules: TopicRules,
           workers: int = 1) -> tuple[list[Article], Enrichment]:
    """The three steps in one, nothing cached (cached.enrich is the build's, with its cache)."""
    extracted = extract_all(articles, config, gazetteer, rules, workers)
    return apply_enrichment(articles, extracted, resolve_all(articles, config, gazetteer, extracted))


def actor_profiles(articles: list[Article], gazetteer: Gazetteer, resolution: Resolution | None,
                   last: dict | None = None) -> dict[str, ActorProfile]:
    """Each actor named by an article (canonical name) with what the gazetteer and the resolution
    know of it: kind, description, aliases (the gazetteer's first), roles over time. `last` (the
    live engine's: name -> (what the resolution knew, profile)) is brought up to date: a profile
    made from the very ActorInfo of the last build (the resolution keeps an identity's summary
    while nothing of it changed, and starts afresh with another gazetteer) is the same object."""
    known = resolution.actors if resolution is not None else {}
    before = last if last is not None else {}
    held = before.get(None)   # (the articles, the profiles) last returned
    if (held is not None and len(held[0]) == len(articles) and all(map(operator.is_, held[0], articles))
            and all(kept[0] is not None and kept[0] is known.get(name)
                    for name, kept in before.items() if name is not None)):
        # The same articles, whose actors the resolution knows as it did (an actor it does not
        # know reads the gazetteer, which may be another): the very profiles.
        return held[1]
    profiles: dict[str, ActorProfile] = {}
    made: dict = {}
    for article in articles:
        for name in article.actors:
            if name in profiles:
                continue
            seen = known.get(name)
            kept = before.get(name)
            if seen is not None and kept is not None and kept[0] is seen:
                profiles[name], made[name] = kept[1], kept
                continue
            entry = gazetteer.info(name)
            aliases = tuple(dict.fromkeys((*entry.aliases, *(seen.aliases if seen else ()))))
            roles = tuple((r.date, r.title, r.article_id) for r in seen.roles) if seen else ()
            profiles[name] = ActorProfile(entry.kind or (seen.kind if seen else ""), entry.description, aliases, roles)
            made[name] = (seen, profiles[name])
    if last is not None:
        last.clear()
        last.update(made)
        last[None] = (tuple(articles), profiles)
    return profiles


def story_input(article: Article) -> StoryInput:
    return StoryInput(article.id, article.date, article.title, article.summary, carried(article, "text"), article.source,
                      article.actors, article.topics, article.places)


def stories_key(articles: list[Article]) -> str:
    """What stories and related articles depend on: each article's text, actors, topics and places."""
    lines = "\n".join(sorted(
        f"{a.id} {a.content_hash} {chr(31).join(a.actors)} {chr(31).join(a.topics)} {chr(31).join(a.places)}"
        for a in articles))
    return cache_key("stories", FEATURES_VERSION, long_part(lines))


def features_key(article: Article) -> str:
    """What clustering compares of one article depends on that article alone (text, actors, places)."""
    return cache_key("story-features", FEATURES_VERSION, article.content_hash, "\x1f".join(article.actors),
                     "\x1e".join(article.places))


@dataclass(frozen=True)
class StoriesFound:
    index: StoryIndex
    related: dict                     # article id -> related article ids, best first
    cluster_state: ClusterState       # what the next clustering starts from
    related_state: RelatedState       # ... and the next related computation


def find_stories(articles: list[Article], features: dict | None = None, cluster_state: ClusterState | None = None,
                 related_state: RelatedState | None = None, workers: int = 1) -> StoriesFound:
    """Stories (the same event from several sources) and related articles, for the whole corpus.

    Given the state the last computation left, only the pairs of articles whose link can have
    changed are compared again (stories.cluster_incremental) and related lists are computed
    again only for the articles whose list can have changed (related.related_incremental);
    both give what a computation from scratch gives. `features`: story_features per article id.
    """
    items = [story_input(a) for a in articles]
    versions = {a.id: features_key(a) for a in articles}
    index, clustered = cluster_incremental(items, cluster_state, workers=workers, features=features, versions=versions)
    # Related lists leave out the article's own story: its page lists it as "Also reported by".
    related, state = related_incremental(items, index, related_state, skip_story=True, workers=workers)
    return StoriesFound(index, related, clustered, state)


LARGE_CHANGE = 500    # articles changed at once beyond which (and a tenth of all) LiveStories starts again


class LiveStories:
    """Stories and related articles as the live engine holds them between builds (LiveClusters,
    LiveRelated): each build hands over the articles, and only the change since the last one
    (articles added, removed, or whose story input differs) is applied. The result is
    find_stories's for the same articles (tests/test_stories_live.py, tests/test_engine.py)."""

    def __init__(self) -> None:
        self.clusters = LiveClusters()
        self.related = LiveRelated(skip_story=True)
        self.inputs: dict[str, StoryInput] = {}       # each article's story input as applied
        self.seen: dict[str, Article] = {}            # ...and the article it was made from
        self.articles: list[Article] = []             # those of the last build, for persisting
        self.index: StoryIndex | None = None
        self.unsaved = False

    @property
    def ready(self) -> bool:
        return self.index is not None

    def start(self, articles: list[Article], features: dict, cluster_state: ClusterState | None,
              related_state: RelatedState | None, workers: int = 1) -> tuple[StoryIndex, dict]:
        """The first build: everything computed, reusing the decisions and related lists of the
        states a one-shot build left where they still hold."""
        items = [story_input(a) for a in articles]
        versions = {a.id: features_key(a) for a in articles}
        self.clusters.apply(items, (), features, versions, cluster_state, workers)
        self.index = self.clusters.index()
        related, state = related_incremental(items, self.index, related_state, skip_story=True, workers=workers)
        self.related.apply(items, (), self.index.story_of, workers, known=related, known_slack=state.slack)
        self._seen(articles, items)
        return self.index, self.related.related()

    def update(self, articles: list[Article], features_of, workers: int = 1) -> tuple[StoryIndex, dict]:
        """The change since the last build applied; `features_of(articles)`: story_features by id."""
        changed, items = [], []
        delta = changes_since(articles, self.articles)
        if delta is not None:   # the list says what is new since the last one: only those are looked at
            new, gone_ids = delta
            new_ids = set(map(id_of, new))
            gone = [aid for aid in gone_ids if aid in self.inputs and aid not in new_ids]
        else:
            new, present = articles, set(map(id_of, articles))
            gone = [aid for aid in self.inputs if aid not in present]
        for a in new:
            if self.seen.get(a.id) is a:
                continue
            item = story_input(a)
            if self.inputs.get(a.id) != item:
                changed.append(a)
                items.append(item)
        if not changed and not gone:
            self.articles = articles
            return self.index, self.related.related()
        if len(changed) + len(gone) > max(LARGE_CHANGE, len(articles) // 10):
            # Many articles at once (a folder moved in or out): one computation over all of them,
            # reusing what still holds of the last (its states), costs less than applying them
            # one by one.
            states = self.clusters.state(), self.related.state()
            self.forget()
            return self.start(articles, features_of(articles), *states, workers)
        versions = {a.id: features_key(a) for a in changed}
        moved = self.clusters.apply(items, gone + [a.id for a in changed if a.id in self.inputs],
                                    features_of(changed), versions, workers=workers)
        self.index = self.clusters.index()
        for a, item in zip(changed, items):
            self.inputs[a.id] = item
        for aid in gone:
            del self.inputs[aid]
        self.related.apply([self.inputs[aid] for aid in moved if aid in self.inputs], gone, self.index.story_of,
                           workers)
        self._seen(articles, items, (new, gone) if delta is not None else None)
        return self.index, self.related.related()

    def settle(self) -> tuple[int, int]:
        """What the first build took from states that did not hold it made now: each pair's
        fires and each related list's slack, without which a change decides the pairs and ranks
        the lists of every article whose weights it moves (LiveClusters.settle,
        LiveRelated.settle). Returns (pairs decided, lists ranked)."""
        try:
            return self.clusters.settle(), self.related.settle()
        except BaseException:
            self.forget()
            raise

    def forget(self) -> None:
        """Start again from nothing (after an update that failed half-way)."""
        self.__init__()

    def _seen(self, articles: list[Article], items: list[StoryInput], delta: tuple | None = None) -> None:
        if delta is None:
            self.seen = {a.id: a for a in articles}
        else:   # (the articles new or another object, the ids gone) since the last list
            self.seen.update(zip(map(id_of, delta[0]), delta[0]))
            for aid in delta[1]:
                self.seen.pop(aid, None)
        self.inputs.update((item.id, item) for item in items)
        self.articles = articles
        self.unsaved = True

"""Enrichment: who (actors) and what (topics) each article is about.

Explicit front matter wins: an article that lists `actors:` or `topics:` keeps that list
(actor names in the gazetteer's canonical spelling). Everything else is extracted from the
article's text at build time; per-article results are cached by the article's digest, the
gazetteer's and topic rules' fingerprints and the extractor version, so an editor's change
to any of them takes effect on the next build, and nothing is ever stale.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace

from .core import ActorProfile, Article, StoryIndex
from .cache import Cache, cache_key
from .config import SiteConfig
from .extract.mentions import EXTRACTOR_VERSION, Mentions, extract_mentions
from .extract.resolve import ArticleInput, Resolution, resolve
from .extract.gazetteer import Gazetteer
from .extract.topics import TopicAssignment, TopicRules, assign_topics
from .related import related_incremental
from .stories import FEATURES_VERSION, StoryInput, cluster_incremental, story_features
from .workers import fork_map


@dataclass(frozen=True)
class Enrichment:
    resolution: Resolution
    topics: dict[str, TopicAssignment] = field(default_factory=dict)    # article id -> why
    mentions: dict[str, Mentions] = field(default_factory=dict)         # article id -> what was found


def article_input(article: Article) -> ArticleInput:
    return ArticleInput(article.id, article.date, article.title, article.text, article.source,
                        article.actors if article.actors_given else None)


def _rules_fingerprint(rules: TopicRules) -> str:
    data = [[r.name, list(r.phrases), r.threshold, r.min_phrases, list(r.sections)] for r in rules.rules]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


EXTRACT_BATCH = 100        # articles per task handed to a worker
PARALLEL_EXTRACT = 200     # below this, extraction stays in this process


def enrich(articles: list[Article], config: SiteConfig, gazetteer: Gazetteer, rules: TopicRules,
           cache: Cache | None = None, workers: int = 1) -> tuple[list[Article], Enrichment]:
    """Articles with their actors and topics filled in, and the record of how."""
    cache = cache or Cache(None)
    agencies = dict(config.sources)
    context = cache_key("extract", EXTRACTOR_VERSION, gazetteer.fingerprint, _rules_fingerprint(rules),
                        json.dumps(sorted(agencies.items())))
    keys = {a.id: cache_key(context, a.content_hash) for a in articles}
    cached = cache.get_many("extract", keys.values())
    missing = list({keys[a.id]: a for a in articles if keys[a.id] not in cached}.values())

    def extract(batch: list[Article]) -> list[tuple]:
        return [(None if a.actors_given else extract_mentions(a.text, a.title, gazetteer, a.source, agencies),
                 assign_topics(a.title, a.text, a.section, a.topics if a.topics_given else None, rules))
                for a in batch]

    batches = [missing[i:i + EXTRACT_BATCH] for i in range(0, len(missing), EXTRACT_BATCH)]
    results = fork_map(extract, batches, workers if len(missing) >= PARALLEL_EXTRACT else 1)
    fresh: dict[str, tuple] = {keys[a.id]: entry for batch, found in zip(batches, results)
                               for a, entry in zip(batch, found)}
    mentions: dict[str, Mentions] = {}
    topics: dict[str, TopicAssignment] = {}
    for article in articles:
        key = keys[article.id]
        entry = cached.get(key) or fresh[key]
        if entry[0] is not None:
            mentions[article.id] = entry[0]
        topics[article.id] = entry[1]
    cache.put_many("extract", fresh)
    if fresh:
        cache.trim("extract", set(keys.values()))
    # Identities across articles (Tom and Thomas Goffus) need the whole corpus: the result is
    # cached for exactly this set of articles (a rebuild with no content change reuses it).
    corpus_key = cache_key(context, "\n".join(sorted(f"{a.id} {a.content_hash}" for a in articles)))
    resolution = cache.get_many("resolution", [corpus_key]).get(corpus_key)
    if resolution is None:
        resolution = resolve([article_input(a) for a in articles], gazetteer, agencies, mentions)
        cache.put_many("resolution", {corpus_key: resolution})
        cache.prune("resolution", {corpus_key})
    enriched = []
    for article in articles:
        actors = resolution.articles.get(article.id, ())
        chosen = topics[article.id].topics
        places = mentions[article.id].places if article.id in mentions else ()
        if actors != article.actors or chosen != article.topics or places != article.places:
            article = replace(article, actors=actors, topics=chosen, places=places)
        enriched.append(article)
    return enriched, Enrichment(resolution, topics, mentions)


def actor_profiles(articles: list[Article], gazetteer: Gazetteer, resolution: Resolution | None) -> dict[str, ActorProfile]:
    """Each actor named by an article (canonical name) with what the gazetteer and the resolution
    know of it: kind, description, aliases (the gazetteer's first), roles over time."""
    known = resolution.actors if resolution is not None else {}
    profiles: dict[str, ActorProfile] = {}
    for article in articles:
        for name in article.actors:
            if name in profiles:
                continue
            entry = gazetteer.info(name)
            seen = known.get(name)
            aliases = tuple(dict.fromkeys((*entry.aliases, *(seen.aliases if seen else ()))))
            roles = tuple((r.date, r.title, r.article_id) for r in seen.roles) if seen else ()
            profiles[name] = ActorProfile(entry.kind or (seen.kind if seen else ""), entry.description, aliases, roles)
    return profiles


def story_input(article: Article) -> StoryInput:
    return StoryInput(article.id, article.date, article.title, article.summary, article.text, article.source,
                      article.actors, article.topics, article.places)


def find_stories(articles: list[Article], cache: Cache | None = None, workers: int = 1) -> tuple[StoryIndex, dict]:
    """Stories (the same event from several sources) and related articles, for the whole corpus.

    Both depend on every article, so they are cached for exactly this set of articles, actors
    and topics: an unchanged corpus reuses them. After a change, only the pairs of articles
    whose link can have changed are compared again (stories.cluster_incremental) and related
    articles are computed again only for the articles whose list can have changed
    (related.related_incremental), both from the state the last build kept; both give what a
    computation from scratch gives.
    """
    cache = cache or Cache(None)
    key = cache_key("stories", FEATURES_VERSION, "\n".join(sorted(
        f"{a.id} {a.content_hash} {chr(31).join(a.actors)} {chr(31).join(a.topics)} {chr(31).join(a.places)}"
        for a in articles)))
    found = cache.get_many("stories", [key]).get(key)
    if found is None:
        items = [story_input(a) for a in articles]
        # What clustering compares of each article depends on that article alone: kept per
        # article (file digest and actors), so a new article costs one computation, not 10,000.
        keys = {a.id: cache_key("story-features", FEATURES_VERSION, a.content_hash, "\x1f".join(a.actors),
                                "\x1e".join(a.places)) for a in articles}
        cached = cache.get_many("story-features", keys.values())
        features = {aid: cached[k] for aid, k in keys.items() if k in cached}
        fresh = {i.id: story_features(i) for i in items if i.id not in features}
        cache.put_many("story-features", {keys[aid]: f for aid, f in fresh.items()})
        if fresh:
            cache.trim("story-features", set(keys.values()))
        features.update(fresh)
        cluster_key = cache_key("cluster-state", FEATURES_VERSION)
        previous = cache.get_many("cluster-state", [cluster_key]).get(cluster_key)
        index, clustered = cluster_incremental(items, previous, workers=workers, features=features, versions=keys)
        cache.put_many("cluster-state", {cluster_key: clustered})
        state_key = cache_key("related-state", FEATURES_VERSION)
        previous = cache.get_many("related-state", [state_key]).get(state_key)
        # Related lists leave out the article's own story: its page lists it as "Also reported by".
        related, state = related_incremental(items, index, previous, skip_story=True, workers=workers)
        cache.put_many("related-state", {state_key: state})
        found = (index, related)
        cache.put_many("stories", {key: found})
        cache.prune("stories", {key})
    return found

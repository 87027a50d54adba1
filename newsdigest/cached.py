"""The build's analysis stages with the cache around them.

Each stage (enrich.py, stories.py, related.py) is a pure function; here each is wrapped in the
cache the way its result depends on its input: per article where a result depends on one
article (extraction, story features), per corpus where it needs every article (identities,
stories), and as carried-over state where a stage updates its previous result (clustering and
related articles). The live engine will keep the same values in memory instead.
"""
from __future__ import annotations

from .cache import Cache, cache_key
from .config import SiteConfig
from .core import Article, StoryIndex
from .enrich import (Enrichment, apply_enrichment, extract_all, extract_context, features_key,
                     find_stories, resolve_all, stories_key, story_input)
from .extract.gazetteer import Gazetteer
from .extract.topics import TopicRules
from .stories import FEATURES_VERSION, story_features


def enrich(articles: list[Article], config: SiteConfig, gazetteer: Gazetteer, rules: TopicRules,
           cache: Cache, workers: int = 1) -> tuple[list[Article], Enrichment]:
    """enrich.enrich, extracting only articles whose text (or the rules) changed, and resolving
    identities again only when the set of articles changed."""
    context = extract_context(config, gazetteer, rules)
    by_id = {a.id: a for a in articles}
    extracted = cache.per_item("extract", {a.id: cache_key(context, a.content_hash) for a in articles},
                               lambda ids: extract_all([by_id[i] for i in ids], config, gazetteer, rules, workers))
    corpus_key = cache_key(context, "\n".join(sorted(f"{a.id} {a.content_hash}" for a in articles)))
    resolution = cache.whole("resolution", corpus_key, lambda: resolve_all(articles, config, gazetteer, extracted))
    return apply_enrichment(articles, extracted, resolution)


def stories(articles: list[Article], cache: Cache, workers: int = 1) -> tuple[StoryIndex, dict]:
    """Stories and related articles (enrich.find_stories) from the state the last build kept;
    an unchanged corpus reuses the result."""
    def compute() -> tuple[StoryIndex, dict]:
        by_id = {a.id: a for a in articles}
        features = cache.per_item("story-features", {a.id: features_key(a) for a in articles},
                                  lambda ids: {i: story_features(story_input(by_id[i])) for i in ids})
        found = find_stories(articles, features, cache.state(CLUSTER_STATE), cache.state(RELATED_STATE), workers)
        cache.keep_state(CLUSTER_STATE, found.cluster_state)
        cache.keep_state(RELATED_STATE, found.related_state)
        return found.index, found.related
    return cache.whole("stories", stories_key(articles), compute)


CLUSTER_STATE = "cluster-state-" + FEATURES_VERSION
RELATED_STATE = "related-state-" + FEATURES_VERSION

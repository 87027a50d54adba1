"""The build's load and analysis stages with the cache around them.

Each stage (articles.py, enrich.py, stories.py, related.py) is a pure function; here each is
wrapped in the cache the way its result depends on its input: per file where a result depends
on one file (parsing, with the files' stat signatures to skip reading unchanged ones), per
article (extraction, story features), per corpus where it needs every article (identities,
stories), and as carried-over state where a stage updates its previous result (clustering and
related articles). The live engine (engine.py) keeps the same values in memory too (cache.HeldCache).
"""
from __future__ import annotations

import bisect
import os
import pickle
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .articles import (Published, Scan, content_hash, file_signature, list_article_files, parse_all, parse_key,
                       publishable, under)
from .cache import Cache, cache_key, long_part
from .config import Paths, SiteConfig, load_config
from .core import Article, StoryIndex
from .errors import NewsdigestError, Problem
from .enrich import (Enrichment, LiveStories, apply_changes, apply_enrichment, extract_all, extract_context,
                     features_key, find_stories, mentions_of, resolve_all, stories_key, story_input)
from .extract.gazetteer import Gazetteer, load_gazetteer
from .extract.resolve import ResolveMemo
from .extract.topics import TopicRules, load_topic_rules
from .files import read_regular
from .order import Changed, changed as changes_since, follow
from .progress import progress
from .stories import FEATURES_VERSION, story_features


@dataclass
class LoadMemo:
    """What the live engine keeps of the last load: the scan it read (articles.ArticleFiles's:
    the same object while no file changed, and one made from it names the paths listed again),
    each file's signature, cache key and parse result, and the articles kept (Published). A
    build then reads and places only the files that changed."""

    scan: Scan | None = None            # None: the next load reads the listing whole
    config_key: str = ""
    files: dict = field(default_factory=dict)   # rel -> (signature, cache key, parse result)
    published: Published | None = None
    result: tuple = ((), ())            # (articles, problems) as last returned

    def forget(self) -> None:
        self.scan, self.files, self.published = None, {}, None


def load_articles(root: Path, articles_dir: Path, config: SiteConfig, cache: Cache | None = None,
                  workers: int = 1, scan: Scan | None = None,
                  memo: LoadMemo | None = None) -> tuple[list[Article], list[Problem]]:
    """Every publishable article under articles_dir, newest first (articles.publishable); problems
    for the rest.

    Parsed articles (articles.parse_all) are cached by content hash (path and bytes), the settings
    a parse reads and the tool version. A file whose size, mtime, ctime and inode are those
    recorded last time is not even read again; a file or folder that cannot be read keeps the
    articles last read from it (or, with no earlier reading, stops the build). `scan`: the
    listing with the files' signatures when the caller has them (the live engine's ArticleFiles);
    `memo`, the live engine's (LoadMemo), brought up to date from the files that scan lists again.
    """
    cache = cache or Cache(None)
    config_key = parse_key(config)
    if memo is not None:
        try:
            found = _load_changed(root, config, config_key, cache, workers, scan, memo)
        except BaseException:
            memo.forget()
            raise
        if found is not None:
            return found
    known = cache.get_all("stat")
    problems: list[Problem] = []
    entries: list[tuple[str, str]] = []            # (rel, cache key)
    data_of: dict[str, bytes] = {}
    new_stats: dict[str, tuple] = {}
    listing = scan.listing if scan is not None else list_article_files(articles_dir, root)
    signatures = scan.signatures if scan is not None else {}
    problems.extend(listing.problems)
    unreadable = list(listing.unreadable)  # folders and files: their articles are kept as last read
    prefix = str(root).rstrip("/") + "/"
    cached: dict = {}
    fresh: dict = {}
    read: list[tuple[str, str]] = []   # (rel, cache key) of the files read since the last parse

    def parse_read(advance) -> None:
        # Parsed a batch at a time, and the bytes let go: a cold build held every file's bytes
        # at once (517 MB at 100,000 articles), and the C heap kept the holes they left.
        cached.update(cache.get_many("article", (key for _, key in read)))
        todo = [(rel, key) for rel, key in read if key not in cached and key not in fresh]
        fresh.update(zip((key for _, key in todo), parse_all([(data_of[rel], rel) for rel, _ in todo], config,
                                                             workers, advance)))
        advance(len(read) - len(todo))
        read.clear()
        data_of.clear()

    with progress(len(listing.files), "reading articles") as advance:
        for file in listing.files:
            path = str(file)   # the listing's paths are under root: cut as strings (10,000 a build in watch)
            rel = path[len(prefix):] if path.startswith(prefix) and os.sep == "/" else file.relative_to(root).as_posix()
            try:
                signature = signatures.get(path) or file_signature(os.stat(path))   # no signature: the error
                previous = known.get(rel)
                if previous is not None and previous[0] == signature:
                    file_hash = previous[1]
                    advance(1)
                else:
                    data_of[rel] = data = read_regular(file)
                    file_hash = content_hash(rel, data)
                    new_stats[rel] = (signature, file_hash)
            except OSError as exc:
                problems.append(Problem(rel, f"cannot read: {exc.strerror or exc}; the article is kept as last read",
                                        "check the file's permissions"))
                unreadable.append(rel)
                advance(1)
                continue
            entries.append((rel, cache_key("article", config_key, file_hash)))
            if rel in data_of:
                read.append(entries[-1])
                if len(read) >= LOAD_BATCH:
                    parse_read(advance)
        parse_read(advance)
    kept = _last_read(unreadable, known, config_key)
    entries += kept
    cached.update(cache.get_many("article", (key for _, key in entries if key not in cached and key not in fresh)))
    if any(key not in cached for _, key in kept) or any(not any(under(rel, u) for rel, _ in kept) for u in unreadable):
        # Nothing stands in for what cannot be read: building now would unpublish it.
        raise NewsdigestError(*[p for p in problems if p.path.rstrip("/") in unreadable], Problem(
            ", ".join(unreadable), "cannot be read, and the build cache holds no earlier reading of it; "
            "nothing was built", "fix the permissions and build again; the previous site is still published"))
    # Known by their stat, but their parsed form is gone from the cache (a cache removed by hand).
    missing = [(rel, key) for rel, key in entries if key not in cached and key not in fresh]
    fresh.update(zip((key for _, key in missing),
                     parse_all([(read_regular(root / rel), rel) for rel, _ in missing], config, workers)))
    cache.put_many("article", fresh)
    if fresh:
        cache.trim("article", {key for _, key in entries})
    cache.put_many("stat", new_stats)
    entries.sort()
    current = {rel for rel, _ in entries}
    if not current.issuperset(known):   # entries of files that are gone (or now unreadable)
        cache.prune("stat", current)
    parsed = [(rel, cached[key] if key in cached else fresh[key]) for rel, key in entries]
    if memo is None or scan is None:   # without a watcher's scan every load lists and reads the whole
        articles, found = publishable(parsed)
        return articles, problems + found
    try:
        memo.forget()
        memo.published = Published(parsed)
        if not unreadable and not problems[len(listing.problems):]:
            stats = {**known, **new_stats}
            keys = dict(entries)
            memo.files = {rel: (stats[rel][0], keys[rel], result) for rel, result in parsed}
            memo.scan, memo.config_key = scan, config_key
    except BaseException:
        memo.forget()
        raise
    memo.result = Changed(memo.published.articles), problems + memo.published.problems
    return memo.result


LOAD_BATCH = 5000   # files read before they are parsed: about 25 MB of news articles


def _load_changed(root: Path, config: SiteConfig, config_key: str, cache: Cache, workers: int, scan: Scan | None,
                  memo: LoadMemo) -> tuple[list[Article], list[Problem]] | None:
    """load_articles from the memo's last load and the files the scan lists again since; None
    when the memo cannot say (another listing, other settings, a file that cannot be read)."""
    last = memo.scan
    if scan is None or last is None or config_key != memo.config_key or scan.listing.unreadable:
        return None
    if scan is last:
        return memo.result
    if scan.since is None or scan.since[0] is not last.token:
        return None
    prefix = str(root).rstrip("/") + "/"
    if os.sep != "/" or not all(path.startswith(prefix) for path in scan.since[1]):
        return None
    files = dict(memo.files)
    changes: dict[str, tuple | None] = {}
    read: dict[str, tuple] = {}   # rel -> (signature, cache key, bytes, content hash)
    for path in sorted(scan.since[1]):
        rel = path[len(prefix):]
        if path not in scan.signatures:
            if files.pop(rel, None) is not None:
                changes[rel] = None
            continue
        signature = scan.signatures[path]
        if signature is None:
            return None    # cannot be stat'ed: load_articles's own pass says so
        kept = files.get(rel)
        if kept is not None and kept[0] == signature:
            continue
        try:
            data = read_regular(Path(path))
        except OSError:
            return None
        file_hash = content_hash(rel, data)
        read[rel] = (signature, cache_key("article", config_key, file_hash), data, file_hash)
    cached = cache.get_many("article", (entry[1] for entry in read.values()))
    missing = [rel for rel, entry in read.items() if entry[1] not in cached]
    fresh = dict(zip(missing, parse_all([(read[rel][2], rel) for rel in missing], config, workers)))
    cache.put_many("article", {read[rel][1]: fresh[rel] for rel in missing})
    for rel, (signature, key, _, _) in read.items():
        files[rel] = (signature, key, fresh[rel] if rel in fresh else cached[key])
        changes[rel] = files[rel][2]
    if fresh:
        cache.trim("article", {key for _, key, _ in files.values()})
    cache.put_many("stat", {rel: (entry[0], entry[3]) for rel, entry in read.items()})
    if any(result is None for result in changes.values()):
        cache.prune("stat", set(files))
    delta = memo.published.update(changes)
    memo.files, memo.scan = files, scan
    # The articles say what changed since the last list (enrich then visits only those).
    articles = follow(memo.published.articles, memo.result[0], *delta) if delta is not None else Changed(
        memo.published.articles)
    memo.result = articles, list(scan.listing.problems) + memo.published.problems
    return memo.result


def _last_read(unreadable: list[str], known: dict, config_key: str) -> list[tuple[str, str]]:
    """(rel, cache key) of the articles last read from files or folders that cannot be read now."""
    return [(rel, cache_key("article", config_key, file_hash)) for rel, (_, file_hash) in known.items()
            if any(under(rel, u) for u in unreadable)]


@dataclass
class EnrichMemo:
    """What the live engine keeps of the last enrich, beside the resolution's memo: the articles
    list it was given (load's, the same list while no file changed) with the result, each
    article's extraction by the very article it was made for, and the lines of the corpus key
    in order, so that a build extracts, hashes and sorts only the articles that changed. With
    the extractions by id and their parts (topics, mentions), kept as made: a list that says
    what changed since the last one (order.Changed) is not walked whole."""

    context: str = ""
    articles: list | None = None
    result: tuple | None = None
    extracted: dict = field(default_factory=dict)   # id -> (article, cache key, extraction)
    lines: list = field(default_factory=list)       # corpus_key's lines, sorted
    line_of: dict = field(default_factory=dict)     # id -> its line
    found: tuple = field(default_factory=lambda: ({}, {}, {}))   # id -> extraction; -> its topics; -> its mentions

    def forget(self) -> None:
        self.__init__()


def enrich(articles: list[Article], config: SiteConfig, gazetteer: Gazetteer, rules: TopicRules,
           cache: Cache, workers: int = 1, memo: ResolveMemo | None = None,
           enriched: dict | None = None, kept: EnrichMemo | None = None) -> tuple[list[Article], Enrichment]:
    """enrich.enrich, extracting only articles whose text (or the rules) changed, and resolving
    identities again only when the set of articles changed (`memo`, `enriched`, the articles
    last made, and `kept`: the live engine's)."""
    context = extract_context(config, gazetteer, rules)
    if kept is not None:
        if kept.context == context and kept.articles is articles and kept.result is not None:
            return kept.result
        try:
            return _enrich_kept(articles, config, gazetteer, rules, cache, workers, memo, enriched, kept, context)
        except BaseException:
            kept.forget()
            if memo is not None:
                memo.listed = None
            raise
    by_id = {a.id: a for a in articles}

    def extract_missing(ids: list[str]) -> dict:
        _prime_rules(rules, cache)
        return extract_all([by_id[i] for i in ids], config, gazetteer, rules, workers)
    extracted = cache.per_item("extract", {a.id: cache_key(context, a.content_hash) for a in articles}, extract_missing)
    corpus_key = _corpus_key(context, sorted(_corpus_line(a) for a in articles))
    # An engine's first build resolves with its memo even when the cache has the result: the first
    # change then resolves what it reaches, not every article while the editor waits.
    resolution = cache.whole("resolution", corpus_key, lambda: resolve_all(articles, config, gazetteer, extracted, memo),
                             fresh=memo is not None and not memo.gathered)
    return apply_enrichment(articles, extracted, resolution, enriched)


def _enrich_kept(articles: list[Article], config: SiteConfig, gazetteer: Gazetteer, rules: TopicRules, cache: Cache,
                 workers: int, memo: ResolveMemo | None, enriched: dict | None, kept: EnrichMemo,
                 context: str) -> tuple[list[Article], Enrichment]:
    """enrich with the live engine's EnrichMemo: what it holds of an article given as the same
    object is used again; the rest goes through the cache (and extraction) as enrich's does."""
    if kept.context != context:
        kept.forget()
        kept.context = context
    last = kept.extracted
    delta = changes_since(articles, kept.articles)   # None: every article looked at
    made: dict[str, tuple]
    changed: list[Article] = []
    if delta is not None:
        made = dict(last)
        for aid in delta[1]:
            made.pop(aid, None)
        changed = [a for a in delta[0] if (entry := made.get(a.id)) is None or entry[0] is not a]
    else:
        made = {}
        for a in articles:
            entry = last.get(a.id)
            if entry is not None and entry[0] is a:
                made[a.id] = entry
            else:
                made[a.id] = None   # its place, in the articles' order
                changed.append(a)
    if changed:
        keys = {a.id: cache_key(context, a.content_hash) for a in changed}
        found = cache.get_many("extract", keys.values())
        missing = [a for a in changed if keys[a.id] not in found]
        fresh: dict = {}
        if missing:
            _prime_rules(rules, cache)
            fresh = extract_all(missing, config, gazetteer, rules, workers)
            cache.put_many("extract", {keys[i]: value for i, value in fresh.items()})
        for a in changed:
            key = keys[a.id]
            made[a.id] = (a, key, found[key] if key in found else fresh[a.id])
        if fresh:
            cache.trim("extract", {entry[1] for entry in made.values()})
    lines, line_of = kept.lines, kept.line_of
    if len(made) != len(last) or changed:
        if delta is not None:
            line_of = dict(line_of)
            removed = [line_of.pop(aid) for aid in delta[1] if aid in line_of]
        else:
            removed = [line for aid, line in line_of.items() if aid not in made]
            line_of = {aid: line for aid, line in line_of.items() if aid in made}
        # A changed article's old line goes even when its new one is the same text (an unchanged
        # file read again), or the list would hold that line twice.
        removed += [line for line in (line_of.pop(a.id, None) for a in changed) if line is not None]
        for a in changed:
            line_of[a.id] = _corpus_line(a)
        if len(removed) + len(changed) > 100:
            lines = sorted(line_of.values())
        else:   # a few lines out and in: the sorted list is kept, not sorted again
            drop = set(removed)
            lines = [line for line in lines if line not in drop] if drop else list(lines)
            for a in changed:
                bisect.insort(lines, line_of[a.id])
    if delta is not None:   # the last extractions by id, with those of the articles changed and gone
        extracted, topics, mentions = (dict(part) for part in kept.found)
        for aid in delta[1]:
            extracted.pop(aid, None), topics.pop(aid, None), mentions.pop(aid, None)
        for a in changed:
            extraction = extracted[a.id] = made[a.id][2]
            topics[a.id] = extraction[1]
            if extraction[0] is not None:
                mentions[a.id] = extraction[0]
            else:
                mentions.pop(a.id, None)
    else:
        extracted = {aid: entry[2] for aid, entry in made.items()}
        topics = {aid: entry[1] for aid, entry in extracted.items()}
        mentions = mentions_of(extracted)
    corpus_key = _corpus_key(context, lines)
    resolution = cache.whole("resolution", corpus_key,
                             lambda: resolve_all(articles, config, gazetteer, extracted, memo, mentions),
                             fresh=memo is not None and not memo.gathered)
    last_result = kept.result
    # The articles whose actors the resolution made again since the one applied last (the rest
    # have the very tuples they had), when known: apply_enrichment visits only those and the
    # articles changed.
    remade = memo.remade_since(last_result[1].resolution.articles, resolution) if (
        memo is not None and last_result is not None and delta is not None) else None
    if remade is not None and enriched is not None:
        result = apply_changes(articles, last_result[0], extracted, resolution, enriched, (topics, mentions),
                               changed, remade, delta[1])
    else:
        result = apply_enrichment(articles, extracted, resolution, enriched)
    kept.extracted, kept.lines, kept.line_of = made, lines, line_of
    kept.found = extracted, topics, mentions
    kept.articles, kept.result = articles, result
    return result


def _corpus_line(article: Article) -> str:
    return f"{article.id} {article.content_hash}"


def _corpus_key(context: str, lines: list[str]) -> str:
    """What the identities depend on: every article's text, by id (`lines`, sorted), and the
    extraction's context."""
    return cache_key(context, long_part("\n".join(lines)))


def prime_extraction(paths: Paths, cache: Cache | None) -> None:
    """Make the text matchers extraction uses now: the gazetteer's (0.05-0.1 s) and the topic
    rules' automaton (read from the build cache). A build whose articles were all extracted
    before never made them, and the first article dropped after it would wait for both.
    load_gazetteer and load_topic_rules give the builds the very objects primed here. A wrong
    site.toml, gazetteer or rules file is left to the build to report: watch must keep waiting
    for the fix, not stop here."""
    try:
        config, _ = load_config(paths)
        gazetteer, _ = load_gazetteer(paths.content)
        gazetteer.matcher(dict(config.sources))   # as extract_article asks for it
        if cache is not None:
            rules, _ = load_topic_rules(paths.content)
            _prime_rules(rules, cache)
    except NewsdigestError:
        return


def _prime_rules(rules: TopicRules, cache: Cache) -> None:
    """The rules' phrase automaton made, or read from the build cache (_stored_automaton)."""
    rules.prime_automaton(lambda make: _stored_automaton(cache, rules, make))


def _stored_automaton(cache: Cache, rules: TopicRules, make):
    """The rules' phrase automaton from the build cache, made and kept there when missing:
    compressed (7.5 MB pickled for the default rules, 1.3 MB so), since the engine a build keeps
    (snapshot.py) holds what its cache read."""
    made = []

    def packed() -> bytes:
        made.append(make())
        return zlib.compress(pickle.dumps(made[0], protocol=pickle.HIGHEST_PROTOCOL), 1)
    blob = cache.whole("automaton", cache_key("automaton", repr(rules.rules)), packed)
    return made[0] if made else pickle.loads(zlib.decompress(blob))


def stories(articles: list[Article], cache: Cache, workers: int = 1,
            live: LiveStories | None = None) -> tuple[StoryIndex, dict]:
    """Stories and related articles (enrich.find_stories) from the state the last build kept;
    an unchanged corpus reuses the result. The live engine's `live` applies only the change
    since its last build (the states are written for one-shot builds by keep_stories)."""
    if live is not None:
        try:
            if live.ready:
                return live.update(articles, lambda changed: _story_features(changed, cache), workers)
            by_id = {a.id: a for a in articles}
            features = cache.per_item("story-features", {a.id: features_key(a) for a in articles},
                                      lambda ids: {i: story_features(story_input(by_id[i])) for i in ids})
            return live.start(articles, features, cache.state(CLUSTER_STATE), cache.state(RELATED_STATE), workers)
        except BaseException:
            live.forget()
            raise

    def compute() -> tuple[StoryIndex, dict]:
        by_id = {a.id: a for a in articles}
        features = cache.per_item("story-features", {a.id: features_key(a) for a in articles},
                                  lambda ids: {i: story_features(story_input(by_id[i])) for i in ids})
        found = find_stories(articles, features, cache.state(CLUSTER_STATE), cache.state(RELATED_STATE), workers)
        cache.keep_state(CLUSTER_STATE, found.cluster_state)
        cache.keep_state(RELATED_STATE, found.related_state)
        return found.index, found.related
    return cache.whole("stories", stories_key(articles), compute)


def _story_features(articles: list[Article], cache: Cache) -> dict:
    """story_features of a few articles (those a live build found changed), by id, through the
    cache. No trimming: these are not all the articles in use."""
    keys = {a.id: features_key(a) for a in articles}
    found = cache.get_many("story-features", keys.values())
    fresh = {keys[a.id]: story_features(story_input(a)) for a in articles if keys[a.id] not in found}
    cache.put_many("story-features", fresh)
    return {aid: found[key] if key in found else fresh[key] for aid, key in keys.items()}


def keep_stories(cache: Cache, live: LiveStories) -> None:
    """Write what the live engine's last build found where a one-shot build looks for it: the
    result for its articles and the states to start the next computation from."""
    key = stories_key(live.articles)
    cache.put_many("stories", {key: (live.index, live.related.related())})
    cache.prune("stories", {key})
    cache.keep_state(CLUSTER_STATE, live.clusters.state())
    cache.keep_state(RELATED_STATE, live.related.state())
    live.unsaved = False


CLUSTER_STATE = "cluster-state-" + FEATURES_VERSION
RELATED_STATE = "related-state-" + FEATURES_VERSION

"""The live engine: what watch and serve hold between builds, so that a change costs what it
reaches rather than what the site holds.

A build without an engine finds the previous build's work in the build cache
(.newsdigest/cache.sqlite) and in the live site's manifest; the `build` command starts from the
engine the last one left (snapshot.py). The engine keeps, in memory, from one build to the next:

- the build cache's values (cache.HeldCache): parsed articles, per-article extraction and story
  features, the identities and the story and related-article state, without SQLite reads or
  unpickling (writes reach the file after each build is published, Engine.persist, so a
  one-shot build after watch finds them too);
- the live manifest's entries as JSON text (publish.ManifestTexts), made again only for the
  files a build wrote;
- the last plan (plan.PlanMemo): its pages by group (an article's page, a term's, a month's or a
  digest's pages are planned again only when the signature of what they show changed), its
  cards, term links, page keys and the digest of each article's search record, while what they
  are made from is the same; and the Jinja environment while the templates are the same;
- what each article gave the identities and each actor's summary (extract.resolve.ResolveMemo),
  and each article with its actors and topics (enrich.apply_enrichment): an unchanged article is
  the very object of the last build;
- each taxonomy, live (taxonomy.LiveTaxonomy: a term no change reached is the same object) and
  each term's related actors (model.ModelMemo); the plan then knows by identity which cards,
  article pages, term pages, trends and feed keys nothing reached;
- stories and related articles (enrich.LiveStories): the clustering's key frequencies, weights,
  blocking keys, candidates, postings, decisions and stories, and the related lists with their
  postings, to which each build applies only the articles added, removed or changed;
- each daily and weekly digest with the articles and stories it was made from;
- ingest's duplicate index (ingest.dedupe.ScanMemo), open, and brought up to date when the
  engine starts rather than when the first article arrives;
- in watch, the article files and their signatures (articles.ArticleFiles), listed again only
  where the watcher reports a change, and each file's parse result with the articles kept
  newest first (cached.LoadMemo): only the files listed again are read and placed.

Every value is keyed by what it is computed from, so the site the engine publishes is what a
clean build of the same content makes (tests/test_engine.py drives one engine through random
changes and compares each step with a clean build).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .articles import ArticleFiles
from .cache import HeldCache
from .cached import EnrichMemo, LoadMemo, keep_stories, prime_extraction
from .config import Paths
from .enrich import LiveStories
from .extract.resolve import ResolveMemo
from .model import ModelMemo
from .plan import PlanMemo
from .publish import ManifestTexts

if TYPE_CHECKING:  # the ingest package is imported only when there is an inbox
    from .ingest.dedupe import ScanMemo


@dataclass
class Engine:
    scan: ScanMemo | None = None      # ingest's index of the articles
    cache: HeldCache | None = None    # the build cache, open, with what the last build read and wrote
    plan: PlanMemo = field(default_factory=PlanMemo)   # the last plan's pages, by group
    digests: dict = field(default_factory=dict)        # each digest with what it was made from
    model: ModelMemo = field(default_factory=ModelMemo)   # the last model's terms and related actors
    resolution: ResolveMemo = field(default_factory=ResolveMemo)   # what each article gave identities
    # article id -> (article loaded, with its terms, ...), and None -> the last list made: enrich.apply_enrichment
    enriched: dict = field(default_factory=dict)
    enrich: EnrichMemo = field(default_factory=EnrichMemo)   # each article's extraction, the corpus key's lines
    stories: LiveStories = field(default_factory=LiveStories)   # stories and related, kept live
    # content/articles as the watcher keeps it (articles.ArticleFiles): only watch sets it, since
    # only a watcher can say which files changed; without it every build lists them all.
    files: ArticleFiles | None = None
    load: LoadMemo = field(default_factory=LoadMemo)   # with `files`: each file as last read
    manifest_texts: ManifestTexts = field(default_factory=ManifestTexts)   # the live manifest's entries as JSON

    def held_cache(self, path: Path) -> HeldCache:
        if self.cache is None:
            self.cache = HeldCache(path)
        return self.cache

    def index_articles(self, paths: Paths) -> tuple[int, float]:
        """Bring ingest's duplicate index up to date now (it reads the articles new or changed
        since it was last kept), so that the first file dropped into the inbox waits only for
        its own build; then warm_up(). Returns (articles indexed, seconds spent indexing)."""
        from .ingest.dedupe import ScanMemo, scan_articles
        from .ingest.pipeline import dedupe_store
        started = time.perf_counter()
        self.scan = self.scan or ScanMemo()
        scan = self.files.scan(paths.articles, paths.root) if self.files is not None else None
        index = scan_articles(paths.articles, self.scan, dedupe_store(paths), scan)
        seconds = time.perf_counter() - started
        self.warm_up(paths)
        return len(index.signatures()), seconds

    def warm_up(self, paths: Paths) -> None:
        """Make now what the first change after the engine's first build would make while it
        waits, when that build had nothing to extract, ingest or render (the site was up to
        date): the text matchers of extraction, the ingest's patterns, the pair fires and list
        slacks the stories of the first build could not take (LiveStories.settle), and the
        templates and entries of the taxonomy indexes (outputs.prime_rendering). Watch calls it
        as it starts (through index_articles when there is an inbox)."""
        from .ingest.boilerplate import prime_furniture
        from .outputs import prime_rendering
        prime_extraction(paths, self.cache)
        prime_furniture(paths.content)
        if self.stories.ready:
            self.stories.settle()
        prime_rendering(self.plan)

    def persist(self) -> None:
        """Write to the build cache's file what the builds held only in memory so far (watch calls
        it once a build is published and reported, off the time a change takes to appear)."""
        if self.cache is not None:
            if self.stories.unsaved:
                keep_stories(self.cache, self.stories)
            self.cache.flush()

    def loaded(self, paths: Paths) -> None:
        """After unpickling (snapshot.py): the build cache's file open again, and what the plan
        keyed by object ids keyed by the copies' ids."""
        if self.cache is not None:
            self.cache.reopen()
        self.plan.loaded()

    def close(self) -> None:
        if self.cache is not None:
            self.persist()
            self.cache.close()
            self.cache = None
        if self.scan is not None and self.scan.index is not None:
            self.scan.index.close()
            self.scan = None

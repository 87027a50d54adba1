"""The build, as one recipe: ingest, load, analyse, model, outputs, publish."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import cached
from .cache import Cache, HeldCache
from .config import Paths, SiteConfig, load_config
from .core import SiteModel
from .digests import build_digests
from .enrich import actor_profiles, story_input
from .errors import NewsdigestError, Problem, Report
from .extract.gazetteer import load_gazetteer
from .extract.topics import load_topic_rules
from .model import build_model
from .outputs import site_outputs, write_outputs
from .plan import PlanMemo
from .progress import Timings
from .publish import BuildLock, BuildStats, Generation
from .workers import collector_paused

if TYPE_CHECKING:  # the ingest package is imported only when the inbox has files
    from .ingest.dedupe import ScanMemo


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False      # any warning or skipped article fails the build; nothing is published
    clean: bool = False       # ignore everything the previous build left (a full rebuild)
    ingest: bool = True       # ingest content/inbox first
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    inbox_min_age: float = 0.0  # seconds an inbox file must be unchanged (watch mode: still being written)
    # Inbox files known to be whole (watch mode saw them closed after writing, or renamed in):
    # ingested at once, whatever inbox_min_age says.
    inbox_complete: frozenset = frozenset()


@dataclass
class Session:
    """What a long-lived process (watch, serve) keeps from one build to the next."""

    scan: ScanMemo | None = None   # ingest's index of the articles (made on first use)
    cache: HeldCache | None = None  # the build cache, open, with what the last build read and wrote
    plan: PlanMemo = field(default_factory=PlanMemo)   # the last plan's pages, by group

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()
            self.cache = None


@dataclass
class BuildResult:
    articles: int = 0
    pages: int = 0
    stats: BuildStats = field(default_factory=BuildStats)
    seconds: float = 0.0
    published: bool = False
    content_read_at: float = 0.0   # time.time() when the build began reading content/articles
    phases: dict[str, float] = field(default_factory=dict)  # wall seconds per stage (build --timings)

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.stats.written} files written, {self.stats.unchanged} unchanged, "
                f"{self.stats.removed} removed in {self.seconds:.2f} s")


def load_site(paths: Paths, report: Report, cache: Cache | None = None, workers: int = 1,
              timings: Timings | None = None) -> tuple[SiteConfig, SiteModel]:
    """Config, articles and gazetteer into the site model; problems go to the report."""
    phase = (timings or Timings()).phase
    cache = cache or Cache(None)
    config, warnings = load_config(paths)
    report.extend(warnings)
    with phase("load articles"):
        articles, problems = cached.load_articles(paths.root, paths.articles, config, cache, workers)
    report.extend(problems)
    gazetteer, problems = load_gazetteer(paths.content)
    report.extend(problems)
    rules, problems = load_topic_rules(paths.content)
    report.extend(problems)
    with phase("actors and topics"):
        articles, enrichment = cached.enrich(articles, config, gazetteer, rules, cache, workers)
    with phase("stories and related"):
        stories, related = cached.stories(articles, cache, workers)
    with phase("digests and model"):
        digests = build_digests([story_input(a) for a in articles], stories, config.timezone)
        profiles = actor_profiles(articles, gazetteer, enrichment.resolution)
        model = build_model(config, articles, profiles, stories, related, digests)
    return config, model


def build(paths: Paths, options: BuildOptions, report: Report, session: Session | None = None) -> BuildResult:
    started = time.perf_counter()
    timings = Timings()
    phase = timings.phase
    with BuildLock(paths.state, announce=lambda msg: print(msg)), collector_paused():
        if options.ingest and paths.inbox.is_dir():
            with phase("ingest"):
                ingest_inbox_into(paths, report, options.inbox_min_age, session, options.inbox_complete)
        cache = _cache_for(paths, options, session)
        content_read_at = time.time()
        try:
            config, model = load_site(paths, report, cache, options.workers, timings)
        finally:
            if session is None or cache is not session.cache:
                cache.close()
        if options.strict and report.problems:
            raise NewsdigestError(Problem(str(paths.config.name), f"--strict: {len(report.problems)} problem(s) above",
                                          "fix them, or build without --strict; the previous site stays published"))
        result = BuildResult(articles=len(model.articles), content_read_at=content_read_at)
        with Generation(paths.output, paths.state / "builds", clean=options.clean) as gen:
            with phase("plan"):
                site = site_outputs(model, paths.templates, session.plan if session is not None else None)
            result.pages = site.pages
            with phase("render"):
                write_outputs(site, gen, options.workers)
            with phase("publish"):
                result.stats = gen.commit()
        result.published = True
    result.seconds = time.perf_counter() - started
    result.phases = timings.seconds
    return result


def _cache_for(paths: Paths, options: BuildOptions, session: Session | None) -> Cache:
    """The build cache: a session's held one (opened on its first build), a fresh connection
    for a one-shot build, or one that remembers nothing for --clean."""
    if options.clean:
        return Cache(None)
    if session is None:
        return Cache(paths.state / "cache.sqlite")
    if session.cache is None:
        session.cache = HeldCache(paths.state / "cache.sqlite")
    return session.cache


def ingest_inbox_into(paths: Paths, report: Report, min_age: float, session: Session | None = None,
                      complete: frozenset = frozenset()) -> None:
    """Ingest content/inbox, one line per input as `ingest` prints them; problems to the report.
    A wrong content/boilerplate.toml is reported and the inbox left waiting: the build goes on."""
    from .ingest import format_result, ingest_inbox
    from .ingest.dedupe import ScanMemo
    memo = None
    if session is not None:
        memo = session.scan = session.scan or ScanMemo()
    config, _ = load_config(paths)
    try:
        results = ingest_inbox(paths, config, min_age=min_age, memo=memo, complete=complete)
    except NewsdigestError as exc:
        report.extend(exc.problems)
        return
    for result in results:
        print(format_result(result, paths.root))
        report.extend(result.warnings)
        if result.problem is not None:
            report.add(result.problem)

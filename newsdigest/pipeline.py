"""The build, as one recipe: ingest, load, analyse, model, outputs, publish."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Callable

from . import cached, snapshot
from .cache import Cache
from .config import Paths, SiteConfig, load_config
from .core import SiteModel, id_of
from .digests import build_digests
from .engine import Engine
from .enrich import actor_profiles, story_input
from .errors import NewsdigestError, Problem, Report, display_path
from .extract.gazetteer import load_gazetteer
from .extract.topics import load_topic_rules
from .model import build_model
from .outputs import site_outputs, write_outputs
from .progress import Timings
from .publish import BuildLock, BuildStats, Generation
from .workers import collector_paused

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
    say_written: bool = True  # print a line per ingested article (watch names them in its one line)
    # Start from the engine the last one-shot build kept, and keep this one's (snapshot.py): the
    # `build` command's. watch and serve hold theirs in memory.
    keep_engine: bool = False
    # Run by the process that wrote the kept engine, once written (the `build` command's resident
    # engine, resident.py); it never returns.
    then_serve: Callable[[Engine], None] | None = None


@dataclass
class BuildResult:
    articles: int = 0
    pages: int = 0
    stats: BuildStats = field(default_factory=BuildStats)
    seconds: float = 0.0
    published: bool = False
    content_read_at: float = 0.0   # time.time() when the build began reading content/articles
    phases: dict[str, float] = field(default_factory=dict)  # wall seconds per stage (build --timings)
    ingested: list[tuple[str, str]] = field(default_factory=list)  # (inbox file, its page's URL path)

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.stats.written} files written, {self.stats.unchanged} unchanged, "
                f"{self.stats.removed} removed in {self.seconds:.2f} s")


def load_site(paths: Paths, report: Report, cache: Cache | None = None, workers: int = 1,
              timings: Timings | None = None, engine: Engine | None = None) -> tuple[SiteConfig, SiteModel]:
    """Config, articles and gazetteer into the site model; problems go to the report."""
    phase = (timings or Timings()).phase
    cache = cache or Cache(None)
    config, warnings = load_config(paths)
    report.extend(warnings)
    with phase("load articles"):
        files = engine.files if engine is not None else None
        scan = files.scan(paths.articles, paths.root) if files is not None else None
        articles, problems = cached.load_articles(paths.root, paths.articles, config, cache, workers, scan,
                                                  engine.load if engine is not None and cache is engine.cache else None)
    report.extend(problems)
    gazetteer, problems = load_gazetteer(paths.content)
    report.extend(problems)
    rules, problems = load_topic_rules(paths.content)
    report.extend(problems)
    with phase("actors and topics"):
        articles, enrichment = cached.enrich(articles, config, gazetteer, rules, cache, workers,
                                             *((engine.resolution, engine.enriched, engine.enrich if cache is engine.cache
                                                else None) if engine is not None else ()))
    # Only the resolution is read from here on: what was found in each article (as large as the
    # articles with extraction on) is not held through the stages that follow.
    resolution = enrichment.resolution
    del enrichment
    with phase("stories and related"):
        live = engine.stories if engine is not None and cache is engine.cache else None
        stories, related = cached.stories(articles, cache, workers, live)
    with phase("digests and model"):
        # The live stories hold each article's input, the same object while it is unchanged:
        # the digests' memo then compares them by identity.
        held = live.inputs if live is not None and live.ready else {}
        items = list(map(held.get, map(id_of, articles)))   # C loops: 10,000 articles
        if not all(items):   # an input is never false: only a missing one (None) is
            items = [item or story_input(a) for item, a in zip(items, articles)]
        digests = build_digests(items, stories, config.timezone, engine.digests if engine is not None else None)
        profiles = actor_profiles(articles, gazetteer, resolution, engine.model.profiles if engine is not None else None)
        model = build_model(config, articles, profiles, stories, related, digests,
                            engine.model if engine is not None else None)
    return config, model


def build(paths: Paths, options: BuildOptions, report: Report, engine: Engine | None = None) -> BuildResult:
    """One build; `engine` (watch and serve keep one) holds what the last build made in memory."""
    started = time.perf_counter()
    timings = Timings()
    phase = timings.phase
    with BuildLock(paths.state, announce=lambda msg: print(msg)), collector_paused():
        kept = None
        if options.keep_engine and engine is None:
            if options.clean:
                snapshot.discard(paths)
            elif snapshot.wanted(paths, count_articles=True):
                with phase("restore engine"):
                    engine = kept = snapshot.restore(paths)
        if options.ingest and paths.inbox.is_dir():
            with phase("ingest"):
                written = ingest_inbox_into(paths, report, options.inbox_min_age, engine, options.inbox_complete,
                                            options.say_written)
        else:
            written = []
        cache = _cache_for(paths, options, engine)
        content_read_at = time.time()
        try:
            config, model = load_site(paths, report, cache, options.workers, timings, engine)
        finally:
            if engine is None or cache is not engine.cache:
                cache.close()
        if options.strict and report.problems:
            raise NewsdigestError(Problem(str(paths.config.name), f"--strict: {len(report.problems)} problem(s) above",
                                          "fix them, or build without --strict; the previous site stays published"))
        result = BuildResult(articles=len(model.articles), content_read_at=content_read_at)
        if written:   # each written article looked for among the paths (C), not a dict of 100,000 made
            article_paths = list(map(attrgetter("path"), model.articles))
            for shown, rel in written:
                if rel in article_paths:
                    result.ingested.append((shown, "/" + model.articles[article_paths.index(rel)].url_path))
        with Generation(paths.output, paths.state / "builds", clean=options.clean,
                        texts=engine.manifest_texts if engine is not None else None) as gen:
            with phase("plan"):
                # --clean uses nothing earlier builds left, compiled templates included
                site = site_outputs(model, paths.templates, engine.plan if engine is not None else None,
                                    None if options.clean else paths.state / "compiled-templates")
            result.pages = site.pages
            with phase("render"):
                write_outputs(site, gen, options.workers)
            # The plan and the model are not read again (an engine holds its own): freed before
            # the manifest is made, which was the build's highest point at 100,000 articles.
            del site, model
            with phase("publish"):
                result.stats = gen.commit()
        result.published = True
        if kept is not None:
            snapshot.keep(paths, kept, options.then_serve)
    result.seconds = time.perf_counter() - started
    result.phases = timings.seconds
    return result


def _cache_for(paths: Paths, options: BuildOptions, engine: Engine | None) -> Cache:
    """The build cache: the engine's held one, a fresh connection for a one-shot build, or one
    that remembers nothing for --clean."""
    if options.clean:
        return Cache(None)
    if engine is None:
        return Cache(paths.state / "cache.sqlite")
    return engine.held_cache(paths.state / "cache.sqlite")


def ingest_inbox_into(paths: Paths, report: Report, min_age: float, engine: Engine | None = None,
                      complete: frozenset = frozenset(), say_written: bool = True) -> list[tuple[str, str]]:
    """Ingest content/inbox, one line per input as `ingest` prints them (articles written only
    with `say_written`); problems to the report. Returns (input, article file) of each article
    written, relative to the site root. A wrong content/boilerplate.toml is reported and the
    inbox left waiting: the build goes on."""
    from .ingest import format_result, ingest_inbox
    from .ingest.dedupe import ScanMemo
    memo = None
    if engine is not None:
        memo = engine.scan = engine.scan or ScanMemo()
    config, _ = load_config(paths)
    files = engine.files if engine is not None else None
    try:
        results = ingest_inbox(paths, config, min_age=min_age, memo=memo, complete=complete, files=files)
    except NewsdigestError as exc:
        report.extend(exc.problems)
        return []
    written = []
    for result in results:
        if result.status == "written":
            if files is not None:   # the load that follows lists it before the watcher reports it
                files.note(result.article)
            written.append((display_path(result.input, paths.root), display_path(result.article, paths.root)))
        if say_written or result.status != "written":
            print(format_result(result, paths.root))
        report.extend(result.warnings)
        if result.problem is not None:
            report.add(result.problem)
    return written

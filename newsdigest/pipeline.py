"""The build, as one readable recipe: config, ingest, load, model, render, feeds, publish."""
from __future__ import annotations

import hashlib
import os
import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from .articles import load_articles
from .cache import Cache, code_fingerprint
from .config import Paths, SiteConfig, load_config
from .errors import NewsdigestError, Problem, Report
from .digests import build_digests
from .enrich import enrich, find_stories, story_input
from .extract.gazetteer import load_gazetteer
from .extract.topics import load_topic_rules
from .feeds import (DigestItem, FeedSpec, atom_bytes, digest_feed_bytes, digest_items_html, feed_specs_key, json_feed_bytes,
                    opml_bytes, rss_bytes)
from .model import SiteModel, build_model
from .progress import progress
from .publish import BuildLock, BuildStats, Generation
from .workers import collector_paused
from .plan import digest_view, feed_specs, plan_pages
from .render import (collect_assets, make_environment, page_key, render_globals, render_page, site_globals,
                     template_fingerprint)
from .sitemap import robots_bytes, sitemap_files


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False      # any warning or skipped article fails the build; nothing is published
    clean: bool = False       # ignore everything the previous build left (a full rebuild)
    ingest: bool = True       # ingest content/inbox first
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    inbox_min_age: float = 0.0  # seconds an inbox file must be unchanged (watch mode: still being written)


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


# Wall time per pipeline stage of the running build, for `build --timings` and bench/profile.py.
PHASES: dict[str, float] = {}


@contextmanager
def phase(name: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        PHASES[name] = PHASES.get(name, 0.0) + time.perf_counter() - started


def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def load_site(paths: Paths, report: Report, cache: Cache | None = None, workers: int = 1) -> tuple[SiteConfig, SiteModel]:
    """Config, articles and gazetteer into the site model; problems go to the report."""
    config, warnings = load_config(paths)
    report.extend(warnings)
    with phase("load articles"):
        articles, problems = load_articles(paths.root, paths.articles, config, cache, workers)
    report.extend(problems)
    gazetteer, problems = load_gazetteer(paths.content)
    report.extend(problems)
    rules, problems = load_topic_rules(paths.content)
    report.extend(problems)
    with phase("actors and topics"):
        articles, enrichment = enrich(articles, config, gazetteer, rules, cache, workers)
    with phase("stories and related"):
        stories, related = find_stories(articles, cache, workers)
    with phase("digests and model"):
        digests = build_digests([story_input(a) for a in articles], stories, config.timezone)
        model = build_model(config, articles, gazetteer, enrichment.resolution, stories, related, digests)
    return config, model


def build(paths: Paths, options: BuildOptions, report: Report) -> BuildResult:
    started = time.perf_counter()
    PHASES.clear()
    with BuildLock(paths.state, announce=lambda msg: print(msg)), collector_paused():
        if options.ingest and paths.inbox.is_dir():
            with phase("ingest"):
                ingest_inbox_into(paths, report, options.inbox_min_age)
        cache = Cache(None if options.clean else paths.state / "cache.sqlite")
        content_read_at = time.time()
        try:
            config, model = load_site(paths, report, cache, options.workers)
        finally:
            cache.close()
        if options.strict and report.problems:
            raise NewsdigestError(Problem(str(paths.config.name), f"--strict: {len(report.problems)} problem(s) above",
                                          "fix them, or build without --strict; the previous site stays published"))
        result = BuildResult(articles=len(model.articles), content_read_at=content_read_at)
        with Generation(paths.output, paths.state / "builds", clean=options.clean) as gen:
            write_site(model, paths, gen, result, options.workers)
            with phase("publish"):
                result.stats = gen.commit()
        result.published = True
    result.seconds = time.perf_counter() - started
    result.phases = dict(PHASES)
    return result


def ingest_inbox_into(paths: Paths, report: Report, min_age: float) -> None:
    """Ingest content/inbox, one line per input as `ingest` prints them; problems to the report.
    A wrong content/boilerplate.toml is reported and the inbox left waiting: the build goes on."""
    from .ingest import format_result, ingest_inbox
    config, _ = load_config(paths)
    try:
        results = ingest_inbox(paths, config, min_age=min_age)
    except NewsdigestError as exc:
        report.extend(exc.problems)
        return
    for result in results:
        print(format_result(result, paths.root))
        report.extend(result.warnings)
        if result.problem is not None:
            report.add(result.problem)


RENDER_CHUNK = 100               # jobs per task handed to a worker
PARALLEL_RENDER_THRESHOLD = 300  # below this, starting worker processes costs more than it saves

# What forked render workers inherit (set just before the pool starts; read-only in workers).
_JOBS: dict = {}


def write_site(model: SiteModel, paths: Paths, gen: Generation, result: BuildResult, workers: int = 1) -> None:
    """Render every page, feed and asset into the new generation, reusing what did not change."""
    env = make_environment(paths.templates)
    assets = collect_assets(paths.templates)
    globals_ = site_globals(model, assets)
    # The whole config is in every page's key: cards and dates depend on timezone and formats.
    globals_key = _hash(globals_, repr(model.config), code_fingerprint())
    fingerprints: dict[str, str] = {}
    with phase("plan"):
        pages = plan_pages(model)
        specs = feed_specs(model)
        jobs = _jobs_left(model, env, pages, specs, gen, globals_key, fingerprints)
    result.pages = len(pages)

    _JOBS.update(env=env, globals=render_globals(env, globals_), pages=pages, specs=specs, model=model, jobs=jobs,
                 gen=gen)
    with phase("render"):
        _render(jobs, gen, workers)

    with phase("feeds, sitemap, search"):
        for out, data in assets.files.values():
            gen.write(out, data)
        digest_spec = [FeedSpec(f"{model.config.title}: digests", "", "digest/", "digest/feed.xml", "digest/atom.xml", ())]
        gen.write("feeds.opml", opml_bytes(specs[:1] + (digest_spec if model.digests else []) + specs[1:], model.config))
        if model.digests:
            write_digest_feeds(gen, model)
        lastmod = {a.url_path: (a.updated or a.date).isoformat() for a in model.articles}
        for name, data in sitemap_files(model, [p.url_path for p in pages if p.url_path != "404.html"], lastmod).items():
            gen.write(name, data)
        gen.write("robots.txt", robots_bytes(model))
        if model.config.search and model.articles:  # Pagefind cannot index a site without articles
            write_search_index(gen, pages, fingerprints, globals_key)


def _jobs_left(model: SiteModel, env, pages, specs, gen: Generation, globals_key: str,
               fingerprints: dict[str, str]) -> list[tuple[str, int, str]]:
    """(what, index, key) for every page and feed whose key differs from the live site's file."""
    jobs: list[tuple[str, int, str]] = []
    for index, page in enumerate(pages):
        fp = fingerprints.get(page.template)
        if fp is None:
            fp = fingerprints[page.template] = template_fingerprint(env, page.template)
        key = page_key(page, fp, globals_key)
        if gen.previous_key(page.file) == key and gen.reuse(page.file):
            continue
        jobs.append(("page", index, key))
    config_key = _hash(repr(model.config), code_fingerprint())
    for index, spec in enumerate(specs):
        key = feed_specs_key(spec, [model.article(i) for i in spec.article_ids], config_key)
        for what, path in spec.paths():
            if gen.previous_key(path) == key and gen.reuse(path):
                continue
            jobs.append((what, index, key))
    return jobs


def _render(jobs, gen: Generation, workers: int) -> None:
    chunks = [range(i, min(i + RENDER_CHUNK, len(jobs))) for i in range(0, len(jobs), RENDER_CHUNK)]
    try:
        with progress(len(jobs), "rendering") as advance:
            if workers > 1 and len(jobs) >= PARALLEL_RENDER_THRESHOLD:
                import multiprocessing
                # fork: workers inherit the model, plan, templates and the slot (with the live
                # site's manifest) without pickling them: a task is a range of job numbers.
                from .workers import die_with_parent, fork_ready
                fork_ready()
                with multiprocessing.get_context("fork").Pool(workers, die_with_parent, (os.getpid(),)) as pool:
                    for manifest, stats in pool.imap_unordered(_run_jobs, chunks):
                        gen.merge(manifest, stats)
                        advance(len(manifest))
            else:
                for chunk in chunks:
                    manifest, stats = _run_jobs(chunk)
                    gen.merge(manifest, stats)
                    advance(len(manifest))
    finally:
        _JOBS.clear()


def write_digest_feeds(gen: Generation, model: SiteModel) -> None:
    """digest/feed.xml and digest/atom.xml: the newest daily and weekly digests, one item each."""
    items = []
    for digest in model.digests[: model.config.feed_size]:
        view = digest_view(model, digest)
        items.append(DigestItem(digest.key, view["title"], view["url"], digest.updated,
                                digest_items_html(view, model.config)))
    key = _hash([(i.key, i.title, i.url_path, i.updated.isoformat(), i.html) for i in items],
                repr(model.config), code_fingerprint())
    for path, fmt in (("digest/feed.xml", "rss"), ("digest/atom.xml", "atom")):
        if not (gen.previous_key(path) == key and gen.reuse(path)):
            gen.write(path, digest_feed_bytes(items, model.config, fmt), key)


def write_search_index(gen: Generation, pages, fingerprints: dict, globals_key: str) -> None:
    """Pagefind over the article pages; run again only when one of them changed."""
    from .search import INDEX_DIR, build_search_index
    article_keys = sorted(page_key(p, fingerprints[p.template], globals_key) for p in pages if p.template == "article.html")
    key = _hash(article_keys, "search")
    previous = [rel for rel in gen.live_manifest if rel.startswith(INDEX_DIR + "/")]
    if previous and all(gen.previous_key(rel) == key for rel in previous):
        if all(gen.reuse(rel) for rel in previous):
            return
    gen.remove_stale()  # the slot must hold exactly this build's pages before Pagefind reads it
    for rel, data in build_search_index(gen.path, gen.scratch).items():
        gen.write(rel, data, key)


def _run_jobs(indices: range) -> tuple[dict, BuildStats]:
    """Render a range of _JOBS into the slot; returns what was written."""
    view = _JOBS["gen"].worker_view()
    env, globals_, pages, specs, model = (_JOBS[k] for k in ("env", "globals", "pages", "specs", "model"))
    jobs = _JOBS["jobs"]
    for what, index, key in (jobs[i] for i in indices):
        if what == "page":
            page = pages[index]
            view.write(page.file, render_page(env, page, globals_), key)
        else:
            spec = specs[index]
            articles = [model.article(i) for i in spec.article_ids]
            path, make = {"rss": (spec.rss_path, rss_bytes), "atom": (spec.atom_path, atom_bytes),
                          "json": (spec.json_path, json_feed_bytes)}[what]
            view.write(path, make(spec, articles, model.config), key)
    return view.manifest, view.stats

"""The build, as one readable recipe: config, ingest, load, model, render, feeds, publish."""
from __future__ import annotations

import hashlib
import os
import json
import time
from dataclasses import dataclass, field

from . import __version__
from .articles import load_articles
from .cache import Cache
from .config import Paths, SiteConfig, load_config
from .errors import NewsdigestError, Problem, Report
from .extract.gazetteer import load_gazetteer
from .feeds import atom_bytes, feed_specs_key, rss_bytes
from .model import SiteModel, build_model
from .publish import BuildLock, BuildStats, Generation
from .plan import feed_specs, plan_pages
from .render import collect_assets, make_environment, page_key, render_page, site_globals, template_fingerprint
from .sitemap import robots_bytes, sitemap_bytes


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

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.stats.written} files written, {self.stats.unchanged} unchanged, "
                f"{self.stats.removed} removed in {self.seconds:.2f} s")


def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def load_site(paths: Paths, report: Report, cache: Cache | None = None, workers: int = 1) -> tuple[SiteConfig, SiteModel]:
    """Config, articles and gazetteer into the site model; problems go to the report."""
    config, warnings = load_config(paths)
    report.extend(warnings)
    articles, problems = load_articles(paths.root, paths.articles, config, cache, workers)
    report.extend(problems)
    gazetteer, problems = load_gazetteer(paths.content)
    report.extend(problems)
    return config, build_model(config, articles, gazetteer)


def build(paths: Paths, options: BuildOptions, report: Report) -> BuildResult:
    started = time.perf_counter()
    with BuildLock(paths.state, announce=lambda msg: print(msg)):
        if options.ingest and paths.inbox.is_dir():
            ingest_inbox_into(paths, report, options.inbox_min_age)
        cache = Cache(None if options.clean else paths.state / "cache.sqlite")
        try:
            config, model = load_site(paths, report, cache, options.workers)
        finally:
            cache.close()
        if options.strict and report.problems:
            raise NewsdigestError(Problem(str(paths.config.name), f"--strict: {len(report.problems)} problem(s) above",
                                          "fix them, or build without --strict; the previous site stays published"))
        result = BuildResult(articles=len(model.articles))
        with Generation(paths.output, paths.state / "builds", clean=options.clean) as gen:
            write_site(model, paths, gen, result)
            result.stats = gen.commit()
        result.published = True
    result.seconds = time.perf_counter() - started
    return result


def ingest_inbox_into(paths: Paths, report: Report, min_age: float) -> None:
    from .ingest import ingest_inbox
    config, _ = load_config(paths)
    for result in ingest_inbox(paths, config, min_age=min_age):
        if result.problem is not None:
            report.add(result.problem)


def write_site(model: SiteModel, paths: Paths, gen: Generation, result: BuildResult) -> None:
    """Render every page, feed and asset into the new generation, reusing what did not change."""
    env = make_environment(paths.templates)
    assets = collect_assets(paths.templates)
    globals_ = site_globals(model, assets)
    globals_key = _hash(globals_, __version__)
    fingerprints: dict[str, str] = {}
    pages = plan_pages(model)
    for page in pages:
        fp = fingerprints.get(page.template)
        if fp is None:
            fp = fingerprints[page.template] = template_fingerprint(env, page.template)
        key = page_key(page, fp, globals_key)
        if gen.previous_key(page.file) == key and gen.reuse(page.file):
            continue
        gen.write(page.file, render_page(env, page, globals_), key)
    result.pages = len(pages)

    config_key = _hash(repr(model.config), __version__)
    for spec in feed_specs(model):
        articles = [model.article(i) for i in spec.article_ids]
        key = feed_specs_key(spec, articles, config_key)
        for path, make in ((spec.rss_path, rss_bytes), (spec.atom_path, atom_bytes)):
            if gen.previous_key(path) == key and gen.reuse(path):
                continue
            gen.write(path, make(spec, articles, model.config), key)

    for out, data in assets.files.values():
        gen.write(out, data)
    lastmod = {a.url_path: (a.updated or a.date).isoformat() for a in model.articles}
    gen.write("sitemap.xml", sitemap_bytes(model, [p.url_path for p in pages if p.url_path != "404.html"], lastmod))
    gen.write("robots.txt", robots_bytes(model))

"""Command line: `newsdigest [--root DIR] COMMAND ...`, also `python build.py ...`."""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from . import __version__
from .config import Paths
from .errors import NewsdigestError, Report


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535 (got {text!r})")
    return port


def _parser() -> argparse.ArgumentParser:
    # --root is accepted before or after the command name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                        help="the site folder holding site.toml, content/ and templates/ (default: .)")
    parser = argparse.ArgumentParser(prog="newsdigest", parents=[common],
                                     description="Build a news digest site from scraped articles.")
    parser.add_argument("--version", action="version", version=f"newsdigest {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("build", parents=[common], help="ingest content/inbox, then build site/ (the default)")
    p.add_argument("--strict", action="store_true", help="fail, publishing nothing, on any warning or skipped article")
    p.add_argument("--clean", action="store_true", help="rebuild everything, ignoring the previous build")
    p.add_argument("--timings", action="store_true", help="print the wall time of each build stage")

    p = sub.add_parser("check", parents=[common], help="report content problems without building")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")

    p = sub.add_parser("ingest", parents=[common], help="clean raw files or folders into content/articles")
    p.add_argument("inputs", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--explain", action="store_true", help="print what cleaning dropped and why; write nothing")

    p = sub.add_parser("explain", parents=[common], help="show why an article has its actors and topics")
    p.add_argument("article", type=Path, metavar="ARTICLE", help="an article file under content/articles")

    p = sub.add_parser("actors", parents=[common], help="actors found in the content")
    p.add_argument("--review", action="store_true",
                   help="list discovered names in no gazetteer, suspected duplicates and every merge made")

    for name, text in (("serve", "build, serve on 127.0.0.1, watch and rebuild with live reload"),
                       ("watch", "watch content/, templates/ and site.toml and rebuild on changes")):
        p = sub.add_parser(name, parents=[common], help=text)
        if name == "serve":
            p.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1 (default 8000)")

    p = sub.add_parser("deploy", parents=[common],
                       help="upload site/ to the S3 bucket in site.toml [deploy], sending only what changed")
    p.add_argument("--dry-run", action="store_true", help="print what would be uploaded and deleted; change nothing")
    p.add_argument("--force-delete", action="store_true",
                   help="allow deleting more remote objects than deploy.max_deletes")
    return parser


def commands(parser: argparse.ArgumentParser) -> tuple[str, ...]:
    """The subcommands the parser knows."""
    return next(tuple(action.choices) for action in parser._actions
                if isinstance(action, argparse._SubParsersAction))


def with_command(argv: list[str], known: tuple[str, ...]) -> list[str]:
    """`build.py --timings` means `build.py build --timings`: with no command named, options
    (other than --help and --version) are the build's."""
    if any(a in known for a in argv) or any(a in ("-h", "--help", "--version") for a in argv):
        return argv
    return ["build", *argv]


def main(argv: list[str] | None = None, engine=None) -> int:
    """Run one command; `engine`: the resident engine's (resident.py), for a `build` it was handed."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    args = parser.parse_args(with_command(argv, commands(parser)))
    paths = Paths(Path(getattr(args, "root", Path("."))).resolve())
    command = args.command or "build"
    report = Report()
    if not paths.root.is_dir():  # a typo in --root must not become a new, empty site
        print(f"{paths.root}: error: no such folder (give the site folder, the one holding site.toml and "
              "content/, with --root)", file=sys.stderr)
        return 1
    try:
        if command == "build":
            clean = getattr(args, "clean", False)
            if engine is None:
                from . import resident
                if clean:
                    resident.dismiss(paths.state)
                else:
                    code = resident.ask(paths.root, paths.state, argv)
                    if code is not None:
                        return code
            return _build(paths, report, strict=getattr(args, "strict", False), clean=clean,
                          timings=getattr(args, "timings", False), engine=engine)
        if command == "check":
            return _check(paths, report, args.strict)
        if command == "ingest":
            return _ingest(paths, report, args.inputs, args.explain)
        if command == "explain":
            return _explain(paths, report, args.article)
        if command == "actors":
            return _actors(paths, report, args.review)
        if command == "watch":
            from .watch import run as run_watch
            return run_watch(paths)
        if command == "serve":
            from .serve import run as run_serve
            return run_serve(paths, args.port)
        if command == "deploy":
            from .deploy import deploy_command
            return deploy_command(paths, report, dry_run=args.dry_run, force=args.force_delete)
    except NewsdigestError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except OSError as exc:
        # Disk full, permission denied, read-only folder: one line; the previous site stays published.
        where = exc.filename or paths.state
        print(f"{where}: error: {exc.strerror or exc} (free space or fix the permissions, then build again; "
              "the previous site is still published)", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:
        print(f"{paths.state / 'cache.sqlite'}: error: the build cache cannot be used: {exc} "
              "(free disk space; the cache is safe to delete)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


def run() -> None:
    """The `newsdigest` command and build.py: main(), then the process ends without taking its
    heap apart (what a build held, freed object by object and collected at exit, took longer than
    the build of one new article). Output is flushed first; nothing else waits for the exit."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _build(paths: Paths, report: Report, strict: bool, clean: bool, timings: bool = False, engine=None) -> int:
    from .pipeline import BuildOptions, build
    options = BuildOptions(strict=strict, clean=clean, keep_engine=engine is None,
                           then_serve=_resident(paths) if engine is None else None)
    result = build(paths, options, report, engine)
    if timings:
        for name, seconds in result.phases.items():
            print(f"  {name:<24} {seconds:7.2f} s")
    print(f"built {paths.output}: {result.summary()}"
          + (f", {len(report.errors)} error(s), {len(report.warnings)} warning(s)" if report.problems else ""))
    return 1 if strict and report.problems else 0


def _resident(paths: Paths):
    """What the process that writes this build's engine does next: stay as the site's resident
    engine for the builds that follow soon (resident.py), unless NEWSDIGEST_RESIDENT_SECONDS is 0."""
    from . import resident, snapshot
    idle = resident.idle_seconds()
    if idle == 0:
        return None

    def then(engine) -> None:
        resident.serve(paths, engine, idle, run=_served, usable=lambda: snapshot.wanted(paths),
                       save=lambda kept: snapshot.write_unless_busy(paths, kept))
    return then


def _served(argv: list[str], engine) -> int:
    """A build handed to the resident engine: the article files listed afresh (no watcher says
    what changed since), then the command as the caller gave it."""
    from .articles import ArticleFiles
    if engine.files is None:
        engine.files = ArticleFiles()
    engine.files.forget()
    return main(argv, engine=engine)


def _check(paths: Paths, report: Report, strict: bool) -> int:
    from .ingest.boilerplate import load_furniture
    from .pipeline import load_site
    _, model = load_site(paths, report)
    try:
        load_furniture(paths.content)  # the site's own furniture rules, used by the next ingest
    except NewsdigestError as exc:
        report.extend(exc.problems)
    print(f"checked {len(model.articles)} articles: {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return 1 if report.errors or (strict and report.warnings) else 0


def _enriched(paths: Paths, report: Report):
    """The articles as the build enriches them, the enrichment, and a function giving everything
    extraction finds in one of them (what `explain` shows; the build keeps less of it)."""
    from .cache import Cache
    from .config import load_config
    from . import cached
    from .enrich import extract_article
    from .extract.gazetteer import load_gazetteer
    from .extract.topics import load_topic_rules
    config, warnings = load_config(paths)
    report.extend(warnings)
    cache = Cache(paths.state / "cache.sqlite")
    try:
        articles, problems = cached.load_articles(paths.root, paths.articles, config, cache)
        report.extend(problems)
        gazetteer, problems = load_gazetteer(paths.content)
        report.extend(problems)
        rules, problems = load_topic_rules(paths.content)
        report.extend(problems)
        enriched, enrichment = cached.enrich(articles, config, gazetteer, rules, cache)
        parsed = {a.id: a for a in articles}
        return enriched, enrichment, lambda article: extract_article(parsed[article.id], config, gazetteer, rules)
    finally:
        cache.close()


def _explain(paths: Paths, report: Report, article_path: Path) -> int:
    from .enrich import article_input
    from .extract.explain import explain_article
    articles, enrichment, extract = _enriched(paths, report)
    wanted = article_path.resolve()
    match = next((a for a in articles if (paths.root / a.path).resolve() == wanted), None)
    if match is None:
        print(f"{article_path}: error: not a published article (give a file under content/articles; "
              "`python build.py check` lists the ones that were skipped)", file=sys.stderr)
        return 1
    mentions, topics = extract(match)
    print(explain_article(article_input(match), enrichment.resolution, topics, mentions, match.section))
    return 0


def _actors(paths: Paths, report: Report, review: bool) -> int:
    from .extract.explain import review as review_text
    articles, enrichment, _ = _enriched(paths, report)
    if review:
        # An editor finds an article by its title and file, not by its id.
        names = {a.id: f'"{a.title}" ({a.path})' for a in articles}
        print(review_text(enrichment.resolution, names=names))
    else:
        for name, info in sorted(enrichment.resolution.actors.items(), key=lambda kv: (-len(kv[1].article_ids), kv[0])):
            print(f"{len(info.article_ids):5d}  {name} ({info.kind or 'kind unknown'})")
    return 0


def _ingest(paths: Paths, report: Report, inputs: list[Path], explain: bool) -> int:
    from .config import load_config
    from .ingest import explain as explain_file, format_result, ingest_paths
    config, warnings = load_config(paths)
    report.extend(warnings)
    if explain:
        for path in inputs:
            print(explain_file(path, paths, config))
        return 0
    results = ingest_paths(inputs, paths, config)
    for result in results:
        print(format_result(result, paths.root))
        report.extend(result.warnings)
    return 1 if any(r.status == "rejected" for r in results) else 0

"""Load cleaned articles: content/articles/**/*.md -> Article dataclasses.

Front matter fields go through the article schema (schema.py); a bad article is reported with
its file, line and field, and skipped, so the rest of the site still builds.
"""
from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from .cache import Cache, cache_key
from .config import SiteConfig
from .errors import NewsdigestError, Problem
from .frontmatter import parse as parse_front_matter
from .markup import html_to_text, lede_text, render_markdown
from .schema import validate_meta
from .slug import slugify

RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug"}


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    date: datetime
    slug: str
    path: str                 # source file, relative to the site root
    url_path: str             # "articles/2024/08/<slug>/", relative to the site root
    body_html: str            # sanitised; site-internal links relative to the article page
    root_html: str            # sanitised; links from the site root ("/..."): markup.feed_html() for feeds
    summary: str
    lang: str
    updated: datetime | None = None
    source: str = ""
    url: str = ""
    author: str = ""
    section: str = ""
    dateline: str = ""
    topics: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    digest: str = ""          # hash of the file's path and bytes: same digest, same article
    text: str = ""            # the body as plain text, one paragraph per line pair (for extraction)
    topics_given: bool = False  # the front matter lists topics: they are used as written
    actors_given: bool = False  # likewise for actors
    places: tuple[str, ...] = ()  # countries the text names only as places (extracted; compared by stories)

    @property
    def dir(self) -> str:
        return "rtl" if self.lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"

    @property
    def sort_key(self) -> tuple:
        """Newest first; equal dates ordered by id so the order never depends on file order."""
        return (-self.date.timestamp(), self.id)


def parse_article(data: bytes, rel: str, config: SiteConfig) -> tuple[Article | None, list[Problem]]:
    """One article file's bytes to an Article; None (with the reasons) when it cannot be published."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, "is not UTF-8 text", "save it as UTF-8, or put it in content/inbox to be ingested", line)]
    try:
        fm = parse_front_matter(text, rel)
    except NewsdigestError as exc:
        return None, list(exc.problems)
    meta = validate_meta(fm.meta, fm.lines, rel, config.timezone)
    problems = meta.problems
    if any(p.level == "error" for p in problems):
        return None, problems
    v = meta.values
    digest = file_digest(rel, data)
    if "id" not in v:
        # A stable fallback from the path; it changes if the file moves, hence the warning.
        v["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, "newsdigest:" + rel))
        problems.append(Problem(rel, f"has no 'id'; using {v['id']} derived from the file path",
                                f"add 'id: {v['id']}' so feed readers keep it if the file moves", 1, "warning"))
    when: datetime = v["date"]
    slug = slugify(PurePosixPath(rel).stem)
    url_path = f"articles/{when:%Y}/{when:%m}/{slug}/"
    body = render_markdown(fm.body, url_path)
    summary = v.get("summary") or lede_text(body.page_html)
    article = Article(
        id=v["id"], title=v["title"], date=when, slug=slug, path=rel, url_path=url_path,
        body_html=body.page_html, root_html=body.root_html, summary=summary,
        lang=v.get("lang") or config.language, updated=v.get("updated"),
        source=v.get("source", ""), url=v.get("url", ""), author=v.get("author", ""),
        section=v.get("section", ""), dateline=v.get("dateline", ""),
        topics=v.get("topics", ()), actors=v.get("actors", ()), digest=digest,
        text=html_to_text(body.page_html), topics_given=bool(v.get("topics")), actors_given=bool(v.get("actors")),
    )
    return article, problems


def load_article(file: Path, root: Path, config: SiteConfig) -> tuple[Article | None, list[Problem]]:
    rel = file.relative_to(root).as_posix()
    try:
        data = file.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, f"cannot read: {exc.strerror or exc}", "check the file's permissions")]
    return parse_article(data, rel, config)


def find_article_files(articles_dir: Path) -> list[Path]:
    """Every *.md under the folder, in path order; hidden files and folders are skipped."""
    found: list[str] = []
    stack = [str(articles_dir)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(".md") and entry.is_file():
                found.append(entry.path)
    return [Path(p) for p in sorted(found)]


def _parse_batch(batch: list[tuple[bytes, str]], config: SiteConfig) -> list:
    return [parse_article(data, rel, config) for data, rel in batch]


def parse_all(inputs: list[tuple[bytes, str]], config: SiteConfig, workers: int = 1) -> list:
    """parse_article over many files, on several processes when there are enough to be worth it."""
    from .progress import progress
    from .workers import fork_imap
    if workers <= 1 or len(inputs) < PARALLEL_THRESHOLD:
        workers, size = 1, 100
    else:
        size = max(50, len(inputs) // (workers * 4))
    batches = [inputs[i:i + size] for i in range(0, len(inputs), size)]
    results = []
    with progress(len(inputs), "reading articles") as advance:
        for batch in fork_imap(lambda b: _parse_batch(b, config), batches, workers):
            results += batch
            advance(len(batch))
    return results


PARALLEL_THRESHOLD = 200


def file_digest(rel: str, data: bytes) -> str:
    """What identifies an article file: its path (which gives its URL) and its bytes."""
    return hashlib.sha256(rel.encode() + b"\0" + data).hexdigest()


def file_signature(st: os.stat_result) -> tuple:
    # ctime changes on every write, so a file rewritten with the same size and mtime still differs.
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def parse_key(config: SiteConfig) -> str:
    """The settings an article's parsed form depends on: editing any other (base_url, title,
    theme...) re-parses nothing."""
    return repr((config.timezone.key, config.language))


def load_articles(root: Path, articles_dir: Path, config: SiteConfig, cache: Cache | None = None,
                  workers: int = 1) -> tuple[list[Article], list[Problem]]:
    """Every publishable article, newest first; problems for the rest.

    Parsed articles are cached by file digest (path and bytes), config and tool version. A file
    whose size, mtime, ctime and inode are those recorded last time is not even read again.
    Two articles that would write the same page, or share an id, are an error naming both:
    the first in path order is kept, so the result does not depend on file-system order.
    """
    cache = cache or Cache(None)
    config_key = parse_key(config)
    known = cache.get_all("stat")
    problems: list[Problem] = []
    entries: list[tuple[str, str]] = []            # (rel, cache key)
    data_of: dict[str, bytes] = {}
    new_stats: dict[str, tuple] = {}
    for file in find_article_files(articles_dir):
        rel = file.relative_to(root).as_posix()
        try:
            signature = file_signature(file.stat())
            previous = known.get(rel)
            if previous is not None and previous[0] == signature:
                digest = previous[1]
            else:
                data_of[rel] = data = file.read_bytes()
                digest = file_digest(rel, data)
                new_stats[rel] = (signature, digest)
        except OSError as exc:
            problems.append(Problem(rel, f"cannot read: {exc.strerror or exc}", "check the file's permissions"))
            continue
        entries.append((rel, cache_key("article", config_key, digest)))
    cached = cache.get_many("article", (key for _, key in entries))
    missing = [(rel, key) for rel, key in entries if key not in cached]
    inputs = []
    for rel, _ in missing:
        if rel not in data_of:  # known by its stat, but its parsed form is gone from the cache
            data_of[rel] = (root / rel).read_bytes()
        inputs.append((data_of[rel], rel))
    fresh = dict(zip((key for _, key in missing), parse_all(inputs, config, workers)))
    cache.put_many("article", fresh)
    if fresh:
        cache.trim("article", {key for _, key in entries})
    cache.put_many("stat", new_stats)
    current = {rel for rel, _ in entries}
    if not current.issuperset(known):   # entries of files that are gone (or now unreadable)
        cache.prune("stat", current)
    by_url: dict[str, Article] = {}
    by_id: dict[str, Article] = {}
    for rel, key in entries:
        article, found = cached[key] if key in cached else fresh[key]
        problems.extend(found)
        if article is None:
            continue
        other = by_url.get(article.url_path) or by_id.get(article.id)
        if other is not None:
            what = "page /" + article.url_path if other.url_path == article.url_path else f"id {article.id}"
            problems.append(Problem(article.path, f"has the same {what} as {other.path}; it is skipped",
                                    "rename one of the files, or change its date or id"))
            continue
        by_url[article.url_path] = by_id[article.id] = article
    return sorted(by_url.values(), key=lambda a: a.sort_key), problems

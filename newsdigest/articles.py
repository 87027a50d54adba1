"""Load cleaned articles: content/articles/**/*.md -> Article dataclasses.

Front matter fields go through the article schema (schema.py); a bad article is reported with
its file, line and field, and skipped, so the rest of the site still builds.
"""
from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from . import urls
from .config import SiteConfig
from .core import Article
from .errors import NewsdigestError, Problem
from .files import kind_of, read_regular
from .frontmatter import parse as parse_front_matter
from .markup import html_to_text, lede_text, render_markdown
from .schema import validate_meta
from .slug import slugify




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
    problems = [Problem(rel, f"field '{name}' is given twice (also on line {first}); this later value is used",
                        "remove one of the two lines", later, "warning") for name, first, later in fm.repeated]
    problems += meta.problems
    if any(p.level == "error" for p in problems):
        return None, problems
    v = meta.values
    file_hash = content_hash(rel, data)
    if "id" not in v:
        # A stable fallback from the path; it changes if the file moves, hence the warning.
        v["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, "newsdigest:" + rel))
        problems.append(Problem(rel, f"has no 'id'; using {v['id']} derived from the file path",
                                f"add 'id: {v['id']}' so feed readers keep it if the file moves", 1, "warning"))
    when: datetime = v["date"]
    slug = slugify(PurePosixPath(rel).stem)
    url_path = urls.article(when, slug)
    body = render_markdown(fm.body, url_path)
    summary = v.get("summary") or lede_text(body.page_html)
    article = Article(
        id=v["id"], title=v["title"], date=when, slug=slug, path=rel, url_path=url_path,
        body_html=body.page_html, root_html=body.root_html, summary=summary,
        lang=v.get("lang") or config.language, updated=v.get("updated"),
        source=v.get("source", ""), url=v.get("url", ""), author=v.get("author", ""),
        section=v.get("section", ""), dateline=v.get("dateline", ""),
        topics=v.get("topics", ()), actors=v.get("actors", ()), content_hash=file_hash,
        text=html_to_text(body.page_html), topics_given=bool(v.get("topics")), actors_given=bool(v.get("actors")),
    )
    return article, problems


def load_article(file: Path, root: Path, config: SiteConfig) -> tuple[Article | None, list[Problem]]:
    rel = file.relative_to(root).as_posix()
    try:
        data = read_regular(file)
    except OSError as exc:
        return None, [Problem(rel, f"cannot read: {exc.strerror or exc}", "check the file's permissions")]
    return parse_article(data, rel, config)


@dataclass
class Listing:
    """The article files under content/articles, and what could not be listed or is refused."""

    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # folders (relative to the root) that cannot be read


def _outside(entry: os.DirEntry, root: Path) -> str | None:
    """Why a symlinked article is refused (it leads out of the site root, or nowhere), or None."""
    try:
        target = Path(entry.path).resolve(strict=True)
    except (OSError, RuntimeError):
        return "is a broken link"
    return None if target.is_relative_to(root.resolve()) else "is a link to a file outside the site folder"


def list_article_files(articles_dir: Path, root: Path | None = None) -> Listing:
    """Every *.md under the folder, in path order; hidden files and folders are skipped.

    A folder that cannot be read, a name that is not a regular file (a FIFO would block the
    read forever), a link that leads out of the site root: each is a problem naming it, never a
    silent omission. Names that look like articles but are not read (`x.MD`, `..md`) are warned about.
    """
    root = root or articles_dir.parent.parent
    out = Listing()
    found: list[str] = []
    stack = [str(articles_dir)]

    def rel(path: str) -> str:
        return Path(path).relative_to(root).as_posix()

    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        except OSError as exc:
            out.unreadable.append(rel(folder))
            out.problems.append(Problem(rel(folder) + "/", f"cannot read this folder: {exc.strerror or exc}; "
                                        "its articles are kept as last read",
                                        "fix its permissions (for example chmod u+rx)"))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                # hidden drafts are meant to be skipped; "..md" is an article that lost its name
                if name.lower().endswith(".md") and not name[:-3].strip("."):
                    out.problems.append(Problem(rel(entry.path), "has no name before '.md' (it counts as hidden) "
                                                "and is not read", "give it a name, like 'story.md'", level="warning"))
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
                continue
            if not name.lower().endswith(".md"):
                continue
            if not name.endswith(".md"):
                out.problems.append(Problem(rel(entry.path), f"ends in '{name[-3:]}', not '.md', and is not read",
                                            f"rename it to '{name[:-3]}.md'", level="warning"))
                continue
            why = _outside(entry, root) if entry.is_symlink() else None
            if why is None and not entry.is_file():
                try:
                    why = "is " + kind_of(entry.stat().st_mode) + ", not a regular file"
                except OSError as exc:
                    why = f"cannot be read: {exc.strerror or exc}"
            if why is not None:
                out.problems.append(Problem(rel(entry.path), f"{why}; it is skipped",
                                            "replace it with a regular Markdown file inside the site folder"))
                continue
            found.append(entry.path)
    out.files = [Path(p) for p in sorted(found)]
    return out


def find_article_files(articles_dir: Path) -> list[Path]:
    """Every readable *.md under the folder, in path order (see list_article_files)."""
    return list_article_files(articles_dir).files


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


def under(rel: str, folder: str) -> bool:
    """rel is the folder itself or inside it (paths relative to the site root)."""
    return rel == folder or rel.startswith(folder + "/")


def content_hash(rel: str, data: bytes) -> str:
    """What identifies an article file: its path (which gives its URL) and its bytes."""
    return hashlib.sha256(rel.encode() + b"\0" + data).hexdigest()


def file_signature(st: os.stat_result) -> tuple:
    # ctime changes on every write, so a file rewritten with the same size and mtime still differs.
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def parse_key(config: SiteConfig) -> str:
    """The settings an article's parsed form depends on: editing any other (base_url, title,
    theme...) re-parses nothing."""
    return repr((config.timezone.key, config.language))


def publishable(parsed: list[tuple[str, tuple[Article | None, list[Problem]]]]) -> tuple[list[Article], list[Problem]]:
    """Every publishable article, newest first, from (path, parse result) in path order; problems
    for the rest. Two articles that would write the same page, or share an id, are an error naming
    both: the first in path order is kept, so the result does not depend on file-system order."""
    problems: list[Problem] = []
    by_url: dict[str, Article] = {}
    by_id: dict[str, Article] = {}
    for _, (article, found) in parsed:
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

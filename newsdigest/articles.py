"""Load cleaned articles: content/articles/**/*.md -> Article dataclasses.

Front matter fields go through the article schema (schema.py); a bad article is reported with
its file, line and field, and skipped, so the rest of the site still builds.
"""
from __future__ import annotations

import bisect
import hashlib
import os
import threading
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


def _verdict(entry: os.DirEntry, root: Path, rel) -> tuple[str | None, Problem | None]:
    """What the listing makes of one folder entry: ("dir", None) to descend into, ("file", None)
    to read, or (None, a problem or None) to pass over. Hidden names are the caller's."""
    name = entry.name
    if entry.is_dir(follow_symlinks=False):
        return "dir", None
    if not name.lower().endswith(".md"):
        return None, None
    if not name.endswith(".md"):
        return None, Problem(rel(entry.path), f"ends in '{name[-3:]}', not '.md', and is not read",
                             f"rename it to '{name[:-3]}.md'", level="warning")
    why = _outside(entry, root) if entry.is_symlink() else None
    if why is None and not entry.is_file():
        try:
            why = "is " + kind_of(entry.stat().st_mode) + ", not a regular file"
        except OSError as exc:
            why = f"cannot be read: {exc.strerror or exc}"
    if why is not None:
        return None, Problem(rel(entry.path), f"{why}; it is skipped",
                             "replace it with a regular Markdown file inside the site folder")
    return "file", None


def _hidden_problem(entry: os.DirEntry, rel) -> Problem | None:
    # hidden drafts are meant to be skipped; "..md" is an article that lost its name
    name = entry.name
    if name.lower().endswith(".md") and not name[:-3].strip("."):
        return Problem(rel(entry.path), "has no name before '.md' (it counts as hidden) "
                       "and is not read", "give it a name, like 'story.md'", level="warning")
    return None


def list_article_files(articles_dir: Path, root: Path | None = None, known: dict[str, Path] | None = None) -> Listing:
    """Every *.md under the folder, in path order; hidden files and folders are skipped.
    `known`: Path objects of a last listing by their strings, used again (making 10,000 of them
    anew was half a listing's time).

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
            if entry.name.startswith("."):
                problem = _hidden_problem(entry, rel)
                if problem is not None:
                    out.problems.append(problem)
                continue
            kind, problem = _verdict(entry, root, rel)
            if kind == "dir":
                stack.append(entry.path)
            elif kind == "file":
                found.append(entry.path)
            elif problem is not None:
                out.problems.append(problem)
    known = known or {}
    out.files = [known.get(p) or Path(p) for p in sorted(found)]
    return out


@dataclass
class Scan:
    """A listing of the article files with each file's stat signature (file_signature; None
    when it cannot be stat'ed), by path as listed."""

    listing: Listing
    signatures: dict[str, tuple | None]
    names: list[str]     # the listing's files as strings (what ArticleFiles keeps sorted)
    # ArticleFiles's: (the token of the scan this one was made from, the paths listed again);
    # every other path is as that scan has it, so a loader that kept it reads only these.
    since: tuple[object, frozenset[str]] | None = None
    token: object = field(default_factory=object)   # compared by identity (a copy in a snapshot is another)


def _signature_of(path: str) -> tuple | None:
    try:
        return file_signature(os.stat(path))
    except OSError:
        return None


def scan_article_files(articles_dir: Path, root: Path, last: Scan | None = None) -> Scan:
    listing = list_article_files(articles_dir, root, dict(zip(last.names, last.listing.files)) if last else None)
    names = [str(f) for f in listing.files]
    return Scan(listing, {name: _signature_of(name) for name in names}, names)


class ArticleFiles:
    """content/articles as a file-system watcher keeps it (watch and serve): listed and stat'ed
    in full once, then again only at the paths the watcher reports changed (`note`), so that a
    build at 10,000 articles does not walk and stat them all twice. Anything the watcher may have
    missed is found by `check` (a full scan compared with what is kept), which watch runs once a
    build is published. `forget` makes the next scan a full one (a folder newly watched)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: set[str] | None = None    # None: the next scan lists everything
        self._scan: Scan | None = None
        self._where: tuple[Path, Path] | None = None

    def note(self, path: Path | str) -> None:
        with self._lock:
            if self._dirty is not None:
                self._dirty.add(os.path.abspath(path))

    def forget(self) -> None:
        with self._lock:
            self._dirty = None

    def scan(self, articles_dir: Path, root: Path) -> Scan:
        with self._lock:
            dirty, self._dirty = self._dirty, set()   # what is noted from now on waits for the next scan
        last = self._scan
        if not articles_dir.is_absolute():   # noted paths are absolute: no match with a relative listing
            return scan_article_files(articles_dir, root)
        if dirty is None or last is None or self._where != (articles_dir, root) or last.listing.unreadable:
            same = last is not None and self._where == (articles_dir, root)
            self._scan, self._where = scan_article_files(articles_dir, root, last if same else None), (articles_dir, root)
        elif dirty:
            self._scan = _rescanned(last, dirty, articles_dir, root)
        return self._scan

    def check(self, articles_dir: Path, root: Path) -> list[str]:
        """The paths where the disk differs from what is kept (noted for the next scan)."""
        if self._scan is None or self._where != (articles_dir, root):
            return []
        full = scan_article_files(articles_dir, root)
        fresh, kept = full.signatures, self._scan.signatures
        differ = sorted(set(fresh.keys() ^ kept.keys()) | {p for p in fresh if p in kept and fresh[p] != kept[p]})
        if full.listing.unreadable:
            self.forget()   # a folder that cannot be read (no event says so): the full listing knows what to keep
        for path in differ:
            self.note(path)
        return differ


def _rescanned(last: Scan, dirty: set[str], articles_dir: Path, root: Path) -> Scan:
    """`last` with the files at or under the `dirty` paths listed and stat'ed again."""
    folder = os.path.abspath(articles_dir)
    signatures = dict(last.signatures)
    names = list(last.names)
    files = list(last.listing.files)
    problems = {os.path.abspath(root / p.path): p for p in last.listing.problems}

    def rel(path: str) -> str:
        return Path(path).relative_to(root).as_posix()

    touched: set[str] = set()

    def drop(path: str) -> None:
        touched.add(path)
        if signatures.pop(path, False) is not False:
            i = bisect.bisect_left(names, path)
            del names[i], files[i]

    def keep(path: str, signature) -> None:   # a path not listed: each dirty path is dropped first
        touched.add(path)
        signatures[path] = signature
        i = bisect.bisect_left(names, path)
        names.insert(i, path)
        files.insert(i, Path(path))

    listed: dict[str, list[os.DirEntry] | None] = {}   # a folder's entries, read once for all its dirty paths
    for path in sorted(dirty):
        if path != folder and not path.startswith(folder + os.sep):
            continue
        if path in signatures or path in problems:
            drop(path)
            problems.pop(path, None)
        else:  # a folder (or nothing the last scan knew): everything under it goes
            under = path + os.sep
            for gone in [p for p in signatures if p.startswith(under)]:
                drop(gone)
            for gone in [p for p in problems if p.startswith(under)]:
                del problems[gone]
        parts = Path(path).relative_to(folder).parts
        if any(part.startswith(".") for part in parts[:-1]):
            continue   # inside a hidden folder: never listed
        parent = os.path.dirname(path)
        entries = listed[parent] if parent in listed else listed.setdefault(parent, _entries(parent))
        if entries is None:   # a folder that cannot be read: the full listing keeps its articles as last read
            return scan_article_files(articles_dir, root)
        entry = next((e for e in entries if e.name == os.path.basename(path)), None)
        if entry is None:
            continue
        if entry.name.startswith("."):
            kind, problem = None, _hidden_problem(entry, rel)
        else:
            kind, problem = _verdict(entry, root, rel)
        if problem is not None:
            problems[path] = problem
        if kind == "file":
            keep(path, _signature_of(path))
        elif kind == "dir":
            sub = scan_article_files(Path(path), root)
            if sub.listing.unreadable:
                return scan_article_files(articles_dir, root)
            for found, signature in sub.signatures.items():
                keep(found, signature)
            problems.update((os.path.abspath(root / p.path), p) for p in sub.listing.problems)
    return Scan(Listing(files, [problems[p] for p in sorted(problems)], []), signatures, names,
                (last.token, frozenset(touched)))


def _entries(folder: str) -> list[os.DirEntry] | None:
    """The folder's entries; none when it is gone, None when it cannot be read."""
    try:
        return list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError:
        return None


def find_article_files(articles_dir: Path) -> list[Path]:
    """Every readable *.md under the folder, in path order (see list_article_files)."""
    return list_article_files(articles_dir).files


def _parse_batch(batch: list[tuple[bytes, str]], config: SiteConfig) -> list:
    return [parse_article(data, rel, config) for data, rel in batch]


def parse_all(inputs: list[tuple[bytes, str]], config: SiteConfig, workers: int = 1, advance=None) -> list:
    """parse_article over many files, on several processes when there are enough to be worth it.
    `advance`: the caller's progress, told of each file parsed (else a progress of its own)."""
    from .progress import progress
    from .workers import fork_imap
    if workers <= 1 or len(inputs) < PARALLEL_THRESHOLD:
        workers, size = 1, 100
    else:
        size = max(50, len(inputs) // (workers * 4))
    batches = [inputs[i:i + size] for i in range(0, len(inputs), size)]
    results = []
    with progress(len(inputs) if advance is None else 0, "reading articles") as own:
        for batch in fork_imap(lambda b: _parse_batch(b, config), batches, workers):
            results += batch
            (advance or own)(len(batch))
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
    by_url, problems_of, _ = _select(parsed)
    return sorted(by_url.values(), key=lambda a: a.sort_key), [p for found in problems_of.values() for p in found]


def _select(parsed) -> tuple[dict[str, Article], dict[str, list[Problem]], set[str]]:
    """publishable's choice: the articles kept by page, the problems by path (in path order),
    and the pages and ids of the articles skipped for a clash (and so of those they clashed with)."""
    problems_of: dict[str, list[Problem]] = {}
    by_url: dict[str, Article] = {}
    by_id: dict[str, Article] = {}
    clashed: set[str] = set()
    for rel, (article, found) in parsed:
        if found:
            problems_of[rel] = list(found)
        if article is None:
            continue
        other = by_url.get(article.url_path) or by_id.get(article.id)
        if other is not None:
            what = "page /" + article.url_path if other.url_path == article.url_path else f"id {article.id}"
            problems_of.setdefault(rel, []).append(Problem(
                article.path, f"has the same {what} as {other.path}; it is skipped",
                "rename one of the files, or change its date or id"))
            clashed.update((article.url_path, article.id))
            continue
        by_url[article.url_path] = by_id[article.id] = article
    return by_url, problems_of, clashed


class Published:
    """publishable's result as the live engine keeps it (cached.LoadMemo), brought up to date by
    the files that changed: an article added, edited or removed goes into or out of the list
    kept newest first, rather than every article being sorted again. A change that reaches a
    clash (an article with another's page or id, before or after) is decided by publishable's
    own pass over every article, so the result is always publishable's."""

    def __init__(self, parsed: list[tuple[str, tuple[Article | None, list[Problem]]]]) -> None:
        self.parsed = dict(parsed)   # path -> parse result
        self._choose()

    def _choose(self) -> None:
        by_url, self.problems_of, self.clashed = _select(sorted(self.parsed.items()))
        self.articles = sorted(by_url.values(), key=lambda a: a.sort_key)
        self.keys = [a.sort_key for a in self.articles]
        self.by_id = {a.id: a for a in self.articles}
        self.urls = {a.url_path for a in self.articles}

    @property
    def problems(self) -> list[Problem]:
        return [p for rel in sorted(self.problems_of) for p in self.problems_of[rel]]

    def update(self, changes: dict[str, tuple[Article | None, list[Problem]] | None]
               ) -> tuple[list[Article], set[str]] | None:
        """`changes`: path -> its parse result now (None: the file is gone). Returns the articles
        put in and the ids no longer published, or None when every article was chosen again."""
        before = [self.parsed.get(rel) for rel in changes]
        for rel, result in changes.items():
            if result is None:
                self.parsed.pop(rel, None)
            else:
                self.parsed[rel] = result
        after = [result for result in changes.values() if result is not None]
        articles = [r[0] for r in before + after if r is not None and r[0] is not None]
        if any(a.url_path in self.clashed or a.id in self.clashed for a in articles):
            return self._choose()
        taken, put = set(), []
        for old in before:
            if old is not None and old[0] is not None and self.by_id.get(old[0].id) is old[0]:
                self._take(old[0])
                taken.add(old[0].id)
        for rel in changes:
            self.problems_of.pop(rel, None)
        for rel, result in sorted((rel, r) for rel, r in changes.items() if r is not None):
            article, found = result
            if found:
                self.problems_of[rel] = list(found)
            if article is None:
                continue
            if article.url_path in self.urls or article.id in self.by_id:
                return self._choose()   # a clash: which one is kept and what is said depends on path order
            self._put(article)
            put.append(article)
        return put, taken - {a.id for a in put}

    def _take(self, article: Article) -> None:
        i = bisect.bisect_left(self.keys, article.sort_key)
        del self.articles[i], self.keys[i]
        del self.by_id[article.id]
        self.urls.discard(article.url_path)

    def _put(self, article: Article) -> None:
        key = article.sort_key
        i = bisect.bisect_left(self.keys, key)
        self.articles.insert(i, article)
        self.keys.insert(i, key)
        self.by_id[article.id] = article
        self.urls.add(article.url_path)

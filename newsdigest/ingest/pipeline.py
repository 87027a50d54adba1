"""Ingest as one recipe: read -> header -> clean -> dedupe -> write; and what happens to the file.

For each input file:
1. readers.read() decodes it and returns its article(s) (or the reason it cannot be read);
2. prepare() turns each into a Draft: typed metadata (header.normalise), a cleaned body
   (clean.clean_body) as Markdown, a stable id and a fingerprint;
3. the dedupe index (content/articles plus this run) says whether it is already there;
4. new articles are written to content/articles/YYYY/MM/<slug>.md, atomically;
5. the original is kept byte for byte under content/raw/ (an inbox file is moved there, any
   other input is copied); inbox files that cannot be ingested go to content/inbox/rejected/
   with a <name>.why.txt beside them, duplicates to content/raw/duplicates/.
Nothing under content/raw/ or content/articles/ is ever overwritten or deleted.
"""
from __future__ import annotations

import errno
import filecmp
import os
import re
import stat
import tempfile
import time
import tomllib
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from ..articles import ArticleFiles
from ..config import Paths, SiteConfig
from ..schema import ORDER, parse_value, validate_meta
from ..errors import Problem, display_path
from ..files import kind_of, read_regular
from ..frontmatter import dump
from ..progress import progress
from ..slug import slugify
from .boilerplate import Furniture, load_furniture
from .clean import clean_body
from .dedupe import DedupeIndex, Fingerprint, ScanMemo, fingerprint, normalise_url, scan_articles
from .header import normalise
from .markers import squash
from .model import Fix, RawArticle, Rejected, Removal
from .readers import read

# Ids from source, title and date live in their own namespace; ids from URLs use the URL one.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://newsdigest.invalid/article-id")
REJECTED_DIR = "rejected"
DUPLICATES_DIR = "duplicates"
@dataclass(frozen=True)
class IngestResult:
    """What became of one input (or of one record of a multi-record input)."""

    input: Path
    status: str                    # "written", "duplicate" or "rejected"
    article: Path | None = None    # the article written, or the one this input duplicates
    reason: str = ""               # why rejected, or why a duplicate ("same URL")
    line: int | None = None        # the record's line in the input, or the line at fault
    hint: str = ""                 # what to do about a rejection
    raw: Path | None = None        # where the original file was kept
    shown: str = ""                # the input as the user should see it (relative to the site root)
    notes: tuple[tuple[str, str, int | None], ...] = ()  # warnings: (what, what to do, line)

    @property
    def warnings(self) -> list[Problem]:
        """What the user should know about an input that was ingested (a date without a zone)."""
        return [Problem(self.shown or str(self.input), what, hint, line, "warning") for what, hint, line in self.notes]

    @property
    def problem(self) -> Problem | None:
        """A rejection as a Problem for the build's report (None for written and duplicate)."""
        if self.status != "rejected":
            return None
        return Problem(self.shown or str(self.input), f"not ingested: {self.reason}",
                       self.hint or "fix the file and move it back into content/inbox/", self.line)


@dataclass(frozen=True)
class Draft:
    """An article ready to write."""

    meta: dict
    body: str
    date: datetime
    slug: str
    fingerprint: Fingerprint
    removals: tuple[Removal, ...] = ()
    fixes: tuple[Fix, ...] = ()
    line: int | None = None
    notes: tuple[tuple[str, str, int | None], ...] = ()  # warnings: (what, what to do, line)


# --- one article -------------------------------------------------------------------------------------

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def detect_lang(text: str) -> str:
    """ "ar" for text mostly in Arabic script, else "" (the site's language applies)."""
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return "ar" if arabic > latin else ""


_LINE_START = re.compile(r"^(?:#{1,6}|>|[-+]|\d{1,9}[.)])(?=\s|$)")


def escape_markdown(paragraph: str) -> str:
    """Scraped text as Markdown that renders as the same text: no accidental headings, lists,
    emphasis, links or raw HTML."""
    text = paragraph.replace("\\", "\\\\")
    text = re.sub(r"[*`\[\]]", lambda m: "\\" + m.group(0), text)
    text = text.replace("<", "&lt;")
    m = _LINE_START.match(text)
    if m:
        token = m.group(0)
        text = token[:-1] + "\\" + token[-1] + text[len(token):]
    elif text.startswith(("~", "|", "=")):
        text = f"&#{ord(text[0])};" + text[1:]
    return text


def article_id(url: str, source: str, title: str, date: datetime) -> str:
    """Stable: the same URL (or the same source, title and date) always gives the same id."""
    if url:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, normalise_url(url)))
    return str(uuid.uuid5(ID_NAMESPACE, f"{source.casefold()}\n{title.casefold()}\n{date.isoformat()}"))


def _iso(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


# About 150,000 words, ten times the longest long-read: more is a dump, not an article, and
# cleaning and rendering it would stall every build.
MAX_TEXT_CHARS = 1_000_000


@lru_cache(maxsize=1)
def _dangling_words() -> tuple[str, ...]:
    """Slug forms of the function words of data/slug_words.toml, longest first."""
    data = tomllib.loads((Path(__file__).resolve().parent.parent / "data" / "slug_words.toml").read_text("utf-8"))
    words = {slugify(word) for words in data.values() for word in words}
    return tuple(sorted(words, key=len, reverse=True))


def article_slug(title: str) -> str:
    """The slug of a new article: the title's, without function words dangling at its end
    ("...-visit-brussels-for" where the length limit cut "for NATO talks")."""
    slug = slugify(title)
    while word := next((w for w in _dangling_words() if slug.endswith("-" + w)), None):
        slug = slug[:-len(word) - 1]
    return slug


def _zone_note(raw: RawArticle, config: SiteConfig) -> tuple[str, str, int | None]:
    return (f"date {squash(raw.date)!r} has no time zone: read as {config.timezone.key} time (site.toml timezone)",
            "if the source is in another zone, add its offset to the date, like 2024-08-27 18:57 +03:00",
            raw.where("date"))


def prepare(raw: RawArticle, config: SiteConfig, furniture: Furniture | None = None) -> Draft:
    """Metadata, cleaned body and front matter of one raw article; Rejected if it cannot be one."""
    if len(raw.text) > MAX_TEXT_CHARS:
        raise Rejected(f"article text too long ({len(raw.text):,} characters; the limit is {MAX_TEXT_CHARS:,})",
                       "check that it is one article; split it if not", raw.line)
    meta = normalise(raw, config.timezone, config.sources)
    removals: tuple[Removal, ...] = raw.header
    fixes: tuple[Fix, ...] = ()
    source, dateline = meta.fields["source"], meta.fields["dateline"]
    if raw.markdown:
        body = raw.text.strip()
    else:
        # body lines are file lines only for text files; for a page or a record there are none
        first_line = raw.body_line if raw.kind == "text" else None
        cleaned = clean_body(raw.text, title=meta.title, first_line=first_line, sources=config.sources,
                             furniture=furniture)
        removals += cleaned.removals
        fixes = cleaned.fixes
        if not cleaned.paragraphs:
            raise Rejected("no article text left after cleaning",
                           "run `ingest --explain FILE` to see what was removed", raw.line)
        for marker in cleaned.markers:
            source = source or marker.source
            dateline = dateline or marker.dateline
        body = "\n\n".join(escape_markdown(p) for p in cleaned.paragraphs)

    extra = dict(raw.extra)
    given_id = str(extra.pop("id", "") or "").strip()
    lang = raw.lang.strip()
    if lang and not raw.markdown:
        try:
            parse_value("lang", lang)
        except ValueError:
            lang = ""  # a scraper's "language": "0" or "English" is not a tag: detect it instead
    standard = {
        "id": given_id or article_id(meta.fields["url"], source, meta.title, meta.date),
        "title": meta.title,
        "date": _iso(meta.date),
        "updated": _iso(meta.updated) if meta.updated else None,
        "source": source,
        "url": meta.fields["url"],
        "author": meta.fields["author"],
        "section": meta.fields["section"],
        "dateline": dateline,
        "lang": lang or detect_lang(meta.title + " " + body),
        "topics": extra.pop("topics", None),
        "actors": extra.pop("actors", None),
        "summary": extra.pop("summary", None),
    }
    front = {name: standard[name] for name in ORDER}   # written in the schema's order
    front.update(extra)  # other fields of a Markdown input, kept after the standard ones
    front = {k: v for k, v in front.items() if v not in (None, "", [], ())}
    # The build's own check: never write an article the build would then refuse to publish.
    errors = [p for p in validate_meta(front, {}, "", config.timezone).problems if p.level == "error"]
    if errors:
        raise Rejected(errors[0].message, errors[0].hint or "fix the front matter", raw.line)
    return Draft(meta=front, body=body, date=meta.date, slug=article_slug(meta.title),
                 fingerprint=fingerprint(front["id"], meta.fields["url"], body), removals=removals, fixes=fixes,
                 line=raw.line, notes=() if meta.date_has_zone else (_zone_note(raw, config),))


# --- safe file operations ------------------------------------------------------------------------------

def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_copy(data: bytes, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return Path(temp)


def _place(temp: Path, target: Path) -> None:
    """Give a complete file its final name, never replacing an existing file (FileExistsError)."""
    try:
        os.link(temp, target)  # atomic, and fails if the target exists
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if target.exists():  # a file system without hard links: check, then rename
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.replace(temp, target)
        return
    os.unlink(temp)


def write_new(data: bytes, target: Path) -> Path:
    """Write data atomically at target, or at target-2, target-3, ... if target exists with
    other content; returns the path written (or the existing identical file)."""
    folder = target.parent
    temp = _temp_copy(data, folder, target.name)
    try:
        for candidate in _candidates(target):
            if candidate.exists():
                if candidate.read_bytes() == data:
                    return candidate
                continue
            try:
                _place(temp, candidate)
            except FileExistsError:
                continue
            _fsync_dir(folder)
            return candidate
    finally:
        if temp.exists():
            temp.unlink()
    raise AssertionError("unreachable")


def move_new(source: Path, target: Path) -> Path:
    """Move a file to target (or target-2, ...) without overwriting anything. If an identical
    file is already there, that one is the kept copy and the source is removed."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    for candidate in _candidates(target):
        if candidate.exists():
            if filecmp.cmp(source, candidate, shallow=False):
                source.unlink()
                _fsync_dir(source.parent)
                return candidate
            continue
        try:
            os.link(source, candidate)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            kept = write_new(source.read_bytes(), candidate)  # another file system: copy, then remove
            source.unlink()
            return kept
        source.unlink()
        _fsync_dir(folder)
        _fsync_dir(source.parent)
        return candidate
    raise AssertionError("unreachable")


def _linked_from(folder: Path, path: Path) -> Path | None:
    """The name move_new() gave `path` in `folder`, if it is that very file (same inode)."""
    for candidate in _candidates(folder / path.name):
        if not candidate.exists():
            return None
        if os.path.samefile(candidate, path):
            return candidate


def _candidates(target: Path):
    yield target
    n = 2
    while True:
        yield target.with_name(f"{target.stem}-{n}{target.suffix}")
        n += 1


# --- files and folders ------------------------------------------------------------------------------

def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _folder_of(path: Path) -> Path:
    # Where the name is, not where a link leads: a link in the inbox is an inbox entry.
    return Path(path).absolute().parent


def _is_inbox_file(path: Path, paths: Paths) -> bool:
    where = _folder_of(path)
    return _inside(where, paths.inbox) and not _inside(where, paths.inbox / REJECTED_DIR)


def _skip_when_walking(path: Path, paths: Paths) -> bool:
    if any(part.startswith(".") for part in path.parts[-1:]) or path.name.endswith(".why.txt"):
        return True
    return any(_inside(path, p) or _inside(_folder_of(path), p)
               for p in (paths.articles, paths.raw, paths.inbox / REJECTED_DIR))


def _expand(inputs: list[Path], paths: Paths) -> list[Path | IngestResult]:
    out: list[Path | IngestResult] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if (child.is_symlink() or not child.is_dir()) and not any(p.startswith(".") for p in relative) \
                        and not _skip_when_walking(child, paths):
                    out.append(child)
        elif os.path.lexists(path):  # a file, or a link or FIFO that _ingest_file sets aside
            out.append(path)
        else:
            out.append(IngestResult(path, "rejected", reason="no such file or folder",
                                    hint="check the path"))
    return out


def inbox_files(paths: Paths) -> list[Path]:
    """The files waiting in content/inbox (not those already in inbox/rejected/, not hidden ones)."""
    if not paths.inbox.is_dir():
        return []
    return [p for p in _expand([paths.inbox], paths) if isinstance(p, Path)]


# --- the run ---------------------------------------------------------------------------------------

def _write_article(draft: Draft, paths: Paths) -> Path:
    folder = paths.articles / f"{draft.date:%Y}" / f"{draft.date:%m}"
    text = dump(draft.meta, draft.body)
    return write_new(text.encode("utf-8"), folder / f"{draft.slug}.md")


def _why_text(problems: list[IngestResult], root: Path) -> str:
    lines = ["This file was not ingested:"]
    for r in problems:
        where = f"line {r.line}: " if r.line else ""
        lines.append(f"- {where}{r.reason}" + (f" ({r.hint})" if r.hint else ""))
    lines.append("")
    lines.append("Fix it and move it back into content/inbox/ to try again "
                 "(records already ingested will be reported as duplicates).")
    return "\n".join(lines) + "\n"


def _set_aside_rejected(path: Path, problems: list[IngestResult], paths: Paths, move: bool) -> Path:
    folder = paths.inbox / REJECTED_DIR
    if move:
        kept = move_new(path, folder / path.name)
    else:
        kept = write_new(path.read_bytes(), folder / path.name)
    write_new(_why_text(problems, paths.root).encode("utf-8"), kept.with_name(kept.name + ".why.txt"))
    return kept


def _unexpected(exc: Exception) -> Rejected:
    """A reader or cleaner failure that is not a Rejected: a bug, reported as a rejection."""
    return Rejected(f"ingest failed on this file ({exc.__class__.__name__}: {str(exc)[:200]})",
                    "this is a bug in newsdigest: please report it with the file")


def _not_a_file(path: Path) -> str | None:
    """Why an inbox entry is no file to ingest: a link (its original could not be kept under
    raw/, and it may lead out of the site) or a FIFO, device or socket (reading may never end)."""
    if path.is_symlink():
        return "is a symbolic link; the inbox takes files, not links"
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else f"is {kind_of(mode)}, not a regular file"


def _set_aside_entry(path: Path, why: str, paths: Paths) -> list[IngestResult]:
    """Move a link or special file itself (never what it points to) into inbox/rejected/."""
    result = IngestResult(path, "rejected", reason=why, hint="copy the file itself into content/inbox/")
    folder = paths.inbox / REJECTED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    kept = next(c for c in _candidates(folder / path.name) if not os.path.lexists(c))
    os.rename(path, kept)
    write_new(_why_text([result], paths.root).encode("utf-8"), kept.with_name(kept.name + ".why.txt"))
    return [result]


def _ingest_file(path: Path, paths: Paths, config: SiteConfig, index: DedupeIndex,
                 furniture: Furniture) -> list[IngestResult]:
    from_inbox = _is_inbox_file(path, paths)
    why = _not_a_file(path) if from_inbox else None
    if why is not None:
        return _set_aside_entry(path, why, paths)
    try:
        data = read_regular(path)
        items = read(path, data, config.sources, furniture, config.ingest.fields)
    except OSError as exc:
        return [IngestResult(path, "rejected", reason=f"cannot read the file: {exc.strerror or exc}")]
    except Rejected as exc:
        items = [exc]
    except Exception as exc:  # noqa: BLE001 - one file a reader trips over must not stop the others
        items = [_unexpected(exc)]

    results: list[IngestResult] = []
    dates: list[datetime] = []
    for item in items:
        if isinstance(item, Rejected):
            results.append(IngestResult(path, "rejected", reason=item.reason, line=item.line, hint=item.hint))
            continue
        try:
            draft = prepare(item, config, furniture)
        except Exception as exc:  # noqa: BLE001 - Rejected, or a bug reported as a rejection
            exc = exc if isinstance(exc, Rejected) else _unexpected(exc)
            results.append(IngestResult(path, "rejected", reason=exc.reason, line=exc.line or item.line,
                                        hint=exc.hint))
            continue
        dates.append(draft.date)
        match = index.find(draft.fingerprint)
        if match is not None:
            results.append(IngestResult(path, "duplicate", article=match.path, reason=match.why, line=draft.line))
            continue
        written = _write_article(draft, paths)
        index.add(written, draft.fingerprint)
        results.append(IngestResult(path, "written", article=written, line=draft.line, notes=draft.notes))

    written_any = any(r.status == "written" for r in results)
    rejected = [r for r in results if r.status == "rejected"]
    raw: Path | None = None
    if written_any:
        folder = paths.raw / f"{dates[0]:%Y}" / f"{dates[0]:%m}"
        if rejected and from_inbox:
            _set_aside_rejected(path, rejected, paths, move=False)
        raw = move_new(path, folder / path.name) if from_inbox else write_new(data, folder / path.name)
    elif rejected:
        if from_inbox:
            _set_aside_rejected(path, rejected, paths, move=True)
    elif from_inbox and dates:
        kept = _linked_from(paths.raw / f"{dates[0]:%Y}" / f"{dates[0]:%m}", path)
        if kept is not None:  # a run killed between the link into raw/ and the unlink: finish it
            path.unlink()
            _fsync_dir(path.parent)
            raw = kept
        else:
            folder = paths.raw / DUPLICATES_DIR / f"{dates[0]:%Y}" / f"{dates[0]:%m}"
            raw = move_new(path, folder / path.name)
    return [replace(r, raw=raw) if r.status != "rejected" else r for r in results]


def dedupe_store(paths: Paths) -> Path:
    """Where the duplicate index is kept between runs (derived data, safe to delete)."""
    return paths.state / "dedupe.sqlite"


def ingest_paths(inputs: list[Path], paths: Paths, config: SiteConfig, memo: ScanMemo | None = None,
                 files: ArticleFiles | None = None) -> list[IngestResult]:
    """Ingest files and folders; one result per input file (per record for JSON Lines and lists).

    Files inside content/inbox are moved once handled; any other input is copied, never moved.
    A bad input never stops the others. `memo`: the previous scan, when the process keeps one;
    `files`: the article files as a watcher keeps them (the live engine's).
    """
    furniture = load_furniture(paths.content)  # NewsdigestError if content/boilerplate.toml is wrong
    scan = files.scan(paths.articles, paths.root) if files is not None else None
    index = scan_articles(paths.articles, memo, dedupe_store(paths), scan)
    results: list[IngestResult] = []
    items = list(_expand(list(inputs), paths))
    with progress(len(items), "ingesting") as advance:
        for item in items:
            if isinstance(item, IngestResult):
                results.append(item)
            else:
                results.extend(_ingest_file(item, paths, config, index, furniture))
            advance()
    return [replace(r, shown=display_path(r.input, paths.root)) for r in results]


def ingest_inbox(paths: Paths, config: SiteConfig, min_age: float = 0.0,
                 memo: ScanMemo | None = None, complete: frozenset = frozenset(),
                 files: ArticleFiles | None = None) -> list[IngestResult]:
    """Ingest everything waiting in content/inbox (run at the start of every build).

    min_age: leave files modified less than this many seconds ago for the next run (a file
    still being copied in must not be ingested half-written), except those in `complete`: the
    files watch mode knows are whole (closed after writing, or renamed in).
    """
    now = time.time()
    waiting = [p for p in inbox_files(paths)
               if min_age <= 0 or p in complete or now - p.lstat().st_mtime >= min_age]
    return ingest_paths(waiting, paths, config, memo, files) if waiting else []


def format_result(result: IngestResult, root: Path) -> str:
    """One line per result: written X <- input, duplicate of X <- input, rejected: reason <- input:line."""
    source = display_path(result.input, root) + (f":{result.line}" if result.line else "")
    if result.status == "written":
        return f"written {display_path(result.article, root)} <- {source}"
    if result.status == "duplicate":
        return f"duplicate of {display_path(result.article, root)} <- {source}"
    return f"rejected: {result.reason} <- {source}"

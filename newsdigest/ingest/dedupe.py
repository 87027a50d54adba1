"""Is this article already in content/articles (or written earlier in this run)?

Three signals, strongest first: the same id (which ingest derives from the URL, else from
source, title and date), the same URL, and the same text. "The same text" survives a change
of format, encoding, quotes and boilerplate: bodies are compared as word 5-grams, and one
body made at least 80% of another's 5-grams is the same article (a scraped .txt and the saved
page of one article differ by a line or two, two articles on one event share a quote or two,
not most of their text).
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..articles import file_signature, find_article_files
from ..errors import NewsdigestError
from ..files import read_regular_text
from ..frontmatter import parse as parse_front_matter

SHINGLE = 5            # words per shingle
SIMILAR = 0.8          # share of the smaller body's shingles found in the other
MIN_SHINGLES = 8       # shorter bodies must match exactly

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    id: str
    url: str
    text_hash: str
    shingles: frozenset[int]


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def fingerprint(id: str, url: str, body: str) -> Fingerprint:
    tokens = words(body)
    grams = frozenset(hash(tuple(tokens[i:i + SHINGLE])) for i in range(max(0, len(tokens) - SHINGLE + 1)))
    digest = hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()
    return Fingerprint(id, normalise_url(url), digest, grams)


def normalise_url(url: str) -> str:
    url = (url or "").strip().split("#", 1)[0]
    url = re.sub(r"^https?://(?:www\.)?", "", url, flags=re.IGNORECASE)
    return url.rstrip("/").lower()


@dataclass(frozen=True)
class Match:
    path: Path
    why: str  # "same id", "same URL", "same text"


@dataclass
class DedupeIndex:
    """Fingerprints of known articles; find() the one a new article duplicates, add() it after writing."""

    paths: list[Path] = field(default_factory=list)
    prints: list[Fingerprint] = field(default_factory=list)
    sigs: list[tuple | None] = field(default_factory=list)   # each file's stat when it was added
    by_id: dict[str, int] = field(default_factory=dict)
    by_url: dict[str, int] = field(default_factory=dict)
    by_hash: dict[str, int] = field(default_factory=dict)
    by_shingle: dict[int, list[int]] = field(default_factory=dict)

    def add(self, path: Path, fp: Fingerprint) -> None:
        n = len(self.paths)
        self.paths.append(path)
        self.prints.append(fp)
        self.sigs.append(_signature(path))
        if fp.id:
            self.by_id.setdefault(fp.id, n)
        if fp.url:
            self.by_url.setdefault(fp.url, n)
        self.by_hash.setdefault(fp.text_hash, n)
        for gram in fp.shingles:
            self.by_shingle.setdefault(gram, []).append(n)

    def find(self, fp: Fingerprint) -> Match | None:
        if fp.id and fp.id in self.by_id:
            return Match(self.paths[self.by_id[fp.id]], "same id")
        if fp.url and fp.url in self.by_url:
            return Match(self.paths[self.by_url[fp.url]], "same URL")
        if fp.text_hash in self.by_hash:
            return Match(self.paths[self.by_hash[fp.text_hash]], "same text")
        if len(fp.shingles) < MIN_SHINGLES:
            return None
        shared: Counter[int] = Counter()
        for gram in fp.shingles:
            shared.update(self.by_shingle.get(gram, ()))
        for n, count in shared.most_common(5):
            other = self.prints[n]
            smaller = min(len(fp.shingles), len(other.shingles))
            if smaller >= MIN_SHINGLES and count / smaller >= SIMILAR:
                return Match(self.paths[n], f"same text ({round(100 * count / smaller)}% shared)")
        return None


def _signature(path: Path) -> tuple | None:
    try:
        return file_signature(path.stat())
    except OSError:
        return None


@dataclass
class ScanMemo:
    """The last scan's index (with the articles ingest added since), kept by a long-lived
    process (watch, serve) from one build to the next."""

    folder: Path | None = None
    index: DedupeIndex | None = None


def scan_articles(articles: Path, memo: ScanMemo | None = None) -> DedupeIndex:
    """An index of every article under content/articles; unreadable files are skipped
    (`check` reports them).

    Watch and serve ingest again and again in one process, and reading every article's text
    for each drop is most of a drop's build at 10,000 articles. So the index in `memo` is
    reused when every file it holds is unchanged (same size, times and inode) and still
    there; files that appeared since are added to it. Any other change means a full scan.
    """
    if not articles.is_dir():
        return DedupeIndex()
    files = find_article_files(articles)  # regular files only: a FIFO named x.md would block the read
    previous = memo.index if memo is not None and memo.folder == articles else None
    index = _reusable(previous, files) or DedupeIndex()
    known = set(index.paths)
    for path in files:
        if path not in known:
            try:
                fm = parse_front_matter(read_regular_text(path), str(path))
            except (OSError, UnicodeDecodeError, NewsdigestError):
                continue
            meta = fm.meta
            index.add(path, fingerprint(str(meta.get("id") or ""), str(meta.get("url") or ""), fm.body))
    if memo is not None:
        memo.folder, memo.index = articles, index
    return index


def _reusable(index: DedupeIndex | None, files: list[Path]) -> DedupeIndex | None:
    if index is None:
        return None
    present = set(files)
    for path, sig in zip(index.paths, index.sigs):
        if sig is None or path not in present or _signature(path) != sig:
            return None
    return index

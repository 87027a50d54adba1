"""Is this article already in content/articles (or written earlier in this run)?

Three signals, strongest first: the same id (which ingest derives from the URL, else from
source, title and date), the same URL, and the same text. "The same text" survives a change
of format, encoding, quotes and boilerplate: bodies are compared as word 5-grams, and one
body made at least 80% of another's 5-grams is the same article (a scraped .txt and the saved
page of one article differ by a line or two, two articles on one event share a quote or two,
not most of their text).

The shingles are rows (hash, doc) of one SQLite table keyed by both (DedupeIndex). Added an
article or a few hundred at a time, rows of random hashes land on pages all over that key: a
first scan of 100,000 articles wrote 100 GB for a 1.2 GB store (337 s of CPU). So add_many
stages them in a table without a key and moves them in sorted, in chunks as large as the index
already is: each page is written a few times in all (6 GB, 116 s), with memory bounded by
SQLite's page cache and sorter, not by the number of articles (docs/benchmarks.md, "Duplicate
index: first scan"). A chunk is committed with its docs rows, so a scan that is killed leaves
only whole articles, and the next scan reads the others again.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..articles import Scan, file_signature, find_article_files
from ..cache import open_derived
from ..errors import NewsdigestError
from ..files import read_regular_text
from ..frontmatter import parse as parse_front_matter

SHINGLE = 5            # words per shingle
SIMILAR = 0.8          # share of the smaller body's shingles found in the other
MIN_SHINGLES = 8       # shorter bodies must match exactly
COMMON = 50           # a shingle in more articles than this is common: find() bounds what it adds
# Articles find() counts from their own shingles, at most (about 20 us each); beyond, it counts the
# postings of more shingles instead (find()'s _shared).
EXACT_MAX = 5_000
CHUNK_ROWS = 8_000_000       # shingles moved into the index at once, at least (16,000 news articles)
LOG_ROWS = 250_000           # shingles in about the 1,000 pages after which SQLite empties its log

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    id: str
    url: str
    text_hash: str
    shingles: frozenset[int]     # stable 32-bit hashes: the index keeps them on disk across runs


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def fingerprint(id: str, url: str, body: str) -> Fingerprint:
    """Shingles are 32-bit CRCs of the word 5-grams: the same in every process (Python's hash()
    is not), and two texts sharing one by chance move their shared share by one shingle."""
    tokens = words(body)
    crc = zlib.crc32
    grams = frozenset(crc("\x1f".join(tokens[i:i + SHINGLE]).encode("utf-8"))
                      for i in range(max(0, len(tokens) - SHINGLE + 1)))
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


# Bump when fingerprints are computed differently: a store of another version is made again.
# (A new index needs no bump: _SCHEMA's statements run on every open, so an older store gains it.)
STORE_VERSION = "dedupe 5"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS docs (doc INTEGER PRIMARY KEY, path TEXT UNIQUE, sig TEXT, id TEXT, url TEXT,"
    " text_hash TEXT, size INTEGER, grams BLOB)",
    "CREATE INDEX IF NOT EXISTS docs_id ON docs (id)",
    "CREATE INDEX IF NOT EXISTS docs_url ON docs (url)",
    "CREATE INDEX IF NOT EXISTS docs_text ON docs (text_hash)",
    "CREATE INDEX IF NOT EXISTS docs_size ON docs (size)",
    "CREATE TABLE IF NOT EXISTS shingles (hash INTEGER, doc INTEGER, PRIMARY KEY (hash, doc)) WITHOUT ROWID",
)


class DedupeIndex:
    """Fingerprints of known articles; find() the one a new article duplicates, add() it after writing.

    Kept in SQLite: a file under .newsdigest/ (`store`), so a run finds the fingerprints of the
    last one and reads only the articles that changed since, and memory stays small whatever
    the number of articles (the shingles of 10,000 articles took 0.8 GB as Python sets); or in
    memory (`store` None). The store is derived data: a damaged or older one is made again.
    """

    def __init__(self, store: Path | None = None):
        self.store = store
        self.db = _open_store(store)

    # -- what is indexed -------------------------------------------------------------------------

    @property
    def paths(self) -> list[Path]:
        return [Path(p) for (p,) in self.db.execute("SELECT path FROM docs ORDER BY doc")]

    def signatures(self, paths: list[Path] | None = None) -> dict[str, str]:
        """Path -> the stat signature of the file when it was indexed ("" if added unread), of
        every file or of `paths`."""
        if paths is None:
            return dict(self.db.execute("SELECT path, sig FROM docs"))
        keys = [_key(path) for path in paths]
        return {path: sig for i in range(0, len(keys), 500) for path, sig in self.db.execute(
            f"SELECT path, sig FROM docs WHERE path IN ({','.join('?' * len(keys[i:i + 500]))})", keys[i:i + 500])}

    def fingerprint_of(self, path: Path) -> Fingerprint | None:
        row = self.db.execute("SELECT id, url, text_hash, grams FROM docs WHERE path = ?", [_key(path)]).fetchone()
        return None if row is None else Fingerprint(row[0], row[1], row[2], frozenset(_unpack(row[3])))

    def add(self, path: Path, fp: Fingerprint, sig: tuple | None = None) -> None:
        self.add_many([(path, fp, sig if sig is not None else _signature(path))])

    def add_many(self, entries: Iterable[tuple[Path, Fingerprint, tuple | None]]) -> None:
        """Add (or replace) articles; `entries` is read as it goes (a scan's generator).

        Each article's shingles are staged in a table without a key, and moved into the index
        sorted by its key once CHUNK_ROWS of them, and as many as the index holds, are waiting:
        a move visits every page of the index once, in order, so the moves of a scan cost about
        twice the index it ends with. A chunk is one transaction with its docs rows: a process
        killed before the move leaves none of the chunk's docs, so the next scan reads them again.
        """
        rows = moved = 0
        indexed = None       # shingles in the index, counted when a chunk is first due
        try:
            for path, fp, sig in entries:
                self._remove(_key(path))
                grams = sorted(fp.shingles)
                doc = self.db.execute("INSERT INTO docs (path, sig, id, url, text_hash, size, grams) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?)", [_key(path), _sig_text(sig), fp.id, fp.url,
                                                                       fp.text_hash, len(grams), _pack(grams)]).lastrowid
                # one staged row per article, its shingles as JSON: SQLite makes the index rows
                # (json_each) five times faster than Python handing them over one by one
                self.db.execute("INSERT INTO temp.staged (doc, grams) VALUES (?, ?)", [doc, json.dumps(grams)])
                rows += len(grams)
                if rows >= CHUNK_ROWS:
                    if indexed is None:
                        (indexed,) = self.db.execute("SELECT COALESCE(SUM(size), 0) FROM docs").fetchone()
                        indexed -= rows
                    if rows >= indexed:
                        self._move_staged()
                        indexed += rows
                        moved, rows = moved + rows, 0
            self._move_staged()
            if moved + rows >= LOG_ROWS:   # the log grew past its usual size: the pages are in the store
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            self.db.rollback()       # the staged rows go with their docs rows
            raise

    def _move_staged(self) -> None:
        self.db.execute("INSERT OR IGNORE INTO shingles (hash, doc) SELECT j.value, s.doc FROM temp.staged AS s, "
                        "json_each(s.grams) AS j ORDER BY 1, 2")
        self.db.execute("DELETE FROM temp.staged")
        self.db.commit()

    def remove(self, paths) -> None:
        with self.db:
            for path in paths:
                self._remove(_key(path))

    def _remove(self, path: str) -> None:
        row = self.db.execute("SELECT doc, grams FROM docs WHERE path = ?", [path]).fetchone()
        if row is not None:
            self.db.execute("DELETE FROM temp.staged WHERE doc = ?", [row[0]])   # added in this chunk
            self.db.executemany("DELETE FROM shingles WHERE hash = ? AND doc = ?", ((h, row[0]) for h in _unpack(row[1])))
            self.db.execute("DELETE FROM docs WHERE doc = ?", [row[0]])

    # -- looking up ------------------------------------------------------------------------------

    def _first(self, column: str, value: str) -> Path | None:
        row = self.db.execute(f"SELECT path FROM docs WHERE {column} = ? ORDER BY doc LIMIT 1", [value]).fetchone()
        return Path(row[0]) if row else None

    def find(self, fp: Fingerprint) -> Match | None:
        for column, value, why in (("id", fp.id, "same id"), ("url", fp.url, "same URL"),
                                   ("text_hash", fp.text_hash, "same text")):
            found = self._first(column, value) if value else None
            if found is not None:
                return Match(found, why)
        if len(fp.shingles) < MIN_SHINGLES:
            return None
        counts = self._shared(fp.shingles)
        if not counts:
            return None
        sizes = self._column("size", list(counts))
        n = len(fp.shingles)
        # Of the articles that are the same text, the one sharing the most (then the first indexed).
        for doc, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            size = sizes[doc]
            smaller = min(n, size)
            if smaller >= MIN_SHINGLES and count / smaller >= SIMILAR:
                return Match(Path(self.db.execute("SELECT path FROM docs WHERE doc = ?", [doc]).fetchone()[0]),
                             f"same text ({round(100 * count / smaller)}% shared)")
        return None

    def _shared(self, shingles: frozenset[int]) -> dict[int, int]:
        """The shingles each article that may be the same text shares with these, counted exactly.

        Counting every article's shared shingles is a pass over the postings of each of these
        shingles, and a phrase found in most articles (a wire's sign-off, a stock sentence) makes
        that a pass over the index (1 s a drop at 100,000 articles). So only the postings of the
        shingles held by at most `cap` articles are counted; each of the others ("common") is one
        an article may or may not share. An article can be the same text only if what it shares
        of the counted ones, plus every common one, reaches SIMILAR of the smaller body; one
        sharing none of the counted ones must then be small (at most common / SIMILAR shingles).
        Those few are counted exactly from their own shingles. While too many may be (a body made
        mostly of stock phrases), `cap` grows tenfold: at the number of articles, every shingle
        is counted and the counts are exact."""
        grams = list(shingles)
        n = len(grams)
        counted: list[int] = []
        common = grams
        cap = COMMON
        while True:
            held = dict(self.db.execute(
                "SELECT j.value, (SELECT COUNT(*) FROM (SELECT 1 FROM shingles WHERE hash = j.value LIMIT ?)) "
                "FROM json_each(?) AS j", [cap + 1, json.dumps(common)]))
            counted += [gram for gram in common if 0 < held[gram] <= cap]
            common = [gram for gram in common if held[gram] > cap]
            if not common:
                return self._counts(counted, 0, n)
            small = int(len(common) / SIMILAR)   # the largest article sharing only common shingles
            if len(common) < SIMILAR * n and self._sizes_up_to(small) <= EXACT_MAX:
                may = self._counts(counted, len(common), n)
                if len(may) <= EXACT_MAX:
                    break
            cap *= 10
        may = set(may).union(self._docs_up_to(small))
        return {doc: len(shingles.intersection(_unpack(blob))) for doc, blob in self._column("grams", list(may)).items()}

    def _counts(self, grams: list[int], common: int, n: int) -> dict[int, int]:
        """Doc -> how many of `grams` it holds, of the articles that, holding besides every one
        of `common` other shingles, would share SIMILAR of the smaller of theirs and these `n`."""
        return dict(self.db.execute(
            "SELECT g.doc, g.held FROM (SELECT s.doc AS doc, COUNT(*) AS held FROM json_each(?) AS j "
            "JOIN shingles AS s ON s.hash = j.value GROUP BY s.doc) AS g JOIN docs AS d ON d.doc = g.doc "
            "WHERE d.size >= ? AND g.held + ? >= ? * MIN(?, d.size)",
            [json.dumps(grams), MIN_SHINGLES, common, SIMILAR, n]))

    def _sizes_up_to(self, size: int) -> int:
        (found,) = self.db.execute("SELECT COUNT(*) FROM docs WHERE size BETWEEN ? AND ?",
                                   [MIN_SHINGLES, size]).fetchone()
        return found

    def _docs_up_to(self, size: int) -> list[int]:
        return [doc for (doc,) in self.db.execute("SELECT doc FROM docs WHERE size BETWEEN ? AND ?",
                                                  [MIN_SHINGLES, size])]

    def _column(self, column: str, docs: list[int]) -> dict:
        """Doc -> its value of one column of docs (size, grams), 500 docs a query."""
        return {doc: value for i in range(0, len(docs), 500) for doc, value in self.db.execute(
            f"SELECT doc, {column} FROM docs WHERE doc IN ({','.join('?' * len(docs[i:i + 500]))})", docs[i:i + 500])}

    def close(self) -> None:
        self.db.close()


def _open_store(store: Path | None) -> sqlite3.Connection:
    if store is None:
        db = sqlite3.connect(":memory:")
        for statement in _SCHEMA:
            db.execute(statement)
    else:
        db = open_derived(store, STORE_VERSION, _SCHEMA, "docs")
        db.execute("PRAGMA synchronous=NORMAL")   # derived data: an update lost in a crash is read again
    db.execute("CREATE TEMP TABLE staged (doc INTEGER PRIMARY KEY, grams TEXT)")   # add_many's, per connection
    return db


def _key(path: Path | str) -> str:
    """How a file is named in the index: absolute, as the scan and the ingest both name it."""
    return os.path.abspath(path)


def _signature(path: Path) -> tuple | None:
    try:
        return file_signature(path.stat())
    except OSError:
        return None


def _pack(grams: list[int]) -> bytes:
    return array("I", grams).tobytes()


def _unpack(blob: bytes) -> list[int]:
    grams = array("I")
    grams.frombytes(blob)
    return grams.tolist()


def _sig_text(sig: tuple | None) -> str:
    return "" if sig is None else " ".join(map(str, sig))


@dataclass
class ScanMemo:
    """The index a long-lived process (watch, serve) keeps open from one build to the next."""

    folder: Path | None = None
    index: DedupeIndex | None = None
    seen: dict | None = None    # the signatures of the last scan given (articles.Scan), by path


def scan_articles(articles: Path, memo: ScanMemo | None = None, store: Path | None = None,
                  scan: Scan | None = None) -> DedupeIndex:
    """An index of every article under content/articles; unreadable files are skipped
    (`check` reports them).

    Only the files that are new or changed since the index last saw them (size, times, inode)
    are read: the index in `memo`, or the one kept in `store`, knows the rest. Files that are
    gone are dropped from it. `scan`: the listing with signatures when the caller has it (the
    live engine's); with the memo's last one, only the paths whose signature moved are looked at.
    """
    previous = memo.index if memo is not None and memo.folder == articles else None
    index = previous or DedupeIndex(store)
    seen = memo.seen if previous is not None and scan is not None else None
    if seen is not None:
        now = scan.signatures
        gone = [path for path in seen if path not in now]
        check = [Path(path) for path, sig in now.items() if seen.get(path, False) != sig]
        known = index.signatures(check)
    else:
        if scan is not None:
            check = scan.listing.files
        else:   # regular files only: a FIFO would block
            check = find_article_files(articles) if articles.is_dir() else []
        known = index.signatures()
        present = {_key(path) for path in check}
        gone = [path for path in known if path not in present]
    if gone:
        index.remove(gone)
    index.add_many(_fingerprints(check, known, scan))
    if memo is not None:
        memo.folder, memo.index, memo.seen = articles, index, scan.signatures if scan is not None else None
    return index


def _fingerprints(check: list[Path], known: dict[str, str], scan: Scan | None):
    """(path, fingerprint, signature) of each readable file in `check` that the index does not
    know as it is now; made one at a time (a first scan of a large site keeps little in memory)."""
    for path in check:
        sig = scan.signatures.get(str(path)) if scan is not None else _signature(path)
        if sig is None or known.get(_key(path)) == _sig_text(sig):
            continue
        try:
            fm = parse_front_matter(read_regular_text(path), str(path))
        except (OSError, UnicodeDecodeError, NewsdigestError):
            continue
        meta = fm.meta
        yield path, fingerprint(str(meta.get("id") or ""), str(meta.get("url") or ""), fm.body), sig

"""A content-addressed cache of derived data (parsed articles, extraction results).

Keys are hashes of everything the value is derived from, the tool version included, so an
entry can never be stale: a changed input simply has another key. The cache is one SQLite
file under .newsdigest/, safe to delete at any time; a damaged file is discarded and rebuilt.
"""
from __future__ import annotations

import hashlib
import pickle
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from . import __version__


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of newsdigest's own code and data: any change to the tool invalidates every entry,
    even without a version bump (a cached object of an older shape is never reused)."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".toml", ".json", ".txt") and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(*parts: str | bytes) -> str:
    return _cache_key(code_fingerprint(), parts)


def long_part(text: str) -> str:
    """A corpus-long part of a cache key, given as its hash: cache_key memoises its parts, and a
    long watch would keep every such string it was given (about 1 MB per changed build)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# A build asks for about two keys per article, the same ones as the last build for every
# unchanged article: in a long-lived process (watch) hashing them again is a tenth of a second
# per build at 10,000 articles. The cache holds 131,072 keys: a site that asks for more each
# build (past about 60,000 articles) finds none of them again.
@lru_cache(maxsize=1 << 17)
def _cache_key(fingerprint: str, parts: tuple[str | bytes, ...]) -> str:
    h = hashlib.sha256(fingerprint.encode())
    for part in parts:
        h.update(b"\0")
        h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def open_derived(path: Path, version: str, schema: tuple[str, ...], table: str) -> sqlite3.Connection:
    """A SQLite file of derived data (safe to delete: everything in it can be made again), in
    WAL mode with `schema` created. One written for another `version`, or damaged, is deleted
    and made afresh; `table` is the one that tells an empty file from a used one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(3):
        try:
            db = sqlite3.connect(path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            for statement in schema:
                db.execute(statement)
            row = db.execute("SELECT value FROM meta WHERE name = 'code'").fetchone()
            if row is not None and row[0] == version:
                return db
            if row is None and db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
                with db:
                    db.execute("INSERT INTO meta VALUES ('code', ?)", [version])
                return db
            db.close()
        except sqlite3.DatabaseError:
            if attempt:
                raise
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)  # stale or damaged: start afresh
    raise AssertionError("unreachable")


TRIM_SLACK = 100   # unused entries a kind may hold beyond a fifth of the used ones


def _trim_due(count: int, keep: set[str]) -> bool:
    return count > len(keep) * 5 // 4 + TRIM_SLACK


class Cache:
    def __init__(self, path: Path | None):
        """path None: a cache that remembers nothing (for --clean builds and tests)."""
        self.path = path
        self.db: sqlite3.Connection | None = None
        if path is not None:
            self.db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        # Every key holds the code's hash: a file written by another version of newsdigest has
        # no entry that can be used again; dropping it is instant, while keeping its entries
        # would grow the file with every upgrade (and slow every write into it).
        return open_derived(path, code_fingerprint(), (
            "CREATE TABLE IF NOT EXISTS entries (kind TEXT, key TEXT, value BLOB, PRIMARY KEY (kind, key))",),
            "entries")

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, Any]:
        if self.db is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            rows = self.db.execute(f"SELECT key, value FROM entries WHERE kind = ? AND key IN ({','.join('?' * len(chunk))})",
                                   [kind, *chunk])
            for key, value in rows:
                try:
                    found[key] = pickle.loads(value)
                except Exception:  # noqa: BLE001 - an unreadable entry is just a miss
                    pass
        return found

    def get_all(self, kind: str) -> dict[str, Any]:
        if self.db is None:
            return {}
        found = {}
        for key, value in self.db.execute("SELECT key, value FROM entries WHERE kind = ?", [kind]):
            try:
                found[key] = pickle.loads(value)
            except Exception:  # noqa: BLE001 - an unreadable entry is just a miss
                pass
        return found

    def put_many(self, kind: str, items: dict[str, Any]) -> None:
        if self.db is None or not items:
            return
        # A generator: each value is pickled as SQLite takes it, never all of them at once (a
        # cold build puts every article, as large again as the articles themselves).
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO entries (kind, key, value) VALUES (?, ?, ?)",
                                ((kind, k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items.items()))

    def trim(self, kind: str, keep: set[str]) -> None:
        """prune, once a fifth of the entries of a kind are unused (left by edited or removed
        articles): pruning on every build would cost more than the space it frees."""
        if self._unused_over(kind, keep):
            self.prune(kind, keep)

    def _unused_over(self, kind: str, keep: set[str]) -> bool:
        if self.db is None:
            return False
        (count,) = self.db.execute("SELECT COUNT(*) FROM entries WHERE kind = ?", [kind]).fetchone()
        return _trim_due(count, keep)

    def prune(self, kind: str, keep: set[str]) -> None:
        """Forget entries of a kind that the current content no longer uses."""
        if self.db is None:
            return
        with self.db:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS keep_keys (key TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM keep_keys")
            self.db.executemany("INSERT OR IGNORE INTO keep_keys VALUES (?)", [(k,) for k in keep])
            self.db.execute("DELETE FROM entries WHERE kind = ? AND key NOT IN (SELECT key FROM keep_keys)", [kind])

    # -- around a stage: what the build (and the engine) wraps pure stage functions in --------

    def per_item(self, kind: str, keys: dict[str, str], compute) -> dict[str, Any]:
        """{item: value} for every item of `keys` (item -> cache key): compute(items) is called
        once, for the items not cached, and returns {item: value} for them."""
        cached = self.get_many(kind, keys.values())
        missing = [item for item, key in keys.items() if key not in cached]
        fresh = compute(missing) if missing else {}
        self.put_many(kind, {keys[item]: value for item, value in fresh.items()})
        if fresh:
            self.trim(kind, set(keys.values()))
        return {item: cached[key] if key in cached else fresh[item] for item, key in keys.items()}

    def whole(self, kind: str, key: str, compute, fresh: bool = False) -> Any:
        """compute() unless the value for `key` is cached; only the latest value of a kind is kept.
        `fresh`: compute() even so (for what computing it leaves in a memo; the value is the same)."""
        found = self.get_many(kind, [key]).get(key)
        if fresh and found is not None:
            return compute()
        if found is None:
            found = compute()
            self.put_many(kind, {key: found})
            self.prune(kind, {key})
        return found

    def state(self, kind: str) -> Any:
        """What the last build left of a kind of incremental state (None: start from scratch)."""
        return self.get_many(kind, [kind]).get(kind)

    def keep_state(self, kind: str, value: Any) -> None:
        self.put_many(kind, {kind: value})

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


class HeldCache(Cache):
    """A cache a long-lived process keeps open (the engine of watch and serve): what it reads or
    writes stays in memory as well, so the next build finds the last one's values without SQLite
    or unpickling. Writes reach the file when the process calls flush() (watch does after each
    build is published and reported: pickling and committing the corpus-wide state is no part of
    the time a new article takes to appear), so a one-shot build after it finds them too.
    Values are shared, not copied: stages treat what they get from a cache as read-only."""

    def __init__(self, path: Path | None):
        super().__init__(path)
        self.held: dict[str, dict[str, Any]] = {}
        self.whole_kinds: set[str] = set()   # kinds held in full (get_all has read them)
        self.pending: list[tuple[str, str, Any]] = []   # (operation, kind, argument), in order

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, Any]:
        held = self.held.setdefault(kind, {})
        wanted = list(keys)
        found = {key: held[key] for key in wanted if key in held}
        if len(found) < len(wanted) and kind not in self.whole_kinds:
            # Pending writes are all held: what the file lacks here it lacks for good.
            fetched = super().get_many(kind, (key for key in wanted if key not in found))
            held.update(fetched)
            found.update(fetched)
        return found

    def get_all(self, kind: str) -> dict[str, Any]:
        if kind not in self.whole_kinds:
            self.flush()   # the file must hold every write before it is read whole
            self.held[kind] = super().get_all(kind)
            self.whole_kinds.add(kind)
        return dict(self.held[kind])

    def put_many(self, kind: str, items: dict[str, Any]) -> None:
        if items:
            self.pending.append(("put", kind, dict(items)))
            self.held.setdefault(kind, {}).update(items)

    def trim(self, kind: str, keep: set[str]) -> None:
        self.pending.append(("trim", kind, set(keep)))
        held = self.held.get(kind)
        if held is not None and _trim_due(len(held), keep):
            for key in [k for k in held if k not in keep]:
                del held[key]

    def prune(self, kind: str, keep: set[str]) -> None:
        self.pending.append(("prune", kind, set(keep)))
        held = self.held.get(kind)
        if held is not None:
            for key in [k for k in held if k not in keep]:
                del held[key]

    def flush(self) -> None:
        """Write what the builds since the last flush put, trimmed or pruned, in that order."""
        pending, self.pending = self.pending, []
        for operation, kind, argument in pending:
            if operation == "put":
                super().put_many(kind, argument)
            elif operation == "prune" or self._unused_over(kind, argument):
                super().prune(kind, argument)

    def close(self) -> None:
        self.flush()
        super().close()

    def __getstate__(self) -> dict:
        # The engine's snapshot (snapshot.py): the values, not the connection, nor the writes
        # still pending (the writer flushes them to the file itself: flush_anew).
        return {**self.__dict__, "db": None, "pending": []}

    def reopen(self) -> None:
        """After unpickling: the file again. What it holds is keyed as the held values are, so
        it may be older or newer than they are (another build wrote it since)."""
        if self.path is not None:
            self.db = self._open(self.path)

    def flush_anew(self) -> None:
        """flush() through a connection of this process's own (the snapshot's writer is forked:
        a SQLite connection must not be used on both sides of a fork)."""
        if self.path is not None and self.pending:
            # The inherited connection is kept referenced, never closed here: closing it could
            # checkpoint the file under the other process.
            inherited, self.db = self.db, self._open(self.path)
            try:
                self.flush()
            finally:
                self.db.close()
                self.db = inherited

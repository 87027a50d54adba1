"""The live engine kept between one-shot builds (.newsdigest/engine.pickle).

watch and serve hold an Engine (engine.py) from one build to the next, so a change costs what it
reaches. A one-shot `build` gets the same: it starts from the engine the last one-shot build left
(`restore`) and, once its own site is published, leaves its engine for the next (`keep`). The
engine is written by a forked process while the build returns, so the writing is no part of the
time a build takes; the next build waits for a writer still at work (engine.lock) and reads only
a whole file (written under another name, synced, then renamed over the last one).

Every value the engine holds is keyed by what it was computed from, so an engine left by any
earlier build (however old, whatever changed since) gives the site a clean build gives. Only
another newsdigest (its code's hash), another Python, another snapshot format or another site
folder makes a snapshot unusable: it is then set aside with a one-line note and the build starts
from a fresh engine, as does a file that is damaged or cut short.

Size: the snapshot is about 16 KB an article (160 MB at 10,000). A writer that passes
NEWSDIGEST_SNAPSHOT_MB (default 512, about 32,000 articles; 0: never) stops, leaves a note of
the limit, and the builds after it go without an engine, as before snapshots, until the limit is
raised. A build with no snapshot to start from does not make an engine when its articles would
make one past the limit (wanted): it would hold in memory what no writer could keep (a cold
build of 100,000 articles peaked at 4,957 MB with one, 2,047 MB without). At 10,000 articles a build
holding the engine peaked at 3.9 times the file's size (617 MB, against 388 MB without an engine)
and its writer took 2.3 times more of its own (its pickle memo and the pages it copies): the
default keeps the two under about 3.2 GB together.
"""
from __future__ import annotations

import fcntl
import gc
import json
import os
import pickle
import sys
import time
import zlib
from pathlib import Path

from .articles import ArticleFiles, find_article_files
from .cache import code_fingerprint
from .config import Paths
from .engine import Engine

FORMAT = 1
MAGIC = b"newsdigest engine snapshot\n"
FILE = "engine.pickle"
LOCK = "engine.lock"
TOO_LARGE = "engine.too-large"     # the limit a writer stopped at (JSON)
FAILED = "engine.failed"           # why the last writer failed (one line), shown by the next build
DEFAULT_LIMIT_MB = 512
BYTES_AN_ARTICLE = 16 * 1024   # a snapshot's size an article, about (the bench corpus at 10,000)
WAIT = 120.0   # seconds the next build waits for a writer before it goes on without its snapshot


def limit_bytes() -> int:
    """NEWSDIGEST_SNAPSHOT_MB in bytes (0: no snapshots)."""
    text = os.environ.get("NEWSDIGEST_SNAPSHOT_MB", "").strip()
    try:
        megabytes = float(text) if text else DEFAULT_LIMIT_MB
    except ValueError:
        megabytes = DEFAULT_LIMIT_MB
    return max(0, int(megabytes * 1024 * 1024))


def identity(paths: Paths) -> dict:
    """What a snapshot must have been written by to be read: this code, this Python, this format
    and this site folder (the engine holds absolute paths under it)."""
    return {"format": FORMAT, "code": code_fingerprint(), "python": sys.version, "root": str(paths.root)}


class Unusable(Exception):
    """A snapshot that cannot be used; the message says why."""


def wanted(paths: Paths, count_articles: bool = False) -> bool:
    """Whether builds of this site keep an engine: not when snapshots are off, nor while the
    limit is the one a writer last found too small; with `count_articles`, nor when there is no
    snapshot yet and the article files are too many for one under the limit."""
    limit = limit_bytes()
    if limit == 0:
        return False
    try:
        stopped_at = json.loads((paths.state / TOO_LARGE).read_text())["limit"]
    except (OSError, ValueError, KeyError, TypeError):
        stopped_at = None
    if stopped_at is not None and limit <= stopped_at:
        return False
    if count_articles and not (paths.state / FILE).exists():
        # the load's own listing, once more (0.6 s at 100,000 articles), only while there is no snapshot
        return len(find_article_files(paths.articles)) * BYTES_AN_ARTICLE <= limit
    return True


def restore(paths: Paths, say=print) -> Engine:
    """The engine the last build kept, or a fresh one (with a one-line note through `say` when a
    snapshot was there but cannot be used). Call it holding the build lock."""
    state = paths.state
    _wait_for_writer(state, say)
    try:
        failed = (state / FAILED).read_text().strip()
        (state / FAILED).unlink(missing_ok=True)
        say(f"{state / FAILED}: note: the last build could not keep its engine ({failed}); this build "
            "starts from an older one or a fresh one")
    except OSError:
        pass
    path = state / FILE
    engine = None
    try:
        engine = read(path, paths)
    except FileNotFoundError:
        pass
    except (Unusable, OSError) as exc:
        why = exc.strerror or exc if isinstance(exc, OSError) else exc
        say(f"{path}: note: {why}; this build starts from a fresh engine (it is safe to delete)")
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
    engine = engine or Engine()
    engine.files = ArticleFiles()   # listed once a build, shared by the ingest and the load
    return engine


def discard(paths: Paths) -> None:
    """No snapshot for the next build (`build --clean`: nothing the last builds left is used)."""
    _wait_for_writer(paths.state, print)
    for name in (FILE, FAILED):
        try:
            (paths.state / name).unlink(missing_ok=True)
        except OSError as exc:
            print(f"{paths.state / name}: note: cannot be deleted ({exc.strerror or exc}); delete it by hand")


def read(path: Path, paths: Paths) -> Engine:
    """The engine in a snapshot file. Unusable when it was written by another newsdigest, Python,
    format or site folder, or is damaged or cut short; FileNotFoundError when there is none."""
    with open(path, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise Unusable("not an engine snapshot")
        try:
            length, crc = int.from_bytes(f.read(8), "big"), int.from_bytes(f.read(4), "big")
            header = json.loads(f.read(int.from_bytes(f.read(4), "big")))
        except ValueError as exc:
            raise Unusable(f"damaged header ({exc})") from None
        if not isinstance(header, dict):
            raise Unusable("damaged header")
        mine = identity(paths)
        differs = [k for k in ("format", "code", "python", "root") if header.get(k) != mine[k]]
        if differs:
            what = {"format": "another snapshot format", "code": "another version of newsdigest",
                    "python": "another Python", "root": "another site folder"}
            raise Unusable("written by " + ", ".join(what[k] for k in differs))
        start = f.tell()
        if os.fstat(f.fileno()).st_size != start + length:
            raise Unusable("cut short or damaged (its size is not the one it was written with)")
        enabled = gc.isenabled()
        gc.disable()   # millions of objects, no garbage: the collector's passes would double the time
        checked = _Checked(f)
        try:
            engine = pickle.load(checked)
        except Exception as exc:   # noqa: BLE001 - any damage inside is the same verdict
            raise Unusable(f"damaged ({type(exc).__name__}: {exc})") from None
        finally:
            # What was loaded lives as long as the build: the collector need never walk it
            # (as workers.fork_ready; collector_paused lets it go when the build ends).
            gc.freeze()
            if enabled:
                gc.enable()
        # A changed byte inside a text would still unpickle, into a wrong page: the checksum.
        if f.tell() != start + length or checked.crc != crc or not isinstance(engine, Engine):
            raise Unusable("damaged (its checksum is not the one it was written with)")
    engine.loaded(paths)
    return engine


def keep(paths: Paths, engine: Engine, then=None) -> None:
    """Leave the engine for the next build: a forked process writes it while this one returns,
    then, when it could and `then` is given, runs `then(engine)` (which must not return).
    Call it holding the build lock, after the site is published: the writer takes engine.lock
    before the build lock is let go, so the next build waits for it rather than reading the last
    snapshot. A writer still at work (a build that did not wait for it) keeps its own."""
    state = paths.state
    try:
        lock = open(state / LOCK, "a+")
    except OSError as exc:
        print(f"{state / LOCK}: note: {exc.strerror or exc}; the next build starts from an older engine or a fresh one")
        return
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError as exc:   # no memory or processes to spare: the site is published all the same
        lock.close()
        print(f"{state / FILE}: note: could not start its writer ({exc.strerror or exc}); the next build "
              "starts from an older engine or a fresh one")
        return
    if pid == 0:   # a child that forks the writer and ends, so that no zombie waits on this process
        try:
            if os.fork() == 0:
                _detach()
                try:
                    written = write(paths, engine)
                except BaseException:   # noqa: BLE001 - write() noted what it could; end all the same
                    os._exit(1)
                fcntl.flock(lock, fcntl.LOCK_UN)   # the snapshot is whole: the next build may read it
                if written and then is not None:
                    then(engine)   # the resident engine (resident.py), the next build's if it comes soon
                os._exit(0)
        finally:
            os._exit(0)
    lock.close()   # the writer holds engine.lock now, until it ends (whole, failed or killed)
    os.waitpid(pid, 0)
    global _kept
    _kept = engine


# The engine the last keep() left, held to the end of the process: a one-shot build ends there
# (cli.run), and freeing it object by object took a second and a half at 10,000 articles.
_kept: Engine | None = None


def _detach() -> None:
    """The writer outlives the build: no terminal (a Ctrl-C meant for the next command), and no
    inherited output pipe, which a caller reading the build's output would wait on."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def write(paths: Paths, engine: Engine, limit: int | None = None) -> bool:
    """Write the engine to .newsdigest/engine.pickle (through a temporary file renamed over it)
    and what its held cache has not written yet to the build cache. False, with the reason in
    engine.failed or the limit in engine.too-large, when it could not. The caller holds
    engine.lock (keep's writer does)."""
    state = paths.state
    limit = limit_bytes() if limit is None else limit
    gc.disable()
    for stale in state.glob(FILE + ".*.tmp"):   # left by a writer that was killed: the lock is ours
        stale.unlink(missing_ok=True)
    cache, files, scan = engine.cache, engine.files, engine.scan
    tmp = state / f"{FILE}.{os.getpid()}.tmp"
    try:
        engine.files = engine.scan = None   # the listing is made again by each build; the index is open
        with _Limited(tmp, limit) as out:
            out.write(MAGIC)
            out.write(bytes(12))   # the payload's length and CRC-32, filled in once known
            header = json.dumps(identity(paths)).encode()
            out.write(len(header).to_bytes(4, "big") + header)
            start, out.crc = out.tell(), 0
            pickle.dump(engine, out, protocol=pickle.HIGHEST_PROTOCOL)
            length = out.tell() - start
            out.seek(len(MAGIC))
            out.write(length.to_bytes(8, "big") + out.crc.to_bytes(4, "big"))
            out.sync()
        os.replace(tmp, state / FILE)
        _sync_folder(state)
        (state / TOO_LARGE).unlink(missing_ok=True)
        if cache is not None:
            cache.flush_anew()
        return True
    except TooLarge:
        tmp.unlink(missing_ok=True)
        (state / FILE).unlink(missing_ok=True)   # builds now go without an engine (wanted())
        _note(state / TOO_LARGE, json.dumps({"limit": limit}))
        return False
    except Exception as exc:   # noqa: BLE001 - a full disk, a read-only folder: the next build says so
        tmp.unlink(missing_ok=True)
        _note(state / FAILED, f"{type(exc).__name__}: {exc}")
        return False
    finally:
        engine.files, engine.scan = files, scan


def _note(path: Path, text: str) -> None:
    try:
        path.write_text(text + "\n")
    except OSError:
        pass   # a full disk may not take even this


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TooLarge(Exception):
    pass


class _Limited:
    """A file opened for writing that raises TooLarge past `limit` bytes (0: no limit)."""

    def __init__(self, path: Path, limit: int):
        self.path, self.limit = path, limit

    def __enter__(self) -> "_Limited":
        self.file = open(self.path, "wb")
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    crc = 0   # CRC-32 of what was written since it was last set to 0

    def write(self, data) -> int:
        if self.limit and self.file.tell() + len(data) > self.limit:
            raise TooLarge
        self.crc = zlib.crc32(data, self.crc)
        return self.file.write(data)

    def tell(self) -> int:
        return self.file.tell()

    def seek(self, offset: int) -> None:
        self.file.seek(offset)

    def sync(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())


class _Checked:
    """A file being unpickled, with the CRC-32 of what was read from it."""

    def __init__(self, file):
        self.file, self.crc = file, 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.crc = zlib.crc32(data, self.crc)
        return data

    def readline(self) -> bytes:
        data = self.file.readline()
        self.crc = zlib.crc32(data, self.crc)
        return data

    def readinto(self, buffer) -> int:
        count = self.file.readinto(buffer)
        self.crc = zlib.crc32(memoryview(buffer)[:count], self.crc)
        return count


def write_unless_busy(paths: Paths, engine: Engine) -> None:
    """write(), unless a writer or a build holds engine.lock (what it writes is then the newer)."""
    try:
        with open(paths.state / LOCK, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            write(paths, engine)
    except OSError:
        pass


def _wait_for_writer(state: Path, say) -> None:
    """Until no writer holds engine.lock (its snapshot is then whole), or WAIT seconds: then the
    build goes on with the snapshot there was before that writer."""
    try:
        lock = open(state / LOCK, "a+")
    except OSError:
        return
    with lock:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(lock, fcntl.LOCK_UN)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    say(f"{state / LOCK}: note: the last build's engine is still being written after "
                        f"{WAIT:.0f} s; this build starts from the one before")
                    return
                time.sleep(0.02)

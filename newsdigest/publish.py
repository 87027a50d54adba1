"""Atomic publication of the output folder.

`site` is a symbolic link to one of two complete copies of the site (slots `a` and `b` under
.newsdigest/builds/). A build brings the other slot up to date, then switches the link in one
rename: a reader, web server or deploy tool sees the old site or the new one, never a mix, and
a build that fails or is killed leaves the previous site in place.

Bringing a slot up to date touches only what differs: a file whose bytes did not change is a
hard link to the live site's file (same inode, same mtime), so rsync or S3 sync send only real
changes, and a rebuild after one new article writes a handful of files, not the whole site.
A slot being updated is marked dirty first; a dirty slot (a killed build) is rebuilt from
scratch next time.
"""
from __future__ import annotations

import copy
import fcntl
import hashlib
import json
import operator
import os
import shutil
import time
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from .errors import NewsdigestError, Problem

SLOTS = ("a", "b")
_NO_ENTRY: dict = {}   # what map(manifest.get, ...) gives for a path not there (never changed)
_PATH, _KEY = operator.attrgetter("path"), operator.attrgetter("key")


def safe_relpath(relpath: str) -> str:
    """A relative output path that cannot leave the output folder, or an error."""
    pure = PurePosixPath(relpath)
    if ("\x00" in relpath or "\\" in relpath or pure.is_absolute() or not pure.parts
            or any(part in ("..", ".", "") for part in pure.parts)):
        raise NewsdigestError(Problem("site/" + relpath.replace("\x00", "\\0"),
                                      "refusing to write outside the output folder",
                                      "this is a bug in a template or slug; please report it"))
    return pure.as_posix()


def current_generation(output: Path) -> Path | None:
    """The slot `site` points at, if it is one of ours and exists."""
    if output.is_symlink():
        target = output.resolve()
        return target if target.is_dir() else None
    return None


@dataclass
class BuildStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0

    def add(self, other: "BuildStats") -> None:
        self.written += other.written
        self.unchanged += other.unchanged
        self.removed += other.removed


def _read_manifest(path: Path) -> dict[str, dict]:
    """A slot's manifest (a copy: callers change it). A long-lived process (watch) reads the two
    slots' manifests on every build: the last reading of each file is kept while its signature
    holds, and so is what it wrote itself (_keep_manifest)."""
    try:
        found = _MANIFESTS.get(str(path))
        if found is None or found[0] != _file_signature(path):
            found = (_file_signature(path), json.loads(path.read_text())["files"])
            _keep_manifest(path, *found)
        return dict(found[1])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _file_signature(path: Path) -> tuple:
    st = path.stat()
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def _keep_manifest(path: Path, signature: tuple, files: dict) -> None:
    _MANIFESTS[str(path)] = (signature, files)
    while len(_MANIFESTS) > 4:   # a process builds one site (tests: many, one after another)
        del _MANIFESTS[next(iter(_MANIFESTS))]


_MANIFESTS: dict[str, tuple[tuple, dict]] = {}   # path -> (its signature, its files); one per slot


class ManifestTexts:
    """Each manifest entry's JSON text, kept from one manifest to the next while the entry is
    the same object. Entries are never changed once made, and most of a rebuilt site's are the
    live site's very objects (reuse), so a build serialises only the entries it made (30,000
    entries took 0.03 s each build). A long-lived engine holds one (Engine.manifest_texts); a
    one-shot build has none, and keeps no texts it would never use. Never pickled with the
    engine: the next process's first manifest makes them again."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}      # path -> its entry's text, as last written
        self.entries: dict[str, dict] = {}   # path -> the entry that text was made from

    def __getstate__(self) -> dict:
        return {"texts": {}, "entries": {}}

    def update(self, files: dict[str, dict]) -> dict[str, str]:
        """The text of every entry of `files`, by path (kept for the next call)."""
        texts, last = self.texts, self.entries
        # Looked up in one pass of C (map): a Python loop over every entry took 0.024 s of each
        # drop at 10,000 articles.
        for relpath in list(compress(files, map(operator.is_not, map(last.get, files), files.values()))):
            texts[relpath] = _entry_text(relpath, files[relpath])
        if len(texts) != len(files):   # paths written last time and not now (texts holds all of files')
            for relpath in texts.keys() - files.keys():   # a few (a search shard's files): not a new dict of all
                del texts[relpath]
        self.entries = dict(files)     # holding the entries keeps their ids unique while their texts are kept
        return texts


def _manifest_text(files: dict[str, dict], kept: ManifestTexts | None = None) -> Iterator[str]:
    """json.dumps({"files": files}, separators=(",", ":")) in parts, each entry's text from
    `kept` when given (ManifestTexts). The parts are written as they come: joined and then
    encoded whole, a site of 270,000 files had its manifest (60 MB) three times over at once, at
    the build's very end when its memory is highest."""
    paths = list(files)
    if kept is None:
        def joined(part: list[str]) -> str:
            return ",".join(map(_entry_text, part, map(files.__getitem__, part)))
    else:
        texts = kept.update(files)

        def joined(part: list[str]) -> str:
            return ",".join(map(texts.__getitem__, part))
    yield '{"files":{'
    for start in range(0, len(paths), _MANIFEST_PART):
        yield ("," if start else "") + joined(paths[start:start + _MANIFEST_PART])
    yield "}}"


def _entry_text(relpath: str, entry: dict) -> str:
    return f"{json.dumps(relpath)}:{json.dumps(entry, separators=(',', ':'))}"


_MANIFEST_PART = 5000     # entries joined into one write


@dataclass
class Generation:
    """The next site, built in the slot `site` does not point at. Use as a context manager."""

    output: Path                  # the `site` path that will point at the new slot
    builds: Path                  # .newsdigest/builds
    clean: bool = False           # forget render keys: every page is rendered again
    texts: ManifestTexts | None = None   # the manifest's entry texts, kept by a long-lived engine
    stats: BuildStats = field(default_factory=BuildStats)

    def __post_init__(self) -> None:
        self.previous = current_generation(self.output)
        live = self.previous.name if self.previous is not None and self.previous.parent == self.builds.resolve() else None
        self.live_manifest: dict[str, dict] = _read_manifest(self.builds / f"{live}.json") if live else {}
        if self.previous is not None and live is None:
            self.live_manifest = {}  # `site` points somewhere we did not make: trust nothing there
        self.name = next(s for s in SLOTS if s != live)
        self.path = self.builds / self.name
        self.manifest: dict[str, dict] = {}
        self.committed = False

    # -- preparing the slot --------------------------------------------------------------------

    def __enter__(self) -> "Generation":
        self.builds.mkdir(parents=True, exist_ok=True)
        dirty = self.builds / f"{self.name}.dirty"
        slot_manifest = self.builds / f"{self.name}.json"
        self.slot_manifest: dict[str, dict] = {}
        if self.path.is_dir() and not dirty.exists() and slot_manifest.exists():
            self.slot_manifest = _read_manifest(slot_manifest)
        if not self.slot_manifest and self.path.exists():
            shutil.rmtree(self.path)  # unknown contents (a killed build, or a first run)
        for scratch in self.builds.glob("*.scratch"):  # Pagefind's, left by a killed build of an older version
            shutil.rmtree(scratch, ignore_errors=True)
        dirty.touch()                  # from here until commit, this slot is not a complete site
        slot_manifest.unlink(missing_ok=True)
        self.path.mkdir(parents=True, exist_ok=True)
        self._dirs: set[Path] = {self.path}
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # A failed build leaves its slot dirty; the live site is untouched either way.
        return None

    # -- writing -------------------------------------------------------------------------------

    def _target(self, relpath: str) -> Path:
        target = self.path / relpath
        parent = target.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return target

    def previous_key(self, relpath: str) -> str | None:
        """The render key the live site's file was made with (None after --clean)."""
        entry = self.live_manifest.get(relpath)
        return entry.get("key") if entry and not self.clean else None

    def _place(self, relpath: str, entry: dict, data: bytes | None) -> None:
        """Make the slot's file at relpath hold `entry` (the live file if its sha matches)."""
        live = self.live_manifest.get(relpath)
        mine = self.slot_manifest.get(relpath)
        if live is not None and live["sha"] == entry["sha"] and self.previous is not None:
            entry["ino"] = live.get("ino")
            if mine is not None and mine.get("ino") == live.get("ino") and live.get("ino") is not None:
                self.stats.unchanged += 1           # already the very same file
                return
            target = self._target(relpath)
            tmp = target.with_name(f".{target.name}.link")
            try:
                if mine is None and _new_link(self.previous / relpath, target):
                    self.stats.unchanged += 1
                    return
                tmp.unlink(missing_ok=True)
                os.link(self.previous / relpath, tmp)
                os.replace(tmp, target)
                self.stats.unchanged += 1
                return
            except OSError:
                tmp.unlink(missing_ok=True)         # the live file is gone: write the bytes
                if data is None:
                    raise
        target = self._target(relpath)
        if mine is not None and mine["sha"] == entry["sha"] and target.is_file():
            entry["ino"] = mine.get("ino")
            self.stats.unchanged += 1
            return
        if mine is None and _write_new(target, data, entry):
            self.stats.written += 1
            return
        # The slot's file may be a hard link to the live site's: replace it, never write into it.
        tmp = target.with_name(f".{target.name}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            entry["ino"] = os.fstat(handle.fileno()).st_ino
        os.replace(tmp, target)
        self.stats.written += 1

    def reuse(self, relpath: str) -> bool:
        """Carry the live site's file over unchanged; False if there is none to carry."""
        live = self.live_manifest.get(relpath)
        if live is None or self.previous is None or relpath in self.manifest:
            return False
        mine = self.slot_manifest.get(relpath)
        if mine is not None and live.get("ino") is not None and mine.get("ino") == live["ino"] \
                and mine["sha"] == live["sha"]:
            # The slot's file is the live one already (unchanged for two builds: most of a site):
            # only the manifest entry is made, which is what _place would make of it.
            # The live entry itself when it has its key: entries are never changed once made.
            self.manifest[relpath] = live if "key" in live else {**live, "key": ""}
            self.stats.unchanged += 1
            return True
        # Whatever else the entry records of the file's bytes holds for the same bytes.
        entry = {**{k: v for k, v in live.items() if k != "ino"}, "sha": live["sha"], "key": live.get("key", "")}
        try:
            self._place(relpath, entry, None)
        except OSError:
            return False
        self.manifest[relpath] = entry
        return True

    def carry(self, relpaths, entries: list | None = None) -> list[str]:
        """reuse() for many files; returns those that could not be carried over. `entries`: the
        live manifest's entry of each path, when the caller has them."""
        relpaths = list(relpaths)
        live, slot, manifest = self.live_manifest, self.slot_manifest, self.manifest
        if entries is None:
            entries = list(map(live.get, relpaths, repeat(_NO_ENTRY)))
        left = []
        if self.previous is not None:
            # reuse()'s first case, known by identity: the slot's entry is the live one (the
            # slot has held the live file since the build before: most of a site's files).
            # Found by map and compress (C) over the 260,000 files of a drop at 100,000 articles.
            # An entry is in two manifests only as reuse()'s first case, this one or catch_up
            # put it there, each of which checked that it has its inode and key, and entries
            # never change: the identity alone says so (checking them again was half of this
            # carry's time).
            fast = list(map(operator.is_, map(slot.get, relpaths), entries))
            carried = dict(zip(compress(relpaths, fast), compress(entries, fast)))
            # A path given twice, or in the manifest already, is left to reuse() (which refuses it).
            if len(carried) == fast.count(True) and manifest.keys().isdisjoint(carried):
                manifest.update(carried)
                self.stats.unchanged += len(carried)
                relpaths = compress(relpaths, map(operator.not_, fast))
        for relpath in relpaths:
            if not self.reuse(relpath):
                left.append(relpath)
        return left

    def carry_same(self, outputs: list) -> list:
        """Carry over the live file of every output (with .path and .key) made with the same key
        (reuse); returns the outputs left to make. The keys are compared by map (C): a drop at
        10,000 articles carries some 30,000 outputs."""
        if self.clean or self.previous is None:
            return list(outputs)
        live = self.live_manifest
        paths = list(map(_PATH, outputs))
        entries = list(map(live.get, paths, repeat(_NO_ENTRY)))
        same = list(map(operator.eq, map(dict.get, entries, repeat("key")), map(_KEY, outputs)))
        todo = list(compress(outputs, map(operator.not_, same)))
        left = self.carry(compress(paths, same), list(compress(entries, same)))
        if not left:
            return todo
        left = set(left)
        return [output for output in outputs if output.path in left or (live.get(output.path) or {}).get("key") != output.key]

    def forget(self, relpaths) -> None:
        """Take files out of this build's manifest (carried over, then found to be made again)."""
        for relpath in relpaths:
            self.manifest.pop(relpath, None)

    def write(self, relpath: str, data: bytes, key: str = "") -> None:
        relpath = safe_relpath(relpath)
        if relpath in self.manifest:
            raise NewsdigestError(Problem("site/" + relpath, "two pages would write this same file",
                                          "rename one of the articles or terms that map to it"))
        entry = {"sha": hashlib.sha256(data).hexdigest(), "key": key}
        self._place(relpath, entry, data)
        self.manifest[relpath] = entry

    def worker_view(self) -> "Generation":
        """A copy for writing part of this slot (in a worker process, or a chunk at a time);
        merge() its results back. It shares everything but what it records: copying the live
        site's manifest for each chunk made a rebuild of a large site quadratic."""
        view = copy.copy(self)
        view.manifest, view.stats = {}, BuildStats()
        return view

    def merge(self, manifest: dict[str, dict], stats: BuildStats) -> None:
        """Entries written by worker processes into this same slot."""
        for relpath in manifest:
            if relpath in self.manifest:
                raise NewsdigestError(Problem("site/" + relpath, "two pages would write this same file",
                                              "rename one of the articles or terms that map to it"))
        self.manifest.update(manifest)
        self.stats.add(stats)

    # -- publishing ----------------------------------------------------------------------------

    def remove_stale(self) -> None:
        """Delete the slot's files that this build did not produce (so far)."""
        stale = self.slot_manifest.keys() - self.manifest.keys()
        for relpath in stale:
            self.slot_manifest.pop(relpath, None)
        _delete(self.path, stale)

    def commit(self) -> BuildStats:
        self.remove_stale()
        self.stats.removed = len(self.live_manifest.keys() - self.manifest.keys())
        (self.builds / f"{self.name}.dirty").unlink(missing_ok=True)
        _swap_link(self.output, self.path)
        self.committed = True
        # Written once the new site is live (readers wait for the swap, not for this): a slot
        # without its manifest is one nothing is known of, so a crash right here costs the next
        # build a full render of that slot, never a wrong file (__enter__, previous_key).
        manifest_file = self.builds / f"{self.name}.json"
        tmp = manifest_file.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            out.writelines(_manifest_text(self.manifest, self.texts))
        os.replace(tmp, manifest_file)
        # Entries are never changed once made: the next build reads this dict, not the file.
        _keep_manifest(manifest_file, _file_signature(manifest_file), self.manifest)
        return self.stats


# A file the slot does not have yet (not in its manifest, and a slot holds exactly its manifest)
# is created in place: nobody reads a slot before the symlink swap, and creating one name
# instead of a temporary one plus a rename halves the file-system work of a cold build. O_EXCL
# makes sure that an unexpected file there is never written through; the caller then falls
# back to a temporary file and a rename.

def _write_new(target: Path, data: bytes, entry: dict) -> bool:
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # as open(): the umask applies
    except FileExistsError:
        return False
    try:
        with open(fd, "wb", closefd=True) as handle:
            handle.write(data)
            entry["ino"] = os.fstat(handle.fileno()).st_ino
    except BaseException:
        target.unlink(missing_ok=True)  # never leave a partial file under the final name
        raise
    return True


def _delete(slot: Path, relpaths) -> None:
    """Delete these files of a slot, and the folders they leave empty."""
    parents = set()
    for relpath in relpaths:
        (slot / relpath).unlink(missing_ok=True)
        parents.add((slot / relpath).parent)
    for folder in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        while folder != slot:
            try:
                folder.rmdir()  # only succeeds when empty
            except OSError:
                break
            folder = folder.parent


CATCH_UP_LEAST = 2000   # files the other slot lacks before catch_up brings it up to date
CATCH_UP_LOOK = 500     # files linked between two looks at whether to stop


def catch_up(output: Path, builds: Path, stop: Callable[[], bool] = lambda: False,
             least: int | None = None) -> int:
    """Make the slot `site` does not point at hold the live site's files (hard links), for a
    long-lived process with nothing else to do (watch, idle). The next build fills that slot,
    and it carries a file by identity only where the slot already holds the live one: after a
    build that rewrote most of the site (a template or site.toml change, an upgrade) it linked
    every file again while the editor waited for a page (2.5 s at 10,000 articles; likely the
    58 s of a first drop at 100,000 after an upgrade: docs/benchmarks.md, round 18). Does nothing when fewer than `least` files
    differ (CATCH_UP_LEAST), when a build runs (the build lock is taken) or when the slot is not
    a known one. Stops, with the slot whole, as soon as stop() says so. Returns the files linked
    or removed."""
    least = CATCH_UP_LEAST if least is None else least
    lock = open(builds.parent / "build.lock", "a+")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0
        live_dir = current_generation(output)
        if live_dir is None or live_dir.parent != builds.resolve():
            return 0
        name = next(s for s in SLOTS if s != live_dir.name)
        slot_dir, manifest_file, dirty = builds / name, builds / f"{name}.json", builds / f"{name}.dirty"
        if not slot_dir.is_dir() or dirty.exists() or not manifest_file.exists():
            return 0
        live, slot = _read_manifest(builds / f"{live_dir.name}.json"), _read_manifest(manifest_file)
        if not live or not slot:
            return 0
        # Only an entry with its inode and key is taken as the slot's own (Generation.carry's rule).
        behind = [relpath for relpath in compress(live, map(operator.is_not, map(slot.get, live), live.values()))
                  if live[relpath].get("ino") is not None and "key" in live[relpath]]
        gone = list(slot.keys() - live.keys())
        if len(behind) + len(gone) < least:
            return 0
        dirty.touch()     # until the manifest below says what the slot holds
        done = 0
        _delete(slot_dir, gone)
        for relpath in gone:
            del slot[relpath]
        made: set[Path] = set()
        for n, relpath in enumerate(behind):
            if n % CATCH_UP_LOOK == 0 and stop():
                break
            entry, target = live[relpath], slot_dir / relpath
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            tmp = target.with_name(f".{target.name}.link")
            try:
                tmp.unlink(missing_ok=True)
                os.link(live_dir / relpath, tmp)
                os.replace(tmp, target)
                same = os.stat(target).st_ino == entry["ino"]
            except OSError:
                tmp.unlink(missing_ok=True)
                same = False
            if same:
                slot[relpath] = entry     # the very entry: the next build carries it by identity
            else:                         # the live file is gone or another: the next build writes it
                slot.pop(relpath, None)
                target.unlink(missing_ok=True)
            done += 1
        tmp_manifest = manifest_file.with_suffix(".tmp")
        with tmp_manifest.open("w", encoding="utf-8") as out:
            out.writelines(_manifest_text(slot))
        os.replace(tmp_manifest, manifest_file)
        _keep_manifest(manifest_file, _file_signature(manifest_file), slot)
        dirty.unlink()
        return done + len(gone)
    finally:
        lock.close()


def _new_link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
    except FileExistsError:
        return False
    return True


def _swap_link(output: Path, target: Path) -> None:
    if output.exists() and not output.is_symlink():
        # A real folder from an older tool or a hand copy: keep it aside rather than delete it.
        aside = target.parent.parent / f"previous-site-folder-{time.time_ns()}"
        os.replace(output, aside)
    link = output.with_name(f".{output.name}.link-{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(target, output.parent), link)
    os.replace(link, output)


class BuildLock:
    """One build at a time per site: a second one waits, saying why."""

    def __init__(self, state: Path, announce=print):
        self.file = state / "build.lock"
        self.announce = announce

    def __enter__(self) -> "BuildLock":
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.file, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.announce(f"{self.file}: another newsdigest build is running for this site; waiting for it to finish")
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()

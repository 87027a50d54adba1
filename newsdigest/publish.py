"""Atomic publication of the output folder.

Each build writes a complete new generation under .newsdigest/builds/, then swaps the `site`
symlink to it in one rename: a reader, web server or deploy tool sees the old site or the new
one, never a mix, and a build killed half-way leaves the previous site in place. Files whose
bytes did not change are hard links to the previous generation's files, so their mtime and
inode stay the same and rsync or S3 sync send only real changes.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import NewsdigestError, Problem

MANIFEST = "manifest.json"
KEEP_GENERATIONS = 2  # the current site and the one before, which readers may still be loading


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
    if output.is_symlink():
        target = output.resolve()
        return target if target.is_dir() else None
    return None


@dataclass
class BuildStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class Generation:
    """A site being built. Use as a context manager; call commit() to publish it."""

    output: Path                  # the `site` path that will point at the new generation
    builds: Path                  # .newsdigest/builds
    clean: bool = False           # ignore the previous generation entirely
    stats: BuildStats = field(default_factory=BuildStats)

    def __post_init__(self) -> None:
        self.previous = None if self.clean else current_generation(self.output)
        self.old_manifest: dict[str, dict] = {}
        if self.previous is not None:
            try:
                self.old_manifest = json.loads((self.builds / f"{self.previous.name}.json").read_text())["files"]
            except (OSError, ValueError, KeyError):
                self.old_manifest = {}
        self.manifest: dict[str, dict] = {}

    def __enter__(self) -> "Generation":
        self.builds.mkdir(parents=True, exist_ok=True)
        self.path = self.builds / f"g{time.time_ns()}-{os.getpid()}"
        self.path.mkdir()
        self._dirs: set[Path] = {self.path}
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None and not getattr(self, "committed", False) and self.path.exists():
            shutil.rmtree(self.path, ignore_errors=True)

    # -- writing -------------------------------------------------------------------------

    def _target(self, relpath: str) -> Path:
        target = self.path / safe_relpath(relpath)
        parent = target.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return target

    def previous_key(self, relpath: str) -> str | None:
        """The render key recorded for relpath by the previous build, if its file is reusable."""
        entry = self.old_manifest.get(relpath)
        return entry.get("key") if entry else None

    def reuse(self, relpath: str) -> bool:
        """Carry relpath over from the previous generation unchanged; False if that is impossible."""
        entry = self.old_manifest.get(relpath)
        if entry is None or self.previous is None or relpath in self.manifest:
            return False
        try:
            os.link(self.previous / relpath, self._target(relpath))
        except OSError:
            return False
        self.manifest[relpath] = entry
        self.stats.unchanged += 1
        return True

    def write(self, relpath: str, data: bytes, key: str = "") -> None:
        relpath = safe_relpath(relpath)
        if relpath in self.manifest:
            raise NewsdigestError(Problem("site/" + relpath, "two pages would write this same file",
                                          "rename one of the articles or terms that map to it"))
        digest = hashlib.sha256(data).hexdigest()
        old = self.old_manifest.get(relpath)
        entry = {"sha": digest, "key": key}
        if old is not None and old.get("sha") == digest and self.previous is not None:
            try:
                os.link(self.previous / relpath, self._target(relpath))
                self.manifest[relpath] = entry
                self.stats.unchanged += 1
                return
            except OSError:
                pass  # the old file is gone or unreadable: write it anew
        self._target(relpath).write_bytes(data)
        self.manifest[relpath] = entry
        self.stats.written += 1

    # -- publishing ------------------------------------------------------------------------

    def commit(self) -> BuildStats:
        self.stats.removed = len(set(self.old_manifest) - set(self.manifest))
        manifest_file = self.builds / f"{self.path.name}.json"
        tmp = manifest_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"files": self.manifest}, sort_keys=True))
        os.replace(tmp, manifest_file)
        _swap_link(self.output, self.path)
        self.committed = True  # live now: __exit__ must not remove it, even if pruning is interrupted
        prune(self.builds, keep={self.path.name, self.previous.name if self.previous else ""})
        return self.stats


def _swap_link(output: Path, target: Path) -> None:
    if output.exists() and not output.is_symlink():
        # A real folder from an older tool or a hand copy: keep it aside rather than delete it.
        aside = target.parent / f"previous-site-folder-{time.time_ns()}"
        os.replace(output, aside)
    link = output.with_name(f".{output.name}.link-{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(target, output.parent), link)
    os.replace(link, output)


def prune(builds: Path, keep: set[str]) -> None:
    """Remove generations other than those kept, including half-written ones of killed builds."""
    gens = sorted((p for p in builds.iterdir() if p.is_dir() and p.name.startswith("g")), key=lambda p: p.name)
    for gen in gens:
        if gen.name in keep:
            continue
        shutil.rmtree(gen, ignore_errors=True)
        (builds / f"{gen.name}.json").unlink(missing_ok=True)
    for stale in builds.glob("*.tmp"):
        stale.unlink(missing_ok=True)


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

"""Watch mode: rebuild when content/, templates/ or site.toml change.

The file-system handler only records what changed; a loop waits until changes settle (no new
event for a short while), then runs one build. A failed build is reported and the last good
site stays published (and served). Inbox files still being written are left for a later pass.
"""
from __future__ import annotations

import ctypes
import gc
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .config import Paths
from .errors import NewsdigestError, Report, display_path
from .pipeline import BuildOptions, BuildResult, Session, build

DEBOUNCE = 0.3          # seconds without a new event before a rebuild starts
INBOX_SETTLE = 1.0      # an inbox file must be unchanged this long before it is ingested
TEMPORARY_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp", ".swx", "~")


def classify(path: Path, paths: Paths) -> str | None:
    """What kind of change a path is: config, template, inbox or content; None to ignore.

    content/raw and content/inbox/rejected only receive files the ingest itself moves there.
    """
    name = path.name
    if name.startswith(".") or name.endswith(TEMPORARY_SUFFIXES) or name.startswith("#"):
        return None
    if path == paths.config:
        return "config"
    for kind, folder in (("template", paths.templates), ("ignore", paths.raw),
                         ("ignore", paths.inbox / "rejected"), ("inbox", paths.inbox), ("content", paths.content)):
        if path == folder or path.is_relative_to(folder):
            return None if kind == "ignore" else kind
    return None


class ChangeRecorder(FileSystemEventHandler):
    """Records changed paths by kind; never builds itself."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self.lock = threading.Lock()
        self.pending: dict[Path, str] = {}
        self.last_event = 0.0
        self.wake = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(raw if isinstance(raw, str) else raw.decode())
            kind = classify(path, self.paths)
            if kind is not None:
                with self.lock:
                    self.pending[path] = kind
                    self.last_event = time.monotonic()
                self.wake.set()

    def take(self) -> dict[Path, str]:
        with self.lock:
            changes, self.pending = self.pending, {}
            self.wake.clear()
            return changes

    def forget_own_writes(self, content_read_at: float) -> None:
        """Drop the events a finished build caused itself, so that it is not followed by a
        build with nothing to do: the ingest writes articles (older than the moment the build
        began reading them) and moves inbox files away. A file changed after that moment, or
        any other change, stays pending."""
        with self.lock:
            for path, kind in list(self.pending.items()):
                try:
                    changed = path.stat().st_mtime
                except OSError:
                    if kind == "inbox":  # moved into content/raw by the ingest
                        del self.pending[path]
                    continue
                if kind == "content" and changed < content_read_at:
                    del self.pending[path]
            if not self.pending:
                self.wake.clear()

    def quiet_for(self) -> float:
        with self.lock:
            return time.monotonic() - self.last_event


@dataclass
class BuildEvents:
    """Where watch mode reports each build: the serve mode's live reload listens here."""

    on_success: Callable[[BuildResult], None] = lambda result: None
    on_failure: Callable[[str], None] = lambda message: None


def next_inbox_pass(paths: Paths, settle: float, build_started: float) -> float | None:
    """When to look at the inbox again (a time.time() value), or None.

    A file that was too young when the last build started was left in the inbox; it is due
    once it has been unchanged for `settle` seconds, however long that build took. Files that
    were already old enough then were handled (or set aside) by that build: no loop on them.
    """
    if not paths.inbox.is_dir():
        return None
    due = []
    for path in paths.inbox.iterdir():
        try:
            if path.is_file() and classify(path, paths) == "inbox":
                mtime = path.stat().st_mtime
                if build_started - mtime < settle:
                    due.append(mtime + settle)
        except OSError:
            continue
    return max(min(due), time.time()) + 0.05 if due else None


def release_memory() -> None:
    """Give the memory a finished build freed back to the system: watch mode runs build after
    build in one process, and glibc would keep the freed heap (about 50 MB between builds of
    a 3,000-article site). See docs/reliability.md, "Soak", for the resident size over time."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def describe(changes: dict[Path, str], root: Path, shown: int = 3) -> str:
    """"content/inbox/a.txt, templates/base.html (+2 more)": what set a build off."""
    names = sorted(display_path(path, root) for path in changes)
    more = f" (+{len(names) - shown} more)" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def run_build(paths: Paths, events: BuildEvents, settle: float, session: Session | None = None) -> BuildResult | None:
    report = Report()
    if session is not None and session.changes:
        print(f"changed: {describe(session.changes, paths.root)}", flush=True)
    try:
        result = build(paths, BuildOptions(inbox_min_age=settle), report, session)
    except NewsdigestError as exc:
        message = "\n".join(str(p) for p in exc.problems)
        print(message, file=sys.stderr)
        print("build failed; the last good site is still published", file=sys.stderr)
        events.on_failure(message)
        return None
    except Exception as exc:  # noqa: BLE001 - watch mode must survive any failed build
        message = f"unexpected error: {exc.__class__.__name__}: {exc}"
        traceback.print_exc()
        print("build failed; the last good site is still published", file=sys.stderr)
        events.on_failure(message)
        return None
    print(f"rebuilt: {result.summary()}", flush=True)
    events.on_success(result)
    return result


def watch(paths: Paths, stop: threading.Event, events: BuildEvents | None = None,
          debounce: float = DEBOUNCE, settle: float = INBOX_SETTLE, initial_build: bool = True) -> None:
    """Build, then rebuild on every settled batch of changes until `stop` is set."""
    events = events or BuildEvents()
    recorder = ChangeRecorder(paths)
    session = Session()          # what this process keeps from one build to the next
    observer = Observer()
    observer.schedule(recorder, str(paths.root), recursive=False)   # site.toml; content/ or templates/ appearing
    watched: set[Path] = set()

    def watch_folders() -> None:
        for folder in (paths.content, paths.templates):
            if folder not in watched and folder.is_dir():
                observer.schedule(recorder, str(folder), recursive=True)
                watched.add(folder)

    def build_once() -> float | None:
        """One build; returns when (time.monotonic()) to look at the inbox again, if ever."""
        started = time.time()
        built = run_build(paths, events, settle, session)
        release_memory()
        if built is not None:
            recorder.forget_own_writes(built.content_read_at)
        # Files still being written were left in the inbox: look again once they have settled.
        next_pass = next_inbox_pass(paths, settle, started)
        return time.monotonic() + (next_pass - time.time()) if next_pass is not None else None

    watch_folders()
    observer.start()
    try:
        recheck_at = build_once() if initial_build else None
        while not stop.is_set():
            timeout = 0.5 if recheck_at is None else max(0.05, min(0.5, recheck_at - time.monotonic()))
            recorder.wake.wait(timeout)
            due = recheck_at is not None and time.monotonic() >= recheck_at
            if not recorder.wake.is_set() and not due:
                continue
            while recorder.wake.is_set() and recorder.quiet_for() < debounce and not stop.is_set():
                time.sleep(debounce / 3)
            if stop.is_set():
                break
            # The build reads the files on disk; the change set tells it (and the log) what moved.
            session.changes = recorder.take()
            watch_folders()
            recheck_at = build_once()
    finally:
        observer.stop()
        observer.join(timeout=5)


def run(paths: Paths) -> int:
    """`build.py watch`: rebuild on every change until Ctrl-C (`serve` adds an HTTP server around it)."""
    stop = threading.Event()
    print(f"watching {paths.root} (Ctrl-C to stop)", flush=True)
    try:
        watch(paths, stop)
    except KeyboardInterrupt:
        stop.set()
    return 0

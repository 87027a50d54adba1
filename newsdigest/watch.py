"""Watch mode: rebuild when content/, templates/ or site.toml change.

The file-system handler only records what changed; a loop waits until changes settle (no new
event for a short while), then runs one build. A failed build is reported and the last good
site stays published (and served). An inbox file known whole (closed after writing, or renamed
in) is ingested at once; one still being written waits until it has settled, and starts no build
before then. What a build writes itself never sets off another.
"""
from __future__ import annotations

import ctypes
import gc
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .articles import ArticleFiles
from .config import Paths
from .errors import NewsdigestError, Report, display_path
from .engine import Engine
from .pipeline import BuildOptions, BuildResult, build
from .publish import catch_up

DEBOUNCE = 0.3          # seconds without a new event before a rebuild starts
COMPLETE_DEBOUNCE = 0.05  # ... when the only changes are inbox files known to be whole
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


def inbox_state(state: str | None, event: str, arrivals_whole: bool = True) -> str | None:
    """What is known of an inbox file after one more event: "complete" (closed after writing,
    renamed or linked in), "writing", "read" (complete, but opened: a writer may follow), or
    None (gone). Only "complete" lets a file skip the settle delay.

    With inotify (`arrivals_whole`), "created" alone is a rename from outside the watched
    folders (inotify reports it so) or a hard link: the file is whole. A writer's open(O_CREAT)
    sends "opened" in the same system call, so the debounce always sees it before the file is
    taken. Other observers send no open events: there a created file waits for the settle delay.
    """
    if event in ("closed", "moved_in") or (event == "created" and arrivals_whole):
        return "complete"
    if event in ("deleted", "moved"):                # "moved": renamed away from this path
        return None
    if event == "opened":
        return "read" if state == "complete" else "writing"
    if event == "closed_no_write":
        return "complete" if state == "read" else state
    if event in ("modified", "created"):
        return "writing"
    return state


@dataclass(frozen=True)
class Batch:
    """One take of the recorder: changed paths by kind, and which inbox files are known whole."""

    changes: dict[Path, str]
    complete: frozenset[Path]


class ChangeRecorder(FileSystemEventHandler):
    """Records changed paths by kind, and what state each inbox file is in; never builds itself."""

    def __init__(self, paths: Paths, arrivals_whole: bool = True, files: ArticleFiles | None = None):
        self.paths = paths
        self.arrivals_whole = arrivals_whole  # the observer reports opens: see inbox_state()
        self.files = files                    # told of every content path that changes
        self.lock = threading.Lock()
        self.pending: dict[Path, str] = {}
        self.inbox: dict[Path, str] = {}     # inbox file -> inbox_state()
        self.last_event = 0.0
        self.wake = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory and event.event_type == "modified":
            return
        for role, raw in (("src", event.src_path), ("dest", getattr(event, "dest_path", ""))):
            if not raw:
                continue
            path = Path(raw if isinstance(raw, str) else raw.decode())
            kind = classify(path, self.paths)
            if kind is None:
                continue
            with self.lock:
                if kind == "inbox" and not event.is_directory:
                    state = inbox_state(self.inbox.get(path), "moved_in" if role == "dest" else event.event_type,
                                        self.arrivals_whole)
                    if state is None:
                        self.inbox.pop(path, None)
                    else:
                        self.inbox[path] = state
                if event.event_type in ("opened", "closed_no_write"):   # reading changes nothing
                    continue
                if kind == "content" and self.files is not None:
                    self.files.note(path)
                self.pending[path] = kind
                self.last_event = time.monotonic()
            self.wake.set()

    def take(self) -> Batch:
        with self.lock:
            changes, self.pending = self.pending, {}
            self.wake.clear()
            return Batch(changes, self.complete())

    def complete(self) -> frozenset[Path]:
        return frozenset(path for path, state in self.inbox.items() if state == "complete")

    def debounce_for(self, debounce: float) -> float:
        """The quiet time to wait for: short when every pending change is an inbox file known
        whole (only long enough to gather a batch of renames), `debounce` otherwise."""
        with self.lock:
            whole = self.pending and all(self.inbox.get(path) == "complete" for path in self.pending)
        return COMPLETE_DEBOUNCE if whole else debounce

    def add(self, changed: list[str]) -> None:
        """Content paths found changed without an event (ArticleFiles.check): a build follows."""
        with self.lock:
            self.pending.update((Path(path), "content") for path in changed)
            self.last_event = time.monotonic()
        self.wake.set()

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
                        self.inbox.pop(path, None)
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


def inbox_waiting(paths: Paths) -> list[Path]:
    """The files in content/inbox (and its sub-folders) watch waits for: what the ingest takes,
    less the temporary names a writer renames from (.part, .tmp, ~) and links to no file."""
    if not paths.inbox.is_dir():
        return []
    return [path for path in paths.inbox.rglob("*")
            if classify(path, paths) == "inbox" and path.is_file()]


def _settled_at(files, settle: float, since: float) -> float | None:
    """When (time.time()) the first of `files` younger than `settle` at `since` has been unchanged for `settle`."""
    due = []
    for path in files:
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        if since - mtime < settle:
            due.append(mtime + settle)
    return max(min(due), time.time()) + 0.05 if due else None


def next_inbox_pass(paths: Paths, settle: float, build_started: float) -> float | None:
    """When to look at the inbox again (a time.time() value), or None.

    A file that was too young when the last build started was left in the inbox; it is due
    once it has been unchanged for `settle` seconds, however long that build took. Files that
    were already old enough then were handled (or set aside) by that build: no loop on them.
    """
    return _settled_at(inbox_waiting(paths), settle, build_started)


def worth_a_build(batch: Batch, settle: float) -> bool:
    """Whether a batch of changes calls for a build now. Anything outside the inbox does; inbox
    changes only when a file there can be ingested (known whole, or unchanged for `settle`
    seconds). A file still being written would only give a build with nothing to do."""
    now = time.time()
    for path, kind in batch.changes.items():
        if kind != "inbox" or path in batch.complete:
            return True
        try:
            if path.is_file() and now - path.stat().st_mtime >= settle:
                return True
        except OSError:
            continue
    return False


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


def run_build(paths: Paths, events: BuildEvents, settle: float, engine: Engine | None = None,
              complete: frozenset[Path] = frozenset(), changes: dict[Path, str] | None = None) -> BuildResult | None:
    """One build, reported in one line ("rebuilt: ...; ingested X -> /articles/..."), or the
    problems that stopped it. Listeners (serve's open pages) hear of the build before its line is
    printed, so whoever reads the line can count on the served state being that build's."""
    report = Report()
    try:
        result = build(paths, BuildOptions(inbox_min_age=settle, inbox_complete=complete, say_written=False),
                       report, engine)
    except NewsdigestError as exc:
        message = "\n".join(str(p) for p in exc.problems)
        events.on_failure(message)
        print(message, file=sys.stderr)
        print(f"build failed{_after(changes, paths)}; the last good site is still published", file=sys.stderr)
        return None
    except Exception as exc:  # noqa: BLE001 - watch mode must survive any failed build
        message = f"unexpected error: {exc.__class__.__name__}: {exc}"
        events.on_failure(message)
        traceback.print_exc()
        print(f"build failed{_after(changes, paths)}; the last good site is still published", file=sys.stderr)
        return None
    events.on_success(result)
    print(f"rebuilt: {result.summary()}{_what(result, changes, paths)}", flush=True)
    return result


def _what(result: BuildResult, changes: dict[Path, str] | None, paths: Paths, shown: int = 3) -> str:
    """What a build published: the articles ingested (inbox file -> page), else what changed."""
    if result.ingested:
        more = f" (+{len(result.ingested) - shown} more)" if len(result.ingested) > shown else ""
        return "; ingested " + ", ".join(f"{source} -> {url}" for source, url in result.ingested[:shown]) + more
    others = {path: kind for path, kind in (changes or {}).items() if kind != "inbox"}
    return f"; changed {describe(others, paths.root)}" if others else ""


def _after(changes: dict[Path, str] | None, paths: Paths) -> str:
    return f" after changes to {describe(changes, paths.root)}" if changes else ""


def watch(paths: Paths, stop: threading.Event, events: BuildEvents | None = None,
          debounce: float = DEBOUNCE, settle: float = INBOX_SETTLE, initial_build: bool = True) -> None:
    """Build, then rebuild on every settled batch of changes until `stop` is set."""
    events = events or BuildEvents()
    # watchdog's inotify observer warns when a new folder's subfolder (content/raw/2024/08, made
    # at once by the ingest) is watched twice; the second watch is harmless, the warning noise.
    warnings.filterwarnings("ignore", message="Callback with id", category=RuntimeWarning)
    observer = Observer()
    engine = Engine(files=ArticleFiles())   # what this process keeps from one build to the next
    recorder = ChangeRecorder(paths, arrivals_whole=_reports_opens(observer), files=engine.files)
    observer.schedule(recorder, str(paths.root), recursive=False)   # site.toml; content/ or templates/ appearing
    watched: set[Path] = set()

    def watch_folders() -> None:
        for folder in (paths.content, paths.templates):
            if folder not in watched and folder.is_dir():
                observer.schedule(recorder, str(folder), recursive=True)
                watched.add(folder)
                engine.files.forget()   # what changed before it was watched is unknown

    def build_once(complete: frozenset[Path] = frozenset(), changes: dict[Path, str] | None = None) -> float | None:
        """One build; returns when (time.monotonic()) to look at the inbox again, if ever."""
        started = time.time()
        built = run_build(paths, events, settle, engine, complete, changes)
        engine.persist()
        release_memory()
        if built is not None:
            recorder.forget_own_writes(built.content_read_at)
        # The build listed only the article files events named; any change an event missed or
        # brought late is found here, once the site is published, and builds next.
        missed = engine.files.check(paths.articles, paths.root)
        if missed:
            recorder.add(missed)
        # Files still being written were left in the inbox: look again once they have settled.
        return _monotonic(next_inbox_pass(paths, settle, started))

    watch_folders()
    observer.start()
    try:
        recheck_at = build_once() if initial_build else None
        if paths.inbox.is_dir():
            count, seconds = engine.index_articles(paths)
            print(f"indexed {count} articles for duplicate checks in {seconds:.1f} s", flush=True)
        else:
            engine.warm_up(paths)
        held: dict[Path, str] = {}   # inbox files still being written: no build until one is ready
        behind = True    # a build ran since the other copy of the site was last brought up to date
        while not stop.is_set():
            timeout = 0.5 if recheck_at is None else max(0.05, min(0.5, recheck_at - time.monotonic()))
            recorder.wake.wait(timeout)
            due = recheck_at is not None and time.monotonic() >= recheck_at
            if not recorder.wake.is_set() and not due:
                if behind:   # idle: what the next build would link file by file, linked now
                    behind = False
                    catch_up_other_copy(paths, recorder.wake.is_set)
                continue
            while recorder.wake.is_set() and recorder.quiet_for() < recorder.debounce_for(debounce) \
                    and not stop.is_set():
                time.sleep(COMPLETE_DEBOUNCE / 2)
            if stop.is_set():
                break
            batch = recorder.take()
            waiting = inbox_waiting(paths) if due else None
            if due:   # files the last build found too young, or a writer has kept open
                held.update((path, "inbox") for path in waiting)
            batch = Batch({**held, **batch.changes}, batch.complete)
            if not worth_a_build(batch, settle):
                held = {path: kind for path, kind in batch.changes.items() if path.exists()}
                waiting = inbox_waiting(paths) if waiting is None else waiting
                recheck_at = _monotonic(_settled_at({*held, *waiting}, settle, time.time()))
                continue
            held = {}
            watch_folders()
            # The build reads the files on disk; the change set tells the log what moved.
            recheck_at = build_once(batch.complete, batch.changes)
            behind = True
    finally:
        observer.stop()
        observer.join(timeout=5)
        engine.close()


def catch_up_other_copy(paths: Paths, stop: Callable[[], bool]) -> int:
    """publish.catch_up, said in one line when it linked anything (a build that rewrote most of
    the site leaves it thousands of files: seconds of work the next change no longer waits for)."""
    started = time.perf_counter()
    try:
        done = catch_up(paths.output, paths.state / "builds", stop)
    except Exception as exc:  # noqa: BLE001 - a head start for the next build must never stop watch
        print(f"could not bring the site's other copy up to date ({exc}); the next build will", flush=True)
        return 0
    if done:
        print(f"site's other copy brought up to date for the next build: {done} files in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    return done


def _reports_opens(observer) -> bool:
    """Whether the observer is inotify's, the one that reports opens and closes (Linux)."""
    try:
        from watchdog.observers.inotify import InotifyObserver
    except (ImportError, OSError):
        return False
    return isinstance(observer, InotifyObserver)


def _monotonic(wall: float | None) -> float | None:
    """A time.time() value as a time.monotonic() one (the loop's clock), None kept."""
    return None if wall is None else time.monotonic() + (wall - time.time())


def run(paths: Paths) -> int:
    """`build.py watch`: rebuild on every change until Ctrl-C (`serve` adds an HTTP server around it)."""
    stop = threading.Event()
    print(f"watching {paths.root} (Ctrl-C to stop)", flush=True)
    try:
        watch(paths, stop)
    except KeyboardInterrupt:
        stop.set()
    return 0

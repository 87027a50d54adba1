"""Watch mode and the inbox, with real file-system events (watchdog's inotify observer) and
watch() running in a thread: a file closed after writing, or renamed in, is ingested at once;
a file held open waits; one drop gives one build. Counts and order are checked, never times:
the settle delay is set far longer than any wait here, so a file ingested within the wait
can only have been taken on its close or rename event.
"""
from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest

from newsdigest.config import Paths
from newsdigest.frontmatter import parse
from newsdigest.pipeline import BuildResult
from newsdigest.watch import BuildEvents, watch
from support.badinput import wire_story
from support.corpus import make_doc, write_site
from support.processes import wait_for

LONG_SETTLE = 600.0    # seconds: far beyond every wait below
QUIET = 3.0            # seconds without a build, after a drop, before the builds are counted


class Watching:
    """watch() on a site folder in a thread; what each build reported."""

    def __init__(self, root: Path, settle: float):
        self.paths = Paths(root.resolve())
        self.stop = threading.Event()
        self.built: list[BuildResult] = []
        self.failed: list[str] = []
        events = BuildEvents(on_success=self.built.append, on_failure=self.failed.append)
        self.thread = threading.Thread(target=watch, args=(self.paths, self.stop, events),
                                       kwargs={"settle": settle}, name="watch", daemon=True)
        self.thread.start()
        wait_for(lambda: self.built, 120, "the first build")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "watch did not stop"
        assert self.failed == [], self.failed

    @property
    def inbox(self) -> Path:
        return self.paths.inbox

    def articles_titled(self, title: str) -> list[Path]:
        return [p for p in self.paths.articles.rglob("*.md")
                if parse(p.read_text(encoding="utf-8"), str(p)).meta.get("title") == title]

    def ingested(self, title: str) -> Path | None:
        found = self.articles_titled(title)
        return found[0] if found else None

    def builds_after_quiet(self) -> int:
        """The number of builds so far, once none has started for QUIET seconds."""
        count = -1
        while count != len(self.built):
            count = len(self.built)
            time.sleep(QUIET)
        return count


def _site(tmp_path: Path) -> Path:
    root = tmp_path / "site-root"
    rng = random.Random(16)
    write_site(root, [make_doc(rng, n) for n in range(6)])
    (root / "content/inbox").mkdir()
    return root


@pytest.fixture
def watching(tmp_path):
    started = []

    def start(settle: float = LONG_SETTLE) -> Watching:
        started.append(Watching(_site(tmp_path), settle))
        return started[-1]

    yield start
    for w in started:
        w.close()


def _raw_copies(w: Watching, name: str) -> list[bytes]:
    return [p.read_bytes() for p in w.paths.raw.rglob(name)]


def test_a_file_written_in_place_and_closed_is_ingested_without_the_settle_delay(watching):
    w = watching()
    name, data, title = wire_story(1, "closed")
    with open(w.inbox / name, "wb") as out:     # written in place, then closed: IN_CLOSE_WRITE
        out.write(data)
    wait_for(lambda: w.ingested(title), 60, f"{name} ingested on its close event (settle is {LONG_SETTLE:.0f} s)")
    assert _raw_copies(w, name) == [data]
    assert not (w.inbox / name).exists()


@pytest.mark.parametrize("origin", ["hidden temporary in the inbox", "folder outside the watched ones"])
def test_a_file_renamed_into_the_inbox_is_ingested_without_the_settle_delay(watching, tmp_path, origin):
    w = watching()
    name, data, title = wire_story(2, "renamed")
    if origin.startswith("hidden"):
        staging = w.inbox / f".{name}.part"             # a download finishing: watchdog reports a move
    else:
        (tmp_path / "outside").mkdir()
        staging = tmp_path / "outside" / name            # inotify reports only the arrival
    staging.write_bytes(data)
    os.rename(staging, w.inbox / name)
    wait_for(lambda: w.ingested(title), 60, f"{name} ingested on its rename (settle is {LONG_SETTLE:.0f} s)")
    assert _raw_copies(w, name) == [data]


def test_a_file_held_open_is_not_ingested_half_written(watching):
    w = watching()
    name, data, title = wire_story(3, "held")
    last = b"\nA closing paragraph that arrived last, for item 3held.\n"
    other_name, other_data, other_title = wire_story(4, "other")
    with open(w.inbox / name, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
        # Another drop sets off a build while the first file is still open: that build must
        # ingest the other file and leave this one alone.
        builds = len(w.built)
        (w.inbox / f".{other_name}.part").write_bytes(other_data)
        os.rename(w.inbox / f".{other_name}.part", w.inbox / other_name)
        wait_for(lambda: w.ingested(other_title) and len(w.built) > builds, 60, "the other drop's build")
        assert (w.inbox / name).read_bytes() == data, "the open file was taken while still being written"
        assert w.ingested(title) is None
        out.write(last)
    # The ingest writes the article, then moves the input into content/raw: wait for both.
    article = wait_for(lambda: _raw_copies(w, name) and w.ingested(title), 60, f"{name} ingested once closed")
    assert "arrived last, for item 3held" in article.read_text(encoding="utf-8")
    assert _raw_copies(w, name) == [data + last]


def test_a_writer_that_keeps_the_file_open_gets_it_ingested_once_settled(watching):
    w = watching(settle=1.0)
    name, data, title = wire_story(5, "keeps")
    with open(w.inbox / name, "wb") as out:      # never closed before the ingest: the settle age decides
        out.write(data)
        out.flush()
        # The ingest writes the article, then moves the input into content/raw: wait for both.
        wait_for(lambda: w.ingested(title) and _raw_copies(w, name), 60,
                 f"{name} ingested once unchanged for the settle delay")
    assert _raw_copies(w, name) == [data]


def _rejected_drop(n: int) -> tuple[str, bytes, str]:
    return f"unreadable-{n}.txt", b"\x00\x01\x02 not an article\n", ""


def test_one_drop_gives_one_build_whatever_the_ingest_does_with_it(watching, tmp_path):
    """Each drop is followed by exactly one build: the ingest's own writes (content/articles,
    content/raw, inbox/rejected), the build's (.newsdigest, site/) and a file too young for the
    settle delay never set off another. The default settle delay, as `build.py watch` runs."""
    w = watching(settle=1.0)
    good = [wire_story(n, "once") for n in range(3)]
    drops = [("write", *good[0]), ("rename", *good[1]), ("write", *good[2]),
             ("rename", f"again-{good[0][0]}", good[0][1], ""),       # a duplicate: into raw/duplicates
             ("write", *_rejected_drop(1))]                              # set aside in inbox/rejected
    before = w.builds_after_quiet()
    for n, (how, name, data, title) in enumerate(drops, 1):
        if how == "write":
            (w.inbox / name).write_bytes(data)
        else:
            (tmp_path / name).write_bytes(data)
            os.rename(tmp_path / name, w.inbox / name)
        wait_for(lambda: not (w.inbox / name).exists() and len(w.built) - before >= n, 60,
                 f"{name} taken from the inbox, and its build done")
        if title:
            assert w.ingested(title)
        assert w.builds_after_quiet() - before == n, [r.summary() for r in w.built]
    assert len(w.articles_titled(good[0][2])) == 1
    assert any(w.paths.raw.glob("duplicates/*/*/again-*"))
    assert (w.inbox / "rejected" / "unreadable-1.txt").is_file()
    assert [r.stats.written > 0 for r in w.built[-len(drops):]] == [True, True, True, False, False]


def test_an_idle_watch_links_the_live_site_into_the_other_copy_after_a_change_that_rewrote_it(watching,
                                                                                             monkeypatch, capsys):
    """A change that rewrites every page (here site.toml's title) leaves the copy of the site the
    next build fills holding the old pages, and that build linked each live file there again
    while the editor waited for a page. Watch, once idle, links them (publish.catch_up): every
    file of the other copy is then the live one, and the catch-up sets off no build."""
    from newsdigest import publish
    from newsdigest.publish import current_generation
    monkeypatch.setattr(publish, "CATCH_UP_LEAST", 1)   # the site is small
    w = watching(settle=1.0)
    before = w.builds_after_quiet()
    config = w.paths.root / "site.toml"
    config.write_text(config.read_text().replace('title = "Test digest"', 'title = "Test digest, weekly"'))
    wait_for(lambda: len(w.built) > before, 60, "the build after site.toml changed")
    assert w.built[-1].stats.written > 10        # every page shows the title
    assert w.builds_after_quiet() == before + 1
    live = current_generation(w.paths.output)
    other = live.parent / ("a" if live.name == "b" else "b")
    files = [p.relative_to(live) for p in live.rglob("*") if p.is_file()]
    assert files and all((other / rel).stat().st_ino == (live / rel).stat().st_ino for rel in files)
    assert "site's other copy brought up to date for the next build" in capsys.readouterr().out

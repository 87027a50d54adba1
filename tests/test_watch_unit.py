"""newsdigest.watch: which changes count, and when the inbox is looked at again."""
from __future__ import annotations

import os
import time

from newsdigest.config import Paths
from newsdigest.watch import classify, next_inbox_pass


def test_a_file_too_young_for_a_slow_build_gets_another_pass(tmp_path):
    paths = Paths(tmp_path)
    paths.inbox.mkdir(parents=True)
    drop = paths.inbox / "story.txt"
    drop.write_text("x")
    started = time.time()                 # a build started right after the drop and ran long
    os.utime(drop, (started - 0.2, started - 0.2))
    due = next_inbox_pass(paths, settle=1.0, build_started=started)
    assert due is not None and due <= max(started + 0.85, time.time()) + 0.1
    # A file that was already settled when the build started was that build's to handle: no loop.
    os.utime(drop, (started - 3, started - 3))
    assert next_inbox_pass(paths, settle=1.0, build_started=started) is None


def test_what_the_ingest_writes_itself_is_ignored(tmp_path):
    paths = Paths(tmp_path)
    assert classify(paths.raw / "2024/01/a.txt", paths) is None
    assert classify(paths.inbox / "rejected" / "a.txt", paths) is None
    assert classify(paths.inbox / "a.txt", paths) == "inbox"
    assert classify(paths.inbox / ".a.txt.part", paths) is None
    assert classify(paths.config, paths) == "config"


def test_a_build_does_not_trigger_another_build_with_its_own_writes(tmp_path):
    from watchdog.events import FileCreatedEvent, FileDeletedEvent, FileModifiedEvent

    from newsdigest.watch import ChangeRecorder

    paths = Paths(tmp_path)
    (paths.articles / "2024/01").mkdir(parents=True)
    paths.inbox.mkdir(parents=True)
    written = paths.articles / "2024/01/ingested.md"     # by the build's ingest, before it read the articles
    written.write_text("x")
    edited = paths.articles / "2024/01/edited.md"        # by the editor, while the build was rendering
    edited.write_text("y")
    deleted = paths.articles / "2024/01/deleted.md"      # by the editor too: cannot tell when, so it counts
    fresh_drop = paths.inbox / "late.txt"                # dropped while the build ran: still to ingest
    fresh_drop.write_text("z")
    read_at = time.time()
    os.utime(written, (read_at - 5, read_at - 5))
    os.utime(edited, (read_at + 1, read_at + 1))

    recorder = ChangeRecorder(paths)
    for event in (FileCreatedEvent(str(written)), FileDeletedEvent(str(paths.inbox / "moved.txt")),
                  FileModifiedEvent(str(edited)), FileDeletedEvent(str(deleted)), FileCreatedEvent(str(fresh_drop))):
        recorder.on_any_event(event)
    recorder.forget_own_writes(read_at)
    assert set(recorder.take().changes) == {edited, deleted, fresh_drop}

    recorder.on_any_event(FileCreatedEvent(str(written)))
    recorder.forget_own_writes(read_at)
    assert not recorder.wake.is_set() and recorder.take().changes == {}


def _states(events, arrivals_whole=True):
    from newsdigest.watch import inbox_state
    state, seen = None, []
    for event in events:
        state = inbox_state(state, event, arrivals_whole)
        seen.append(state)
    return seen


def test_what_the_events_say_of_an_inbox_file():
    # written in place by cp or a scraper: complete only once closed after writing
    assert _states(["created", "opened", "modified", "modified", "closed"]) == \
        ["complete", "read", "writing", "writing", "complete"]
    # created and held open, nothing written yet: not complete
    assert _states(["created", "opened"])[-1] != "complete"
    # renamed in from outside the watched folders (inotify: a bare arrival), or from a .part
    assert _states(["created"]) == ["complete"] and _states(["moved_in"]) == ["complete"]
    # read by someone (the ingest, a virus scanner) and closed unchanged: still complete
    assert _states(["moved_in", "opened", "closed_no_write"]) == ["complete", "read", "complete"]
    # a complete file opened again and appended to: being written until closed
    assert _states(["closed", "opened", "modified"])[-1] == "writing"
    # a reader of a file still being written does not make it complete
    assert _states(["created", "opened", "modified", "opened", "closed_no_write"])[-1] == "writing"
    assert _states(["closed", "deleted"])[-1] is None and _states(["closed", "moved"])[-1] is None
    # observers without open events (polling, macOS): a created file waits for the settle delay
    assert _states(["created"], arrivals_whole=False) == ["writing"]
    assert _states(["created", "modified"], arrivals_whole=False)[-1] == "writing"


def test_a_change_set_of_unsettled_inbox_files_calls_for_no_build(tmp_path):
    from newsdigest.watch import Batch, worth_a_build
    paths = Paths(tmp_path)
    paths.inbox.mkdir(parents=True)
    young, old, whole = paths.inbox / "young.txt", paths.inbox / "old.txt", paths.inbox / "whole.txt"
    for path in (young, old, whole):
        path.write_text("x")
    os.utime(old, (time.time() - 60, time.time() - 60))
    assert not worth_a_build(Batch({young: "inbox", paths.inbox / "gone.txt": "inbox"}, frozenset()), settle=30)
    assert worth_a_build(Batch({young: "inbox", whole: "inbox"}, frozenset({whole})), settle=30)
    assert worth_a_build(Batch({old: "inbox"}, frozenset()), settle=30)
    assert worth_a_build(Batch({young: "inbox", paths.templates / "base.html": "template"}, frozenset()), settle=30)

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

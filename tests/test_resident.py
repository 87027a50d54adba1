"""The resident engine (resident.py): the process that kept a one-shot build's engine stays, and
the `build` commands run while it does hand it their build. Run as a user runs them, one
process per command: each handed build publishes what a clean build makes, prints what the
build would print and exits as it would; a failed build, `build --clean`, another newsdigest
and idleness each end the resident, which saves its engine when it leaves idle.

The other tests run with no resident (conftest.py sets NEWSDIGEST_RESIDENT_SECONDS=0); these set
their own.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdigest import resident, snapshot
from newsdigest.config import Paths

from support.corpus import CHANGES, make_doc, random_change, write_site
from test_engine import acronym_and_dam_site, assert_clean
from test_snapshot import kept_engine, merge_join_split_delete

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def residents(root: Path) -> list[int]:
    return resident.processes(root / ".newsdigest")


def gone(pids: list[int], limit: float = 60.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.1)
    return False


def up(root: Path, limit: float = 60.0) -> list[int]:
    """The site's resident once it listens (its writer writes the snapshot first)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        pids = residents(root)
        if pids and (root / ".newsdigest" / resident.SOCKET).exists():
            return pids
        time.sleep(0.05)
    raise AssertionError("no resident engine started")


@pytest.fixture
def sites(tmp_path):
    """Site folders under tmp_path; their residents are sent away at the end of the test."""
    yield tmp_path
    pids = []
    for sock in tmp_path.rglob(resident.SOCKET):
        pids += residents(sock.parent.parent)
        sock.unlink(missing_ok=True)
    assert gone(pids), "a resident engine outlived its socket"


def build_command(root: Path, *args: str, idle: str = "120", cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEWSDIGEST_RESIDENT_SECONDS": idle}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), "build", "--timings", *args],
                          capture_output=True, text=True, timeout=600, env=env, cwd=cwd)


def served(done: subprocess.CompletedProcess) -> bool:
    """Whether the resident made the build: a build in its own process restores an engine first."""
    assert "built " in done.stdout, done.stdout + done.stderr
    return "restore engine" not in done.stdout


def test_builds_handed_to_the_resident_match_clean_builds(sites):
    """Random adds, edits, deletions and inbox files, each built by a `build` command that hands
    the build to the resident the first one left."""
    rng = random.Random(20261205)
    root = sites / "site-root"
    docs = [make_doc(rng, n) for n in range(30)]
    write_site(root, docs)
    first = build_command(root)
    assert first.returncode == 0 and not served(first), first.stderr
    pid = up(root)
    inbox = sorted(FIXTURES.glob("article_*.txt"))[:3]
    for step in range(9):
        if step % 3 == 2:
            (root / "content" / "inbox").mkdir(parents=True, exist_ok=True)
            shutil.copy(inbox[step // 3], root / "content" / "inbox" / inbox[step // 3].name)
            op = "inbox"
        else:
            op = random_change(rng, root, docs, 1000 + step, step, CHANGES + ("newest",))
        done = build_command(root, cwd=sites)   # from another folder, --root relative to it
        assert done.returncode == 0, done.stderr
        assert served(done), f"step {step} ({op}) was not handed to the resident: {done.stdout}"
        if op == "inbox":   # ingest's lines reach the caller as the build prints them
            assert "<- content/inbox/" in done.stdout
        assert residents(root) == pid, "one resident made every build"
        assert_clean(root, sites, f"step {step} ({op})")


def test_a_merge_a_story_joined_and_deletions_through_the_resident(sites):
    root = sites / "site-root"
    background, defining, second = acronym_and_dam_site(root)

    def step(name: str) -> dict[str, bytes]:
        done = build_command(root)
        assert done.returncode == 0 and served(done), done.stdout + done.stderr
        return assert_clean(root, sites, name)

    assert build_command(root).returncode == 0
    up(root)
    merge_join_split_delete(root, defining, second, background, step)


def test_a_failed_build_reaches_the_caller_and_ends_the_resident(sites):
    """--strict with a warning: the problem on the caller's stderr, exit 1, nothing published;
    the resident leaves (what the build left in its engine is not kept) and the next build is
    made in its own process from the snapshot."""
    rng = random.Random(3)
    root = sites / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(8)])
    assert build_command(root).returncode == 0
    pids = up(root)
    before = (root / "site" / "index.html").read_bytes()
    (root / "content" / "inbox").mkdir()
    # A date without a time zone: a warning, so --strict fails.
    (root / "content" / "inbox" / "late.txt").write_text(
        "Dam works resume on the upper river\n\n2024/03/02 10:00\n\n"
        "Engineers resumed work on the upper river dam on Saturday after a month-long pause, officials said.\n")
    done = build_command(root, "--strict")
    assert done.returncode == 1
    assert "--strict" in done.stderr and "time zone" in done.stdout + done.stderr
    assert (root / "site" / "index.html").read_bytes() == before
    assert gone(pids), "the resident stayed after a failed build"
    done = build_command(root)
    assert done.returncode == 0 and not served(done)
    assert_clean(root, sites, "after the failed build")


def test_an_idle_resident_leaves_saving_its_engine(sites):
    rng = random.Random(4)
    root = sites / "site-root"
    docs = [make_doc(rng, n) for n in range(10)]
    write_site(root, docs)
    assert build_command(root, idle="3").returncode == 0
    pids = up(root)
    docs.append(make_doc(rng, 99))
    docs[-1].write(root)
    done = build_command(root, idle="3")
    assert done.returncode == 0 and served(done)
    handed_at = time.time()
    assert gone(pids), "the resident did not leave when idle"
    assert not (root / ".newsdigest" / resident.SOCKET).exists()
    assert (root / ".newsdigest" / snapshot.FILE).stat().st_mtime >= handed_at - 1
    assert len(kept_engine(root).stories.articles) == 11, "the engine saved is the one that built last"


def test_clean_builds_and_another_newsdigest_send_the_resident_away(sites):
    rng = random.Random(5)
    root = sites / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(6)])
    assert build_command(root).returncode == 0
    first = up(root)
    done = build_command(root, "--clean")   # made in its own process: it restores nothing either
    assert done.returncode == 0 and "built " in done.stdout
    assert gone(first), "build --clean left the resident of the builds before it"
    assert not residents(root)   # nor keeps an engine of its own
    done = build_command(root)
    assert done.returncode == 0 and not served(done)
    second = up(root)
    # A build of another newsdigest (its code's hash differs) is refused and the resident leaves.
    here = os.getcwd()
    os.chdir(Paths(root).state)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(resident.SOCKET)
            request = {"code": "another", "python": sys.version, "prefix": sys.prefix,
                       "root": str(Paths(root).root), "cwd": here, "argv": ["build"], "env": {}}
            resident._send(sock, b"q", json.dumps(request).encode())
            kind, answer = resident._receive(sock)
    finally:
        os.chdir(here)
    assert kind == b"a" and json.loads(answer) == {"ok": False}
    assert gone(second)
    done = build_command(root)
    assert done.returncode == 0 and not served(done)

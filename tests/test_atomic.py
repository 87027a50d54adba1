"""A build killed at any moment leaves the previous complete site; the next build completes."""
from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsdigest import snapshot

from support.corpus import make_doc, write_site
from support.sitecheck import site_files

REPO = Path(__file__).resolve().parents[1]


def no_process_left(pattern: str, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode != 0:
            return True
        time.sleep(0.1)
    subprocess.run(["pkill", "-9", "-f", pattern], check=False)  # do not leave them behind
    return False


def build_cmd(root: Path) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "--root", str(root), "build"]


def test_sigkill_during_builds_never_leaves_a_half_written_site(tmp_path):
    rng = random.Random(11)
    root = tmp_path / "site-root"
    docs = [make_doc(rng, n) for n in range(120)]
    write_site(root, docs)
    subprocess.run(build_cmd(root), check=True, capture_output=True)
    old = site_files(root / "site")

    for n in range(120, 420):  # enough new work that a build takes a while
        make_doc(rng, n).write(root)
    reference = tmp_path / "reference"
    shutil.copytree(root, reference, ignore=shutil.ignore_patterns("site", ".newsdigest"))
    started = time.monotonic()
    subprocess.run(build_cmd(reference), check=True, capture_output=True)
    duration = time.monotonic() - started
    new = site_files(reference / "site")

    outcomes = []
    for attempt, fraction in enumerate((0.15, 0.35, 0.55, 0.75)):
        # Each attempt starts from its own copy of the site with the old build published.
        trial = tmp_path / f"trial-{attempt}"
        shutil.copytree(root, trial, symlinks=True)
        proc = subprocess.Popen(build_cmd(trial), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction * rng.uniform(0.8, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # Its worker processes die with it: none may linger holding the build lock.
        assert no_process_left(f"--root {trial} build"), "worker processes outlived the killed build"
        current = site_files(trial / "site")
        assert current in (old, new), f"attempt {attempt}: a mix of old and new files"
        outcomes.append("old" if current == old else "new")
        # The next build after a kill completes and publishes the whole new site.
        subprocess.run(build_cmd(trial), check=True, capture_output=True)
        assert site_files(trial / "site") == new
        slots = [p.name for p in (trial / ".newsdigest/builds").iterdir() if p.is_dir()]
        assert sorted(slots) == ["a", "b"]
        # The build's engine is written by a detached process (snapshot.py): done before the folder goes.
        snapshot._wait_for_writer(trial / ".newsdigest", print)
        shutil.rmtree(trial)
    assert outcomes.count("old") >= 2, outcomes  # most kills landed in the middle of a build


def test_a_second_build_waits_for_the_first(tmp_path):
    from newsdigest.publish import BuildLock
    rng = random.Random(12)
    root = tmp_path / "lock"
    write_site(root, [make_doc(rng, n) for n in range(5)])
    with BuildLock(root / ".newsdigest", announce=lambda msg: None):  # a build in progress
        second = subprocess.Popen(build_cmd(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert second.poll() is None, "the second build did not wait"
        assert not (root / "site").exists()
    out, _ = second.communicate(timeout=60)
    assert second.returncode == 0
    assert "another newsdigest build is running for this site; waiting" in out
    assert (root / "site/index.html").is_file()

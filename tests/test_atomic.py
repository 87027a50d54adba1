"""A build killed at any moment leaves the previous complete site; the next build completes."""
from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from corpus import make_doc, write_site
from sitecheck import site_files

REPO = Path(__file__).resolve().parents[1]


def build_cmd(root: Path) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "--root", str(root), "build"]


def test_sigkill_during_builds_never_leaves_a_half_written_site(tmp_path):
    rng = random.Random(11)
    root = tmp_path / "site-root"
    docs = [make_doc(rng, n) for n in range(150)]
    write_site(root, docs)
    subprocess.run(build_cmd(root), check=True, capture_output=True)
    old = site_files(root / "site")

    for n in range(150, 400):  # enough new work that a build takes a while
        make_doc(rng, n).write(root)
    reference = tmp_path / "reference"
    shutil.copytree(root, reference, ignore=shutil.ignore_patterns("site", ".newsdigest"))
    started = time.monotonic()
    subprocess.run(build_cmd(reference), check=True, capture_output=True)
    duration = time.monotonic() - started
    new = site_files(reference / "site")

    outcomes = []
    for attempt in range(6):
        proc = subprocess.Popen(build_cmd(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration * 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = site_files(root / "site")
        assert current in (old, new), f"attempt {attempt}: a mix of old and new files"
        outcomes.append("old" if current == old else "new")
        if current == new:  # the build finished before the kill: start again from the old site
            break
    assert "old" in outcomes  # at least one kill landed in the middle of a build

    subprocess.run(build_cmd(root), check=True, capture_output=True)
    assert site_files(root / "site") == new
    # Killed builds' half-written generations are cleaned up by the next build.
    gens = [p for p in (root / ".newsdigest/builds").iterdir() if p.is_dir() and p.name.startswith("g")]
    assert len(gens) <= 2


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

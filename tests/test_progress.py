"""Long builds show a progress bar on a terminal, nothing when piped or in CI, and end with one
summary line (articles, pages written, pages unchanged, time)."""
from __future__ import annotations

import fcntl
import os
import pty
import random
import re
import struct
import subprocess
import sys
import termios

import pytest

from conftest import REPO
from support.corpus import make_doc, write_site

SUMMARY = re.compile(r"built \S+: (\d+) articles, (\d+) files written, (\d+) unchanged, (\d+) removed in \d+\.\d\d s")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("progress") / "site"
    rng = random.Random(2)
    write_site(root, [make_doc(rng, n) for n in range(150)])  # some 300 pages: enough for a bar
    return root


def build(root, *args: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "--root", str(root), "build", *args]


def without_ci() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "CI"}


def test_a_piped_build_draws_nothing_and_prints_one_summary_line(site):
    done = subprocess.run(build(site, "--clean"), capture_output=True, text=True, env=without_ci(), timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    (line,) = done.stdout.splitlines()
    articles, written, unchanged, removed = map(int, SUMMARY.fullmatch(line).groups())
    assert articles == 150 and written > 200 and removed == 0
    again = subprocess.run(build(site), capture_output=True, text=True, env=without_ci(), timeout=300)
    (line,) = again.stdout.splitlines()
    assert SUMMARY.fullmatch(line).group(2, 3) == ("0", str(written + unchanged))


def on_a_terminal(root, env: dict[str, str]) -> tuple[str, str]:
    """Run a full re-render with stderr on a pseudo-terminal: (stdout, what the terminal got)."""
    controller, terminal = pty.openpty()
    # A terminal of 30 rows and 100 columns (a fresh pseudo-terminal has none, and tqdm draws
    # nothing on a terminal zero columns wide).
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(build(root, "--clean"), stdout=subprocess.PIPE, stderr=terminal, env=env)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:   # the build closed its end
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    out = proc.stdout.read().decode()
    assert proc.wait(timeout=300) == 0, seen
    return out, seen.decode(errors="replace")


def test_a_terminal_gets_a_progress_bar(site):
    out, terminal = on_a_terminal(site, without_ci())
    assert "rendering" in terminal and "%|" in terminal
    assert SUMMARY.fullmatch(out.strip())


def test_no_bar_in_ci_even_on_a_terminal(site):
    out, terminal = on_a_terminal(site, {**without_ci(), "CI": "true"})
    assert terminal == ""
    assert SUMMARY.fullmatch(out.strip())

"""Shared fixtures: the repository, the seeds, and a copy of the sample site to build."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
# The seed articles are test data kept outside the repository (CI has ../shared beside it); in a
# clone without them, the tests that read them skip with this reason instead of failing.
needs_seeds = pytest.mark.skipif(not any(SEEDS.glob("*.txt")),
                                 reason=f"needs the seed articles in ../shared/seeds ({SEEDS}), absent here; CI has them")


def seed_path(prefix: str) -> Path:
    """The seed article whose name starts with `prefix`; a path that does not exist without the seeds,
    so that modules naming a seed still import (their tests carry `needs_seeds`)."""
    return next(iter(sorted(SEEDS.glob(prefix + "_*.txt"))), SEEDS / f"{prefix}_absent.txt")


@pytest.fixture
def sample_site(tmp_path) -> Path:
    """A private copy of the sample site (site.toml, content/, templates/) to build in."""
    root = tmp_path / "sample"
    root.mkdir()
    shutil.copy(REPO / "site.toml", root / "site.toml")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("inbox", "raw"))
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, shared by every browser test of the session."""
    from browser import launch_browser
    yield from launch_browser()

"""Shared fixtures: the repository, the seeds, a copy of the sample site to build, the sample site
served over HTTP, and the browser."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# No resident engine (newsdigest/resident.py) outlives the builds of a test, the ones run through
# build.py included: tests/test_resident.py sets its own.
os.environ["NEWSDIGEST_RESIDENT_SECONDS"] = "0"

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


def copy_sample(root: Path) -> Path:
    """A private copy of the sample site (site.toml, content/, templates/) at root, to build in."""
    root.mkdir()
    shutil.copy(REPO / "site.toml", root / "site.toml")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("inbox", "raw"))
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture
def sample_site(tmp_path) -> Path:
    return copy_sample(tmp_path / "sample")


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    """The sample site built and served by a plain static HTTP server on 127.0.0.1 (its URL)."""
    from newsdigest.config import Paths
    from newsdigest.errors import Report
    from newsdigest.pipeline import BuildOptions, build
    root = copy_sample(tmp_path_factory.mktemp("browser") / "sample")
    result = build(Paths(root), BuildOptions(workers=1), Report(quiet=True))
    assert result.published
    from support.browser import serve_folder
    with serve_folder((root / "site").resolve()) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, shared by every browser test of the session."""
    from support.browser import launch_browser
    yield from launch_browser()


@pytest.fixture
def page_factory(browser):
    """make(viewport) -> a new page in its own context; page.errors collects console errors."""
    contexts = []

    def make(viewport):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()

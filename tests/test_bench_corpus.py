"""bench/corpus.py: the benchmark corpus is deterministic, fits the issue's description, and is
the same articles for newsdigest, Pelican and Hugo."""
from __future__ import annotations

import importlib.util
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import REPO

# Loaded under its own name: tests/corpus.py (the test suite's article maker) is `corpus` here.
_spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "bench" / "corpus.py")
corpus = importlib.util.module_from_spec(_spec)
sys.modules["bench_corpus"] = corpus   # dataclasses look their module up while the class is made
_spec.loader.exec_module(corpus)

COUNT = 60


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fmt", corpus.FORMATS)
def test_the_same_seed_writes_the_same_bytes(tmp_path, fmt):
    corpus.write(fmt, tmp_path / "a", COUNT)
    corpus.write(fmt, tmp_path / "b", COUNT)
    first = tree(tmp_path / "a")
    assert first == tree(tmp_path / "b")
    corpus.write(fmt, tmp_path / "c", COUNT, seed=corpus.DEFAULT_SEED + 1)
    assert tree(tmp_path / "c") != first


def test_articles_fit_the_description():
    pools = corpus.make_pools()
    assert 25 <= len(pools.topics) <= 35 and 1800 <= len(pools.actors) <= 2200
    items = list(corpus.articles(300))
    for a in items:
        words = sum(len(p.split()) for p in a.paragraphs)
        assert 400 <= words <= 700, (a.index, words)
        assert 1 <= len(a.topics) <= 3 and 2 <= len(a.actors) <= 6
        assert datetime(2022, 1, 1, tzinfo=timezone.utc) <= a.date < datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert len({a.source for a in items}) >= 5
    assert len({a.date.year for a in items}) == 3


def test_every_format_holds_the_same_articles(tmp_path):
    titles = [a.title for a in corpus.articles(COUNT)]
    for fmt in corpus.FORMATS:
        corpus.write(fmt, tmp_path / fmt, COUNT)
        text = "\n".join(data.decode() for name, data in tree(tmp_path / fmt).items() if name.endswith(".md"))
        assert all(title in text for title in titles), fmt

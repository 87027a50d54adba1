"""bench/corpus.py: the benchmark corpus is deterministic, fits the issue's description, and is
the same articles for newsdigest, Pelican and Hugo."""
from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import REPO

# bench/ is not a package: its corpus.py is loaded from its file, under a name of its own.
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


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for name, data in tree(root).items():
        h.update(name.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


# What bench/corpus.py wrote for 40 articles, seed 7, before the steady date mode was added
# (commit 05d10c9): results measured with the fixed mode stay comparable with earlier ones.
FIXED_BEFORE_STEADY = {
    ("newsdigest", False): "7799f0e3b0d3c91e8ed844b2876d437af2a3c4610ac8089e7aefdcaa540864b1",
    ("newsdigest", True): "e400f0d70cb31a5103c27d305143036d629c6b82ab2dfc8c1de91d23bca9e00c",
    ("pelican", False): "744655cf0179a7983edd0b08eceb3d3108b75da445948cc54a8d481992e65685",
    ("hugo", False): "fdd415802a180e1b37285eda876cb3c62b14f723da7513debcd46f4ff9b47832",
}


@pytest.mark.parametrize("fmt, extract", sorted(FIXED_BEFORE_STEADY))
def test_the_fixed_mode_writes_what_it_wrote_before(tmp_path, fmt, extract):
    corpus.write(fmt, tmp_path / "default", 40, seed=7, extract=extract, search=extract)
    corpus.write(fmt, tmp_path / "fixed", 40, seed=7, extract=extract, search=extract, dates="fixed")
    assert digest(tmp_path / "default") == digest(tmp_path / "fixed") == FIXED_BEFORE_STEADY[fmt, extract]


def test_the_steady_mode_is_deterministic_per_seed(tmp_path):
    corpus.write("newsdigest", tmp_path / "a", COUNT, dates="steady")
    corpus.write("newsdigest", tmp_path / "b", COUNT, dates="steady")
    first = tree(tmp_path / "a")
    assert first == tree(tmp_path / "b")
    corpus.write("newsdigest", tmp_path / "c", COUNT, seed=corpus.DEFAULT_SEED + 1, dates="steady")
    assert tree(tmp_path / "c") != first
    corpus.write("newsdigest", tmp_path / "d", COUNT)
    assert tree(tmp_path / "d") != first     # the dates, and so the month folders, differ from the fixed mode


def utc_days(items) -> tuple[float, float]:
    """(days from the first article to the end of the range, articles per day)."""
    first = min(a.date for a in items)
    span = (corpus.END - first).total_seconds() / 86400
    return span, len(items) / span


def test_the_steady_span_grows_linearly_and_the_rate_stays():
    spans, rates = {}, {}
    for count in (500, 1000, 2000, 4000):
        items = list(corpus.articles(count, dates="steady"))
        assert all(a.date < corpus.END for a in items)
        spans[count], rates[count] = utc_days(items)
    for count in (1000, 2000, 4000):
        assert spans[count] / spans[500] == pytest.approx(count / 500, rel=0.05)
    rate = corpus.STEADY_BASE / (corpus.SPAN_SECONDS / 86400)     # about 9.1 a day
    assert all(r == pytest.approx(rate, rel=0.05) for r in rates.values()), rates
    # the fixed mode keeps the three years at every size: denser as it grows
    fixed = {count: utc_days(list(corpus.articles(count)))[1] for count in (500, 4000)}
    assert fixed[4000] / fixed[500] == pytest.approx(8, rel=0.05)


def test_the_steady_rate_holds_within_the_range():
    """No crowding at either end: each tenth of the range holds about a tenth of the articles."""
    count = 4000
    items = list(corpus.articles(count, dates="steady"))
    span = corpus.span_minutes("steady", count)
    tenths = [0] * 10
    for a in items:
        before_end = (corpus.END - a.date).total_seconds() / 60
        tenths[min(9, int(10 * (span - before_end) / span))] += 1
    assert all(abs(n - count / 10) < count / 10 * 0.2 for n in tenths), tenths


def test_the_modes_differ_only_in_dates_and_meet_at_the_base_size():
    fixed, steady = list(corpus.articles(COUNT)), list(corpus.articles(COUNT, dates="steady"))
    assert all(replace(f, date=s.date) == s for f, s in zip(fixed, steady))
    assert sum(f.date != s.date for f, s in zip(fixed, steady)) > 0.9 * COUNT
    # at STEADY_BASE articles the steady range is the fixed one: the same article, the same date
    assert corpus.span_minutes("steady", corpus.STEADY_BASE) == corpus.span_minutes("fixed", 1)
    assert corpus.span_minutes("steady", 10 * corpus.STEADY_BASE) == 10 * corpus.SPAN_MINUTES
    with pytest.raises(ValueError, match="unknown date mode"):
        corpus.span_minutes("weekly", 10)

"""The bad-input corpus (tests/support/badinput.py) through a real build, in a subprocess.

The build completes; each bad file is reported once, naming its path (and line) and the
reason, with no traceback; every good article is published exactly once; nothing dropped into
the inbox is lost; and the exit code follows --strict (0 without, 1 with).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from html import unescape
from pathlib import Path

import pytest

from support.badinput import INBOX, PUBLISHED, REPORTED, bad_input_corpus, input_files, record_figures, write_corpus
from support.sitecheck import site_files

REPO = Path(__file__).resolve().parents[1]
CASES = bad_input_corpus()
ENV = {**os.environ, "PYTHONUTF8": "1"}
MAX_REPORT_LINE = 1000  # characters: a report line names the file and the problem, not the whole value
NO_ZONE = "has no time zone"  # the warning of an inbox input whose date names no zone


def build(root: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", *args],
                          capture_output=True, text=True, timeout=300, env=ENV)
    return proc, time.monotonic() - started


def report_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def published_titles(site: Path) -> Counter:
    titles = Counter()
    for page in (site / "articles").glob("*/*/*/index.html"):
        m = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        titles[unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip()] += 1
    return titles


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-input") / "site-root"
    write_corpus(root, CASES)
    proc, seconds = build(root)
    lines = report_lines(proc.stderr)
    record_figures("bad-input", {
        "files": len(input_files(CASES)), "cases": len(CASES),
        "by_expectation": dict(Counter(c.expect for c in CASES)),
        "inbox_files": len({c.rel for c in CASES if c.rel.startswith(INBOX)}),
        "bytes": sum(len(c.content()) for c in {c.rel: c for c in CASES}.values()),
        "report_lines": len(lines), "errors": sum(": error: " in line for line in lines),
        "warnings": sum(": warning: " in line for line in lines),
        "exit_code": proc.returncode, "build_seconds": round(seconds, 1),
        "known_bugs": {c.name: c.bug for c in CASES if c.bug}})
    return root, proc, lines, seconds


@pytest.fixture(scope="module")
def built_strict(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-input-strict") / "site-root"
    write_corpus(root, CASES)
    proc, _ = build(root, "--strict")
    return root, proc, report_lines(proc.stderr)


def test_the_corpus_is_what_the_issue_asks_for():
    files = input_files(CASES)
    assert len(files) >= 50
    assert sum(c.expect == PUBLISHED for c in CASES) >= 10
    assert any(len(c.content()) >= 50 * 2**20 for c in CASES if c.name == "huge-50mb")
    assert {c.rel.startswith(INBOX) for c in CASES if c.expect == REPORTED} == {True, False}  # both paths


def test_the_build_completes_without_a_traceback_and_exits_0(built):
    root, proc, lines, seconds = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    *ingested, summary = proc.stdout.splitlines()
    assert summary.startswith(f"built {root / 'site'}")
    # before it, one line per inbox input, as `ingest` prints them
    assert ingested and all(re.match(r"(written |duplicate of |rejected: ).* <- content/inbox/", line) for line in ingested)
    assert seconds < 60


def _about(case, lines: list[str]) -> list[str]:
    return [line for line in lines if case.names(line) and ": error: " in line]


def _check_reported(case, lines: list[str]) -> None:
    mine = _about(case, lines)
    assert len(mine) == case.reports, f"{case.name}: {len(mine)} error lines: {[m[:300] for m in mine]}"
    assert len(set(mine)) == len(mine)
    assert any(case.reason in line for line in mine), f"{case.name}: {case.reason!r} not in {mine}"
    assert all(len(line) < MAX_REPORT_LINE for line in mine), f"{case.name}: a report line of {max(map(len, mine))} characters"


@pytest.mark.parametrize("case", [c for c in CASES if c.expect == REPORTED and not c.bug], ids=lambda c: c.name)
def test_each_bad_input_is_reported_once_with_its_path_and_reason(built, case):
    _check_reported(case, built[2])


def test_nothing_else_is_reported(built):
    """Every report line is about a bad input; good articles get at most their expected warning."""
    _, _, lines, _ = built
    for line in lines:
        claimed = [c for c in CASES if c.names(line) and (
            (c.expect == REPORTED and ": error: " in line) or (c.warning and ": warning: " in line and c.warning in line)
            or (c.rel.startswith(INBOX) and ": warning: " in line and NO_ZONE in line))]
        assert claimed, f"unexpected report: {line[:300]}"


def test_every_good_article_is_published_exactly_once(built):
    root, _, _, _ = built
    expected = Counter(c.title for c in CASES if c.expect == PUBLISHED)
    assert published_titles(root / "site") == expected


def test_nothing_dropped_into_the_inbox_is_lost(built):
    """Each inbox input is kept byte for byte: under content/raw when ingested (or a duplicate),
    under content/inbox/rejected with a .why.txt when not; only hidden files stay in the inbox."""
    root, _, _, _ = built
    kept = {}
    for folder in (root / "content/raw", root / "content/inbox/rejected"):
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.endswith(".why.txt"):
                kept.setdefault(path.read_bytes(), []).append(path)
    for rel in sorted({c.rel for c in CASES if c.rel.startswith(INBOX)}):
        if Path(rel).name.startswith("."):
            assert (root / rel).is_file()
            continue
        data = next(c for c in CASES if c.rel == rel).content()
        assert data in kept, f"{rel} is lost"
        for path in kept[data]:
            if path.parent.name == "rejected":
                assert path.with_name(path.name + ".why.txt").is_file()
    left = sorted(p.name for p in (root / "content/inbox").iterdir() if p.is_file())
    assert left == [".editor-swap.txt"]


def test_a_second_build_reports_only_what_is_still_in_content_articles(built):
    """Rejected inbox files are not retried; loader problems are reported again, the same way."""
    root, _, first, _ = built
    before = site_files(root / "site")
    proc, _ = build(root)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    again = report_lines(proc.stderr)
    assert again == [line for line in first if not line.startswith(INBOX)]
    assert site_files(root / "site") == before


def test_strict_exits_1_publishes_nothing_and_reports_the_same(built, built_strict):
    _, _, lines, _ = built
    root, proc, strict_lines = built_strict
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert not (root / "site").exists()
    *problems, last = strict_lines
    assert problems == lines
    assert "--strict" in last and f"{len(lines)} problem(s)" in last
    # The inbox was still ingested: the good inbox articles are waiting for the next build.
    assert not [c for c in CASES if c.expect == PUBLISHED and c.rel.startswith(INBOX) and (root / c.rel).exists()]

"""One-shot builds keep the live engine between them (snapshot.py): each `build` starts from the
engine the last one left in .newsdigest/engine.pickle and leaves its own. After any sequence of
changes the site is byte for byte what a clean build makes; a snapshot that cannot be used
(damaged, cut short, another version) is set aside with a note, and a writer killed halfway
leaves nothing a build would read.
"""
from __future__ import annotations

import json
import os
import pickle
import random
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from newsdigest import snapshot
from newsdigest.config import Paths
from newsdigest.engine import Engine
from newsdigest.errors import Report
from newsdigest.pipeline import BuildOptions, build

from support.corpus import CHANGES, make_doc, random_change, write_site
from test_engine import acronym_and_dam_site, assert_clean

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def one_shot(root: Path, workers: int = 1):
    """A `build` as the command runs it: from the last snapshot, keeping its own."""
    return build(Paths(root), BuildOptions(workers=workers, keep_engine=True), Report(quiet=True))


def kept_engine(root: Path) -> Engine:
    """The engine the last build left (waiting for its writer, as the next build would)."""
    paths = Paths(root)
    snapshot._wait_for_writer(paths.state, print)
    return snapshot.read(paths.state / snapshot.FILE, paths)


def test_one_shot_builds_each_from_the_last_ones_engine_match_clean_builds(tmp_path):
    """Random adds, edits, deletions and inbox files, each followed by one build starting from the
    engine the build before it kept (objects unpickled afresh, not the ones that built)."""
    rng = random.Random(20261204)
    root = tmp_path / "site-root"
    docs = [make_doc(rng, n) for n in range(30)]
    write_site(root, docs)
    one_shot(root)
    inbox = [p for p in sorted(FIXTURES.glob("article_*.txt"))][:4]
    for step in range(12):
        if step % 3 == 2:   # a scraped file in the inbox, ingested by the build
            (root / "content" / "inbox").mkdir(parents=True, exist_ok=True)
            shutil.copy(inbox[step // 3], root / "content" / "inbox" / inbox[step // 3].name)
            op = "inbox"
        else:
            op = random_change(rng, root, docs, 1000 + step, step, CHANGES + ("newest",))
        result = one_shot(root, workers=1 + step % 2)
        assert "restore engine" in result.phases
        assert_clean(root, tmp_path, f"step {step} ({op})")
        kept = kept_engine(root)
        assert len(kept.stories.articles) == result.articles and kept.plan.groups, \
            f"step {step}: the build kept its engine for the next"


def test_a_merge_a_story_joined_and_deletions_through_separate_build_processes(tmp_path):
    """`build.py build` run as a user runs it, one process per change: an article that makes two
    actors one, a second report that joins a story, an edit that splits it, deletions."""
    root = tmp_path / "site-root"
    background, defining, second = acronym_and_dam_site(root)

    def build_process(step: str) -> dict[str, bytes]:
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), "build"],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert "note:" not in done.stdout, done.stdout
        return assert_clean(root, tmp_path, step)

    build_process("start")
    merge_join_split_delete(root, defining, second, background, build_process)
    assert len(kept_engine(root).stories.articles) == 14


def merge_join_split_delete(root: Path, defining, second, background, step) -> None:
    """acronym_and_dam_site's changes, each built by `step(name)` (which returns the site): an
    article that makes two actors one, a second report joining a story, an edit splitting it,
    deletions."""
    defining.write(root)
    site = step("merge")
    commission = site["actors/upper-tigris-basin-authority/index.html"].decode()
    assert "prose-1/" in commission and "prose-3/" in commission

    second.write(root)
    site = step("join")
    assert any(p.startswith("stories/floodgates-opened") for p in site), "the two reports are one story"

    (root / second.rel).unlink()
    second.title = "Wheat harvest begins early in the south"
    second.body = "Farmers in the south began the wheat harvest two weeks early this year, citing a warm spring."
    second.write(root)
    site = step("split")
    assert not any(p.startswith("stories/floodgates-opened") for p in site)

    (root / defining.rel).unlink()
    (root / background[3].rel).unlink()
    site = step("delete")
    assert not any(p.startswith("actors/upper-tigris-basin-authority/") for p in site)


def test_a_loaded_plan_keys_its_cards_by_the_ids_of_the_loaded_links(tmp_path):
    """A card's stamp holds the ids of its term links: ids from the process that pickled them
    could name other objects in the one that loads them, and a card would be reused with links
    it does not have."""
    rng = random.Random(8)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(10)])
    engine = Engine()
    build(Paths(root), BuildOptions(workers=1), Report(quiet=True), engine)
    copy = pickle.loads(pickle.dumps(engine))
    copy.loaded(Paths(root))
    assert copy.plan.cards
    for stamp, card, *_ in copy.plan.cards.values():
        assert stamp[3:] == tuple(map(id, card["topics"] + card["actors"]))
    pages = {id(entry[0]) for entry in copy.plan.page_keys.values()}
    assert pages == set(copy.plan.page_keys)


def _damage(kind: str, path: Path) -> None:
    data = bytearray(path.read_bytes())
    if kind == "cut short":
        path.write_bytes(data[:len(data) * 2 // 3])
    elif kind == "a byte changed":
        # inside the payload, in an article's text: it still unpickles, into another text
        at = data.rindex(b"ministry")
        data[at:at + 8] = b"MINISTRY"
        path.write_bytes(bytes(data))
    elif kind == "another version":
        start = len(snapshot.MAGIC) + 12
        size = int.from_bytes(data[start:start + 4], "big")
        header = json.loads(data[start + 4:start + 4 + size])
        header["code"] = "0" * len(header["code"])
        data[start + 4:start + 4 + size] = json.dumps(header).encode()
        path.write_bytes(bytes(data))
    else:
        path.write_bytes(b"not a snapshot at all")


@pytest.mark.parametrize("kind", ["cut short", "a byte changed", "another version", "garbage"])
def test_a_snapshot_that_cannot_be_used_is_set_aside_with_a_note(tmp_path, capsys, kind):
    rng = random.Random(3)
    root = tmp_path / "site-root"
    docs = [make_doc(rng, n) for n in range(15)]
    write_site(root, docs)
    one_shot(root)
    path = kept_engine(root) and Paths(root).state / snapshot.FILE
    _damage(kind, path)
    make_doc(rng, 99).write(root)
    capsys.readouterr()
    one_shot(root)
    said = capsys.readouterr().out
    assert f"{path}: note:" in said and "fresh engine" in said, said
    reason = {"cut short": "cut short", "a byte changed": "checksum", "another version": "another version of newsdigest",
              "garbage": "not an engine snapshot"}[kind]
    assert reason in said, said
    assert_clean(root, tmp_path, kind)
    assert len(kept_engine(root).stories.articles) == 16, "the build kept a good engine in its place"


def _killed_writer(root: Path, engine: Engine, limit_bytes: int, die: bool) -> int:
    """Run snapshot.write in a child whose files cannot grow past `limit_bytes` (RLIMIT_FSIZE):
    killed by SIGXFSZ at that point (`die`), or with the write failing (a full disk)."""
    pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL if die else signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, resource.RLIM_INFINITY))
            snapshot.write(Paths(root), engine, limit=0)
        finally:
            os._exit(0)
    return os.waitpid(pid, 0)[1]


@pytest.mark.parametrize("die", [True, False], ids=["killed-mid-write", "disk-full"])
def test_a_writer_that_stops_halfway_leaves_the_last_snapshot_whole(tmp_path, capsys, die):
    rng = random.Random(4)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(15)])
    one_shot(root)
    path = Paths(root).state / snapshot.FILE
    before = kept_engine(root) and path.read_bytes()
    make_doc(rng, 50).write(root)
    engine = Engine()
    build(Paths(root), BuildOptions(workers=1), Report(quiet=True), engine)
    status = _killed_writer(root, engine, len(before) // 2, die)
    if die:
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXFSZ
    assert path.read_bytes() == before, "the snapshot is the last whole one"
    if die:
        assert list(path.parent.glob(snapshot.FILE + ".*.tmp")), "the killed writer's partial file is there"
    make_doc(rng, 51).write(root)
    capsys.readouterr()
    one_shot(root)
    said = capsys.readouterr().out
    assert ("could not keep its engine" in said) != die, said
    assert_clean(root, tmp_path, "after the writer stopped")
    assert len(kept_engine(root).stories.articles) == 17
    assert not list(path.parent.glob(snapshot.FILE + ".*.tmp")), "the next writer cleared it"


def test_a_snapshot_past_the_limit_is_not_kept_and_builds_go_without_one(tmp_path, monkeypatch):
    rng = random.Random(6)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(10)])
    state = Paths(root).state
    monkeypatch.setenv("NEWSDIGEST_SNAPSHOT_MB", "0.01")
    monkeypatch.setattr(snapshot, "BYTES_AN_ARTICLE", 1)   # so that the first build makes an engine
    one_shot(root)
    snapshot._wait_for_writer(state, print)
    assert not (state / snapshot.FILE).exists() and (state / snapshot.TOO_LARGE).exists()
    make_doc(rng, 20).write(root)
    assert "restore engine" not in one_shot(root).phases, "the next build goes without an engine"
    assert_clean(root, tmp_path, "past the limit")
    monkeypatch.setenv("NEWSDIGEST_SNAPSHOT_MB", "100")
    assert "restore engine" in one_shot(root).phases, "a raised limit tries again"
    assert len(kept_engine(root).stories.articles) == 11


def test_a_build_makes_no_engine_when_its_articles_would_pass_the_limit(tmp_path, monkeypatch):
    """With no snapshot to start from, a build whose article files would make one past the limit
    holds no engine (it would be memory no writer could keep); once they are few enough, or when
    a snapshot is there, it does."""
    rng = random.Random(8)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(10)])
    state = Paths(root).state
    monkeypatch.setattr(snapshot, "BYTES_AN_ARTICLE", 10 * 1024 * 1024)   # a limit between 9 and 10 articles...
    monkeypatch.setenv("NEWSDIGEST_SNAPSHOT_MB", "95")                      # ...that a real snapshot is far below
    assert "restore engine" not in one_shot(root).phases, "10 articles for a limit of 9.5"
    assert not (state / snapshot.FILE).exists() and not (state / snapshot.TOO_LARGE).exists()
    assert_clean(root, tmp_path, "a build without an engine")
    for path in sorted(Paths(root).articles.rglob("*.md"))[:1]:
        path.unlink()
    assert "restore engine" in one_shot(root).phases, "9 articles: an engine, kept for the next build"
    snapshot._wait_for_writer(state, print)
    assert (state / snapshot.FILE).exists()
    make_doc(rng, 30).write(root)
    make_doc(rng, 31).write(root)
    assert "restore engine" in one_shot(root).phases, "a snapshot there is read, however many articles now"
    assert len(kept_engine(root).stories.articles) == 11
    assert_clean(root, tmp_path, "from the snapshot")


def test_clean_builds_drop_the_snapshot(tmp_path):
    rng = random.Random(7)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(8)])
    one_shot(root)
    assert kept_engine(root).plan.groups
    build(Paths(root), BuildOptions(workers=1, keep_engine=True, clean=True), Report(quiet=True))
    assert not (Paths(root).state / snapshot.FILE).exists()

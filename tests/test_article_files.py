"""articles.ArticleFiles: the article files as watch keeps them, listed again only where the
watcher says something changed, is always what a full listing of the folder finds."""
from __future__ import annotations

import json
import os
import pwd
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from newsdigest.articles import ArticleFiles, scan_article_files
from newsdigest.config import Paths
from newsdigest.errors import Report
from newsdigest.pipeline import BuildOptions, build
from newsdigest.watch import BuildEvents, watch


def _same(kept, fresh) -> None:
    assert [str(f) for f in kept.listing.files] == [str(f) for f in fresh.listing.files]
    assert kept.signatures == fresh.signatures
    assert sorted(map(str, kept.listing.problems)) == sorted(map(str, fresh.listing.problems))


def _article(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nid: {path.stem}\ntitle: {text}\ndate: 2024-05-01T00:00:00+00:00\n---\n{text}\n")


def test_random_changes_noted_as_a_watcher_reports_them_keep_the_listing_exact(tmp_path):
    root = tmp_path.resolve()
    folder = root / "content" / "articles"
    rng = random.Random(7)
    for i in range(30):
        _article(folder / f"2024/0{1 + i % 3}/a{i}.md", f"article {i}")
    files = ArticleFiles()
    _same(files.scan(folder, root), scan_article_files(folder, root))
    made = 30
    for step in range(120):
        existing = sorted(p for p in folder.rglob("*") if p.is_file())
        folders = sorted(p for p in folder.rglob("*") if p.is_dir())
        op = rng.choice(["add", "edit", "delete", "rename", "folder in", "folder out", "odd names", "hidden"])
        noted: list[Path] = []
        if op == "add" or not existing:
            made += 1
            path = folder / f"2024/0{rng.randint(1, 4)}/n{made}.md"
            _article(path, f"new {made}")
            noted = [path.parent, path] if rng.random() < 0.5 else [path]
        elif op == "edit":
            path = rng.choice(existing)
            path.write_text(path.read_text() + "more\n")
            noted = [path]
        elif op == "delete":
            path = rng.choice(existing)
            path.unlink()
            noted = [path]
        elif op == "rename":
            path = rng.choice(existing)
            made += 1
            target = path.with_name(f"r{made}.md")
            path.rename(target)
            noted = [path, target]
        elif op == "folder in":       # a folder of articles moved in at once: one event, for the folder
            made += 1
            outside = tmp_path / f"batch{made}"
            for k in range(3):
                _article(outside / f"sub/b{k}.md", f"batch {made} {k}")
            target = folder / f"2023/x{made}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(outside), str(target))
            noted = [target]
        elif op == "folder out" and folders:
            gone = rng.choice(folders)
            shutil.move(str(gone), str(tmp_path / f"out{step}"))
            noted = [gone]
        elif op == "odd names":
            made += 1
            path = folder / f"2024/01/odd{made}.MD"
            _article(path, "upper case")
            (folder / "2024/01/..md").write_text("no name")
            noted = [path, folder / "2024/01/..md"]
        elif op == "hidden":
            made += 1
            path = folder / f".drafts/d{made}.md"
            _article(path, "draft")
            noted = [path.parent, path]
        for path in noted:
            files.note(path)
        _same(files.scan(folder, root), scan_article_files(folder, root))


def test_a_change_no_event_reported_is_found_by_check_and_listed_next(tmp_path):
    root = tmp_path.resolve()
    folder = root / "content" / "articles"
    _article(folder / "2024/01/a.md", "a")
    _article(folder / "2024/01/b.md", "b")
    files = ArticleFiles()
    files.scan(folder, root)
    (folder / "2024/01/a.md").write_text("---\ntitle: A again, longer\ndate: 2024-05-01\n---\nx\n")
    (folder / "2024/01/b.md").unlink()
    _article(folder / "2024/02/c.md", "c")
    assert files.check(folder, root) == sorted(str(folder / p) for p in ("2024/01/a.md", "2024/01/b.md", "2024/02/c.md"))
    _same(files.scan(folder, root), scan_article_files(folder, root))
    assert files.check(folder, root) == []


def test_a_relative_folder_is_listed_in_full_every_time(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _article(tmp_path / "content/articles/a.md", "a")
    files = ArticleFiles()
    files.scan(Path("content/articles"), Path("."))
    _article(tmp_path / "content/articles/b.md", "b")   # never noted
    assert [f.name for f in files.scan(Path("content/articles"), Path(".")).listing.files] == ["a.md", "b.md"]


def test_watch_publishes_an_article_edited_in_place_and_one_written_with_no_event_seen(tmp_path):
    """In watch, a build lists only the files events named; an edit in place reaches the site, and
    a file the watcher never reported (written while an event was lost) is found after the next
    build and published by the one after it."""
    root = tmp_path.resolve()
    paths = Paths(root)
    _article(paths.articles / "2024/05/first.md", "First report")
    build(paths, BuildOptions(workers=1), Report(quiet=True))
    done = threading.Event()
    builds: list = []

    def built(result) -> None:
        builds.append(result)
        done.set()

    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(paths, stop, BuildEvents(on_success=built)),
                              kwargs={"debounce": 0.1, "initial_build": True}, daemon=True)
    thread.start()
    try:
        assert done.wait(60)
        page = paths.output / "articles/2024/05/first/index.html"
        done.clear()
        (paths.articles / "2024/05/first.md").write_text("---\nid: first\ntitle: First report, corrected\ndate: 2024-05-01T00:00:00+00:00\n---\nx\n")
        assert done.wait(60)
        deadline = time.time() + 30
        while "corrected" not in page.read_text() and time.time() < deadline:
            time.sleep(0.1)
        assert "First report, corrected" in page.read_text()
        # A lost event, as after an overflow of the kernel's queue: the file table is told nothing.
        original = ArticleFiles.note
        ArticleFiles.note = lambda self, path: None
        try:
            _article(paths.articles / "2024/05/second.md", "Second report")
            time.sleep(0.5)
        finally:
            ArticleFiles.note = original
        done.clear()
        _article(paths.articles / "2024/05/third.md", "Third report")   # reported: a build runs
        deadline = time.time() + 60
        second = paths.output / "articles/2024/05/second/index.html"
        while not second.exists() and time.time() < deadline:
            time.sleep(0.1)
        assert second.exists() and (paths.output / "articles/2024/05/third/index.html").exists()
    finally:
        stop.set()
        thread.join(30)


SCRIPT = """
import json, os, sys
from pathlib import Path
from newsdigest.articles import ArticleFiles, scan_article_files
root = Path(sys.argv[1])
folder = root / "content" / "articles"
for name in ("2024/01/a.md", "2024/01/b.md", "2024/02/c.md"):
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("---\\nid: x\\ntitle: x\\ndate: 2024-05-01T00:00:00+00:00\\n---\\nx\\n")
files = ArticleFiles()
files.scan(folder, root)
os.chmod(folder / "2024/01", 0)               # as `chmod 000`: no event for a folder's mode
files.note(folder / "2024/01/a.md")           # an event for a file in it, or check() noting it
after_note = files.scan(folder, root)
missed = files.check(folder, root)
after_check = files.scan(folder, root)
full = scan_article_files(folder, root)
os.chmod(folder / "2024/01", 0o755)
show = lambda s: {"files": [f.name for f in s.listing.files], "unreadable": s.listing.unreadable}
print(json.dumps({"note": show(after_note), "check": show(after_check), "full": show(full), "missed": len(missed)}))
"""


def test_a_folder_that_cannot_be_read_keeps_its_articles_as_a_full_listing_does(tmp_path):
    """A folder whose mode is changed sends no event watch records; whatever names a path in it,
    the kept listing says what a full one says (the folder cannot be read, its articles are kept
    as last read by the load), never that its articles are gone."""
    prefix: list[str] = []
    if os.geteuid() == 0:   # root reads any folder: run as nobody, as tests/test_faults.py does
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: a folder cannot be made unreadable")
        user = pwd.getpwnam("nobody")
        prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    where = Path(tempfile.mkdtemp(prefix="newsdigest-files-", dir="/tmp"))
    try:
        where.chmod(0o777)
        script = where / "scenario.py"
        script.write_text(SCRIPT)
        script.chmod(0o644)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        done = subprocess.run(prefix + [sys.executable, str(script), str(where)], capture_output=True,
                              text=True, env=env, cwd=str(where))
        assert done.returncode == 0, done.stderr[-2000:]
        found = json.loads(done.stdout)
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(where)], check=False)
        shutil.rmtree(where, ignore_errors=True)
    assert found["full"]["unreadable"] == ["content/articles/2024/01"]
    assert found["note"] == found["full"] and found["check"] == found["full"]

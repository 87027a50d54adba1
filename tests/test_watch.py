"""Watch mode with real file-system events: `python build.py watch` in a subprocess, files
dropped, copied, written slowly, edited and deleted the way an editor (or cp, rsync, a
scraper) does it. Every wait is bounded; the site on disk is what is checked.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from support.badinput import record_figures as record, wire_story
from support.corpus import Doc, make_doc, write_site
from newsdigest.frontmatter import parse
from support.processes import stop, wait_for

REPO = Path(__file__).resolve().parents[1]
CONFIG = ('title = "Watch digest"\nbase_url = "https://example.org/w/"\ntimezone = "Asia/Baghdad"\n'
          "items_per_page = 10\nfeed_size = 10\n")
NEWEST = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=3)))  # after every other date here


class Watcher:
    """`build.py watch` on a site folder, its output in a log file."""

    def __init__(self, root: Path):
        self.root = root
        self.log_path = root.parent / "watch.log"
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "watch", "--root", str(root)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUTF8": "1"})

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def builds(self) -> int:
        return self.output().count("rebuilt:")

    def stop(self) -> None:
        stop(self.proc)
        self.log.close()

    # -- what is on disk -------------------------------------------------------------------------

    @property
    def site(self) -> Path:
        return self.root / "site"

    def site_text(self, rel: str) -> str:
        try:
            return (self.site / rel).read_text(encoding="utf-8")
        except OSError:
            return ""

    def page_exists(self, url_path: str) -> bool:
        return (self.site / url_path / "index.html").is_file()

    def article_titles(self) -> Counter:
        titles = Counter()
        for path in (self.root / "content/articles").rglob("*.md"):
            if not path.name.startswith("."):
                titles[parse(path.read_text(encoding="utf-8"), str(path)).meta["title"]] += 1
        return titles

    def inbox_waiting(self) -> list[Path]:
        inbox = self.root / "content/inbox"
        return [p for p in inbox.iterdir() if p.is_file()] if inbox.is_dir() else []

    def raw_files(self, prefix: str) -> list[Path]:
        return [p for p in (self.root / "content/raw").rglob(prefix + "*") if p.is_file()]


@pytest.fixture(scope="module")
def watcher(tmp_path_factory):
    root = tmp_path_factory.mktemp("watch") / "site-root"
    rng = random.Random(5)
    write_site(root, [make_doc(rng, n) for n in range(20)], CONFIG)
    (root / "content/inbox").mkdir()
    w = Watcher(root)
    try:
        wait_for(lambda: w.builds() >= 1, 60, "the first build")
        yield w
    finally:
        w.stop()
    assert "Traceback" not in w.output(), w.output()[-3000:]


def slug_url(title: str, date: str) -> str:
    from newsdigest.slug import slugify
    return f"articles/{date[:4]}/{date[5:7]}/{slugify(title)}/"


def test_a_file_dropped_into_the_inbox_is_ingested_and_published(watcher):
    name, data, title = wire_story(1, "drop")
    builds_before = watcher.builds()
    started = time.monotonic()
    (watcher.root / "content/inbox" / name).write_bytes(data)
    url = slug_url(title, data.decode().split("\n")[1])
    wait_for(lambda: watcher.page_exists(url), 30, f"the page of {name}")
    latency = time.monotonic() - started
    date = data.decode().split("\n")[1]
    assert title in watcher.site_text(f"archive/{date[:4]}/{date[5:7]}/index.html")
    assert url in watcher.site_text("sitemap.xml")
    assert watcher.article_titles()[title] == 1
    assert [p.read_bytes() for p in watcher.raw_files(name)] == [data]
    assert not watcher.inbox_waiting()
    # One build: the file is ingested on its close event, and what the ingest and the build
    # write themselves does not set off a second build with nothing to do.
    time.sleep(2.5)
    assert watcher.builds() - builds_before == 1, watcher.output()[-2000:]
    record("watch-drop", {"seconds_drop_to_page": round(latency, 2)})


BURST = 300


def test_a_burst_of_300_files_copied_at_once_is_ingested_exactly_once(watcher, tmp_path):
    staging = tmp_path / "burst"
    staging.mkdir()
    stories = [wire_story(n, "burst") for n in range(BURST)]
    for name, data, _ in stories:
        (staging / name).write_bytes(data)
    builds_before = watcher.builds()
    started = time.monotonic()
    subprocess.run(["cp", "-r", f"{staging}/.", str(watcher.root / "content/inbox")], check=True)
    copied = time.monotonic() - started

    titles = {title for _, _, title in stories}
    wait_for(lambda: not watcher.inbox_waiting() and titles <= set(watcher.article_titles()), 120,
             "every file of the burst to be ingested")
    wait_for(lambda: all(watcher.page_exists(slug_url(t, d.decode().split("\n")[1])) for _, d, t in stories), 120,
             "every page of the burst")
    latency = time.monotonic() - started
    written = watcher.article_titles()
    assert {t: written[t] for t in titles} == {t: 1 for t in titles}
    raw = watcher.raw_files("wire-burst")
    assert len(raw) == BURST and not any("duplicates" in p.parts for p in raw)
    assert sorted(p.read_bytes() for p in raw) == sorted(d for _, d, _ in stories)
    assert not (watcher.root / "content/inbox/rejected").exists()
    record("watch-burst", {"files": BURST, "seconds_to_copy": round(copied, 2),
                           "seconds_to_last_page": round(latency, 2), "builds": watcher.builds() - builds_before})


def test_a_file_written_slowly_in_pieces_is_ingested_once_complete(watcher):
    name, data, title = wire_story(7, "slow")
    lines = data.split(b"\n")
    chunks = [b"\n".join(lines[:2]) + b"\n", b"\n".join(lines[2:4]) + b"\n", b"\n".join(lines[4:]),
              b"\nA closing paragraph that arrived ", b"last, item 7slow.\n"]   # 4 pauses: about 3 s
    path = watcher.root / "content/inbox" / name
    rng = random.Random(7)
    started = time.monotonic()
    with open(path, "wb") as out:
        for n, chunk in enumerate(chunks):
            out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
            if n < len(chunks) - 1:
                time.sleep(rng.uniform(0.5, 0.8))
                assert path.exists(), "the file was taken while still being written"
    written_in = time.monotonic() - started
    assert written_in > 2.0
    url = slug_url(title, lines[1].decode())
    wait_for(lambda: watcher.page_exists(url), 30, "the slowly written file's page")
    assert watcher.article_titles()[title] == 1
    assert "closing paragraph that arrived last" in watcher.site_text(url + "index.html")
    raw = watcher.raw_files(name)
    assert [p.read_bytes() for p in raw] == [b"".join(chunks)]
    assert not (watcher.root / "content/inbox/rejected").exists()


def _newest_doc(n: int, title: str, topic: str) -> Doc:
    return Doc(slug=f"watch-{n}", id=f"00000000-0000-4000-8000-{n:012d}", title=title,
               date=NEWEST + timedelta(minutes=n), topics=[topic], actors=["Iraq"],
               body=f"The {topic.lower()} story number {n} has a first paragraph.\n\nAnd a second one.")


FEEDS = ("feed.xml", "atom.xml", "feed.json")


def test_editing_an_article_updates_its_page_and_the_feeds(watcher):
    doc = _newest_doc(1, "Ferry service starts on the Tigris", "Transport")
    path = doc.write(watcher.root)
    url = f"articles/{doc.date:%Y}/{doc.date:%m}/{doc.slug}/"
    wait_for(lambda: "Ferry service starts" in watcher.site_text(url + "index.html"), 30, "the new article")
    assert all("Ferry service starts" in watcher.site_text(f) for f in FEEDS)

    started = time.monotonic()
    path.write_text(path.read_text().replace("Ferry service starts", "Ferry service resumes"))
    wait_for(lambda: "Ferry service resumes" in watcher.site_text(url + "index.html"), 30, "the edited page")
    wait_for(lambda: all("Ferry service resumes" in watcher.site_text(f) for f in FEEDS), 30, "the edited feeds")
    latency = time.monotonic() - started
    for rel in FEEDS + ("index.html", "topics/transport/index.html", "topics/transport/feed.xml",
                        "actors/iraq/index.html", f"archive/{doc.date:%Y/%m}/index.html"):
        text = watcher.site_text(rel)
        assert "Ferry service resumes" in text and "Ferry service starts" not in text, rel
    record("watch-edit", {"seconds_edit_to_page_and_feeds": round(latency, 2)})


def test_deleting_an_article_removes_it_everywhere(watcher):
    doc = _newest_doc(2, "Grain silo opens in Kirkuk", "Agriculture")
    path = doc.write(watcher.root)
    url = f"articles/{doc.date:%Y}/{doc.date:%m}/{doc.slug}/"
    wait_for(lambda: watcher.page_exists(url), 30, "the new article")
    wait_for(lambda: all("Grain silo opens" in watcher.site_text(f) for f in FEEDS), 30, "the article in the feeds")

    path.unlink()
    wait_for(lambda: not watcher.page_exists(url), 30, "the page to go")
    site = watcher.site.resolve()
    mentions = [p.relative_to(site).as_posix() for p in site.rglob("*")
                if p.is_file() and p.suffix in (".html", ".xml", ".json")
                and ("Grain silo opens" in p.read_text(encoding="utf-8", errors="replace")
                     or url in p.read_text(encoding="utf-8", errors="replace"))]
    assert mentions == []
    assert not (site / "topics/agriculture").exists()   # its only article is gone, and so is the topic

"""Serve mode: a real HTTP server on 127.0.0.1, real file-system events, a real browser."""
from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support.badinput import wire_story
from support.browser import screenshot
from support.processes import free_port, stop, wait_for

REPO = Path(__file__).resolve().parents[1]
ARTICLE = "content/articles/2024/11/eu-iraq-launch-energy-dialogue.md"
ARTICLE_URL = "articles/2024/11/eu-iraq-launch-energy-dialogue/"


def get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


@pytest.fixture
def server(sample_site):
    port = free_port()
    log = open(sample_site / "serve.log", "w+")
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(sample_site),
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: "rebuilt:" in (sample_site / "serve.log").read_text(), timeout=60)
        yield sample_site, base, lambda: (sample_site / "serve.log").read_text()
    finally:
        stop(proc)
        log.close()


def test_serves_the_site_on_loopback(server):
    root, base, _ = server
    status, html, headers = get(base)
    assert status == 200 and "Tigris Ledger" in html
    assert headers["Content-Type"].startswith("text/html")
    assert "/__newsdigest/events" in html          # live reload, injected by the server only
    assert "__newsdigest" not in (root / "site/index.html").read_text()
    assert get(base + "digest/" + ARTICLE_URL)[0] == 200   # the base_url's sub-path also works
    status, html, _ = get(base + "no/such/page/")
    assert status == 404 and "Page not found" in html
    assert get(base + "../../../../etc/passwd")[0] == 404
    assert get(base + "feed.xml")[2]["Content-Type"].startswith("application/")


def test_editing_an_article_updates_the_open_page(server, browser):
    root, base, log = server
    page = browser.new_page()
    page.goto(base + ARTICLE_URL)
    assert page.locator("h1").inner_text() == "EU and Iraq Launch Energy Dialogue in Brussels"
    page.wait_for_timeout(300)  # let the event stream connect
    path = root / ARTICLE
    path.write_text(path.read_text().replace('title: "EU and Iraq Launch', 'title: "EU and Iraq Open'))
    page.wait_for_function("document.querySelector('h1').innerText.startsWith('EU and Iraq Open')", timeout=20000)
    screenshot(page, "serve-live-reload")
    page.close()


def test_a_failed_rebuild_shows_an_overlay_and_keeps_the_last_good_site(server, browser):
    root, base, log = server
    page = browser.new_page()
    page.goto(base)
    page.wait_for_timeout(300)
    footer = root / "templates/footer.html"
    good = footer.read_text()
    footer.write_text(good + "{% if %}\n")
    overlay = page.locator("#newsdigest-error")
    overlay.wait_for(timeout=20000)
    text = overlay.inner_text()
    assert "footer.html" in text and "template error" in text
    screenshot(page, "serve-error-overlay")
    assert get(base)[0] == 200                      # the last good site is still served
    assert "build failed" in log()
    footer.write_text(good)
    page.wait_for_function("!document.getElementById('newsdigest-error')", timeout=20000)
    page.close()


def test_deleting_an_article_removes_it_everywhere(server):
    root, base, log = server
    (root / ARTICLE).unlink()
    wait_for(lambda: get(base + ARTICLE_URL)[0] == 404)
    for url in ("", "topics/energy/", "actors/zoe-lefevre/", "feed.xml", "archive/2024/11/"):
        status, body, _ = get(base + url)
        assert "EU and Iraq Launch Energy Dialogue" not in body, url


class EventStream:
    """A live-reload client on the server-sent-events stream: every `state` event it receives."""

    def __init__(self, base: str):
        host = urlsplit(base)
        self.conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        self.conn.request("GET", "/__newsdigest/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        self.states: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.response:
                if line.startswith(b"data: "):
                    self.states.append(json.loads(line[6:]))
        except OSError:
            pass

    def reloads(self) -> int:
        """How many times an open page would have reloaded: the version changes seen."""
        versions = [s["version"] for s in self.states]
        return sum(1 for a, b in zip(versions, versions[1:]) if a != b)

    def close(self) -> None:
        self.conn.close()


def test_an_open_page_reloads_once_per_change_and_not_for_a_build_that_changed_nothing(server):
    root, base, log = server
    (root / "content/inbox").mkdir()
    stream = EventStream(base)
    try:
        wait_for(lambda: stream.states, 20, "the stream's first state")

        def builds_after_quiet(quiet: float = 3.0) -> int:
            count = -1
            while count != log().count("rebuilt:"):
                count = log().count("rebuilt:")
                time.sleep(quiet)
            return count

        builds = builds_after_quiet()
        for n in range(2):   # each drop: one build, one reload
            name, data, title = wire_story(n, "sse")
            (root / "content/inbox" / name).write_bytes(data)
            wait_for(lambda: f"ingested content/inbox/{name} -> /articles/" in log() and log().count("rebuilt:") > builds + n,
                     60, f"{name} ingested, and its build done")
            # One line per change: the build, and the article's page it published.
            line = next(x for x in log().splitlines() if f"ingested content/inbox/{name}" in x)
            assert re.fullmatch(rf"rebuilt: \d+ articles, \d+ files written, .* in [\d.]+ s; ingested "
                                rf"content/inbox/{re.escape(name)} -> /articles/\d{{4}}/\d\d/[a-z0-9-]+/", line), line
            assert builds_after_quiet() == builds + n + 1, log()[-2000:]
            assert stream.reloads() == n + 1, stream.states
        # A build that wrote nothing (an article touched, not changed) reloads no page.
        os.utime(root / ARTICLE)
        wait_for(lambda: log().count("rebuilt:") > builds + 2, 60, "the build after the touch")
        assert builds_after_quiet() == builds + 3
        assert "0 files written" in log().splitlines()[-1] and stream.reloads() == 2, stream.states
        assert all(s["error"] is None for s in stream.states)
    finally:
        stream.close()

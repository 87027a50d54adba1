"""Hostile input that once broke the build, the feeds or the dev server (issue 20).

Each test makes the real thing: a FIFO, a folder nobody may read, 1,000 levels of YAML, an
alias bomb, a term named like markup read back by feedparser, raw HTTP requests to `serve` on
127.0.0.1. Every build runs as `python build.py` in a subprocess with a time limit (and, for
the alias bombs, a memory limit), so a hang or a blow-up fails the test instead of the suite.
"""
from __future__ import annotations

import html
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import feedparser
import pytest

from newsdigest.search import SHARD_LIST
from support.corpus import make_doc, write_site
from support.processes import free_port, stop, wait_for

REPO = Path(__file__).resolve().parents[1]
CONFIG = ('title = "Hostile digest"\nbase_url = "https://example.org/h/"\ntimezone = "Asia/Baghdad"\n'
          'search = false\n')
ENV = {**os.environ, "PYTHONUTF8": "1"}
GOOD = "---\ntitle: A good story\ndate: 2024-03-02T10:00:00+03:00\nid: good-1\n---\n\nThe good story stays.\n"


def build_cmd(root: Path, *args: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), *args, "--root", str(root)]


def run(root: Path, *args: str, timeout: float = 120, prefix: list[str] = (), preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, *build_cmd(root, *args)], capture_output=True, text=True, timeout=timeout,
                          env=ENV, preexec_fn=preexec)


def site(tmp_path: Path, n: int = 3) -> Path:
    root = tmp_path / "site-root"
    rng = random.Random(20)
    write_site(root, [make_doc(rng, i) for i in range(n)], CONFIG)
    (root / "content" / "inbox").mkdir(parents=True, exist_ok=True)
    return root


def pages(root: Path) -> set[str]:
    out = root / "site"
    return {p.relative_to(out).as_posix() for p in out.rglob("index.html") if "/articles/" in "/" + p.relative_to(out).as_posix()}


def no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-3000:]


def error_lines(done: subprocess.CompletedProcess, needle: str) -> list[str]:
    return [line for line in done.stderr.splitlines() if needle in line]


# --- 1. a FIFO named *.md never hangs a build ---------------------------------------------------------

def test_a_fifo_in_articles_or_inbox_never_hangs_the_build(tmp_path):
    root = site(tmp_path)
    folder = root / "content" / "articles" / "2024" / "03"
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "pipe.md")
    os.mkfifo(root / "content" / "inbox" / "pipe.txt")
    # any file in the inbox makes the ingest scan every article for duplicates
    (root / "content" / "inbox" / "wire.txt").write_text(
        "Ministry opens the new bridge\n2024-03-05 10:00\n\nThe ministry opened the bridge on Tuesday. "
        "Traffic is expected to ease across the river, officials said.\n")
    try:
        done = run(root, "build", timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the build hung on a FIFO")
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    assert error_lines(done, "content/articles/2024/03/pipe.md: error: is a named pipe (FIFO)")
    assert error_lines(done, "pipe.txt") and "named pipe" in error_lines(done, "pipe.txt")[0]
    assert (root / "content" / "inbox" / "rejected" / "pipe.txt").exists()       # set aside, not reported again
    assert any("new-bridge" in p for p in pages(root)), "the inbox file was ingested and published"
    again = run(root, "build", timeout=60)
    assert not error_lines(again, "pipe.txt")


# --- 2. an unreadable folder never unpublishes its articles --------------------------------------------

def _unprivileged() -> tuple[list[str], str]:
    """A command prefix under which file permissions apply, and what it is."""
    if os.geteuid() != 0:
        return [], "a non-root user"
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be denied")
    # Root without the capabilities that bypass file permissions: chmod 000 then denies it
    # exactly as it denies an ordinary user (setuid to nobody cannot work here when the
    # Python interpreter lives under /root).
    prefix = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]
    locked = Path(tempfile.mkdtemp())
    locked.chmod(0)
    probe = subprocess.run(prefix + [sys.executable, "-c", f"import os; os.listdir({str(locked)!r})"], capture_output=True)
    locked.rmdir()
    if probe.returncode == 0:
        pytest.skip("cannot drop the file-permission capabilities here")
    return prefix, "root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH"


def test_an_unreadable_folder_is_an_error_and_its_pages_stay(tmp_path):
    prefix, who = _unprivileged()
    root = site(tmp_path, 0)
    folder = root / "content" / "articles" / "2024" / "03"
    folder.mkdir(parents=True)
    for i in range(3):
        (folder / f"march-{i}.md").write_text(GOOD.replace("good-1", f"m{i}").replace("A good story", f"March story {i}"))
    (root / "content" / "articles" / "2024" / "04").mkdir()
    (root / "content" / "articles" / "2024" / "04" / "april.md").write_text(GOOD.replace("2024-03", "2024-04"))
    first = run(root, "build", prefix=prefix)
    assert first.returncode == 0, first.stderr
    before = pages(root)
    assert len(before) == 4
    folder.chmod(0o000)
    try:
        done = run(root, "build", prefix=prefix)
        strict = run(root, "build", "--strict", prefix=prefix)
        check = run(root, "check", prefix=prefix)
        clean = run(root, "build", "--clean", prefix=prefix)
        after = pages(root)
    finally:
        folder.chmod(0o755)
    for result in (done, strict, check, clean):
        no_traceback(result)
        assert error_lines(result, "content/articles/2024/03/: error: cannot read this folder: Permission denied"), \
            (who, result.stderr)
    assert done.returncode == 0
    assert strict.returncode == 1 and check.returncode == 1
    # --clean has no earlier reading to keep: it stops, and the site stays as it was
    assert clean.returncode == 1 and error_lines(clean, "the previous site is still published")
    assert after == before, "pages were removed because a folder could not be read"


# --- 3. deep nesting; 4. alias bombs ---------------------------------------------------------------------

def _limits(memory_bytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    return apply


MEMORY = 2 * 2**30


def alias_bomb(field: str, depth: int = 9) -> str:
    """Each level holds nine aliases of the one before: 9**depth strings once expanded."""
    lines = [f"{field}:", '  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, depth + 1):
        lines.append(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines)


def test_deep_nesting_is_one_line_for_that_file(tmp_path):
    root = site(tmp_path)
    folder = root / "content" / "articles" / "2024" / "03"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deep.md").write_text("---\ntitle: " + "[" * 1000 + "]" * 1000 + "\ndate: 2024-03-01\n---\nbody\n")
    (folder / "deep-map.md").write_text("---\ndate: 2024-03-01\ntitle:\n" +
                                        "".join("  " * i + f"k{i}:\n" for i in range(1, 1000)) + "---\nbody\n")
    (folder / "good.md").write_text(GOOD)
    (root / "content" / "inbox" / "deep.md").write_text("---\ntitle: " + "{a: " * 1000 + "b" + "}" * 1000 +
                                                      "\ndate: 2024-03-01\n---\nSome text.\n")
    done = run(root, "build", timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    no_traceback(done)
    for name in ("content/articles/2024/03/deep.md:2:", "content/articles/2024/03/deep-map.md:", "content/inbox/deep.md:"):
        lines = error_lines(done, name)
        assert len(lines) == 1 and "nested more than" in lines[0], done.stderr
    assert "articles/2024/03/good/index.html" in pages(root)


@pytest.mark.parametrize("where", ["inbox", "articles"])
def test_an_alias_bomb_is_refused_before_it_expands(tmp_path, where):
    root = site(tmp_path)
    if where == "inbox":  # an unknown field, which ingest used to keep and write out expanded
        path = root / "content" / "inbox" / "bomb.md"
        path.write_text(f"---\ntitle: Harmless title\ndate: 2024-03-01\n{alias_bomb('extra')}\n---\nSome text here.\n")
    else:                 # as the title, which an error message used to repr() in full
        path = root / "content" / "articles" / "2024" / "03" / "bomb.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ndate: 2024-03-01\n{alias_bomb('title')}\n---\nbody\n")
    assert path.stat().st_size < 1024
    (root / "content" / "articles" / "2024" / "03").mkdir(parents=True, exist_ok=True)
    (root / "content" / "articles" / "2024" / "03" / "good.md").write_text(GOOD)
    try:
        done = run(root, "build", timeout=60, preexec=_limits(MEMORY))
    except subprocess.TimeoutExpired:
        pytest.fail("the alias bomb was expanded (no end within 60 s)")
    no_traceback(done)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = error_lines(done, "bomb.md")
    assert len(lines) == 1 and "anchor or alias" in lines[0] and len(lines[0]) < 400, lines
    assert "articles/2024/03/good/index.html" in pages(root)
    if where == "inbox":
        assert (root / "content" / "inbox" / "rejected" / "bomb.md").exists()
        assert not list((root / "content" / "articles").rglob("harmless*"))
        again = run(root, "build", timeout=60, preexec=_limits(MEMORY))
        assert not error_lines(again, "bomb.md")   # set aside: not read again by every build


# --- 5. feeds: a term named like markup stays text in RSS --------------------------------------------

def test_rss_channel_description_stays_text_in_a_feed_parser(tmp_path):
    root = site(tmp_path, 0)
    payload = "<img src=x onerror=alert(1)>"
    folder = root / "content" / "articles" / "2024" / "03"
    folder.mkdir(parents=True)
    (folder / "story.md").write_text(
        f"---\nid: s1\ntitle: 'Story about {payload}'\ndate: 2024-03-01T10:00:00+03:00\n"
        f"topics: ['{payload}']\nactors: ['{payload}']\n---\n\nText.\n")
    done = run(root, "build")
    assert done.returncode == 0, done.stderr
    feeds = [p for p in (root / "site").rglob("feed.xml") if p.parent.parent.name in ("topics", "actors")]
    assert len(feeds) == 2
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, parsed.bozo_exception
        description = parsed.feed.subtitle
        # feedparser treats the RSS description as HTML, as many readers do: what it hands
        # over must contain no markup, and read as HTML it must show the term as written.
        assert parsed.feed.subtitle_detail.type == "text/html"
        assert "<" not in description, description
        assert payload in html.unescape(description)
        # the item description (summary) follows the same rule
        entry = parsed.entries[0]
        assert entry.summary_detail.type == "text/html" and "<img" not in entry.summary


# --- 6. the dev server -------------------------------------------------------------------------------

def raw_request(port: int, target: str, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data


@pytest.fixture
def server(tmp_path):
    root = site(tmp_path)
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(build_cmd(root, "serve", "--port", str(port)), stdout=out, stderr=subprocess.STDOUT,
                                env=ENV, start_new_session=True)
    try:
        wait_for(lambda: b"200 OK" in _try(port, "/"), timeout=60, what="the server")
        yield port, log
    finally:
        stop(proc)


def _try(port: int, target: str) -> bytes:
    try:
        return raw_request(port, target, timeout=2)
    except OSError:
        return b""


def test_serve_answers_bad_requests_and_logs_one_line(server):
    port, log = server
    answers = {target: raw_request(port, target).split(b"\r\n", 1)[0]
               for target in ("/%00", "/index.html%00.txt", "/" + "a" * 300, "/" + "b" * 300 + "/index.html",
                              "/articles/" + "%2e%2e/" * 5 + "etc/passwd")}
    assert answers["/%00"].endswith(b"400 Bad Request")
    assert answers["/index.html%00.txt"].endswith(b"400 Bad Request")
    for target, status in answers.items():
        assert status.split()[1] in (b"400", b"404"), (target, status)
    # clients that hang up early, mid-request and mid-response
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n\r\n")
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(b"GET / HT")
    assert raw_request(port, "/").startswith(b"HTTP/1.1 200")
    time.sleep(0.5)
    text = log.read_text()
    assert "Traceback" not in text and "Error" not in text.replace("error", ""), text[-3000:]
    assert text.count("serve: 400 bad request") == 2


def test_serve_holds_200_live_reload_streams_at_once(server):
    port, _ = server
    opened: list[bytes] = []
    failures: list[str] = []
    lock = threading.Lock()

    def listen() -> None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
                conn.sendall(b"GET /__newsdigest/events HTTP/1.1\r\nHost: x\r\n\r\n")
                data = b""
                while b"event: state" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                with lock:
                    opened.append(data)
        except OSError as exc:
            with lock:
                failures.append(f"{exc.__class__.__name__}: {exc}")

    threads = [threading.Thread(target=listen) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures, failures[:5]
    assert len(opened) == 200 and all(b"event: state" in d for d in opened)


def test_serve_port_out_of_range_is_a_clear_error(tmp_path):
    root = site(tmp_path, 1)
    done = run(root, "serve", "--port", "99999", timeout=30)
    assert done.returncode == 2 and "must be a port number from 1 to 65535" in done.stderr
    no_traceback(done)


# --- 7. smaller breaks ------------------------------------------------------------------------------

def test_a_missing_root_is_an_error_not_a_new_site(tmp_path):
    missing = tmp_path / "no-such-site"
    done = run(missing, "build", timeout=60)
    assert done.returncode == 1 and "no such folder" in done.stderr
    assert not missing.exists()


def test_links_leaving_the_root_are_refused(tmp_path):
    root = site(tmp_path)
    outside = tmp_path / "outside.md"
    outside.write_text(GOOD.replace("good-1", "outside").replace("A good story", "Outside story"))
    folder = root / "content" / "articles" / "2024" / "03"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "linked.md").symlink_to(outside)
    outside_raw = tmp_path / "wire.txt"
    outside_raw.write_text("Outside wire story\n2024-03-05 10:00\n\nA story kept outside the site folder.\n")
    (root / "content" / "inbox" / "wire.txt").symlink_to(outside_raw)
    done = run(root, "build", timeout=60)
    assert done.returncode == 0, done.stderr
    assert error_lines(done, "content/articles/2024/03/linked.md: error: is a link to a file outside the site folder")
    assert error_lines(done, "wire.txt") and "symbolic link" in error_lines(done, "wire.txt")[0]
    assert not any("outside" in p for p in pages(root))
    assert outside_raw.exists() and outside.exists()          # nothing outside the root touched
    assert (root / "content" / "inbox" / "rejected" / "wire.txt").is_symlink()
    again = run(root, "build", timeout=60)
    assert not error_lines(again, "wire.txt")                  # reported once, not on every build


def test_odd_names_are_warned_about_and_errors_stay_on_one_line(tmp_path):
    root = site(tmp_path)
    folder = root / "content" / "articles" / "2024" / "03"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "LOUD.MD").write_text(GOOD)
    (folder / "..md").write_text(GOOD)
    (folder / "bad\nname.md").write_text("---\ntitle: [unclosed\n---\n")
    done = run(root, "build", timeout=60)
    assert done.returncode == 0
    assert error_lines(done, "LOUD.MD: warning: ends in '.MD'")
    assert error_lines(done, "/..md: warning: has no name before '.md'")
    assert error_lines(done, "content/articles/2024/03/bad\\nname.md:2: error:")


def test_repeated_keys_and_sets(tmp_path):
    root = site(tmp_path)
    folder = root / "content" / "articles" / "2024" / "03"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "twice.md").write_text("---\nid: t2\ntitle: First\ndate: 2024-03-01\nsource: x\ntitle: Second\n---\nbody\n")
    (folder / "set.md").write_text("---\nid: s3\ntitle: !!set {b, a, c, d}\ndate: 2024-03-01\n---\nbody\n")
    done = run(root, "build", timeout=60)
    assert error_lines(done, "twice.md:6: warning: field 'title' is given twice (also on line 3)")
    assert error_lines(done, "set.md:3: error: field 'title' must be a single text value")
    assert "Second" in (root / "site" / "articles" / "2024" / "03" / "twice" / "index.html").read_text()


def pagefind_in_group(group: int) -> bool:
    """Whether a Pagefind service runs in this process group (the build's)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[2]) == group and b"pagefind" in command and b"--service" in command:
            return True
    return False


def test_a_build_killed_during_pagefind_leaves_nothing_behind(tmp_path):
    if subprocess.run([sys.executable, "-m", "pagefind", "--version"], capture_output=True).returncode != 0:
        pytest.skip("pagefind is not installed")
    root = site(tmp_path, 200)
    (root / "site.toml").write_text(CONFIG.replace("search = false", "search = true"))
    builds = root / ".newsdigest" / "builds"
    private_tmp = tmp_path / "tmp"   # the build's TMPDIR: other processes use /tmp too
    private_tmp.mkdir()
    proc = subprocess.Popen(build_cmd(root, "build"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**ENV, "TMPDIR": str(private_tmp)}, start_new_session=True)
    try:
        wait_for(lambda: proc.poll() is not None or pagefind_in_group(proc.pid), timeout=120,
                 what="the search index build", interval=0.005)
        indexing = proc.poll() is None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert indexing, "the build ended before Pagefind ran"
    # Pagefind is handed records and returns its files: it writes nothing, anywhere.
    assert not list(private_tmp.iterdir()), "the killed build left files in the temporary folder"
    assert not (root / "site").exists(), "the killed build published a site"
    done = run(root, "build")
    assert done.returncode == 0, done.stderr
    assert not any(builds.glob("*.scratch")), "the next build left a scratch folder"
    shards = json.loads((root / "site" / SHARD_LIST).read_text())   # every shard's bundle is complete
    assert shards and all((root / "site" / prefix / "pagefind.js").is_file() for prefix in shards)

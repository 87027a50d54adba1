"""Faults, injected for real, with the build in a subprocess:

- disk full: a small tmpfs filled up (real ENOSPC; needs mount, so root), and a file-size limit
  (RLIMIT_FSIZE: writes fail with EFBIG; runs anywhere);
- permission denied on .newsdigest/builds: the build run as `nobody` (setpriv) against a
  folder owned by root (real EACCES; as a non-root user, chmod does the same), and a read-only
  bind mount (EROFS);
- SIGKILL at random moments during an ingest of many inbox files.

After each fault: the build fails with a clear error, the previous site is intact, nothing
half-written or lost, and the next run completes. Two builds at once: see test_atomic.py.
"""
from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.badinput import record_figures, wire_story
from support.corpus import make_doc, write_site
from newsdigest.articles import parse_article
from newsdigest.config import SiteConfig
from newsdigest.frontmatter import parse
from support.sitecheck import site_files

REPO = Path(__file__).resolve().parents[1]
CONFIG = 'title = "Fault digest"\nbase_url = "https://example.org/f/"\ntimezone = "Asia/Baghdad"\n'
ENV = {**os.environ, "PYTHONUTF8": "1"}


def build_cmd(root: Path, *args: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "--root", str(root), "build", *args]


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=ENV, **kw)


def make_site(root: Path, articles: int, inbox: int = 0, salt: str = "") -> dict[str, bytes]:
    """A site with articles and inbox files; returns the inbox originals by name."""
    rng = random.Random(f"faults{salt}")
    write_site(root, [make_doc(rng, n) for n in range(articles)], CONFIG)
    originals = {}
    (root / "content/inbox").mkdir(parents=True, exist_ok=True)
    for n in range(inbox):
        name, data, _ = wire_story(n, salt)
        (root / "content/inbox" / name).write_bytes(data)
        originals[name] = data
    return originals


def add_content(root: Path, salt: str, articles: int = 4, inbox: int = 4) -> dict[str, bytes]:
    """New work for the next build: articles and inbox files."""
    rng = random.Random(f"more{salt}")
    for n in range(1000, 1000 + articles):
        make_doc(rng, n).write(root)
    originals = {}
    for n in range(1000, 1000 + inbox):
        name, data, _ = wire_story(n, salt)
        (root / "content/inbox" / name).write_bytes(data)
        originals[name] = data
    return originals


def reference_site(root: Path, scratch: Path) -> dict[str, bytes]:
    """What the site must be once the faults are gone: a clean build of a copy of the content."""
    copy = scratch / "reference"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site", ".newsdigest"))
    done = run(build_cmd(copy, "--clean"))
    assert done.returncode == 0, done.stderr
    files = site_files(copy / "site")
    shutil.rmtree(copy)
    return files


def built_then_changed(root: Path, scratch: Path, salt: str, articles: int,
                       inbox: int) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]:
    """A site built once, then given new articles and inbox files: every original input, the
    site as published, and what a clean build of the new content gives (the faults' setup)."""
    originals = make_site(root, articles=articles, inbox=inbox, salt=salt)
    assert run(build_cmd(root)).returncode == 0
    old = site_files(root / "site")
    originals |= add_content(root, salt)
    return originals, old, reference_site(root, scratch)


def half_written_articles(root: Path) -> list[str]:
    """Article files that do not load (a half-written file would be one)."""
    bad = []
    for path in sorted((root / "content/articles").rglob("*.md")):
        if path.name.startswith("."):
            continue
        rel = path.relative_to(root).as_posix()
        article, problems = parse_article(path.read_bytes(), rel, SiteConfig())
        if article is None:
            bad.append(f"{rel}: {problems}")
    return bad


def kept_copies(root: Path, originals: dict[str, bytes]) -> dict[str, list[Path]]:
    """Where each original's bytes are now, under content/inbox and content/raw."""
    by_bytes: dict[bytes, list[Path]] = {}
    for folder in (root / "content/inbox", root / "content/raw"):
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.endswith(".why.txt"):
                by_bytes.setdefault(path.read_bytes(), []).append(path)
    return {name: by_bytes.get(data, []) for name, data in originals.items()}


@dataclass
class Attempt:
    fault: str
    returncode: int
    stderr: str
    site_intact: bool


def _summary(attempt: Attempt) -> dict:
    lines = attempt.stderr.strip().splitlines()
    return {"fault": attempt.fault, "exit_code": attempt.returncode, "stderr_lines": len(lines),
            "last_line": lines[-1] if lines else "", "site_intact": attempt.site_intact}


def one_clear_line(stderr: str) -> bool:
    # The inbox's wire stories give dates without a zone: the ingest warns of each, fault or not.
    lines = [line for line in stderr.splitlines() if line.strip() and "has no time zone" not in line]
    return len(lines) == 1 and "Traceback" not in stderr and ": error: " in lines[0]


def check_recovery(root: Path, attempts: list[Attempt], originals: dict[str, bytes], reference: dict) -> None:
    """What must hold after the faults, whatever the error message looked like."""
    assert attempts and all(a.returncode == 1 for a in attempts), [(a.fault, a.returncode) for a in attempts]
    assert all(a.site_intact for a in attempts), [a.fault for a in attempts if not a.site_intact]
    assert half_written_articles(root) == []
    assert all(kept_copies(root, originals).values()), "an inbox file was lost"
    done = run(build_cmd(root))                          # the fault is gone: the next build completes
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert site_files(root / "site") == reference
    assert all(len(paths) == 1 for paths in kept_copies(root, originals).values())
    assert not any((root / "content/inbox").glob("*.txt"))


# --- disk full ---------------------------------------------------------------------------------------

def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _fill(fs: Path) -> Path:
    ballast = fs / "ballast"
    # Unbuffered: a buffered file keeps what the full disk refused and fails again on close.
    with open(ballast, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError:
            pass
    return ballast


@pytest.fixture(scope="module")
def disk_full(tmp_path_factory):
    """A site on a 24 MB tmpfs; the disk is filled, then freed a little at a time until a build fits."""
    scratch = tmp_path_factory.mktemp("disk-full")
    fs = scratch / "fs"
    fs.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=24m", "tmpfs", str(fs)):
        pytest.skip("cannot mount a tmpfs here (needs root); the RLIMIT_FSIZE test covers writes failing")
    try:
        root = fs / "site-root"
        originals, old, reference = built_then_changed(root, scratch, "full", 40, 5)
        ballast = _fill(fs)
        attempts = []
        for free_kb in (0, 8, 32, 64, 128, 256, 512, 1024, 2048, 4096):
            os.truncate(ballast, max(0, ballast.stat().st_size - free_kb * 1024))
            done = run(build_cmd(root))
            if done.returncode == 0:
                break
            attempts.append(Attempt(f"{free_kb} kB free", done.returncode, done.stderr, site_files(root / "site") == old))
        else:
            pytest.fail("the build never fitted in 4 MB")
        ballast.unlink()  # the disk is no longer full
        record_figures("disk-full", {"attempts": [_summary(a) for a in attempts]})
        yield root, attempts, originals, reference
    finally:
        subprocess.run(["umount", "-l", str(fs)], capture_output=True)


def test_disk_full_fails_the_build_and_keeps_the_previous_site(disk_full):
    root, attempts, originals, reference = disk_full
    assert len(attempts) >= 2, "the disk was never full enough to fail a build"
    assert any("No space left on device" in a.stderr or "disk is full" in a.stderr for a in attempts)
    # The build that finally fitted published the new site; a rebuild leaves it as it is.
    check_recovery(root, attempts, originals, reference)


def test_disk_full_is_one_clear_error_line(disk_full):
    _, attempts, _, _ = disk_full
    assert all(one_clear_line(a.stderr) for a in attempts), attempts[0].stderr[-2000:]


def _limit_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.fixture(scope="module")
def file_size_limit(tmp_path_factory):
    """Writes beyond RLIMIT_FSIZE fail with EFBIG (Python ignores SIGXFSZ): a disk that takes
    only small files. Larger and larger limits until the build fits."""
    scratch = tmp_path_factory.mktemp("fsize")
    root = scratch / "site-root"
    originals, old, reference = built_then_changed(root, scratch, "fsize", 40, 5)
    attempts = []
    # The cache (SQLite) fails first; with --clean there is no cache and the site's files fail.
    for limit_kb, args in ((1, ()), (16, ()), (1, ("--clean",)), (8, ("--clean",)), (32, ("--clean",))):
        done = run(build_cmd(root, *args), preexec_fn=_limit_file_size(limit_kb * 1024))
        attempts.append(Attempt(f"files up to {limit_kb} kB{' (--clean)' if args else ''}", done.returncode,
                                done.stderr, site_files(root / "site") == old))
    record_figures("file-size-limit", {"attempts": [_summary(a) for a in attempts]})
    return root, attempts, originals, reference


def test_a_file_size_limit_fails_the_build_and_keeps_the_previous_site(file_size_limit):
    root, attempts, originals, reference = file_size_limit
    # EFBIG: "File too large" from Python, "disk I/O error" or "disk is full" from SQLite
    assert all(any(m in a.stderr for m in ("File too large", "disk I/O error", "disk is full")) for a in attempts), \
        [a.stderr.splitlines()[-1:] for a in attempts]
    check_recovery(root, attempts, originals, reference)


def test_a_file_size_limit_is_one_clear_error_line(file_size_limit):
    _, attempts, _, _ = file_size_limit
    assert all(one_clear_line(a.stderr) for a in attempts), attempts[0].stderr[-2000:]


# --- permission denied on the output folder -----------------------------------------------------------

def _as_nobody() -> list[str] | None:
    """The command prefix that runs a build as `nobody`, if this machine can (root and setpriv)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    import pwd
    user = pwd.getpwnam("nobody")
    prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    probe = subprocess.run(prefix + [sys.executable, "-c", "import newsdigest"], capture_output=True)
    return prefix if probe.returncode == 0 else None


@pytest.fixture
def world_readable_dir():
    """A folder `nobody` can reach (pytest's own tmp folder is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="newsdigest-faults-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.lchown(os.path.join(folder, name), uid, gid)


def test_permission_denied_on_the_builds_folder(world_readable_dir, tmp_path):
    root = world_readable_dir / "site-root"
    originals, old, reference = built_then_changed(root, tmp_path, "perm", 30, 3)
    builds = root / ".newsdigest/builds"
    prefix = _as_nobody()
    if prefix is not None:      # root ignores permissions: run the build as nobody instead
        import pwd
        user = pwd.getpwnam("nobody")
        _chown_tree(root, user.pw_uid, user.pw_gid)
        os.chown(builds, 0, 0)
        builds.chmod(0o755)
        fault = "builds/ owned by root, build run as nobody"
    elif os.geteuid() != 0:
        prefix = []
        builds.chmod(0o555)
        fault = "builds/ mode 555"
    else:
        pytest.skip("running as root without setpriv: permissions cannot be denied")
    done = run(prefix + build_cmd(root))
    builds.chmod(0o755)
    if prefix:
        os.chown(builds, os.geteuid(), os.getegid())
    attempt = Attempt(fault, done.returncode, done.stderr, site_files(root / "site") == old)
    assert "Permission denied" in done.stderr
    record_figures("permission-denied", _summary(attempt))
    _chown_tree(root, os.geteuid(), os.getegid())
    check_recovery(root, [attempt], originals, reference)
    assert one_clear_line(done.stderr), done.stderr[-2000:]


def test_read_only_builds_folder(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    root = tmp_path / "site-root"
    originals, old, reference = built_then_changed(root, tmp_path, "rofs", 30, 3)
    builds = root / ".newsdigest/builds"
    if not (_mount("--bind", str(builds), str(builds)) and _mount("-o", "remount,bind,ro", str(builds))):
        subprocess.run(["umount", str(builds)], capture_output=True)
        pytest.skip("bind mounts are not allowed here")
    try:
        done = run(build_cmd(root))
    finally:
        subprocess.run(["umount", str(builds)], check=True)
    attempt = Attempt("builds/ mounted read-only", done.returncode, done.stderr, site_files(root / "site") == old)
    assert "Read-only file system" in done.stderr
    record_figures("read-only", _summary(attempt))
    check_recovery(root, [attempt], originals, reference)
    assert one_clear_line(done.stderr), done.stderr[-2000:]


# --- SIGKILL during an ingest ------------------------------------------------------------------------

INBOX_FILES = 400
KILLS = 10


def test_sigkill_during_ingest_loses_nothing_and_ingests_everything_once(tmp_path):
    rng = random.Random(8)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(3)], CONFIG + "search = false\n")
    inbox = root / "content/inbox"
    inbox.mkdir(parents=True)
    originals, titles = {}, []
    for n in range(INBOX_FILES):
        name, data, title = wire_story(n, "k")
        (inbox / name).write_bytes(data)
        originals[name] = data
        titles.append(title)

    kills, two_names = [], 0
    for attempt in range(KILLS):
        waiting = sum(1 for p in inbox.iterdir() if p.is_file())
        if waiting < 20:
            break
        # Kill once a random number of files has left the inbox, a random fraction of a file later.
        target = waiting - rng.randint(1, waiting // 3)
        proc = subprocess.Popen(build_cmd(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if sum(1 for p in inbox.iterdir() if p.is_file()) <= target:
                break
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.004))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        kills.append(waiting - sum(1 for p in inbox.iterdir() if p.is_file()))
        # After every kill: no half-written article, no original lost.
        assert half_written_articles(root) == [], f"kill {attempt}"
        copies = kept_copies(root, originals)
        assert all(copies.values()), f"kill {attempt}: lost {[n for n, c in copies.items() if not c][:5]}"
        # Two names for one original only as two links to the same file (killed between link and unlink).
        assert all(len({p.stat().st_ino for p in c}) == 1 for c in copies.values()), f"kill {attempt}"
        two_names += sum(len(c) > 1 for c in copies.values())
    assert len(kills) >= 5 and all(kills), kills   # every kill landed in the middle of the ingest

    done = run(build_cmd(root))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert half_written_articles(root) == []
    written = Counter()
    for path in (root / "content/articles").rglob("*.md"):
        if not path.name.startswith("."):
            written[parse(path.read_text(encoding="utf-8"), str(path)).meta["title"]] += 1
    assert {t: written[t] for t in titles} == {t: 1 for t in titles}     # every input once
    assert sum(written.values()) == INBOX_FILES + 3                        # and nothing else
    copies = kept_copies(root, originals)
    assert {name: len(c) for name, c in copies.items()} == {name: 1 for name in originals}
    assert not any(p.is_file() for p in inbox.iterdir())
    assert len(list((root / "site/articles").glob("*/*/*/index.html"))) == INBOX_FILES + 3
    leftovers = [p.name for p in (root / "content").rglob(".*.tmp")]
    record_figures("sigkill-ingest", {"inbox_files": INBOX_FILES, "kills": len(kills),
                                      "files_handled_before_each_kill": kills,
                                      "originals_with_two_names_after_a_kill": two_names,
                                      "hidden_temporary_files_left": len(leftovers), "articles_lost": 0,
                                      "articles_written_twice": 0})


def test_the_states_a_kill_can_leave_are_recovered_exactly(tmp_path):
    """The two crash windows of an inbox file, recreated exactly (a random SIGKILL rarely lands
    in them): killed after its article was written but before the move, and killed between the
    link into content/raw and the unlink from the inbox. The next ingest leaves one copy."""
    from newsdigest.config import Paths
    from newsdigest.ingest import ingest_inbox

    paths = Paths(tmp_path)
    paths.inbox.mkdir(parents=True)
    originals = {}
    for n in range(2):
        name, data, _ = wire_story(n, "w")
        (paths.inbox / name).write_bytes(data)
        originals[name] = data
    first = ingest_inbox(paths, SiteConfig())
    assert [r.status for r in first] == ["written", "written"]
    before_move, between_link_and_unlink = first
    # 1. the article is there, the original still in the inbox (content/raw not yet written)
    os.replace(before_move.raw, paths.inbox / before_move.input.name)
    # 2. the original is in content/raw and still in the inbox: two names, one file
    os.link(between_link_and_unlink.raw, paths.inbox / between_link_and_unlink.input.name)

    again = ingest_inbox(paths, SiteConfig())
    assert [r.status for r in again] == ["duplicate", "duplicate"]
    copies = kept_copies(tmp_path, originals)
    assert {name: len(c) for name, c in copies.items()} == {name: 1 for name in originals}
    assert copies[between_link_and_unlink.input.name] == [between_link_and_unlink.raw]
    assert len(list(paths.articles.rglob("*.md"))) == 2

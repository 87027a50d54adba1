"""newsdigest.publish: atomic site generations behind a `site` symlink, and the build lock."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdigest.errors import NewsdigestError
from newsdigest.publish import BuildLock, Generation, current_generation, safe_relpath
from support.processes import wait_for

REPO = Path(__file__).resolve().parents[1]

FIRST_SITE = {
    "index.html": b"<h1>Home</h1>",
    "feed.xml": b"<rss>one</rss>",
    "articles/2024/08/talks/index.html": b"<p>Talks</p>",
    "topics/oil/index.html": b"<p>Oil</p>",
}


class Site:
    """A temporary site root: `site` is the published output, `.newsdigest/builds` its generations."""

    def __init__(self, root: Path):
        self.root = root
        self.output = root / "site"
        self.builds = root / ".newsdigest" / "builds"

    def generation(self, **kwargs) -> Generation:
        return Generation(self.output, self.builds, **kwargs)

    def publish(self, files: dict[str, bytes], **kwargs):
        with self.generation(**kwargs) as gen:
            for relpath, data in files.items():
                gen.write(relpath, data)
            stats = gen.commit()
        return gen, stats

    def files(self) -> dict[str, bytes]:
        """What a reader of the published site sees, path -> bytes."""
        return {p.relative_to(self.output).as_posix(): p.read_bytes()
                for p in sorted(self.output.rglob("*")) if p.is_file()}

    def slots(self) -> list[str]:
        return sorted(p.name for p in self.builds.iterdir() if p.is_dir() and p.name in ("a", "b"))


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path)


# --- publishing ----------------------------------------------------------------------------

def test_commit_makes_site_a_symlink_to_the_complete_generation(site):
    gen, stats = site.publish(FIRST_SITE)
    assert site.output.is_symlink()
    assert site.output.resolve() == gen.path.resolve()
    assert current_generation(site.output) == gen.path.resolve()
    assert site.files() == FIRST_SITE
    assert stats.written == len(FIRST_SITE) and stats.unchanged == 0
    assert not os.path.isabs(os.readlink(site.output))   # relative: the folder can be moved


def test_nothing_is_published_before_commit(site):
    with site.generation() as gen:
        gen.write("index.html", b"draft")
        assert not site.output.exists()
        gen.commit()
    assert site.files() == {"index.html": b"draft"}


def test_unchanged_files_are_hard_links_to_the_previous_generation(site):
    first, _ = site.publish(FIRST_SITE)
    before = {rel: os.stat(first.path / rel) for rel in FIRST_SITE}
    time.sleep(0.02)  # a rewritten file would get a later mtime

    changed = dict(FIRST_SITE, **{"feed.xml": b"<rss>two</rss>"})
    second, stats = site.publish(changed)

    assert second.path != first.path
    for rel in ("index.html", "articles/2024/08/talks/index.html", "topics/oil/index.html"):
        after = os.stat(second.path / rel)
        assert after.st_ino == before[rel].st_ino, rel
        assert after.st_mtime_ns == before[rel].st_mtime_ns, rel
    assert os.stat(second.path / "feed.xml").st_ino != before["feed.xml"].st_ino
    assert site.files() == changed
    assert (stats.written, stats.unchanged, stats.removed) == (1, 3, 0)


def test_clean_generation_forgets_render_keys_but_keeps_identical_files(site):
    with site.generation() as gen:
        gen.write("index.html", b"x", key="k1")
        gen.commit()
    with site.generation(clean=True) as gen:
        assert gen.previous_key("index.html") is None
        gen.write("index.html", b"x", key="k1")
        stats = gen.commit()
    assert (stats.written, stats.unchanged) == (0, 1)
    with site.generation() as gen:
        assert gen.previous_key("index.html") == "k1"


def test_only_differences_are_applied_to_the_other_slot(site):
    site.publish(FIRST_SITE)
    site.publish(FIRST_SITE)                       # fills the second slot with links
    third = dict(FIRST_SITE, **{"index.html": b"<h1>New</h1>"})
    _, stats = site.publish(third)                 # back in the first slot
    assert (stats.written, stats.unchanged) == (1, 3)
    assert site.files() == third
    assert site.slots() == ["a", "b"]


def test_files_no_longer_produced_are_absent(site):
    site.publish(FIRST_SITE)
    smaller = {k: v for k, v in FIRST_SITE.items() if not k.startswith("topics/")}
    _, stats = site.publish(smaller)
    assert site.files() == smaller
    assert not (site.output / "topics").exists()
    assert stats.removed == 1


def test_two_writes_to_one_path_are_an_error(site):
    with pytest.raises(NewsdigestError) as info:
        with site.generation() as gen:
            gen.write("topics/c/index.html", b"C")
            gen.write("topics/c/index.html", b"C++")
    assert "site/topics/c/index.html" in str(info.value)


class _Out:
    def __init__(self, path: str, key: str):
        self.path, self.key = path, key


def test_carry_same_carries_files_of_the_same_key_and_leaves_the_rest(site):
    keys = {rel: f"k-{rel}" for rel in FIRST_SITE}
    for build in range(3):   # the third build finds its slot's files to be the live ones already
        with site.generation() as gen:
            outputs = [_Out(rel, keys[rel]) for rel in FIRST_SITE] + [_Out("new.html", "k-new")]
            todo = gen.carry_same(outputs) if build else outputs
            for output in todo:
                gen.write(output.path, FIRST_SITE.get(output.path, b"<p>new</p>"), output.key)
            stats = gen.commit()
        assert [o.path for o in todo] == ([] if build else [o.path for o in outputs]), build
        assert stats.unchanged == (0 if not build else 5) and stats.written == (5 if not build else 0), build
    assert site.files() == dict(FIRST_SITE, **{"new.html": b"<p>new</p>"})
    with site.generation() as gen:
        assert gen.previous_key("index.html") == "k-index.html"
        todo = gen.carry_same([_Out("index.html", "other"), _Out("feed.xml", keys["feed.xml"])])
        assert [o.path for o in todo] == ["index.html"]
    with site.generation(clean=True) as gen:    # --clean carries nothing
        assert len(gen.carry_same([_Out(rel, keys[rel]) for rel in FIRST_SITE])) == len(FIRST_SITE)


def test_two_outputs_of_one_path_are_an_error_when_carried_too(site):
    with site.generation() as gen:
        gen.write("index.html", b"x", key="k")
        gen.commit()
    with pytest.raises(NewsdigestError) as info:
        with site.generation() as gen:
            for output in gen.carry_same([_Out("index.html", "k"), _Out("index.html", "k")]):
                gen.write(output.path, b"x", output.key)
    assert "site/index.html" in str(info.value)


def test_an_exception_in_the_block_keeps_the_previous_site(site):
    first, _ = site.publish(FIRST_SITE)
    with pytest.raises(RuntimeError):
        with site.generation() as gen:
            gen.write("index.html", b"<h1>Half</h1>")
            raise RuntimeError("template failed")
    assert gen.path != first.path
    assert (site.builds / f"{gen.name}.dirty").exists()
    assert site.output.resolve() == first.path.resolve()
    assert site.files() == FIRST_SITE
    # The next build starts that slot afresh and publishes a complete site.
    site.publish({"index.html": b"<h1>Whole</h1>"})
    assert site.files() == {"index.html": b"<h1>Whole</h1>"}


def test_an_exception_after_commit_keeps_the_new_site(site):
    with pytest.raises(KeyboardInterrupt):
        with site.generation() as gen:
            gen.write("index.html", b"new")
            gen.commit()
            raise KeyboardInterrupt
    assert gen.path.is_dir()
    assert site.files() == {"index.html": b"new"}


def test_a_crash_after_the_swap_before_the_manifest_costs_a_full_slot_never_a_wrong_file(site, monkeypatch):
    """The manifest is written once the new site is live (readers do not wait for it). A build
    killed in between leaves a live slot nothing is known of: the builds that follow, in a new
    process, write every file again instead of trusting what is there."""
    import newsdigest.publish as publish
    site.publish(FIRST_SITE)
    second = {**FIRST_SITE, "index.html": b"<h1>Home, second</h1>"}

    def killed(*args, **kwargs):
        raise KeyboardInterrupt   # as a SIGKILL would stop it: nothing after this line runs
    with monkeypatch.context() as patched:
        patched.setattr(publish.json, "dumps", killed)
        with pytest.raises(KeyboardInterrupt):
            site.publish(second)
    assert site.files() == second                 # published whole before the crash
    live = site.output.resolve().name
    assert not (site.builds / f"{live}.json").exists()
    publish._MANIFESTS.clear()                   # a new process
    (site.output / "feed.xml").unlink()          # a live file gone: nothing may be linked to it
    third = {**second, "topics/oil/index.html": b"<p>Oil, third</p>"}
    site.publish(third)                          # into the other slot, which its manifest describes
    assert site.files() == third
    publish._MANIFESTS.clear()
    gen, _ = site.publish(third)                 # into the slot without a manifest: made afresh
    assert gen.name == live and site.files() == third
    assert (site.builds / f"{live}.json").exists()


def test_an_existing_real_site_folder_is_moved_aside_not_deleted(site):
    site.output.mkdir()
    (site.output / "hand-made.html").write_bytes(b"keep me")
    site.publish(FIRST_SITE)
    assert site.output.is_symlink()
    kept = [p for p in site.root.rglob("hand-made.html")]
    assert len(kept) == 1 and kept[0].read_bytes() == b"keep me"
    # and it survives later builds and their pruning
    site.publish(FIRST_SITE)
    site.publish({"index.html": b"x"})
    assert [p.read_bytes() for p in site.root.rglob("hand-made.html")] == [b"keep me"]


def test_builds_alternate_between_two_slots_keeping_the_previous_site(site):
    first, _ = site.publish({"index.html": b"1"})
    second, _ = site.publish({"index.html": b"2"})
    assert {first.name, second.name} == {"a", "b"}
    assert (first.path / "index.html").read_bytes() == b"1"   # the previous site, still whole
    third, _ = site.publish({"index.html": b"3"})
    assert third.name == first.name
    assert site.slots() == ["a", "b"]
    assert site.files() == {"index.html": b"3"}


def test_a_half_written_slot_of_a_killed_build_is_started_afresh(site):
    site.publish({"index.html": b"ok", "old.html": b"old"})
    orphan = site.builds / ("b" if site.output.resolve().name == "a" else "a")
    orphan.mkdir(parents=True, exist_ok=True)
    (orphan / "junk.html").write_bytes(b"half")
    (site.builds / f"{orphan.name}.dirty").touch()
    site.publish({"index.html": b"ok"})
    assert site.files() == {"index.html": b"ok"}


# --- safe_relpath --------------------------------------------------------------------------

@pytest.mark.parametrize("relpath", [
    "../x", "/etc/passwd", "a/../../b", "a/..", "a\x00b", "a\\b", "..\\x", "", ".", "//x",
])
def test_safe_relpath_refuses_paths_that_could_leave_the_output(relpath):
    with pytest.raises(NewsdigestError) as info:
        safe_relpath(relpath)
    assert "outside the output folder" in str(info.value)
    assert "\x00" not in str(info.value)


@pytest.mark.parametrize("relpath", ["index.html", "articles/2024/08/x/index.html", "topics/c-372946/feed.xml",
                                     "..hidden", "a..b/c"])
def test_safe_relpath_accepts_ordinary_paths(relpath):
    assert safe_relpath(relpath) == relpath


@pytest.mark.parametrize("relpath, normalised", [("./a.html", "a.html"), ("a//b.html", "a/b.html")])
def test_safe_relpath_normalises_harmless_spellings(relpath, normalised):
    assert safe_relpath(relpath) == normalised


def test_two_spellings_of_one_path_are_still_one_file(site):
    with pytest.raises(NewsdigestError):
        with site.generation() as gen:
            gen.write("a/b.html", b"1")
            gen.write("a//b.html", b"2")


def test_write_refuses_an_unsafe_path_and_writes_nothing_outside(site):
    with pytest.raises(NewsdigestError):
        with site.generation() as gen:
            gen.write("../escaped.html", b"x")
    assert not (site.builds / "escaped.html").exists()
    assert not (site.root / "escaped.html").exists()


# --- BuildLock -----------------------------------------------------------------------------

LOCK_CHILD = """
import sys
from pathlib import Path
from newsdigest.publish import BuildLock
state = Path(sys.argv[1])
def announce(message):
    (state / "announced").write_text(message)
with BuildLock(state, announce=announce):
    (state / "acquired").write_text("yes")
"""


def test_a_second_build_in_another_process_waits_for_the_lock(tmp_path):
    state = tmp_path / ".newsdigest"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), *sys.path]))
    with BuildLock(state, announce=lambda message: None):
        child = subprocess.Popen([sys.executable, "-c", LOCK_CHILD, str(state)], env=env)
        try:
            assert wait_for(lambda: (state / "announced").exists() or child.poll() is not None, timeout=10.0)
            assert child.poll() is None, "the second build did not wait"
            assert "another newsdigest build is running" in (state / "announced").read_text()
            time.sleep(0.2)
            assert not (state / "acquired").exists()
        except BaseException:
            child.kill()
            raise
    assert child.wait(timeout=10) == 0
    assert (state / "acquired").read_text() == "yes"


def test_the_lock_can_be_taken_again_after_release(tmp_path):
    messages = []
    with BuildLock(tmp_path, announce=messages.append):
        pass
    with BuildLock(tmp_path, announce=messages.append):
        pass
    assert messages == []


def test_the_manifest_text_is_the_json_of_its_entries_as_they_are_now():
    """A slot's manifest is written from each entry's text kept (publish.ManifestTexts, an
    engine's) from the last one written while the entry is the same object: an entry made
    again, a path gone or added, is written as it is now. Without kept texts (a one-shot
    build), the same text; an engine's texts are not pickled with it."""
    import json
    import pickle
    from newsdigest.publish import ManifestTexts, _manifest_text
    kept = {"sha": "1", "key": "k1", "ino": 7}
    first = {"index.html": kept, "topics/é/index.html": {"sha": "2", "key": "", "ino": None}}
    second = {"index.html": {"sha": "3", "key": "k1", "ino": 8}, "new\"/x.html": {"sha": "4", "key": "k4"}}
    third = {"new\"/x.html": second["new\"/x.html"], "index.html": kept}
    fourth = {"index.html": kept, "topics/é/index.html": first["topics/é/index.html"], "a.html": {"sha": "5"}}
    texts = ManifestTexts()
    for files in (first, second, third, {}, first, first, {"index.html": kept}, fourth, fourth, first):
        assert "".join(_manifest_text(files, texts)) == json.dumps({"files": files}, separators=(",", ":"))
        assert "".join(_manifest_text(files)) == json.dumps({"files": files}, separators=(",", ":"))
        assert texts.texts.keys() == files.keys()
    assert pickle.loads(pickle.dumps(texts)).texts == {}
    many = {f"p{n}.html": {"sha": str(n)} for n in range(12_001)}   # written in parts of 5,000
    assert "".join(_manifest_text(many)) == json.dumps({"files": many}, separators=(",", ":"))
    assert "".join(_manifest_text(many, texts)) == json.dumps({"files": many}, separators=(",", ":"))


def _rewritten_site(site, n: int = 40) -> dict[str, bytes]:
    """Two builds, the second rewriting every file (a template change): the slot the next build
    fills holds the first build's files. Returns the live site's files."""
    first = {f"p/{i}/index.html": f"<p>{i}</p>".encode() for i in range(n)} | {"gone.html": b"<p>gone</p>"}
    site.publish(first)
    second = {f"p/{i}/index.html": f"<p>{i}, again</p>".encode() for i in range(n)}
    site.publish(second)
    return second


def _slot_is_whole(site, name: str) -> None:
    """A slot's manifest says what its files are: every entry's file holds bytes of that sha."""
    import hashlib
    from newsdigest.publish import _read_manifest
    assert not (site.builds / f"{name}.dirty").exists()
    manifest = _read_manifest(site.builds / f"{name}.json")
    on_disk = {p.relative_to(site.builds / name).as_posix() for p in (site.builds / name).rglob("*") if p.is_file()}
    assert on_disk == set(manifest)
    for relpath, entry in manifest.items():
        assert hashlib.sha256((site.builds / name / relpath).read_bytes()).hexdigest() == entry["sha"], relpath


def test_catch_up_links_the_other_slot_so_the_next_build_carries_every_file_by_identity(site, monkeypatch):
    """After a build that rewrote the site, the next one linked every file into its slot again
    while the editor waited; watch's idle catch_up does it beforehand: the next build then
    carries each file as the live one (no reuse() of its own), and publishes the same site."""
    from newsdigest.publish import catch_up
    live = _rewritten_site(site)
    other = next(s for s in ("a", "b") if s != current_generation(site.output).name)
    assert catch_up(site.output, site.builds, least=1) == 41     # 40 linked, 1 removed
    _slot_is_whole(site, other)
    for relpath in live:
        assert (site.builds / other / relpath).stat().st_ino == (site.output / relpath).stat().st_ino
    assert catch_up(site.output, site.builds, least=1) == 0      # nothing left to do
    slow = []
    monkeypatch.setattr(Generation, "reuse", lambda self, relpath: slow.append(relpath) or False)
    with site.generation() as gen:
        todo = gen.carry_same([_Out(rel, "") for rel in live])
        gen.write("new.html", b"<p>new</p>")
        stats = gen.commit()
    assert todo == [] and slow == [] and stats.unchanged == 40 and stats.written == 1
    assert site.files() == dict(live, **{"new.html": b"<p>new</p>"})


def test_catch_up_stops_when_asked_with_its_slot_whole_and_waits_for_no_build(site, monkeypatch):
    from newsdigest import publish
    from newsdigest.publish import catch_up
    live = _rewritten_site(site, 60)
    other = next(s for s in ("a", "b") if s != current_generation(site.output).name)
    assert catch_up(site.output, site.builds) == 0                # fewer than CATCH_UP_LEAST differ
    with BuildLock(site.root / ".newsdigest"):                   # a build runs: nothing done
        assert catch_up(site.output, site.builds, least=1) == 0
    monkeypatch.setattr(publish, "CATCH_UP_LOOK", 10)
    looks = []
    assert catch_up(site.output, site.builds, lambda: looks.append(1) or len(looks) > 2, least=1) == 21  # 20 and gone.html
    _slot_is_whole(site, other)
    assert catch_up(site.output, site.builds, least=1) == 40     # the rest
    _slot_is_whole(site, other)
    with site.generation() as gen:
        assert gen.carry_same([_Out(rel, "") for rel in live]) == []
        gen.commit()
    assert site.files() == live

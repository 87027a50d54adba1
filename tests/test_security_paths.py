"""Hostile names never write outside the site: file names, titles, topic and actor names, any field.

A site whose article files and front matter are full of traversal tricks (../, absolute paths,
NUL bytes, backslashes, Windows device names, 300-character names, fullwidth dots and slashes,
combining marks, right-to-left overrides, names that slug to nothing) is built; then every file
of the build must lie inside the generation `site` points at, every name in it must be a short
ASCII slug, nothing may appear or change anywhere else around the site, and every article must
be published. The two functions that guard this, slugify and safe_relpath, are tested alone too.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsdigest.schema import clean_text
from newsdigest.extract.names import person_key
from newsdigest.config import Paths
from newsdigest.errors import NewsdigestError, Report
from newsdigest.frontmatter import dump
from newsdigest.pipeline import BuildOptions, build, load_site
from newsdigest.publish import Generation, safe_relpath
from newsdigest.core import name_key
from newsdigest.slug import MAX_SLUG, slugify, unique_slugs

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COMPONENT = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")   # any name in the output: short, plain ASCII
MAX_COMPONENT = 128          # a slug (80) plus a disambiguating hash; far below every file system's 255
WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(10)}
START = datetime(2024, 1, 5, 9, 0, tzinfo=timezone(timedelta(hours=3)))

# Names for titles, topics, actors and every other field. None of them may reach a path.
HOSTILE_NAMES = [
    "../../../../escape", "..", "../", "./.", "/etc/passwd", "/", "//server/share", "~/.ssh/authorized_keys",
    "..\\..\\windows\\system32", "C:\\Windows\\win.ini", "C:/Windows/win.ini", "site/../../outside",
    "content/../../outside", ".newsdigest/builds/a", "a\x00b", "\x00", "../\x00/etc/passwd",
    "CON", "nul", "Com1", "LPT9", "AUX.txt", "COM¹", "ＣＯＮ", "con .", "PRN:",
    "x" * 300, "Ünïcödé " * 40, "e\u0301\u0301\u0301" * 30,
    "．．／．．／etc／passwd", "..\u2215..\u2215etc", "\u2024\u2024/\u2025", "\ufe52\ufe52\uff0f",
    "\u202egpj.exe", "a\u200bb", "\u200b", "....", ".", "...", " . ", "🎉🎉", "!!!", "-", "%2e%2e%2f%2e%2e%2fetc",
    "$(touch pwned)", "`id`", "index.html", "feed.xml", "static", "pagefind", "articles/2024/01/x",
]

# Article file names (the slug of the page comes from them). A file name cannot hold "/" or NUL.
FILE_STEMS = [
    "..%2F..%2Fescape", "back\\slash\\..\\..\\evil", "CON", "nul", "com1", "LPT9", "AUX.txt",
    "x" * 250, "．．／．．／etc", "e\u0301\u0301\u0301", "\u202egnp.exe", "‥", "🎉🎉", "-", "a..b",
    "new\nline", " leading space", "trailing dot.", "$(touch pwned)", "ＣＯＭ２", "-- --",
]


def article_text(n: int, title: str, names: list[str]) -> str:
    hostile = HOSTILE_NAMES[n % len(HOSTILE_NAMES)]
    meta = {"id": f"path-{n}-{hostile}", "title": title, "date": (START + timedelta(hours=n)).isoformat(),
            "source": hostile, "author": hostile, "section": hostile, "dateline": hostile,
            "url": "https://example.org/../../etc/passwd?" + hostile.replace("\x00", ""), "lang": "en",
            "topics": names, "actors": list(reversed(names)), "summary": hostile}
    return dump(meta, f"Article {n} about {hostile!r}.\n\n[a link](../../../../etc/passwd) ![x](/../../../x.png)")


def write_site(root: Path) -> list[str]:
    """The hostile site; returns each article's file, relative to the root."""
    root.mkdir()
    (root / "site.toml").write_text('title = "Paths"\nbase_url = "https://example.org/p/"\nitems_per_page = 100\n')
    files = []
    half = len(HOSTILE_NAMES) // 2
    for n, stem in enumerate(FILE_STEMS):
        names = HOSTILE_NAMES[:half] if n % 2 else HOSTILE_NAMES[half:]
        title = f"{HOSTILE_NAMES[n % len(HOSTILE_NAMES)]} (article {n})"  # a bare "\x00" title: see the xfail below
        files.append((f"content/articles/2024/01/{stem}.md", article_text(n, title, names)))
    files.append(("content/articles/..x/in a dot-dot folder.md", article_text(90, "In a folder named ..x", ["Water"])))
    files.append(("content/articles/2024/01/plain-good-article.md", article_text(91, "A good article", ["Water"])))
    for rel, text in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return [rel for rel, _ in files]


def snapshot(top: Path, skip: set[Path]) -> dict[str, tuple]:
    """Every path under top (not following links) with its kind, and size and mtime for files."""
    out = {}
    for folder, dirs, files in os.walk(top, followlinks=False):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in dirs + files:
            path = here / name
            if path in skip:
                continue
            info = path.lstat()
            kind = stat.S_IFMT(info.st_mode)
            regular = stat.S_ISREG(kind)
            out[path.relative_to(top).as_posix()] = (kind, info.st_size, info.st_mtime_ns) if regular else (kind,)
    return out


def content_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "content").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("paths") / "root"
    files = write_site(root)
    around = root.parent.parent  # this site's folder and its neighbours
    skip = {root / "site", root / ".newsdigest"}
    before, content_before = snapshot(around, skip), content_digest(root)
    report = Report(quiet=True)
    result = build(Paths(root), BuildOptions(workers=1), report)
    return root, files, result, report, (before, snapshot(around, skip)), (content_before, content_digest(root))


# --- the built site ------------------------------------------------------------------------

def hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in Path(rel).parts)


def test_the_build_succeeds_and_publishes_every_article(hostile_build):
    root, files, result, report, _, _ = hostile_build
    assert len({slugify(Path(f).stem) for f in files}) == len(files), "the fixture's file names must not collide"
    assert result.published
    assert report.errors == [], [str(p) for p in report.errors]
    _, model = load_site(Paths(root), Report(quiet=True))
    # Hidden files and folders ("..%2F..%2Fescape.md", "..x/") are not articles: skipped by design.
    assert sorted(a.path for a in model.articles) == sorted(f for f in files if not hidden(f))
    assert result.articles == len(files) - 2
    site = root / "site"
    for article in model.articles:
        assert SLUG.match(article.slug) and len(article.slug) <= MAX_SLUG, article.slug
        assert article.slug == slugify(Path(article.path).stem)
        assert (site / article.url_path / "index.html").is_file(), article.url_path


def test_every_file_of_the_build_is_inside_the_generation_site_points_at(hostile_build):
    root = hostile_build[0]
    state = (root / ".newsdigest").resolve()
    generation = (root / "site").resolve()
    assert (root / "site").is_symlink()
    assert generation.is_relative_to(state) and generation != state
    for folder, dirs, files in os.walk(state, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            assert not path.is_symlink(), f"a link inside the build state: {path} -> {os.readlink(path)}"
            assert path.resolve().is_relative_to(state), path
            if path.is_relative_to(generation):
                assert path.resolve().is_relative_to(generation), path
    count = sum(len(files) for _, _, files in os.walk(generation))
    assert count > 2 * len(HOSTILE_NAMES)  # term pages and feeds for the hostile names were written


def test_every_name_in_the_site_is_a_short_ascii_slug_and_no_windows_device(hostile_build):
    site = (hostile_build[0] / "site").resolve()
    problems = []
    for path in sorted(site.rglob("*")):
        parts = path.relative_to(site).parts
        for part in parts:
            if not COMPONENT.match(part) or len(part) > MAX_COMPONENT:
                problems.append(f"{'/'.join(parts)}: {part!r} is not a short plain ASCII name")
            if part.split(".")[0].lower() in WINDOWS_RESERVED:
                problems.append(f"{'/'.join(parts)}: {part!r} is a Windows device name")
        if parts[0] in ("articles", "topics", "actors", "archive", "page"):
            folders = parts[:-1] if path.is_file() else parts
            problems += [f"{'/'.join(parts)}: folder {f!r} is not a slug" for f in folders[1:]
                         if not (SLUG.match(f) or f.isdigit())]
    assert problems == []


def test_every_term_keeps_its_name_and_gets_its_own_slug_and_page(hostile_build):
    root = hostile_build[0]
    site = root / "site"
    _, model = load_site(Paths(root), Report(quiet=True))
    # Names keep their spelling, less the control characters no page or feed can carry.
    keys = {name_key(" ".join(clean_text(n).split())) for n in HOSTILE_NAMES} - {""}
    for tax in model.taxonomies:
        slugs = [t.slug for t in tax.terms]
        assert len(slugs) == len(set(slugs)), tax.key
        if tax.key == "topics":
            assert {name_key(t.name) for t in tax.terms} >= keys, tax.key
        if tax.key == "actors":
            # Actor names that differ only in case, punctuation or particles are one actor.
            seen = {person_key(t.name) for t in tax.terms} | {name_key(t.name) for t in tax.terms}
            assert all(person_key(k) in seen or k in seen for k in keys), tax.key
        for term in tax.terms:
            assert SLUG.match(term.slug) and len(term.slug) <= MAX_COMPONENT, term.slug
            assert (site / tax.key / term.slug / "index.html").is_file(), (term.name, term.slug)
    con = next(t for t in model.taxonomy("topics").terms if name_key(t.name) == "con")
    assert con.name in ("CON", "ＣＯＮ") and con.slug.split("-")[0] == "con" and con.slug != "con"


def test_nothing_appears_or_changes_outside_site_and_the_build_state(hostile_build):
    root, _, _, _, (before, after), (content_before, content_after) = hostile_build
    assert after == before
    assert content_after == content_before
    assert sorted(p.name for p in root.iterdir()) == [".newsdigest", "content", "site", "site.toml"]


@pytest.mark.parametrize("module, function, hostile", [
    ("newsdigest.articles", "slugify", lambda name: "../../../../escaped-article"),
    ("newsdigest.taxonomy", "unique_slugs",
     lambda names: {name_key(n): f"../../escaped-{i}" for i, n in enumerate(names)}),
], ids=["article-slug", "term-slugs"])
def test_even_a_hostile_slug_cannot_write_outside(tmp_path, monkeypatch, module, function, hostile):
    """Defence in depth: were the slugger ever to return '../', the writer still refuses."""
    root = tmp_path / "root"
    write_site(root)
    build(Paths(root), BuildOptions(workers=1), Report(quiet=True))
    live = (root / "site").resolve()
    skip = {root / ".newsdigest"}
    before = snapshot(tmp_path, skip)
    monkeypatch.setattr(f"{module}.{function}", hostile)
    with pytest.raises(NewsdigestError, match="outside the output folder"):
        build(Paths(root), BuildOptions(workers=1, clean=True), Report(quiet=True))
    assert snapshot(tmp_path, skip) == before
    assert (root / "site").resolve() == live  # the previous site is still the one published
    assert not [p for p in tmp_path.parent.rglob("escaped*")]


# --- a value that crashes the build ----------------------------------------------------------

def build_with(tmp_path, rel: str, text: str):
    root = tmp_path / "root"
    write_site(root)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")
    report = Report(quiet=True)
    return root, build(Paths(root), BuildOptions(workers=1), report), report


def test_a_name_with_a_lone_surrogate_is_reported_not_fatal(tmp_path):
    rel = "content/articles/2024/01/surrogate.md"
    text = (f'---\nid: surrogate\ntitle: "half a pair \\ud800"\ndate: {START.isoformat()}\n'
            'topics: ["\\udfff"]\n---\n\nbody\n')
    root, result, report = build_with(tmp_path, rel, text)
    assert result.published
    assert (root / "site/articles/2024/01/plain-good-article/index.html").is_file()


def test_a_date_at_the_edge_of_the_calendar_is_reported_not_fatal(tmp_path):
    rel = "content/articles/2024/01/year-one.md"
    text = "---\nid: year-one\ntitle: Year one\ndate: 0001-01-01T00:00:00+03:00\n---\n\nbody\n"
    root, result, report = build_with(tmp_path, rel, text)
    assert result.published
    assert (root / "site/articles/2024/01/plain-good-article/index.html").is_file()


def test_a_title_of_control_characters_is_reported_not_fatal(tmp_path):
    rel = "content/articles/2024/01/nul-title.md"
    text = f'---\nid: nul-title\ntitle: "\\0"\ndate: {START.isoformat()}\n---\n\nbody\n'
    root, result, report = build_with(tmp_path, rel, text)
    assert result.published
    assert (root / "site/articles/2024/01/plain-good-article/index.html").is_file()


# --- slugify ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", HOSTILE_NAMES + FILE_STEMS + ["\ud800", "a\udfffb", "", " ", "\t\n"],
                         ids=lambda n: repr(n)[:40])
def test_slugify_makes_a_short_ascii_slug_that_is_no_device_name(name):
    slug = slugify(name)
    assert SLUG.match(slug), slug
    assert len(slug) <= MAX_SLUG
    assert slug not in WINDOWS_RESERVED
    assert slugify(name) == slug


@pytest.mark.parametrize("a, b", [("CON", "ＣＯＮ"), ("com1", "COM¹"), ("Zoe\u0301", "Zoé"),
                                  ("../etc", "．．／etc")])
def test_slugify_sees_through_unicode_compatibility_forms(a, b):
    assert slugify(a) == slugify(b)


def test_unique_slugs_gives_every_hostile_name_its_own_short_slug():
    slugs = unique_slugs(HOSTILE_NAMES + FILE_STEMS)
    assert len(set(slugs.values())) == len(slugs)
    for key, slug in slugs.items():
        assert SLUG.match(slug) and len(slug) <= MAX_COMPONENT, (key, slug)
        assert slug not in WINDOWS_RESERVED


# --- safe_relpath and the generation it guards -----------------------------------------------

ESCAPES = ["../x", "../../etc/passwd", "a/../../x", "a/..", "..", ".", "", "/etc/passwd", "//etc/passwd",
           "/", "a\x00b", "index.html\x00.png", "..\\x", "a\\..\\..\\x", "C:\\x", "topics/../../../x"]
INSIDE_BUT_ODD = ["．．／x", "..../x", "...", "a/./b", "a//b", "x" * 300, "CON/index.html", "\u202eexe.html",
                  "%2e%2e/x", "C:/x", "topics/con-x/index.html"]


@pytest.mark.parametrize("relpath", ESCAPES, ids=repr)
def test_safe_relpath_refuses_a_path_that_leaves_or_is_ambiguous(relpath):
    with pytest.raises(NewsdigestError) as caught:
        safe_relpath(relpath)
    assert "\x00" not in str(caught.value)
    assert "outside the output folder" in str(caught.value)


@pytest.mark.parametrize("relpath", INSIDE_BUT_ODD, ids=lambda p: repr(p)[:40])
def test_safe_relpath_keeps_any_other_path_inside_the_folder(relpath, tmp_path):
    try:
        out = safe_relpath(relpath)
    except NewsdigestError:
        return  # refusing is always safe
    assert ".." not in Path(out).parts and not Path(out).is_absolute() and "\x00" not in out
    assert (tmp_path / out).resolve().is_relative_to(tmp_path.resolve())


def test_a_generation_refuses_to_write_outside_its_slot(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    before = snapshot(tmp_path, set())
    with Generation(root / "site", root / ".newsdigest" / "builds") as gen:
        for relpath in ESCAPES:
            with pytest.raises(NewsdigestError):
                gen.write(relpath, b"escaped")
        gen.write("index.html", b"fine")
        gen.commit()
    after = snapshot(tmp_path, {root / "site", root / ".newsdigest"})
    assert after == before
    assert (root / "site/index.html").read_bytes() == b"fine"
    assert not any(p.read_bytes() == b"escaped" for p in tmp_path.rglob("*") if p.is_file())

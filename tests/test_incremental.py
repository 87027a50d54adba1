"""Incremental builds are exactly clean builds, and touch only what changed."""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from newsdigest.config import Paths
from newsdigest.errors import Report
from newsdigest.pipeline import BuildOptions, build

from support.corpus import make_doc, random_change, write_site
from support.sitecheck import site_files


def run(root: Path, clean: bool = False):
    report = Report(quiet=True)
    result = build(Paths(root), BuildOptions(clean=clean, workers=1), report)
    return result


def built_site(tmp_path: Path, name: str, seed: int, count: int):
    """A site of `count` generated articles, built once: (root, docs, the generator to make more)."""
    rng = random.Random(seed)
    root = tmp_path / name
    docs = [make_doc(rng, n) for n in range(count)]
    write_site(root, docs)
    run(root)
    return root, docs, rng


def clean_build_of(root: Path, tmp: Path) -> dict[str, bytes]:
    """What a from-scratch build of root's current content produces."""
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(root, tmp, ignore=shutil.ignore_patterns("site", ".newsdigest"))
    run(tmp, clean=True)
    return site_files(tmp / "site")


def snapshot(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in site.rglob("*") if p.is_file()}


def test_random_adds_edits_and_deletes_match_clean_builds(tmp_path):
    root, docs, rng = built_site(tmp_path, "inc", 20261123, 25)
    for step in range(14):
        op = random_change(rng, root, docs, 1000 + step, step)
        run(root)
        assert site_files(root / "site") == clean_build_of(root, tmp_path / "clean"), f"step {step}: {op}"


def test_one_new_article_rerenders_only_the_pages_that_show_it(tmp_path):
    rng = random.Random(7)
    root = tmp_path / "one"
    docs = [make_doc(rng, n) for n in range(40)]
    for doc in docs:  # keep "Water" and "NATO" out of the old articles to know what must not change
        doc.topics = [t for t in doc.topics if t != "Water"] or ["Economy"]
        doc.actors = [a for a in doc.actors if a != "NATO"] or ["Iraq"]
    write_site(root, docs)
    run(root)
    before = snapshot(root / "site")

    new = make_doc(rng, 999)
    new.date = max(d.date for d in docs).replace(microsecond=0) + __import__("datetime").timedelta(days=1)
    new.topics, new.actors = ["Water"], ["NATO"]
    new.write(root)
    result = run(root)
    after = snapshot(root / "site")

    changed = {p for p in after if before.get(p) != after[p]}
    newest_old = max(docs, key=lambda d: d.date)
    month = f"archive/{new.date:%Y}/{new.date:%m}/"
    allowed_prefixes = ("page/", "topics/water/", "actors/nato/", month, "pagefind/")
    allowed = {"index.html", "feed.xml", "atom.xml", "feed.json", "feeds.opml", "sitemap.xml", "archive/index.html", "topics/index.html",
               "actors/index.html", f"articles/{new.date:%Y}/{new.date:%m}/story-999/index.html",
               # the previous newest article now links to the new one as "next"
               f"articles/{newest_old.date:%Y}/{newest_old.date:%m}/{newest_old.slug}/index.html"}
    # Pages that now link to the new article (its story, related articles) show it too.
    site = root / "site"
    allowed |= {p for p in changed if p.endswith(".html") and "story-999/" in (site / p).read_text()}
    # Related articles are weighted by how rare what they share is across the corpus, so a new
    # article can also reorder another article's related list: only that list may differ.
    previous = next(p for p in (root / ".newsdigest/builds").iterdir() if p.is_dir() and p != site.resolve())

    def without_related(html: str) -> str:
        return re.sub(r'<aside class="related".*?</aside>', "", html, flags=re.DOTALL)
    allowed |= {p for p in changed if p.startswith("articles/") and (previous / p).is_file()
                and without_related((previous / p).read_text()) == without_related((site / p).read_text())}
    allowed_prefixes += ("stories/", "digest/")  # its story, and the day and week digests it is in
    from newsdigest.slug import slugify
    allowed_prefixes += (f"sources/{slugify(new.source)}/",)  # its source's page and feeds
    allowed.add("sources/index.html")  # which counts the source's articles
    unexpected = {p for p in changed if p not in allowed and not p.startswith(allowed_prefixes)}
    assert unexpected == set()
    assert f"articles/{new.date:%Y}/{new.date:%m}/story-999/index.html" in changed
    assert "topics/water/feed.xml" in changed and "actors/nato/index.html" in changed
    # Pages of other articles, terms and months keep their inode and mtime: not even rewritten.
    untouched = [p for p in before if p.startswith(("articles/", "topics/economy/", "actors/iraq/"))
                 and p not in allowed]
    assert len(untouched) > 40 and all(after[p] == before[p] for p in untouched)
    assert result.stats.written == len(changed)
    assert any(p.startswith("pagefind/") for p in changed)  # the search index knows the new article
    assert site_files(root / "site") == clean_build_of(root, tmp_path / "clean")


def test_a_template_change_rerenders_what_uses_it(tmp_path):
    root, _, _ = built_site(tmp_path, "tpl", 3, 12)
    before = snapshot(root / "site")
    (root / "templates").mkdir()
    theme_term = Path(__import__("newsdigest.render", fromlist=["THEME"]).THEME) / "term.html"
    (root / "templates/term.html").write_text(theme_term.read_text().replace("<h1>", '<h1 class="custom">'))
    run(root)
    after = snapshot(root / "site")
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed and all(p.startswith(("topics/", "actors/", "sources/")) and p.endswith(".html") for p in changed)
    assert 'class="custom"' in (root / "site/topics/energy/index.html").read_text() or \
        any('class="custom"' in (root / "site" / p).read_text() for p in changed)
    assert site_files(root / "site") == clean_build_of(root, tmp_path / "clean")


def test_a_change_to_a_shared_fragment_rerenders_every_page(tmp_path):
    """footer.html reaches the pages through `shared()` (made once per build), not an include:
    its edit still changes every page's key."""
    root, _, _ = built_site(tmp_path, "frag", 3, 12)
    (root / "templates").mkdir()
    theme_footer = Path(__import__("newsdigest.render", fromlist=["THEME"]).THEME) / "footer.html"
    (root / "templates/footer.html").write_text(theme_footer.read_text().replace("<p>", '<p class="colophon">', 1))
    run(root)
    pages = [p for p in (root / "site").rglob("*.html")]
    assert len(pages) > 20 and all('class="colophon"' in p.read_text() for p in pages)
    assert site_files(root / "site") == clean_build_of(root, tmp_path / "clean")


def test_a_config_change_rerenders_everything_that_shows_it(tmp_path):
    root, _, _ = built_site(tmp_path, "cfg", 4, 8)
    config = root / "site.toml"
    config.write_text(config.read_text().replace('title = "Test digest"', 'title = "Renamed digest"'))
    run(root)
    assert "Renamed digest" in (root / "site/index.html").read_text()
    assert site_files(root / "site") == clean_build_of(root, tmp_path / "clean")


def test_cache_is_safe_to_delete_and_never_stale(tmp_path):
    root, docs, _ = built_site(tmp_path, "cache", 5, 10)
    expected = site_files(root / "site")
    (root / ".newsdigest/cache.sqlite").unlink()
    run(root)
    assert site_files(root / "site") == expected
    # Same path, new bytes: the cache must not serve the old article.
    docs[0].title = "A brand new title"
    docs[0].write(root)
    run(root)
    assert "A brand new title" in (root / "site" / docs[0].rel.replace("content/", "").replace(".md", "/index.html")).read_text()
    # A damaged cache file is discarded, not fatal.
    (root / ".newsdigest/cache.sqlite").write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        Path(str(root / ".newsdigest/cache.sqlite") + suffix).unlink(missing_ok=True)
    run(root)
    assert site_files(root / "site") == clean_build_of(root, tmp_path / "clean")


def test_deleting_the_build_state_gives_the_same_site(tmp_path):
    root, _, _ = built_site(tmp_path, "state", 6, 6)
    expected = site_files(root / "site")
    shutil.rmtree(root / ".newsdigest")
    (root / "site").unlink()
    run(root)
    assert site_files(root / "site") == expected


def _rows(root: Path) -> dict[str, int]:
    import sqlite3
    db = sqlite3.connect(root / ".newsdigest/cache.sqlite")
    try:
        return dict(db.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind"))
    finally:
        db.close()


def test_a_cache_written_by_another_version_is_dropped_whole(tmp_path, monkeypatch):
    from newsdigest import cache
    root, _, _ = built_site(tmp_path, "upgrade", 8, 6)
    before = _rows(root)
    assert before["article"] == 6
    # Another version of the tool: no old entry could ever be hit again, so none is kept.
    cache.code_fingerprint.cache_clear()
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    try:
        run(root)
        assert _rows(root) == before
        assert site_files(root / "site") == clean_build_of(root, tmp_path / "clean")
    finally:
        cache.code_fingerprint.cache_clear()


def test_entries_of_edited_articles_do_not_pile_up(tmp_path, monkeypatch):
    from newsdigest import cache
    monkeypatch.setattr(cache, "TRIM_SLACK", 0)
    root, docs, _ = built_site(tmp_path, "edits", 9, 8)
    for round_ in range(12):
        docs[round_ % 8].title = f"Edited title {round_}"
        docs[round_ % 8].write(root)
        run(root)
        rows = _rows(root)
        assert rows["article"] <= 10 and rows["story-features"] <= 10, (round_, rows)
    assert site_files(root / "site") == clean_build_of(root, tmp_path / "clean")


def test_a_base_url_edit_reparses_no_article(tmp_path):
    """Parsed articles do not depend on where the site is deployed: moving it keeps every one."""
    import sqlite3
    root, docs, _ = built_site(tmp_path, "moved", 11, 12)
    (root / docs[0].rel).unlink()
    docs[0].body += "\n\nSee [the topics](/topics/) and [notes](#notes)."
    docs[0].write(root)
    run(root)
    db = root / ".newsdigest" / "cache.sqlite"

    def parsed() -> set[tuple[str, int]]:
        with sqlite3.connect(db) as con:  # rowid changes whenever an entry is written again
            return set(con.execute("SELECT key, rowid FROM entries WHERE kind = 'article'"))

    before = parsed()
    toml = root / "site.toml"
    toml.write_text(toml.read_text().replace("https://example.org/t/", "https://news.example.net/"))
    run(root)
    assert parsed() == before
    feed = (root / "site" / "feed.xml").read_text()
    assert "https://news.example.net/articles/" in feed and "example.org/t/" not in feed
    assert "https://news.example.net/topics/" in feed  # the article's own site link, made absolute
    assert site_files(root / "site") == clean_build_of(root, tmp_path / "clean")

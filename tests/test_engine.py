"""The live engine (watch and serve keep one between builds): after any sequence of changes
applied to the site it holds, the site is byte for byte what a clean build makes.

The engine keeps the build cache in memory, the last plan's pages by group and the ingest's
dedupe index; each test drives one engine through a sequence of edits and compares every
step with a from-scratch build of the same content.
"""
from __future__ import annotations

import json
import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsdigest.articles import ArticleFiles
from newsdigest.config import Paths
from newsdigest.errors import NewsdigestError, Report
from newsdigest.engine import Engine
from newsdigest.pipeline import BuildOptions, build

from support.corpus import CHANGES, Doc, make_doc, random_change, write_site
from support.sitecheck import site_files

BAGHDAD = timezone(timedelta(hours=3))


def engine_build(root: Path, engine: Engine, workers: int = 1):
    return build(Paths(root), BuildOptions(workers=workers), Report(quiet=True), engine)


def clean_build_of(root: Path, tmp: Path) -> dict[str, bytes]:
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(root, tmp, ignore=shutil.ignore_patterns("site", ".newsdigest"))
    build(Paths(tmp), BuildOptions(clean=True, workers=1), Report(quiet=True))
    return site_files(tmp / "site")


def search_keys(root: Path) -> dict[str, set[str]]:
    """Each search shard's keys: Pagefind names and fills its files differently from run to run,
    the key (what the shard was made from) is the same."""
    live = (root / "site").resolve()
    files = json.loads((live.parent / f"{live.name}.json").read_text())["files"]
    shards: dict[str, set[str]] = {}
    for path, entry in files.items():
        if path.startswith("pagefind/"):
            shards.setdefault("/".join(path.split("/")[:2]), set()).add(entry["key"])
    return shards


def assert_clean(root: Path, tmp_path: Path, step: str) -> dict[str, bytes]:
    mine = site_files(root / "site")
    clean = clean_build_of(root, tmp_path / "clean")
    differ = sorted(p for p in mine.keys() | clean.keys() if mine.get(p) != clean.get(p))
    assert not differ, f"{step}: differs from a clean build in {differ[:8]}"
    assert search_keys(root) == search_keys(tmp_path / "clean"), f"{step}: the search index is not the clean build's"
    return mine


def prose_doc(n: int, title: str, body: str, date: datetime, source: str, topics=None) -> Doc:
    """An article whose actors the build extracts from its text (none in its front matter)."""
    return Doc(slug=f"prose-{n}", id=f"00000000-0000-4000-8000-{n:012d}", title=title, date=date,
               topics=topics or ["Elections"], actors=None, body=body, source=source)


def _files_now(folder: Path) -> dict[str, tuple]:
    """What a watcher sees of the article files: each one's path, size, times and bytes."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            found[str(path)] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, path.read_bytes())
    return found


@pytest.mark.parametrize("watched", [False, True], ids=["every-file-listed", "files-the-watcher-names"])
def test_random_adds_edits_and_deletes_through_one_engine_match_clean_builds(tmp_path, watched):
    """With `watched`, the engine lists only the article files named as a watcher names them
    (articles.ArticleFiles, as watch runs it), told of exactly the files that changed."""
    rng = random.Random(20261203)
    root = tmp_path / "site-root"
    docs = [make_doc(rng, n) for n in range(30)]
    write_site(root, docs)
    engine = Engine(files=ArticleFiles() if watched else None)
    engine_build(root, engine)
    folder = Paths(root).articles
    for step in range(16):
        before = _files_now(folder)
        op = random_change(rng, root, docs, 1000 + step, step, CHANGES + ("add", "newest", "newest"))
        after = _files_now(folder)
        if watched:
            for path in before.keys() | after.keys():
                if before.get(path) != after.get(path):
                    engine.files.note(path)
        engine_build(root, engine, workers=1 + step % 2)
        assert_clean(root, tmp_path, f"step {step} ({op})")
        if step % 3 == 1:
            # A build that changes nothing: the model's parts are the last ones (the plan, feed
            # specs, shards and sitemap are taken whole); the next change starts from them.
            engine_build(root, engine)
            assert_clean(root, tmp_path, f"step {step}, built again unchanged")
    assert engine.plan.groups, "the engine kept the plan's page groups"
    assert engine.plan.last_plan is not None and engine.plan.whole, "the engine kept the plan and sitemaps whole"


COMMISSION = "Upper Tigris Basin Authority"


def acronym_and_dam_site(root: Path) -> tuple[list[Doc], Doc, Doc]:
    """A site of 12 articles, one naming the UTBA alone and the first report of a dam opened;
    returns the 12, and two articles not written yet: one defining the acronym (it merges two
    actors) and a second report of the dam (it joins a story)."""
    start = datetime(2024, 5, 1, 9, tzinfo=BAGHDAD)
    rng = random.Random(5)
    background = [make_doc(rng, n) for n in range(12)]
    lone = prose_doc(1, "Canal releases published for the province",
                     "The UTBA said on Monday that water releases in the provincial canals reached 41 percent of last year. "
                     "The UTBA will publish the final results within ten days, its spokesman told reporters.",
                     start, "Tigris Wire")
    first = prose_doc(2, "Floodgates opened at the northern dam after heavy rain",
                      "Engineers opened four floodgates at the northern dam on Tuesday after three days of heavy rain "
                      "raised the reservoir by two metres. Farmers downstream were told to move livestock to higher ground.",
                      start + timedelta(days=10), "Gulf Monitor", ["Water"])
    defining = prose_doc(3, "Basin authority sets date for canal tenders",
                         f"The {COMMISSION} (UTBA) set 14 December as the date for canal tenders. "
                         "The authority said tender documents would be published from next month.",
                         start + timedelta(days=2), "Basra Daily")
    second = prose_doc(4, "Floodgates opened at northern dam as heavy rain raises reservoir",
                       "Engineers opened four floodgates at the northern dam on Tuesday after heavy rain over three days "
                       "raised the reservoir by two metres, and farmers downstream were told to move livestock.",
                       start + timedelta(days=10, hours=3), "Basra Daily", ["Water"])
    write_site(root, background + [lone, first])
    return background, defining, second


class WatchedBuilds:
    """Builds of one engine as watch runs them (`watched`): it lists the article files once, then
    is told of exactly the files changed since its last build (articles.ArticleFiles); load then
    says which articles changed (order.Changed), and enrich, the resolution and the model visit
    only those. Without `watched`, every build lists every file."""

    def __init__(self, root: Path, watched: bool) -> None:
        self.root, self.engine = root, Engine(files=ArticleFiles() if watched else None)
        self.seen: dict[str, tuple] | None = None
        self.told = 0   # builds whose enriched articles said what changed since the last ones

    def __call__(self, workers: int = 1):
        folder = Paths(self.root).articles
        now = _files_now(folder)
        if self.engine.files is not None and self.seen is not None:
            for path in self.seen.keys() | now.keys():
                if self.seen.get(path) != now.get(path):
                    self.engine.files.note(path)
        self.seen = now
        result = engine_build(self.root, self.engine, workers)
        self.told += getattr(self.engine.enrich.result[0], "since", None) is not None
        return result


@pytest.mark.parametrize("watched", [False, True], ids=["every-file-listed", "files-the-watcher-names"])
def test_an_article_that_merges_two_actors_joins_a_story_and_is_deleted(tmp_path, watched):
    """An acronym used alone becomes the organisation once an article defines it; a second report
    of an event joins the first into a story, and leaves it again when edited or deleted. With
    `watched`, what changed is passed down from load: the lone article, not changed itself,
    gets its new actor from the resolution's change set (enrich.apply_changes)."""
    root = tmp_path / "site-root"
    background, defining, second = acronym_and_dam_site(root)
    engine_build = WatchedBuilds(root, watched)
    engine_build()
    site = assert_clean(root, tmp_path, "start")
    assert not any(p.startswith("actors/upper-tigris-basin-authority/") for p in site)

    # 1. A new article defines the acronym: the lone article's "UTBA" is now the commission.
    defining.write(root)
    engine_build()
    site = assert_clean(root, tmp_path, "merge")
    commission = site["actors/upper-tigris-basin-authority/index.html"].decode()
    assert "prose-1/" in commission and "prose-3/" in commission

    # 2. A second report of the dam story: one story of two sources.
    second.write(root)
    engine_build()
    site = assert_clean(root, tmp_path, "join")
    story_pages = [p for p in site if p.startswith("stories/floodgates-opened") and p.endswith("index.html")]
    assert story_pages, "the two reports are one story"

    # 3. Edited into another event: the story splits again.
    (root / second.rel).unlink()
    second.title = "Wheat harvest begins early in the south"
    second.body = ("Farmers in the south began the wheat harvest two weeks early this year, "
                   "citing a warm spring and good yields from new seed varieties.")
    second.write(root)
    engine_build()
    site = assert_clean(root, tmp_path, "split")
    assert not any(p.startswith("stories/floodgates-opened") for p in site)

    # 4. site.toml and a template change under the engine: what every page shows.
    config = root / "site.toml"
    config.write_text(config.read_text().replace('timezone = "Asia/Baghdad"', 'timezone = "UTC"')
                      .replace('title = "Test digest"', 'title = "Renamed digest"'))
    (root / "templates").mkdir()
    (root / "templates" / "footer.html").write_text('<p class="colophon">Edited by the desk.</p>\n')
    engine_build()
    site = assert_clean(root, tmp_path, "config and template")
    assert "Renamed digest" in site["index.html"].decode() and "Edited by the desk." in site["index.html"].decode()

    # 5. Deletions: the defining article goes, and with it the merge.
    (root / defining.rel).unlink()
    (root / second.rel).unlink()
    engine_build()
    site = assert_clean(root, tmp_path, "delete")
    assert not any(p.startswith("actors/upper-tigris-basin-authority/") for p in site)
    assert engine_build.told >= 4 if watched else engine_build.told == 0, "the changes were passed down from load"


def test_the_engine_writes_the_cache_file_after_publishing_and_a_one_shot_build_finds_it(tmp_path):
    """Pickling and committing the build cache is kept off the time a change takes to appear:
    the engine holds its writes until persist() (watch calls it once a build is reported); then
    the file has everything, and a one-shot build after watch computes nothing again."""
    import sqlite3
    rng = random.Random(11)
    root = tmp_path / "site-root"
    docs = [make_doc(rng, n) for n in range(10)]
    write_site(root, docs)
    db = root / ".newsdigest" / "cache.sqlite"

    def rows() -> set[tuple[str, str, int]]:
        with sqlite3.connect(db) as con:   # rowid changes whenever an entry is written again
            return set(con.execute("SELECT kind, key, rowid FROM entries"))

    engine = Engine()
    engine_build(root, engine)
    engine.persist()
    before = rows()
    make_doc(rng, 10).write(root)
    published = site_files(root / "site") if engine_build(root, engine).published else None
    assert rows() == before, "nothing is written to the file while the build is on its way"
    engine.persist()
    after = rows()
    assert len([r for r in after if r[0] == "article"]) == 11 and after != before
    engine.close()
    build(Paths(root), BuildOptions(workers=1), Report(quiet=True))
    assert rows() == after, "the one-shot build found every value in the file"
    assert published is not None and site_files(root / "site") == published


def test_an_engine_started_on_a_cached_site_resolves_its_first_change_as_a_change(tmp_path, monkeypatch):
    """Watch starts on a site a one-shot build left: the identities come from the build cache,
    yet the engine's first build fills its resolution memo, so the first article dropped is
    resolved where it reaches (not every article, while the editor waits)."""
    from newsdigest.extract import resolve as resolve_module
    rng = random.Random(12)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(12)])
    build(Paths(root), BuildOptions(workers=1), Report(quiet=True))     # the cache has the resolution
    engine = Engine()
    engine_build(root, engine)
    assert len(engine.resolution.gathered) == 12
    resolved: list[int] = []
    per_article = resolve_module._per_article

    def counting(corpus, by_article, name_of, gazetteer, memo=None, redo=None, since=None):
        resolved.append(len(corpus) if redo is None else len(redo))
        return per_article(corpus, by_article, name_of, gazetteer, memo, redo, since)

    monkeypatch.setattr(resolve_module, "_per_article", counting)
    make_doc(rng, 12).write(root)
    engine_build(root, engine)
    assert resolved and resolved[-1] < 13, "the first change resolved every article again"
    assert_clean(root, tmp_path, "first change")


@pytest.mark.parametrize("watched", [False, True], ids=["every-file-listed", "files-the-watcher-names"])
def test_a_fuller_name_in_a_new_article_renames_the_actor_of_an_unchanged_one(tmp_path, watched):
    """The identities are the corpus's: a new report that writes "Thomas Goffus" makes the
    "Tom Goffus" of an article the engine has not read again that same person, under the
    formal name, on its page, its cards and the actor's page (what the engine keeps of each
    article's actors must follow the names, not only the article; with `watched`, the
    resolution's change set names it)."""
    root = tmp_path / "site-root"
    start = datetime(2024, 5, 1, 9, tzinfo=BAGHDAD)
    rng = random.Random(8)
    first = prose_doc(1, "Talks on the training mission",
                      "Deputy Assistant Secretary Tom Goffus met Defence Minister Thabit al-Abbasi in Baghdad on "
                      "Monday. Goffus said the training mission would continue.", start, "Tigris Wire")
    write_site(root, [make_doc(rng, n) for n in range(8)] + [first])
    engine_build = WatchedBuilds(root, watched)
    engine_build()
    site = assert_clean(root, tmp_path, "start")
    assert "actors/tom-goffus/" in site["articles/2024/05/prose-1/index.html"].decode()
    prose_doc(2, "Mission talks continue",
              "Deputy Assistant Secretary Thomas Goffus held talks with Defence Minister Thabit al-Abbasi on "
              "Tuesday about the training mission.", start + timedelta(days=1), "Gulf Monitor").write(root)
    engine_build()
    site = assert_clean(root, tmp_path, "renamed")
    page = site["articles/2024/05/prose-1/index.html"].decode()
    assert "actors/thomas-goffus/" in page and "actors/tom-goffus/" not in page
    assert engine_build.told == (1 if watched else 0), "the change was passed down from load"


def test_a_source_whose_page_moves_is_linked_anew_on_pages_the_engine_keeps(tmp_path):
    """Outlets whose names make the same slug: the first name in sorted order has it, the others
    a suffixed one (slug.unique_slugs). An article from a new outlet whose name sorts first moves
    the existing outlet's page; every page that links it (article pages, lists of cards, digests,
    stories) must link the new page, in the engine as in a clean build, though no file of theirs
    changed."""
    root = tmp_path / "site-root"
    when = datetime(2024, 5, 1, 9, 0, tzinfo=BAGHDAD)
    docs = [prose_doc(1, "Dam inspection finds cracks in the spillway", "Engineers at the Haditha dam "
                      "reported cracks in the spillway on Tuesday.", when, "Al-Sabah"),
            prose_doc(2, "Spillway cracks at Haditha dam to be repaired", "The ministry said the cracks "
                      "in the Haditha dam spillway will be repaired this month.", when + timedelta(hours=2),
                      "Al-Sabah"),
            # between them and the new article: their digests keep their neighbours
            prose_doc(4, "Date harvest begins in Diyala", "Farmers in Diyala began the date harvest on "
                      "Monday.", when + timedelta(days=20), "Rudaw", topics=["Agriculture"])]
    write_site(root, docs)
    engine = Engine()
    engine_build(root, engine)
    assert_clean(root, tmp_path, "one outlet")
    # Another subject, another month: no story, related list or digest in common with the others.
    newer = prose_doc(3, "Basra port opens a new container berth", "A container berth opened at the "
                      "port of Umm Qasr near Basra on Sunday.", when + timedelta(days=40), "Al Sabah",
                      topics=["Trade"])
    newer.write(root)
    engine_build(root, engine)
    assert_clean(root, tmp_path, "a second outlet of the same slug")
    # A one-shot build after it (the cache and the live site of the engine's) agrees too.
    build(Paths(root), BuildOptions(workers=1), Report(quiet=True))
    assert_clean(root, tmp_path, "one-shot build after the swap")


def test_an_outlet_spelt_another_way_more_often_is_renamed_in_the_search_shards_the_engine_keeps(tmp_path):
    """A term's name is its most used spelling, and the search records filter by it. Two newer
    reports spell the outlet another way: the older article, unchanged (the same object for the
    engine) and in a shard of its own, is searched under the new name too, as in a clean build."""
    root = tmp_path / "site-root"
    when = datetime(2024, 3, 4, 9, 0, tzinfo=BAGHDAD)
    old = prose_doc(1, "Reservoir levels fall in the north", "Reservoir levels at the Mosul dam fell "
                    "by two metres in February.", when, "Tigris Wire", topics=["Water"])
    other = prose_doc(4, "Wheat harvest begins in Nineveh", "Farmers in Nineveh began the wheat harvest "
                      "on Sunday.", when + timedelta(days=58), "Rudaw", topics=["Agriculture"])
    write_site(root, [old, other])
    engine = Engine()
    engine_build(root, engine)
    assert_clean(root, tmp_path, "two reports, two months")
    for n, day in ((2, 60), (3, 61)):
        prose_doc(n, f"Port traffic report {n}", f"Container traffic at Umm Qasr rose on day {n}.",
                  when + timedelta(days=day), "TIGRIS WIRE", topics=["Trade"]).write(root)
    engine_build(root, engine)
    assert_clean(root, tmp_path, "the outlet spelt another way twice")


def engine_site(tmp_path: Path, seed: int, articles: int) -> tuple[Path, list[Doc], Engine, random.Random]:
    """A site of random articles built once by a new engine."""
    rng = random.Random(seed)
    root = tmp_path / "site-root"
    docs = [make_doc(rng, n) for n in range(articles)]
    write_site(root, docs)
    engine = Engine()
    engine_build(root, engine)
    return root, docs, engine, rng


def test_an_article_re_dated_within_its_month_or_marked_updated_moves_its_sitemap_date(tmp_path):
    """An article's page keeps its address when its date moves within the month, or when it gets
    an `updated` date; the sitemap's last-modified date of that page must follow."""
    root, docs, engine, _ = engine_site(tmp_path, 4, 6)
    doc = docs[2]
    (root / doc.rel).unlink()
    doc.date = doc.date.replace(day=min(doc.date.day + 1, 28) if doc.date.day < 28 else 1)
    doc.write(root)
    engine_build(root, engine)
    assert_clean(root, tmp_path, "re-dated within its month")
    doc.extra["updated"] = (doc.date + timedelta(days=2)).isoformat()
    doc.write(root)
    engine_build(root, engine)
    assert_clean(root, tmp_path, "marked updated")


def test_a_gazetteer_changed_with_no_article_changed_reaches_the_actors_pages(tmp_path):
    """content/actors.toml edited while every article stays the same object: the profiles, the
    actors' taxonomy and the plan, which the engine takes whole for the same articles and the
    same profiles, follow the new descriptions and kinds (and a build of nothing after it keeps them)."""
    root = tmp_path / "site-root"
    rng = random.Random(9)
    write_site(root, [make_doc(rng, n) for n in range(12)])
    engine = Engine()
    engine_build(root, engine)
    assert_clean(root, tmp_path, "start")
    for step, (kind, words) in enumerate((("person", "A mediator in the canal talks"),
                                          ("organisation", "Another description altogether"))):
        (root / "content" / "actors.toml").write_text(
            f'["Omar Jabouri"]\nkind = "{kind}"\ndescription = "{words}"\n\n'
            f'["Zoë Lefèvre"]\nkind = "person"\ndescription = "{words}, too"\n')
        engine_build(root, engine)
        site = assert_clean(root, tmp_path, f"gazetteer {step}")
        assert any(words in data.decode(errors="replace") for path, data in site.items() if path.startswith("actors/"))
        engine_build(root, engine)
        assert_clean(root, tmp_path, f"gazetteer {step}, built again unchanged")


def test_single_changes_known_from_the_site_order_match_clean_builds(tmp_path):
    """On a site large enough that one change is put in place rather than sorted whole, the
    plan, feeds, search shards and sitemap take what changed from the site order
    (model.changed_since) and visit nothing else: an article re-dated within its month (its
    page's sitemap date), marked updated, moved far in the order (its old and new neighbours),
    deleted, and a newest one added, each as a clean build makes it."""
    root, docs, engine, rng = engine_site(tmp_path, 5, 30)

    def rewrite(doc: Doc, change) -> None:
        (root / doc.rel).unlink()
        change(doc)
        doc.write(root)

    steps = [
        ("re-dated within its month", lambda: rewrite(docs[2], lambda d: setattr(
            d, "date", d.date.replace(day=d.date.day + 1 if d.date.day < 28 else 1)))),
        ("marked updated", lambda: rewrite(docs[2], lambda d: d.extra.__setitem__(
            "updated", (d.date + timedelta(days=2)).isoformat()))),
        ("moved far in the order", lambda: rewrite(docs[5], lambda d: setattr(d, "date", d.date.replace(year=2023)))),
        ("deleted", lambda: (root / docs.pop(7).rel).unlink()),
        ("newest added", lambda: (docs.append(doc := make_doc(rng, 99)), setattr(
            doc, "date", max(d.date for d in docs) + timedelta(hours=1)), doc.write(root))),
    ]
    for step, change in steps:
        since = engine.plan.articles
        change()
        engine_build(root, engine)
        assert engine.model.order.since(since) is not None, f"{step}: the change was put in place"
        assert_clean(root, tmp_path, step)


def test_an_engine_that_indexed_the_articles_has_the_text_matchers_before_the_first_change(tmp_path, monkeypatch):
    """Watch starts on a site whose articles were all extracted before (the build cache): its
    first build makes no text matcher, so index_articles makes them (cached.prime_extraction)
    and the first article dropped waits for neither the gazetteer's nor the topic rules'."""
    from newsdigest import cached
    from newsdigest.extract import gazetteer as gazetteer_module, topics as topics_module
    rng = random.Random(14)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(8)])
    build(Paths(root), BuildOptions(workers=1), Report(quiet=True))     # the cache has every extraction
    for made in (gazetteer_module._layered, topics_module.default_rules, topics_module._site_rules):
        made.cache_clear()   # as in a new process: no gazetteer or rules made yet
    engine = Engine()
    engine_build(root, engine)
    engine.index_articles(Paths(root))

    def never(*args, **kwargs):
        raise AssertionError("a text matcher made while a change waits")

    monkeypatch.setattr(gazetteer_module, "Matcher", never)
    monkeypatch.setattr(cached, "_stored_automaton", never)
    make_doc(rng, 8).write(root)
    engine_build(root, engine)
    monkeypatch.undo()
    assert_clean(root, tmp_path, "first change")


def test_an_engine_that_indexed_the_articles_has_the_index_entries_and_ingest_patterns_before_the_first_change(
        tmp_path, monkeypatch):
    """Watch starts on a site that is up to date: its first build renders no page, so the
    entries of the taxonomy indexes are kept by none, and it ingests nothing, so no pattern of
    the ingest is compiled. index_articles renders the indexes (outputs.prime_rendering) and
    compiles the patterns (boilerplate.prime_furniture): the first change renders only the
    entries it changes, and the first file ingested compiles nothing."""
    from newsdigest.ingest import boilerplate
    rng = random.Random(15)
    root = tmp_path / "site-root"
    docs = [make_doc(rng, n) for n in range(12)]
    write_site(root, docs)
    build(Paths(root), BuildOptions(workers=1), Report(quiet=True))
    boilerplate.builtin_furniture.cache_clear()   # as in a new process: no pattern compiled yet
    boilerplate._glued_pattern.cache_clear()
    engine = Engine()
    engine_build(root, engine)
    engine.index_articles(Paths(root))

    entry = engine.plan.rendering.env.get_template("term-entry.html")
    rendered, render = [], entry.render
    monkeypatch.setattr(entry, "render", lambda *args, **kwargs: rendered.append(1) or render(*args, **kwargs))
    listed = sum(len(terms) for terms in engine.plan.terms.values())
    added = make_doc(rng, 12)
    added.date = sorted(d.date for d in docs)[6]     # within the charts' span: no other entry changes
    added.write(root)
    engine_build(root, engine)
    assert 0 < len(rendered) <= len(added.topics) + len(added.actors) + 1 < listed, (len(rendered), listed)
    assert_clean(root, tmp_path, "first change")

    def never(*args, **kwargs):
        raise AssertionError("a line rule compiled while a file waits")

    monkeypatch.setattr(boilerplate, "_compile", never)
    made = boilerplate.builtin_furniture.cache_info().misses, boilerplate._glued_pattern.cache_info().misses
    inbox = root / "content" / "inbox"
    inbox.mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "fixtures" / "ingest" / "article_label_glued_to_sentence.txt", inbox)
    result = engine_build(root, engine)
    monkeypatch.undo()
    assert result.ingested, "the inbox file was written"
    assert (boilerplate.builtin_furniture.cache_info().misses, boilerplate._glued_pattern.cache_info().misses) == made
    assert_clean(root, tmp_path, "first file ingested")


@pytest.mark.parametrize("broken", ["site.toml", "content/actors.toml", "content/topics.toml"])
def test_warming_up_leaves_a_wrong_configuration_to_the_build_that_reports_it(tmp_path, broken):
    """Watch warms its engine as it starts, after a first build that may have failed on a wrong
    site.toml, gazetteer or topic rules: the warm-up must not raise (watch would stop instead of
    waiting for the fix), and once the file is fixed the next build is a clean build's site."""
    rng = random.Random(21)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(4)])
    target = root / broken
    good = target.read_text() if target.exists() else None
    target.write_text("this is = [not toml\n")
    engine = Engine(files=ArticleFiles())
    if broken == "site.toml":   # stops the build; a wrong gazetteer or rules file is reported
        with pytest.raises(NewsdigestError):
            engine_build(root, engine)
    else:
        engine_build(root, engine)
    engine.warm_up(Paths(root))   # raised for site.toml before 5edcd82
    if good is None:
        target.unlink()
    else:
        target.write_text(good)
    engine_build(root, engine)
    assert_clean(root, tmp_path, f"{broken} fixed")


def test_the_corpus_key_lines_after_an_article_read_again_unchanged_are_those_of_a_clean_build(tmp_path):
    """An article read again from an unchanged file (another object, the same id and text) has
    the same line in the resolution's corpus key: the kept lines must hold it once, as a clean
    build's do (twice, the resolution was cached under a key no clean build makes, and each
    such build added another copy)."""
    from dataclasses import replace
    from newsdigest.cache import Cache
    from newsdigest.cached import _corpus_line, enrich
    from newsdigest.config import load_config
    from newsdigest.extract.gazetteer import load_gazetteer
    from newsdigest.extract.topics import load_topic_rules
    rng = random.Random(22)
    root = tmp_path / "site-root"
    write_site(root, [make_doc(rng, n) for n in range(6)])
    engine = Engine()
    engine_build(root, engine)
    paths = Paths(root)
    config, gazetteer, rules = load_config(paths)[0], load_gazetteer(paths.content)[0], load_topic_rules(paths.content)[0]
    articles = list(engine.enrich.articles)
    for step in range(2):
        articles[step] = replace(articles[step])   # as parsed again: another object, the same text
        enrich(list(articles), config, gazetteer, rules, Cache(None), kept=engine.enrich)
        assert engine.enrich.lines == sorted(_corpus_line(a) for a in articles), f"article {step} read again"

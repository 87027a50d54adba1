"""Search in shards: the index is cut by publication date into Pagefind bundles that the search
page merges; a sharded index finds what one index finds, and a new article re-indexes one shard."""
from __future__ import annotations

import gzip
import json
import random
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newsdigest.config import Paths
from newsdigest.errors import Report
from newsdigest.pipeline import BuildOptions, build, load_site
from newsdigest.render import plain_label
from newsdigest.search import Entry, Record, _pagefind_bundle, plan_shards, record_of

from conftest import copy_sample
from support.browser import serve_folder
from support.corpus import make_doc, write_site
from support.sitecheck import site_files

UTC = timezone.utc


def entry(n: int, when: datetime) -> Entry:
    return Entry(when, f"id-{n:04d}", f"articles/{when:%Y/%m}/a{n}/index.html")


def names(shards) -> list[str]:
    return [s.name for s in shards]


def test_shards_are_past_years_by_month_the_newest_month_by_day_and_the_newest_day_alone():
    days = [datetime(2022, 3, 5, tzinfo=UTC), datetime(2022, 11, 1, tzinfo=UTC), datetime(2023, 6, 1, tzinfo=UTC),
            datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC), datetime(2024, 5, 3, tzinfo=UTC),
            datetime(2024, 5, 20, 8, tzinfo=UTC), datetime(2024, 5, 20, 9, tzinfo=UTC)]
    shards = plan_shards([entry(n, d) for n, d in enumerate(days)], UTC)
    # Newest first: the newest day, the rest of its month by day, then the rest of its year,
    # then earlier years.
    assert names(shards) == ["2024-05-20", "2024-05-02", "2024-02", "2023-06", "2022-03"]
    assert [len(s.pages) for s in shards] == [2, 2, 1, 1, 2]
    # Another article that day changes only the newest day's shard.
    more = plan_shards([entry(n, d) for n, d in enumerate(days + [datetime(2024, 5, 20, 10, tzinfo=UTC)])], UTC)
    assert [s for s in more if s not in shards] == [more[0]] and more[0].name == "2024-05-20"
    assert [s for s in shards if s not in more] == [shards[0]]
    # A busy day is cut in date order: the newest article changes the day's last shard alone.
    busy = [entry(n, datetime(2024, 5, 20, 6, n, tzinfo=UTC)) for n in range(45)]
    before, after = plan_shards(busy, UTC, today_cap=20), plan_shards(busy + [entry(99, datetime(2024, 5, 20, 7, tzinfo=UTC))],
                                                                    UTC, today_cap=20)
    assert names(after) == ["2024-05-20.3", "2024-05-20.2", "2024-05-20"]
    assert [s.name for s in after if s not in before] == ["2024-05-20.3"]


def test_shards_keep_under_their_caps_and_cut_only_an_oversized_unit():
    start = datetime(2021, 1, 1, tzinfo=UTC)
    entries = [entry(n, start + timedelta(days=n // 3)) for n in range(400)]   # to 2021-05-14
    entries += [entry(1000 + n, datetime(2021, 5, 14, 12, n, tzinfo=UTC)) for n in range(30)]
    shards = plan_shards(entries, UTC, cap=50, recent_cap=10, today_cap=10)
    assert sorted(p for s in shards for p in s.pages) == sorted(e.page for e in entries)  # each page once
    assert all(len(s.pages) <= (10 if s.name.startswith("2021-05") else 50) for s in shards)
    # A month of about 90 articles is one unit larger than the cap: cut in date order.
    assert {"2021-01", "2021-01.2", "2021-02"} <= set(names(shards))
    # The newest day alone holds 33 articles: cut into shards of 10.
    assert {"2021-05-14", "2021-05-14.2", "2021-05-14.3", "2021-05-14.4"} <= set(names(shards))
    # The site's timezone decides the day: 23:30 UTC on 31 May is 1 June in Baghdad.
    late = plan_shards([entry(1, datetime(2021, 5, 31, 23, 30, tzinfo=UTC))], timezone(timedelta(hours=3)))
    assert names(late) == ["2021-06-01"]


def test_the_engine_s_shard_plan_is_the_plan_made_afresh_after_any_change():
    """With the engine's memo, plan_shards keeps each entry's day and packs a day's entries at a
    time; given the entries changed (as the engine does) or not, its shards are those made afresh,
    through adds, removals, re-dated entries, a turn of the day or the month and caps crossed."""
    rng = random.Random(7)
    start = datetime(2023, 11, 20, tzinfo=UTC)
    now = {n: entry(n, start + timedelta(hours=rng.randrange(24 * 75))) for n in range(300)}
    memo: dict = {}
    caps = dict(cap=25, recent_cap=7, today_cap=3)
    assert plan_shards(list(now.values()), UTC, memo=memo, **caps) == plan_shards(list(now.values()), UTC, **caps)
    serial = 1000
    for step in range(60):
        changed = []
        for _ in range(rng.choice((1, 1, 2, 5))):
            kind = rng.random()
            if kind < 0.5:   # a new article, often the newest (a day or a month may turn)
                serial += 1
                late = max(e.date for e in now.values()) + timedelta(hours=rng.choice((0, 1, 5, 30, 24 * 20)))
                now[serial] = entry(serial, late if rng.random() < 0.6 else start + timedelta(hours=rng.randrange(24 * 90)))
                changed.append(now[serial])
            elif kind < 0.8 and now:   # re-dated
                n = rng.choice(list(now))
                now[n] = entry(n, start + timedelta(hours=rng.randrange(24 * 90)))
                changed.append(now[n])
            elif now:   # removed
                del now[rng.choice(list(now))]
        changed = [e for e in changed if now.get(int(e.id[3:])) is e]
        entries = list(now.values())
        rng.shuffle(entries)
        fresh = plan_shards(entries, UTC, **caps)
        assert plan_shards(entries, UTC, memo=memo, changed=changed if step % 3 else None, **caps) == fresh, step


def fragments(files: dict[str, bytes]) -> dict[str, dict]:
    """What a Pagefind bundle holds of each page (url, text, title, date, filters, word count):
    what results, excerpts and filters show."""
    found = {}
    for name, data in files.items():
        if name.startswith("fragment/"):
            raw = gzip.decompress(data)
            assert raw.startswith(b"pagefind_dcd"), name
            fragment = json.loads(raw[len(b"pagefind_dcd"):])
            found[fragment["url"]] = fragment
    return found


def filter_value(name: str) -> str:
    """A name as a Pagefind filter shows it: markup characters left out, spaces collapsed."""
    return " ".join(plain_label(name).split())


def rich_site(root: Path) -> list:
    """The sample site and articles with what Pagefind reads in its own way: headings, lists,
    quotes, links inside sentences, a dateline, markup characters in titles, sources and actors."""
    docs = []
    for n, body in enumerate([
        "## Background\n\nThe ministry said talks would continue\n\n- water figures\n- energy trade\n\n"
        "> Officials reviewed [the border](https://example.org/x) plan\n\nFunding *rose* sharply",
        "BAGHDAD (Tigris Wire) - The ministry's <b>staff</b> & officials met 3 < 4 times.\n\n"
        "### Numbers\n\n1. first\n2. second\n\nA line with `code` and an image ![a dam](dam.png).",
    ]):
        doc = make_doc(random.Random(n), 900 + n)
        doc.title = ["Q&A: <Oil> \"deal\" & talks", "Talks at Basra: a 'second' round"][n]
        doc.source = ["Gulf & Co <Wire>", "TIGRIS wire"][n]   # another spelling of a sample source
        doc.actors = doc.actors + ["AT&T <Iraq>"]
        doc.body = body
        docs.append(doc)
    for doc in docs:
        doc.write(root)
    return docs


def test_each_article_record_indexes_as_its_page_does(tmp_path):
    """Pagefind is handed records made from the model: they must give what Pagefind made of the
    article pages (the same text, title, date, filters and word count), so that search finds,
    shows and filters the same. Fails when article.html marks something record_of does not."""
    root = copy_sample(tmp_path / "sample")
    rich_site(root)
    run(root)
    config, model = load_site(Paths(root), Report(quiet=True))
    site = root / "site"
    pages = [Record("/" + a.url_path, (site / a.url_path / "index.html").read_text()) for a in model.articles]
    records = [record_of(a, model) for a in model.articles]
    from_pages, from_records = fragments(_pagefind_bundle(pages)), fragments(_pagefind_bundle(records))
    assert len(from_pages) == len(model.articles) >= 17
    sources = model.taxonomy("sources")
    for article in model.articles:
        url = "/" + article.url_path
        page, record = from_pages[url], from_records[url]
        # One difference, on purpose: a source spelled two ways is one filter value, its name on
        # /sources/ (as topics and actors are on both); the page marks the spelling it shows.
        assert record["filters"].pop("source", []) == (
            [filter_value(sources.term(sources.slug(article.source)).name)] if article.source else [])
        assert page["filters"].pop("source", []) == ([filter_value(article.source)] if article.source else [])
        assert record == page, url
    rich = from_records["/" + next(a.url_path for a in model.articles if a.title.startswith("Q&A"))]
    assert rich["meta"]["title"] == 'Q&A: <Oil> "deal" & talks' and "ATT Iraq" in rich["filters"]["actor"]
    assert "Background. The ministry said" in rich["content"]       # a heading ends a sentence, as on the page
    arabic = [f for f in from_records.values() if re.search("[\u0600-\u06ff]", f["content"])]
    assert arabic   # the sample's Arabic articles are indexed in the site's language, as their pages are


def test_a_shard_key_follows_what_is_indexed_of_its_articles(tmp_path):
    root = tmp_path / "keys"
    shard_site(root, count=6)
    config, model = load_site(Paths(root), Report(quiet=True))
    article = model.articles[0]
    digest = record_of(article, model).digest
    # Nothing that only the article's page shows (related articles, neighbours, story) is in it.
    assert record_of(replace(article, summary="Another summary"), model).digest == digest
    for change in ({"title": "Another title"}, {"body_html": "<p>Other words</p>"}, {"dateline": "BASRA"},
                   {"date": article.date - timedelta(days=1)}, {"source": ""}, {"topics": ()}):
        assert record_of(replace(article, **change), model).digest != digest, change
    other = replace(model, config=replace(config, language="ar"))
    assert record_of(article, other).digest != digest        # the language Pagefind stems it in


# --- built sites, searched in Chromium ------------------------------------------------------------

def marker(n: int) -> str:
    """A word of article n's own, letters only (Pagefind splits a word at digits)."""
    return "marker" + "".join("abcdefghij"[int(c)] for c in f"{n:02d}")


def shard_site(root: Path, count: int = 36, seed: int = 16) -> list:
    """Articles over five years (several shards), each with a word of its own to find it by."""
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        doc = make_doc(rng, n, start=datetime(2021, 1, 1, tzinfo=timezone(timedelta(hours=3))))
        doc.date = doc.date.replace(year=2021 + n % 5)
        doc.body += f"\n\nFiled under {marker(n)}."
        docs.append(doc)
    write_site(root, docs)
    return docs


def run(root: Path, clean: bool = False) -> None:
    assert build(Paths(root), BuildOptions(clean=clean, workers=1), Report(quiet=True)).published


def single_index_copy(site: Path, dest: Path) -> Path:
    """The same built site with one Pagefind index over all its articles (as before shards)."""
    shutil.copytree(site.resolve(), dest)
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(dest), "--glob", "articles/**/index.html",
                    "--output-path", str(dest / "pagefind" / "single"), "--silent"], check=True)
    (dest / "pagefind" / "shards.json").write_text(json.dumps(["pagefind/single/"]))
    return dest


def findable(page, url: str, query: str, topic: str = "") -> set[str]:
    """Every article the search page finds for `query` (and the topic filter): their paths."""
    page.goto(url + "search/")
    field = page.locator(".pagefind-ui__search-input")
    field.wait_for(timeout=15000)
    field.fill(query)
    message = page.locator(".pagefind-ui__message")
    settled(page, query)
    if topic:
        page.locator(".pagefind-ui__filter-name", has_text="topic").click()
        page.locator(".pagefind-ui__filter-label", has_text=re.compile(rf"^\s*{topic}\b")).click()
        page.wait_for_timeout(300)  # the filter reruns the search; its message then settles
        settled(page, query)
    text = message.inner_text()
    counted = re.match(r"(\d+) results? for", text)
    assert counted or text.startswith("No results"), text
    expected = int(counted.group(1)) if counted else 0
    links = page.locator(".pagefind-ui__result-link")
    more = page.locator(".pagefind-ui__button", has_text="Load more")
    # Results arrive a page at a time ("Load more"), and render a moment after the count.
    ready = ("n => document.querySelectorAll('.pagefind-ui__result-link').length >= n"
             " || document.querySelector('.pagefind-ui__button')")
    page.wait_for_function(ready, arg=expected, timeout=15000)
    while links.count() < expected:
        more.click()
        page.wait_for_timeout(100)
        page.wait_for_function(ready, arg=expected, timeout=15000)
    excerpts = page.locator(".pagefind-ui__result-excerpt").all_inner_texts()
    assert len(excerpts) == expected and all(e.strip() for e in excerpts)  # every shard gives excerpts
    assert page.errors == []
    return {re.sub(r"^https?://[^/]+", "", h) for h in links.evaluate_all("els => els.map(e => e.href)")}


def settled(page, query: str) -> None:
    """Wait for the count of results for `query` ("3 results for x", "No results for x")."""
    page.wait_for_function("q => { const m = document.querySelector('.pagefind-ui__message');"
                           " return m && m.innerText.includes(q) && /^(\\d+|No) results?/.test(m.innerText); }",
                           arg=query, timeout=15000)


QUERIES = [("ministry", ""), (marker(7), ""), (marker(30), ""), ("water funding", ""), ("border", ""), ("border", "Water"),
           ("talks", "Energy"), ("nothingmatchesthis", "")]


def test_sharded_search_finds_exactly_what_one_index_finds(tmp_path, page_factory):
    root = tmp_path / "sharded"
    docs = shard_site(root)
    run(root)
    shards = json.loads((root / "site" / "pagefind" / "shards.json").read_text())
    assert len(shards) >= 5, shards
    single = single_index_copy(root / "site", tmp_path / "single")
    page = page_factory({"width": 1366, "height": 900})
    with serve_folder((root / "site").resolve()) as sharded_url, serve_folder(single) as single_url:
        found = {}
        for query, topic in QUERIES:
            found[query, topic] = findable(page, sharded_url, query, topic)
            one_index = findable(page, single_url, query, topic)
            if query.startswith("marker"):
                # A word that only one shard holds: Pagefind's other shards, lacking it, answer with
                # near words (its fallback for a word an index does not have), which one index
                # holding the word does not. The article itself is found all the same.
                assert one_index <= found[query, topic], (query, topic)
            else:
                assert found[query, topic] == one_index, (query, topic)
    # The queries are not trivial: some find one article, some many, across several shards.
    assert f"/articles/{docs[7].date:%Y/%m}/{docs[7].slug}/" in found[marker(7), ""]
    assert len({p.split("/")[2] for p in found["ministry", ""]}) >= 4   # articles of four years or more
    assert 0 < len(found["border", "Water"]) < len(found["border", ""])   # the topic filter narrows
    assert found["nothingmatchesthis", ""] == set()


def page_of(doc) -> str:
    return f"articles/{doc.date:%Y/%m}/{doc.slug}/index.html"


def shard_files(site: Path) -> dict[str, int]:
    """pagefind/<shard>/... -> inode, for every shard file."""
    index = site / "pagefind"
    return {p.relative_to(index).as_posix(): p.stat().st_ino for p in index.rglob("*")
            if p.is_file() and p.parent != index}


def test_a_new_recent_article_reindexes_only_its_shard_and_a_removed_one_leaves_search(tmp_path, page_factory):
    root = tmp_path / "inc"
    docs = shard_site(root)
    run(root)
    site = root / "site"
    before = shard_files(site)
    pages_before = {page_of(d): (site / page_of(d)).stat().st_ino for d in docs}
    newest = max(docs, key=lambda d: d.date)
    new = make_doc(random.Random(99), 99, start=newest.date + timedelta(minutes=5))
    new.date = newest.date + timedelta(minutes=5)   # the same day: the newest shard, no month turning
    new.body += "\n\nFiled under freshword."
    new.write(root)
    run(root)
    after = shard_files(site)
    newest_shard = json.loads((site / "pagefind" / "shards.json").read_text())[0].split("/")[1]
    remade = {rel.split("/")[0] for rel in after if before.get(rel) != after[rel]}
    assert remade == {newest_shard}
    # Older pages did change (the previous newest links to the new one; related lists move), but
    # not in what Pagefind reads of them: every other shard is carried over, the very same files.
    assert any((site / p).stat().st_ino != ino for p, ino in pages_before.items())
    assert all(after[rel] == ino for rel, ino in before.items() if not rel.startswith(newest_shard + "/"))
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".newsdigest"))
    run(clean, clean=True)
    assert (clean / "site" / "pagefind" / "shards.json").read_bytes() == (site / "pagefind" / "shards.json").read_bytes()
    assert site_files(site) == site_files(clean / "site")   # every file but Pagefind's, byte for byte
    gone = docs[7]
    page = page_factory({"width": 1366, "height": 900})
    with serve_folder(site) as url, serve_folder((clean / "site").resolve()) as clean_url:
        for query, topic in QUERIES + [("freshword", "")]:
            assert findable(page, url, query, topic) == findable(page, clean_url, query, topic), (query, topic)
        assert f"/articles/{new.date:%Y/%m}/{new.slug}/" in findable(page, url, "freshword")
        assert f"/articles/{gone.date:%Y/%m}/{gone.slug}/" in findable(page, url, marker(7))
        (root / gone.rel).unlink()
        run(root)
        assert f"/articles/{gone.date:%Y/%m}/{gone.slug}/" not in findable(page, url, marker(7))
        assert findable(page, url, "ministry") == findable(page, clean_url, "ministry") - {
            f"/articles/{gone.date:%Y/%m}/{gone.slug}/"}


def test_a_new_month_compacts_the_last_one_into_its_year_as_a_clean_build_would(tmp_path, page_factory):
    root = tmp_path / "roll"
    docs = shard_site(root, count=24)
    run(root)
    site = root / "site"
    old_recent = json.loads((site / "pagefind" / "shards.json").read_text())[0]
    newest = max(docs, key=lambda d: d.date)
    new = make_doc(random.Random(98), 98)
    new.date = (newest.date.replace(day=1) + timedelta(days=40)).replace(day=2)   # the month after next
    new.write(root)
    run(root)
    shards = json.loads((site / "pagefind" / "shards.json").read_text())
    assert old_recent not in shards and shards[0] == f"pagefind/{new.date:%Y-%m}-02/"
    assert not (site / old_recent).exists()     # its articles are now in their year's month shards
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".newsdigest"))
    run(clean, clean=True)
    assert json.loads((clean / "site" / "pagefind" / "shards.json").read_text()) == shards
    page = page_factory({"width": 1366, "height": 900})
    with serve_folder(site) as url, serve_folder((clean / "site").resolve()) as clean_url:
        for query, topic in (("ministry", ""), ("border", "Water")):
            assert findable(page, url, query, topic) == findable(page, clean_url, query, topic), (query, topic)

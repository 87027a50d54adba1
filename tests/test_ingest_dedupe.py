"""Dedupe: one article however many times, files, formats and encodings it arrives in."""
import json
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsdigest.config import SiteConfig
from newsdigest.ingest import ingest_paths
from newsdigest.ingest.dedupe import DedupeIndex, fingerprint, scan_articles
from conftest import SEEDS, seed_path, needs_seeds
from support.corpus import inbox_site

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
CONFIG = SiteConfig(timezone=ZoneInfo("Asia/Baghdad"))
SEED_001 = seed_path("001")

STORY = ("The council signed a design contract for the first metro line on Monday, officials said. "
         "The line will run for twenty kilometres under the busiest avenues of the capital. "
         "Construction is expected to start next year once the financing is agreed.")


def statuses(results):
    return [r.status for r in results]


def test_fingerprint_ignores_case_punctuation_and_markdown_escapes():
    a = fingerprint("", "", STORY)
    b = fingerprint("", "", "\\" + STORY.upper().replace(",", "").replace(".", " ."))
    assert a.text_hash == b.text_hash


def test_index_finds_by_id_url_and_text():
    index = DedupeIndex()
    index.add(Path("a.md"), fingerprint("id-1", "https://www.example.com/story/", STORY))
    assert index.find(fingerprint("id-1", "", "other")).why == "same id"
    assert index.find(fingerprint("", "http://example.com/story#comments", "other")).why == "same URL"
    assert index.find(fingerprint("", "", STORY)).why == "same text"
    near = STORY.replace("officials said", "the council's head said") + " Residents welcomed the plan."
    assert index.find(fingerprint("", "", near)).why.startswith("same text (")
    assert index.find(fingerprint("", "", "A different story about the port of Basra and its new cranes "
                                          "which unloaded more grain than ever before in August.")) is None


def test_short_bodies_need_an_exact_match():
    index = DedupeIndex()
    index.add(Path("a.md"), fingerprint("", "", "Talks resumed on Monday in Baghdad."))
    assert index.find(fingerprint("", "", "Talks resumed on Monday in Basra.")) is None


@needs_seeds
def test_the_same_file_twice_in_one_run(tmp_path):
    paths = inbox_site(tmp_path)
    results = ingest_paths([SEED_001, SEED_001], paths, CONFIG)
    assert statuses(results) == ["written", "duplicate"]
    assert results[1].article == results[0].article


@needs_seeds
def test_the_same_file_in_a_later_run(tmp_path):
    paths = inbox_site(tmp_path)
    first = ingest_paths([SEED_001], paths, CONFIG)
    again = ingest_paths([SEED_001], paths, CONFIG)
    assert statuses(again) == ["duplicate"] and again[0].article == first[0].article
    assert len(list(paths.articles.rglob("*.md"))) == 1


@needs_seeds
def test_the_same_text_in_another_format(tmp_path):
    paths = inbox_site(tmp_path)
    text = SEED_001.read_text(encoding="utf-8")
    body = text.split("INA - BAGHDAD", 1)[1]
    record = {"title": "Iraq: NATO's mission is advisory, not combat", "date": "2024-08-27T18:57:00+03:00",
              "url": "https://ina.example/en/nato-advisory", "source": "INA", "text": body}
    json_file = tmp_path / "scraped.json"
    json_file.write_text(json.dumps(record), encoding="utf-8")
    results = ingest_paths([SEED_001, json_file], paths, CONFIG)
    assert statuses(results) == ["written", "duplicate"]
    assert results[1].reason.startswith("same text")


def test_the_same_text_in_another_encoding(tmp_path):
    paths = inbox_site(tmp_path)
    latin = FIXTURES / "article_latin1.txt"
    utf8 = tmp_path / "same_article_utf8.txt"
    utf8.write_text(latin.read_bytes().decode("latin-1"), encoding="utf-8")
    bom = tmp_path / "with_bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + utf8.read_bytes())
    assert statuses(ingest_paths([latin, utf8, bom], paths, CONFIG)) == ["written", "duplicate", "duplicate"]


def test_mojibake_copy_is_a_duplicate_of_the_clean_one(tmp_path):
    paths = inbox_site(tmp_path)
    results = ingest_paths([FIXTURES / "article_utf8_bom.txt", FIXTURES / "article_mojibake.txt"], paths, CONFIG)
    assert statuses(results) == ["written", "duplicate"]


@needs_seeds
def test_existing_articles_are_scanned(tmp_path):
    paths = inbox_site(tmp_path)
    existing = paths.articles / "2024" / "08" / "hand-written.md"
    existing.parent.mkdir(parents=True)
    existing.write_text("---\nid: 123\ntitle: An edited title\ndate: 2024-08-27T18:57:00+03:00\n---\n\n"
                        + SEED_001.read_text(encoding="utf-8").split("INA - BAGHDAD", 1)[1], encoding="utf-8")
    (paths.articles / "2024" / "08" / "broken.md").write_text("no front matter", encoding="utf-8")
    assert len(scan_articles(paths.articles).paths) == 1
    results = ingest_paths([SEED_001], paths, CONFIG)
    assert statuses(results) == ["duplicate"] and results[0].article == existing


@needs_seeds
def test_different_articles_are_not_duplicates(tmp_path):
    paths = inbox_site(tmp_path)
    inputs = [SEEDS / p.name for p in sorted(SEEDS.glob("*.txt"))] + [
        FIXTURES / name for name in ("article_byline_published_updated.txt", "article_glued_sentences.txt",
                                     "article_city_agency_lede.txt", "article_month_name_date.txt",
                                     "article_windows1256.txt", "page_with_nav_and_ads.html",
                                     "scraper_records.jsonl", "scraper_records_list.json", "scraper_record.json")]
    results = ingest_paths(inputs, paths, CONFIG)
    assert set(statuses(results)) == {"written"}


@needs_seeds
def test_an_inbox_duplicate_is_kept_under_raw_duplicates(tmp_path):
    paths = inbox_site(tmp_path)
    ingest_paths([SEED_001], paths, CONFIG)
    dropped = paths.inbox / "again.txt"
    shutil.copyfile(SEED_001, dropped)
    results = ingest_paths([dropped], paths, CONFIG)
    assert statuses(results) == ["duplicate"]
    assert not dropped.exists()
    assert results[0].raw == paths.raw / "duplicates" / "2024" / "08" / "again.txt"
    assert results[0].raw.read_bytes() == SEED_001.read_bytes()


def _same_index(a: DedupeIndex, b: DedupeIndex) -> bool:
    return ({p: a.fingerprint_of(p) for p in a.paths} == {p: b.fingerprint_of(p) for p in b.paths}
            and len(a.paths) == len(b.paths))


@needs_seeds
def test_a_long_running_process_reuses_the_index_while_no_article_changed(tmp_path):
    """Watch ingests drop after drop: the index of the last run serves the next, exactly."""
    import os
    from newsdigest.ingest.dedupe import ScanMemo
    memo = ScanMemo()                                                  # what watch keeps between builds
    paths = inbox_site(tmp_path)
    first = paths.articles / "2024" / "08" / "first.md"
    first.parent.mkdir(parents=True)
    first.write_text(f"---\nid: a1\ntitle: Metro\ndate: 2024-08-27T18:57:00+03:00\n---\n\n{STORY}\n", encoding="utf-8")
    index = scan_articles(paths.articles, memo)
    assert scan_articles(paths.articles, memo) is index                # nothing changed: reused

    results = ingest_paths([SEED_001], paths, CONFIG, memo)            # the ingest adds what it writes
    assert statuses(results) == ["written"]
    again = scan_articles(paths.articles, memo)
    assert again is index and len(again.paths) == 2
    assert _same_index(again, scan_articles(paths.articles))           # as a full scan finds them

    by_hand = paths.articles / "2024" / "08" / "by-hand.md"            # an editor adds a file: added
    by_hand.write_text("---\nid: b2\ntitle: Other\ndate: 2024-08-28T10:00:00+03:00\n---\n\nA different text "
                       "about the harbour and its cranes, long enough to count.\n", encoding="utf-8")
    grown = scan_articles(paths.articles, memo)
    assert len(grown.paths) == 3

    # An editor rewrites a known article: everything is read again, and the new text counts.
    first.write_text(first.read_text(encoding="utf-8").replace("metro line", "tram line"), encoding="utf-8")
    os.utime(first, ns=(1, 1))
    before = grown.fingerprint_of(first)
    rescanned = scan_articles(paths.articles, memo)
    assert rescanned.fingerprint_of(first) != before                   # read again: the new text counts
    assert _same_index(rescanned, scan_articles(paths.articles))

    by_hand.unlink()                                                   # or removes one
    assert len(scan_articles(paths.articles, memo).paths) == 2
    results = ingest_paths([SEED_001], paths, CONFIG, memo)                  # and duplicates are still found
    assert statuses(results) == ["duplicate"]


def test_the_index_is_kept_between_runs_and_reads_only_what_changed(tmp_path, monkeypatch):
    """A later run (a new process: a one-shot build, or watch starting) finds the fingerprints the
    last one kept under .newsdigest/ and reads only the articles added or changed since."""
    import newsdigest.ingest.dedupe as dedupe
    paths = inbox_site(tmp_path)
    store = tmp_path / "dedupe.sqlite"
    folder = paths.articles / "2024" / "08"
    folder.mkdir(parents=True)
    for n in range(3):
        (folder / f"a{n}.md").write_text(f"---\nid: a{n}\ntitle: T{n}\ndate: 2024-08-2{n}T10:00:00+03:00\n---\n\n"
                                         f"{STORY} Story number {n}.\n", encoding="utf-8")
    first = scan_articles(paths.articles, store=store)
    expected = {p: first.fingerprint_of(p) for p in first.paths}
    first.close()
    read = []
    real = dedupe.read_regular_text
    monkeypatch.setattr(dedupe, "read_regular_text", lambda path: read.append(path.name) or real(path))
    (folder / "a1.md").write_text((folder / "a1.md").read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    (folder / "a2.md").unlink()
    again = scan_articles(paths.articles, store=store)
    assert read == ["a1.md"]
    assert sorted(p.name for p in again.paths) == ["a0.md", "a1.md"]
    assert again.fingerprint_of(folder / "a0.md") == expected[folder / "a0.md"]
    assert again.find(fingerprint("", "", STORY + " Story number 0.")).path == folder / "a0.md"
    again.close()


def test_a_damaged_index_store_is_made_again(tmp_path):
    paths = inbox_site(tmp_path)
    store = tmp_path / "dedupe.sqlite"
    store.write_bytes(b"not a database" * 100)
    (paths.articles / "x.md").parent.mkdir(parents=True)
    (paths.articles / "x.md").write_text(f"---\nid: x\ntitle: X\ndate: 2024-08-20T10:00:00+03:00\n---\n\n{STORY}\n",
                                         encoding="utf-8")
    index = scan_articles(paths.articles, store=store)
    assert index.find(fingerprint("x", "", "")).why == "same id"


def _rows(index: DedupeIndex):
    """Everything the index holds, as comparable rows."""
    return (index.db.execute("SELECT * FROM docs ORDER BY doc").fetchall(),
            index.db.execute("SELECT hash, doc FROM shingles ORDER BY hash, doc").fetchall())


def _staged(index: DedupeIndex, what: str = "COUNT(*)") -> int:
    return index.db.execute(f"SELECT {what} FROM temp.staged").fetchone()[0]


def _site_of(root: Path, count: int) -> Path:
    import random
    from support.corpus import make_doc
    rng = random.Random(17)
    for n in range(count):
        make_doc(rng, n).write(root)
    return root / "content" / "articles"


def _one_by_one(articles: Path, store: Path) -> DedupeIndex:
    """The index as ingest builds it: each article added on its own."""
    import newsdigest.ingest.dedupe as dedupe
    index = DedupeIndex(store)
    for path, fp, sig in dedupe._fingerprints(dedupe.find_article_files(articles), {}, None):
        index.add(path, fp, sig)
    return index


def test_a_scan_adding_many_articles_makes_the_index_one_by_one_adding_does(tmp_path, monkeypatch):
    """A large scan stages shingles and moves them into the index chunk by chunk: the same rows."""
    import newsdigest.ingest.dedupe as dedupe
    articles = _site_of(tmp_path, 30)
    monkeypatch.setattr(dedupe, "CHUNK_ROWS", 250)          # chunks of three articles or so, then more
    moves = []
    real = DedupeIndex._move_staged
    monkeypatch.setattr(DedupeIndex, "_move_staged", lambda self: moves.append(_staged(self, "SUM(json_array_length(grams))"))
                        or real(self))
    bulk = scan_articles(articles, store=tmp_path / "bulk.sqlite")
    assert len(moves) >= 3 and sum(moves) == bulk.db.execute("SELECT COUNT(*) FROM shingles").fetchone()[0]
    for i in range(1, len(moves) - 1):     # a chunk waits until it is as large as the index
        assert moves[i] >= sum(moves[:i])
    assert _rows(bulk) == _rows(_one_by_one(articles, tmp_path / "one.sqlite"))

    # a path given twice in one chunk: the second replaces the first, staged rows included
    first, second = sorted(articles.rglob("*.md"))[:2]
    fps = {path: bulk.fingerprint_of(path) for path in (first, second)}
    again, alone = DedupeIndex(), DedupeIndex()
    entries = [(first, fps[second], (1,)), (second, fps[second], (2,)), (first, fps[first], (3,))]
    again.add_many(entries)
    for entry in entries:
        alone.add(*entry)
    assert _rows(again) == _rows(alone)
    assert again.find(replace(fps[first], id="", url="", text_hash="")).path == first

    # articles added after the scan, in the same process, are found
    late = tmp_path / "late.md"
    bulk.add(late, fingerprint("late", "", STORY))
    assert bulk.find(fingerprint("", "", STORY)).path == late
    assert bulk.find(replace(fps[second], id="", url="", text_hash="")).path == second


def test_a_scan_killed_between_chunks_is_completed_by_the_next(tmp_path, monkeypatch):
    """The docs rows of a chunk are kept only with its shingles: a doc recorded with its file's
    signature is trusted by the next scan and never read again."""
    import newsdigest.ingest.dedupe as dedupe
    articles = _site_of(tmp_path, 30)
    store = tmp_path / "dedupe.sqlite"
    monkeypatch.setattr(dedupe, "CHUNK_ROWS", 250)
    real = DedupeIndex._move_staged
    moved = []

    def killed_at_the_third(self):
        if len(moved) == 2:
            raise KeyboardInterrupt
        moved.append(_staged(self))
        real(self)

    monkeypatch.setattr(DedupeIndex, "_move_staged", killed_at_the_third)
    with pytest.raises(KeyboardInterrupt):
        scan_articles(articles, store=store)
    monkeypatch.setattr(DedupeIndex, "_move_staged", real)

    read = []
    real_read = dedupe.read_regular_text
    monkeypatch.setattr(dedupe, "read_regular_text", lambda path: read.append(path) or real_read(path))
    index = scan_articles(articles, store=store)
    assert len(read) == 30 - sum(moved)                  # the chunks moved are trusted, the rest read
    assert _rows(index) == _rows(_one_by_one(articles, tmp_path / "one.sqlite"))
    for path in read[:3]:
        fp = index.fingerprint_of(path)
        assert index.find(replace(fp, id="", url="", text_hash="")).path == path


def test_a_large_scan_leaves_no_large_log(tmp_path, monkeypatch):
    """Watch keeps the index open: the log a large scan wrote would stay on disk beside it."""
    import newsdigest.ingest.dedupe as dedupe
    monkeypatch.setattr(dedupe, "LOG_ROWS", 500)
    store = tmp_path / "dedupe.sqlite"
    index = scan_articles(_site_of(tmp_path, 30), store=store)
    assert len(index.paths) == 30 and (tmp_path / "dedupe.sqlite-wal").stat().st_size == 0


def _same_text_as_counted(docs: list, fp):
    """find()'s answer by text, from every article's shingles counted: of the articles sharing
    SIMILAR of the smaller's shingles, the one sharing most (then the first indexed)."""
    from newsdigest.ingest.dedupe import MIN_SHINGLES, SIMILAR
    if len(fp.shingles) < MIN_SHINGLES:
        return None
    counted = sorted(((len(fp.shingles & other.shingles), n) for n, (_, other) in enumerate(docs)),
                     key=lambda c: (-c[0], c[1]))
    for count, n in counted:
        smaller = min(len(fp.shingles), len(docs[n][1].shingles))
        if count and smaller >= MIN_SHINGLES and count / smaller >= SIMILAR:
            return docs[n][0]
    return None


@pytest.mark.parametrize("exact_max", [20_000, 3])   # articles counted from their own shingles, at most
@pytest.mark.parametrize("seed", range(3))
def test_common_shingles_are_bounded_not_counted_and_find_gives_what_counting_all_gives(seed, exact_max, monkeypatch):
    """Phrases in many articles (stock sentences) are only bounded (DedupeIndex._shared): find()
    still answers as counting every article's shared shingles does, near copies, short
    articles made mostly of stock phrases, and articles that share nothing but those."""
    import random
    from newsdigest.ingest import dedupe
    monkeypatch.setattr(dedupe, "COMMON", 3)
    monkeypatch.setattr(dedupe, "EXACT_MAX", exact_max)
    rng = random.Random(seed)
    stock = [" ".join(rng.choice(["the", "ministry", "said", "on", "monday", "in", "a", "statement", "officials",
                                  "water", "talks", "would", "continue"]) for _ in range(9)) for _ in range(6)]

    def body() -> str:
        own = " ".join(f"w{rng.randrange(400)}" for _ in range(rng.choice([4, 12, 40])))
        return ". ".join(rng.sample(stock, rng.randint(0, 4)) + [own])

    def near(text: str) -> str:
        words = text.split()
        for _ in range(rng.choice([0, 1, 3, 12])):
            words[rng.randrange(len(words))] = f"x{rng.randrange(50)}"
        return " ".join(words)

    index, docs = DedupeIndex(), []
    # Which way each find went: common shingles alone could reach SIMILAR (every article counted),
    # or not (only the articles the bound lets through), and whether it found one.
    ways = Counter()

    def add(text: str, name: str) -> None:
        nonlocal docs
        fp = fingerprint("", "", text)
        if fp.text_hash not in {d[1].text_hash for d in docs}:
            found = index.find(fp)
            expected = _same_text_as_counted([d[:2] for d in docs], fp)
            assert (found.path if found else None) == expected, name
            holders = Counter(g for _, other, _ in docs for g in other.shingles)
            common = sum(holders[g] > dedupe.COMMON for g in fp.shingles)
            if len(fp.shingles) >= dedupe.MIN_SHINGLES:
                ways[common >= dedupe.SIMILAR * len(fp.shingles), expected is not None] += 1
        path = Path(name).absolute()   # as the index names it
        index.add(path, fp)
        docs = [d for d in docs if d[0] != path] + [(path, fp, text)]

    for n in range(60):
        add(near(rng.choice(docs)[2]) if docs and rng.random() < 0.4 else body(), f"a{n}.md")
    # Bodies of stock phrases but their last word: after a few, their shingles are all common.
    for n in range(dedupe.COMMON + 3):
        add(". ".join(stock) + f" end{n}", f"s{n}.md")
    # A long article quoting one of those whole: it shares only common shingles with it, and the
    # short one is the same text (most of its shingles are in the long one).
    for n in range(3):
        add(". ".join(stock) + " " + " ".join(f"q{n}w{rng.randrange(400)}" for _ in range(40)), f"q{n}.md")
    assert ways[False, True] and ways[False, False] and ways[True, True], ways

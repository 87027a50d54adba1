"""The whole ingest: files in, articles and raw copies out, the inbox emptied safely."""
import shutil
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown

from newsdigest.config import Paths, SiteConfig
from newsdigest.frontmatter import parse
from newsdigest.ingest import explain, format_result, ingest_inbox, ingest_paths
from newsdigest.ingest.pipeline import escape_markdown
from conftest import seed_path, needs_seeds
from support.corpus import inbox_site

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
CONFIG = SiteConfig(timezone=ZoneInfo("Asia/Baghdad"))
SEED_000 = seed_path("000")
SEED_001 = seed_path("001")


def drop(paths: Paths, *sources: Path) -> list[Path]:
    dropped = []
    for source in sources:
        shutil.copyfile(source, paths.inbox / source.name)
        dropped.append(paths.inbox / source.name)
    return dropped


def article(path: Path):
    fm = parse(path.read_text(encoding="utf-8"), str(path))
    return fm.meta, fm.body.strip()


def all_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@needs_seeds
def test_seeds_from_the_inbox(tmp_path):
    paths = inbox_site(tmp_path)
    drop(paths, SEED_000, SEED_001)
    results = ingest_inbox(paths, CONFIG)
    lines = [format_result(r, paths.root) for r in results]
    assert lines == [
        "written content/articles/2023/04/iraqs-national-security-advisor-receives-an-invitation-to-visit-brussels.md"
        f" <- content/inbox/{SEED_000.name}",
        f"written content/articles/2024/08/iraq-natos-mission-is-advisory-not-combat.md <- content/inbox/{SEED_001.name}",
    ]
    meta, body = article(results[0].article)
    assert list(meta) == ["id", "title", "date", "source"]
    assert meta["title"] == "Iraq's national security advisor receives an invitation to visit Brussels for NATO talks"
    assert meta["date"] == "2023-04-04T19:04:00+03:00"
    assert meta["source"] == "Shafaq News"
    assert uuid.UUID(meta["id"]).version == 5
    assert body.startswith("NATO's Deputy Secretary General for Operations, Thomas Goffus, on Tuesday stressed")

    meta, body = article(results[1].article)
    assert list(meta) == ["id", "title", "date", "source", "section", "dateline"]
    assert meta["title"] == "Iraq: NATO's mission is advisory, not combat"
    assert meta["date"] == "2024-08-27T18:57:00+03:00"
    assert (meta["source"], meta["section"], meta["dateline"]) == ("Iraqi News Agency", "Security", "BAGHDAD")
    assert body.startswith("National Security Adviser Qasim Al-Araji confirmed on Tuesday")

    # the originals moved, byte for byte, under raw/; the inbox is empty
    assert all_files(paths.inbox) == []
    assert results[0].raw == paths.raw / "2023" / "04" / SEED_000.name
    assert results[0].raw.read_bytes() == SEED_000.read_bytes()
    assert results[1].raw.read_bytes() == SEED_001.read_bytes()
    assert not [p for p in tmp_path.rglob("*.tmp")]


@needs_seeds
def test_ingest_path_copies_and_never_moves(tmp_path):
    paths = inbox_site(tmp_path / "site")
    outside = tmp_path / "drop"
    outside.mkdir()
    shutil.copyfile(SEED_001, outside / "story.txt")
    results = ingest_paths([outside], paths, CONFIG)
    assert [r.status for r in results] == ["written"]
    assert (outside / "story.txt").read_bytes() == SEED_001.read_bytes()
    assert (paths.raw / "2024" / "08" / "story.txt").read_bytes() == SEED_001.read_bytes()


@needs_seeds
def test_ids_are_stable_across_sites(tmp_path):
    first = ingest_paths([SEED_001, FIXTURES / "scraper_records.jsonl"], inbox_site(tmp_path / "a"), CONFIG)
    second = ingest_paths([SEED_001, FIXTURES / "scraper_records.jsonl"], inbox_site(tmp_path / "b"), CONFIG)
    ids = [article(r.article)[0]["id"] for r in first]
    assert ids == [article(r.article)[0]["id"] for r in second]
    assert ids[1] == str(uuid.uuid5(uuid.NAMESPACE_URL, "example.com/samarra-bridge"))  # from the URL


@needs_seeds
def test_bad_inputs_are_rejected_one_line_each_and_good_ones_still_ingested(tmp_path):
    paths = inbox_site(tmp_path)
    bad = ["bad_empty.txt", "bad_binary.txt", "bad_undecodable.txt", "bad_no_title.txt", "bad_no_date.txt",
           "bad_unparseable_date.txt", "bad_truncated.json", "bad_markdown_no_date.md"]
    drop(paths, *(FIXTURES / name for name in bad), SEED_001)
    results = ingest_inbox(paths, CONFIG)
    lines = {r.input.name: format_result(r, paths.root) for r in results}
    assert lines["bad_empty.txt"] == "rejected: empty file <- content/inbox/bad_empty.txt"
    assert lines["bad_binary.txt"].startswith("rejected: not a text file")
    assert lines["bad_undecodable.txt"].startswith("rejected: cannot decode the text")
    assert lines["bad_no_title.txt"] == "rejected: no title found <- content/inbox/bad_no_title.txt"
    assert lines["bad_no_date.txt"] == "rejected: no date found <- content/inbox/bad_no_date.txt"
    assert lines["bad_unparseable_date.txt"] == \
        "rejected: unparseable date '32/13/2024' <- content/inbox/bad_unparseable_date.txt:3"
    assert lines["bad_truncated.json"] == ("rejected: invalid JSON: the file ends in the middle of a value "
                                           "(truncated?) <- content/inbox/bad_truncated.json:2")
    assert lines["bad_markdown_no_date.md"] == "rejected: no date found <- content/inbox/bad_markdown_no_date.md"
    assert lines[SEED_001.name].startswith("written ")
    assert all("\n" not in line for line in lines.values())

    # rejected files wait in inbox/rejected/, byte for byte, with the reason beside them
    rejected = paths.inbox / "rejected"
    for name in bad:
        assert (rejected / name).read_bytes() == (FIXTURES / name).read_bytes()
        assert (rejected / (name + ".why.txt")).read_text(encoding="utf-8").startswith("This file was not ingested:")
    assert "line 3: unparseable date" in (rejected / "bad_unparseable_date.txt.why.txt").read_text(encoding="utf-8")

    # ... and are not retried on the next build
    assert ingest_inbox(paths, CONFIG) == []


def test_jsonl_with_some_bad_records(tmp_path):
    paths = inbox_site(tmp_path)
    [dropped] = drop(paths, FIXTURES / "scraper_records_missing_fields.jsonl")
    results = ingest_inbox(paths, CONFIG)
    assert [(r.status, r.line) for r in results] == [("written", 1), ("rejected", 2), ("rejected", 3),
                                                      ("rejected", 4)]
    assert format_result(results[3], paths.root) == \
        "rejected: no date found <- content/inbox/scraper_records_missing_fields.jsonl:4"
    # the file is the original of the article written, and a copy waits for the bad records to be fixed
    assert not dropped.exists()
    assert (paths.raw / "2024" / "03" / dropped.name).exists()
    why = (paths.inbox / "rejected" / (dropped.name + ".why.txt")).read_text(encoding="utf-8")
    assert "line 2:" in why and "line 3:" in why and "line 4:" in why


def test_unsupported_and_missing_inputs(tmp_path):
    paths = inbox_site(tmp_path)
    (paths.inbox / "notes.docx").write_bytes(b"PK\x03\x04....")
    (paths.inbox / ".DS_Store").write_bytes(b"\x00\x00")
    results = ingest_inbox(paths, CONFIG)
    assert [format_result(r, paths.root) for r in results] == \
        ["rejected: unsupported file type '.docx' <- content/inbox/notes.docx"]
    assert (paths.inbox / ".DS_Store").exists()  # hidden files are left alone
    missing = ingest_paths([tmp_path / "nowhere.txt"], paths, CONFIG)
    assert missing[0].status == "rejected" and missing[0].reason == "no such file or folder"


@needs_seeds
def test_nothing_under_raw_or_articles_is_overwritten(tmp_path):
    paths = inbox_site(tmp_path)
    # a different file already has the raw name, and a different article the slug
    raw_taken = paths.raw / "2024" / "08" / "story.txt"
    raw_taken.parent.mkdir(parents=True)
    raw_taken.write_bytes(b"another original")
    slug_taken = paths.articles / "2024" / "08" / "iraq-natos-mission-is-advisory-not-combat.md"
    slug_taken.parent.mkdir(parents=True)
    slug_taken.write_text("---\ntitle: Other\ndate: 2024-08-01\n---\n\nAnother article entirely.\n", encoding="utf-8")
    shutil.copyfile(SEED_001, paths.inbox / "story.txt")
    [result] = ingest_inbox(paths, CONFIG)
    assert result.article == slug_taken.with_name("iraq-natos-mission-is-advisory-not-combat-2.md")
    assert result.raw == raw_taken.with_name("story-2.txt")
    assert raw_taken.read_bytes() == b"another original"
    assert slug_taken.read_text(encoding="utf-8").startswith("---\ntitle: Other")


def test_markdown_input_keeps_its_fields(tmp_path):
    paths = inbox_site(tmp_path)
    [result] = ingest_paths([FIXTURES / "article_with_front_matter.md"], paths, CONFIG)
    meta, body = article(result.article)
    assert list(meta) == ["id", "title", "date", "source", "url", "topics", "actors", "summary", "editor_note"]
    assert meta["date"] == "2024-12-02T10:30:00+03:00"
    assert meta["topics"] == ["Trade", "Diplomacy"] and meta["actors"] == ["Iraq", "Kuwait"]
    assert "**one set of navigation rules**" in body  # Markdown kept as written


def test_arabic_article_gets_lang(tmp_path):
    paths = inbox_site(tmp_path)
    [result] = ingest_paths([FIXTURES / "article_windows1256.txt"], paths, CONFIG)
    meta, body = article(result.article)
    assert meta["lang"] == "ar" and meta["date"] == "2024-08-27T18:57:00+03:00"
    assert body.startswith("افتتحت الحكومة المحلية في نينوى")


def test_scraped_text_cannot_become_markup(tmp_path):
    paths = inbox_site(tmp_path)
    [result] = ingest_paths([FIXTURES / "article_markdown_special.txt"], paths, CONFIG)
    _, body = article(result.article)
    html = markdown.markdown(body)
    for tag in ("<h1", "<ul", "<ol", "<li", "<script", "<b>", "<em", "<a "):
        assert tag not in html
    assert "# The ministry said this line is not a heading." in html
    assert "&lt;script&gt;" in html and "*stars*" in html


def test_escape_markdown():
    assert escape_markdown("# Not a heading") == "\\# Not a heading"
    assert escape_markdown("2018. The year") == "2018\\. The year"
    assert escape_markdown("- dash") == "\\- dash"
    assert escape_markdown("Al-Araji said 3 - 2 = 1") == "Al-Araji said 3 - 2 = 1"
    assert escape_markdown("a <b> [link](x) *x* `c`") == "a &lt;b> \\[link\\](x) \\*x\\* \\`c\\`"


@needs_seeds
def test_explain_reports_what_was_dropped_and_writes_nothing(tmp_path):
    paths = inbox_site(tmp_path)
    [dropped] = drop(paths, SEED_000)
    report = explain(dropped, paths, CONFIG)
    assert "date      2023-04-04T19:04:00+03:00   (from line 3)" in report
    assert '[advertising] "Sponsored Links": advertising label' in report
    assert '[aggregator tag] "(ThisDay | Iraq News Now )"' in report
    assert report.count("[repeated text]") == 7
    assert "[glued sentences]" in report
    assert "would be written as content/articles/2023/04/" in report
    assert all_files(paths.content) == ["inbox/" + SEED_000.name]
    assert "rejected: empty file" in explain(FIXTURES / "bad_empty.txt", paths, CONFIG)
    assert "scraper_records_missing_fields.jsonl:2: rejected: record has no 'title'" in \
        explain(FIXTURES / "scraper_records_missing_fields.jsonl", paths, CONFIG)


def test_ingest_inbox_without_an_inbox(tmp_path):
    assert ingest_inbox(Paths(tmp_path), CONFIG) == []


def test_html_page_end_to_end(tmp_path):
    paths = inbox_site(tmp_path)
    [result] = ingest_paths([FIXTURES / "page_with_nav_and_ads.html"], paths, CONFIG)
    meta, body = article(result.article)
    assert meta == {"id": meta["id"], "title": "Basra port handles record grain shipments",
                    "date": "2024-09-12T08:30:00+03:00", "source": "Gulf Monitor",
                    "url": "https://gulfmonitor.example/economy/basra-port-record-grain", "author": "Layla Hassan"}
    assert body.startswith("The port of Umm Qasr")  # the headline is not repeated in the body
    assert len(body.split("\n\n")) == 5


@needs_seeds
def test_young_inbox_files_wait_for_the_next_run(tmp_path):
    paths = inbox_site(tmp_path)
    [dropped] = drop(paths, SEED_001)
    assert ingest_inbox(paths, CONFIG, min_age=3600) == []
    assert dropped.exists()
    assert [r.status for r in ingest_inbox(paths, CONFIG, min_age=0)] == ["written"]


@needs_seeds
def test_rejections_as_problems_for_the_build_report(tmp_path):
    paths = inbox_site(tmp_path)
    drop(paths, FIXTURES / "bad_unparseable_date.txt", SEED_001)
    results = {r.status: r for r in ingest_inbox(paths, CONFIG)}
    good, bad = results["written"], results["rejected"]
    assert good.problem is None
    assert str(bad.problem).startswith(
        "content/inbox/bad_unparseable_date.txt:3: error: not ingested: unparseable date '32/13/2024' (write it like")

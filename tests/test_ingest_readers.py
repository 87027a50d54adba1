"""Readers and decoding: every input format and encoding to RawArticle, bad files to Rejected."""
from pathlib import Path

import pytest

from conftest import SEEDS, needs_seeds

from newsdigest.ingest.decode import decode
from newsdigest.ingest.model import Rejected, RawArticle
from newsdigest.ingest.readers import html_fragment_text, read

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def one(name: str) -> RawArticle:
    items = read(FIXTURES / name)
    assert len(items) == 1 and isinstance(items[0], RawArticle), items
    return items[0]


def rejected(name: str) -> Rejected:
    with pytest.raises(Rejected) as info:
        read(FIXTURES / name)
    return info.value


# --- plain text -------------------------------------------------------------------------------------

@needs_seeds
@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_seeds_read_as_text(seed):
    raw = read(SEEDS / seed)[0]
    assert raw.kind == "text" and raw.title and raw.date and raw.text.strip()


def test_text_layout_with_byline():
    raw = one("article_byline_published_updated.txt")
    assert (raw.title, raw.author) == ("Anbar farmers receive drought compensation", "Omar Khalid")
    assert raw.date == "14/07/2024 11:20" and raw.updated == "14/07/2024 13:05"
    assert raw.field_lines["author"] == 3 and raw.body_line == 7  # the share line is header noise


def test_text_layout_with_source_line_and_iso_date():
    raw = one("article_source_line_iso_date.txt")
    assert (raw.date, raw.source) == ("2024-05-02T06:15:00Z", "Rudaw")


def test_text_layout_with_month_name_and_section():
    raw = one("article_month_name_date.txt")
    assert (raw.date, raw.section) == ("March 3, 2025 10:15 AM", "Security")
    assert raw.text.lstrip().startswith("MOSUL (AFP) - ")  # the lede marker is the cleaner's business


# --- encodings -------------------------------------------------------------------------------------

ARABIC_TITLE = "افتتاح جسر جديد على نهر دجلة في الموصل"


def test_windows_1256_arabic():
    raw = one("article_windows1256.txt")
    assert raw.encoding == "cp1256"
    assert raw.title == ARABIC_TITLE
    assert "افتتحت الحكومة المحلية في نينوى" in raw.text


def test_arabic_indic_digits_in_utf8():
    raw = one("article_arabic_indic_date.txt")
    assert raw.encoding == "utf-8" and raw.title == ARABIC_TITLE and raw.date == "٢٧-٠٨-٢٠٢٤، ١٨:٥٧"


def test_iso_8859_1_latin():
    raw = one("article_latin1.txt")
    assert raw.encoding in ("cp1252", "latin_1", "iso8859_1")
    assert raw.title == "Le musée de Bagdad rouvre ses salles assyriennes"
    assert "déclaré la directrice du musée" in raw.text


def test_utf8_with_bom():
    raw = one("article_utf8_bom.txt")
    assert raw.encoding == "utf-8-sig"
    assert raw.title == "Basra governor inaugurates desalination plant"  # no BOM left in the title


def test_mojibake_is_repaired():
    raw = one("article_mojibake.txt")
    assert raw.repaired
    assert "NATO\u2019s advisers" in raw.text and "â€" not in raw.text


def test_decode_prefers_a_declared_charset_when_not_utf8():
    data = "<p>مرحبا بكم في بغداد</p>".encode("cp1256")
    assert decode(data, "windows-1256").text == "<p>مرحبا بكم في بغداد</p>"
    assert decode("plain".encode(), "windows-1256").encoding == "utf-8"


# --- HTML ------------------------------------------------------------------------------------------

def test_html_page_main_text_and_metadata():
    raw = one("page_with_nav_and_ads.html")
    assert raw.kind == "html"
    assert raw.title == "Basra port handles record grain shipments"      # no " | Gulf Monitor"
    assert raw.source == "Gulf Monitor"
    assert raw.url == "https://gulfmonitor.example/economy/basra-port-record-grain"
    assert raw.author == "Layla Hassan"
    assert raw.date.startswith("2024-09-12T08:30:00")
    assert "unloaded more grain in August" in raw.text
    assert "flour mills in the south" in raw.text
    for noise in ("NAV-LINK", "BANNER-AD", "INLINE-AD", "SIDEBAR-MOST-READ", "FOOTER-TEXT", "TRACKING-SCRIPT",
                  "trackPageView", "Facebook", "Most read"):
        assert noise not in raw.text


def test_html_page_without_article_text(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(Rejected, match="no article text"):
        read(page)


# --- JSON and JSON Lines -------------------------------------------------------------------------------

def test_json_single_record_with_aliases_and_html_content():
    raw = one("scraper_record.json")
    assert raw.title == "Najaf airport adds flights to Tehran"
    assert raw.date == "2024-10-07T16:45:00+03:00"
    assert raw.url == "https://example.com/najaf-airport-tehran"
    assert raw.source == "Iraq Travel Wire"
    assert raw.author == "Sara Mahdi, Ali Nasser"
    assert "<p>" not in raw.text and "track()" not in raw.text
    assert [p.strip() for p in raw.text.split("\n\n") if p.strip()] == [
        "Najaf International Airport will add four weekly flights to Tehran from next month, its director said.",
        "The airport expects more pilgrims during the Arbaeen season."]


def test_json_list_of_records_with_lines():
    items = read(FIXTURES / "scraper_records_list.json")
    assert [(r.title, r.line) for r in items] == [("Karbala opens new hospital wing", 2),
                                                  ("Kirkuk council approves road plan", 3)]
    assert items[1].date == "2024-02-11 09:30" and items[1].text.startswith("The Kirkuk provincial council")


def test_json_object_holding_a_list(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('{"articles": [{"title": "T", "date": "2024-01-01", "body": "Text."}], "count": 1}')
    assert [r.title for r in read(path)] == ["T"]


def test_jsonl_records():
    items = read(FIXTURES / "scraper_records.jsonl")
    assert [(r.title, r.line, r.source) for r in items] == [
        ("Samarra bridge reopens to traffic", 1, "INA"),
        ("Diwaniyah rice harvest begins", 2, "Shafaq News"),
        ("Halabja museum receives new archive", 3, "Rudaw")]
    assert items[2].date == "1714550400"


def test_jsonl_bad_records_are_named_by_line_and_good_ones_kept():
    items = read(FIXTURES / "scraper_records_missing_fields.jsonl")
    assert isinstance(items[0], RawArticle) and items[0].line == 1
    assert isinstance(items[1], Rejected) and items[1].line == 2 and "'title'" in items[1].reason
    assert isinstance(items[2], Rejected) and items[2].line == 3 and "invalid JSON" in items[2].reason
    assert isinstance(items[3], RawArticle) and items[3].date == ""  # no date: normalise() rejects it


def test_truncated_json():
    problem = rejected("bad_truncated.json")
    assert "truncated" in problem.reason and problem.line == 2


def test_html_fragment_text_drops_scripts():
    assert html_fragment_text("<p>One &amp; two</p><script>x()</script><p>Three<br>four</p>").split() == \
        ["One", "&", "two", "Three", "four"]


# --- Markdown ---------------------------------------------------------------------------------------

def test_markdown_fields_kept_and_body_passed_through():
    raw = one("article_with_front_matter.md")
    assert raw.markdown and raw.title == "Iraq and Kuwait agree on shared port rules"
    assert raw.date == "2024-12-02 10:30"
    assert raw.extra["topics"] == ["Trade", "Diplomacy"] and raw.extra["actors"] == ["Iraq", "Kuwait"]
    assert raw.extra["editor_note"] == "checked by the desk"
    assert "**one set of navigation rules**" in raw.text


def test_markdown_without_front_matter(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("Just text\n")
    with pytest.raises(Rejected, match="front matter") as info:
        read(path)
    assert info.value.line == 1


# --- bad inputs -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, reason", [
    ("bad_empty.txt", "empty file"),
    ("bad_binary.txt", "not a text file"),
    ("bad_undecodable.txt", "cannot decode"),
    ("bad_truncated.json", "invalid JSON"),
])
def test_bad_files_are_rejected_with_a_reason(name, reason):
    problem = rejected(name)
    assert reason in problem.reason and problem.hint


def test_unsupported_and_unreadable_files(tmp_path):
    docx = tmp_path / "story.docx"
    docx.write_bytes(b"PK\x03\x04")
    with pytest.raises(Rejected, match="unsupported file type '.docx'"):
        read(docx)
    with pytest.raises(Rejected, match="cannot read"):
        read(tmp_path / "missing.txt")


def test_pdf_named_txt_is_rejected(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    with pytest.raises(Rejected, match="PDF"):
        read(path)


# --- properties ------------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from newsdigest.config import SiteConfig  # noqa: E402
from newsdigest.ingest.pipeline import prepare  # noqa: E402

CONFIG = SiteConfig(timezone=ZoneInfo("Asia/Baghdad"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([".txt", ".json", ".jsonl", ".md"]),
       st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8")),
                 st.text(max_size=300).map(lambda t: t.encode("cp1256", "ignore")),
                 st.builds(lambda title, body: f"{title}\n\n2024-01-01 10:00\n\n{body}".encode("utf-8"),
                           st.text(max_size=60), st.text(max_size=300))))
def test_any_bytes_become_articles_or_rejections(suffix, data):
    try:
        items = read(Path("input" + suffix), data)
    except Rejected as exc:
        assert exc.reason
        return
    for item in items:
        if isinstance(item, Rejected):
            assert item.reason
            continue
        try:
            draft = prepare(item, CONFIG)
        except Rejected as exc:
            assert exc.reason
            continue
        assert draft.meta["title"] and draft.meta["date"] and draft.body

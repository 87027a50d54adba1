"""Ingest by class of input (issue 21): wire copy, scraper JSON of other shapes, Arabic page
furniture, labels glued to sentences, a site's own furniture rules.

Each fixture in tests/fixtures/ingest is ingested for real and its whole front matter and body
are compared. Each class is then tried again in a second wording, written after the rules and
not tuned on: the class must go, not the example.
"""
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from newsdigest.config import Paths, parse_config
from newsdigest.errors import NewsdigestError
from newsdigest.frontmatter import parse
from newsdigest.ingest import explain, format_result, ingest_inbox, ingest_paths
from newsdigest.ingest.boilerplate import load_furniture
from newsdigest.ingest.pipeline import article_slug
from support.corpus import inbox_site

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
EXPECTED = FIXTURES / "expected"
CONFIG, _ = parse_config('timezone = "Asia/Baghdad"\n')
MAPPED, _ = parse_config('timezone = "Asia/Baghdad"\n[ingest.fields]\ntitle = "hed"\ndate = "ts"\nbody = "story"\n')


def ingested(tmp_path: Path, source: Path, config=CONFIG) -> list[tuple[dict, str] | str]:
    """(front matter without id, body) per article written, or the reason of each rejection."""
    out = []
    for result in ingest_paths([source], inbox_site(tmp_path), config):
        if result.status != "written":
            out.append(result.reason)
            continue
        fm = parse(result.article.read_text(encoding="utf-8"), str(result.article))
        meta = dict(fm.meta)
        assert uuid.UUID(meta.pop("id")).version == 5
        out.append((meta, fm.body.strip()))
    return out


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "drop" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- the fixtures, one per class ----------------------------------------------------------------

def expected(name: str) -> list[tuple[dict, str]]:
    """The articles a fixture must give, from expected/<fixture>.md (or .1.md, .2.md, ... for
    several records): front matter without the id, and the body."""
    files = sorted(EXPECTED.glob(f"{name}.md")) or sorted(EXPECTED.glob(f"{name}.[0-9]*.md"))
    assert files, f"no expected article for {name}"
    return [(dict(fm.meta), fm.body.strip()) for fm in (parse(f.read_text(encoding="utf-8"), str(f)) for f in files)]


CLASSES = ["wire_glued_date_byline_credits.txt", "wire_arabic_city_agency_credits.txt",
           "scraper_other_field_names.json", "scraper_nested_shapes.jsonl", "arabic_agency_dateline_read_also.txt",
           "article_label_glued_to_sentence.txt", "arabic_label_glued_to_sentence.txt"]


@pytest.mark.parametrize("name", CLASSES)
def test_fixture_by_class(tmp_path, name):
    assert ingested(tmp_path, FIXTURES / name) == expected(name)


def test_scraper_fields_mapped_in_site_toml_and_an_unmapped_record_named(tmp_path):
    assert ingested(tmp_path, FIXTURES / "scraper_custom_fields.json", MAPPED) == [
        ({"title": "Mosul library reopens its manuscript room", "date": "2024-11-20T11:00:00+03:00",
          "source": "Nineveh Times"},
         "The central library in Mosul reopened its manuscript room on Wednesday after restoring the shelves and "
         "the climate control.\n\nResearchers can book a reading desk a week ahead."),
        "record has no 'body' (its fields: hed, ts, copy_text)"]


def test_without_the_mapping_the_records_are_rejected_naming_their_fields(tmp_path):
    results = ingest_paths([FIXTURES / "scraper_custom_fields.json"], inbox_site(tmp_path), CONFIG)
    assert [r.reason for r in results] == ["record has no 'title' (its fields: hed, ts, outlet, story)",
                                           "record has no 'title' and 'body' (its fields: hed, ts, copy_text)"]
    assert results[0].hint == 'name the field that holds it in site.toml: [ingest.fields] title = "<field>"'


def test_a_record_without_a_date_names_its_fields(tmp_path):
    path = write(tmp_path, "no-date.json", '{"headline": "Kirkuk fair opens", "story_time": "noon", '
                                            '"content": "The Kirkuk book fair opened on Sunday with 200 publishers."}')
    [result] = ingest_paths([path], inbox_site(tmp_path / "site"), CONFIG)
    assert result.reason == "no date found"
    assert "headline, story_time, content" in result.hint and "[ingest.fields] date" in result.hint


def test_explain_lists_wire_credits_and_arabic_furniture_in_their_own_words(tmp_path):
    paths = inbox_site(tmp_path)
    text = explain(FIXTURES / "wire_glued_date_byline_credits.txt", paths, CONFIG)
    assert '[relative time] "Updated 2 hours ago"' in text
    assert '[source marker] "MOSUL, Mar 3 (Tigris Wire) -"' in text
    assert '[credits] "Reporting by Hana Qadir in Mosul; Additional reporting by Omar Fahd in Ankara; ' in text
    assert '[standards] "Our Standards: The Tigris Wire Trust Principles."' in text
    text = explain(FIXTURES / "arabic_agency_dateline_read_also.txt", paths, CONFIG)
    assert '"واع - بغداد": taken as source, dateline' in text
    assert '[read more] "اقرأ أيضاً: الموارد المائية تحذر من انخفاض مناسيب الفرات"' in text
    assert '[follow us] "تابعونا على تلغرام لمتابعة آخر الأخبار"' in text
    assert '[share buttons] "شارك الخبر"' in text
    text = explain(FIXTURES / "scraper_nested_shapes.jsonl", paths, CONFIG)
    assert '[page furniture] "Related: Port fees cut for grain ships": <aside> element' in text
    assert '''[page furniture] "Advertisement": HTML element marked 'ad-slot\'''' in text


# --- the same classes in other wordings (written after the rules, not tuned on) ----------------------

def test_second_wording_of_wire_copy(tmp_path):
    path = write(tmp_path, "refinery.txt", """Basra refinery restarts its third unit
Written by: Leila Farouk
Fri, Jun 14, 20249:40 am GMT+03:00
Last updated: 35 mins ago
BASRA, Iraq, June 14 (Gulf Newswire) — The Basra refinery restarted its third distillation unit on Friday after a month of maintenance, the oil ministry said.
The unit processes about 70,000 barrels a day.
(Writing by Leila Farouk; edited by Ruth Ekstrom)
Read about our editorial standards and corrections policy.
""")
    assert ingested(tmp_path / "site", path) == [(
        {"title": "Basra refinery restarts its third unit", "date": "2024-06-14T09:40:00+03:00",
         "source": "Gulf Newswire", "author": "Leila Farouk", "dateline": "BASRA"},
        "The Basra refinery restarted its third distillation unit on Friday after a month of maintenance, the oil "
        "ministry said.\n\nThe unit processes about 70,000 barrels a day.")]


def test_second_wording_of_arabic_furniture(tmp_path):
    path = write(tmp_path, "basra.txt", """محافظة البصرة تفتتح محطة جديدة لتحلية المياه
2024-07-02 | 14:15 م
البصرة - السومرية نيوز
افتتحت محافظة البصرة، اليوم الثلاثاء، محطة جديدة لتحلية المياه في قضاء الفاو.
طالع أيضاً | انخفاض ملوحة شط العرب بعد إطلاقات مائية جديدة
وقال المحافظ إن المحطة ستخدم أكثر من مئة ألف نسمة.
انضموا إلى قناتنا على واتساب
شارك على: فيسبوك | تويتر | واتساب
منذ 3 ساعات
""")
    assert ingested(tmp_path / "site", path) == [(
        {"title": "محافظة البصرة تفتتح محطة جديدة لتحلية المياه", "date": "2024-07-02T14:15:00+03:00",
         "source": "السومرية نيوز", "dateline": "البصرة", "lang": "ar"},
        "افتتحت محافظة البصرة، اليوم الثلاثاء، محطة جديدة لتحلية المياه في قضاء الفاو.\n\n"
        "وقال المحافظ إن المحطة ستخدم أكثر من مئة ألف نسمة.")]


def test_second_wording_of_english_furniture(tmp_path):
    path = write(tmp_path, "erbil.txt", """Erbil opens a new bus terminal
2024-05-20T08:30:00+03:00
Erbil opened a new intercity bus terminal on Monday, moving departures out of the city centre.
Also read | Erbil ring road widening to finish in autumn
The terminal has forty bays and a waiting hall.Promoted Content
Get our app for breaking news alerts
Share this story: Facebook, X, Email
Filed under: Transport, Erbil
""")
    assert ingested(tmp_path / "site", path) == [(
        {"title": "Erbil opens a new bus terminal", "date": "2024-05-20T08:30:00+03:00"},
        "Erbil opened a new intercity bus terminal on Monday, moving departures out of the city centre.\n\n"
        "The terminal has forty bays and a waiting hall.")]


def test_second_wording_of_scraper_json(tmp_path):
    news_api = write(tmp_path, "feed.json", """{"status": "ok", "totalResults": 1, "articles": [
  {"source": {"id": null, "name": "Levant Ledger"}, "author": "Nour Haddad",
   "title": "Aleppo citadel reopens to visitors", "publishedAt": "2024-05-02T06:15:00Z",
   "url": "https://levant-ledger.example/aleppo-citadel",
   "content": "The citadel of Aleppo reopened to visitors on Thursday after repairs to its gate and bridge."}]}""")
    wordpress = write(tmp_path, "posts.json", """[{"date": "2024-05-03T09:00:00+03:00", "link": "https://tigris-notes.example/dam/",
  "title": {"rendered": "Mosul dam grouting work &#8211; phase two"},
  "content": {"rendered": "<p>Engineers began the second phase of grouting under the Mosul dam on Friday.</p><div class=\\"sharedaddy sd-sharing-enabled\\"><h3>Share this:</h3><ul><li>Facebook</li><li>X</li></ul></div><p>Sponsored</p><p>The work is expected to last eight months.</p>"}}]""")
    assert ingested(tmp_path / "a", news_api) == [(
        {"title": "Aleppo citadel reopens to visitors", "date": "2024-05-02T09:15:00+03:00", "source": "Levant Ledger",
         "url": "https://levant-ledger.example/aleppo-citadel", "author": "Nour Haddad"},
        "The citadel of Aleppo reopened to visitors on Thursday after repairs to its gate and bridge.")]
    assert ingested(tmp_path / "b", wordpress) == [(
        {"title": "Mosul dam grouting work – phase two", "date": "2024-05-03T09:00:00+03:00",
         "url": "https://tigris-notes.example/dam/"},
        "Engineers began the second phase of grouting under the Mosul dam on Friday.\n\n"
        "The work is expected to last eight months.")]


# --- a site's own furniture: content/boilerplate.toml -------------------------------------------------

SITE_RULES = """
[en.outlet_promotion]
why = "the outlet's promotion of its own services"
starts = ["Get Tigris Ledger alerts"]

[en.advertising]
labels = ["Brought to you by Basra Bank"]

[ar.outlet_promotion]
why = "the outlet's promotion of its own services"
starts = ["حمّل تطبيق دجلة"]
"""


def test_a_site_adds_its_sources_furniture_without_code(tmp_path):
    paths = inbox_site(tmp_path)
    (paths.content / "boilerplate.toml").write_text(SITE_RULES, encoding="utf-8")
    (paths.inbox / "story.txt").write_text("""Amara marshes fill after spring rains
2024-04-10 09:00 +03:00
Water levels in the marshes near Amara rose on Wednesday after a week of rain.Brought to you by Basra Bank
Get Tigris Ledger alerts on your phone
حمل تطبيق دجلة للأخبار العاجلة
Buffalo herders returned to islands they had left last summer.
Advertisement
""", encoding="utf-8")
    [result] = ingest_inbox(paths, CONFIG)
    body = parse(result.article.read_text(encoding="utf-8"), "x").body.strip()
    assert body == ("Water levels in the marshes near Amara rose on Wednesday after a week of rain.\n\n"
                    "Buffalo herders returned to islands they had left last summer.")
    text = explain(result.raw, paths, CONFIG)
    assert "[outlet promotion] \"Get Tigris Ledger alerts on your phone\": the outlet's promotion" in text
    assert "[advertising] \"Brought to you by Basra Bank\": advertising label (glued to a sentence)" in text
    assert "[advertising] \"Advertisement\"" in text  # the built-in labels of the rule stay


@pytest.mark.parametrize("rules, message, line", [
    ("[en.x]\nstarts = ['a']\n", "the new rule 'en.x' has no 'why'", 1),
    ("[en.x]\nwhy = 'y'\npatterns = ['(unclosed']\n", "'en.x.patterns': '(unclosed' is not a regular expression", 3),
    ("[en.advertising]\nlabels = 'Sponsored'\n", "'en.advertising.labels' must be a list of non-empty strings", 2),
    ("[en.advertising]\nlables = ['x']\n", "unknown key 'en.advertising.lables'", 2),
    ("[en\n", "not valid TOML", 1),
])
def test_a_wrong_site_rules_file_is_an_error_naming_key_and_line(tmp_path, rules, message, line):
    (tmp_path / "boilerplate.toml").write_text(rules, encoding="utf-8")
    with pytest.raises(NewsdigestError) as info:
        load_furniture(tmp_path)
    [problem] = info.value.problems
    assert problem.path == "content/boilerplate.toml" and message in problem.message and problem.line == line


def test_a_wrong_site_rules_file_leaves_the_inbox_waiting_and_the_build_goes_on(tmp_path):
    paths = inbox_site(tmp_path)
    (paths.content / "boilerplate.toml").write_text("[en.x]\nstarts = ['a']\n", encoding="utf-8")
    (paths.inbox / "story.txt").write_text("Title here\n2024-04-10 09:00 +03:00\nSome text of the story.\n",
                                           encoding="utf-8")
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "content/boilerplate.toml:1: error: the new rule 'en.x' has no 'why'" in proc.stderr
    assert (paths.inbox / "story.txt").exists()
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(tmp_path), "check"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "content/boilerplate.toml:1: error: the new rule 'en.x'" in proc.stderr


# --- the build and the inbox --------------------------------------------------------------------------

def test_build_prints_one_line_per_inbox_input_and_warns_of_dates_without_zone(tmp_path):
    paths = inbox_site(tmp_path)
    story = "Kirkuk fair opens\n2024-04-10 09:00\nThe Kirkuk book fair opened on Sunday with two hundred publishers.\n"
    (paths.inbox / "fair.txt").write_text(story, encoding="utf-8")
    (paths.inbox / ".gitkeep").write_text("", encoding="utf-8")
    run = [sys.executable, str(REPO / "build.py"), "--root", str(tmp_path)]
    proc = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "written content/articles/2024/04/kirkuk-fair-opens.md <- content/inbox/fair.txt"
    assert ("content/inbox/fair.txt:2: warning: date '2024-04-10 09:00' has no time zone: read as UTC time "
            "(site.toml timezone) (if the source is in another zone, add its offset to the date") in proc.stderr
    assert (paths.inbox / ".gitkeep").exists()  # hidden files in the inbox are not inputs

    (paths.inbox / "fair-again.txt").write_text(story, encoding="utf-8")
    proc = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert proc.stdout.splitlines()[0] == \
        "duplicate of content/articles/2024/04/kirkuk-fair-opens.md <- content/inbox/fair-again.txt"


def test_a_date_with_a_zone_or_in_unix_time_is_not_warned_about(tmp_path):
    results = ingest_paths([FIXTURES / "wire_glued_date_byline_credits.txt", FIXTURES / "scraper_other_field_names.json"],
                           inbox_site(tmp_path), CONFIG)
    assert [r.status for r in results] == ["written", "written"]
    assert [r.warnings for r in results] == [[], []]


def test_the_sample_site_inbox_exists_in_a_clone_and_its_placeholder_is_not_an_input():
    assert sorted(p.name for p in (REPO / "content/inbox").iterdir() if p.is_file()) == [".gitkeep"]
    from newsdigest.ingest import inbox_files
    assert inbox_files(Paths(REPO)) == []


# --- slugs of new articles -----------------------------------------------------------------------------

@pytest.mark.parametrize("title, slug", [
    ("Iraq's national security advisor receives an invitation to visit Brussels for NATO talks",
     "iraqs-national-security-advisor-receives-an-invitation-to-visit-brussels"),
    ("Ministers from Iraq, Syria and Turkey meet in Baghdad to discuss the drought and the future of the",
     "ministers-from-iraq-syria-and-turkey-meet-in-baghdad-to-discuss-the-drought"),
    ("وزير الموارد المائية يبحث مع نظيره التركي ملف المياه والإطلاقات المائية في نهري دجلة والفرات خلال",
     "wazir-al-mawarid-al-maiya-yabhath-ma-nazirah-al-taraki-malaf-al-mayah"),
    ("Iraq and Turkey open water talks", "iraq-and-turkey-open-water-talks"),
])
def test_new_slugs_do_not_end_on_a_function_word(title, slug):
    assert article_slug(title) == slug


def test_existing_articles_keep_their_slug(tmp_path):
    """A URL is a contract: an article already on disk is never renamed, whatever its slug."""
    paths = inbox_site(tmp_path)
    old = paths.articles / "2023" / "04" / "a-story-about-the.md"
    old.parent.mkdir(parents=True)
    old.write_text("---\nid: 5b0c3c16-6a0e-4a36-9d8f-4f6e2a6f0b11\ntitle: A story about the\n"
                   "date: 2023-04-04T10:00:00+03:00\n---\n\nText of the story as it was.\n", encoding="utf-8")
    drop = tmp_path / "story.txt"
    drop.write_text("A story about the\n2023-04-04 10:00 +03:00\nText of the story as it was.\n", encoding="utf-8")
    [result] = ingest_paths([drop], paths, CONFIG)
    assert format_result(result, paths.root).startswith("duplicate of content/articles/2023/04/a-story-about-the.md")
    assert old.exists()


def test_arabic_header_labels_and_a_wrapped_json_record(tmp_path):
    page = write(tmp_path, "nineveh.txt", """مجلس محافظة نينوى يقر موازنة العام المقبل
بقلم: هناء قادر
تاريخ النشر: 2024-12-01 09:00 +03:00
آخر تحديث: منذ 5 دقائق
نينوى - شفق نيوز
أقر مجلس محافظة نينوى يوم الأحد موازنة العام المقبل بعد جلسة استمرت ست ساعات.
""")
    assert ingested(tmp_path / "a", page) == [(
        {"title": "مجلس محافظة نينوى يقر موازنة العام المقبل", "date": "2024-12-01T09:00:00+03:00",
         "source": "شفق نيوز", "author": "هناء قادر", "dateline": "نينوى", "lang": "ar"},
        "أقر مجلس محافظة نينوى يوم الأحد موازنة العام المقبل بعد جلسة استمرت ست ساعات.")]
    wrapped = write(tmp_path, "wrapped.jsonl", '{"article": {"headline": "Wrapped record", "datePublished": '
                                               '"2024-01-02T10:00:00Z", "articleBody": "A record in an object."}}\n')
    assert ingested(tmp_path / "b", wrapped) == [
        ({"title": "Wrapped record", "date": "2024-01-02T13:00:00+03:00"}, "A record in an object.")]


@pytest.mark.parametrize("prose", [
    "Our standards of living have fallen, the minister said.",
    "Reporting by the agency suggested that the talks had stalled.",
    "Research by Baghdad University shows the river has lost a third of its flow.",
    "Two hours ago the gates were opened, an engineer said.",
    "Share prices rose. Share The ministry said nothing",
    "تحرير الموصل من داعش (2017)",
    "انضموا إلى المحتجين في الساحة، قال أحد المتظاهرين.",
    "معاييرنا في التعليم تراجعت كثيرا بحسب الوزير.",
    "وقال المتحدث إن الإعلان عن الخطة سيكون الأسبوع المقبل.",
])
def test_prose_in_either_language_is_kept(prose):
    from newsdigest.ingest.clean import clean_body
    cleaned = clean_body(prose)
    assert cleaned.removals == () and " ".join(cleaned.text.split()) == " ".join(prose.split())

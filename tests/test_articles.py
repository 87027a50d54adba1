"""newsdigest.articles: article files (front matter + Markdown) to Article dataclasses."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsdigest.articles import load_article
from newsdigest.cached import load_articles
from newsdigest.config import parse_config

ARTICLES = "content/articles"

VALID_ARTICLE = """\
---
id: 44124f96-0ea7-4be4-9bab-0b3b3dc362be
title: "NATO Advisers Host Cybersecurity Workshop in Baghdad"
date: 2024-03-21T09:00:00+03:00
source: Tigris Wire
url: https://example.com/tigris-wire/2024/03/nato-cyber-workshop
author: Rasha Daoud
topics: [Cybersecurity, Security]
actors: [Henrik Aalto, NATO, Iraq]
---
Around forty technicians from Iraqi ministries gathered in **Baghdad** this week.

Henrik Aalto said the sessions were built around realistic exercises.
"""

ARTICLE_MISSING_TITLE = """\
---
id: no-title
date: 2024-03-21T09:00:00+03:00
---
Body.
"""

ARTICLE_MISSING_DATE = """\
---
id: no-date
title: Undated
---
Body.
"""

ARTICLE_BAD_DATE = """\
---
id: bad-date
title: Bad date
source: Tigris Wire
date: 21/03/2024
---
Body.
"""

ARTICLE_DATE_WITHOUT_OFFSET = """\
---
id: naive
title: Naive date
date: 2024-08-31T23:30:00
---
Body.
"""

ARTICLE_UNKNOWN_FIELD = """\
---
id: unknown-field
title: Unknown field
date: 2024-03-21T09:00:00+03:00
colour: blue
---
Body.
"""

ARTICLE_TOPICS_AS_ONE_STRING = """\
---
id: one-topic
title: One topic
date: 2024-03-21T09:00:00+03:00
topics: Security
---
Body.
"""

ARTICLE_ARABIC = """\
---
id: arabic-1
title: قاسم الأعرجي يزور أنقرة
date: 2024-05-02T10:00:00+03:00
lang: ar
summary: زيارة رسمية.
---
وصل مستشار الأمن القومي إلى أنقرة.
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (relative path -> text or bytes) under root; returns root."""
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def article_text(id: str, date: str, title: str = "A title") -> str:
    return f"---\nid: {id}\ntitle: {title}\ndate: {date}\n---\nBody of {id}.\n"


@pytest.fixture
def config():
    config, _ = parse_config('base_url = "https://example.org/digest/"\ntimezone = "Asia/Baghdad"\n')
    return config


def load_one(tmp_path: Path, text: str | bytes, config, name: str = "2024/03/article.md"):
    write_tree(tmp_path, {f"{ARTICLES}/{name}": text})
    return load_article(tmp_path / ARTICLES / name, tmp_path, config)


def errors(problems):
    return [p for p in problems if p.level == "error"]


def warnings(problems):
    return [p for p in problems if p.level == "warning"]


# --- load_article --------------------------------------------------------------------------

def test_valid_article(tmp_path, config):
    article, problems = load_one(tmp_path, VALID_ARTICLE, config, "2024/03/nato-cyber-workshop.md")
    assert problems == []
    assert article.id == "44124f96-0ea7-4be4-9bab-0b3b3dc362be"
    assert article.title == "NATO Advisers Host Cybersecurity Workshop in Baghdad"
    assert article.date == datetime(2024, 3, 21, 9, 0, tzinfo=timezone(timedelta(hours=3)))
    assert article.date.utcoffset() == timedelta(hours=3)
    assert article.slug == "nato-cyber-workshop"
    assert article.url_path == "articles/2024/03/nato-cyber-workshop/"
    assert article.path == "content/articles/2024/03/nato-cyber-workshop.md"
    assert article.source == "Tigris Wire"
    assert article.topics == ("Cybersecurity", "Security")
    assert article.actors == ("Henrik Aalto", "NATO", "Iraq")
    assert article.lang == "en" and article.dir == "ltr"
    assert "<strong>Baghdad</strong>" in article.body_html
    assert article.content_hash


def test_summary_defaults_to_the_lede(tmp_path, config):
    article, _ = load_one(tmp_path, VALID_ARTICLE, config)
    assert article.summary == "Around forty technicians from Iraqi ministries gathered in Baghdad this week."


def test_summary_from_front_matter_wins_and_arabic_is_rtl(tmp_path, config):
    article, problems = load_one(tmp_path, ARTICLE_ARABIC, config)
    assert problems == []
    assert article.summary == "زيارة رسمية."
    assert article.title == "قاسم الأعرجي يزور أنقرة"
    assert article.lang == "ar" and article.dir == "rtl"


def test_url_path_uses_a_slug_of_the_file_name(tmp_path, config):
    article, _ = load_one(tmp_path, VALID_ARTICLE, config, "2024/Zoë Lefèvre Interview.md")
    assert article.url_path == "articles/2024/03/zoe-lefevre-interview/"


@pytest.mark.parametrize("text, field", [(ARTICLE_MISSING_TITLE, "title"), (ARTICLE_MISSING_DATE, "date")])
def test_missing_required_field_names_the_file_the_field_and_what_to_add(tmp_path, config, text, field):
    article, problems = load_one(tmp_path, text, config, "2024/03/incomplete.md")
    assert article is None
    (problem,) = errors(problems)
    assert problem.path == "content/articles/2024/03/incomplete.md"
    assert f"'{field}'" in problem.message
    assert "add a line" in problem.hint
    assert f"{field}: " in problem.hint


def test_empty_title_is_missing(tmp_path, config):
    article, problems = load_one(tmp_path, "---\ntitle:\ndate: 2024-01-01T00:00:00Z\n---\nx\n", config)
    assert article is None
    assert "'title'" in errors(problems)[0].message


def test_bad_date_names_the_line_of_the_date_field(tmp_path, config):
    article, problems = load_one(tmp_path, ARTICLE_BAD_DATE, config, "2024/03/bad-date.md")
    assert article is None
    (problem,) = errors(problems)
    assert problem.line == 5
    assert "'date'" in problem.message
    assert "ISO 8601" in problem.message
    assert str(problem).startswith("content/articles/2024/03/bad-date.md:5: error:")


def test_date_without_offset_takes_the_site_timezone_with_a_warning(tmp_path, config):
    article, problems = load_one(tmp_path, ARTICLE_DATE_WITHOUT_OFFSET, config)
    assert article is not None
    assert article.date.tzinfo == ZoneInfo("Asia/Baghdad")
    assert article.date.utcoffset() == timedelta(hours=3)
    assert article.date == datetime(2024, 8, 31, 20, 30, tzinfo=timezone.utc)
    (warning,) = warnings(problems)
    assert warning.line == 4
    assert "'date'" in warning.message and "Asia/Baghdad" in warning.message


def test_date_only_is_midnight_in_the_site_timezone(tmp_path, config):
    article, _ = load_one(tmp_path, "---\nid: d\ntitle: T\ndate: 2024-08-27\n---\nx\n", config)
    assert article.date == datetime(2024, 8, 27, tzinfo=ZoneInfo("Asia/Baghdad"))


def test_unknown_field_is_a_warning_and_the_article_is_kept(tmp_path, config):
    article, problems = load_one(tmp_path, ARTICLE_UNKNOWN_FIELD, config)
    assert article is not None
    (warning,) = problems
    assert warning.level == "warning"
    assert "'colour'" in warning.message
    assert warning.line == 5


def test_topics_as_a_single_string_are_accepted(tmp_path, config):
    article, problems = load_one(tmp_path, ARTICLE_TOPICS_AS_ONE_STRING, config)
    assert problems == []
    assert article.topics == ("Security",)


def test_duplicate_topics_within_an_article_are_dropped(tmp_path, config):
    text = "---\nid: t\ntitle: T\ndate: 2024-01-01T00:00:00Z\ntopics: [Oil, oil,  Oil , Gas]\n---\nx\n"
    article, _ = load_one(tmp_path, text, config)
    assert article.topics == ("Oil", "Gas")


def test_lang_no_stays_a_language_tag(tmp_path, config):
    text = "---\nid: n\ntitle: Norsk\ndate: 2024-01-01T00:00:00Z\nlang: no\n---\nx\n"
    article, problems = load_one(tmp_path, text, config)
    assert problems == []
    assert article.lang == "no"


def test_not_utf8_file_is_an_error(tmp_path, config):
    text = "---\nid: latin\ntitle: Caf\u00e9\ndate: 2024-01-01T00:00:00Z\n---\nx\n".encode("latin-1")
    article, problems = load_one(tmp_path, text, config, "2024/latin.md")
    assert article is None
    (problem,) = problems
    assert problem.path == "content/articles/2024/latin.md"
    assert "UTF-8" in problem.message
    assert problem.line == 3


def test_missing_id_gets_a_stable_one_with_a_warning(tmp_path, config):
    text = "---\ntitle: T\ndate: 2024-01-01T00:00:00Z\n---\nx\n"
    first, problems = load_one(tmp_path, text, config)
    second, _ = load_one(tmp_path, text, config)
    assert first.id == second.id
    assert "'id'" in warnings(problems)[0].message


# --- load_articles -------------------------------------------------------------------------

def load_all(root: Path, config):
    return load_articles(root, root / ARTICLES, config)


def test_files_are_read_and_parsed_a_batch_at_a_time_with_the_same_result(tmp_path, config, monkeypatch):
    """A load reads LOAD_BATCH files, parses those the cache lacks, and lets their bytes go
    before reading more: cold, with a file touched (found in the cache by its bytes) and one
    edited, it loads what a load in one batch, and one with no cache, load."""
    import os
    from newsdigest import cached
    from newsdigest.cache import Cache
    files = {f"{ARTICLES}/2024/0{n % 9 + 1}/a{n}.md": article_text(f"id-{n}", f"2024-0{n % 9 + 1}-0{n % 7 + 1}T10:00:00+03:00")
             for n in range(7)}
    files[f"{ARTICLES}/2024/03/bad.md"] = ARTICLE_BAD_DATE
    write_tree(tmp_path, files)

    parsed: list[int] = []   # files handed to each parse
    real_parse = cached.parse_all

    def parse_all(inputs, *args, **kwargs):
        parsed.append(len(inputs))
        return real_parse(inputs, *args, **kwargs)
    monkeypatch.setattr(cached, "parse_all", parse_all)

    def load(batch: int, cache: Cache) -> tuple:
        monkeypatch.setattr(cached, "LOAD_BATCH", batch)
        articles, problems = load_articles(tmp_path, tmp_path / ARTICLES, config, cache)
        return [(a.id, a.path, a.title, a.date, a.body_html) for a in articles], sorted(str(p) for p in problems)

    cache = Cache(tmp_path / "cache.sqlite")
    cold = load(2, cache)
    assert sum(parsed) == 8 and max(parsed) == 2, parsed   # every file parsed once, two at a time
    assert cold == load(1000, Cache(None))
    touched = tmp_path / f"{ARTICLES}/2024/02/a1.md"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    (tmp_path / f"{ARTICLES}/2024/03/a2.md").write_text(article_text("id-2", "2024-03-03T10:00:00+03:00")
                                                        .replace("Body", "Edited body"))
    once = load(2, cache)
    assert once == load(1000, Cache(None))
    assert any(body.startswith("<p>Edited body") for *_, body in once[0]), once


def test_one_bad_article_is_skipped_and_the_others_are_loaded(tmp_path, config):
    write_tree(tmp_path, {
        f"{ARTICLES}/2024/03/good-one.md": article_text("good-1", "2024-03-01T10:00:00+03:00"),
        f"{ARTICLES}/2024/03/bad.md": ARTICLE_BAD_DATE,
        f"{ARTICLES}/2024/04/good-two.md": article_text("good-2", "2024-04-01T10:00:00+03:00"),
    })
    articles, problems = load_all(tmp_path, config)
    assert [a.id for a in articles] == ["good-2", "good-1"]
    (problem,) = errors(problems)
    assert problem.path == "content/articles/2024/03/bad.md"


def test_two_files_with_the_same_url_are_an_error_naming_both(tmp_path, config):
    write_tree(tmp_path, {
        f"{ARTICLES}/b-desk/talks.md": article_text("from-b", "2024-08-10T10:00:00+03:00"),
        f"{ARTICLES}/a-desk/talks.md": article_text("from-a", "2024-08-20T10:00:00+03:00"),
    })
    articles, problems = load_all(tmp_path, config)
    assert [a.id for a in articles] == ["from-a"]              # first in path order is kept
    (problem,) = errors(problems)
    text = str(problem)
    assert "content/articles/a-desk/talks.md" in text
    assert "content/articles/b-desk/talks.md" in text
    assert "articles/2024/08/talks/" in text


def test_same_file_name_in_different_months_is_fine(tmp_path, config):
    write_tree(tmp_path, {
        f"{ARTICLES}/a/talks.md": article_text("july", "2024-07-10T10:00:00+03:00"),
        f"{ARTICLES}/b/talks.md": article_text("august", "2024-08-10T10:00:00+03:00"),
    })
    articles, problems = load_all(tmp_path, config)
    assert errors(problems) == []
    assert {a.url_path for a in articles} == {"articles/2024/07/talks/", "articles/2024/08/talks/"}


def test_duplicate_ids_are_an_error_naming_both(tmp_path, config):
    write_tree(tmp_path, {
        f"{ARTICLES}/2024/first.md": article_text("same-id", "2024-03-01T10:00:00+03:00"),
        f"{ARTICLES}/2024/second.md": article_text("same-id", "2024-04-01T10:00:00+03:00"),
    })
    articles, problems = load_all(tmp_path, config)
    assert [a.path for a in articles] == ["content/articles/2024/first.md"]
    (problem,) = errors(problems)
    text = str(problem)
    assert "content/articles/2024/first.md" in text and "content/articles/2024/second.md" in text
    assert "same-id" in text


def test_articles_are_newest_first_with_ties_broken_by_id(tmp_path, config):
    write_tree(tmp_path, {
        f"{ARTICLES}/1.md": article_text("old", "2024-01-01T10:00:00+03:00"),
        f"{ARTICLES}/2.md": article_text("tie-b", "2024-06-01T10:00:00+03:00"),
        f"{ARTICLES}/3.md": article_text("tie-a", "2024-06-01T07:00:00+00:00"),  # the same instant
        f"{ARTICLES}/4.md": article_text("new", "2024-09-01T10:00:00+03:00"),
        f"{ARTICLES}/5.md": article_text("tie-c", "2024-06-01T10:00:00+03:00"),
    })
    articles, problems = load_all(tmp_path, config)
    assert errors(problems) == []
    assert [a.id for a in articles] == ["new", "tie-a", "tie-b", "tie-c", "old"]


def test_order_is_by_instant_not_by_local_clock_time(tmp_path, config):
    write_tree(tmp_path, {
        f"{ARTICLES}/east.md": article_text("east", "2024-06-01T12:00:00+05:00"),   # 07:00 UTC
        f"{ARTICLES}/west.md": article_text("west", "2024-06-01T08:00:00-01:00"),   # 09:00 UTC
    })
    articles, _ = load_all(tmp_path, config)
    assert [a.id for a in articles] == ["west", "east"]


def test_hidden_and_non_markdown_files_are_ignored(tmp_path, config):
    write_tree(tmp_path, {
        f"{ARTICLES}/real.md": article_text("real", "2024-01-01T10:00:00+03:00"),
        f"{ARTICLES}/.draft.md": article_text("hidden", "2024-01-01T10:00:00+03:00"),
        f"{ARTICLES}/notes.txt": "not an article",
    })
    articles, problems = load_all(tmp_path, config)
    assert [a.id for a in articles] == ["real"]
    assert problems == []


def test_no_articles_folder_gives_no_articles(tmp_path, config):
    assert load_all(tmp_path, config) == ([], [])

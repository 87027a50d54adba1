"""Inputs for the reliability tests, generated at test time (nothing large is committed):
a bad-input corpus, and good scraped files in bulk (wire_story) for the fault, watch and load
tests; and record_figures(), where those tests leave their figures for docs/reliability.md.

Every case is one file (or one record of a JSON Lines file) with what the build must do with
it: publish it (a good article, or an odd one that is still an article) or report it once,
naming its path and the reason. Some cases go to content/inbox (the ingest path), some straight
to content/articles (the loader path), as an editor or a scraper would put them there.

    cases = bad_input_corpus()          # list[Case], deterministic
    write_corpus(root, cases)           # the files, under root; returns nothing

The corpus is the same on every run: no randomness without a fixed seed, no clock.
"""
from __future__ import annotations

import codecs
import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

SITE_TOML = ('title = "Bad input digest"\nbase_url = "https://example.org/bad/"\n'
             'timezone = "Asia/Baghdad"\nitems_per_page = 10\nfeed_size = 10\n')

PUBLISHED = "published"   # an article page with this title is built, exactly once
REPORTED = "reported"     # one error line names the file (and the record's line) and the reason
IGNORED = "ignored"       # not read at all (hidden files): no report, no article

WORDS = ("ministry council port river talks budget bridge farmers oil grid canal harvest tariff "
         "reservoir pipeline refinery customs railway clinic school drought subsidy convoy patrol "
         "election turnout ballot census audit permit licence quarry dam turbine wheat barley").split()


@dataclass(frozen=True)
class Case:
    name: str                          # short id, used in test ids and messages
    rel: str                           # where the file goes, relative to the site root
    data: bytes | Callable[[], bytes]  # the bytes, or a function making them (for the big one)
    expect: str                        # PUBLISHED, REPORTED or IGNORED
    reason: str = ""                   # REPORTED: a fragment of the report line
    title: str = ""                    # PUBLISHED: the page's headline
    line: int | None = None            # REPORTED: the record's line in the file (JSON Lines)
    reports: int = 1                   # REPORTED: error lines (one per distinct problem)
    warning: str = ""                  # PUBLISHED: a fragment of the one warning it may get
    bug: str = ""                      # a known bug makes the build get this case wrong (see the test)

    def content(self) -> bytes:
        return self.data() if callable(self.data) else self.data

    def names(self, report_line: str) -> bool:
        """Is this report line about this case (its file, and its record's line if it has one)?"""
        prefix = f"{self.rel}:{self.line}:" if self.line else f"{self.rel}:"
        return report_line.startswith(prefix)


def _body(seed: int, sentences: int = 6) -> str:
    """Distinct article text: seeded sentences of 8-14 words, one paragraph per two sentences."""
    rng = random.Random(seed)
    out = []
    for n in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 14))]
        out.append(f"Officials in district {seed}-{n} said the " + " ".join(words) + " plan was reviewed.")
    return "\n\n".join(" ".join(out[i:i + 2]) for i in range(0, len(out), 2))


def _md(meta_lines: list[str], body: str) -> bytes:
    return ("---\n" + "\n".join(meta_lines) + "\n---\n\n" + body + "\n").encode("utf-8")


def _article(title: str, date: str, seed: int, *extra: str, id_: str | None = None) -> bytes:
    """A valid article for content/articles, with YAML-safe quoting of the title."""
    lines = [f"id: {id_ or f'bad-input-{seed:04d}'}", f"title: {json.dumps(title, ensure_ascii=False)}",
             f"date: {date}", *extra]
    return _md(lines, _body(seed))


def _scraped(title: str, date: str, seed: int) -> bytes:
    return f"{title}\n{date}\n\n{_body(seed)}\n".encode("utf-8")


@lru_cache(maxsize=1)
def _huge_text() -> bytes:
    """A 50 MB scraped text file: a title, a date, then numbered sentences (no repeats)."""
    rng = random.Random(50)
    head = b"A fifty megabyte scrape of one page\n2024-03-01 10:00\n\n"
    parts, size, n = [head], len(head), 0
    target = 50 * 1024 * 1024
    while size < target:
        line = (f"Sentence {n} says the " + " ".join(rng.choice(WORDS) for _ in range(12)) + " went ahead.\n").encode()
        parts.append(line)
        size += len(line)
        n += 1
    return b"".join(parts)[:target]


@lru_cache(maxsize=1)
def _deep_html(depth: int = 10_000) -> bytes:
    text = "<p>" + _body(900).replace("\n\n", "</p><p>") + "</p>"
    return ("<!doctype html><html><head><title>Nested ten thousand deep</title>"
            '<meta property="article:published_time" content="2024-03-02T10:00:00+03:00"></head><body>'
            + "<div>" * depth + text + "</div>" * depth + "</body></html>").encode()


@lru_cache(maxsize=1)
def _deep_json(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


ARABIC_BODY = ("أعلنت السلطات يوم الاثنين إعادة فتح المعبر الحدودي بعد أعمال صيانة استمرت شهرا كاملا. "
               "وقال المسؤولون إن حركة الشاحنات عادت إلى طبيعتها وإن الجمارك ستعمل على مدار الساعة.")
ARABIC_BODY_2 = ("قال مجلس المحافظة إن العمل في الجسر الجديد سيبدأ الشهر المقبل بتمويل من الموازنة. "
                 "وأضاف أن المشروع يوفر مئات فرص العمل للشباب في المدينة.")
INBOX = "content/inbox/"
ARTICLES = "content/articles/2024/03/"
DATE = "2024-03-05T09:00:00+03:00"


def good_cases() -> list[Case]:
    """Ten good articles: five ingested from the inbox, five already in content/articles."""
    return [
        Case("good-txt", INBOX + "good-scrape.txt", _scraped("Canal repairs finish early in Basra", "2024-03-01 09:30", 1),
             PUBLISHED, title="Canal repairs finish early in Basra"),
        Case("good-html", INBOX + "good-page.html",
             ("<!doctype html><html><head><title>Grid operator adds evening capacity</title>"
              '<meta property="article:published_time" content="2024-03-02T08:00:00+03:00"></head>'
              "<body><article><h1>Grid operator adds evening capacity</h1><p>"
              + _body(2).replace("\n\n", "</p><p>") + "</p></article></body></html>").encode(),
             PUBLISHED, title="Grid operator adds evening capacity"),
        Case("good-json", INBOX + "good-record.json",
             json.dumps({"title": "Wheat harvest estimate raised", "published_at": "2024-03-03T11:00:00+03:00",
                         "source": "Tigris Wire", "text": _body(3)}).encode(),
             PUBLISHED, title="Wheat harvest estimate raised"),
        Case("good-md-inbox", INBOX + "good-markdown.md",
             _md(['title: "Customs office opens at the northern crossing"', "date: 2024-03-04T12:00:00+03:00",
                  "topics: [Trade]"], _body(4)),
             PUBLISHED, title="Customs office opens at the northern crossing"),
        Case("good-unicode-name", INBOX + "خبر جديد – Zoë's notes (copy 1).txt",
             _scraped("Clinic hours extended in Mosul", "2024-03-06 10:00", 5),
             PUBLISHED, title="Clinic hours extended in Mosul"),
        Case("good-md-1", ARTICLES + "railway-survey-begins.md",
             _article("Railway survey begins south of the capital", DATE, 6, "topics: [Transport]"),
             PUBLISHED, title="Railway survey begins south of the capital"),
        Case("good-md-2", ARTICLES + "dam-inspection-report.md",
             _article("Dam inspection report published", "2024-03-07T10:00:00+03:00", 7, "actors: [Iraq]"),
             PUBLISHED, title="Dam inspection report published"),
        Case("good-md-bom", ARTICLES + "with-byte-order-mark.md",
             codecs.BOM_UTF8 + _article("Turbine parts arrive at the port", "2024-03-08T10:00:00+03:00", 8),
             PUBLISHED, title="Turbine parts arrive at the port"),
        Case("good-md-crlf", ARTICLES + "windows-line-endings.md",
             _article("School census counts more pupils", "2024-03-09T10:00:00+03:00", 9).replace(b"\n", b"\r\n"),
             PUBLISHED, title="School census counts more pupils"),
        Case("good-md-unicode-name", ARTICLES + "زيارة وزير – Zoë visit.md",
             _article("Minister visits the refinery", "2024-03-10T10:00:00+03:00", 10),
             PUBLISHED, title="Minister visits the refinery"),
    ]


def odd_but_publishable_cases() -> list[Case]:
    """Not what the editor meant, but still an article: published (maybe with a warning)."""
    return [
        Case("topics-number", ARTICLES + "topics-as-a-number.md",
             _article("Budget vote postponed again", "2024-03-11T10:00:00+03:00", 11, "topics: 42"),
             PUBLISHED, title="Budget vote postponed again"),
        Case("nul-in-title", ARTICLES + "nul-in-title.md",
             _article("Audit\x00 finds missing permits", "2024-03-12T10:00:00+03:00", 12),
             PUBLISHED, title="Audit finds missing permits"),
        Case("deep-html-in-markdown", ARTICLES + "deep-html-in-body.md",
             _md(["id: bad-input-0013", 'title: "Quarry licence renewed"', "date: 2024-03-13T10:00:00+03:00"],
                 "<div>" * 10_000 + _body(13) + "</div>" * 10_000),
             PUBLISHED, title="Quarry licence renewed"),
        Case("no-id", ARTICLES + "no-id-field.md",
             _md(['title: "Convoy reaches the border post"', "date: 2024-03-14T10:00:00+03:00"], _body(14)),
             PUBLISHED, title="Convoy reaches the border post", warning="has no 'id'"),
        Case("date-1900", ARTICLES + "date-in-1900.md",
             _article("Archive photo of the 1900 flood", "1900-06-01T10:00:00+03:00", 15),
             PUBLISHED, title="Archive photo of the 1900 flood"),
        Case("control-characters", INBOX + "control-characters.txt",
             _scraped("Subsidy payments resume", "2024-03-15 10:00", 16).replace(b" plan ", b" plan\x07\x1b "),
             PUBLISHED, title="Subsidy payments resume"),
        Case("utf16-bom", INBOX + "utf16-with-bom.txt",
             codecs.BOM_UTF16_LE + _scraped("Ballot papers printed", "2024-03-21 10:00", 20).decode().encode("utf-16-le"),
             PUBLISHED, title="Ballot papers printed"),
        Case("cp1256", INBOX + "windows-1256.txt",
             "افتتاح معبر حدودي جديد في الشمال\n2024-03-22 10:00\n\n".encode("cp1256") + ARABIC_BODY_2.encode("cp1256"),
             PUBLISHED, title="افتتاح معبر حدودي جديد في الشمال"),
        Case("truncated-multibyte-txt", INBOX + "truncated-multibyte.txt",
             ("إعادة فتح المعبر الحدودي\n2024-03-23 10:00\n\n" + ARABIC_BODY.rstrip(".")).encode()[:-1],
             PUBLISHED, title="إعادة فتح المعبر الحدودي"),
        Case("json-lone-surrogate", INBOX + "lone-surrogate.json",
             b'{"title": "Lone \\ud800 surrogate", "date": "2024-03-24T10:00:00+03:00", "text": "'
             + _body(21).replace("\n\n", " ").encode() + b' A lone \\udc00 here."}',
             PUBLISHED, title="Lone \ufffd surrogate"),
        Case("yaml-lone-surrogate", INBOX + "lone-surrogate.md",
             _md(['title: "Surrogate \\ud83d in YAML"', "date: 2024-03-25T10:00:00+03:00", 'topics: ["\\udc00x"]'],
                 _body(22)),
             PUBLISHED, title="Surrogate \ufffd in YAML"),
        Case("json-lang-junk", INBOX + "language-zero.json",
             json.dumps({"title": "Tariff talks stall", "date": "2024-03-26T10:00:00+03:00", "language": "0",
                         "text": _body(23)}).encode(),
             PUBLISHED, title="Tariff talks stall"),  # the junk language is dropped, not the article
        Case("duplicate-text", INBOX + "same-story-again.txt",
             _scraped("Canal repairs finish early in Basra", "2024-03-01 09:30", 1),
             IGNORED),  # a duplicate of good-txt: filed under raw/duplicates, not an error, no second article
        Case("hidden", INBOX + ".editor-swap.txt", _scraped("Hidden draft", "2024-03-01 09:30", 17), IGNORED),
    ]


BROKEN_JSONL = b'{"title": "x",\n{{{\n'


def inbox_bad_cases() -> list[Case]:
    def c(name, file, data, reason, line=None):
        return Case(name, INBOX + file, data, REPORTED, reason=reason, line=line)

    u8 = "Bridge tender cancelled\n2024-03-01 10:00\n\nThe tender for the bridge was cancelled on Monday.\n"
    return [
        c("empty", "empty.txt", b"", "empty file"),
        c("blank", "only-spaces.txt", b"  \n\n\t \r\n", "empty file"),
        c("png-as-txt", "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not a text file"),
        c("png", "photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "unsupported file type"),
        c("zip-as-html", "page.html", b"PK\x03\x04" + bytes(range(256)) * 4, "not a text file"),
        c("docx", "report.docx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "unsupported file type"),
        c("elf-as-txt", "program.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(400), "not a text file"),
        c("gzip-as-json", "dump.json", b"\x1f\x8b\x08\x00" + bytes(100), "not a text file"),
        c("nul-bytes", "nul-bytes.txt", u8.encode().replace(b"Monday", b"Mon\x00day"), "not a text file"),
        c("utf16-no-bom", "utf16-no-bom.txt", u8.encode("utf-16-le"), "not a text file"),
        c("huge-50mb", "huge-50mb.txt", _huge_text, "too large"),
        c("deep-html", "nested-10000.html", _deep_html, "no article text"),
        c("html-no-body", "head-only.html",
          b"<html><head><title>Only a head</title><meta charset=utf-8></head></html>", "no article text"),
        c("html-scripts-only", "scripts-only.html",
          b"<html><body><script>var a = 1;</script><nav>Home | News | Sport</nav></body></html>", "no article text"),
        c("boilerplate-only", "boilerplate-only.txt",
          ("Ad-only page\n2024-03-01 10:00\n\nAdvertisement\nShare on Facebook | Twitter\n+A -A\n"
           "Read more: another story\nFollow us on Telegram\n© 2024 All rights reserved.\n").encode(),
          "no article text"),
        c("header-only", "header-only.txt", b"Title without a body\n2024-03-01 10:00\n", "no article text"),
        c("no-date", "no-date.txt", b"A story without a date\n\nThe story goes on without a date line at all.\n",
          "no date"),
        c("bad-date", "impossible-date.txt",
          b"A story on a day that does not exist\n2024-02-31 10:00\n\nThe text of the story is here.\n",
          "date"),
        c("year-0001", "year-0001.txt", b"Year one story\n0001-01-01 10:00\n\nThe text of the story is here.\n",
          "date"),
        c("year-0001-zone", "year-0001-zone.json",
          json.dumps({"title": "Year one with a zone", "date": "0001-01-01T00:00:00+05:00",
                      "text": "The text of the story is here."}).encode(), "date"),
        c("year-10000", "year-10000.txt", b"Far future story\n10000-01-01 10:00\n\nThe text of the story is here.\n",
          "date"),
        c("year-9999-zone", "year-9999-zone.json",
          json.dumps({"title": "Year 9999 with a zone", "date": "9999-12-31T23:00:00-05:00",
                      "text": "The text of the story is here."}).encode(), "date"),
        c("year-1899", "year-1899.txt", b"Old story\n1899-12-31 10:00\n\nThe text of the story is here.\n", "date"),
        c("long-first-line", "no-title.txt", ("word " * 100 + "\n2024-03-01\n\nBody text here.\n").encode(),
          "no title"),
        c("md-bad-yaml", "bad-yaml.md", b'---\ntitle: "unclosed\ndate: 2024-03-01\n---\n\nBody.\n', "YAML"),
        c("md-no-front-matter", "plain.md", b"# Just a heading\n\nAnd a paragraph.\n", "front matter"),
        c("md-topics-mapping-inbox", "topics-mapping.md",
          _md(['title: "Topics as a mapping"', "date: 2024-03-01T10:00:00+03:00", "topics: {a: b}"], _body(40)),
          "'topics'"),
        c("md-no-body", "md-no-body.md", b'---\ntitle: "Nothing below"\ndate: 2024-03-01T10:00:00+03:00\n---\n',
          "no text"),
        c("json-truncated", "truncated.json", b'{"title": "Cut off", "date": "2024-03-01", "text": "The text wa',
          "invalid JSON"),
        c("json-not-object", "number.json", b"42\n", "not a JSON object"),
        c("json-empty-list", "empty-list.json", b"[]", "no records"),
        c("json-deep", "deep.json", _deep_json, "JSON"),
        c("json-no-title", "no-title.json", json.dumps({"text": "Some text", "date": "2024-03-01"}).encode(),
          "no 'title'"),
        c("json-title-list", "title-list.json",
          json.dumps({"title": [], "date": "2024-03-01", "text": "The text of the story is here."}).encode(),
          "no 'title'"),
        c("json-date-mapping", "date-mapping.json",
          json.dumps({"title": "Date as a mapping", "date": {"y": 2024}, "text": "The text of the story."}).encode(),
          "date"),
        c("jsonl-broken-line-1", "broken.jsonl", BROKEN_JSONL, "invalid JSON", line=1),
        c("jsonl-broken-line-2", "broken.jsonl", BROKEN_JSONL, "invalid JSON", line=2),
        c("truncated-utf8", "truncated-multibyte.json",
          '{"title": "Truncated مرحبا", "date": "2024-03-01", "text": "نص الخبر'.encode()[:-1], "JSON"),
    ]


def jsonl_mixed_case() -> list[Case]:
    """One JSON Lines file: two good records, then a broken line, a record without text, a
    record that is not an object. The good ones are published; each bad line is reported once."""
    rel = INBOX + "scraper-run.jsonl"
    lines = [
        json.dumps({"headline": "Reservoir levels rise after rain", "publishedAt": "2024-03-16T10:00:00+03:00",
                    "body": _body(18)}),
        json.dumps({"title": "Pipeline contract signed", "date": "2024-03-17 10:00", "content": _body(19)}),
        '{"title": "Broken record", "date": ',
        json.dumps({"title": "Record without text", "date": "2024-03-18"}),
        '["not", "an", "object"]',
    ]
    data = ("\n".join(lines) + "\n").encode()
    return [
        Case("jsonl-good-1", rel, data, PUBLISHED, title="Reservoir levels rise after rain"),
        Case("jsonl-good-2", rel, data, PUBLISHED, title="Pipeline contract signed"),
        Case("jsonl-line-3", rel, data, REPORTED, reason="invalid JSON", line=3),
        Case("jsonl-line-4", rel, data, REPORTED, reason="no 'body'", line=4),
        Case("jsonl-line-5", rel, data, REPORTED, reason="not a JSON object", line=5),
    ]


def articles_bad_cases() -> list[Case]:
    def c(name, file, data, reason):
        return Case(name, ARTICLES + file, data, REPORTED, reason=reason)

    body = _body(30)
    return [
        c("md-empty", "empty.md", b"", "no front matter"),
        c("md-png", "image.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not UTF-8"),
        c("md-invalid-utf8", "invalid-utf8.md",
          _article("Latin-1 caf\u00e9", DATE, 31).replace("café".encode(), b"caf\xe9"), "not UTF-8"),
        c("md-truncated-multibyte", "truncated-multibyte.md",
          _md(["id: cut", "title: Cut off", f"date: {DATE}"], ARABIC_BODY.rstrip(".")).rstrip(b"\n")[:-1], "not UTF-8"),
        c("md-utf16-no-bom", "utf16-no-bom.md", _article("UTF-16 without a BOM", DATE, 33).decode().encode("utf-16-le"),
          "no front matter"),
        c("md-utf16-bom", "utf16-bom.md", codecs.BOM_UTF16_LE + _article("UTF-16 with a BOM", DATE, 34).decode()
          .encode("utf-16-le"), "not UTF-8"),
        c("md-no-front-matter", "no-front-matter.md", b"# A heading\n\nJust Markdown.\n", "no front matter"),
        c("md-unclosed", "unclosed.md", b"---\ntitle: Unclosed\ndate: 2024-03-01\n\nBody.\n", "not closed"),
        c("md-invalid-yaml", "invalid-yaml.md", _md(['title: "unclosed quote', f"date: {DATE}"], body), "YAML"),
        c("md-yaml-colon", "colon-in-title.md", _md(["title: Iraq: talks: resume", f"date: {DATE}"], body), "YAML"),
        c("md-yaml-tabs", "tab-indent.md", _md(["title: Tabs", "topics:", "\t- Water", f"date: {DATE}"], body), "YAML"),
        c("md-yaml-list", "front-matter-list.md", _md(["- title", "- date"], body), "list of 'field: value'"),
        c("md-yaml-scalar", "front-matter-scalar.md", _md(["just some text"], body), "list of 'field: value'"),
        Case("md-empty-front-matter", ARTICLES + "empty-front-matter.md", _md([], body), REPORTED,
             reason="missing required field", reports=2),  # title and date: two problems, one line each
        c("md-title-list", "title-list.md", _md(["id: t-list", "title: [a, b]", f"date: {DATE}"], body), "'title'"),
        c("md-title-mapping", "title-mapping.md", _md(["id: t-map", "title: {a: b}", f"date: {DATE}"], body),
          "'title'"),
        Case("md-title-empty", ARTICLES + "title-empty.md", _md(["id: t-empty", 'title: ""', f"date: {DATE}"], body),
             REPORTED, reason="'title'"),
        Case("md-title-huge-list", ARTICLES + "title-huge-list.md",
             _md(["id: t-huge", "title: [" + ", ".join(["word"] * 100_000) + "]", f"date: {DATE}"], body),
             REPORTED, reason="'title'"),
        c("md-date-mapping", "date-mapping.md", _md(["id: d-map", "title: Date map", "date: {year: 2024}"], body),
          "'date'"),
        c("md-date-list", "date-list.md", _md(["id: d-list", "title: Date list", "date: [2024, 3, 1]"], body),
          "'date'"),
        c("md-date-words", "date-words.md", _md(["id: d-words", "title: Date words", "date: yesterday"], body),
          "'date'"),
        c("md-year-0001", "year-0001.md", _md(["id: y1", "title: Year one", "date: 0001-01-01T00:00:00+00:00"], body),
          "'date'"),
        c("md-year-10000", "year-10000.md", _md(["id: y10k", "title: Year 10000", "date: 10000-01-01"], body),
          "'date'"),
        c("md-year-1899", "year-1899.md", _md(["id: y1899", "title: Year 1899", "date: 1899-12-31T10:00:00+03:00"],
                                               body), "'date'"),
        c("md-year-2999", "year-2999.md", _md(["id: y2999", "title: Year 2999", "date: 2999-01-01T10:00:00+03:00"],
                                               body), "'date'"),
        c("md-topics-mapping", "topics-mapping.md",
          _md(["id: tp-map", "title: Topics map", f"date: {DATE}", "topics: {a: b}"], body), "'topics'"),
        c("md-actors-nested", "actors-nested.md",
          _md(["id: ac-nest", "title: Actors nested", f"date: {DATE}", "actors: [[Iraq, Turkey]]"], body), "'actors'"),
        c("md-lang-bad", "lang-bad.md", _md(["id: lang", "title: Bad lang", f"date: {DATE}", "lang: english!"], body),
          "'lang'"),
        c("md-url-javascript", "url-javascript.md",
          _md(["id: js-url", "title: Script URL", f"date: {DATE}", "url: javascript:alert(1)"], body), "'url'"),
        c("md-id-list", "id-list.md", _md(["id: [1, 2]", "title: Id list", f"date: {DATE}"], body), "'id'"),
        # The same id as good-md-1 in a file that sorts after it: the first in path order wins.
        c("md-duplicate-id", "zz-duplicate-id.md",
          _article("A different story with a recycled id", DATE, 35, id_="bad-input-0006"), "same id"),
        # The same page (file name and month) as good-md-2, from another folder.
        Case("md-duplicate-page", "content/articles/misc/dam-inspection-report.md",
             _article("Second file for the same page", "2024-03-20T10:00:00+03:00", 36), REPORTED,
             reason="same page"),
    ]


def bad_input_corpus() -> list[Case]:
    return good_cases() + odd_but_publishable_cases() + inbox_bad_cases() + jsonl_mixed_case() + articles_bad_cases()


def write_corpus(root: Path, cases: list[Case] | None = None) -> None:
    """The site folder: site.toml and every case's file (a file shared by cases is written once)."""
    cases = bad_input_corpus() if cases is None else cases
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(SITE_TOML)
    (root / "content" / "inbox").mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    for case in cases:
        if case.rel in written:
            continue
        data = case.content()
        path = root / case.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.add(case.rel)


def input_files(cases: list[Case]) -> set[str]:
    """The distinct files of a corpus."""
    return {c.rel for c in cases}


# --- good scraped files in bulk -------------------------------------------------------------------

def wire_story(n: int, salt: str = "") -> tuple[str, bytes, str]:
    """(file name, bytes, title) of the n-th good scraped text file: distinct title, date and
    words, so that no two are duplicates of each other."""
    rng = random.Random(f"{salt}{n}")
    title = f"Wire story {n}{salt}: {rng.choice(WORDS)} {rng.choice(WORDS)} update"
    words = [rng.choice(WORDS) for _ in range(48)]
    body = (f"Officials said item {n}{salt} covers the " + " ".join(words[:24]) + " work.\n\n"
            f"A second statement on item {n}{salt} named the " + " ".join(words[24:]) + " teams.")
    date = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}"
    return f"wire-{salt}{n:05d}.txt", f"{title}\n{date}\n\n{body}\n".encode(), title


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def record_figures(name: str, figures: dict) -> None:
    """Write a test's figures to test-artifacts/reliability-<name>.json (not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"reliability-{name}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")

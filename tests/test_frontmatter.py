"""newsdigest.frontmatter: YAML front matter split, parsed (scalars kept as text) and written back."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from newsdigest.errors import NewsdigestError
from newsdigest.frontmatter import dump, parse

ARTICLE_WITH_AMBIGUOUS_SCALARS = """\
---
title: Hello
lang: no
date: 2024-08-27T18:57:00+03:00
day: 2024-08-27
count: 12
ratio: 1.50
flag: yes
off_word: off
empty:
topics: [Security, 3, true]
---

First paragraph.
"""


def parse_error(text: str, path: str = "content/articles/x.md") -> NewsdigestError:
    with pytest.raises(NewsdigestError) as info:
        parse(text, path)
    return info.value


# --- parse ---------------------------------------------------------------------------------

def test_every_scalar_stays_text():
    meta = parse(ARTICLE_WITH_AMBIGUOUS_SCALARS, "x.md").meta
    assert meta["lang"] == "no"
    assert meta["date"] == "2024-08-27T18:57:00+03:00"
    assert meta["day"] == "2024-08-27"
    assert meta["count"] == "12"
    assert meta["ratio"] == "1.50"
    assert meta["flag"] == "yes"
    assert meta["off_word"] == "off"
    assert meta["topics"] == ["Security", "3", "true"]


def test_empty_value_is_none():
    assert parse(ARTICLE_WITH_AMBIGUOUS_SCALARS, "x.md").meta["empty"] is None


def test_field_lines_are_one_based_lines_of_the_file():
    fm = parse(ARTICLE_WITH_AMBIGUOUS_SCALARS, "x.md")
    assert fm.lines["title"] == 2
    assert fm.lines["lang"] == 3
    assert fm.lines["topics"] == 11
    lines = ARTICLE_WITH_AMBIGUOUS_SCALARS.split("\n")
    for name, line in fm.lines.items():
        assert lines[line - 1].startswith(name + ":")


def test_body_and_body_line():
    fm = parse(ARTICLE_WITH_AMBIGUOUS_SCALARS, "x.md")
    assert fm.body.strip() == "First paragraph."
    lines = ARTICLE_WITH_AMBIGUOUS_SCALARS.split("\n")
    assert lines[fm.body_line - 2] == "---"          # the body starts right after the closing line
    assert fm.body_line == 13


def test_body_keeps_a_later_horizontal_rule():
    fm = parse("---\ntitle: x\n---\nabove\n\n---\n\nbelow\n", "x.md")
    assert fm.meta == {"title": "x"}
    assert "above" in fm.body and "below" in fm.body


def test_empty_front_matter_is_an_empty_mapping():
    fm = parse("---\n---\nbody\n", "x.md")
    assert fm.meta == {} and fm.body == "body\n"


def test_byte_order_mark_is_tolerated():
    fm = parse("\ufeff---\ntitle: x\n---\nbody\n", "x.md")
    assert fm.meta == {"title": "x"}
    assert fm.lines["title"] == 2


def test_windows_line_endings_are_tolerated():
    fm = parse("---\r\ntitle: x\r\nlang: ar\r\n---\r\nbody\r\n", "x.md")
    assert fm.meta == {"title": "x", "lang": "ar"}
    assert fm.body.strip() == "body"


# --- errors --------------------------------------------------------------------------------

def test_missing_opening_delimiter():
    error = parse_error("title: x\n---\nbody\n")
    (problem,) = error.problems
    assert problem.path == "content/articles/x.md"
    assert problem.line == 1
    assert "'---'" in problem.message


def test_unclosed_front_matter():
    error = parse_error("---\ntitle: x\ndate: 2024-01-01\n\nbody text\n")
    (problem,) = error.problems
    assert problem.path == "content/articles/x.md"
    assert "not closed" in problem.message
    assert "'---'" in problem.hint


def test_an_indented_delimiter_does_not_close_the_front_matter():
    error = parse_error("---\ntitle: x\n  ---\nbody\n")
    assert "not closed" in error.problems[0].message


@pytest.mark.parametrize("text, line", [
    ("---\ntitle: x\ntopics: [a, b\n---\nbody\n", 3),
    ("---\ntitle: A: b\n---\nbody\n", 2),
    ("---\ntitle: x\ndate: 2024\n  bad: indent\n---\nbody\n", 4),
])
def test_invalid_yaml_names_the_file_and_the_line(text, line):
    error = parse_error(text, "content/articles/2024/bad.md")
    (problem,) = error.problems
    assert problem.path == "content/articles/2024/bad.md"
    assert problem.line == line
    assert "YAML" in problem.message
    assert str(error).startswith(f"content/articles/2024/bad.md:{line}: error:")


@pytest.mark.parametrize("header", ["- a\n- b", "just some text", "'quoted'"])
def test_front_matter_that_is_not_a_mapping(header):
    error = parse_error(f"---\n{header}\n---\nbody\n")
    (problem,) = error.problems
    assert "field: value" in problem.message
    assert problem.path == "content/articles/x.md"


# --- dump then parse -----------------------------------------------------------------------

ROUND_TRIP_META = {
    "id": "44124f96-0ea7-4be4-9bab-0b3b3dc362be",
    "title": "A: b",
    "lang": "no",
    "date": "2024-08-27T18:57:00+03:00",
    "day": "2024-08-27",
    "count": "12",
    "flag": "yes",
    "null_word": "null",
    "tilde": "~",
    "empty": "",
    "hash": "#not a comment",
    "dash": "- not a list",
    "quote": "he said \"no\" and 'yes'",
    "padded": "  spaced  ",
    "arabic": "قاسم الأعرجي يلتقي وزير الخارجية",
    "topics": ["Security", "الأمن", "yes", "1.0", "A: b"],
    "actors": [],
    "summary": "line one\nline two",
}


def test_dump_then_parse_round_trips_meta_and_body():
    body = "First paragraph with **bold**.\n\nفقرة ثانية.\n\n---\n\nAfter a rule."
    text = dump(ROUND_TRIP_META, body)
    fm = parse(text, "x.md")
    assert fm.meta == ROUND_TRIP_META
    assert list(fm.meta) == list(ROUND_TRIP_META)   # field order kept
    assert fm.body.strip() == body


def test_dump_keeps_arabic_readable_and_dates_plain():
    text = dump({"title": "بغداد", "date": "2024-08-27T18:57:00+03:00"}, "x")
    assert "بغداد" in text
    assert "date: 2024-08-27T18:57:00+03:00\n" in text


@pytest.mark.parametrize("value", [
    "a\n---\nb",          # a delimiter line inside a multi-line value
    "a\n...\nb",
    "ends with newline\n",
    "\n",
    "cp1252 ellipsis\x85misread",    # NEL: a line break to YAML
    "line\u2028separator",
    "carriage\rreturn",
    "trailing space \nnext",
])
def test_dump_then_parse_round_trips_values_with_line_breaks(value):
    meta = {"topics": [value], "summary": value}   # last: a trailing newline there once ended the document
    assert parse(dump(meta, "body"), "x.md").meta == meta


def test_dump_output_starts_and_ends_the_front_matter():
    text = dump({"title": "x"}, "\n\nbody\n\n")
    assert text.startswith("---\n")
    assert text == "---\ntitle: x\n---\n\nbody\n"


# --- property: any text survives dump then parse -------------------------------------------

_any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(meta=st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,9}", fullmatch=True),
                            st.one_of(_any_text, st.lists(_any_text, max_size=3)), max_size=4),
       body=_any_text)
def test_any_meta_and_body_round_trip(meta, body):
    fm = parse(dump(meta, body), "x.md")
    assert fm.meta == meta
    assert fm.body.strip() == body.strip()

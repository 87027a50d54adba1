"""Property tests over the cleaner, the front matter loader and the slugger.

They add to the properties next to each module's unit tests (test_ingest_clean.py: any text,
article-like text, sentences kept, a partial copy; test_frontmatter.py: dump then parse;
test_ingest_readers.py: any bytes to articles or rejections) with hostile text, titles and
sources given to the cleaner, whole article files given to the loader, what ingest writes given
back to the loader, and the slugger. Every property: never raises (but the documented
NewsdigestError for a bad file), never loses a sentence that is neither boilerplate nor a
repeat, and is idempotent where that applies.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsdigest.articles import parse_article
from newsdigest.schema import MAX_YEAR, MIN_YEAR
from newsdigest.config import DEFAULT_SOURCES, SiteConfig
from newsdigest.errors import NewsdigestError
from newsdigest.frontmatter import dump, parse
from newsdigest.ingest.clean import clean_body, sentence_key, split_sentences
from newsdigest.ingest.model import Rejected
from newsdigest.ingest.pipeline import prepare
from newsdigest.ingest.readers import read
from newsdigest.core import name_key
from newsdigest.slug import MAX_SLUG, slugify, unique_slugs

CONFIG = SiteConfig(timezone=ZoneInfo("Asia/Baghdad"))
REL = "content/articles/2024/03/story.md"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(10)}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

SOME = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ------------------------------------------------------------------------------------

# Every code point, lone surrogates included (JSON and YAML escapes can make them).
ANY_CHAR = st.characters(codec=None, exclude_categories=())
# What scraped text is made of, with the characters that trip parsers up more often.
HOSTILE = st.one_of(
    ANY_CHAR,
    st.sampled_from(list("\u00a0\u200b\u200e\u200f\u202e\u2066\ufeff\u00ad\u2028\u2029\x85\r\t\x00\x1b"
                         "“”‘’«»…—–-|/()[]{}<>&;:#*`\\.!?؟،")),
    st.sampled_from(["U.S.", "No. 12", "3.5", "e.g.", "https://x.iq/a.b", "a@b.com", "(INA)", "Shafaq News/ ",
                     "- Shafaq News/ ", "(ThisDay | Iraq News Now )", "BAGHDAD - ", "INA - BAGHDAD", "Source: Rudaw",
                     "Advertisement", "+A -A", "Read more: x", "© 2024", "العراق.وأضاف", "forces.The"]),
)
HOSTILE_TEXT = st.lists(HOSTILE, max_size=120).map("".join)

LATIN = ["water", "minister", "council", "port", "river", "talks", "budget", "bridge", "farmers", "oil",
         "said", "on", "monday", "the", "new", "plan", "in", "basra", "and", "of", "grain", "power", "grid"]
ARABIC = ["المياه", "الوزير", "المجلس", "الميناء", "النهر", "المحادثات", "الموازنة", "الجسر", "المزارعون",
          "النفط", "وقال", "في", "يوم", "الاثنين", "خطة", "جديدة", "البصرة"]


@st.composite
def sentence(draw, words=LATIN):
    """A plain sentence no rule can take for boilerplate or a marker: 4 to 12 words and an end mark."""
    chosen = draw(st.lists(st.sampled_from(words), min_size=4, max_size=12))
    text = " ".join(chosen)
    end = draw(st.sampled_from([".", ".", "?", "!"] if words is LATIN else [".", "؟", "!"]))
    return text[0].upper() + text[1:] + end


BOILERPLATE = ["Sponsored Links", "Advertisement", "+A -A", "• • •", "Share on Facebook | Twitter",
               "Read more: other story", "Follow us on Telegram", "Tags: a, b", "© 2024 All rights reserved.",
               "Photo: Reuters", "Leave a comment", "Related articles", "اقرأ أيضا: خبر آخر"]


def kept_keys(cleaned) -> Counter:
    """The sentences of a cleaned body, by key (case, spacing and punctuation aside)."""
    return Counter(sentence_key(s) for p in cleaned.paragraphs for s in split_sentences(p))


# --- the cleaner -------------------------------------------------------------------------------------

@SOME
@given(HOSTILE_TEXT, st.one_of(st.just(""), HOSTILE_TEXT), st.sampled_from([1, 7, None]))
def test_cleaning_any_hostile_text_with_any_title_never_raises_and_is_idempotent(text, title, first_line):
    once = clean_body(text, title=title, first_line=first_line, sources=DEFAULT_SOURCES)
    assert all(p and p == p.strip() for p in once.paragraphs)
    assert not CONTROL.search(once.text)
    again = clean_body(once.text, title=title, sources=DEFAULT_SOURCES)
    assert again.text == once.text


@SOME
@given(st.lists(st.lists(st.one_of(sentence(), sentence(ARABIC)), min_size=1, max_size=4), min_size=1, max_size=6),
       st.lists(st.sampled_from(BOILERPLATE), max_size=4),
       st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n", " \n \n"]), min_size=1),
       st.randoms(use_true_random=False))
def test_latin_and_arabic_sentences_survive_boilerplate_in_any_layout(paragraphs, noise, breaks, rnd):
    """Each sentence that is neither boilerplate nor a repeat is kept, exactly once."""
    sentences = [s for p in paragraphs for s in p]
    keys = [sentence_key(s) for s in sentences]
    assume(len(set(keys)) == len(keys))
    blocks = [" ".join(p) for p in paragraphs]
    for line in noise:
        blocks.insert(rnd.randint(0, len(blocks)), line)
    text = "".join(block + rnd.choice(breaks) for block in blocks)
    cleaned = clean_body(text)
    assert kept_keys(cleaned) == Counter(keys)
    for line in noise:
        assert line not in cleaned.text


@SOME
@given(st.lists(sentence(), min_size=3, max_size=8), st.data())
def test_a_repeated_article_keeps_every_sentence_once_whatever_is_repeated(article, data):
    """Any run of the article's sentences repeated anywhere (a pull quote, a second copy, a
    summary) is dropped; every sentence is still there once."""
    keys = [sentence_key(s) for s in article]
    assume(len(set(keys)) == len(keys))
    start = data.draw(st.integers(0, len(article) - 1))
    end = data.draw(st.integers(start + 1, len(article)))
    where = data.draw(st.integers(0, len(article)))
    glue = data.draw(st.sampled_from([" ", "\n\n", "\n"]))
    repeated = " ".join(article[start:end])
    pieces = article[:where] + [repeated] + article[where:]
    cleaned = clean_body(glue.join(pieces))
    assert kept_keys(cleaned) == Counter(keys)


@SOME
@given(st.lists(sentence(), min_size=1, max_size=6, unique_by=sentence_key),
       st.sampled_from(["Iraqi News Agency", "Shafaq News", "Rudaw"]),
       st.sampled_from(["BAGHDAD", "MOSUL", "BASRA"]))
def test_source_and_dateline_markers_are_taken_out_and_nothing_else(article, source, city):
    lede = f"{city} ({source}) - "
    cleaned = clean_body(lede + " ".join(article))
    assert cleaned.text == " ".join(article)
    assert cleaned.markers and cleaned.markers[0].dateline == city
    assert clean_body(cleaned.text).text == cleaned.text


@SOME
@given(sentence(), st.lists(sentence(), min_size=1, max_size=5, unique_by=sentence_key))
def test_the_headline_repeated_first_is_dropped_and_only_it(title, article):
    assume(sentence_key(title) not in {sentence_key(s) for s in article})
    cleaned = clean_body(title + "\n\n" + " ".join(article), title=title.rstrip(".?!"))
    assert cleaned.text == " ".join(article)
    assert clean_body(cleaned.text, title=title).text == cleaned.text


# --- the front matter loader --------------------------------------------------------------------------

YAML_TOKENS = st.sampled_from([
    "---", "...", ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "'", '"', "&a ", "*a", "!!str ", "!!python/object:os.system ",
    "!!binary ", "? ", "|", ">", "#", "%YAML 1.2", "\t", "  ", "\n", "title", "date", "topics", "actors", "id", "lang",
    "2024-03-01T10:00:00+03:00", "0001-01-01", "10000-01-01", "null", "~", "yes", "no", "1e9", "0x1f", "<<: *a",
])
YAML_ISH = st.lists(st.one_of(YAML_TOKENS, st.text(max_size=8)), max_size=40).map("".join)


@SOME
@given(st.one_of(YAML_ISH.map(lambda t: "---\n" + t + "\n---\n\nBody.\n"), YAML_ISH,
                 st.text(ANY_CHAR, max_size=200)))
def test_parsing_any_text_returns_front_matter_or_a_newsdigest_error(text):
    try:
        fm = parse(text, REL)
    except NewsdigestError as exc:
        assert exc.problems and all(p.path == REL for p in exc.problems)
        return
    assert isinstance(fm.meta, dict) and all(isinstance(k, str) for k in fm.meta)
    assert fm.body_line >= 2


def _valid_article_problems(problems) -> None:
    for p in problems:
        assert p.path == REL and p.message and p.level in ("error", "warning")


@SOME
@given(st.one_of(st.binary(max_size=400), YAML_ISH.map(lambda t: ("---\n" + t + "\n---\n\nBody.\n").encode("utf-8", "surrogatepass")),
                 st.builds(lambda head, body: (head + "\n---\n" + body).encode("utf-8", "surrogatepass"),
                           YAML_ISH.map(lambda t: "---\ntitle: x\ndate: 2024-03-01\n" + t), HOSTILE_TEXT)))
def test_loading_any_bytes_gives_an_article_or_the_reasons(data):
    article, problems = parse_article(data, REL, CONFIG)
    _valid_article_problems(problems)
    if article is None:
        assert any(p.level == "error" for p in problems)
        return
    assert not any(p.level == "error" for p in problems)
    assert article.title and not CONTROL.search(article.title)
    assert MIN_YEAR <= article.date.year <= MAX_YEAR and article.date.tzinfo is not None
    assert article.url_path == f"articles/{article.date:%Y}/{article.date:%m}/story/"


ANY_VALUE = st.recursive(st.one_of(st.none(), st.text(ANY_CHAR, max_size=20), st.integers(), st.booleans()),
                         lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                 st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                         max_leaves=8)
FIELD_NAMES = st.sampled_from(["id", "title", "date", "updated", "source", "url", "author", "section", "dateline",
                               "lang", "topics", "actors", "summary", "extra"])


@SOME
@given(st.dictionaries(FIELD_NAMES, ANY_VALUE, max_size=8), st.text(ANY_CHAR, max_size=100))
def test_front_matter_fields_of_any_type_are_loaded_or_reported_never_raised(meta, body):
    """Wrong types (a title as a list, a date as a mapping, topics as a number, ...) are errors
    naming the field; the article is then not published."""
    try:
        text = dump(meta, body)
    except Exception:  # noqa: BLE001 - some values cannot be written as YAML at all; not our input
        assume(False)
    article, problems = parse_article(text.encode("utf-8", "surrogatepass"), REL, CONFIG)
    _valid_article_problems(problems)
    assert (article is None) == any(p.level == "error" for p in problems)


TITLES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(
    lambda t: t.strip())
NAMES = st.lists(TITLES, max_size=4)
DATES = st.datetimes(min_value=datetime(MIN_YEAR, 1, 2), max_value=datetime(MAX_YEAR, 12, 30),
                     timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=3)), timezone(timedelta(hours=-5)),
                                                ZoneInfo("Asia/Baghdad")]))


@SOME
@given(TITLES, DATES, NAMES, NAMES, st.text(max_size=200))
def test_a_valid_article_loads_with_its_fields_and_loading_is_idempotent(title, date, topics, actors, body):
    meta = {"id": "p-1", "title": title, "date": date.replace(microsecond=0).isoformat(), "topics": topics,
            "actors": actors}
    article, problems = parse_article(dump(meta, body).encode(), REL, CONFIG)
    assert article is not None, problems
    assert article.title == " ".join(title.split())
    assert article.date.isoformat() == meta["date"]  # as written (== would differ for times in a DST gap)
    assert [name_key(t) for t in article.topics] == list(dict.fromkeys(name_key(t) for t in topics
                                                                      if t.split()))
    # What the loader made of the fields, written back and loaded again, is the same article.
    again_meta = {"id": article.id, "title": article.title, "date": article.date.isoformat(),
                  "topics": list(article.topics), "actors": list(article.actors)}
    again, _ = parse_article(dump(again_meta, body).encode(), REL, CONFIG)
    assert (again.title, again.date, again.topics, again.actors, again.body_html) == \
        (article.title, article.date, article.topics, article.actors, article.body_html)


# --- what ingest writes, the loader publishes -------------------------------------------------------

def _json_record(title, date, text, extra):
    return json.dumps({"title": title, "date": date, "text": text, **extra}).encode()


@FEW
@given(st.one_of(
    st.builds(lambda t, d, b: f"{t}\n{d}\n\n{b}".encode("utf-8", "surrogatepass"), HOSTILE_TEXT, DATES.map(str),
              HOSTILE_TEXT).map(lambda data: ("story.txt", data)),
    st.builds(_json_record, st.text(ANY_CHAR, max_size=40), DATES.map(lambda d: d.isoformat()),
              st.text(ANY_CHAR, max_size=300),
              st.dictionaries(st.sampled_from(["source", "url", "author", "section", "lang", "updated"]),
                              st.text(ANY_CHAR, max_size=30), max_size=3)).map(lambda data: ("story.json", data)),
    st.builds(lambda t, d, body, fields: dump({"title": t, "date": d, **fields}, body).encode("utf-8", "surrogatepass"),
              st.text(ANY_CHAR, max_size=40), DATES.map(lambda d: d.isoformat()), st.text(ANY_CHAR, max_size=200),
              st.dictionaries(st.sampled_from(["topics", "actors", "summary", "id", "lang", "url"]),
                              st.one_of(st.text(ANY_CHAR, max_size=20), st.lists(st.text(max_size=10), max_size=2)),
                              max_size=3)).map(lambda data: ("story.md", data)),
))
def test_every_article_ingest_writes_is_one_the_build_publishes(named):
    """Ingest either rejects an input or writes an article file the loader accepts without error:
    an accepted input must never become an article the build then refuses."""
    name, data = named
    try:
        items = read(Path(name), data, DEFAULT_SOURCES)
    except Rejected:
        return
    for item in items:
        if isinstance(item, Rejected):
            continue
        try:
            draft = prepare(item, CONFIG)
        except Rejected:
            continue
        text = dump(draft.meta, draft.body)
        rel = f"content/articles/{draft.date:%Y}/{draft.date:%m}/{draft.slug}.md"
        article, problems = parse_article(text.encode("utf-8"), rel, CONFIG)
        errors = [str(p) for p in problems if p.level == "error"]
        assert article is not None and not errors, (errors, text[:500])
        assert article.date.isoformat() == draft.meta["date"]


# --- the slugger ------------------------------------------------------------------------------------

@SOME
@given(st.text(ANY_CHAR, max_size=300))
def test_any_name_slugs_to_a_safe_stable_idempotent_slug(name):
    slug = slugify(name)
    assert SLUG.match(slug) and len(slug) <= MAX_SLUG and slug not in RESERVED
    assert slugify(name) == slug
    assert slugify(slug) == slug


@SOME
@given(st.text(ANY_CHAR, max_size=60))
def test_name_keys_are_idempotent(name):
    assert name_key(name_key(name)) == name_key(name)


@SOME
@given(st.lists(st.one_of(st.text(ANY_CHAR, max_size=12), st.sampled_from(["C", "C++", "c#", "Zoë", "ZOE", "zoe",
                                                                           "c 372946", "!!!", "???", "con", "CON"])),
                max_size=12), st.randoms(use_true_random=False))
def test_unique_slugs_are_distinct_safe_and_independent_of_order(names, rnd):
    slugs = unique_slugs(names)
    assert set(slugs) == {name_key(n) for n in names}
    assert len(set(slugs.values())) == len(slugs)
    for key, slug in slugs.items():
        assert SLUG.match(slug) and slug.startswith(slugify(key))
        assert slug not in RESERVED
    shuffled = list(names)
    rnd.shuffle(shuffled)
    assert unique_slugs(shuffled) == slugs
    assert unique_slugs(list(slugs)) == slugs   # the keys are names too: same result

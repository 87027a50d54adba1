"""Body cleaning: boilerplate, repeated text, glued sentences, and the record of every removal."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.config import DEFAULT_SOURCES
from newsdigest.ingest.boilerplate import line_rule
from newsdigest.ingest.clean import clean_body, sentence_key, split_glued, split_sentences
from newsdigest.ingest.header import split_text_header
from conftest import SEEDS, needs_seeds

GLUED = re.compile(r"[a-z][.!?][A-Z][a-z]")


def seed_body(name: str):
    text = next(SEEDS.glob(name + "_*.txt")).read_text(encoding="utf-8")
    fields, _, body, body_line, _ = split_text_header(text, DEFAULT_SOURCES)
    return clean_body(body, title=fields["title"], first_line=body_line)


SEED_000_SENTENCES = [
    "NATO's Deputy Secretary General for Operations, Thomas Goffus, on Tuesday stressed",
    "The NATO officer's remarks were delivered during a virtual meeting",
    "A statement released by al-Araji's office said",
    "During the call, al-Araji expressed Iraq's keen interest",
    "Al-Araji highlighted Iraq's need to support its cybersecurity infrastructure",
    "The statement said Iraq's national security advisor received an invitation",
    "Echoing the importance of a sustainable, professional, and self-sufficient security sector",
    "The mission was launched in 2018",
    "The NATO mission in Iraq continues to work alongside Iraqi forces",
]

SEED_001_SENTENCES = [
    "National Security Adviser Qasim Al-Araji confirmed on Tuesday",
    "\"Iraq and NATO held the first session of the high-level partnership dialogue",
    "The side representing NATO was headed by Assistant Secretary-General",
    "The dialogue, which came at the invitation of NATO",
    "Al-Araji reiterated \"the Iraqi government's affirmation",
    "The long-term partnership with NATO is to achieve Iraq's interests",
    "In a speech on the sidelines of the ongoing dialogue",
    "He extended an official invitation to NATO representatives",
    "In turn, NATO representatives praised",
]


def assert_once_in_order(text: str, starts: list[str]) -> None:
    positions = []
    for start in starts:
        assert text.count(start) == 1, f"{start!r} appears {text.count(start)} times"
        positions.append(text.index(start))
    assert positions == sorted(positions)


@needs_seeds
def test_seed_000_is_the_complete_article_once_from_its_lede():
    cleaned = seed_body("000")
    text = cleaned.text
    assert text.startswith("NATO's Deputy Secretary General for Operations, Thomas Goffus, on Tuesday stressed")
    assert_once_in_order(text, SEED_000_SENTENCES)
    assert len(split_sentences(text.replace("\n\n", " "))) == len(SEED_000_SENTENCES)
    assert text.rstrip().endswith("effective, and professional security forces.")
    for noise in ("Sponsored Links", "ThisDay", "Iraq News Now", "Shafaq News/", "Source:", "19:04", "date 2023"):
        assert noise not in text
    assert not GLUED.search(text)
    assert cleaned.markers[0].source == "Shafaq News"


@needs_seeds
def test_seed_000_removals_are_recorded():
    cleaned = seed_body("000")
    rules = {r.rule for r in cleaned.removals}
    assert {"advertising", "aggregator tag", "source marker", "repeated text"} <= rules
    repeats = [r for r in cleaned.removals if r.rule == "repeated text"]
    assert len(repeats) == 7  # the partial first copy
    assert all(r.line is not None and r.why for r in cleaned.removals)
    assert any(f.before.endswith("services.During the c") for f in cleaned.fixes)


@needs_seeds
def test_seed_001_body():
    cleaned = seed_body("001")
    text = cleaned.text
    assert text.startswith("National Security Adviser Qasim Al-Araji confirmed on Tuesday, that NATO's mission")
    assert_once_in_order(text, SEED_001_SENTENCES)
    assert len(cleaned.paragraphs) == 7  # paragraphs kept
    for noise in ("+A -A", "•", "INA - BAGHDAD", "27-08-2024", "\nSecurity\n"):
        assert noise not in text
    assert not GLUED.search(text)
    assert cleaned.removals == ()  # the header took all the noise; the body had none


@pytest.mark.parametrize("line, rule", [
    ("Sponsored Links", "advertising"),
    ("Advertisement", "advertising"),
    ("+A -A", "font-size widget"),
    ("• +A -A", "font-size widget"),
    ("Font size: A+ A-", "font-size widget"),
    ("• • •", "decoration"),
    ("* * *", "decoration"),
    ("Share on Facebook | Twitter | WhatsApp", "share buttons"),
    ("Share Tweet Email Print", "share buttons"),
    ("Read more: Euphrates flow at lowest level in decades", "read more"),
    ("Related articles", "read more"),
    ("Follow us on Telegram for the latest news", "follow us"),
    ("Follow Shafaq News on Twitter", "follow us"),
    ("Tags: Anbar, drought, agriculture", "tags"),
    ("© 2024 Iraq Farm News. All rights reserved.", "copyright"),
    ("Copyright 2024 Gulf Monitor", "copyright"),
    ("Photo: Reuters", "photo credit"),
    ("Leave a comment", "comments"),
])
def test_boilerplate_lines(line, rule):
    assert line_rule(line)[0] == rule


@pytest.mark.parametrize("line", [
    "Related to this, the minister said the talks would continue.",
    "Share prices rose on the Iraq Stock Exchange on Sunday.",
    "Advertisement revenue fell by a third, the broadcaster said.",
    "Follow-up talks are planned for next month.",
    "Tagged containers were inspected at the port.",
    "The farmers said: \"We need water.\"",
    "A",
])
def test_prose_is_not_boilerplate(line):
    assert line_rule(line) is None


@pytest.mark.parametrize("glued, fixed", [
    ("the forces.The mission", "the forces. The mission"),
    ("in 2018.The mission", "in 2018. The mission"),
    ("in Iraq.A statement", "in Iraq. A statement"),
    ("he said (INA).The talks", "he said (INA). The talks"),
    ('advancements."The statement', 'advancements." The statement'),
    ("combat?The answer", "combat? The answer"),
    ("العراق.وأضاف المتحدث", "العراق. وأضاف المتحدث"),
])
def test_glued_sentences_are_split(glued, fixed):
    text, fixes = split_glued(glued)
    assert text == fixed and len(fixes) == 1


@pytest.mark.parametrize("text", [
    "Officials from the U.S. embassy and the U.S.-led coalition",
    "The unit processes 3.5 million litres",
    "in Building No. 12 and No.13",
    "some sites, e.g. the port, and i.e. the airport",
    "see https://www.example.com/Basra.Refinery/Report.Html today",
    "write to press.office@Example.com for details",
    "visit Shafaq.com or www.Rudaw.net now",
    "Dr. Smith holds a Ph.D in engineering",
])
def test_glue_splitting_leaves_abbreviations_numbers_urls_and_emails(text):
    assert split_glued(text) == (text, [])


def test_sentences_do_not_end_at_abbreviations():
    text = "Gen. Yarallah met U.S. officials at 10 a.m. on Monday. He said No. 12 was ready. Talks end Aug. 30."
    assert split_sentences(text) == [
        "Gen. Yarallah met U.S. officials at 10 a.m. on Monday.",
        "He said No. 12 was ready.",
        "Talks end Aug. 30.",
    ]


def test_quotes_and_whitespace_are_normalised():
    cleaned = clean_body("\u201cWe   agreed,\u201d the\u00a0minister\u2019s aide said.\u200b\n\n\n\nNext  paragraph.")
    assert cleaned.paragraphs == ('"We agreed," the minister\'s aide said.', "Next paragraph.")


def test_full_text_twice_is_kept_once():
    once = "The council signed a contract on Monday. The line will run for 20 kilometres. Work starts next year."
    cleaned = clean_body(once + "\n\n" + once)
    assert cleaned.text == once
    assert [r.rule for r in cleaned.removals] == ["repeated text"] * 3


def test_lede_repeated_as_a_summary_is_dropped():
    body = ("The council signed a contract on Monday.\n\n"
            "The council signed a contract on Monday. The line will run for 20 kilometres.\n\n"
            "Work starts next year.")
    assert clean_body(body).paragraphs == (
        "The council signed a contract on Monday. The line will run for 20 kilometres.", "Work starts next year.")


def test_full_text_followed_by_a_partial_copy():
    body = "First sentence here. Second sentence here. Third sentence here. Fourth one.\n\nFirst sentence here. Second sentence here."
    assert clean_body(body).text == "First sentence here. Second sentence here. Third sentence here. Fourth one."


def test_a_repeated_pull_quote_is_dropped_and_nothing_else():
    sentences = [f"Sentence number {w} is here." for w in
                 ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")]
    body = " ".join(sentences[:5]) + "\n\n" + sentences[2] + "\n\n" + " ".join(sentences[5:])
    text = clean_body(body).text
    assert_once_in_order(text, sentences)


def test_partial_copy_then_marked_full_copy_keeps_the_full_copy_order():
    body = ("Third point. Fourth point.\n\nFifth point. (Wire | Aggregator )- Example News/ First point. "
            "Second point. Third point. Fourth point. Fifth point.")
    cleaned = clean_body(body)
    assert cleaned.paragraphs == ("First point. Second point. Third point. Fourth point.", "Fifth point.")
    assert cleaned.markers[0].source == "Example News"


def test_title_repeated_at_the_top_is_dropped():
    cleaned = clean_body("Basra port handles record grain\n\nThe port unloaded more grain.", title="Basra Port Handles Record Grain")
    assert cleaned.text == "The port unloaded more grain."
    assert cleaned.removals[0].rule == "title repeated"


def test_hard_wrapped_lines_are_joined_and_short_lines_kept():
    body = ("Environmental monitors in the Dhi Qar marshes counted more flamingos and\n"
            "pelicans this autumn than in any year since 2019.\n"
            "Water levels\n"
            "The rise follows two wet winters.")
    assert clean_body(body).paragraphs == (
        "Environmental monitors in the Dhi Qar marshes counted more flamingos and pelicans this autumn "
        "than in any year since 2019.", "Water levels", "The rise follows two wet winters.")


def test_boilerplate_inside_the_body_is_recorded_with_its_line():
    cleaned = clean_body("First paragraph.\n\nAdvertisement\n\nSecond paragraph.\nSource: Rudaw", first_line=10)
    assert cleaned.paragraphs == ("First paragraph.", "Second paragraph.")
    assert [(r.rule, r.line) for r in cleaned.removals] == [("advertising", 12), ("source line", 15)]
    assert cleaned.markers[0].source == "Rudaw"


# --- properties ------------------------------------------------------------------------------------

WORDS = ["water", "minister", "council", "port", "river", "talks", "budget", "bridge", "farmers", "oil",
         "said", "on", "monday", "the", "new", "plan", "in", "basra", "and", "of"]


@st.composite
def sentences(draw):
    """A plain sentence that no rule can mistake for boilerplate: 4 to 12 lowercase words."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=4, max_size=12))
    text = " ".join(words)
    return text[0].upper() + text[1:] + draw(st.sampled_from([".", ".", "?", "!"]))


BOILERPLATE = ["Sponsored Links", "Advertisement", "+A -A", "• • •", "Share on Facebook | Twitter",
               "Read more: other story", "Follow us on Telegram", "Tags: a, b", "© 2024 All rights reserved."]

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text(max_size=400))
def test_cleaning_never_raises_and_is_idempotent_on_any_text(text):
    once = clean_body(text).text
    assert clean_body(once).text == once


@FAST
@given(st.lists(st.one_of(sentences(), st.sampled_from(BOILERPLATE), st.just("")), max_size=25),
       st.sampled_from([" ", "\n", "\n\n", ""]))
def test_cleaning_is_idempotent_on_article_like_text(pieces, joiner):
    once = clean_body(joiner.join(pieces)).text
    assert clean_body(once).text == once


@FAST
@given(st.lists(st.lists(sentences(), min_size=1, max_size=5), min_size=1, max_size=6),
       st.lists(st.sampled_from(BOILERPLATE), max_size=4), st.randoms(use_true_random=False))
def test_cleaning_keeps_every_sentence_that_is_neither_boilerplate_nor_a_repeat(paragraphs, noise, rnd):
    blocks = [" ".join(p) for p in paragraphs]
    for line in noise:
        blocks.insert(rnd.randint(0, len(blocks)), line)
    cleaned = clean_body("\n\n".join(blocks))
    kept_keys = [sentence_key(s) for p in cleaned.paragraphs for s in split_sentences(p)]
    for sentence in (s for p in paragraphs for s in p):
        assert sentence_key(sentence) in kept_keys
    assert len(kept_keys) == len(set(kept_keys))          # and each exactly once
    assert not any(b in cleaned.text for b in BOILERPLATE)


@FAST
@given(st.lists(sentences(), min_size=2, max_size=8, unique_by=sentence_key), st.integers(0, 7))
def test_a_partial_copy_before_the_full_text_leaves_the_full_text(article, cut):
    """The seed-000 shape: the tail of the article, then the whole article after a marker."""
    cut = min(cut, len(article) - 1)
    body = " ".join(article[cut:]) + " (Site | Aggregator )- Example News/ " + " ".join(article)
    assert clean_body(body).text == " ".join(article)

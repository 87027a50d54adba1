"""Every boilerplate label is cut wherever the repair of glued sentences leaves it (issue 18).

The labels come from the built-in rules (newsdigest/data/boilerplate.toml), all languages, so a
label added there is covered without touching this file."""
from __future__ import annotations

import pytest

from newsdigest.ingest.boilerplate import builtin_furniture
from newsdigest.ingest.clean import clean_body

LABELS = sorted({label for label, _, _ in builtin_furniture().labels if len(label) >= 3})
EN = "The minister visited the dam on the Tigris."
AR = "زار الوزير السد على نهر دجلة."


def written(label: str) -> str:
    """The label as a page prints it: Latin labels in title case ("Sponsored Links")."""
    return label.title() if label.isascii() else label


# (text with the label at L, the text expected after cleaning)
PLACES = [
    (EN + "{L}", EN),                                                             # end of the paragraph
    (EN + "{L}\n\nThe works start in May.", EN + "\n\nThe works start in May."),
    ("The minister visited the dam on the Tigris{L}", "The minister visited the dam on the Tigris"),  # no full stop
    (EN + "{L}The works start in May.", EN + " The works start in May."),        # glued on both sides
    (EN + "{L}2024 was a dry year.", EN + " 2024 was a dry year."),              # a number starts the next one
    (EN + '{L}"We will build it," he said.', EN + ' "We will build it," he said.'),  # a quotation does
    ("He said: \"We will build it.\"{L}", "He said: \"We will build it.\""),     # after a closing quote
    (AR + "{L}", AR),
    ("هل يبنى السد؟{L}", "هل يبنى السد؟"),
    ("{L}The works start in May.", "The works start in May."),                   # the paragraph's start
]


@pytest.mark.parametrize("label", LABELS)
def test_a_glued_label_is_cut_everywhere(label):
    for text, expected in PLACES:
        cleaned = clean_body(text.replace("{L}", written(label)))
        assert cleaned.text == expected, (label, text)
        assert any("glued to a sentence" in r.why for r in cleaned.removals), (label, text)


@pytest.mark.parametrize("label", [label for label in LABELS if " " in label])
def test_a_label_of_two_words_is_cut_before_a_spaced_sentence(label):
    for after in (" The works start in May.", " 2024 was a dry year.", " زار الوزير السد."):
        cleaned = clean_body(EN + written(label) + after)
        assert cleaned.text == EN + after, label


def test_one_word_before_a_sentence_may_be_prose():
    # "Advertisement" alone before a spaced capital is cut only at the end of the paragraph
    assert clean_body("Sales fell. Promoted The man said it.").text == "Sales fell. Promoted The man said it."
    # a capital glued to a small letter inside the text is not a label's place either
    assert clean_body("The iPhone Advertisement ran twice.").text == "The iPhone Advertisement ran twice."
    # an Arabic word that goes on after a label's letters is one word
    assert clean_body("نشرت الوزارة.إعلانات جديدة").text.endswith("إعلانات جديدة")


@pytest.mark.parametrize("label", LABELS)
def test_labels_one_after_another_are_cut_in_one_go_and_each_reported(label):
    """A run of labels, the same one repeated or mixed with another, spaced or glued, goes
    whole wherever one label would (each pass of cleaning used to take one, and a run of five
    outlasted them: cleaning the result again changed it)."""
    other = written(LABELS[0] if label != LABELS[0] else LABELS[-1])
    for run in ([written(label)] * 5, [written(label), other, written(label)]):
        for joiner in (" ", ""):
            for text, expected in PLACES:
                cleaned = clean_body(text.replace("{L}", joiner.join(run)))
                assert cleaned.text == expected, (run, joiner, text)
                assert clean_body(cleaned.text).text == cleaned.text
            alone = clean_body(joiner.join(run))
            assert alone.text == "", (run, joiner)
    cleaned = clean_body(EN + " ".join([written(label)] * 5))
    assert [r.text.casefold() for r in cleaned.removals] == [written(label).casefold()] * 5

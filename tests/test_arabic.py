"""Arabic text (issue 18): normalisation, clitics, transliteration, gazetteer names with clitics,
discovery from titles and organisation heads, one person in two scripts, Arabic topics."""
from __future__ import annotations

import pytest

from newsdigest import arabic
from newsdigest.config import DEFAULT_SOURCES
from newsdigest.extract.mentions import extract_mentions
from newsdigest.extract.resolve import ArticleInput, resolve
from newsdigest.extract.arabic_names import same_person
from newsdigest.extract.explain import explain_article, review
from newsdigest.extract.gazetteer import default_gazetteer, parse_gazetteer
from newsdigest.extract.topics import assign_topics
from newsdigest.slug import slugify


def actors(text: str, title: str = "", gazetteer=None, source: str = "") -> dict[str, tuple[str, ...]]:
    mentions = extract_mentions(text, title, gazetteer or default_gazetteer(), source, DEFAULT_SOURCES)
    return {a.name: a.forms for a in mentions.actors}


# --- the text ---------------------------------------------------------------------------------

def test_normalise_makes_the_spellings_news_copy_mixes_one():
    assert arabic.normalise("الأعرجي") == arabic.normalise("الاعرجي") == "الاعرجي"
    assert arabic.normalise("إيران") == arabic.normalise("ايران")
    assert arabic.normalise("مستشفى") == arabic.normalise("مستشفي")
    assert arabic.normalise("العراقية") == "العراقيه"
    assert arabic.normalise("مُحَمَّد") == arabic.normalise("محـــمد") == "محمد"
    assert arabic.normalise("Qasim al-Araji") == "Qasim al-Araji"


def test_proclitics_are_taken_off_in_every_reading():
    assert (2, "العراق") in arabic.stems("وبالعراق")
    assert (1, "الامن") in arabic.stems("للأمن")            # ل + الأمن
    assert arabic.stems("بغداد")[0] == (0, "بغداد")          # the word as written comes first
    assert "والامن الوطني" in arabic.with_clitics("الأمن الوطني")
    assert "بالامن" in arabic.with_clitics("أمن")


@pytest.mark.parametrize("name, slug", [
    ("سلمان العبيدي", "salman-al-ubaydi"),        # not slman-al-bidi
    ("قاسم الأعرجي", "qasim-al-araji"),
    ("بغداد", "baghdad"),
    ("هادي العامري", "hadi-al-amiri"),
    ("وزارة الموارد المائية", "wazara-al-mawarid-al-maiya"),
    ("نوري المالكي", "nouri-al-maliki"),
])
def test_slugs_of_arabic_names_read_as_a_reader_writes_them(name, slug):
    assert slugify(name) == slug


def test_skeletons_meet_across_scripts_and_spelling_variants():
    araji = arabic.skeleton("قاسم الأعرجي")
    assert araji == arabic.skeleton("Qasim al-Araji") == arabic.skeleton("Kassem Al-A'raji") == ("ksm", "rg")
    assert arabic.skeleton("سلمان العبيدي") == arabic.skeleton("Salman al-Obeidi") == arabic.skeleton("Salman Al-Obaidi")
    assert same_person("قاسم الأعرجي", "Qasim al-Araji") == "sure"
    assert same_person("محمد السوداني", "Mohammed Shia al-Sudani") == "sure"       # a middle name left out
    assert same_person("حيدر الزبيدي", "Haider al-Jubouri") == ""
    assert same_person("علي العبيدي", "Salman al-Obeidi") == ""
    assert same_person("حيدر الزبيري", "Haider al-Zubaidi") == "maybe"              # one letter apart


# --- actors -------------------------------------------------------------------------------------

def test_gazetteer_names_are_found_with_their_clitics():
    found = actors("وأكد الجانبان دعم العراق لبعثة حلف شمال الأطلسي وللأمم المتحدة، وبالتعاون مع الاتحاد الأوروبي.")
    assert {"Iraq", "NATO", "United Nations", "European Union"} <= set(found)
    assert found["NATO"] == ("حلف شمال الأطلسي",)           # the surface without the clitic
    assert actors("وقدم الصندوق دعما للعراق.")["Iraq"] == ("العراق",)     # ل + ال is written لل


def test_countries_from_pycountry_arabic_and_their_demonyms_but_not_common_words():
    found = actors("وقال مسؤول تركي إن الحكومة العراقية ستستقبل وفدا من بلجيكا، وقدمت دعما ماليا لمالي.")
    assert {"Turkey", "Iraq", "Belgium"} <= set(found)
    assert "Mali" not in actors("وقدم البنك دعم مالي للمشروع.")
    # a demonym right after a noun of place says where, not who
    assert "Jordan" not in actors("وعقد الاجتماع في العاصمة الأردنية.")


def test_people_are_read_after_titles_and_given_names_and_their_surname_alone_counts():
    found = extract_mentions("بحث مستشار الأمن القومي قاسم الأعرجي، اليوم، مع وزير الخارجية فؤاد حسين ملف الحدود. "
                             "وقال الأعرجي إن اللقاء كان مثمرا.", "", default_gazetteer(), "", DEFAULT_SOURCES)
    by_name = {a.name: a for a in found.actors}
    assert set(by_name) >= {"قاسم الأعرجي", "فؤاد حسين"}
    assert by_name["قاسم الأعرجي"].roles == ("مستشار الأمن القومي",)
    assert "الأعرجي" in by_name["قاسم الأعرجي"].forms and by_name["قاسم الأعرجي"].count == 2
    assert by_name["فؤاد حسين"].roles == ("وزير الخارجية",)
    assert not any(name.startswith("على") for name in by_name)          # a preposition is not the name Ali


def test_organisations_are_read_from_their_head_word_and_complement():
    found = actors("أعلنت هيئة الاستثمار الوطنية ووزارة الري المركزية عن مشروع، بحضور شركة موانئ العراق.")
    assert "هيئة الاستثمار الوطنية" in found
    assert "وزارة الري المركزية" in found                             # ووزارة: the conjunction is off
    assert any(name.startswith("شركة موانئ") for name in found)
    # with the article the phrase describes ("the Iraqi government"): only the country counts
    assert set(actors("وأكدت الحكومة العراقية دعمها.")) == {"Iraq"}


def test_the_articles_agency_is_not_an_actor_in_arabic_either():
    found = actors("وذكر بيان تلقته وكالة الأنباء العراقية (واع) أن الوزير وصل.", source="Iraqi News Agency")
    assert not any("وكالة" in name or "واع" in name for name in found)


# --- one actor in two scripts -----------------------------------------------------------------------

LATIN = ArticleInput("en", "2024-08-27", "NATO dialogue",
                     "National Security Adviser Qasim Al-Araji said NATO's mission is advisory. Al-Araji met Tom Goffus.")
ARABIC = ArticleInput("ar", "2024-09-10", "الأعرجي يلتقي وفد الناتو",
                      "التقى مستشار الأمن القومي قاسم الأعرجي، اليوم، وفد حلف شمال الأطلسي في بغداد.")


def test_an_arabic_and_a_latin_name_of_one_person_are_one_actor():
    res = resolve([LATIN, ARABIC], default_gazetteer(), DEFAULT_SOURCES)
    assert "Qasim Al-Araji" in res.articles["ar"] or "Qasim al-Araji" in res.articles["ar"]
    name = next(n for n in res.articles["ar"] if "Araji" in n)
    info = res.actors[name]
    assert set(info.article_ids) == {"en", "ar"} and "قاسم الأعرجي" in info.aliases
    assert any("Arabic and Latin script" in m.reason for m in res.merges)
    assert not [n for n in res.actors if arabic.has_arabic(n)]


def test_different_people_are_not_joined_and_a_near_match_is_listed_with_an_alias_to_paste():
    other = ArticleInput("ar2", "2024-09-11", "", "وقال النائب علي الأعرجي إن البرلمان سيصوت.")
    res = resolve([LATIN, other], default_gazetteer(), DEFAULT_SOURCES)
    assert "علي الأعرجي" in res.actors and len(res.actors["علي الأعرجي"].article_ids) == 1
    near = ArticleInput("ar3", "2024-09-12", "", "وقال قائد العمليات حيدر الزبيري إن القوات تقدمت.")
    latin = ArticleInput("en3", "2024-09-12", "", "Commander Haider al-Zubaidi said the troops advanced.")
    res = resolve([near, latin], default_gazetteer(), DEFAULT_SOURCES)
    assert "حيدر الزبيري" in res.actors and "Haider al-Zubaidi" in res.actors      # not merged
    text = review(res)
    assert "Haider al-Zubaidi / حيدر الزبيري" in text
    assert '["Haider al-Zubaidi"]' in text and 'aliases = ["حيدر الزبيري"]' in text


def test_a_gazetteer_arabic_alias_decides():
    site, problems = parse_gazetteer('["Qassim al-Araji"]\nkind = "person"\naliases = ["قاسم الأعرجي"]\n')
    assert not problems
    from dataclasses import replace
    gazetteer = replace(site, defaults=default_gazetteer())
    res = resolve([LATIN, ARABIC], gazetteer, DEFAULT_SOURCES)
    assert "Qassim al-Araji" in res.articles["ar"]


# --- topics -------------------------------------------------------------------------------------------

AR_TEXT = ("بحث مستشار الأمن القومي قاسم الأعرجي مع وفد حلف شمال الأطلسي تعزيز الشراكة في مجالات التدريب "
           "وبناء قدرات القوات الأمنية وأمن الحدود ومكافحة الإرهاب، وأكد أن مهمة الحلف استشارية وغير قتالية، "
           "وأن الحوار بين الجانبين مستمر.")


def test_arabic_articles_get_the_topics_english_ones_get_and_explain_shows_the_phrases():
    topics = assign_topics("الأعرجي يبحث الشراكة الأمنية مع الناتو", AR_TEXT)
    assert {"Security", "Diplomacy"} <= set(topics.topics)
    english = assign_topics("Al-Araji discusses security partnership with NATO",
                            "National Security Adviser Qasim al-Araji discussed with a NATO delegation the partnership "
                            "in training, capacity building of the security forces, border security and "
                            "counter-terrorism; the mission is advisory, not combat, and the dialogue between the two "
                            "sides goes on.")
    assert {"Security", "Diplomacy"} <= set(english.topics)
    article = ArticleInput("ar", "2024-09-10", "الأعرجي يبحث الشراكة الأمنية مع الناتو", AR_TEXT)
    res = resolve([article], default_gazetteer(), DEFAULT_SOURCES)
    mentions = extract_mentions(article.text, article.title, default_gazetteer(), "", DEFAULT_SOURCES)
    text = explain_article(article, res, topics, mentions)
    assert "الأمن القومي" in text and "Security: phrases" in text
    assert "NATO" in text and "قاسم الأعرجي" in text


def test_arabic_section_labels_name_topics():
    assert assign_topics("", "نص قصير.", "الأمن").topics[0] == "Security"
    assert assign_topics("", "نص قصير.", "رياضة").topics[0] == "Sport"

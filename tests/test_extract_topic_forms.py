"""Topic phrases match the regular forms of their last word (issue 18, found on the development
set): Arabic feminine, plural, adjective and pronoun endings with the article and proclitics,
English plurals; and the vocabulary the development set showed missing, in both languages."""
from __future__ import annotations

import pytest

from newsdigest.extract.topics import assign_topics, default_rules, inflections, parse_topic_rules, score_phrases


def phrases_found(text: str, phrase: str) -> list[str]:
    rules, _ = parse_topic_rules(f'[T]\nthreshold = 1\nmin_phrases = 1\n[T.phrases]\n"{phrase}" = 1\n')
    return [p for _, fired in score_phrases("", text, rules) for p, _, _ in fired.phrases]


@pytest.mark.parametrize("phrase, text", [
    ("حرب", "نفذتها طائرات حربية"),                  # adjective, feminine
    ("متهم", "وأحيل المتهمين إلى القضاء"),            # sound plural with the article
    ("سياسة", "ناقشا السياسات المالية"),              # a word in ة: plural
    ("سياسة", "قال المحلل السياسي"),                  # a word in ة: adjective
    ("إضراب", "واصلت النقابة إضرابها"),               # a pronoun ending
    ("vote", "lawmakers postponed two votes"),
    ("policy", "new policies on water"),
    ("tax", "higher taxes on imports"),
])
def test_a_phrase_matches_the_regular_forms_of_its_last_word(phrase, text):
    assert phrases_found(text, phrase) == [phrase]


def test_irregular_forms_are_not_invented():
    assert inflections("crisis") == ["crisis"]          # ends in s: left alone
    assert inflections("*") == ["*"]
    assert phrases_found("حروب طويلة", "حرب") == []       # a broken plural is written out, not guessed


@pytest.mark.parametrize("lang, title, text, topic", [
    ("ar", "حريق في مصفى", "اندلع حريق في مصفى الشعيبة وتوقفت وحدة التكرير، وأكدت الوزارة أن إنتاج النفط الخام لم يتأثر "
     "وأن المصفى سيعود إلى العمل خلال يومين.", "Energy"),
    ("ar", "ضبط أدوية مهربة", "ضبطت الهيئة شحنة أدوية مهربة، وأحيل المتهمون إلى القضاء بموجب مذكرة قضائية وفق قانون العقوبات.",
     "Crime and Justice"),
    ("ar", "تحذير من جفاف الأهوار", "حذرت الوزارة من ارتفاع ملوحة المياه في الأهوار، وقالت إن الطيور المهاجرة لم تعد تصل "
     "وإن التنوع الأحيائي مهدد.", "Environment"),
    ("en", "Maternity ward opens", "A charity opened a maternity ward where midwives will handle 400 births a month, "
     "the first surgery unit in the district.", "Health"),
    ("en", "Warplanes strike villages", "Warplanes struck three villages on Monday, and artillery shelled the hills as "
     "the incursion went on.", "Conflict and War"),
])
def test_the_vocabulary_the_development_set_lacked(lang, title, text, topic):
    assert topic in assign_topics(title, text, rules=default_rules()).topics


@pytest.mark.parametrize("title, text, topic", [
    ("Striker seals friendly", "The striker scored twice in the friendly and the goalkeeper saved a penalty, the national "
     "team coach said.", "Sport"),
    ("Orchestra returns", "The symphony orchestra gave its first concert in years; painters showed artworks at the gallery.",
     "Arts and Culture"),
    ("مواكب الزيارة", "انتشرت المواكب الحسينية حول العتبات، وأدى المصلون الصلاة في المرقد وسط خطبة الإمام.", "Religion"),
    ("منخفض جوي", "توقعت الهيئة منخفضا جويا مع عواصف وتراجع مدى الرؤية وارتفاع الرطوبة.", "Weather"),
])
def test_general_vocabulary_of_thin_topics_in_both_languages(title, text, topic):
    assert topic in assign_topics(title, text, rules=default_rules()).topics


@pytest.mark.parametrize("title, text, topic", [
    # second development set: thin topics whose general vocabulary was missing
    ("Old citadel reopens", "UNESCO said the restored monument, a landmark of the old city, was rebuilt by local "
     "craftsmen.", "Arts and Culture"),
    ("Storm hits the north", "Torrential rain and a downpour overnight flooded roads in the mountains.", "Weather"),
    ("Students build a sensor", "Students built a prototype sensor, a cheap device that warns of leaks; engineers "
     "plan to patent the invention.", "Science and Technology"),
    ("A baker at ninety", "He still bakes bread at dawn, his grandson at his side, and shares memories of the old "
     "market with customers.", "Human Interest"),
    ("Fugitive returned", "The fugitive, wanted for embezzlement under a red notice, was extradited on Monday.",
     "Crime and Justice"),
    ("ترميم القلعة", "أعلنت اليونسكو انتهاء ترميم المعالم الأثرية في القلعة بأيدي الحرفيين المحليين.", "Arts and Culture"),
    ("اختراع طلابي", "صمم طلبة جهاز استشعار رخيصا، وقالوا إن الاختراع سيسجل قريبا بعد تجربة النموذج الأولي.",
     "Science and Technology"),
    ("استرداد مطلوب", "تسلمت السلطات متهما هاربا صدرت بحقه النشرة الحمراء عبر الإنتربول.", "Crime and Justice"),
])
def test_more_general_vocabulary_of_thin_topics(title, text, topic):
    assert topic in assign_topics(title, text, rules=default_rules()).topics


@pytest.mark.parametrize("title, text, topic, phrase", [
    # third development set: the Arabic side of concepts the English rules had (and a few the
    # English lacked), across topics
    ("حملة في الريف", "بدأت فرق التطعيم جولة على القرى لحماية الأطفال من الحصبة وشلل الأطفال قبل الشتاء.", "Health",
     "تطعيم*"),
    ("حكم نهائي", "قضت المحكمة بالإعدام على مدانين اثنين، فيما أحيل ملف غسل الأموال إلى النيابة العامة.",
     "Crime and Justice", "غسل الأموال"),
    ("حكومة جديدة", "صوت النواب بمنح الثقة لحكومة جديدة بعد أشهر من الخلاف على تشكيل الحكومة.", "Politics",
     "منح الثقة"),
    ("قرار نقدي", "رفع البنك المركزي أسعار الفائدة نصف نقطة، وقال إن صندوق النقد الدولي أيد القرار.", "Economy",
     "أسعار الفائدة"),
    ("Rates rise again", "The central bank raised interest rates for the third time, and bank profits rose.",
     "Economy", "interest rate*"),
    ("Candidates register", "Candidates for the mayoral race registered before the vote of confidence in the "
     "council.", "Politics", "vote of confidence"),
])
def test_the_same_concepts_in_both_languages(title, text, topic, phrase):
    assignment = assign_topics(title, text, rules=default_rules())
    assert topic in assignment.topics
    fired = next(f for f in assignment.fired if f.rule == topic)
    assert phrase in [p for p, _, _ in fired.phrases], fired

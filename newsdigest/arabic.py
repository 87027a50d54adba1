"""Arabic text as the extractors need it: one spelling per word, clitics taken apart, names in
Latin letters as a reader would write them, and a skeleton to compare names across scripts.

- `normalise`: the spellings news copy mixes are made one (alef with or without hamza, alef
  maqsura and yaa, ta marbuta and haa, hamza carriers), diacritics and tatweel dropped.
- `stems`: the readings of one written word with its proclitics (و ف, then ب ل ك, and the
  article ال) taken off: "وبالعراق" can be "العراق"; "للأمن" is ل + "الأمن".
- `transliterate`: سلمان العبيدي -> "Salman al-Ubaydi": long vowels are written, short ones
  guessed from the common name patterns (CāCiC, CuCayC + nisba, ...), a table of frequent
  given names for the rest.
- `skeleton`: the consonants of a name in either script, with the letters romanisations
  confuse folded together, so that قاسم الأعرجي, Qasim al-Araji and Kassem Al-A'raji meet.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "arabic.toml"

ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
# Arabic-Indic and Eastern Arabic (Persian) digits, and the Arabic decimal separator, as ASCII.
WESTERN_DIGITS = str.maketrans("\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
                               "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9\u066b",
                               "01234567890123456789.")
WORD_RE = re.compile(r"[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u0640\u064b-\u0652\u0670]+")
_DIACRITICS = re.compile(r"[\u064b-\u0652\u0670\u0640]")     # tashkil, dagger alef, tatweel
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
                          "ک": "ك", "ی": "ي"})


def has_arabic(text: str) -> bool:
    return bool(ARABIC_RE.search(text))


def normalise(text: str) -> str:
    """One spelling per word; text without Arabic letters is returned unchanged."""
    if not has_arabic(text):
        return text
    return _DIACRITICS.sub("", unicodedata.normalize("NFC", text)).translate(_LETTERS)


def stems(word: str) -> list[tuple[int, str]]:
    """(letters of proclitic taken off, normalised stem) for every reading of a word, the
    word as written first. Only readings that leave two letters or more are given."""
    word = normalise(word)
    out = [(0, word)]
    for conj in ("", "و", "ف"):
        if conj and not word.startswith(conj):
            continue
        rest = word[len(conj):]
        if conj:
            out.append((len(conj), rest))
        for prep in ("ب", "ل", "ك"):
            if rest.startswith(prep) and len(rest) > 3:
                stem = rest[1:]
                out.append((len(conj) + 1, stem))
                if prep == "ل" and stem.startswith("ل"):
                    out.append((len(conj) + 1, "ا" + stem))     # لل = ل + ال: للعراق is ل + العراق
    seen, unique = set(), []
    for n, stem in out:
        if len(stem) >= 2 and stem not in seen:
            seen.add(stem)
            unique.append((n, stem))
    return unique


def without_article(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


def with_clitics(phrase: str) -> list[str]:
    """A normalised phrase and its written forms with and without the article ال and with
    proclitics on the first word (for matchers that need the written forms, such as topic
    phrases). Text without Arabic letters is returned as it is."""
    phrase = normalise(" ".join(phrase.split()))
    if not has_arabic(phrase):
        return [phrase]
    first, sep, rest = phrase.partition(" ")
    bare = without_article(first)
    forms = [first, bare] + [c + bare for c in ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل")]
    definite = "ال" + bare
    forms += [definite] + [c + definite for c in ("و", "ف", "ب", "ك", "وب", "فب", "وك")]
    forms += [c + "ل" + bare for c in ("", "و", "ف") if not bare.startswith("ل")]    # لل = ل + ال
    forms += [c + bare for c in ("", "و", "ف") if bare.startswith("ل")]            # للجنة: ل + اللجنة
    return list(dict.fromkeys(f + sep + rest for f in forms))


_SUFFIXES = ("ه", "ات", "ي", "يه", "ين", "ون", "يين", "يون", "ا", "ها", "هم")   # ة, plurals, nisba, tanween alef, her/their
_NISBA_SUFFIXES = ("ه", "ين", "ون", "ات")


def inflected(phrase: str) -> list[str]:
    """A normalised Arabic phrase with the regular endings of its last word: feminine ة, the
    sound plurals ات ين ون, the adjective ي ية يين يون, the accusative ا ("حرب" -> "حربية",
    "متهم" -> "المتهمين" with the article from `with_clitics`). A word in ة changes it for the
    plural or the adjective ("سياسة" -> "سياسات", "سياسي"). Broken plurals are not regular
    and are written out. Text without Arabic letters is returned as it is."""
    phrase = normalise(" ".join(phrase.split()))
    if not has_arabic(phrase):
        return [phrase]
    head, sep, last = phrase.rpartition(" ")
    if last.endswith("ه"):
        stem = last[:-1]
        endings = [stem + e for e in ("ات", "ي", "يه", "يين", "يون")]
    elif last.endswith("ي"):
        endings = [last + e for e in _NISBA_SUFFIXES]
    elif last.endswith(("ات", "ين", "ون")):
        endings = []
    else:
        endings = [last + e for e in _SUFFIXES]
    return [phrase] + [head + sep + e for e in endings if len(e) >= 3]


# --- data: given names, title and organisation words, topic and gazetteer additions --------------

@lru_cache(maxsize=1)
def data() -> dict:
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def given_names() -> dict[str, str]:
    """Normalised Arabic given name -> its usual Latin spelling."""
    return {normalise(ar): latin for ar, latin in data()["names"]["given"].items()}


# --- transliteration -----------------------------------------------------------------------------

_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ء": "", "پ": "p", "چ": "ch", "گ": "g", "ژ": "zh",
}


def _units(stem: str) -> list[str]:
    """The stem as consonants (Arabic letters) and long vowels ("A", "U", "I")."""
    units: list[str] = []
    for i, ch in enumerate(stem):
        prev = units[-1] if units else ""
        if ch in "اأإآى":
            # an alef that starts a word is a short vowel (أعرج a'raj); elsewhere a long a
            units.append(("i" if ch == "إ" else "a") if not units else "A")
        elif ch in "وي":
            # a consonant at the start of the word, after a vowel or before alef; a long vowel
            # after a consonant, except "ay" right after the first consonant (حيدر Haydar, زيد Zayd)
            if not units or prev in ("A", "U", "I") or stem[i + 1:i + 2] in ("ا", "أ"):
                units.append(ch)
            elif ch == "ي" and len(units) == 1 and i + 1 < len(stem):
                units.append("AY")
            else:
                units.append("U" if ch == "و" else "I")
        elif ch in "ؤئ":
            units.append("ء")
        else:
            units.append(ch)
    return units


def _vowelled(units: list[str], nisba: bool) -> list[str]:
    """Short vowels guessed from the pattern; see the module docstring."""
    shape = "".join("V" if u in ("A", "U", "I", "AY", "a", "i") else "C" for u in units)
    if shape == "CCVC" and units[2] == "I":             # فعيل: Rashid, Majid; with a nisba فعيل: al-Ubaydi
        return [units[0], "u", units[1], "a", "y", units[3]] if nisba else [units[0], "a", units[1], "i", units[3]]
    if shape == "CVCC" and units[1] == "A":             # فاعل: Qasim, Kazim; al-Maliki, al-Amiri
        return [units[0], "a", units[2], "i", units[3]]
    out: list[str] = []
    for n, u in enumerate(units):
        out.append(u)
        is_c = shape[n] == "C"
        next_c = n + 1 < len(shape) and shape[n + 1] == "C"
        # no Arabic word starts with two consonants, and a final pair is usually split: Hasan,
        # Jafar; after a long a, by i (mawarid, like Qasim)
        if is_c and next_c and (n == 0 or n + 2 == len(shape)):
            out.append("i" if n + 2 == len(shape) and n >= 1 and units[n - 1] == "A" else "a")
    return out


_PERSIAN_LETTERS = str.maketrans({"ک": "ك", "ی": "ي"})  # Persian keheh and yeh, as some sites type them


def transliterate_word(word: str) -> str:
    """One Arabic word in Latin letters, lower case ("الأعرجي" -> "al-araji")."""
    word = _DIACRITICS.sub("", unicodedata.normalize("NFC", word)).translate(_PERSIAN_LETTERS)
    known = given_names().get(normalise(word))
    if known:
        return known.lower()
    prefix = ""
    if word.startswith("ال") and len(word) > 3:
        prefix, word = "al-", word[2:]
        known = given_names().get(normalise(word))
        if known:
            return prefix + known.lower()
    ending = ""
    if word.endswith("ية") and len(word) > 4:
        word, ending = word[:-2], "iya"
    elif word.endswith("ي") and len(word) > 3 and word[-2] not in "اوي":
        word, ending = word[:-1], "i"
    elif word.endswith("ة"):
        word, ending = word[:-1], "a"
    units = _vowelled(_units(word), bool(ending == "i" and prefix))
    text = "".join({"A": "a", "U": "u", "I": "i", "AY": "ay"}.get(u, _CONSONANTS.get(u, u)) for u in units)
    text = re.sub(r"([aiu])\1+", r"\1", text + ending)
    return prefix + text


def transliterate(text: str) -> str:
    """Every Arabic word of a text in Latin letters; names get capitals ("Salman al-Ubaydi")."""
    def word(m: re.Match) -> str:
        latin = transliterate_word(m.group(0))
        head, sep, rest = latin.rpartition("al-")
        return (head + sep + rest[:1].upper() + rest[1:]) if sep and not head else latin[:1].upper() + latin[1:]
    return re.sub(r"[\u0621-\u064a\u0640\u064b-\u0652\u0670]+", word, text)


# --- comparing names across scripts -------------------------------------------------------------

_SKELETON_AR = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "g", "ح": "h", "خ": "k", "د": "d", "ذ": "d", "ر": "r", "ز": "z",
    "س": "s", "ش": "S", "ص": "s", "ض": "d", "ط": "t", "ظ": "d", "غ": "g", "ف": "f", "ق": "k", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "پ": "b", "چ": "S", "گ": "g", "ژ": "g",
}
# (European spellings of ch, which Arabic writes تش: Italian cci/cce, Hungarian cs, Polish cz)
_LATIN_DIGRAPHS = (("cci", "tSi"), ("cce", "tSe"), ("cs", "tS"), ("cz", "tS"),
                   ("kh", "k"), ("gh", "g"), ("sh", "S"), ("ch", "S"), ("th", "t"), ("dh", "d"), ("ph", "f"),
                   ("ou", "u"), ("ee", "i"), ("oo", "u"))
# ج is j in most spellings and g in Egypt and in names from European languages (جمال Gamal, جورج
# George): j and g are one letter here, and غ (gh, sometimes g) with them
_LATIN_SINGLE = str.maketrans({"q": "k", "c": "k", "j": "g", "p": "b", "v": "f", "z": "z", "x": "k"})
_LATIN_PARTICLES = {"al", "el", "ul", "il", "ad", "ar", "as", "at", "ash", "az", "an", "ath", "adh", "abu", "abou",
                    "bin", "ben", "ibn", "bint"}
_ABD_LATIN = {"abd", "abdul", "abdel", "abdal", "abdil", "abdol"}    # Abdul Latif: "servant of the"
_ARABIC_PARTICLES = {"بن", "ابن", "بنت", "ابو", "ال"}


def _latin_word(word: str) -> str:
    word = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if c.isalpha())
    for pair, one in _LATIN_DIGRAPHS:
        word = word.replace(pair, one)
    word = word.translate(_LATIN_SINGLE)
    word = re.sub(r"(?<=.)h$", "", word)            # Fatimah, Abdullah: a final h is often only spelling
    return re.sub(r"[aeiouyw]", "", word)


def _arabic_word(word: str) -> str:
    # the article as written: "إلينا" (Elena) and "إلهام" normalise to "الـ" but have none
    written = _DIACRITICS.sub("", word)
    word = normalise(word) if written.startswith(("إل", "أل", "آل")) else without_article(normalise(word))
    if word.endswith(("ه", "ح")):                    # ta marbuta (normalised to haa); a final ح, which Latin
        word = word[:-1]                             # writes h, a letter the Latin side drops (Salah, Fattah)
    return "".join(_SKELETON_AR.get(c, "") for c in word)     # و ي ا ع ء are vowels or silent here


@lru_cache(maxsize=65536)  # a name is compared with every name of the other script
def skeleton(name: str) -> tuple[str, ...]:
    """The consonant skeleton of each word of a name, particles and doubled letters left out."""
    out = []
    joined = False      # عبد and Abdul join the next word: عبد اللطيف, Abdul-Latif, Abdullatif
    for word in re.findall(r"[^\W\d_]+(?:['\u2019\u02bf\u02be][^\W\d_]+)*", name.replace("-", " ")):
        if has_arabic(word):
            if normalise(word) in _ARABIC_PARTICLES:
                continue
            bare = _arabic_word(word)
            abd = normalise(word) == "عبد"
        else:
            if word.lower() in _LATIN_PARTICLES:
                continue
            abd = word.lower() in _ABD_LATIN
            bare = "bd" if abd else _latin_word(word)
        if joined and out:
            bare, joined = out.pop() + bare, False
        bare = re.sub(r"(.)\1+", r"\1", bare)
        if bare:
            out.append(bare)
        joined = joined or abd
    return tuple(out)


def near(a: str, b: str) -> bool:
    """Skeletons one letter apart (a letter added, dropped or changed)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))

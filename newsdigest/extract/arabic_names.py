"""Reading names in Arabic news text: gazetteer names with their clitics, and people and
organisations in no gazetteer, found from the cues agency copy uses.

- `ArabicIndex` finds the gazetteer's Arabic forms whatever proclitics the first word carries
  ("والعراق", "بحلف شمال الأطلسي", "للأمم المتحدة"); the `Matcher` asks it for every text.
- `discover` reads the rest: a title or office ("مستشار الأمن القومي قاسم الأعرجي", "وزير
  خارجية تركيا ...") or a frequent given name starts a person's name; an organisation head
  without the article ("وزارة ...", "هيئة ...", "شركة ...") starts an organisation's name, which
  goes on with its complement. A surname alone later in the article ("الأعرجي") counts for the
  person named in full.
- `same_person` decides whether an Arabic and a Latin name are one person (see `arabic.skeleton`);
  `same_organisation` whether they name one body (their words translate, data/arabic.toml
  [organisation_words]; names of places compared by their skeletons).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping

from .. import arabic

_TOKEN = re.compile(r"[\u0621-\u064a\u0640\u064b-\u0652\u0670]+|[0-9\u0660-\u0669]+|[^\s]")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    word: bool                       # an Arabic word (not a digit or a punctuation mark)
    readings: tuple[tuple[int, str], ...]


def tokenise(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        word = arabic.has_arabic(m.group()) and m.group()[0] not in "،؛؟"
        out.append(Token(m.group(), m.start(), m.end(), word, tuple(arabic.stems(m.group())) if word else ()))
    return out


def _skip_letters(written: str, letters: int) -> int:
    """Offset in the written word after `letters` letters (diacritics do not count)."""
    n = 0
    for i, ch in enumerate(written):
        if n == letters:
            return i
        if not arabic._DIACRITICS.match(ch):
            n += 1
    return len(written)


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    d = arabic.data()
    norm = lambda xs: frozenset(arabic.normalise(x) for x in xs)      # noqa: E731
    return {
        "titles": _with_feminine(norm(d["titles"]["heads"]), norm(d["titles"]["links"]) | norm(d["organisations"]["heads"])
                                 | norm(d["places"]["provinces"]) | norm(d["words"]["places"])), "links": norm(d["titles"]["links"]), "ranks": norm(d["titles"]["ranks"]),
        "honorifics": norm(d["titles"]["honorifics"]),
        "org_heads": norm(d["organisations"]["heads"]), "org_places": norm(d["organisations"]["places"]),
        "verbal": norm(d["organisations"]["verbal"]), "naming": norm(d["organisations"]["naming_adjectives"]),
        "family_titles": norm(d["names"]["family_titles"]),
        "by_adjective": frozenset("ال" + arabic.normalise(x) for x in d["organisations"]["named_by_adjective"]),
        "provinces": norm(d["places"]["provinces"]),
        "stop": norm(d["words"]["stop"]), "places": norm(d["words"]["places"]), "speech": norm(d["words"]["speech"]),
        "nouns": norm(d["words"]["nouns"]),
        "given": frozenset(arabic.given_names()) - norm(d["names"]["ambiguous"]),   # علي and على normalise alike
    }


def _with_feminine(titles: frozenset[str], other_words: frozenset[str]) -> frozenset[str]:
    """Titles with their feminine in ة (normalised to ه): مفوض and مفوضة, محامي and محامية; not
    where that form is a word of another kind (محافظ, but محافظة is a province)."""
    feminine = {t + "ه" for t in titles if not t.endswith("ه") and len(t) >= 3} \
        | {t[:-1] + "يه" for t in titles if t.endswith("ي") and len(t) >= 4}
    return titles | {f for f in feminine if f not in other_words and arabic.without_article(f) not in other_words}


def _definite(tok: Token) -> bool:
    """A word with the article, whatever proclitics come before it ("والسياحة", "للاتصالات")."""
    if not tok.word:
        return False
    written = arabic._DIACRITICS.sub("", tok.text)
    # the article as written: "ال", or "لل" after the preposition ل; not the alef with hamza
    # that normalising makes look alike ("إلينا", "إلهام" are names)
    return any(stem.startswith("ال") and len(stem) > 3 and (written[n:].startswith("ال") or
                                                           (n >= 1 and written[n - 1:].startswith("لل")))
               for n, stem in tok.readings)


def _with_l(tok: Token) -> bool:
    """A word with the preposition ل on a bare noun ("لنقل", "لمكافحة"): a complement goes on."""
    norm = arabic.normalise(tok.text)
    return tok.word and any(n >= 1 and norm[:n].endswith("ل") for n, _ in tok.readings) and not _definite(tok)


def _org_head(tokens: list[Token], i: int, w: dict) -> tuple[int, str] | None:
    """The reading of token i that is an organisation's head word, unless the head is also a
    verbal noun or a place and a preposition stands before it ("لقيادة المنتخب", "إلى مركز
    الإيواء")."""
    tok = tokens[i]
    head = _stem(tok, w["org_heads"])
    if head is not None and head[1] in w["verbal"] and (
            head[0] > 0 and arabic.normalise(tok.text)[head[0] - 1] in "بل"
            or (i > 0 and arabic.normalise(tokens[i - 1].text) in _PREPOSITIONS and not _named_chain(tokens, i, w))):
        return None
    return head


def _named_chain(tokens: list[Token], i: int, w: dict) -> bool:
    """A head followed by a bare word and then a province ("من قيادة عمليات الأنبار"): a body's
    name, where the verbal noun takes its object at once ("إلى مركز الإيواء", "لقيادة المنتخب")."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return nxt is not None and nxt.word and not _definite(nxt) and _province(tokens, i + 2, w)


def _definite_head(tok: Token, w: dict) -> tuple[int, str] | None:
    """The reading of a token that is an organisation head with the article ("الهيئة")."""
    for letters, stem in tok.readings:
        if stem.startswith("ال") and stem[2:] in w["org_heads"]:
            return letters, stem
    return None


def _province(tokens: list[Token], k: int, w: dict) -> bool:
    return k < len(tokens) and tokens[k].word and _stem(tokens[k], w["provinces"]) is not None


_TITLE_PREPOSITIONS = frozenset(arabic.normalise(p) for p in ("في", "عن", "لدى"))
_PREPOSITIONS = frozenset(arabic.normalise(p) for p in ("في", "إلى", "الى", "من", "ضمن", "عبر", "على", "نحو", "لدى"))


class ArabicIndex:
    """The Arabic written forms of a gazetteer, by their normalised words."""

    def __init__(self, forms: Iterable[tuple[str, tuple]]):
        self.table: dict[tuple[str, ...], list[tuple]] = {}
        for surface, candidate in forms:
            key = tuple(arabic.normalise(surface).split())
            if key:
                self.table.setdefault(key, []).append(candidate)
        self.longest = max((len(k) for k in self.table), default=0)

    def __len__(self) -> int:
        return len(self.table)

    def find(self, text: str) -> list[tuple[int, int, str, tuple]]:
        """(start, end, surface, candidates) of the longest matches, left to right; the surface
        is the name without its proclitics ("للعراق" -> "العراق"). A demonym right after a noun
        of place ("العاصمة الأردنية") describes where, and is left out."""
        if not self.table or not arabic.has_arabic(text):
            return []
        tokens = tokenise(text)
        places = _words()["places"]
        found = []
        i = 0
        while i < len(tokens):
            match = self._match_at(tokens, i)
            if match is None:
                i += 1
                continue
            n, letters, stem, candidates = match
            tok = tokens[i]
            demonym = all(c[3] == "demonym" for c in candidates)
            after_place = i > 0 and any(s in places for _, s in tokens[i - 1].readings)
            if not (demonym and after_place):
                start, end = tok.start + _skip_letters(tok.text, letters), tokens[i + n - 1].end
                surface = text[start:end]
                if arabic.normalise(surface.split()[0]) != stem:
                    surface = "ا" + surface      # ل + ال is written لل: the article's alef comes back
                found.append((start, end, surface, tuple(candidates)))
            i += n
        return found

    def _match_at(self, tokens: list[Token], i: int):
        if not tokens[i].word:
            return None
        for n in range(min(self.longest, len(tokens) - i), 0, -1):
            rest = tokens[i + 1:i + n]
            if not all(t.word for t in rest):
                continue
            tail = tuple(arabic.normalise(t.text) for t in rest)
            for letters, stem in tokens[i].readings:
                candidates = self.table.get((stem, *tail))
                if candidates:
                    return n, letters, stem, candidates
        return None


# --- discovery -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    """A person or organisation read in Arabic text."""

    name: str                        # as written, without proclitics
    kind: str                        # "person" or "organisation"
    start: int
    end: int
    evidence: str                    # "title", "given name", "organisation name", "surname"
    role: str = ""                   # the title written before a person's name


def _stem(tok: Token, words: frozenset[str]) -> tuple[int, str] | None:
    """The reading of a token that is one of `words`, if any."""
    for letters, stem in tok.readings:
        if stem in words:
            return letters, stem
    return None


def _is_name_word(tok: Token, w: dict, foreign_second: bool = False) -> bool:
    if not tok.word:
        return False
    norm = arabic.normalise(tok.text)
    if len(norm) < 2 or norm in w["stop"] or norm in w["titles"] or norm in w["org_heads"] or norm in w["nouns"]:
        return False
    written = arabic._DIACRITICS.sub("", tok.text)
    if written.endswith(("ه", "ها", "هم", "هما")) and len(written) >= 5 and norm not in arabic.given_names() \
            and not written.endswith("الله"):
        return False        # a noun with a pronoun ("اعتماده", "لقائه"), not a name
    # a word with the conjunction و starts the next phrase ("ووزير", "وأكد"), unless it is a name,
    # or the family name of a foreign given name ("جوليا ويبر": Weber)
    if foreign_second and norm.startswith("و"):
        rest = norm[1:]
        return len(rest) >= 3 and not rest.startswith("ال") and rest not in w["stop"] and rest not in w["titles"]
    return not norm.startswith("و") or norm in arabic.given_names()


def _name_after(tokens: list[Token], j: int, taken: set[int], w: dict, closers: set[int] = frozenset(),
                titled: bool = False) -> int:
    """End (exclusive) of a person's name starting at token j: words without the article, at
    most one word with it (the family name, al-...), after which the name ends; 2-5 words. A
    family name that is also a country's adjective ends it too ("محمد شياع السوداني": al-Sudani,
    not Sudan). After a title, a third bare word goes on when the name ends there ("رجب طيب
    أردوغان مع ...")."""
    k = j
    foreign = j < len(tokens) and arabic.normalise(tokens[j].text) not in arabic.given_names()
    while k < len(tokens) and k - j < 5:
        if k in taken:
            if k > j and k in closers and _nisba(tokens[k]):
                return k + 1
            break
        norm = arabic.normalise(tokens[k].text)
        if k > j and norm in w["family_titles"] and _ends_name(tokens, k + 1, w) and k not in taken:
            return k + 1            # "كريم السيد إن ...": a family name that is also a title
        if not _is_name_word(tokens[k], w, foreign and k == j + 1):
            break
        if k > j and norm.startswith("ال") and arabic.normalise(tokens[k - 1].text) not in ("عبد", "ابو", "بن"):
            if norm.endswith(("ه", "ات")) and norm not in arabic.given_names() \
                    and not (titled and norm.endswith("ه") and _ends_name(tokens, k + 1, w)):
                break       # a feminine or plural noun, not a family name ("طوقت المنطقة", "عمار الميدالية");
                            # after a title, where nothing follows, one ("وزير المياه رائد الطراونة إن")
            return k + 1
        if k >= j + 2 and norm not in arabic.given_names() and arabic.normalise(tokens[k - 1].text) != "عبد":
            if titled and k == j + 2 and _ends_name(tokens, k + 1, w):
                return k + 1
            break           # a third word without the article goes on only when it is a known name
        k += 1
    return k


def _nisba(tok: Token) -> bool:
    """A word with the article and the ending of an adjective of origin ("السوداني")."""
    norm = arabic.normalise(tok.text)
    return norm.startswith("ال") and norm.endswith("ي") and len(norm) >= 5


def _ends_name(tokens: list[Token], k: int, w: dict) -> bool:
    """Whether nothing of a name can follow at token k: the end, punctuation, a stop word."""
    return k >= len(tokens) or not tokens[k].word or arabic.normalise(tokens[k].text) in w["stop"] \
        or _stem(tokens[k], w["stop"]) is not None


def _org_after(tokens: list[Token], j: int, taken: set[int], closers: set[int], w: dict,
               definite: bool = False, bodies: frozenset[int] = frozenset()) -> int:
    """End (exclusive) of an organisation's complement starting at token j: a construct chain
    of bare words ended by a word with the article ("نفط البصرة") or a province ("صحة كربلاء"),
    then only adjectives with the article ("الموارد المائية"), coordinated ones ("والشؤون
    الاجتماعية") or a complement with ل ("لنقل الطاقة", "للاتصالات"), which starts a new chain."""
    k = j
    while k < len(tokens) and k - j < 7 and (k not in taken or k in closers) and tokens[k].word:
        if k in closers:            # a country or its adjective ends the name: "شركة موانئ العراق"
            while k + 1 in closers and not tokens[k + 1].text.startswith(("و", "ف")):
                k += 1              # the rest of the country's name: "الإمارات العربية المتحدة"
            while k + 1 < len(tokens) and k + 1 not in taken and arabic.normalise(tokens[k + 1].text) in w["naming"] \
                    and not _time_after(tokens, k + 2):
                k += 1              # and an adjective of naming: "مصرف الإمارات العربية المتحدة المركزي"
            return k + 1
        tok = tokens[k]
        norm = arabic.normalise(tok.text)
        if norm == "في" and k > j and _region_after(tokens, k + 1, taken, w):
            return _region_after(tokens, k + 1, taken, w)   # "هيئة السياحة في إقليم كردستان"
        if norm == "في" and k + 1 in closers and not _nisba(tokens[k + 1]) \
                and any(arabic.normalise(tokens[m].text).startswith("لل") for m in range(max(0, j - 1), k)):
            return k + 2            # after a complement, the country it serves: "بعثة ... للدعم في ليبيا"
        if definite and norm in w["naming"] and not _time_after(tokens, k + 1):
            k += 1                  # "للأمن العام": a naming adjective, not the year ("العام الماضي")
            continue
        if norm in w["stop"] or norm in w["titles"] or norm in _PREPOSITIONS or _by_or_with(tok, w):
            break
        if not _definite(tok) and _PRONOUN_END.search(tok.text):
            break       # a pronoun ends no name: "ائتلاف تقوده شركة ..." ("a coalition that a company leads")
        if k > j and norm.startswith(("و", "ف")) and not _stem(tok, w["given"]):
            # "والشؤون الاجتماعية" goes on; "ووزارة ..." starts another name
            if _definite(tok) and not _stem(tok, w["org_heads"]):
                k += 1
                definite = True
                continue
            break
        if _province(tokens, k, w):
            while k + 1 < len(tokens) and k + 1 not in taken and _province(tokens, k + 1, w) \
                    and not arabic.normalise(tokens[k + 1].text).startswith(("و", "ف")):
                k += 1      # "ذي قار", "صلاح الدين"
            if k == j and k + 1 < len(tokens) and k + 1 not in taken \
                    and arabic.normalise(tokens[k + 1].text).startswith("لل"):
                definite = False    # a place in the name, then what it does: "شركة أربيل للإسكان الحديث"
                k += 1
                continue
            return k + 1            # a province ends the name: "شرطة محافظة البصرة"
        if _definite(tok):
            if k > j and _adjective(tokens[k - 1], w) and not _adjective(tok, w):
                break               # after an adjective a definite noun is the next phrase: "مديرية المرور العامة الحادث"
            if k > j and arabic.normalise(tokens[k - 1].text).startswith(("وال", "فال")) and not _adjective(tok, w):
                break               # and after a noun joined by و: "وزارة المياه والري العقد"
            definite = True
            k += 1
            continue
        if _with_l(tok) and definite and _body_after(tokens, k + 1, taken, bodies, w):
            # whose it is, a body the gazetteer knows: "هيئة الربط الكهربائي لدول مجلس التعاون الخليجي"
            return _body_after(tokens, k + 1, taken, bodies, w)
        if _with_l(tok) and definite and (_chain_reaches_a_name(tokens, k + 1, taken, closers, w)):
            definite = False        # a complement with ل starts a new chain: "لنقل الطاقة"
            k += 1
            continue
        if definite:
            break                   # after a word with the article only adjectives follow
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        if k == j and norm in w["given"]:
            break
        if following is None or not following.word:
            break
        if (k + 1 in taken and k + 1 not in closers):
            break
        if _chain_reaches_a_name(tokens, k + 1, taken, closers, w):
            k += 1
            continue
        if k > j:
            k += 1                  # a bare word after a bare word: the chain goes on
            continue
        break
    return k


# a pronoun written onto a word (ه as written, not the ة that normalises to it): its, her, their
_PRONOUN_END = re.compile("(?:ه|ها|هم|هما|هن)$")


_TIME_WORDS = frozenset(arabic.normalise(x) for x in ("الماضي", "المقبل", "الحالي", "الجاري", "القادم", "المنصرم"))


def _time_after(tokens: list[Token], k: int) -> bool:
    return k < len(tokens) and arabic.normalise(tokens[k].text) in _TIME_WORDS


def _naming_complement(tokens: list[Token], k: int, taken: set[int]) -> bool:
    """A complement with ل that goes on naming a body after a country's adjective: on a word with
    the article ("للشغل", "للتنمية") or on a bare noun that is no verbal noun of purpose
    ("لكرة القدم"; not "لإعادة الدفعات", "لتنظيم ...")."""
    if k >= len(tokens) or k in taken or not tokens[k].word:
        return False
    norm = arabic.normalise(tokens[k].text)
    if norm.startswith("لل"):
        return True
    return _with_l(tokens[k]) and not norm[1:].startswith(("ا", "ت")) and k + 1 < len(tokens) and _definite(tokens[k + 1])


def _by_or_with(tok: Token, w: dict) -> bool:
    """A word with the preposition ب on the article ("بالقرار", "بالوقوف") or on a title or head
    ("برئاسة", "بقيادة"): what the body did or who leads it, never a word of its name."""
    norm = arabic.normalise(tok.text)
    if norm.startswith("بال") and len(norm) > 4:
        return True
    return norm.startswith("ب") and any(n == 1 and (stem in w["titles"] or stem in w["verbal"]) for n, stem in tok.readings)


def _region_after(tokens: list[Token], k: int, taken: set[int], w: dict) -> int:
    """End of "إقليم كردستان" or "محافظة البصرة" at token k, written after "في" at the end of a
    body's name (the body of that region); 0 when none is there."""
    if k + 1 < len(tokens) and k not in taken and arabic.normalise(tokens[k].text) in _REGION_WORDS \
            and _province(tokens, k + 1, w):
        return k + 2
    return 0


_REGION_WORDS = frozenset(arabic.normalise(x) for x in ("إقليم", "محافظة", "اقليم"))


def _body_after(tokens: list[Token], k: int, taken: set[int], bodies: frozenset[int], w: dict) -> int:
    """The end of a gazetteer body reached from token k through at most two bare words ("دول
    مجلس التعاون الخليجي"), else 0."""
    for n in range(k, min(k + 3, len(tokens))):
        if n in bodies:
            while n + 1 in bodies:
                n += 1
            return n + 1
        tok = tokens[n]
        norm = arabic.normalise(tok.text)
        if not tok.word or n in taken or _definite(tok) or norm in w["stop"] or norm.startswith(("و", "ف")):
            return 0
    return 0


def _chain_reaches_a_name(tokens: list[Token], k: int, taken: set[int], closers: set[int], w: dict) -> bool:
    """Whether bare words from token k (at most three) lead to a word with the article, a
    province or a country: the construct chain "شرطة محافظة البصرة" goes on to its end."""
    for n in range(k, min(k + 3, len(tokens))):
        tok = tokens[n]
        if not tok.word or (n in taken and n not in closers):
            return False
        if _definite(tok) or _province(tokens, n, w) or n in closers:
            return True
        norm = arabic.normalise(tok.text)
        if norm in w["stop"] or norm in w["titles"] or norm.startswith(("و", "ف")) or _with_l(tok):
            return False
    return False


def _adjective(tok: Token, w: dict) -> bool:
    """A definite adjective as written, with no proclitic: one of naming, or of the nisba form
    ("السمفونية", "الكردستاني"); not a noun that happens to start with ال ("التزامها")."""
    norm = arabic.normalise(tok.text)
    return tok.word and norm.startswith("ال") and (norm in w["naming"] or norm.endswith(("ي", "يه")))


def _named_definite(tokens: list[Token], i: int, taken: set[int], closers: set[int], w: dict) -> int:
    """End of a name whose head has the article and an adjective of naming among the adjectives
    after it, then a complement or a country's adjective ("الهيئة العامة للأنواء الجوية", "الفرقة
    السمفونية الوطنية العراقية"); i itself when the phrase only describes ("الشركة العامة",
    "الحكومة العراقية")."""
    k = i + 1
    naming = False
    while k < len(tokens) and k - i <= 3 and k not in taken and _adjective(tokens[k], w):
        naming = naming or arabic.normalise(tokens[k].text) in w["naming"]
        k += 1
    after = k + 1
    while k in closers and after < len(tokens) and after not in taken and arabic.normalise(tokens[after].text) in w["naming"]:
        after += 1                  # "الاتحاد العراقي المركزي لرفع الأثقال": adjectives of naming after it
    if k in closers and _naming_complement(tokens, after, taken):
        # a country's adjective and a complement name it: "المعهد الألماني للآثار", "الصندوق
        # الكويتي للتنمية الاقتصادية", "الاتحاد العام التونسي للشغل", "الجامعة الملكية المغربية
        # لكرة القدم"; without the complement it describes ("الحكومة العراقية")
        return max(_org_after(tokens, after + 1, taken, closers, w, definite=_definite(tokens[after])), after + 1)
    if k == i + 2 and _stem(tokens[i], w["by_adjective"]) is not None and not (naming and _l_complement_at(tokens, k, taken)):
        # a university or a court by its adjective: "الجامعة المستنصرية", "المحكمة العليا"
        return k
    if not naming:
        return i
    if k < len(tokens) and k in closers:
        return k + 1                # a country's adjective ends it: "... الوطنية العراقية"
    if not _l_complement_at(tokens, k, taken):
        return k if k - i >= 3 else i   # two adjectives name it: "الاتحاد الوطني الكردستاني"
    return max(_org_after(tokens, k + 1, taken, closers, w, definite=_definite(tokens[k])), k + 1)


def _l_complement_at(tokens: list[Token], k: int, taken: set[int]) -> bool:
    return k < len(tokens) and k not in taken and (_with_l(tokens[k]) or arabic.normalise(tokens[k].text).startswith("لل"))


def _title_end(tokens: list[Token], i: int, taken: set[int], closers: set[int], w: dict,
               orgs: list[tuple[int, int, int, bool]]) -> int:
    """End of a title's complement from token i + 1: words with the article, links, gazetteer
    names, "في" with a place named, a bare word before a province ("مدير تربية نينوى"), and an
    organisation named inside it ("مدير عام شركة مصافي الجنوب"), which is recorded in `orgs`."""
    j = i + 1
    while j < len(tokens) and tokens[j].word:
        tok = tokens[j]
        norm = arabic.normalise(tok.text)
        if j > i + 1 and norm in w["honorifics"] and j not in taken:
            # "... في الأنبار المهندس أركان الفهداوي": the name comes next, after a nationality
            # ("الجنرال الدنماركي لارس بيترسن")
            return j + 2 if j + 1 in closers and _nisba(tokens[j + 1]) else j + 1
        head = _org_head(tokens, j, w)
        if head is not None and not head[1].startswith("ال") and j not in taken:
            end = _org_after(tokens, j + 1, taken, closers, w)
            if end > j + 1:
                if head[1] not in w["org_places"] and not _only_heads(tokens, j, end, w):   # "في مطار بغداد": where
                    orgs.append((j, head[0], end, _origin_last(tokens, end, closers, w)))
                j = end
                continue
        named = _definite_head(tok, w) if j not in taken else None
        if named is not None:
            end = _named_definite(tokens, j, taken, closers, w)
            if end > j + 1:         # "المدير العام للهيئة العامة للسدود والخزانات": a body named inside
                orgs.append((j, named[0], end, False))
                j = end
                continue
        if j in taken or norm in w["links"] or (_definite(tok) and norm not in w["stop"]):
            j += 1
        elif norm in _TITLE_PREPOSITIONS and j + 1 < len(tokens) and (
                j + 1 in taken or _province(tokens, j + 1, w) or _province(tokens, j + 2, w)
                or _org_head(tokens, j + 1, w) is not None or _definite_head(tokens[j + 1], w) is not None):
            j += 1          # "ممثلة المنظمة في العراق", "النائبة عن محافظة البصرة", "في الشركة": the title goes on
        elif norm in _TITLE_PREPOSITIONS and j + 2 < len(tokens) and tokens[j + 1].word and j + 1 not in taken \
                and _between_commas(tokens, j + 2, taken, w):
            j += 2          # "مدير مكتب المنظمة في طرابلس، سامر الخطيب،": a place the title ends with
        elif _with_l(tok) and j + 1 < len(tokens) and _definite(tokens[j + 1]):
            j += 1
        elif _province(tokens, j + 1, w) and norm not in w["stop"] and not _stem(tok, w["given"]):
            j += 1
        else:
            break
    return j


def _another_title_ahead(tokens: list[Token], end: int, w: dict) -> bool:
    """A title further on, past words with the article and "في" ("مدير قسم الأمن السيبراني في
    الجهاز العميد سامر ..."): what stood between was still the first title's complement."""
    for k in range(end, min(end + 6, len(tokens))):
        tok = tokens[k]
        if k > end and _stem(tok, w["titles"]) is not None:
            return True
        if not tok.word or not (_definite(tok) or arabic.normalise(tok.text) == "في"):
            return False
    return False


def _origin_last(tokens: list[Token], end: int, closers: set[int], w: dict) -> bool:
    return end - 1 in closers and _adjective(tokens[end - 1], w)


def _only_heads(tokens: list[Token], i: int, end: int, w: dict) -> bool:
    """Words that are all organisation heads ("مجلس إدارة المؤسسة", "the institution's board")
    point back to a body named elsewhere; they name none."""
    return all(_stem(tokens[k], w["org_heads"]) is not None or _definite_head(tokens[k], w) is not None
               for k in range(i, end))


def _organisation(text: str, tokens: list[Token], i: int, letters: int, end: int,
                  origin: bool = False) -> Found:
    """The body named by tokens i..end; with `origin`, a last word that is a country's adjective
    says whose body it is ("شركة نوردغاز الألمانية": Nordgas, a German company; "وزارة المياه
    والري الأردنية") and stays out of the name, though inside the span (it is not the country
    acting)."""
    start = tokens[i].start + _skip_letters(tokens[i].text, letters)
    last = end - 1 if origin and end - 1 > i + 1 else end
    name = text[start:tokens[last - 1].end]
    if letters and arabic.normalise(tokens[i].text)[letters - 1:letters + 1] == "لل":
        name = "ا" + name           # ل + ال is written لل: the article's alef comes back
    return Found(name, "organisation", start, tokens[end - 1].end, "organisation name")


_AYA, _ALLAH = arabic.normalise("آية"), arabic.normalise("الله")


def discover(text: str, taken_spans: Iterable[tuple[int, int]] = (),
             closer_spans: Iterable[tuple[int, int]] = (), body_spans: Iterable[tuple[int, int]] = ()) -> list[Found]:
    """People and organisations in no gazetteer; `taken_spans` are the gazetteer's hits and
    masked spans (they are not read again, and they end a name); `closer_spans`, among them,
    may end an organisation's name (countries and their adjectives), and `body_spans` (the
    gazetteer's bodies) may end its complement with ل ("... لدول مجلس التعاون الخليجي")."""
    if not arabic.has_arabic(text):
        return []
    w = _words()
    tokens = tokenise(text)
    spans = list(taken_spans)
    taken = {n for n, t in enumerate(tokens) if any(s < t.end and t.start < e for s, e in spans)}
    ends = list(closer_spans)
    closers = {n for n in taken if any(s < tokens[n].end and tokens[n].start < e for s, e in ends)}
    body_list = list(body_spans)
    bodies = frozenset(n for n in taken if any(s < tokens[n].end and tokens[n].start < e for s, e in body_list))
    found: list[Found] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if i in taken or not tok.word:
            i += 1
            continue
        head = _org_head(tokens, i, w)
        if head is not None and not head[1].startswith("ال"):
            end = _org_after(tokens, i + 1, taken, closers, w, bodies=bodies)
            if end > i + 1 and head[1] not in w["org_places"] and (i + 1 in closers or not _for_purpose(tokens[i + 1])) \
                    and not _only_heads(tokens, i, end, w):
                found.append(_organisation(text, tokens, i, head[0], end, _origin_last(tokens, end, closers, w)))
                i = end
                continue
        said = _said_by_a_name(tokens, i, taken, w)
        if said:
            found.append(Found(text[tokens[i + 1].start:tokens[i + 2].end], "person", tokens[i + 1].start,
                               tokens[i + 2].end, "verb"))
            i += 3
            continue
        apposed = _apposition(tokens, i, taken, w)
        if apposed:
            # "وقال كاروان عمر، عضو نقابة أطباء كردستان، إن ...": the name, then its title, whose
            # complement (organisations inside it included) is not read as another name
            name_end, title_at = apposed
            orgs: list[tuple[int, int, int, bool]] = []
            end = _title_end(tokens, title_at, taken, closers, w, orgs)
            role = text[tokens[title_at].start:tokens[end - 1].end]
            found.append(Found(text[tokens[i + 1].start:tokens[name_end - 1].end], "person", tokens[i + 1].start,
                               tokens[name_end - 1].end, "apposition", role))
            found += [_organisation(text, tokens, *org) for org in orgs]
            i = end
            continue
        definite_head = _definite_head(tok, w)
        if definite_head is not None:
            end = _named_definite(tokens, i, taken, closers, w)
            if end > i + 1:
                found.append(_organisation(text, tokens, i, definite_head[0], end))
                i = end
                continue
        title = _stem(tok, w["titles"])
        if title is not None and title[1] == _AYA and not (i + 1 < len(tokens) and arabic.normalise(tokens[i + 1].text) == _ALLAH):
            title = None        # آية is a title only in آية الله; "ولاية" is no و + ل + آية
        if title is not None:
            orgs: list[tuple[int, int, int, bool]] = []
            j = i + 1 if title[1] in w["ranks"] else _title_end(tokens, i, taken, closers, w, orgs)
            found += [_organisation(text, tokens, *org) for org in orgs]
            if j > i + 1 and _between_commas(tokens, j, taken, w):
                j += _commas_skip(tokens, j, taken, w)  # "وأكدت ممثلة البرنامج في العراق، إلينا فوس، أن"
            # a name does not start with the article ("الفريق الفني عزل ...": no name)
            end = j if j < len(tokens) and _definite(tokens[j]) else _name_after(tokens, j, taken, w, closers, True)
            first = arabic.normalise(tokens[j].text) if j < len(tokens) else ""
            # a first word that may be a preposition on a noun ("لطوارئ") needs to be a known name,
            # or a family name with the article after it
            ambiguous = j < len(tokens) and any(n == 1 and arabic.normalise(tokens[j].text)[0] in "لبوف"
                                                for n, _ in tokens[j].readings) \
                and first not in arabic.given_names() and not (end - j == 2 and _definite(tokens[j + 1])) \
                and not (j > i + 1 and _foreign_first_name(tokens, j, end, w))
            # a title that is also a place ("المحافظة": the province, rarely a woman governor)
            # needs a known given name after it
            placeish = {arabic.normalise(tok.text), arabic.without_article(title[1])} & w["places"]
            ambiguous = ambiguous or (bool(placeish) and first not in arabic.given_names())
            if end - j >= 2 and not ambiguous and not (first not in arabic.given_names()
                                                       and _another_title_ahead(tokens, end, w)):
                role_start = tok.start + _skip_letters(tok.text, title[0])
                role = text[role_start:tokens[j - 1].end]
                found.append(Found(text[tokens[j].start:tokens[end - 1].end], "person", tokens[j].start,
                                   tokens[end - 1].end, "title", role))
                i = end
                continue
            i = j if j > i + 1 else i + 1
            continue
        given = _stem(tok, w["given"])
        if given is not None and not (tok.text.endswith("ى") and arabic.normalise(tok.text) in w["stop"]):
            end = _name_after(tokens, i + 1, taken, w, closers)
            if end > i + 1:
                start = tok.start + _skip_letters(tok.text, given[0])
                found.append(Found(text[start:tokens[end - 1].end], "person", start, tokens[end - 1].end, "given name"))
                i = end
                continue
        i += 1
    local = _surnames(tokens, found, taken)
    return found + local + _family_names_alone(text, tokens, found + local, taken, w)


def _foreign_first_name(tokens: list[Token], j: int, end: int, w: dict) -> bool:
    """A first name from another language that begins with a letter a proclitic could be ("لارس
    بيترسن", "باولا ريتشي"): after the letter a bare alef, which an Arabic noun so prefixed
    would write with its hamza ("لإعادة") or as the article ("بالوكالة"), and a second word of no
    article, not a common noun."""
    written = tokens[j].text
    return end - j == 2 and len(written) >= 4 and written[0] in "لب" and written[1] == "ا" and written[2] != "ل" \
        and not _definite(tokens[j + 1]) and arabic.normalise(tokens[j + 1].text) not in w["nouns"]


def _l_complement(tok: Token) -> bool:
    """A word with the preposition ل, on a bare noun or with the article ("لنقل", "للتنمية")."""
    return tok.word and (_with_l(tok) or arabic.normalise(tok.text).startswith("لل"))


def _for_purpose(tok: Token) -> bool:
    """A bare head whose complement starts with the preposition ل is a body described by its
    purpose ("تشكيل لجنة للتحقيق", "a committee to investigate"), not one named: a name joins
    its words in a construct ("لجنة التحقيق") or with adjectives."""
    return _l_complement(tok)


def _between_commas(tokens: list[Token], j: int, taken: set[int], w: dict) -> bool:
    """A comma at token j, then a name of two or three words without the article on its first,
    then another comma: the person a title before the first comma describes."""
    return _commas_skip(tokens, j, taken, w) > 0


def _commas_skip(tokens: list[Token], j: int, taken: set[int], w: dict) -> int:
    """How many tokens to skip from a comma at token j to the name between commas (see
    _between_commas): 1, or 2 past a courtesy title ("، الدكتورة ليلى المنصوري،"); 0 when none."""
    if j + 3 >= len(tokens) or tokens[j].text != "،":
        return 0
    first = j + 1
    if _definite(tokens[first]) and _stem(tokens[first], w["titles"]) is not None and first + 3 < len(tokens):
        first += 1
    if _definite(tokens[first]):
        return 0
    end = _name_after(tokens, first, taken, w)
    return first - j if 2 <= end - first <= 3 and end < len(tokens) and tokens[end].text == "،" else 0


def _said_by_a_name(tokens: list[Token], i: int, taken: set[int], w: dict) -> bool:
    """A verb of saying, then a word of no article and a family name of the nisba form, then what
    was said ("وأكدت ريم الساعدي أن ..."): a person, whose given name no list holds."""
    if i + 3 >= len(tokens) or _stem(tokens[i], w["speech"]) is None or {i + 1, i + 2} & taken:
        return False
    first, family, after = tokens[i + 1], tokens[i + 2], arabic.normalise(tokens[i + 3].text)
    norm_first, norm_family = arabic.normalise(first.text), arabic.normalise(family.text)
    plain = first.word and not _definite(first) and len(norm_first) >= 3 and not norm_first.startswith(("و", "ف")) \
        and not any(_stem(first, w[k]) for k in ("stop", "titles", "nouns", "org_heads", "places", "speech"))
    nisba = family.word and norm_family.startswith("ال") and norm_family.endswith("ي") and len(norm_family) >= 6 \
        and not any(_stem(family, w[k]) for k in ("stop", "titles", "places"))
    return plain and nisba and (after in (arabic.normalise("أن"), arabic.normalise("إن")) or tokens[i + 3].text == "،")


def _apposition(tokens: list[Token], i: int, taken: set[int], w: dict) -> tuple[int, int] | None:
    """(end of the name, the title's token) when token i is a verb of saying followed by a name
    of two or three words, a comma and a title: agency copy names a person first and says who
    they are after ("وقال جوتيار محمد، مدير مخيم شاريا، إن"). The name's first word has no
    article; a word with it ends the name."""
    if _stem(tokens[i], w["speech"]) is None:
        return None
    k = i + 1
    while k < len(tokens) and k - i <= 3 and k not in taken and _is_name_word(tokens[k], w):
        norm = arabic.normalise(tokens[k].text)
        if k == i + 1 and (norm.startswith("ال") or norm in w["places"]):
            return None
        k += 1
        if norm.startswith("ال"):
            break
    if not 2 <= k - i - 1 <= 3 or k + 1 >= len(tokens) or tokens[k].text != "،":
        return None
    return (k, k + 1) if _stem(tokens[k + 1], w["titles"]) is not None else None


def _surnames(tokens: list[Token], found: list[Found], taken: set[int]) -> list[Found]:
    """A family name alone ("وأكد الأعرجي") counts for the one person of the article who has it."""
    owners: dict[str, set[str]] = {}
    for f in found:
        if f.kind == "person":
            last = arabic.normalise(f.name.split()[-1])
            owners.setdefault(last, set()).add(f.name)
    spans = [(f.start, f.end) for f in found]
    out = []
    for n, tok in enumerate(tokens):
        if n in taken or not tok.word or any(s <= tok.start < e for s, e in spans):
            continue
        for letters, stem in tok.readings:
            people = owners.get(stem)
            if people and len(people) == 1 and stem.startswith("ال"):
                start = tok.start + _skip_letters(tok.text, letters)
                out.append(Found(next(iter(people)), "person", start, tok.end, "surname"))
                break
    return out


def _family_names_alone(text: str, tokens: list[Token], found: list[Found], taken: set[int], w: dict) -> list[Found]:
    """A family name (al-... with the nisba ending) alone, of nobody the article names in full,
    right after a verb of saying or before an apposition title ("وأوضح العيداني، مدير عام ..."):
    evidence "family name alone" (not an actor of the article; the corpus may know the person).
    The title of the apposition is its role."""
    spans = [(f.start, f.end) for f in found]
    out = []
    for n, tok in enumerate(tokens):
        if n in taken or not tok.word or any(s <= tok.start < e for s, e in spans):
            continue
        norm = arabic.normalise(tok.text)
        if not (norm.startswith("ال") and norm.endswith("ي") and len(norm) >= 6) or norm in w["stop"] \
                or norm in w["titles"] or norm in w["places"]:
            continue
        said = n > 0 and _stem(tokens[n - 1], w["speech"]) is not None
        apposition = n + 2 < len(tokens) and tokens[n + 1].text == "،" and _stem(tokens[n + 2], w["titles"]) is not None
        if not (said or apposition):
            continue
        role = ""
        if apposition:
            end = _title_end(tokens, n + 2, taken, set(), w, [])
            role = text[tokens[n + 2].start:tokens[end - 1].end]
        out.append(Found(tok.text, "person", tok.start, tok.end, "family name alone", role))
    return out


def inside_a_longer_name(text: str, start: int, end: int) -> bool:
    """Whether a body the gazetteer knows is named inside another's name: a bare head word right
    before it and a complement with ل right after it ("بعثة الأمم المتحدة للدعم في ليبيا",
    "منظمة الأمم المتحدة للطفولة")."""
    before = tokenise(text[max(0, start - 20):start])
    after = tokenise(text[end:end + 30])
    if not before or not after or not before[-1].word or not after[0].word:
        return False
    w = _words()
    head = _stem(before[-1], w["org_heads"])
    return head is not None and head[0] == 0 and arabic.normalise(after[0].text).startswith("لل")


def continues_a_name(text: str, end: int) -> bool:
    """Whether the words right after `end` go on with a body's name: a noun with the article
    joined by و ("وزارة الصحة والسكان", "وزارة التربية والتعليم") or an adjective of naming ("وزارة
    الصحة العامة", "مجلس الأمن الوطني"); a shorter name the gazetteer knows is then part of another body's."""
    tokens = tokenise(text[end:end + 40])
    if not tokens or tokens[0].start == 0 or not text[end:end + tokens[0].start].isspace() or not tokens[0].word:
        return False
    w = _words()
    norm = arabic.normalise(tokens[0].text)
    if norm in w["naming"]:
        # "مجلس الأمن الوطني" is not "مجلس الأمن"; "العام" is not the year ("العام المقبل")
        return not _time_after(tokens, 1)
    return norm.startswith("وال") and len(norm) > 5 and _stem(tokens[0], w["org_heads"]) is None \
        and _definite_head(tokens[0], w) is None


# --- one person in two scripts ------------------------------------------------------------------

def same_person(arabic_name: str, latin_name: str) -> str:
    """"sure" when the names' skeletons agree word for word (a middle name may be left out),
    "maybe" when the family names agree and the given names are one letter apart, else ""."""
    a, b = arabic.skeleton(arabic_name), arabic.skeleton(latin_name)
    if len(a) < 2 or len(b) < 2:
        return ""
    if a == b:
        return "sure"
    short, long_ = sorted((a, b), key=len)
    if short[0] == long_[0] and short[-1] == long_[-1] and set(short[1:-1]) <= set(long_[1:-1]):
        return "sure"
    if short[-1] == long_[-1] and arabic.near(short[0], long_[0]):
        return "maybe"
    if short[0] == long_[0] and arabic.near(short[-1], long_[-1]) and min(len(short[-1]), len(long_[-1])) >= 3:
        return "maybe"
    return ""


# --- one organisation in two scripts -----------------------------------------------------------

_FUNCTION_AR = frozenset(arabic.normalise(w) for w in ("في", "و", "من", "إلى", "على", "ل"))
FUNCTION_EN = frozenset({"of", "for", "the", "and", "in", "on", "at"})
LATIN_WORDS = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def _organisation_words() -> dict[tuple[str, ...], frozenset[str]]:
    table = {}
    for written, english in arabic.data()["organisation_words"].items():
        key = tuple(arabic.without_article(w) for w in arabic.normalise(written).split())
        table[key] = frozenset(e.lower() for e in english)
    return table


def _bare_readings(word: str) -> list[str]:
    """A word's readings without proclitics and without the article."""
    return list(dict.fromkeys(arabic.without_article(stem) for _, stem in arabic.stems(word)))


@lru_cache(maxsize=4096)
def _arabic_units(name: str, countries: frozenset[str] = frozenset()
                  ) -> tuple[tuple[frozenset[str] | tuple[str, ...], tuple[str, ...]], ...]:
    """The content words of an Arabic organisation name, each as (English words it may be
    written as, or for a word of no organisation its readings, and its consonant skeleton for a
    name of a place); function words left out. `countries`: names of countries in several words
    (normalised, each without the article), each read as one unit ("الإمارات العربية المتحدة")."""
    table = _organisation_words()
    longest = max((len(k) for k in table), default=1)
    words = arabic.normalise(name).split()
    units = []
    i = 0
    while i < len(words):
        several = next((key for size in (3, 2) if i + size <= len(words)
                        for key in [" ".join(arabic.without_article(w) for w in words[i:i + size])] if key in countries),
                       None)
        if several is not None:
            units.append(((several,), arabic.skeleton(arabic.without_article(words[i]))))
            i += len(several.split())
            continue
        for n in range(min(longest, len(words) - i), 0, -1):
            options = next((table[(first, *(arabic.without_article(w) for w in words[i + 1:i + n]))]
                            for first in _bare_readings(words[i])
                            if (first, *(arabic.without_article(w) for w in words[i + 1:i + n])) in table), None)
            if options is not None:
                units.append((options, ()))
                i += n
                break
        else:
            if words[i] not in _FUNCTION_AR:
                # its readings: a country or its adjective is written as the country's name or
                # adjective (same_organisation's `countries`)
                units.append((tuple(_bare_readings(words[i])), arabic.skeleton(arabic.without_article(words[i]))))
            i += 1
    return tuple(units)


_COMPANY = frozenset({"company", "corporation"})


def _same_brand(skeletons: list[tuple[str, ...]], latin: list[str]) -> bool:
    """A company's own name written in Arabic letters ("شركة نوردغاز" = Nordgas, "شركة أكوانوفا" =
    AquaNova): the consonants of its words agree with the Latin name's, s and z being one (the
    Arabic writes ز for a Latin s said z)."""
    if not skeletons or not all(skeletons) or len(latin) > 2:
        return False
    arabic_letters = "".join("".join(sk) for sk in skeletons).replace("z", "s")
    return len(arabic_letters) >= 3 and arabic_letters == latin_brand(" ".join(latin))


def latin_brand(latin_name: str) -> str:
    """The consonants of a Latin name as a company's brand is compared (s and z as one)."""
    return "".join("".join(arabic.skeleton(w)) for w in LATIN_WORDS.findall(latin_name.lower())).replace("z", "s")


def company_brand(arabic_name: str) -> str:
    """The consonants of a company's own name written in Arabic letters ("شركة نوردغاز": the
    letters of Nordgas), "" when the name is no company's or its words are ones of organisations."""
    units = _arabic_units(arabic_name)
    first = arabic_name.split()[0] if arabic_name.split() else ""
    if len(units) < 2 or not isinstance(units[0][0], frozenset) or not units[0][0] & _COMPANY \
            or not any(stem in _words()["org_heads"] for stem in _bare_readings(first)):
        return ""
    skeletons = [sk for options, sk in units[1:]]
    if any(isinstance(options, frozenset) or not sk for options, sk in units[1:]):
        return ""
    letters = "".join("".join(sk) for sk in skeletons).replace("z", "s")
    return letters if len(letters) >= 3 else ""


def same_organisation(arabic_name: str, latin_name: str, countries: Mapping[str, frozenset[str]]) -> str:
    """"sure" when every content word of the Arabic name translates to one of the Latin name's and
    none is left over on either side (names of places by their skeletons), the head word first
    among them; "maybe" when one word is left over; else "". `countries`: the Latin words each
    Arabic country name and adjective may be written as (gazetteer.countries_in_latin)."""
    several = frozenset(k for k in countries if " " in k)
    units = [(options if isinstance(options, frozenset)
              else next((countries[r] for r in options if r in countries), frozenset()), skeleton)
             for options, skeleton in _arabic_units(arabic_name, several)]
    latin = [w for w in LATIN_WORDS.findall(latin_name.lower()) if w not in FUNCTION_EN]
    first = arabic_name.split()[0] if arabic_name.split() else ""
    if len(units) < 2 or not units[0][0] or not any(stem in _words()["org_heads"] for stem in _bare_readings(first)):
        return ""
    company = bool(units[0][0] & _COMPANY)
    if company and _same_brand([sk for _, sk in units[1:]], latin):
        return "sure"
    if len(latin) < 2:
        return ""
    used: set[int] = set()
    matched = 0
    for n, (options, skeleton) in enumerate(units):
        for j, word in enumerate(latin):
            if j not in used and (word in options or (skeleton and arabic.skeleton(word) == skeleton)):
                used.add(j)
                matched += 1
                while skeleton and j + 1 < len(latin) and latin[j + 1] in options:
                    j += 1              # a country may take more Latin words: السعودي, "Saudi Arabian"
                    used.add(j)
                break
        else:
            if n == 0 and company:
                matched += 1        # a company's name is often written without "Company"
            elif n == 0:
                return ""           # the head word must translate
    left = (len(units) - matched) + (len(latin) - len(used))
    if left == 0:
        return "sure"
    return "maybe" if left == 1 and len(used) >= 2 else ""

"""Reading names in Arabic news text: gazetteer names with their clitics, and people and
organisations in no gazetteer, found from the cues agency copy uses.

- `ArabicIndex` finds the gazetteer's Arabic forms whatever proclitics the first word carries
  ("والعراق", "بحلف شمال الأطلسي", "للأمم المتحدة"); the `Matcher` asks it for every text.
- `discover` reads the rest: a title or office ("مستشار الأمن القومي قاسم الأعرجي", "وزير
  خارجية تركيا ...") or a frequent given name starts a person's name; an organisation head
  without the article ("وزارة ...", "هيئة ...", "شركة ...") starts an organisation's name, which
  goes on with its complement. A surname alone later in the article ("الأعرجي") counts for the
  person named in full.
- `same_person` decides whether an Arabic and a Latin name are one person (see `arabic.skeleton`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

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
        "titles": norm(d["titles"]["heads"]), "links": norm(d["titles"]["links"]),
        "org_heads": norm(d["organisations"]["heads"]), "org_places": norm(d["organisations"]["places"]),
        "stop": norm(d["words"]["stop"]), "places": norm(d["words"]["places"]),
        "given": frozenset(arabic.given_names()) - norm(d["names"]["ambiguous"]),   # علي and على normalise alike
    }


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


def _is_name_word(tok: Token, w: dict) -> bool:
    if not tok.word:
        return False
    norm = arabic.normalise(tok.text)
    if len(norm) < 2 or norm in w["stop"] or norm in w["titles"] or norm in w["org_heads"]:
        return False
    # a word with the conjunction و starts the next phrase ("ووزير", "وأكد"), unless it is a name
    return not norm.startswith("و") or norm in arabic.given_names()


def _name_after(tokens: list[Token], j: int, taken: set[int], w: dict) -> int:
    """End (exclusive) of a person's name starting at token j: words without the article, at
    most one word with it (the family name, al-...), after which the name ends; 2-5 words."""
    k = j
    while k < len(tokens) and k - j < 5 and k not in taken and _is_name_word(tokens[k], w):
        norm = arabic.normalise(tokens[k].text)
        if k > j and norm.startswith("ال") and arabic.normalise(tokens[k - 1].text) not in ("عبد", "ابو", "بن"):
            return k + 1
        if k >= j + 2 and norm not in arabic.given_names():
            break           # a third word without the article goes on only when it is a known name
        k += 1
    return k


def _org_after(tokens: list[Token], j: int, taken: set[int], closers: set[int], w: dict) -> int:
    """End (exclusive) of an organisation's complement starting at token j: words with the
    article, and words without it that are followed by one (a construct chain: "نفط البصرة")."""
    k = j
    while k < len(tokens) and k - j < 6 and (k not in taken or k in closers) and tokens[k].word:
        if k in closers:            # a country or its adjective ends the name: "شركة موانئ العراق"
            return k + 1
        norm = arabic.normalise(tokens[k].text)
        if norm in w["stop"] or norm in w["titles"]:
            break
        if norm.startswith("ال"):
            k += 1
            continue
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        if norm.startswith("و") and k > j:
            # "والشؤون الاجتماعية" goes on; "ووزارة ..." starts another name
            if _stem(tokens[k], w["org_heads"]) or not (following and following.word):
                break
            k += 1
            continue
        if following is not None and following.word and (k + 1 not in taken or k + 1 in closers) and \
                (arabic.normalise(following.text).startswith("ال") or k + 1 in closers) and \
                _stem(tokens[k], w["org_heads"]) is None:
            k += 1
            continue
        if k == j and norm in w["given"]:
            break
        # a construct without the article is one more word only when the chain goes on
        if k > j and following is not None and following.word:
            k += 1
            continue
        break
    return k


def discover(text: str, taken_spans: Iterable[tuple[int, int]] = (),
             closer_spans: Iterable[tuple[int, int]] = ()) -> list[Found]:
    """People and organisations in no gazetteer; `taken_spans` are the gazetteer's hits and
    masked spans (they are not read again, and they end a name); `closer_spans`, among them,
    may end an organisation's name (countries and their adjectives)."""
    if not arabic.has_arabic(text):
        return []
    w = _words()
    tokens = tokenise(text)
    spans = list(taken_spans)
    taken = {n for n, t in enumerate(tokens) if any(s < t.end and t.start < e for s, e in spans)}
    ends = list(closer_spans)
    closers = {n for n in taken if any(s < tokens[n].end and tokens[n].start < e for s, e in ends)}
    found: list[Found] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if i in taken or not tok.word:
            i += 1
            continue
        head = _stem(tok, w["org_heads"])
        if head is not None and not head[1].startswith("ال"):
            end = _org_after(tokens, i + 1, taken, closers, w)
            if end > i + 1 and head[1] not in w["org_places"]:
                start = tok.start + _skip_letters(tok.text, head[0])
                name = text[start:tokens[end - 1].end]
                found.append(Found(name, "organisation", start, tokens[end - 1].end, "organisation name"))
                i = end
                continue
        title = _stem(tok, w["titles"])
        if title is not None:
            j = i + 1
            # the title goes on with its complement: words with the article, links, gazetteer names
            while j < len(tokens) and tokens[j].word and (
                    j in taken or arabic.normalise(tokens[j].text) in w["links"]
                    or (arabic.normalise(tokens[j].text).startswith("ال")
                        and arabic.normalise(tokens[j].text) not in w["stop"])):
                j += 1
            end = _name_after(tokens, j, taken, w)
            # a first word that may be a preposition on a noun ("لطوارئ") needs to be a known name
            ambiguous = j < len(tokens) and any(n == 1 for n, _ in tokens[j].readings) \
                and arabic.normalise(tokens[j].text) not in arabic.given_names()
            if end - j >= 2 and not ambiguous:
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
            end = _name_after(tokens, i + 1, taken, w)
            if end > i + 1:
                start = tok.start + _skip_letters(tok.text, given[0])
                found.append(Found(text[start:tokens[end - 1].end], "person", start, tokens[end - 1].end, "given name"))
                i = end
                continue
        i += 1
    return found + _surnames(tokens, found, taken)


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

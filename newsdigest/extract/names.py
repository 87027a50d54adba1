"""Reading names in English news text: the lexicon, name keys, capitalised runs, titles.

The pieces `mentions.extract_mentions` is built from. A `Reader` tokenises one text once and
answers questions about it: which capitalised runs could be names, which title stands before
a name ("National Security Adviser Qasim Al-Araji", "NATO's Deputy Secretary General for
Operations, Thomas Goffus"), which apposition follows one (", the Commander of the NATO
Mission in Iraq,"), whether a verb of saying follows. The word lists are data, in
newsdigest/data/lexicon.toml.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, NamedTuple

from nicknames import NickNamer

from ..arabic import normalise, without_article
from .gazetteer import DATA_DIR, Hit


# --- the lexicon -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lexicon:
    """The word lists of newsdigest/data/lexicon.toml, in lower case."""

    heads: frozenset[str]
    title_words: frozenset[str]
    honorifics: frozenset[str]
    connectors: frozenset[str]
    org_heads: frozenset[str]
    org_names: frozenset[str]
    place_heads: frozenset[str]
    particles: frozenset[str]
    given: frozenset[str]
    stop: frozenset[str]
    speech: frozenset[str]
    calendar: frozenset[str]
    not_abbreviations: frozenset[str]


@lru_cache(maxsize=1)
def _lexicon_data() -> dict:
    return tomllib.loads((DATA_DIR / "lexicon.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = _lexicon_data()
    titles, orgs, names, words = data["titles"], data["organisations"], data["names"], data["words"]
    places = data["places"]
    nick = NickNamer.default_lookup()
    from_nicknames = set(nick) | {n for values in nick.values() for n in values}
    given = (from_nicknames - set(names["not_given"])) | set(names["given"])
    heads = frozenset(titles["heads"])
    return Lexicon(
        heads=heads,
        title_words=heads | frozenset(titles["modifiers"]),
        honorifics=frozenset(titles["honorifics"]),
        connectors=frozenset(titles["connectors"]),
        org_heads=frozenset(orgs["heads"]),
        org_names=frozenset(orgs["names"]),
        place_heads=frozenset(places["heads"]),
        particles=frozenset(names["particles"]),
        given=frozenset(given),
        stop=frozenset(words["stop"]),
        speech=frozenset(words["speech"]),
        calendar=frozenset(words["months"]) | frozenset(words["weekdays"]),
        not_abbreviations=frozenset(words["not_abbreviations"]),
    )


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=4096)
def nickname_related(a: str, b: str) -> bool:
    """Whether two given names can be one person's (Tom and Thomas; Bob and Robert)."""
    a, b = a.lower(), b.lower()
    if a == b:
        return False
    nn = _nicknamer()
    if b in nn.nicknames_of(a) or a in nn.nicknames_of(b):
        return True
    return bool((nn.canonicals_of(a) | {a}) & (nn.canonicals_of(b) | {b}))


def is_nickname_of(a: str, b: str) -> bool:
    """Whether given name a is a nickname of b (Tom of Thomas, not Thomas of Tom).

    The data lists some pairs both ways; then the shorter name is taken as the nickname."""
    a, b = a.lower(), b.lower()
    names = _nicknamer()
    if a not in names.nicknames_of(b):
        return False
    return b not in names.nicknames_of(a) or len(a) < len(b)


# --- names as keys -------------------------------------------------------------------------------

_WORD = r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*"
WORD_RE = re.compile(_WORD)


def fold_word(word: str) -> str:
    """Lower case, without accents, straight apostrophes: the spelling-insensitive form."""
    word = word.replace("\u2019", "'")
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=65536)
def name_parts(name: str) -> tuple[str, ...]:
    """The folded words of a name without particles: "Qasim Al-Araji" -> ("qasim", "araji")."""
    particles = lexicon().particles
    parts: list[str] = []
    for word in WORD_RE.findall(name):
        folded = fold_word(word)
        if folded.endswith("'s"):
            folded = folded[:-2]
        head, sep, rest = folded.partition("-")
        if sep and head in particles and rest:
            folded = rest
        elif head in particles and "'" in head:
            folded = folded.split("'", 1)[1] or folded
        if folded in particles:
            continue
        parts.append(folded)
    return tuple(parts)


def person_key(name: str) -> str:
    """Two spellings with the same key are the same name (case, accents and particles aside)."""
    return " ".join(name_parts(name))


def surname_key(name: str) -> str:
    parts = name_parts(name)
    return parts[-1] if parts else ""


def has_lower_particle(name: str) -> bool:
    """House style writes particles inside a name in lower case: "Qasim al-Araji"."""
    words = name.split()
    particles = lexicon().particles
    return any(w.partition("-")[0] in particles and w.partition("-")[1] for w in words[1:])


# --- tokens ----------------------------------------------------------------------------------

_TOKEN = re.compile(rf"({_WORD})|(\d+(?:[.,:]\d+)*)|(\S)")
_LOWER_WORD = re.compile(r"(?<![\w'\u2019-])[a-z][a-z'-]*")
_TITLE_ABBREVIATIONS = frozenset({"lt", "col", "gen", "maj", "capt", "sgt", "adm", "brig", "cmdr", "amb", "gov",
                                  "sen", "rep", "pres", "supt", "insp", "cpl", "pte", "lt-col", "lt-gen", "maj-gen"})
_SENTENCE_END = frozenset(".!?:;\"\u201c\u201d|()[]\u2022")


class _Token(NamedTuple):
    text: str           # without a possessive 's
    start: int
    end: int
    kind: str           # "w" word, "n" number, "p" punctuation
    poss: bool          # was followed by 's
    sent_start: bool    # first word of a sentence or a line
    line_start: bool    # a line break before it
    low: str            # lower case, straight apostrophes
    cap: bool           # starts with a capital letter


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    append = tokens.append
    find = text.find
    prev_end = 0
    prev_punct = ""
    first = True
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        line_start = first or (start - prev_end > 0 and find("\n", prev_end, start) != -1)
        sent_start = line_start or (prev_punct != "" and prev_punct in _SENTENCE_END)
        first = False
        group = m.lastindex
        if group == 1:
            word = m.group(1)
            poss = False
            if word[-1] in "sS" and len(word) > 2 and word[-2] in "'\u2019":
                word, poss = word[:-2], True
            append(_Token(word, start, start + len(word), "w", poss, sent_start, line_start,
                          word.lower().replace("\u2019", "'"), word[0].isupper()))
            prev_punct = ""
        elif group == 2:
            number = m.group(2)
            append(_Token(number, start, end, "n", False, sent_start, line_start, number, False))
            prev_punct = ""
        else:
            punct = m.group(3)
            append(_Token(punct, start, end, "p", False, sent_start, line_start, punct, False))
            prev_punct = punct
        prev_end = end
    return tokens


def capitalised(word: str) -> bool:
    return word[:1].isupper()


def all_caps(word: str) -> bool:
    return len(word) > 1 and word.isupper()


# --- extraction of one article -----------------------------------------------------------------

@dataclass
class Candidate:
    """A capitalised name read from the text, before identity is decided."""

    indices: list[int]              # token indices
    surface: str
    start: int
    end: int
    evidence: list[str]
    roles: list[str]
    hit: Hit | None = None          # the gazetteer person the whole name is, if any
    disqualified: str = ""


class Reader:
    """Reads one text: tokens, gazetteer hits per token, capitalised runs, titles."""

    def __init__(self, text: str, hits: list[Hit], masked: list[tuple[int, int]]):
        self.lex = lexicon()
        self.text = text
        self.tokens = _tokenise(text)
        self.hit_at: list[Hit | None] = [None] * len(self.tokens)
        self.masked_at: list[bool] = [False] * len(self.tokens)
        self._assign(hits, masked)
        self.lower_words = set(_LOWER_WORD.findall(text))

    def _assign(self, hits: list[Hit], masked: list[tuple[int, int]]) -> None:
        spans = sorted([(h.start, h.end, h) for h in hits] + [(s, e, None) for s, e in masked], key=lambda x: x[0])
        j = 0
        for i, tok in enumerate(self.tokens):
            while j < len(spans) and spans[j][1] <= tok.start:
                j += 1
            k = j
            while k < len(spans) and spans[k][0] < tok.end:
                _, end, hit = spans[k]
                if end > tok.start:
                    if hit is None or not hit.canonical:
                        self.masked_at[i] = True
                    elif self.hit_at[i] is None:
                        self.hit_at[i] = hit
                k += 1

    # token classes: N name word, P gazetteer person word, G other gazetteer or masked word,
    # L particle, T title word, H courtesy title, S stop word, O organisation or place word,
    # A capitals, X anything else (lower case, numbers, punctuation)
    def token_class(self, i: int) -> str:
        tok, lex = self.tokens[i], self.lex
        if tok.kind != "w":
            return "X"
        low = tok.low
        if self.masked_at[i]:
            return "G"
        hit = self.hit_at[i]
        if hit is not None:
            if hit.kind == "person":
                return "P"
            nxt = i + 1
            if (hit.kind in ("country", "place") and hit.start == tok.start and hit.end == tok.end
                    and low in lex.given and nxt < len(self.tokens) and self._name_like(nxt)
                    and self.hit_at[nxt] is None and not self.masked_at[nxt]
                    and self.tokens[nxt].start - tok.end == 1):
                return "P"      # "Jordan Peterson": a country name used as a given name
            return "G"
        if not capitalised(tok.text):
            if low in lex.particles:
                return "L"
            if self._particle_prefixed(tok.text):
                return "N"
            return "X"
        if all_caps(tok.text):
            return "A"
        if low in lex.stop or low in lex.calendar:
            return "S"
        if low in lex.honorifics:
            return "H"
        if self.is_title_word(low):
            return "T"
        if low in lex.org_heads or low in lex.place_heads:
            return "O"
        if tok.sent_start and low in self.lower_words and low not in lex.given:
            return "S"      # an ordinary word that starts a sentence
        return "N"

    def _particle_prefixed(self, word: str) -> bool:
        head, sep, rest = word.partition("-")
        return bool(sep) and head.lower() in self.lex.particles and rest[:1].isupper()

    def _name_like(self, i: int) -> bool:
        tok = self.tokens[i]
        return tok.kind == "w" and (tok.cap or self._particle_prefixed(tok.text)) and not all_caps(tok.text)

    def is_title_word(self, low: str) -> bool:
        words = self.lex.title_words
        if low in words:
            return True
        if "-" in low:
            parts = low.split("-")
            return all(p in words or p in ("counter", "anti", "vice", "co", "ex", "pro", "under", "in", "chief", "general")
                       for p in parts)
        return False

    def is_head(self, low: str) -> bool:
        heads = self.lex.heads
        return low in heads or ("-" in low and any(p in heads for p in low.split("-")))

    # --- capitalised runs ------------------------------------------------------------------

    def runs(self) -> list[list[int]]:
        """Maximal sequences of capitalised words (and particles between them) on one line,
        with nothing but spaces between them; a possessive ends a run."""
        tokens, text, particles = self.tokens, self.text, self.lex.particles
        out: list[list[int]] = []
        run: list[int] = []
        n = len(tokens)
        for i, tok in enumerate(tokens):
            starts = tok.kind == "w" and (tok.cap or ("-" in tok.text and self._particle_prefixed(tok.text)))
            if run:
                prev = tokens[run[-1]]
                joined = not tok.line_start and not prev.poss and text[prev.end:tok.start].isspace()
                if joined and starts:
                    run.append(i)
                    continue
                if joined and tok.kind == "w" and tok.low in particles and i + 1 < n and self._name_like(i + 1):
                    run.append(i)
                    continue
                out.append(run)
                run = []
            if starts:
                run = [i]
        if run:
            out.append(run)
        return out

    # --- titles ------------------------------------------------------------------------------

    def _span_text(self, first: int, last: int) -> str:
        start = self.tokens[first].start
        end = self.tokens[last].end + (2 if self.tokens[last].poss else 0)
        return " ".join(self.text[start:end].split())

    def title_before(self, i: int) -> tuple[str, bool]:
        """(role, courtesy title) written right before token i: "National Security Adviser
        Qasim Al-Araji", "NATO's Deputy Secretary General for Operations, Thomas Goffus"."""
        tokens, lex = self.tokens, self.lex
        j = i - 1
        if j >= 0 and tokens[j].kind == "w" and tokens[j].low.rstrip(".") in lex.honorifics:
            return "", True
        if j >= 0 and tokens[j].text == "." and j >= 1 and tokens[j - 1].low in lex.honorifics:
            return "", True
        comma = j >= 0 and tokens[j].text == ","
        if comma:
            j -= 1
        if j >= 0 and tokens[j].kind == "w" and tokens[j].low in lex.connectors:
            return "", False    # "ambassador in Baghdad": not a title of the name
        picked: list[int] = []
        seen_head = False
        while j >= 0 and len(picked) < 14:
            tok = tokens[j]
            if tok.kind != "w":
                if tok.text == "." and j >= 1 and tokens[j - 1].low in _TITLE_ABBREVIATIONS:
                    j -= 1      # "Lt. Col. Maja Eriksen"
                    continue
                if self.hit_at[j] is None or not picked:
                    break
                j -= 1          # inside "U.S."
                continue
            if (picked and tokens[picked[-1]].line_start) or (not picked and not comma and tokens[i].line_start):
                break
            if tok.poss and not self.is_title_word(tok.low):
                break       # an owner ("NATO's", "Iraq's"), not part of the title
            low = tok.low
            if self.is_title_word(low) or low in lex.honorifics or low in _TITLE_ABBREVIATIONS:
                pass
            elif low in lex.connectors:
                if low == "the" and not (j >= 1 and tokens[j - 1].low in lex.connectors - {"the", "and"}):
                    break
            elif capitalised(tok.text) and low not in lex.stop and low not in lex.calendar:
                pass
            elif comma and not seen_head and tok.text[:1].islower() and low not in lex.stop:
                pass
            else:
                break
            if self.is_head(low) or low in _TITLE_ABBREVIATIONS:
                seen_head = True
            picked.append(j)
            if tok.poss:
                break
            j -= 1
        picked.reverse()
        while picked and not (self.is_title_word(tokens[picked[0]].low) or tokens[picked[0]].low in _TITLE_ABBREVIATIONS):
            picked.pop(0)
        while picked and tokens[picked[-1]].low in lex.connectors:
            picked.pop()
        if not picked or not any(self.is_head(tokens[k].low) or tokens[k].low in _TITLE_ABBREVIATIONS for k in picked):
            return "", False
        if comma and not self._head_near_end(picked):
            return "", False
        return self._span_text(picked[0], picked[-1]), False

    def _head_near_end(self, picked: list[int]) -> bool:
        """In "TITLE, Name" the title's head comes before its complement ("minister of water
        resources"); a head far from the comma is probably something else."""
        heads = [n for n, k in enumerate(picked) if self.is_head(self.tokens[k].low)]
        return bool(heads) and len(picked) - heads[0] <= 10

    _STOPPERS = frozenset({"who", "which", "that", "whose", "whom", "said", "says", "told", "when", "while",
                           "as", "but", "after", "before", "because", "where", "has", "had", "have", "was", "is",
                           "will", "would", "also"})

    def apposition(self, k: int) -> tuple[str, int]:
        """(role, index after it) for ", the Commander of the NATO Mission in Iraq," after a
        name ending before token k; ("", k) when there is none."""
        tokens, lex = self.tokens, self.lex
        if k >= len(tokens) or tokens[k].text != ",":
            return "", k
        j = k + 1
        if j < len(tokens) and tokens[j].low in ("the", "a", "an"):
            j += 1
        if j < len(tokens) and tokens[j].poss and tokens[j].kind == "w":
            j += 1          # "Iraq's minister of electricity"
        first = j
        if first < len(tokens) and tokens[first].low in lex.connectors:
            return "", k        # ", and the ...": the next item of a list
        seen_head = False
        while j < len(tokens) and j - first < 14:
            tok = tokens[j]
            if tok.kind != "w" and self.hit_at[j] is not None and j > first:
                j += 1          # inside "U.S."
                continue
            if tok.kind != "w" or tok.line_start:
                break
            low = tok.low
            if low in self._STOPPERS or low in lex.speech and not self.is_head(low):
                break
            if (j > first and capitalised(tok.text) and low in lex.given and self.hit_at[j] is None
                    and not self.is_title_word(low)):
                break           # a name begins: "... Affairs Javier Colomina"
            if self.is_head(low):
                seen_head = True
            elif not (self.is_title_word(low) or low in lex.connectors or capitalised(tok.text) or seen_head):
                return "", k
            j += 1
        else:
            if j - first >= 14:
                return "", k
        last = j - 1
        while last >= first and tokens[last].low in lex.connectors:
            last -= 1
        if last < first or not any(self.is_head(tokens[n].low) for n in range(first, last + 1)):
            return "", k
        words = [n for n in range(first, last + 1) if tokens[n].kind == "w"]
        if not self.is_title_word(tokens[first].low) and not any(self.is_head(tokens[n].low) for n in words[:4]):
            return "", k
        return self._span_text(first, last), j

    def speech_after(self, k: int) -> bool:
        tokens = self.tokens
        if k < len(tokens) and tokens[k].text == ",":
            role, k2 = self.apposition(k)
            if role and k2 < len(tokens) and tokens[k2].text == ",":
                k = k2 + 1
            else:
                return False
        while k < len(tokens) and tokens[k].kind == "w" and tokens[k].low in ("has", "had", "have", "also", "then",
                                                                              "later", "on", "will", "would"):
            k += 1
        return k < len(tokens) and tokens[k].kind == "w" and tokens[k].low in self.lex.speech

    _INVERTED = frozenset({"said", "says", "added", "adds", "explained", "noted", "wrote", "recalled"})

    def speech_before(self, i: int) -> bool:
        """'"...," said Karwan Omar of the syndicate': a verb of saying right before the name,
        after a quotation or a clause (the inverted attribution of news copy)."""
        j = i - 1
        return j >= 1 and self.tokens[j].kind == "w" and self.tokens[j].low in self._INVERTED \
            and not self.tokens[j].line_start and self.tokens[j - 1].kind != "w"

    def next_word(self, k: int) -> _Token | None:
        return self.tokens[k] if k < len(self.tokens) and self.tokens[k].kind == "w" else None


def segments(reader: Reader, run: list[int]) -> list[list[int]]:
    """Split a capitalised run into name segments: titles, stop words, gazetteer names of
    countries and organisations and other non-name words cut it."""
    classes = [reader.token_class(i) for i in run]
    out, seg = [], []
    for i, c in zip(run, classes):
        if c in ("N", "P") or (c == "L" and seg):
            seg.append(i)
        else:
            if seg:
                out.append(seg)
            seg = []
    if seg:
        out.append(seg)
    cleaned = []
    for seg in out:
        while seg and reader.token_class(seg[-1]) == "L":
            seg.pop()
        if seg:
            cleaned.append(seg)
    return cleaned


def hits_of(reader: Reader, seg: list[int]) -> list[Hit]:
    found: list[Hit] = []
    for i in seg:
        hit = reader.hit_at[i]
        if hit is not None and hit not in found:
            found.append(hit)
    return found


def read_candidate(reader: Reader, seg: list[int]) -> Candidate:
    tokens, lex = reader.tokens, reader.lex
    first, last = tokens[seg[0]], tokens[seg[-1]]
    surface = " ".join(reader.text[first.start:last.end].split())
    cand = Candidate(seg, surface, first.start, last.end, [], [])
    hits = hits_of(reader, seg)
    if len(hits) == 1 and hits[0].start <= first.start and hits[0].end >= last.end:
        cand.hit = hits[0]
    role, courtesy = reader.title_before(seg[0])
    if role:
        cand.roles.append(role)
        cand.evidence.append("title")
    elif courtesy:
        cand.evidence.append("courtesy title")
    after = seg[-1] + 1
    role, _ = reader.apposition(after)
    if role:
        cand.roles.append(role)
        cand.evidence.append("apposition")
    if reader.speech_after(after) or (len(seg) >= 2 and reader.speech_before(seg[0])):
        cand.evidence.append("verb")
    given = first.low.split("-")[0]
    if given in lex.given or first.low in lex.given:
        cand.evidence.append("given name")
    nxt = reader.next_word(after)
    if nxt is not None and not last.poss and (nxt.low in lex.org_heads or nxt.low in lex.place_heads):
        cand.disqualified = f"followed by '{nxt.text}'"     # "Salah al-Din province", "Mosul Dam"
    if after + 2 < len(tokens) and tokens[after].text == "(" and all_caps(tokens[after + 1].text):
        cand.disqualified = "defines an abbreviation"
    return cand


def acronym_definitions(reader: Reader) -> list[tuple[str, str, int, int]]:
    """(abbreviation, name, start, end) for "Popular Defence Council (PDC)" patterns whose
    name ends with an organisation word and whose initials spell the abbreviation."""
    tokens, lex = reader.tokens, reader.lex
    found = []
    for i in range(1, len(tokens) - 2):
        if tokens[i].text != "(" or tokens[i + 2].text != ")":
            continue
        abbr = tokens[i + 1].text
        if tokens[i + 1].kind != "w" or not all_caps(abbr) or len(abbr) > 8 or abbr.lower() in lex.not_abbreviations:
            continue
        if reader.hit_at[i + 1] is not None or reader.masked_at[i + 1]:
            continue
        words: list[int] = []
        j = i - 1
        while j >= 0 and len(words) < 10 and tokens[j].kind == "w" and not tokens[j].line_start:
            if capitalised(tokens[j].text) or tokens[j].low in lex.connectors or tokens[j].low in lex.particles:
                words.append(j)
                j -= 1
            else:
                break
        words.reverse()
        for n in range(len(words)):
            phrase = words[n:]
            if not capitalised(tokens[phrase[0]].text):
                continue
            caps = [tokens[k].text for k in phrase if capitalised(tokens[k].text)]
            initials = "".join(p[0] for w in caps for p in w.split("-") if p)
            with_small = "".join(tokens[k].text[0] for k in phrase)
            if abbr in (initials.upper(), with_small.upper()) and tokens[phrase[-1]].low in lex.org_heads:
                if any(reader.hit_at[k] is not None and reader.hit_at[k].start <= tokens[phrase[0]].start
                       and reader.hit_at[k].end >= tokens[phrase[-1]].end for k in phrase):
                    break       # the gazetteer knows it already
                if any(reader.masked_at[k] for k in phrase):
                    break
                name = reader._span_text(phrase[0], phrase[-1])
                found.append((abbr, name, tokens[phrase[0]].start, tokens[i + 2].end))
                break
    return found + _reverse_definitions(reader)


def organisation_names(reader: Reader, runs: list[list[int]]) -> list[tuple[str, int, int, list[int]]]:
    """(name, start, end, token indices) of organisations named in full and in no gazetteer:
    "Federal Integrity Commission" (ends with an organisation word), "Central Bank of Iraq",
    "Ministry of Water Resources" (an organisation word, then "of" or "for" and more)."""
    tokens, text = reader.tokens, reader.text
    starts = {run[0]: n for n, run in enumerate(runs)}
    found = []
    for n, run in enumerate(runs):
        part = list(run)
        while part and (reader.token_class(part[0]) in ("S", "H", "A")
                        or (reader.hit_at[part[0]] is not None and reader.hit_at[part[0]].kind in ("country", "place")
                            and not _demonym_before_a_name(reader, part))):
            part.pop(0)
        if not part:
            continue
        chain = list(part)
        last = run[-1]
        complement = False
        while len(chain) < 9 and not tokens[last].poss and last + 2 < len(tokens):
            k = last + 1
            joins = ("of", "for", "on") + (("and",) if complement else ())
            if tokens[k].low not in joins or not text[tokens[last].end:tokens[k].start].isspace():
                break
            k2 = k + 1
            if tokens[k2].low == "the" and k2 + 1 < len(tokens):
                k2 += 1
            follow = starts.get(k2)
            if follow is None or reader.token_class(k2) == "S":
                break           # "... Council on Monday": a day, not more of the name
            if tokens[k].low == "and" and not _second_half_of_a_complement(reader, runs[follow], k2 > k + 1):
                break           # "Ministry of Oil and the Ministry of Finance": two names
            chain += list(range(k, k2)) + runs[follow]
            last = runs[follow][-1]
            complement = True
        heads = organisation_heads()
        part, chain = _before_office(reader, part), _before_office(reader, chain)
        head_first = any(tokens[i].low in heads for i in part)
        if head_first and len(chain) > len(part):
            name_tokens = chain
        elif part and tokens[part[-1]].low in heads and len(part) >= 2:
            name_tokens = part
        else:
            continue
        if any(reader.masked_at[i] for i in name_tokens if i in part):
            continue        # a place the gazetteer keeps from being an actor may end a name: "... Bank of New York"
        hits = hits_of(reader, name_tokens)
        first, final = tokens[name_tokens[0]], tokens[name_tokens[-1]]
        if len(hits) == 1 and hits[0].start <= first.start and hits[0].end >= final.end:
            continue
        if any(h.kind == "organisation" for h in hits) and not _opened_by_an_acronym(reader, name_tokens, hits):
            continue        # "EU Commission" and the like are the gazetteer's business
        if _names_an_event(reader, name_tokens[-1]):
            continue
        name = " ".join(text[first.start:final.end].split())
        found.append((name, first.start, final.end, name_tokens))
    return found


_ATTRIBUTION_BEFORE = re.compile(
    r"(?:\b(?:told|to|by|from|via|according to|quoted|cited|reported|reporting|source|sources|for|with|in)\s*:?\s*"
    r"(?:the\s+)?|[(\-\u2013\u2014/|:]\s*)$", re.I)
_ATTRIBUTION_AFTER = re.compile(r"^(?:\s*[)\-\u2013\u2014/|:]|\s+(?:reported|reports|said|says|quoted|cited|correspondent|"
                                r"learned|has learned|understands|reporter))", re.I)


def is_attribution(text: str, start: int, end: int) -> bool:
    return bool(_ATTRIBUTION_BEFORE.search(text[max(0, start - 40):start])
                or _ATTRIBUTION_AFTER.match(text[end:end + 25]) or start == 0)


def source_spans(text: str, source: str) -> list[tuple[int, int]]:
    source = " ".join(source.split())
    if len(source) < 2:
        return []
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in source.split()) + r"(?!\w)", re.I)
    return [m.span() for m in pattern.finditer(text)]


# --- countries: actor or place ----------------------------------------------------------------

@dataclass(frozen=True)
class CountryCues:
    """The cue words of lexicon.toml [countries] and [countries_arabic], in lower case (Arabic
    ones normalised, without the article)."""

    locatives: frozenset[str]
    places: frozenset[str]
    agents: frozenset[str]
    people: frozenset[str] = frozenset()             # whom a demonym only describes ("a Spanish coach")
    acting_compounds: frozenset[str] = frozenset()   # "Turkish-led": the country acts
    contests: frozenset[str] = frozenset()           # "the match against Kuwait": a team, not a party
    opponents: frozenset[str] = frozenset()
    contest_verbs: frozenset[str] = frozenset()      # "Iraq beat Qatar": both are teams


@lru_cache(maxsize=1)
def country_cues() -> CountryCues:
    data = _lexicon_data()
    lex = lexicon()

    def words(key: str) -> frozenset[str]:
        # entries keep their possessive ("state's": the state acts); Arabic ones lose the article
        return frozenset(without_article(normalise(w.lower())) for section in ("countries", "countries_arabic")
                         for w in data[section].get(key, []))

    return CountryCues(words("locatives"), words("places") | lex.place_heads,
                       words("agents") | lex.heads | lex.org_names, words("people"), words("acting_compounds"),
                       words("contests"), words("opponents"), words("contest_verbs"))


_CUE_TOKEN = re.compile(rf"{_WORD}|\d+|[^\w\s]")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_SCORE_AFTER = re.compile(r"\s*\d+\s*[-\u2013:]\s*\d+\b")


def _plain(word: str) -> str:
    """A word as the cue lists hold it: lower case, no possessive, no Arabic article, Arabic
    spelling normalised."""
    low = word.lower().replace("\u2019", "'")
    if low.endswith("'s"):
        low = low[:-2]
    return without_article(normalise(low))


def _clitic_before(text: str, start: int) -> str:
    """The proclitics written onto an Arabic name ("وبالعراق" -> "وب"), "" for none."""
    n = start
    while n > 0 and _ARABIC_LETTER.match(text[n - 1]):
        n -= 1
    return text[n:start]


_INSIDE = frozenset({"in", "into", "inside", "within", "across", "throughout", "near", "around"})


def _described_sense(words: Iterable[str], cues: CountryCues, people: bool = True, default: str = "actor") -> str:
    """The sense the first cue word among `words` gives a country that describes or owns them:
    a person by trade or a place or thing makes it a place, those acting for it an actor."""
    for word in words:
        low = _plain(word)
        if people and low in cues.people:
            return "place"
        if low in cues.agents:
            return "actor"
        if low in cues.places:
            return "place"
    return default


def _arabic_described(before: list[str], cues: CountryCues) -> str:
    """An Arabic demonym follows its noun, and an idafa may stand between ("وزير الخارجية
    الأردني"): the nearest cue word of the three before it decides. With none, the adjective
    describes a thing or a person ("دور النشر اللبنانية", "السدود التركية"): a place, since
    the state and those acting for it are what the agents list names."""
    words = [w for w in before[-3:] if w[:1].isalpha()]
    if len(words) >= 2 and words[-1].startswith("ال") and not words[-2].startswith("ال") \
            and _plain(words[-2]) in cues.agents:
        return "actor"          # an idafa whose head acts: "وزير النفط العراقي" is Iraq's minister, not its oil
    return _described_sense(reversed(words), cues, default="place")


_DATELINE_WORDS = re.compile(r"[^\W\d_]+(?:[ .'][^\W\d_]+){0,3}")
_DATELINE_DASH = re.compile(r"\s*[-\u2013\u2014]\s")


def _in_dateline(text: str, start: int, end: int) -> bool:
    """A name in the dateline that opens the article ("الجزائر - قضت ...", "PORT SUDAN — The
    ..."): the city the report is filed from, which a country's name may also be (الكويت،
    تونس، الجزائر), never a party to it."""
    before = text[:start].strip()
    return (not before or _DATELINE_WORDS.fullmatch(before) is not None) and "\n" not in text[:start].strip("\n") \
        and _DATELINE_DASH.match(text, end) is not None


def country_sense(text: str, start: int, end: int, demonym: bool) -> str:
    """'actor' or 'place': does this mention of a country show it acting, or only where
    something happens or what a thing is?

    A demonym is a place when the noun it describes is a place, a thing or a person by trade
    ("the Belgian capital", "the Syrian Al-Hawl camp", "a Spanish coach", "a Turkish-built
    bridge") and an actor when it is the state or people acting for it ("Iraqi officials", "the
    Turkish delegation", "a Turkish-led force"); in Arabic the noun comes before the adjective. A
    name is a place after a word of location ("in Iraq", "visit to Turkey", "في العراق", "بالعراق";
    but "a delegation from Iraq" acts), as the owner of a place ("Iraq's south", "Iraq's national
    team"), after "the <place> of", or as a team in a contest ("the qualifier against Kuwait",
    "beat Qatar 2-1"); the next of a list ("in Iraq and Syria", "من مصر وتونس") takes the sense of
    the first. Anything else (a subject, "the government of Iraq", "Iraq's forces") is an actor.
    """
    if _in_dateline(text, start, end):
        return "place"
    cues = country_cues()
    surface = text[start:end]
    after = [m.group() for m in _CUE_TOKEN.finditer(text, end, min(len(text), end + 80))]
    before = [m.group() for m in _CUE_TOKEN.finditer(text, max(0, start - 80), start)]
    arabic_script = bool(_ARABIC_LETTER.search(surface))
    if demonym:
        if arabic_script:
            return _arabic_described(before, cues)
        if len(after) >= 2 and after[0] == "-" and after[1][:1].islower() and text[end:end + 1] == "-":
            return "actor" if _plain(after[1]) in cues.acting_compounds else "place"
        owned_person = after[:1] and _plain(after[0]) in lexicon().title_words
        if owned_person and (before[-2:] in (["'", "s"], ["\u2019", "s"]) or (before and before[-1].lower().endswith(("'s", "\u2019s")))):
            return "place"          # "the mission's Danish commander": whose he is is said; this is where he is from
        described = []
        for word in after[:5]:
            if not word[:1].isalpha():
                break
            if word[:1].isupper() and _plain(word) not in cues.places and _plain(word) not in cues.agents:
                continue            # a name the adjective goes with: "the Syrian Al-Hawl camp"
            described.append(word)
            if len(described) == 3:
                break
        # no cue word: right after "in" and the like it names where ("in Iraqi Kurdistan"); "from"
        # and "to" may name those sending or receiving
        where = bool(before) and _plain(before[-1]) in _INSIDE
        return _described_sense(described, cues, default="place" if where else "actor")
    if not arabic_script and _names_a_thing(text, end, after, cues):
        return "place"
    if surface.lower().endswith(("'s", "\u2019s")) or (after[:2] and after[0] in ("'", "\u2019") and after[1] == "s"):
        owned = after[2:5] if after[:1] and after[0] in ("'", "\u2019") else after[:3]
        # with no cue in what it owns, a word of location before it names where ("into
        # southern Iraq's grid"); "from Iraq's foreign ministry" still acts
        where = bool(before) and _plain(before[-1]) in cues.locatives
        return _owned_sense(owned, cues, "place" if where else "actor")
    if _SCORE_AFTER.match(text, end) or _in_contest(before, cues) or (after and _plain(after[0]) in cues.contest_verbs):
        return "place"
    clitic = _clitic_before(text, start) if arabic_script else ""
    previous = [_plain(w) for w in before[-3:]]
    if clitic:
        previous = previous[:-1] + [w for w in ("ب",) if "ب" in clitic]
        if clitic.startswith(("و", "ف")) and "ب" not in clitic and "ل" not in clitic:
            return _after_conjunction(text, start - len(clitic), before[:-1], cues)
    if previous[-2:-1] and previous[-1] in ("from", "من") and previous[-2] in cues.agents:
        return "actor"          # "a delegation from Iraq", "officials from Turkey": those acting for it
    if previous and previous[-1] in cues.locatives:
        return "place"
    if len(previous) >= 2 and previous[-1] in ("with", "مع") and previous[-2] in cues.places \
            and previous[-2] not in cues.agents:
        return "place"          # "the border with Syria", "الحدود مع سوريا"
    if len(previous) >= 2 and previous[-1] == "of" and previous[-2] in cues.places and previous[-2] not in cues.agents:
        return "place"
    if previous and previous[-1] in ("and", "or", ","):
        earlier = text[:start].rstrip()
        earlier = earlier[:len(earlier) - len(before[-1])].rstrip()
        m = re.search(rf"({_WORD})$", earlier)
        if m and m.group()[:1].isupper():
            return country_sense(text, m.start(), m.end(), False) if _is_listed(text, m) else "actor"
    if previous and previous[-1] == "،" and arabic_script:
        return _after_conjunction(text, start, before, cues)
    return "actor"


def _names_a_thing(text: str, end: int, after: list[str], cues: CountryCues) -> bool:
    """A country's name that opens the name of a thing or a place ("the Iraq-Turkey pipeline",
    "the Iraq Stars League"): the last word of that name decides, as after a demonym."""
    if after[:1] == ["-"] and text[end:end + 1] == "-" and after[1:2] and after[1][:1].isupper():
        run = [w for w in after[2:4] if w[:1].islower()][:1]         # "Iraq-Turkey pipeline"
    elif text[end:end + 1] == " ":
        run = []
        for word in after[:4]:                                       # "Iraq Stars League"
            if not (word[:1].isupper() and word.isalpha()):
                break
            run.append(word)
    else:
        run = []
    return bool(run) and _plain(run[-1]) in cues.places and _plain(run[-1]) not in cues.agents


def _owned_sense(owned: list[str], cues: CountryCues, default: str = "actor") -> str:
    """A country's possessive: a place when what it owns is a place or a thing ("Iraq's south",
    "Iraq's national team"), looking past adjectives; a name after it ("Iraq's Border Ports
    Commission") is judged by its last word."""
    words = [w for w in owned if w[:1].isalpha()]
    if words and words[0][:1].isupper():
        run = []
        for word in words:
            if not word[:1].isupper():
                break
            run.append(word)
        # a body of the state acts for it ("Iraq's Border Ports Commission"); a name that is no
        # body of a state (a company, a team) only says where it is from ("China's Huaxin Energy")
        body = bool(run) and _plain(run[-1]) in organisation_heads()
        return _described_sense(run[-1:], cues, people=False, default="actor" if body else "place")
    return _described_sense(words, cues, people=False, default=default)


def _in_contest(before: list[str], cues: CountryCues) -> bool:
    """"the qualifier against Kuwait", "the match with Qatar": a word of opposing right before,
    a contest within the four words before that."""
    words = [_plain(w) for w in before[-5:] if w[:1].isalpha()]
    return bool(words) and (words[-1] in cues.contest_verbs
                            or (words[-1] in cues.opponents and any(w in cues.contests for w in words[:-1])))


def _after_conjunction(text: str, start: int, before: list[str], cues: CountryCues) -> str:
    """An Arabic name after و or a comma ("من مصر وتونس ولبنان"): the sense of the list, read
    from the word before its first item (items after the first carry و)."""
    words = [w for w in before if w[:1].isalpha()]
    while words:
        item = words.pop()
        if item.startswith("بال"):
            return "place"      # "بمصر وتونس": the first item carries the preposition
        if not item.startswith(("و", "ف")):
            break
    return "place" if words and _plain(words[-1]) in cues.locatives else "actor"


def _is_listed(text: str, m: re.Match) -> bool:
    """A capitalised word before "and"/"or" is only followed when a word of location is
    right before it (the list is one of places: "in Iraq, Syria and Turkey")."""
    before = [_plain(w.group()) for w in _CUE_TOKEN.finditer(text, max(0, m.start() - 40), m.start())]
    cues = country_cues()
    return bool(before) and (before[-1] in cues.locatives or before[-1] in (",", "and"))


# --- organisations: any head word; titles after a name -------------------------------------------

@lru_cache(maxsize=1)
def organisation_heads() -> frozenset[str]:
    """Last words of an organisation's full name: [organisations] names and [organisation_bodies]."""
    return lexicon().org_names | frozenset(_bodies()["heads"])


def _before_office(reader: Reader, indices: list[int]) -> list[int]:
    """The tokens of an organisation's name before an office title that starts a person:
    "Basra Oil Company Deputy Governor Ali Hassan" -> "Basra Oil Company". The title is the
    last title word followed by a name; a title inside the name ("Office of the Prime
    Minister", "Council of Ministers", "Ministry of Oil") stays: it follows a connector, or
    what is before it does not end with an organisation's head word."""
    tokens, lex = reader.tokens, reader.lex
    heads = organisation_heads()
    for n in range(len(indices) - 2, 0, -1):
        low, nxt = tokens[indices[n]].low, tokens[indices[n + 1]]
        if (reader.is_head(low) and tokens[indices[n - 1]].low not in lex.connectors and nxt.cap
                and not reader.is_title_word(nxt.low) and nxt.low not in heads):
            name = indices[:n]
            while len(name) >= 2 and reader.is_title_word(tokens[name[-1]].low) and tokens[name[-2]].low in heads:
                name.pop()      # "Company Deputy": the title began one word earlier
            return name
    return indices


_SELF_NAMING = frozenset({"calling", "calls", "called"})


def self_named(reader: Reader, runs: list[list[int]]) -> list[tuple[str, int, int, list[int]]]:
    """Groups that name themselves: "a group calling itself Shadow Falcons" (the capitalised
    words after "calling/calls/called itself"), whatever their last word."""
    tokens = reader.tokens
    found = []
    for run in runs:
        k = run[0]
        if k >= 2 and tokens[k - 1].low == "itself" and tokens[k - 2].low in _SELF_NAMING \
                and not any(reader.masked_at[i] or reader.hit_at[i] is not None for i in run):
            found.append((reader._span_text(run[0], run[-1]), tokens[run[0]].start, tokens[run[-1]].end, run))
    return found


def _second_half_of_a_complement(reader: Reader, run: list[int], with_the: bool) -> bool:
    """After "<head> of/for X and", a run that goes on with the complement ("Commission for
    Dams and Reservoirs", "Board of Antiquities and Heritage"): one or two plain words, none
    a name the gazetteer knows, an organisation's head, a title or a given name, and no "the"."""
    tokens, lex = reader.tokens, reader.lex
    heads = organisation_heads()
    # a portfolio ("Economy", "Planning") is a title's word only when an office or a name goes on
    # after it ("... and Planning Minister Ali Said"); at the end of the name it is the complement
    nxt = reader.next_word(run[-1] + 1)
    office_after = nxt is not None and (reader.is_title_word(nxt.low) or capitalised(nxt.text))
    return not with_the and len(run) <= 2 and not any(
        reader.hit_at[i] is not None or tokens[i].low in heads or tokens[i].low in lex.org_heads
        or (reader.is_title_word(tokens[i].low) and office_after) or tokens[i].low in lex.given or tokens[i].poss
        for i in run)


def _names_an_event(reader: Reader, last: int) -> bool:
    """A name that only qualifies the next word, an event or a place ("the General Assembly
    session"), is not a body acting."""
    nxt = reader.next_word(last + 1)
    return nxt is not None and not reader.tokens[last].poss and nxt.low in _bodies()["not_acting_before"]


@lru_cache(maxsize=1)
def _bodies() -> dict:
    return _lexicon_data()["organisation_bodies"]


def _opened_by_an_acronym(reader: Reader, name_tokens: list[int], hits: list[Hit]) -> bool:
    """A body the gazetteer knows by its acronym that opens a longer name of two more words
    ending in a head ("GCC Interconnection Authority", "NATO Defence College"): that longer
    name is another body, of which the acronym is a word."""
    first = reader.tokens[name_tokens[0]]
    return len(hits) == 1 and hits[0].start == first.start and hits[0].end == first.end \
        and all_caps(first.text) and len(name_tokens) >= 3 and reader.tokens[name_tokens[-1]].low in organisation_heads()


def _demonym_before_a_name(reader: Reader, part: list[int]) -> bool:
    """A demonym or a country's name that opens an organisation's name is part of it ("Iraqi
    Drilling Company", "Japan International Cooperation Agency", "US Central Command")."""
    hit = reader.hit_at[part[0]]
    whole = hit.end <= reader.tokens[part[0]].end and not reader.tokens[part[0]].poss   # one word, no 's
    return (hit.how == "demonym" or (hit.kind == "country" and whole)) and len(part) >= 3 \
        and reader.tokens[part[-1]].low in organisation_heads()


def _reverse_definitions(reader: Reader) -> list[tuple[str, str, int, int]]:
    """(abbreviation, name, start, end) for the reverse form "SOMO (State Organization for
    Marketing of Oil)": capitals, then in brackets a name whose initials spell them and whose
    last word is an organisation's."""
    tokens, lex = reader.tokens, reader.lex
    found = []
    for i in range(len(tokens) - 3):
        abbr = tokens[i].text
        if (tokens[i].kind != "w" or not all_caps(abbr) or len(abbr) > 8 or abbr.lower() in lex.not_abbreviations
                or tokens[i + 1].text != "(" or reader.hit_at[i] is not None or reader.masked_at[i]):
            continue
        phrase: list[int] = []
        k = i + 2
        while k < len(tokens) and len(phrase) < 12 and tokens[k].kind == "w" and (
                tokens[k].cap or tokens[k].low in lex.connectors or tokens[k].low in lex.particles):
            phrase.append(k)
            k += 1
        if not phrase or k >= len(tokens) or tokens[k].text != ")" or not tokens[phrase[0]].cap:
            continue
        caps = [tokens[n].text for n in phrase if tokens[n].cap]
        initials = "".join(p[0] for w in caps for p in w.split("-") if p)
        every = "".join(tokens[n].text[0] for n in phrase)
        last = tokens[phrase[-1]].low
        if abbr not in (initials.upper(), every.upper()) or not (last in lex.org_heads or last in organisation_heads()):
            continue
        if any(reader.masked_at[n] for n in phrase) or any(
                h.start <= tokens[phrase[0]].start and h.end >= tokens[phrase[-1]].end for h in hits_of(reader, phrase)):
            continue        # masked, or the gazetteer knows the name already
        found.append((abbr, reader._span_text(phrase[0], phrase[-1]), tokens[phrase[0]].start, tokens[phrase[-1]].end))
    return found

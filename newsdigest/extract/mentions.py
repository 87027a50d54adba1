"""Who one article is about: the names it mentions, read from it alone.

`extract_mentions(text, title, gazetteer, source, agencies)`: gazetteer names (countries,
demonyms, organisations, the site's people), people in no gazetteer (titled names, names with a
known given name, names that say or do something), organisations named in full or defined with
their abbreviation ("the Popular Defence Council (PDC)"), the titles seen with each person, Arabic
names (arabic_names.py), countries that are only where something happens (places, not actors), and
what one article alone can tell about identity (a surname alone means the full name used elsewhere
in the same article). The result depends only on its arguments, so the build caches it by content
hash and `gazetteer.fingerprint`; resolve.py puts the articles together.

News agencies are not actors: the article's own source and the configured agencies are
masked where the text only attributes ("said in a statement received by the Iraqi News
Agency- INA"); an agency that is in the gazetteer and is the subject of the story counts.
"""
from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator, Mapping

from ..arabic import data as arabic_data, has_arabic, normalise, stems, without_article
from ..core import name_key
from .arabic_names import LATIN_WORDS, Found, continues_a_name, discover, inside_a_longer_name
from .gazetteer import Gazetteer, Hit, country_words, default_gazetteer
from .names import (WORD_RE, Candidate, Reader, acronym_definitions, all_caps, capitalised, country_cues, country_sense,
                    has_lower_particle, hits_of, is_attribution, is_nickname_of, lexicon, name_parts,
                    organisation_names, person_key, read_candidate, segments, self_named, source_spans,
                    surname_key)

EXTRACTOR_VERSION = "6"     # part of every cache key: bump when extraction changes


# --- what one article says ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Mention:
    """One place in the article where a name was found."""

    surface: str            # as written
    start: int              # offsets in the title or in the text
    end: int
    in_title: bool
    actor: str              # the local actor it counts for; "" when it is not an actor
    how: str                # "name", "alias", "demonym" (gazetteer); "discovered"; "surname";
                            # "acronym"; "source" or "ambiguous" (not counted)
    note: str = ""


@dataclass(frozen=True, slots=True)
class LocalActor:
    """An actor as one article shows it."""

    name: str                       # gazetteer canonical, or the fullest spelling in this article
    kind: str                       # person, organisation, country, place ("" unknown)
    known: bool                     # True: in the gazetteer
    forms: tuple[str, ...]          # spellings as written, first seen first
    roles: tuple[str, ...] = ()     # titles seen with the person
    first: int = 0                  # order of first mention (title before text)
    count: int = 1
    evidence: tuple[str, ...] = ()  # why it is an actor: "gazetteer", "title", "apposition", ...


@dataclass(frozen=True, slots=True)
class SingleName:
    """A one-word name the article never spells out in full ("Goffus said")."""

    surface: str
    key: str                        # folded, without particles
    titled: bool                    # written after a title or a courtesy title
    roles: tuple[str, ...]
    first: int
    count: int


@dataclass(frozen=True, slots=True)
class LooseNames:
    """(surface, first place) of each loose name of an article, in the order found, held as one
    string and one array: as pairs, the twenty-odd names of an article took 2.6 kB of what a
    build holds of every article until resolution (0.44 kB so), for a reading that few corpora
    need (Arabic companies)."""

    surfaces: str = ""                    # joined by newlines (a name never holds one)
    firsts: array = field(default_factory=lambda: array("i"))

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, int]]) -> "LooseNames":
        pairs = list(pairs)
        return cls("\n".join(surface for surface, _ in pairs), array("i", (first for _, first in pairs)))

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return zip(self.surfaces.split("\n"), self.firsts) if self.firsts else iter(())

    def __len__(self) -> int:
        return len(self.firsts)


@dataclass(frozen=True, slots=True)
class Mentions:
    """What one article says on its own; cacheable (plain values only)."""

    actors: tuple[LocalActor, ...]                    # in order of first mention
    mentions: tuple[Mention, ...]
    singles: tuple[SingleName, ...] = ()              # unresolved one-word names
    acronyms: tuple[tuple[str, str], ...] = ()        # (abbreviation, organisation) defined here
    abbreviations: tuple[tuple[str, int], ...] = ()   # unknown capitals seen: (abbreviation, first)
    merges: tuple[tuple[str, str, str], ...] = ()     # (actor, form, reason) decided within the article
    places: tuple[str, ...] = ()                      # countries named only as places, first seen first
    # capitalised names read as no actor (no title, verb or head word: "France's AquaNova"),
    # for the corpus to recognise when another article names them in Arabic
    loose: LooseNames = LooseNames()


class _Article:
    """The actors of one article as they are found: each mention is recorded with the actor it
    counts for (or why it does not count)."""

    def __init__(self) -> None:
        self.actors: dict[str, dict] = {}       # name -> fields, until local_actors()
        self.mentions: list[Mention] = []
        self.merges: list[tuple[str, str, str]] = []
        self.places: list[tuple[int, str]] = []    # (position, country) named only as a place

    def count(self, name: str, kind: str, known: bool, surface: str, start: int, end: int, how: str,
              evidence: Iterable[str] = (), roles: Iterable[str] = (), in_title: bool = False, note: str = "") -> None:
        pos = _TITLE_OFFSET + start if in_title else start
        actor = self.actors.setdefault(name, {"kind": kind, "known": known, "forms": {}, "roles": [],
                                              "first": pos, "count": 0, "evidence": []})
        actor["count"] += 1
        actor["first"] = min(actor["first"], pos)
        actor["forms"][surface] = min(actor["forms"].get(surface, pos), pos)
        actor["roles"] += [r for r in roles if r not in actor["roles"]]
        actor["evidence"] += [e for e in evidence if e not in actor["evidence"]]
        actor["kind"] = actor["kind"] or kind
        self.mentions.append(Mention(surface, start, end, in_title, name, how, note))

    def skip(self, surface: str, start: int, end: int, how: str, note: str, in_title: bool = False) -> None:
        self.mentions.append(Mention(surface, start, end, in_title, "", how, note))

    def merge(self, name: str, form: str, reason: str) -> None:
        if (name, form, reason) not in self.merges:
            self.merges.append((name, form, reason))

    def local_actors(self) -> tuple[LocalActor, ...]:
        ordered = sorted(self.actors.items(), key=lambda kv: kv[1]["first"])
        return tuple(LocalActor(name, a["kind"], a["known"], tuple(sorted(a["forms"], key=a["forms"].get)),
                                tuple(a["roles"]), a["first"], a["count"], tuple(a["evidence"])) for name, a in ordered)


_TITLE_OFFSET = -1_000_000      # title mentions come before any text mention
_SURNAME_MERGE = "surname alone; the full name is in the same article"


def extract_mentions(text: str, title: str = "", gazetteer: Gazetteer | None = None, source: str = "",
                     agencies: Mapping[str, str] | None = None) -> Mentions:
    """Everything one article says about who it is about; see the module docstring."""
    gazetteer = gazetteer if gazetteer is not None else default_gazetteer()
    matcher = gazetteer.matcher(agencies)
    art = _Article()
    hits, masked = _screen(art, _foreign_bodies(matcher.find(text), text), text, source, in_title=False)
    reader = Reader(text, hits, masked)
    names = _read_names(reader)
    arabic_found = _read_arabic(text, hits, masked, names)
    people = _people_of_the_article(art, names.persons)
    by_surname = _surnames(people, hits, names.inside)
    _count_gazetteer_hits(art, hits, names, by_surname, text)
    singles = _count_single_names(art, reader, names.singles, by_surname, set(people.values()))
    acronyms = _count_organisations(art, reader, names.organisations)
    _count_owned_bodies(art, text, hits, gazetteer)
    abbreviations = _unknown_abbreviations(reader, dict(acronyms), art)
    singles += _count_arabic(art, text, arabic_found)
    if title:
        title_hits, _ = _screen(art, _foreign_bodies(matcher.find(title), title, True), title, source, in_title=True)
        _count_title(art, title, title_hits, by_surname)
    return Mentions(art.local_actors(), tuple(art.mentions), singles, tuple(acronyms), abbreviations,
                    tuple(art.merges), _places(art), _loose(art, names.loose))


_OWNED = re.compile(r"['\u2019]s((?:\s+[a-z]+){1,3})")


def _count_owned_bodies(art: _Article, text: str, hits: list[Hit], gazetteer: Gazetteer) -> None:
    """A country's body named in lower case after its possessive ("Iraq's central bank") is the
    gazetteer's "<Body> of <Country>" ("Central Bank of Iraq"), longest first."""
    for hit in hits:
        m = _OWNED.match(text, hit.end)
        if hit.kind != "country" or m is None:
            continue
        words = list(LATIN_WORDS.finditer(text, m.start(1), m.end(1)))   # the words after the possessive
        for n in range(len(words), 0, -1):
            said = " ".join(w.group() for w in words[:n])
            name = gazetteer.lookup(said.title() + " of " + hit.canonical)
            if name and gazetteer.kind(name) == "organisation":
                start, end = words[0].start(), words[n - 1].end()    # the words only: "Iraq" stays its own mention
                art.count(name, "organisation", True, text[start:end], start, end, "alias", ["gazetteer"],
                          note=f"{hit.canonical}'s {said}")
                break


def _foreign_bodies(hits: list[Hit], body: str, in_title: bool = False) -> list[Hit]:
    """An Arabic name of a gazetteer body followed by another country's adjective is that
    country's body ("وزارة الدفاع التركية" is Turkey's ministry, not the Ministry of Defence the
    gazetteer means): the body's words are masked (neither that actor nor a new one) and the
    adjective is read as the country acting. A form that names the adjective itself ("البنك
    المركزي العراقي") is one longer hit already. A name that goes on past the gazetteer's
    ("وزارة الصحة والسكان") is another body's and is left to discovery (in Latin script not in a
    headline, whose words are all capitalised)."""
    kept = []
    skip = -1
    for n, hit in enumerate(hits):
        if n == skip:
            continue
        if hit.kind == "organisation" and (
                (continues_a_name(body, hit.end) or inside_a_longer_name(body, hit.start, hit.end))
                if has_arabic(hit.surface) else not in_title and _latin_name_goes_on(hits, n, body)):
            continue            # "وزارة الصحة والسكان": another body, whose whole name discovery reads
        nxt = hits[n + 1] if n + 1 < len(hits) else None
        if (hit.kind == "organisation" and nxt is not None and nxt.kind == "country" and nxt.how == "demonym"
                and has_arabic(hit.surface) and body[hit.end:nxt.start].isspace()
                and nxt.canonical != arabic_data()["state_bodies"]["country"]):
            # (the gazetteer's own country's adjective names the same body: "وزارة الكهرباء العراقية")
            if _named_after_its_country(hit.canonical) or not _of_the_government(hit.canonical):
                # "البنك المركزي الأردني", "مجلس النواب الليبي": that country's own bank or
                # parliament, read whole by discovery
                skip = n + 1
                continue
            hit = Hit(hit.start, hit.end, hit.surface, "", "", "blocked")
        kept.append(hit)
    return kept


_GOVERNMENT_WORDS = frozenset({"ministry", "ministers", "government"})


def _of_the_government(name: str) -> bool:
    """A ministry or the cabinet: another country's is that country acting (its government, by
    the labelling guide), where a parliament, a court or a bank of it is a body of its own."""
    return bool(set(LATIN_WORDS.findall(name.lower())) & _GOVERNMENT_WORDS)


def _named_after_its_country(name: str) -> bool:
    """A gazetteer body whose name holds its country ("Central Bank of Iraq", "Iraqi Army"): another
    country's adjective after its Arabic short form names that country's own body of the kind."""
    return bool(set(LATIN_WORDS.findall(name.lower())) & country_words())


_WORD_BEFORE = re.compile(r"(?<![\w'\u2019])([A-Z][a-z]+) $")
_AND_WORD_AFTER = re.compile(r" and ([A-Z][a-z]+)(?![\w'\u2019-]| [A-Z])")
_NOT_A_NAME_WORD = frozenset({"The", "A", "An", "Its", "Their", "His", "Her", "Our", "This", "That", "And", "But",
                              "Former", "Acting", "Deputy"})


def _latin_name_goes_on(hits: list[Hit], n: int, body: str) -> bool:
    """Whether a gazetteer body's Latin name is part of a longer one: a capitalised word before
    it that is no country and no article ("Federal Ministry of Health"), or one more word joined
    by "and" that ends the name ("Ministry of Finance and Economy"). That longer name is another
    body's (the gazetteer's ministries are Iraq's), read whole by discovery."""
    hit = hits[n]
    before = _WORD_BEFORE.search(body, max(0, hit.start - 40), hit.start)
    if before and before.group(1) not in _NOT_A_NAME_WORD and before.group(1).lower() not in lexicon().org_heads \
            and not any(h.end > before.start(1) and h.start < before.end(1) for h in hits):
        return True
    after = _AND_WORD_AFTER.match(body, hit.end)
    return bool(after) and after.group(1).lower() not in lexicon().org_heads \
        and not any(h.start < after.end(1) and h.end > after.start(1) for h in hits)


def _screen(art: _Article, found: list[Hit], body: str, source: str, in_title: bool
            ) -> tuple[list[Hit], list[tuple[int, int]]]:
    """Gazetteer hits that can be actors, and the spans that are not names of actors: the
    article's own source, news agencies the text only quotes, and blocked phrases."""
    own = name_key(source)
    own_spans = source_spans(body, source)
    masked = list(own_spans)
    kept: list[Hit] = []
    for hit in found:
        if any(s < hit.end and hit.start < e for s, e in own_spans):
            continue
        if hit.how == "blocked":
            masked.append((hit.start, hit.end))
            continue
        if _a_place_of_that_name(hit, body):
            masked.append((hit.start, hit.end))
            art.skip(hit.surface, hit.start, hit.end, "place", f"a place, not {hit.canonical}", in_title)
            continue
        if hit.agency and (not hit.canonical or name_key(hit.agency) == own
                           or is_attribution(body, hit.start, hit.end)):
            masked.append((hit.start, hit.end))
            note = "the article's source" if name_key(hit.agency) == own else f"news agency ({hit.agency})"
            art.skip(hit.surface, hit.start, hit.end, "source", note, in_title)
            continue
        kept.append(hit)
    for s, e in own_spans:
        art.skip(body[s:e], s, e, "source", "the article's source", in_title)
    return kept, masked


_ARABIC_WORD_BEFORE = re.compile(r"([\u0621-\u064a]+)\s+$")


def _a_place_of_that_name(hit: Hit, body: str) -> bool:
    """A body's Arabic name that is also a place's (arabic.toml [words] also_places) after a
    preposition or a noun of place ("في الفاو", "ميناء الفاو", "بالفاو"): the place."""
    if hit.kind != "organisation" or normalise(hit.surface) not in _also_places():
        return False
    glued = re.search(r"[\u0621-\u064a]*$", body[:hit.start]).group()
    if "ب" in glued or "ل" in glued:
        return True
    before = _ARABIC_WORD_BEFORE.search(body[max(0, hit.start - 30):hit.start])
    if not before:
        return False
    cues = country_cues()
    readings = {without_article(normalise(stem)) for _, stem in stems(before.group(1))}    # "بميناء": ميناء
    return any(w in cues.locatives or w in cues.places for w in readings)


@lru_cache(maxsize=1)
def _also_places() -> frozenset[str]:
    return frozenset(normalise(w) for w in arabic_data()["words"].get("also_places", ()))


@dataclass
class _Names:
    """Capitalised names read in one text, before identity is decided."""

    persons: list[Candidate]                       # two words or more, read as people
    singles: list[Candidate]                       # one word, maybe a surname
    organisations: list[tuple[str, int, int, list[int]]]
    inside: set[int]                                # ids of gazetteer hits inside a longer name
    roles: dict[int, list[str]]                     # id of a gazetteer person hit -> titles seen with it
    loose: list[Candidate] = field(default_factory=list)   # read as nobody (Mentions.loose)


def _read_names(reader: Reader) -> _Names:
    runs = reader.runs()
    candidates = [read_candidate(reader, seg) for run in runs for seg in segments(reader, run)]
    names = _Names([], [], organisation_names(reader, runs) + self_named(reader, runs), set(), {})
    in_organisations = {i for _, _, _, indices in names.organisations for i in indices}
    for cand in candidates:
        if in_organisations.intersection(cand.indices):
            continue            # a word of an organisation's name ("... for Electricity Transmission")
        if cand.hit is not None:
            if cand.hit.kind == "person":
                names.roles.setdefault(id(cand.hit), []).extend(cand.roles)
            continue
        size = sum(1 for i in cand.indices if reader.token_class(i) != "L")
        if size >= 2:
            if cand.evidence and not cand.disqualified and size <= 5:
                names.persons.append(cand)
                names.inside |= {id(h) for h in hits_of(reader, cand.indices)}
            elif size <= 3 and not hits_of(reader, cand.indices):
                names.loose.append(cand)
        elif size == 1 and reader.hit_at[cand.indices[0]] is None:
            names.singles.append(cand)
            names.loose.append(cand)
    for _, _, _, indices in names.organisations:
        names.inside |= {id(h) for h in hits_of(reader, indices)}
    return names


def _loose(art: _Article, loose: list[Candidate]) -> LooseNames:
    """The loose names no mention counted for an actor, each once at its first place: the
    corpus reads a name of an article once (resolve._companies_named_in_arabic), and every
    place of every capitalised word was a third of what a build held per article."""
    counted = [(m.start, m.end) for m in art.mentions if m.actor and not m.in_title]
    first: dict[str, int] = {}
    for c in loose:
        if c.surface not in first and not any(s < c.end and c.start < e for s, e in counted):
            first[c.surface] = c.start
    return LooseNames.of(first.items())


def _people_of_the_article(art: _Article, persons: list[Candidate]) -> dict[str, str]:
    """Count the full names read as people: one local person per name key, with a shorter
    form (middle name left out) or a nickname joining the fuller, formal one. Returns the
    name key -> local person name."""
    groups: dict[str, list[Candidate]] = {}
    for cand in persons:
        groups.setdefault(person_key(cand.surface), []).append(cand)
    keys = sorted(groups, key=lambda k: (-len(k.split()), min(c.start for c in groups[k])))
    joins: dict[str, tuple[str, str]] = {}          # key -> (fuller key, reason)
    for n, key in enumerate(keys):
        if key in joins:
            continue
        full = key.split()
        for other in keys[n + 1:]:
            short = other.split()
            if other in joins or short[-1] != full[-1]:
                continue
            if len(short) < len(full) and short[0] == full[0] and set(short[1:-1]) <= set(full[1:-1]):
                joins[other] = (key, "middle name left out (same article)")
            elif len(short) == len(full) and short[1:] == full[1:] and is_nickname_of(short[0], full[0]):
                joins[other] = (key, f"{short[0].title()} is a nickname of {full[0].title()} (same article)")
    local: dict[str, str] = {}
    for key in keys:
        root = key
        while root in joins:
            root = joins[root][0]
        spellings = Counter(c.surface for c in groups[root])
        local[key] = max(spellings, key=lambda s: (spellings[s], has_lower_particle(s), -len(s)))
    for key in keys:
        name = local[key]
        for cand in groups[key]:
            art.count(name, "person", False, cand.surface, cand.start, cand.end, "discovered", cand.evidence,
                      cand.roles, note=", ".join(cand.evidence))
        if key in joins:
            art.merge(name, groups[key][0].surface, joins[key][1])
    return local


def _surnames(people: dict[str, str], hits: list[Hit], inside: set[int]) -> dict[str, set[str]]:
    """Surname key -> the people of the article who have it (found in full or in the gazetteer)."""
    by_surname: dict[str, set[str]] = defaultdict(set)
    for key, name in people.items():
        by_surname[key.split()[-1]].add(name)
    for hit in hits:
        if hit.kind == "person" and id(hit) not in inside:
            parts = name_parts(hit.canonical)
            if parts:
                by_surname[parts[-1]].add(hit.canonical)
    return by_surname


def _count_gazetteer_hits(art: _Article, hits: list[Hit], names: _Names, by_surname: dict[str, set[str]],
                          text: str = "") -> None:
    """Gazetteer names count as their canonical actor, except inside a longer name, and except
    a surname alias when the article names someone else of that surname in full."""
    named_in_full = {h.canonical for h in hits if h.kind == "person" and id(h) not in names.inside
                     and len(name_parts(h.surface)) >= 2}
    for hit in hits:
        if id(hit) in names.inside:
            art.skip(hit.surface, hit.start, hit.end, "inside a name", f"part of a longer name, not {hit.canonical}")
            continue
        roles = names.roles.get(id(hit), [])
        if hit.kind == "person" and len(name_parts(hit.surface)) == 1:
            others = by_surname.get(name_parts(hit.surface)[0], set()) - {hit.canonical}
            if others and hit.canonical in named_in_full:
                art.skip(hit.surface, hit.start, hit.end, "ambiguous",
                         "could be " + " or ".join(sorted(others | {hit.canonical})))
                continue
            if len(others) == 1:
                (name,) = others
                art.count(name, "person", False, hit.surface, hit.start, hit.end, "surname", ["surname"], roles,
                          note=f"not {hit.canonical}: the article names {name}")
                art.merge(name, hit.surface, _SURNAME_MERGE)
                continue
        if _only_a_place(art, hit, text):
            continue
        art.count(hit.canonical, hit.kind, True, hit.surface, hit.start, hit.end, hit.how, ["gazetteer"], roles)


def _count_single_names(art: _Article, reader: Reader, singles: list[Candidate], by_surname: dict[str, set[str]],
                        discovered: set[str]) -> tuple[SingleName, ...]:
    """One-word names: the surname of someone the article names in full, ambiguous between
    two such people, or left for the corpus (when written like a person's name)."""
    left: dict[str, dict] = {}
    for cand in singles:
        key = surname_key(cand.surface)
        if not key:
            continue
        local = by_surname.get(key, set())
        titled = "title" in cand.evidence or "courtesy title" in cand.evidence
        if len(local) == 1:
            (name,) = local
            art.count(name, "person", name not in discovered, cand.surface, cand.start, cand.end, "surname",
                      ["surname"], cand.roles)
            if person_key(cand.surface) != person_key(name):
                art.merge(name, cand.surface, _SURNAME_MERGE)
        elif local:
            art.skip(cand.surface, cand.start, cand.end, "ambiguous", "could be " + " or ".join(sorted(local)))
        elif titled or "verb" in cand.evidence or reader.tokens[cand.indices[-1]].poss:
            entry = left.setdefault(key, {"surface": cand.surface, "titled": False, "roles": [], "first": cand.start,
                                          "count": 0})
            entry["count"] += 1
            entry["titled"] = entry["titled"] or titled
            entry["roles"] += [r for r in cand.roles if r not in entry["roles"]]
    return tuple(SingleName(e["surface"], key, e["titled"], tuple(e["roles"]), e["first"], e["count"])
                 for key, e in left.items())


def _count_organisations(art: _Article, reader: Reader, organisations) -> list[tuple[str, str]]:
    """Organisations named in full or defined with their abbreviation; returns the
    (abbreviation, name) pairs defined."""
    acronyms: list[tuple[str, str]] = []
    defined_at = set()
    for abbr, name, start, end in acronym_definitions(reader):
        if abbr not in dict(acronyms):
            acronyms.append((abbr, name))
        defined_at.add(start)
        art.count(name, "organisation", False, name, start, end, "acronym", ["acronym"], note=f"defines {abbr}")
    for name, start, end, _ in organisations:
        if start not in defined_at:
            art.count(name, "organisation", False, name, start, end, "discovered", ["organisation name"],
                      note="organisation name")
    return acronyms


def _unknown_abbreviations(reader: Reader, defined: dict[str, str], art: _Article) -> tuple[tuple[str, int], ...]:
    """Count abbreviations defined in this article; keep the other unknown ones (with their
    first position) for the corpus, where another article may define them."""
    unknown: dict[str, int] = {}
    tokens, lex = reader.tokens, reader.lex
    for i, tok in enumerate(tokens):
        if not tok.cap or not all_caps(tok.text) or reader.hit_at[i] is not None or reader.masked_at[i]:
            continue
        if tok.text in defined:
            if not (i >= 1 and tokens[i - 1].text == "("):
                art.count(defined[tok.text], "organisation", False, tok.text, tok.start, tok.end, "acronym",
                          ["acronym"])
        elif 2 <= len(tok.text) <= 6 and tok.text.isalpha() and tok.low not in lex.not_abbreviations:
            unknown.setdefault(tok.text, tok.start)
    return tuple(sorted(unknown.items(), key=lambda kv: kv[1]))


def _read_arabic(text: str, hits: list[Hit], masked: list[tuple[int, int]], names: _Names) -> list[Found]:
    """People and organisations of Arabic text in no gazetteer (see arabic_names.discover); a
    country or its adjective at the end of an organisation's or a person's name ("شركة موانئ
    العراق", "محمد شياع السوداني"), or a body whose it is ("... لدول مجلس التعاون الخليجي"), is
    part of that name."""
    closers = [h for h in hits if h.kind == "country"]
    bodies = [h for h in hits if h.kind == "organisation"]
    found = discover(text, [(h.start, h.end) for h in hits] + masked, [(h.start, h.end) for h in closers],
                     [(h.start, h.end) for h in bodies])
    spans = [(f.start, f.end) for f in found if f.evidence != "family name alone"]
    names.inside |= {id(h) for h in closers + bodies if any(s <= h.start and h.end <= e for s, e in spans)}
    return found


def _count_arabic(art: _Article, text: str, found: list[Found]) -> tuple[SingleName, ...]:
    """Count the Arabic people and organisations; return the family names alone, for the corpus."""
    alone: dict[str, SingleName] = {}
    for f in found:
        if f.evidence == "family name alone":
            key = person_key(f.name)
            was = alone.get(key)
            alone[key] = SingleName(f.name, key, bool(f.role) or (was is not None and was.titled),
                                    tuple(dict.fromkeys([*(was.roles if was else ()), *([f.role] if f.role else [])])),
                                    was.first if was else f.start, (was.count if was else 0) + 1)
            continue
        how = "surname" if f.evidence == "surname" else "discovered"
        art.count(f.name, f.kind, False, text[f.start:f.end], f.start, f.end, how, [f.evidence],
                  [f.role] if f.role else [], note=f.evidence)
    return tuple(alone.values())


def _count_title(art: _Article, title: str, hits: list[Hit], by_surname: dict[str, set[str]]) -> None:
    """The headline: gazetteer names, and the article's people by their surname. Headlines
    capitalise every word, so no new names are read from them."""
    stop = lexicon().stop
    for hit in hits:
        name = hit.canonical
        if hit.kind == "person" and len(name_parts(hit.surface)) == 1:
            others = by_surname.get(name_parts(hit.surface)[0], set()) - {hit.canonical}
            if len(others) == 1 and hit.canonical not in art.actors:
                (name,) = others
        if _only_a_place(art, hit, title, in_title=True):
            continue
        if hit.kind == "country" and hit.how == "demonym" and not has_arabic(hit.surface) and name not in art.actors \
                and name not in {place for _, place in art.places}:
            # an English headline drops the words that tell who acts ("Moroccan federation names
            # ...", "Lebanese star draws ..."): its adjective is the country acting only when the
            # text names the country at all ("Iraqi and Jordanian teams" for "defenders from Iraq
            # and Jordan"), not only inside a name or never (an Arabic adjective follows its noun,
            # which decides as in the text)
            art.skip(hit.surface, hit.start, hit.end, "place", f"{name} described in the headline only", True)
            art.places.append((_TITLE_OFFSET + hit.start, name))
            continue
        if hit.kind == "country" and _opens_a_body(art, title, hit):
            art.skip(hit.surface, hit.start, hit.end, "inside a name", "part of a body the text names", True)
            continue
        art.count(name, hit.kind, name == hit.canonical, hit.surface, hit.start, hit.end, hit.how, ["gazetteer"],
                  in_title=True)
    taken = [(h.start, h.end) for h in hits]
    for m in WORD_RE.finditer(title):
        if any(s < m.end() and m.start() < e for s, e in taken) or not capitalised(m.group()):
            continue
        key = surname_key(m.group())
        local = by_surname.get(key, set()) if key and key not in stop else set()
        if len(local) == 1:
            (name,) = local
            art.count(name, "person", False, m.group(), m.start(), m.end(), "surname", ["surname"], in_title=True)


def _opens_a_body(art: _Article, title: str, hit: Hit) -> bool:
    """A country's name in the headline that begins the name of a body the text names ("Kuwait
    Oil Company restores output"), or in Arabic follows a head word as it does in that name ("مصرف
    الإمارات المركزي" for "مصرف الإمارات العربية المتحدة المركزي"): a word of that name, not the
    country."""
    rest = title[hit.start:].lower()
    bodies = [name for name, fields in art.actors.items() if fields["kind"] == "organisation"]
    if any(name.lower().startswith(hit.surface.lower() + " ") and rest.startswith(name.lower()) for name in bodies):
        return True
    before = title[:hit.start].split()[-1:]
    if not before or not has_arabic(hit.surface):
        return False
    words = {normalise(w) for _, w in stems(before[0])}
    return any(normalise(name).startswith(w + " " + normalise(hit.surface)) for name in bodies for w in words)


# --- countries as places -----------------------------------------------------------------------

def _only_a_place(art: _Article, hit: Hit, body: str, in_title: bool = False) -> bool:
    """Record a country mentioned as a place or a thing ("in Iraq", "the Belgian capital") as
    a place, not an actor (names.country_sense); True when it was."""
    if hit.kind != "country" or country_sense(body, hit.start, hit.end, hit.how == "demonym") == "actor":
        return False
    art.skip(hit.surface, hit.start, hit.end, "place", f"{hit.canonical} as a place, not acting", in_title)
    art.places.append((_TITLE_OFFSET + hit.start if in_title else hit.start, hit.canonical))
    return True


def _places(art: _Article) -> tuple[str, ...]:
    """The countries the article names only as places (a country that also acts is an actor)."""
    named = dict.fromkeys(name for _, name in sorted(art.places))
    return tuple(name for name in named if name not in art.actors)



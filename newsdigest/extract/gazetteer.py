"""The gazetteer: canonical actor names, kinds and aliases, and finding them in a text.

Two layers. The default layer ships with the package: every country in ISO 3166 (from
pycountry) under the name news copy uses, with its abbreviations and demonyms ("Iraqi"
means Iraq; newsdigest/data/countries.toml), and the major international organisations
(newsdigest/data/organisations.toml). The site layer is the editor's content/actors.toml; it
overrides and extends the defaults: an entry whose name or alias is also a default name takes
that default over (its aliases and demonyms then lead to the site's canonical name).

`entries` and `canonical` hold the site layer as written; `defaults` the shipped layer.
Lookups (`resolve`, `lookup`, `info`, `all_entries`, `matcher`) see both, the site first.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import ahocorasick
import pycountry

from .. import arabic
from ..config import toml_error_line
from ..errors import Problem
from ..core import TermInfo, memoized, name_key
from ..files import read_regular_text

KINDS = ("person", "organisation", "country", "place")
GAZETTEER_FILE = "content/actors.toml"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Form:
    """What one written form (name, alias or demonym) stands for."""

    canonical: str
    how: str            # "name", "alias" or "demonym"


@dataclass(frozen=True)
class Gazetteer:
    entries: dict[str, TermInfo] = field(default_factory=dict)   # site layer: canonical name -> info
    canonical: dict[str, str] = field(default_factory=dict)      # site layer: name key of name or alias -> canonical
    demonyms: dict[str, str] = field(default_factory=dict)       # this layer: name key of a demonym -> canonical
    blocked: tuple[str, ...] = ()                                # phrases that contain a name but never mean it
    defaults: Gazetteer | None = None                            # the shipped layer, under this one

    # --- lookups over both layers -----------------------------------------------------------

    def resolve(self, name: str) -> str:
        """The canonical spelling of a name, alias or demonym; unknown names are kept as written."""
        return self.lookup(name) or name

    def lookup(self, name: str) -> str | None:
        """The canonical name, or None when no layer knows the name."""
        form = self.forms.get(name_key(name))
        return form.canonical if form else None

    def info(self, name: str) -> TermInfo:
        """Kind, description and aliases of a name (any form); empty for unknown names."""
        canonical = self.lookup(name)
        return self.all_entries.get(canonical, TermInfo()) if canonical else TermInfo()

    def kind(self, name: str) -> str:
        return self.info(name).kind

    @property
    def all_entries(self) -> dict[str, TermInfo]:
        """Every actor of both layers: the site's entries first, each default merged into the
        site entry that took it over (the site's kind and description win, aliases add up)."""
        return self._cached("all_entries", self._merge_entries)

    @property
    def forms(self) -> dict[str, Form]:
        """Name key of every written form of both layers -> what it stands for."""
        return self._cached("forms", self._merge_forms)

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything that extraction depends on changes (for cache keys)."""
        def compute() -> str:
            data = {
                "entries": {k: [v.kind, list(v.aliases)] for k, v in self.all_entries.items()},
                "forms": {k: [f.canonical, f.how] for k, f in sorted(self.forms.items())},
                "blocked": sorted(self.all_blocked),
            }
            return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        return self._cached("fingerprint", compute)

    @property
    def all_blocked(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*(self.defaults.all_blocked if self.defaults else ()), *self.blocked)))

    def matcher(self, agencies: Mapping[str, str] | None = None) -> Matcher:
        """The text matcher for this gazetteer plus the news agencies (code -> name) whose
        mentions are attributions, built once and reused for every article."""
        agencies = dict(agencies or {})
        key = "matcher:" + json.dumps(sorted(agencies.items()), ensure_ascii=False)
        return self._cached(key, lambda: Matcher(self, agencies))

    # --- internals -----------------------------------------------------------------------------

    def _cached(self, key: str, compute):
        memo = self.__dict__.get("_memo")   # the hit first: forms and entries are read per name
        if memo is not None and key in memo:
            return memo[key]
        return memoized(self, key, compute)

    def _own_forms(self) -> dict[str, Form]:
        forms: dict[str, Form] = {}
        for name, info in self.entries.items():
            forms.setdefault(name_key(name), Form(name, "name"))
            for alias in info.aliases:
                forms.setdefault(name_key(alias), Form(name, "alias"))
        for key, name in self.demonyms.items():
            forms.setdefault(key, Form(name, "demonym"))
        return forms

    def _claims(self) -> dict[str, str]:
        """Default canonical name -> the site entry that takes it over."""
        if self.defaults is None:
            return {}
        below = self.defaults.forms
        claims: dict[str, str] = {}
        for key, form in self._own_forms().items():
            other = below.get(key)
            if other is not None:
                claims.setdefault(other.canonical, form.canonical)
        return claims

    def _merge_forms(self) -> dict[str, Form]:
        forms: dict[str, Form] = {}
        if self.defaults is not None:
            claims = self._claims()
            for key, form in self.defaults.forms.items():
                forms[key] = Form(claims.get(form.canonical, form.canonical), form.how)
        forms.update(self._own_forms())
        return forms

    def _merge_entries(self) -> dict[str, TermInfo]:
        if self.defaults is None:
            return dict(self.entries)
        below = self.defaults.all_entries
        claims = self._claims()
        taken: dict[str, list[str]] = {}
        for old, new in claims.items():
            taken.setdefault(new, []).append(old)
        merged: dict[str, TermInfo] = {}
        for name, info in self.entries.items():
            kind, description, aliases = info.kind, info.description, list(info.aliases)
            for old in taken.get(name, []):
                base = below[old]
                kind = kind or base.kind
                description = description or base.description
                aliases += [old, *base.aliases]
            seen = {name_key(name)}
            unique = []
            for alias in aliases:
                if name_key(alias) not in seen:
                    seen.add(name_key(alias))
                    unique.append(alias)
            merged[name] = TermInfo(kind, description, tuple(unique))
        for name, info in below.items():
            if name not in claims and name not in merged:
                merged[name] = info
        return merged


# --- reading the site's content/actors.toml ----------------------------------------------------

def _string_list(table: dict, key: str, name: str, path: str, problems: list[Problem]) -> list[str]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(a, str) for a in values):
        problems.append(Problem(path, f"'{name}': {key} must be a list of strings", "", level="warning"))
        return []
    return values


def parse_gazetteer(text: str, path: str = GAZETTEER_FILE) -> tuple[Gazetteer, list[Problem]]:
    """One gazetteer layer from TOML text: a table per actor with kind, aliases, description
    and, for countries, demonyms. Problems name the file and the entry."""
    problems: list[Problem] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Gazetteer(), [Problem(path, f"not valid TOML: {exc}", "fix the syntax; actors are not canonicalised until then",
                                     toml_error_line(exc))]
    entries: dict[str, TermInfo] = {}
    canonical: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    for name, table in data.items():
        if not isinstance(table, dict):
            problems.append(Problem(path, f"'{name}' must be a table like [\"{name}\"] with kind = \"person\"", ""))
            continue
        kind = table.get("kind", "")
        if kind not in KINDS:
            problems.append(Problem(path, f"'{name}': kind must be one of {', '.join(KINDS)} (got {kind!r})",
                                    "fix the kind; the actor is listed without one until then", level="warning"))
            kind = ""
        aliases = _string_list(table, "aliases", name, path, problems)
        description = table.get("description", "")
        entries[name] = TermInfo(kind, description if isinstance(description, str) else "", tuple(aliases))
        for alias in [name, *aliases]:
            other = canonical.setdefault(name_key(alias), name)
            if other != name:
                problems.append(Problem(path, f"alias '{alias}' of '{name}' is already used by '{other}'",
                                        "give each alias to one actor only", level="warning"))
        for demonym in _string_list(table, "demonyms", name, path, problems):
            other = demonyms.setdefault(name_key(demonym), name)
            if other != name:
                problems.append(Problem(path, f"demonym '{demonym}' of '{name}' is already used by '{other}'",
                                        "give each demonym to one actor only", level="warning"))
    return Gazetteer(entries, canonical, demonyms), problems


def load_gazetteer(content_dir: Path, defaults: bool = True) -> tuple[Gazetteer, list[Problem]]:
    """The site's content/actors.toml over the default gazetteer (defaults=False: the site
    layer alone). A missing file is an empty site layer; a broken one is reported."""
    file = content_dir / "actors.toml"
    if not file.exists():
        return _layered(None, defaults)[0], []
    try:
        text = read_regular_text(file)
    except (OSError, UnicodeDecodeError) as exc:
        return _layered(None, defaults)[0], [Problem(GAZETTEER_FILE, f"cannot read: {exc}",
                                                     "save it as UTF-8 text; actors are not canonicalised until then")]
    layered, problems = _layered(text, defaults)
    return layered, list(problems)


@lru_cache(maxsize=1)
def _layered(text: str | None, defaults: bool) -> tuple[Gazetteer, tuple[Problem, ...]]:
    """load_gazetteer's result for the file's text (None: no file). Made once per text, so that
    the builds of a live engine share one gazetteer, with its fingerprint (0.02 s at 10,000
    articles' defaults) and text matcher (0.05 s) made once, not once per build."""
    base = default_gazetteer() if defaults else None
    if text is None:
        return Gazetteer(defaults=base), ()
    site, problems = parse_gazetteer(text)
    layered = replace(site, defaults=base)
    return layered, tuple(problems + _takeovers_of_another_kind(layered))


def _takeovers_of_another_kind(gazetteer: Gazetteer) -> list[Problem]:
    """A site entry that takes over a default entry of another kind is probably an accident:
    a person with the alias "Jordan" would swallow the country."""
    if gazetteer.defaults is None:
        return []
    below = gazetteer.defaults
    problems = []
    for name, info in gazetteer.entries.items():
        for form in (name, *info.aliases):
            other = below.forms.get(name_key(form))
            if other is None:
                continue
            kind = below.all_entries[other.canonical].kind
            if info.kind and kind and info.kind != kind:
                problems.append(Problem(GAZETTEER_FILE, f"'{form}' of '{name}' ({info.kind}) also names the {kind} "
                                        f"'{other.canonical}' of the default gazetteer, which now leads to '{name}'",
                                        "remove that alias if the default entry should stay", level="warning"))
    return problems


# --- the default layer -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """Countries (pycountry + data/countries.toml) and organisations (data/organisations.toml)."""
    countries = tomllib.loads((DATA_DIR / "countries.toml").read_text(encoding="utf-8"))
    names, more, people = countries["names"], countries["aliases"], countries["demonyms"]
    entries: dict[str, TermInfo] = {}
    canonical: dict[str, str] = {}
    demonyms: dict[str, str] = {}

    def add(name: str, kind: str, aliases: list[str], description: str = "") -> None:
        unique = []
        for alias in aliases:
            key = name_key(alias)
            if key != name_key(name) and key not in canonical and alias not in unique:
                unique.append(alias)
        entries[name] = TermInfo(kind, description, tuple(unique))
        for alias in [name, *unique]:
            canonical.setdefault(name_key(alias), name)

    shown: dict[str, str] = {}         # ISO code -> display name
    for country in pycountry.countries:
        code = country.alpha_2
        display = names.get(code) or getattr(country, "common_name", None) or country.name
        official = [n for n in (country.name, getattr(country, "official_name", None)) if n and "," not in n]
        add(display, "country", [*official, *more.get(code, [])])
        shown[code] = display
        for demonym in people.get(code, []):
            demonyms.setdefault(name_key(demonym), display)
    for name, extra in countries.get("extra", {}).items():
        add(name, "country", extra.get("aliases", []))
        for demonym in extra.get("demonyms", []):
            demonyms.setdefault(name_key(demonym), name)
    organisations, problems = parse_gazetteer((DATA_DIR / "organisations.toml").read_text(encoding="utf-8"),
                                              "newsdigest/data/organisations.toml")
    if problems:
        raise ValueError("\n".join(str(p) for p in problems))
    for name, info in organisations.entries.items():
        add(name, info.kind, list(info.aliases), info.description)
    _add_arabic(entries, canonical, shown, demonyms, add)
    blocked = tuple(countries.get("not_countries", {}).get("phrases", []) + countries.get("places", {}).get("not_people", []))
    return Gazetteer(entries, canonical, demonyms, blocked)


def _add_arabic(entries: dict[str, TermInfo], canonical: dict[str, str], by_code: dict[str, str],
                demonyms: dict[str, str], add) -> None:
    """Arabic names of the default layer: countries from pycountry's Arabic translations and
    data/arabic.toml, their demonyms (nisba forms: العراق -> العراقي، العراقية، العراقيون), and the
    organisations' Arabic aliases (with the Iraqi bodies a regional desk meets)."""
    import gettext
    data = arabic.data()
    ambiguous = {arabic.normalise(n) for n in data["countries"]["ambiguous"]}
    translations = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"], fallback=True)
    extra = data["countries"]["aliases"]

    def more(name: str, aliases: list[str]) -> None:
        new = [a for a in dict.fromkeys(aliases) if name_key(a) not in canonical]
        entries[name] = replace(entries[name], aliases=entries[name].aliases + tuple(new))
        for alias in new:
            canonical[name_key(alias)] = name

    for country in pycountry.countries:
        name = by_code.get(country.alpha_2)
        if not name:
            continue
        written = [translations.gettext(n).split("،")[0].strip()
                   for n in (country.name, getattr(country, "common_name", None)) if n]
        forms = [f for f in dict.fromkeys([*written, *extra.get(country.alpha_2, [])])
                 if arabic.has_arabic(f) and arabic.normalise(f) not in ambiguous]
        more(name, forms)
        for form in forms:
            for demonym in _nisba(form):
                demonyms.setdefault(name_key(demonym), name)
    for name, table in data["gazetteer"].items():
        if name in entries:
            more(name, [*table.get("aliases", []), *table.get("arabic", [])])
        else:
            add(name, "organisation", [*table.get("aliases", []), *table.get("arabic", [])],
                table.get("description", ""))


def _nisba(name: str) -> list[str]:
    """The demonyms of a one-word Arabic country name: العراق -> العراقي، العراقية، ..."""
    if " " in name:
        return []
    # the article only as written: ألمانيا and ألبانيا begin with hamza and lam, not with ال
    base = arabic.normalise(name)
    base = arabic.without_article(base) if name.startswith("ال") else base
    for ending in ("يه", "يا", "ا", "ه"):
        if base.endswith(ending) and len(base) - len(ending) >= 3:
            base = base[:-len(ending)]
            break
    if len(base) < 3:
        return []
    return [form for stem in (base + "ي", base + "ية", base + "يين", base + "يون") for form in (stem, "ال" + stem)]


# --- finding gazetteer names in a text ---------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    """One gazetteer name found in a text."""

    start: int
    end: int
    surface: str        # as written in the text
    canonical: str      # "" when the span is only a news agency or a blocked phrase
    kind: str
    how: str            # "name", "alias", "demonym"; "source" for an agency; "blocked"
    agency: str = ""    # the agency's name when the span also names a news agency


def fold(text: str) -> str:
    """Lower case with every character kept in place, so offsets match the original text."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.replace("\u2019", "'").replace("\u00a0", " ")


def is_abbreviation(alias: str) -> bool:
    """Abbreviations (NATO, U.S., IsDB) only match as written; other names in any case."""
    letters = [c for c in alias if c.isalpha()]
    if not letters or not any(c.isupper() or c.islower() for c in letters):
        return False
    if all(c.isupper() for c in letters if c.isupper() or c.islower()):
        return True
    return " " not in alias and any(c.isupper() for c in alias[1:]) and "-" not in alias


def _starts_lowercase(surface: str) -> bool:
    """Whether a name is written in lower case ("world bank", "who"), ignoring a name
    particle such as al- ("al-Saadi" starts with a capital S for this purpose)."""
    word = surface
    head, sep, rest = surface.partition("-")
    if sep and rest and len(head) <= 3:
        word = rest
    for c in word:
        if c.isupper():
            return False
        if c.islower():
            return True
    return False


def _is_boundary(text: str, index: int) -> bool:
    return index < 0 or index >= len(text) or not text[index].isalnum()


class Matcher:
    """An Aho-Corasick automaton over every written form of a gazetteer, plus the news agency
    codes and names; `find` returns the leftmost-longest whole-word matches."""

    def __init__(self, gazetteer: Gazetteer, agencies: Mapping[str, str]):
        info = gazetteer.all_entries
        written: dict[str, list[tuple[str, str, str, str]]] = {}   # folded -> (as written, canonical, kind, how)
        arabic_forms: list[tuple[str, tuple[str, str, str, str]]] = []     # Arabic script: read with clitics

        def add(surface: str, canonical: str, kind: str, how: str) -> None:
            surface = " ".join(unicodedata.normalize("NFC", surface).split())
            if surface and arabic.has_arabic(surface):
                arabic_forms.append((surface, (surface, canonical, kind, how)))
            elif surface:
                written.setdefault(fold(surface), []).append((surface, canonical, kind, how))

        for name, term in info.items():
            add(name, name, term.kind, "name")
            for alias in term.aliases:
                add(alias, name, term.kind, "alias")
        for key, form in gazetteer.forms.items():
            if form.how == "demonym":
                add(_demonym_spelling(key), form.canonical, info.get(form.canonical, TermInfo()).kind, "demonym")
        for code, name in agencies.items():
            add(code, "", "", "source")
            add(name, "", "", "source")
        for phrase in gazetteer.all_blocked:
            add(phrase, "", "", "blocked")
        self.automaton = ahocorasick.Automaton()
        for folded, candidates in written.items():
            self.automaton.add_word(folded, (len(folded), tuple(candidates)))
        self.automaton.make_automaton()
        self.arabic = ArabicIndex(arabic_forms)
        self.agency_names = {name_key(n): n for n in agencies.values()} | {name_key(c): n for c, n in agencies.items()}

    def find(self, text: str) -> list[Hit]:
        if not text or len(self.automaton) + len(self.arabic) == 0:
            return []
        folded = fold(text)
        found: list[Hit] = []
        for start, end, surface, candidates in self.arabic.find(text):
            hit = self._choose(surface, candidates, start, end)
            if hit is not None:
                found.append(hit)
        for end, (length, candidates) in (self.automaton.iter(folded) if len(self.automaton) else ()):
            start = end - length + 1
            if not (_is_boundary(folded, start - 1) and _is_boundary(folded, end + 1)):
                continue
            surface = text[start:end + 1]
            hit = self._choose(surface, candidates, start, end + 1)
            if hit is not None:
                found.append(hit)
        found.sort(key=lambda h: (h.start, -(h.end - h.start)))
        chosen: list[Hit] = []
        last_end = -1
        for hit in found:
            if hit.start >= last_end:
                chosen.append(hit)
                last_end = hit.end
        return chosen

    def _choose(self, surface: str, candidates, start: int, end: int) -> Hit | None:
        agency = ""
        best = None
        for written, canonical, kind, how in candidates:
            if is_abbreviation(written):
                if surface != written:
                    continue
            elif _starts_lowercase(surface):
                continue
            if how == "source":
                agency = self.agency_names.get(name_key(written), written)
            elif best is None or (best[3] == "blocked" and how != "blocked"):
                best = (written, canonical, kind, how)
        if best is None:
            if not agency:
                return None
            return Hit(start, end, surface, "", "", "source", agency)
        _, canonical, kind, how = best
        if how == "blocked" and agency:
            return Hit(start, end, surface, "", "", "source", agency)
        return Hit(start, end, surface, canonical, kind, how, agency)


from .arabic_names import FUNCTION_EN, LATIN_WORDS, ArabicIndex    # noqa: E402  (it imports nothing of this module)


@lru_cache(maxsize=1)
def countries_in_latin() -> dict[str, frozenset[str]]:
    """Each Arabic name and adjective of a country in the default gazetteer (normalised, without
    the article) with the Latin words a name may write it as: the country's words and its
    adjectives ("الأردني" = "Jordan", "Jordanian"; "السعودي" = "Saudi", "Arabia", "Arabian")."""
    gazetteer = default_gazetteer()
    adjectives: dict[str, set[str]] = {}
    for adjective, country in gazetteer.demonyms.items():
        adjectives.setdefault(country, set()).add(adjective)
    table: dict[str, frozenset[str]] = {}
    for country, info in gazetteer.entries.items():
        if info.kind != "country":
            continue
        latin = {w for n in (country, *info.aliases) if not arabic.has_arabic(n)
                 for w in LATIN_WORDS.findall(n.lower()) if w not in FUNCTION_EN}
        latin |= adjectives.get(country, set())
        latin |= {a + "n" for a in latin if a.endswith("ia")}          # Arabia: Arabian
        for name in info.aliases:
            if arabic.has_arabic(name) and " " not in name.strip():
                for form in (name, *_nisba(name)):
                    table[arabic.without_article(arabic.normalise(form))] = frozenset(latin)
            elif arabic.has_arabic(name):       # "الإمارات العربية المتحدة": its words, each without the article
                table[" ".join(arabic.without_article(w) for w in arabic.normalise(name).split())] = frozenset(latin)
    return table


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """The Latin words of every country's names and adjectives (lower case)."""
    return frozenset(w for words in countries_in_latin().values() for w in words
                     if not arabic.has_arabic(w) and len(w) >= 4) - _NOT_COUNTRY_WORDS


# words of countries' long names that are no country ("Republic of ...", "... Special
# Administrative Region") or name a continent
_NOT_COUNTRY_WORDS = frozenset({
    "republic", "kingdom", "state", "states", "united", "democratic", "people", "peoples", "islamic", "arab",
    "federal", "federation", "south", "north", "west", "east", "central", "saint", "great", "independent",
    "administrative", "special", "region", "island", "islands", "territory", "territories", "plurinational",
    "bolivarian", "sovereign", "commonwealth", "principality", "grand", "duchy", "socialist", "holy", "coast",
    "european", "african", "asian", "union", "guinea", "americans", "america", "american"})


def _demonym_spelling(key: str) -> str:
    """Demonyms are stored by name key; written capitalised, word by word."""
    return " ".join(word[:1].upper() + word[1:] for word in key.split())

"""One identity per actor across the corpus: `resolve(corpus, gazetteer, agencies, mentions)`.

It puts the articles' mentions (mentions.py) together: the same person written with other case
or particles, with or without a middle name, or with a nickname ("Tom" and "Thomas Goffus" when
their context agrees), one name in Arabic and Latin letters, surnames alone in articles that never
give the full name, abbreviations defined elsewhere, each actor's roles over time, the names in no
gazetteer, and pairs that look alike but were not merged (for `actors --review`).
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from functools import partial
from operator import attrgetter, itemgetter
from typing import Iterable, Mapping

from ..arabic import has_arabic, skeleton
from ..core import Packed, name_key
from ..disjoint import DisjointSets
from .arabic_names import company_brand, latin_brand, same_organisation, same_person
from .gazetteer import Gazetteer, countries_in_latin, default_gazetteer
from .names import has_lower_particle, is_nickname_of, lexicon, name_parts, nickname_related, person_key
from .mentions import LocalActor, LooseNames, Mentions, SingleName, extract_mentions


# --- results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArticleInput:
    id: str
    date: datetime | date | str
    title: str
    text: str = Packed()    # held packed (core.Packed): the resolution keeps every article's input
    source: str = ""
    explicit_actors: tuple[str, ...] | None = None   # front matter `actors:`; None = extract


@dataclass(frozen=True)
class Role:
    date: str                   # ISO date of the article
    title: str
    article_id: str


@dataclass(frozen=True)
class ActorInfo:
    name: str
    kind: str
    known: bool                         # in the gazetteer
    aliases: tuple[str, ...]            # other spellings seen
    roles: tuple[Role, ...]             # oldest first
    article_ids: tuple[str, ...]        # newest first


@dataclass(frozen=True)
class ArticleActor:
    """One actor of one article, with how it was found (for `explain`)."""

    name: str
    kind: str
    forms: tuple[str, ...]
    evidence: tuple[str, ...]
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Merge:
    into: str
    names: tuple[str, ...]
    reason: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class Discovered:
    name: str
    kind: str
    articles: int
    example: str                        # an article id
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Duplicate:
    names: tuple[str, ...]
    reason: str
    paste: str = ""                     # a content/actors.toml entry that would merge them


@dataclass(frozen=True)
class Unresolved:
    surface: str
    reason: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    articles: dict[str, tuple[str, ...]]            # article id -> actor names, first mentioned first
    actors: dict[str, ActorInfo]                    # canonical name -> what is known
    merges: tuple[Merge, ...] = ()
    discovered: tuple[Discovered, ...] = ()         # actors in no gazetteer, most frequent first
    duplicates: tuple[Duplicate, ...] = ()          # look alike, not merged
    unresolved: tuple[Unresolved, ...] = ()         # single names that could not be attributed
    details: dict[str, tuple[ArticleActor, ...]] = field(default_factory=dict)


# --- the corpus together -------------------------------------------------------------------------

def _iso(value: datetime | date | str) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


@dataclass
class _Member:
    """One local actor of one article, on its way to a corpus identity. Keys: "g:" + canonical
    name (gazetteer), "p:" + person key (a person), "o:" + name key (an organisation)."""

    article: str
    order: int
    key: str
    local: LocalActor
    explicit: bool = False


def _gazetteer_root(a: str, b: str) -> str:
    return b if b.startswith("g:") and not a.startswith("g:") else a  # its canonical name wins


class _Clusters(DisjointSets):
    """Union-find over member keys, with the reason of every union."""

    def __init__(self, keys: Iterable[str]) -> None:
        super().__init__(keys, keep=_gazetteer_root)
        self.unions: list[tuple[str, str, str]] = []

    def union(self, a: str, b: str, reason: str) -> None:
        if super().union(a, b):
            self.unions.append((a, b, reason))


@dataclass
class _Corpus:
    """What the articles say, gathered for resolution.

    The members are kept by key and by article, not in one list of 40,000 (at 10,000 articles)
    made again at each build: "the members", in order, are those gathered, article after
    article in the corpus's order (`runs`), then those added once identities are linked
    (`added`). `members_of` and `gathered` are the gathering's alone (what _Context reads);
    keyed() and by_article() have the added ones too."""

    singles: list[tuple[str, SingleName]] = field(default_factory=list)            # (article, name)
    acronyms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # abbreviation -> keys
    abbreviations: list[tuple[str, str, int]] = field(default_factory=list)        # (article, abbr, first)
    merges: list[tuple[str, str, str, str]] = field(default_factory=list)          # (article, name or key, form, reason)
    unresolved: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    loose: list[tuple[str, LooseNames]] = field(default_factory=list)   # (article, its loose names): read only with Arabic companies
    runs: list[tuple] = field(default_factory=list)            # each article's members as gathered, in order
    gathered: dict[str, tuple] = field(default_factory=dict)   # article -> its members as gathered (_Context's)
    members_of: dict[str, list] = field(default_factory=lambda: defaultdict(list))  # key -> ... (_Context's)
    rank: dict[str, int] = field(default_factory=dict)         # article -> its run
    repeated: bool = False                                     # an id given twice (outside a build)
    added: list[_Member] = field(default_factory=list)
    added_of: dict[str, list] = field(default_factory=lambda: defaultdict(list))   # key -> its added members
    spelt_of: dict[str, Counter] = field(default_factory=dict)
    # The last resolution's spellings of the keys it asked for, with the members they were
    # counted from (ResolveMemo.spelt), and this one's: a key of 50,000 members is counted once.
    last_spelt: dict[str, tuple] = field(default_factory=dict)
    kept_spelt: dict[str, tuple] = field(default_factory=dict)

    def add(self, member: _Member) -> None:
        self.added.append(member)
        self.added_of[member.key].append(member)
        self.spelt_of.pop(member.key, None)

    @property
    def members(self) -> list[_Member]:
        """Every member in order (made when asked: the passes of a build go by key or by article)."""
        return [m for run in self.runs for m in run] + self.added

    def keyed(self) -> dict[str, list[_Member]]:
        """Key -> its members in order; keys in the order of their first member."""
        keyed = dict(self.members_of)
        for key, ms in self.added_of.items():
            keyed[key] = [*keyed.get(key, ()), *ms]
        return keyed

    def by_article(self) -> dict[str, list[_Member]]:
        """Article id -> its members in order."""
        by_article = dict(self.gathered)
        for m in self.added:
            by_article[m.article] = [*by_article.get(m.article, ()), m]
        return by_article

    def in_order(self, members: list[_Member]) -> list[_Member]:
        """Members of several keys put in the members' order."""
        if self.repeated:
            place = {id(m): n for n, m in enumerate(self.members)}
            return sorted(members, key=lambda m: place[id(m)])
        added = {id(m): n for n, m in enumerate(self.added)}
        after = len(self.runs)
        return sorted(members, key=lambda m: (after, added[id(m)]) if id(m) in added
                      else (self.rank[m.article], m.order))

    def spelt(self, key: str) -> Counter:
        """How often each spelling of a key is written, in the order first written."""
        found = self.spelt_of.get(key)
        if found is None:
            members = (*self.members_of.get(key, ()), *self.added_of.get(key, ()))
            last = self.last_spelt.get(key)
            # Compared member by member, by identity first (an unchanged article's members are
            # the very objects of the last resolution): far cheaper than counting them again.
            found = last[1] if last is not None and last[0] == members else Counter(m.local.name for m in members)
            self.spelt_of[key] = found
            self.kept_spelt[key] = (members, found)
        return found

    def label(self, key: str) -> str:
        """The spelling a key is written with most often (for reasons and reports)."""
        spellings = self.spelt(key)
        return spellings.most_common(1)[0][0] if spellings else _display_key(key)


@dataclass
class ResolveMemo:
    """What the live engine keeps of the last resolution, for one gazetteer and set of agencies:
    what each article contributed (its members and the rest _gather reads of it, by the very
    inputs it was read from), each article's actors as resolved, and each identity's members
    and summary, which hold while its members are the same and none of its articles changed
    (_summarise). Identities themselves are decided again over the corpus."""

    context: str = ""
    gathered: dict = field(default_factory=dict)   # article id -> (its inputs, _Gathered)
    resolved: dict = field(default_factory=dict)   # article id -> (actors, details, members, their names)
    actors: dict = field(default_factory=dict)     # cluster root -> (members, ActorInfo)
    corpus: dict = field(default_factory=dict)     # article id -> the ArticleInput last resolved
    reports: dict = field(default_factory=dict)    # cluster root -> (ActorInfo, discovered, same-name merge)
    inputs: dict = field(default_factory=dict)     # article id -> (the article, its ArticleInput): enrich.resolve_all
    listed: list | None = None      # the articles of the last whole resolution (enrich.resolve_all)
    # The last resolution's actors by article id, and (the one before, the ids whose actors were
    # made again since): what a caller that applied that one needs to visit (remade_since).
    made: dict | None = None
    delta: tuple | None = None
    details: dict | None = None     # ... and their details
    base: tuple | None = None       # (the last gathering as made, _Base; its articles' ids in order): _gather_added
    spelt: dict = field(default_factory=dict)     # key -> (its members, their spellings): _Corpus.spelt

    def start(self, gazetteer: Gazetteer, agencies: Mapping[str, str] | None) -> None:
        context = gazetteer.fingerprint + json.dumps(sorted((agencies or {}).items()))
        if context != self.context:
            self.context, self.gathered, self.resolved, self.actors, self.corpus, self.reports = context, {}, {}, {}, {}, {}
            self.spelt, self.base = {}, None
            self.listed = self.made = self.delta = self.details = None

    def remade_since(self, before: dict, resolution: Resolution) -> set[str] | None:
        """The ids of the articles whose actors are not the very tuples they had in `before` (an
        earlier resolution's articles) but may be in `resolution`'s; None when not known."""
        if resolution.articles is before:
            return set()
        if self.delta is not None and self.made is resolution.articles and self.delta[0] is before:
            return set(self.delta[1])
        return None


def resolve(corpus: list[ArticleInput], gazetteer: Gazetteer | None = None,
            agencies: Mapping[str, str] | None = None,
            mentions: Mapping[str, Mentions] | None = None, memo: ResolveMemo | None = None,
            since: tuple[dict, set] | None = None) -> Resolution:
    """The actors of every article, one identity per actor across the corpus.

    `mentions` (article id -> Mentions) are reused when given (the build caches them);
    missing ones are extracted here. Articles with explicit actors keep exactly those
    (canonicalised through the gazetteer). `memo`: the live engine's (ResolveMemo); `since`,
    when the caller knows it: the inputs given as other objects than in the memo's last
    resolution, by id, and the ids gone since (then the others are not compared)."""
    gazetteer = gazetteer if gazetteer is not None else default_gazetteer()
    if memo is not None:
        memo.start(gazetteer, agencies)
    # What this resolution leaves in the memo, put there once it is whole: a resolution that
    # fails half-way must not leave a memo that says articles were resolved when they were not.
    updates: dict = {}
    found = _gather(corpus, gazetteer, agencies, dict(mentions or {}), memo, updates, since)
    if memo is not None:
        found.last_spelt = memo.spelt
    clusters = _Clusters(found.members_of)   # the keys in the order of their first member
    context = _Context(found)
    duplicates = (_link_people(found, clusters, context, gazetteer) + _link_scripts(found, clusters, gazetteer)
                  + _link_organisations(found, clusters, gazetteer))
    _companies_named_in_arabic(found, clusters)
    _attribute_single_names(found, clusters, context)
    _attribute_abbreviations(found)
    resolution = _summarise(corpus, found, clusters, duplicates, gazetteer, memo, updates, since)
    if memo is not None:
        updates["spelt"] = found.kept_spelt
        updates["delta"] = memo.made, updates.pop("remade")
        updates["made"], updates["details"] = resolution.articles, resolution.details
        for name, value in updates.items():
            setattr(memo, name, value)
    return resolution


@dataclass(frozen=True)
class _Gathered:
    """What one article contributes to the corpus gathered for resolution."""

    members: tuple[_Member, ...]
    singles: tuple[SingleName, ...] = ()
    acronyms: tuple[tuple[str, str], ...] = ()               # (abbreviation, organisation key)
    abbreviations: tuple[tuple[str, int], ...] = ()          # (abbreviation, first)
    merges: tuple[tuple[str, str, str], ...] = ()            # (name or key, form, reason)
    unresolved: tuple[tuple[str, str], ...] = ()             # (surface, reason)
    loose: LooseNames = LooseNames()                         # Mentions.loose


def _gather(corpus: list[ArticleInput], gazetteer: Gazetteer, agencies: Mapping[str, str] | None,
            mentions: dict[str, Mentions], memo: ResolveMemo | None = None, updates: dict | None = None,
            since: tuple[dict, set] | None = None) -> _Corpus:
    """What every article of the corpus contributes, in the corpus's order. With the memo, the
    last gathering with the articles added before it when that is the whole change (_gather_added)."""
    if memo is None:
        return _gather_into(_Corpus(), corpus, gazetteer, agencies, mentions, {}, {})
    made = _gather_added(corpus, gazetteer, agencies, mentions, memo, since)
    if made is None:
        kept: dict = {}
        found = _gather_into(_Corpus(), corpus, gazetteer, agencies, mentions, memo.gathered, kept)
        made = found, kept, (_Base.of(found, 0), list(map(_ID, corpus)))
    if updates is not None:
        updates["gathered"], updates["base"] = made[1], made[2]
    return made[0]


_ID = attrgetter("id")


@dataclass(frozen=True)
class _Base:
    """A gathering as it was made, before the passes of resolve add to it: what the next one
    starts from when only articles were added in front.
    `first`: the rank of its first article (ranks only order the articles, and those added in
    front go below it)."""

    found: _Corpus
    first: int

    @classmethod
    def of(cls, found: _Corpus, first: int) -> "_Base":
        # The gathering's own containers: the passes after it replace found's lists, never
        # change them (_attribute_single_names), and the next gathering copies what it extends.
        return cls(_Corpus(found.singles, found.acronyms, found.abbreviations, found.merges, found.unresolved,
                           found.loose, found.runs, found.gathered, found.members_of, found.rank, found.repeated), first)


def _gather_added(corpus: list[ArticleInput], gazetteer: Gazetteer, agencies: Mapping[str, str] | None,
                  mentions: dict[str, Mentions], memo: ResolveMemo, since: tuple[dict, set] | None
                  ) -> tuple[_Corpus, dict, tuple] | None:
    """The gathering when the change since the last one is only articles added at the corpus's
    start (news arriving, the corpus newest first): theirs, then the last one's, without a pass
    over the 100,000 others (0.45 s of each drop at 100,000 articles). (the gathering, the memo's
    entries, the base for the next); None for any other change (then everything is gathered)."""
    if since is None or memo.base is None or since[1] or not since[0]:
        return None
    base, ids = memo.base
    added = len(since[0])
    if (base.found.repeated or len(corpus) != len(ids) + added or not memo.gathered.keys().isdisjoint(since[0])
            or {a.id for a in corpus[:added]} != since[0].keys() or list(map(_ID, corpus[added:])) != ids):
        return None
    kept = dict(memo.gathered)
    front = _gather_into(_Corpus(), corpus[:added], gazetteer, agencies, mentions, {}, kept)
    if front.repeated:
        return None
    last, first = base.found, base.first
    found = _Corpus(front.singles + last.singles, defaultdict(set, last.acronyms), front.abbreviations + last.abbreviations,
                    front.merges + last.merges, defaultdict(list, last.unresolved),
                    front.loose + last.loose, front.runs + last.runs, {**last.gathered, **front.gathered})
    for abbr, keys in front.acronyms.items():
        found.acronyms[abbr] = last.acronyms.get(abbr, set()) | keys
    for key, ids_of in front.unresolved.items():
        found.unresolved[key] = ids_of + found.unresolved.get(key, [])
    # The keys in the order of their first member: those of the articles added, then the rest
    # (update keeps a key's place and takes the last one's list, made whole below).
    members_of = found.members_of = defaultdict(list, front.members_of)
    members_of.update(last.members_of)
    for key, members in front.members_of.items():
        if key in last.members_of:
            members_of[key] = members + last.members_of[key]
    found.rank = dict(last.rank)
    start = first - added
    found.rank.update((aid, start + n) for aid, n in front.rank.items())
    return found, kept, (_Base.of(found, start), [*map(_ID, corpus[:added]), *ids])


def _gather_into(found: _Corpus, corpus: list[ArticleInput], gazetteer: Gazetteer, agencies: Mapping[str, str] | None,
                 mentions: dict[str, Mentions], last: dict, kept: dict) -> _Corpus:
    """Add what each article of `corpus` contributes to `found`, in order; each article's
    entry goes into `kept` (the one in `last`, the memo's, while its inputs are the same)."""
    runs, members_of, rank, by_article = found.runs, found.members_of, found.rank, found.gathered
    for article in corpus:
        article_mentions = None
        if article.explicit_actors is None:
            article_mentions = mentions.get(article.id)
            if article_mentions is None:
                article_mentions = extract_mentions(article.text, article.title, gazetteer, article.source, agencies)
        # The inputs an article is gathered from: its explicit actors, or its mentions (the very
        # object, which the memo holds alive, so that its identity stands for its content).
        inputs = article.explicit_actors if article_mentions is None else article_mentions
        entry = last.get(article.id)
        if entry is None or not (entry[0] is inputs or (article_mentions is None and entry[0] == inputs)):
            entry = (inputs, _gather_article(article, article_mentions, gazetteer))
        kept[article.id] = entry
        gathered = entry[1]
        if gathered.members:
            for member in gathered.members:   # 40,000 members at 10,000 articles
                members_of[member.key].append(member)
            if article.id in by_article:   # an id given twice, outside a build: both articles' members
                found.repeated = True
                by_article[article.id] += gathered.members
            else:
                by_article[article.id] = gathered.members
                rank[article.id] = len(runs)
            runs.append(gathered.members)
        if gathered.singles:
            found.singles += [(article.id, s) for s in gathered.singles]
        for abbr, key in gathered.acronyms:
            found.acronyms[abbr].add(key)
        if gathered.abbreviations:
            found.abbreviations += [(article.id, abbr, first) for abbr, first in gathered.abbreviations]
        if gathered.merges:
            found.merges += [(article.id, name, form, reason) for name, form, reason in gathered.merges]
        for surface, reason in gathered.unresolved:
            found.unresolved[(surface, reason)].append(article.id)
        if gathered.loose:
            found.loose.append((article.id, gathered.loose))
    return found


def _gather_article(article: ArticleInput, article_mentions: Mentions | None, gazetteer: Gazetteer) -> _Gathered:
    if article_mentions is None:
        members = []
        for n, name in enumerate(article.explicit_actors):
            canonical = gazetteer.lookup(name)
            known = canonical is not None
            canonical = canonical or " ".join(name.split())
            local = LocalActor(canonical, gazetteer.kind(canonical) if known else "", known, (name,),
                               first=n, evidence=("front matter",))
            key = f"g:{canonical}" if known else f"p:{person_key(canonical) or name_key(canonical)}"
            members.append(_Member(article.id, n, key, local, explicit=True))
        return _Gathered(tuple(members))
    members = []
    for n, local in enumerate(article_mentions.actors):
        if local.known:
            key = f"g:{local.name}"
        elif local.kind == "organisation":
            key = f"o:{name_key(local.name)}"
        else:
            key = f"p:{person_key(local.name)}"
        members.append(_Member(article.id, n, key, local))
    return _Gathered(tuple(members), tuple(article_mentions.singles),
                     tuple((abbr, f"o:{name_key(name)}") for abbr, name in article_mentions.acronyms),
                     tuple(article_mentions.abbreviations), tuple(article_mentions.merges),
                     tuple((m.surface, f"{m.note}, in the same article") for m in article_mentions.mentions
                           if m.how == "ambiguous"), article_mentions.loose)


class _Context:
    """What each key appears with: co-actors (people and organisations) and the words of the
    roles held. Nicknames and lone surnames are only linked when their contexts agree. Made per
    key when asked (a few keys are: a corpus of 10,000 articles has 40,000), from the members
    as they were when the context was made."""

    def __init__(self, found: _Corpus) -> None:
        # The members as gathered (found.add leaves these as they are).
        self.by_article: Mapping[str, tuple[_Member, ...]] = found.gathered
        self.members_of: Mapping[str, list[_Member]] = found.members_of     # key -> its members
        self._co_actors: dict[str, set[str]] = {}
        self._role_words: dict[str, set[str]] = {}
        self.label = found.label

    def co_actors(self, key: str) -> set[str]:
        """The people and organisations of the articles the key appears in, but itself."""
        found = self._co_actors.get(key)
        if found is None:
            found = set()
            for article_id in {m.article for m in self.members_of.get(key, ())}:
                found.update(m.key for m in self.by_article.get(article_id, ())
                             if m.local.kind in ("person", "organisation") or m.key.startswith(("p:", "o:")))
            found.discard(key)
            self._co_actors[key] = found
        return found

    def role_words(self, key: str) -> set[str]:
        found = self._role_words.get(key)
        if found is None:
            lex = lexicon()
            found = self._role_words[key] = {w for m in self.members_of.get(key, ()) for role in m.local.roles
                                             for w in re.findall(r"[a-z]+", role.lower())
                                             if w in lex.title_words and w not in ("senior", "official")}
        return found

    def agrees(self, a: str, b: str) -> str:
        """Why a and b are linked ("" when nothing links them)."""
        shared = (self.co_actors(a) & self.co_actors(b)) - {a, b}
        if shared:
            return "both appear with " + ", ".join(sorted(self.label(k) for k in shared)[:3])
        words = self.role_words(a) & self.role_words(b)
        if words:
            return "both hold roles with " + ", ".join(f"'{w}'" for w in sorted(words)[:3])
        return ""


def _person_parts(clusters: _Clusters, gazetteer: Gazetteer) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {}
    for key in clusters.parent:
        if key.startswith("p:"):
            parts[key] = key[2:].split()
        elif key.startswith("g:") and gazetteer.kind(key[2:]) == "person":
            parts[key] = name_parts(key[2:])
    return parts


def _by_last_name(parts: dict[str, list[str]]) -> dict[str, list[str]]:
    by_last: dict[str, list[str]] = defaultdict(list)
    for key, words in parts.items():
        if len(words) >= 2:
            by_last[words[-1]].append(key)
    return by_last


def _link_people(found: _Corpus, clusters: _Clusters, context: _Context, gazetteer: Gazetteer) -> list[Duplicate]:
    """Join the keys of one person: a gazetteer person's forms in other case or particles, a
    middle name left out, a nickname when the context agrees. Returns the look-alikes left
    apart."""
    duplicates: list[Duplicate] = []
    known: dict[str, str] = {}
    for name, info in gazetteer.all_entries.items():
        if info.kind == "person":
            for form in (name, *info.aliases):
                if len(name_parts(form)) >= 2:
                    known.setdefault(person_key(form), f"g:{name}")
    for key in list(clusters.parent):
        if key.startswith("p:") and key[2:] in known:
            clusters.add(known[key[2:]])
            clusters.union(known[key[2:]], key, "same name as the gazetteer entry, apart from case, accents or particles")
    parts = _person_parts(clusters, gazetteer)
    _link_spelling_variants(parts, clusters, context)
    for keys in _by_last_name(parts).values():
        # middle names: "Giovanni Iannucci" is "Giovanni Maria Iannucci" when nobody else fits
        for short in keys:
            sp = parts[short]
            fits = [k for k in keys if k != short and len(parts[k]) > len(sp)
                    and parts[k][0] == sp[0] and set(sp[1:-1]) <= set(parts[k][1:-1])]
            if len(fits) == 1:
                clusters.union(fits[0], short, "same first and last name; a middle name left out")
            elif len(fits) > 1:
                duplicates.append(Duplicate(tuple(found.label(k) for k in [short, *fits]),
                                            "a shorter name that fits more than one longer name"))
        # nicknames: "Tom Goffus" is "Thomas Goffus" when surname and context agree
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                first_a, first_b = parts[a][0], parts[b][0]
                if first_a == first_b or not nickname_related(first_a, first_b) or clusters.find(a) == clusters.find(b):
                    continue
                why = context.agrees(a, b)
                names = f"{first_a.title()} and {first_b.title()}"
                if why:
                    clusters.union(a, b, f"{names} are forms of one given name; same surname; {why}")
                else:
                    duplicates.append(Duplicate((found.label(a), found.label(b)),
                                                f"{names} are forms of one given name and the surname is the same, "
                                                "but nothing else links them"))
    return duplicates


def _link_spelling_variants(parts: dict[str, list[str]], clusters: _Clusters, context: _Context) -> None:
    """Latin spellings of one Arabic family name ("Salman al-Obaidi", "Salman al-Obeidi"): the
    same given name, family names with the same consonants (arabic.skeleton: vowels, ou/u, q/k,
    dh/d ... aside), and a context that agrees (a co-actor or a role in common), as for
    nicknames; otherwise they stay apart and `actors --review` lists them. Given names must be
    written alike: Hassan and Hussein share consonants but are two names."""
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for key, words in parts.items():
        if len(words) >= 2 and words[-1].isascii():
            groups[(words[0], skeleton(words[-1]))].append(key)
    for (_, shape), keys in groups.items():
        if not shape or len({parts[k][-1] for k in keys}) < 2:
            continue
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                why = context.agrees(a, b) if parts[a][-1] != parts[b][-1] else ""
                if why:
                    clusters.union(a, b, f"the same given name and the family name spelt another way; {why}")


def _link_scripts(found: _Corpus, clusters: _Clusters, gazetteer: Gazetteer) -> list[Duplicate]:
    """An Arabic and a Latin name of one person (قاسم الأعرجي, Qasim al-Araji): joined when
    their skeletons agree and one Latin identity fits; a near match is listed, not merged. A
    gazetteer person with an Arabic alias is matched by that alias only."""
    arabic = [k for k in clusters.parent if k.startswith("p:") and has_arabic(k)]
    if not arabic:   # nothing to match: the Latin names (a label per key) are not looked up
        return []
    latin: dict[str, list[str]] = defaultdict(list)      # key -> Latin spellings
    for key in clusters.parent:
        if key.startswith("p:") and not has_arabic(key):
            latin[key].append(found.label(key))
        elif key.startswith("g:") and gazetteer.kind(key[2:]) == "person":
            forms = (key[2:], *gazetteer.info(key[2:]).aliases)
            if not any(has_arabic(f) for f in forms):
                latin[key] += [f for f in forms if len(name_parts(f)) >= 2]
    return _link_across_scripts(found, clusters, latin, arabic, same_person, "person",
                                "the same name in Arabic and Latin script (transliteration agrees)",
                                "the names may be one person in Arabic and Latin script (transliteration nearly agrees)")


def _link_across_scripts(found: _Corpus, clusters: _Clusters, latin: dict[str, list[str]], arabic_keys: list[str],
                         same, kind: str, sure_reason: str, maybe_reason: str) -> list[Duplicate]:
    """Join each Arabic key to the one Latin identity `same` is sure of; list the uncertain
    pairs (a near match, or more than one identity fitting) with a gazetteer entry to paste."""
    duplicates = []
    for key in arabic_keys:
        written = found.label(key)
        verdicts = {other: max((same(written, f) for f in forms), key=("", "maybe", "sure").index)
                    for other, forms in latin.items()}
        sure = {clusters.find(k) for k, v in verdicts.items() if v == "sure"}
        if len(sure) == 1:
            other = next(k for k, v in verdicts.items() if v == "sure")
            clusters.union(other, key, sure_reason)
            continue
        for other in (k for k, v in verdicts.items() if v and (v == "maybe" or len(sure) > 1)):
            name = _display_key(other) if other.startswith("g:") else found.label(other)
            why = "more than one Latin name fits" if len(sure) > 1 else maybe_reason
            duplicates.append(Duplicate((name, written), why, f'["{name}"]\nkind = "{kind}"\naliases = ["{written}"]'))
    return duplicates


def _link_organisations(found: _Corpus, clusters: _Clusters, gazetteer: Gazetteer) -> list[Duplicate]:
    """An Arabic and a Latin name of one organisation in no gazetteer (شركة مصافي الجنوب, South
    Refineries Company): joined when every word translates (arabic_names.same_organisation) and
    one Latin identity fits; one word left over, or more than one identity fitting, is listed
    with the alias to paste, not merged. A gazetteer organisation with Arabic names is matched
    by them only (the editor has decided)."""
    arabic = [k for k in clusters.parent if k.startswith("o:") and has_arabic(k)]
    if not arabic:
        return []
    latin: dict[str, list[str]] = defaultdict(list)      # key -> Latin names
    for key in clusters.parent:
        if key.startswith("o:") and not has_arabic(key):
            latin[key] += list(found.spelt(key)) or [found.label(key)]
        elif key.startswith("g:") and gazetteer.kind(key[2:]) == "organisation":
            forms = (key[2:], *gazetteer.info(key[2:]).aliases)
            if not any(has_arabic(f) for f in forms):
                latin[key] += list(forms)
    return _link_across_scripts(found, clusters, latin, arabic,
                                partial(same_organisation, countries=countries_in_latin()), "organisation",
                                "the same organisation in Arabic and Latin script (its words translate)",
                                "the names may be one organisation in Arabic and Latin script (all but one word translate)")


def _companies_named_in_arabic(found: _Corpus, clusters: _Clusters) -> None:
    """A loose Latin name (no title, verb or head word: "France's AquaNova") that is the brand of
    one company another article names in Arabic ("شركة أكوانوفا") is that company: the Arabic
    article's head word says what the Latin one does not."""
    brands: dict[str, set[str]] = defaultdict(set)
    for key in list(clusters.parent):
        if key.startswith("o:") and has_arabic(key):
            letters = company_brand(found.label(key))
            if letters:
                brands[letters].add(clusters.find(key))
    if not brands:
        return
    taken = {(m.article, m.local.name) for ms in found.gathered.values() for m in ms}
    taken.update((m.article, m.local.name) for m in found.added)
    named: set[tuple[str, str]] = set()
    for article_id, loose in found.loose:
        for surface, first in loose:
            roots = brands.get(latin_brand(surface), set())
            if len(roots) != 1 or (article_id, surface) in taken or has_arabic(surface):
                continue
            key = f"o:{name_key(surface)}"
            clusters.add(key)
            clusters.union(next(iter(roots)), key, "a company's own name, written in Arabic letters elsewhere")
            if (article_id, surface) not in named:
                named.add((article_id, surface))
                found.add(_Member(article_id, 10_000 + first, key, LocalActor(
                    surface, "organisation", False, (surface,), (), first, 1, ("a company named in Arabic elsewhere",))))
    found.singles = [(a, s) for a, s in found.singles if (a, s.surface) not in named]


def _attribute_single_names(found: _Corpus, clusters: _Clusters, context: _Context) -> None:
    """A surname alone in an article that never gives the full name: the one person of that
    surname in the corpus when it has a title or a co-actor in common with them; a new actor
    when it has a title and nobody has that surname; otherwise left unresolved."""
    by_last = _by_last_name({k: k[2:].split() if k.startswith("p:") else name_parts(k[2:])
                             for k in clusters.parent if k.startswith(("p:", "g:"))})
    keys_of: dict[str, list[str]] | None = None
    co_actors_of: dict[str, set[str]] = {}

    def root_co_actors(root: str) -> set[str]:
        # Made only for the roots a lone surname may join (few; a corpus has 40,000 keys at 10,000 articles).
        nonlocal keys_of
        if keys_of is None:
            keys_of = defaultdict(list)
            for key in context.members_of:
                keys_of[clusters.find(key)].append(key)
        found = co_actors_of.get(root)
        if found is None:
            found = co_actors_of[root] = {clusters.find(k) for key in keys_of.get(root, ()) for k in context.co_actors(key)}
        return found

    added: list[_Member] = []
    merges: list[tuple[str, str, str, str]] = []
    unresolved: dict[tuple[str, str], list[str]] = defaultdict(list)
    for article_id, single in found.singles:
        roots = {clusters.find(k) for k in by_last.get(single.key, [])}
        local = LocalActor(single.surface, "person", False, (single.surface,), single.roles, single.first,
                           single.count, ("title",) if single.titled else ("surname",))
        if len(roots) == 1:
            (root,) = roots
            mine = {clusters.find(m.key) for m in context.by_article.get(article_id, ())}
            shared = (mine & root_co_actors(root)) - {root}
            if not (single.titled or shared):
                unresolved[(single.surface, "the only person of that surname elsewhere, but nothing links them")
                           ].append(article_id)
                continue
            why = ("written with a title" if single.titled else
                   "appears with " + ", ".join(sorted(found.label(k) for k in shared)[:3]))
            key = next(k for k in by_last[single.key] if clusters.find(k) == root)
            added.append(_Member(article_id, 10_000 + single.first, key, local))
            merges.append((article_id, key, single.surface,
                           f"surname alone; the only person of that surname in the corpus; {why}"))
        elif roots:
            unresolved[(single.surface, "more than one person has this surname")].append(article_id)
        elif single.titled:
            clusters.add(f"p:{single.key}")
            added.append(_Member(article_id, 10_000 + single.first, f"p:{single.key}", local))
    for member in added:
        found.add(member)
    # New lists, not appended to: the gathering's are kept as made for the next one (_Base).
    if merges:
        found.merges = found.merges + merges
    if unresolved:
        found.unresolved = defaultdict(list, found.unresolved)
        for key, ids in unresolved.items():
            found.unresolved[key] = found.unresolved.get(key, []) + ids


def _attribute_abbreviations(found: _Corpus) -> None:
    """An abbreviation another article defined ("the Euphrates Basin Authority (EBA)")."""
    for article_id, abbr, first in found.abbreviations:
        targets = found.acronyms.get(abbr, set())
        if len(targets) == 1:
            (key,) = targets
            local = LocalActor(abbr, "organisation", False, (abbr,), (), 20_000 + first, 1, ("acronym",))
            found.add(_Member(article_id, 20_000 + first, key, local))


def _summarise(corpus: list[ArticleInput], found: _Corpus, clusters: _Clusters, duplicates: list[Duplicate],
               gazetteer: Gazetteer, memo: ResolveMemo | None = None, updates: dict | None = None,
               since: tuple[dict, set] | None = None) -> Resolution:
    """The actors of each article and the summary of each identity, and what the review lists.
    With the memo, only what the change set reaches is made again (`since`: resolve's); `updates`
    gets what the memo is to hold next."""
    updates = {} if updates is None else updates
    # Each identity's members in order, put together key by key (the members of a key are in
    # order; an identity of several keys puts theirs in order), in the order of its first member.
    groups: dict[str, list[_Member]] = {}
    several: set[str] = set()
    for key, ms in found.keyed().items():
        root = clusters.find(key)
        group = groups.get(root)
        if group is None:
            groups[root] = ms
        else:
            several.add(root)
            groups[root] = [*group, *ms]
    for root in several:
        groups[root] = found.in_order(groups[root])
    by_article = found.by_article()
    last = memo.actors if memo is not None else {}
    # The change set: articles given as other objects than last time (added, edited, re-dated)
    # or gone. An identity whose members are the ones it had (equal: lone surnames and acronyms
    # are attributed again each time) keeps its name; its summary too, unless one of its
    # articles changed (a date it lists).
    changed, updates["corpus"] = _changed_articles(corpus, memo, since)
    touched = {clusters.find(m.key) for aid in changed for m in by_article.get(aid, ())}
    display: dict[str, str] = {}
    kept: dict[str, tuple] = {}
    # Articles whose actors may read otherwise: the changed ones, and those of every identity
    # whose members changed, now or before (a lone acronym whose definition was deleted leaves
    # its identity, and every identity, without its article having changed).
    redo = set(changed)
    for root, group in groups.items():
        entry = last.get(root)
        if entry is not None and entry[0] == tuple(group):
            display[root] = entry[1].name
            if root not in touched:
                kept[root] = entry
        else:
            display[root] = _choose_display(root, group)
            redo.update(m.article for m in group)
            if entry is not None:
                redo.update(m.article for m in entry[0])
    for root in last.keys() - groups.keys():
        redo.update(m.article for m in last[root][0])

    names: dict[str, str] = {}

    def name_of(key: str) -> str:
        name = names.get(key)
        if name is None:
            name = display.get(clusters.find(key))
            name = names[key] = _display_key(key) if name is None else name
        return name

    articles, details, updates["resolved"], updates["remade"] = _per_article(
        corpus, by_article, name_of, gazetteer, memo, redo if memo is not None else None,
        (updates["corpus"], since[1]) if since is not None else None)
    actors, updates["actors"] = _per_actor(updates["corpus"], groups, display, gazetteer, kept)
    # What the review reports of each identity, kept with its summary (the same object).
    last_reports = memo.reports if memo is not None else {}
    reports: dict[str, tuple] = {}
    for root, group in groups.items():
        info = actors[display[root]]
        entry = last_reports.get(root)
        reports[root] = entry if root in kept and entry is not None and entry[0] is info else (
            info, *_reports(root, group, display[root], info))
    updates["reports"] = reports
    merges = _merges(found, clusters, groups, by_article, [r[2] for r in reports.values() if r[2]], name_of)
    discovered = [d for _, d in sorted((r[1] for r in reports.values() if r[1]), key=itemgetter(0))]
    unique: dict[tuple[str, ...], Duplicate] = {}
    for dup in duplicates + _look_alikes(actors, gazetteer):
        if len(set(dup.names)) > 1:
            unique.setdefault(tuple(sorted(dup.names)), dup)
    unresolved = tuple(Unresolved(surface, reason, tuple(sorted(set(ids))))
                       for (surface, reason), ids in sorted(found.unresolved.items()))
    return Resolution(articles, actors, merges, tuple(discovered), tuple(unique.values()), unresolved, details)


def _changed_articles(corpus: list[ArticleInput], memo: ResolveMemo | None,
                      since: tuple[dict, set] | None = None) -> tuple[set[str], dict]:
    """Ids of the articles not given as the very objects of the last resolution, and of those
    gone since (every article without a memo); and the articles by id. `since` (resolve's) says
    which without a look at the others."""
    last = memo.corpus if memo is not None else {}
    if since is not None:
        now = dict(last)
        for aid in since[1]:
            now.pop(aid, None)
        now.update(since[0])
        return {aid for aid, a in since[0].items() if last.get(aid) is not a} | (since[1] & last.keys()), now
    now = {a.id: a for a in corpus}
    if memo is None:
        return set(now), now
    return {a.id for a in corpus if last.get(a.id) is not a} | (last.keys() - now.keys()), now


def _per_article(corpus: list[ArticleInput], by_article: dict[str, list[_Member]], name_of, gazetteer: Gazetteer,
                 memo: ResolveMemo | None = None, redo: set[str] | None = None, since: tuple[dict, set] | None = None
                 ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[ArticleActor, ...]], dict, set[str]]:
    """Each article's actors by name, in the order it mentions them, and their details (and
    both by id with what they were made of, for the memo; and the ids of those made again).
    With the memo, an article outside `redo` is the last one's, and so is one in it whose
    members and their names are as they were (an identity of 1,000 articles that gained a
    member reads the same in most of them). `since` (resolve's: the articles by id now and the
    ids gone) with the memo's last result: the articles outside `redo` are not visited at all."""
    last = memo.resolved if memo is not None else {}
    remade: set[str] = set()
    if since is not None and redo is not None and memo.made is not None and memo.details is not None:
        articles, details, kept = dict(memo.made), dict(memo.details), dict(last)
        for aid in since[1]:
            articles.pop(aid, None), details.pop(aid, None), kept.pop(aid, None)
        visit = [aid for aid in redo if aid in since[0]]
    else:
        articles, details, kept = {}, {}, {}
        visit = [article.id for article in corpus]
    for aid in visit:
        entry = last.get(aid)
        if entry is None or redo is None or aid in redo:
            members = tuple(by_article.get(aid, ()))
            names = tuple(name_of(m.key) for m in members)
            if entry is None or redo is None or entry[3] != names or entry[2] != members:
                entry = _actors_of(members, names, name_of, gazetteer)
                remade.add(aid)
        kept[aid] = entry
        articles[aid], details[aid] = entry[0], entry[1]
    return articles, details, kept, remade


def _actors_of(members: tuple[_Member, ...], names: tuple[str, ...], name_of, gazetteer: Gazetteer) -> tuple:
    """One article's (actors, details, members, their names), from its members."""
    group = sorted(members, key=lambda m: (m.order if m.explicit else m.local.first, m.order))
    entries: dict[str, dict] = {}
    for m in group:
        entry = entries.setdefault(name_of(m.key), {"kind": "", "forms": [], "evidence": [], "roles": []})
        entry["kind"] = entry["kind"] or _kind_of(m, gazetteer)
        for field_name, values in (("forms", m.local.forms), ("evidence", m.local.evidence),
                                   ("roles", m.local.roles)):
            entry[field_name] += [v for v in values if v not in entry[field_name]]
    details = tuple(ArticleActor(n, e["kind"], tuple(e["forms"]), tuple(e["evidence"]), tuple(e["roles"]))
                    for n, e in entries.items())
    return tuple(entries), details, members, names


def _per_actor(inputs: Mapping[str, ArticleInput], groups: dict[str, list[_Member]], display: dict[str, str],
               gazetteer: Gazetteer, kept: dict | None = None) -> tuple[dict[str, ActorInfo], dict]:
    """Each identity's summary, by name (and by root with its members, for the memo). `inputs`:
    the articles by id; `kept` (root -> the memo's entry): those still right."""
    when = _Dates(inputs)
    actors: dict[str, ActorInfo] = {}
    kept = kept or {}
    for root, group in groups.items():
        entry = kept.get(root)
        if entry is not None:
            actors[entry[1].name] = entry[1]
            continue
        name = display[root]
        kinds = Counter(k for k in (_kind_of(m, gazetteer) for m in group) if k)
        kind = gazetteer.kind(name) if root.startswith("g:") else (kinds.most_common(1)[0][0] if kinds else "")
        forms = tuple(dict.fromkeys(f for m in group for f in m.local.forms if f != name))
        roles = sorted({Role(when[m.article][:10], r, m.article) for m in group for r in m.local.roles},
                       key=lambda r: (r.date, r.article_id, r.title))
        newest_first = tuple(sorted({m.article for m in group}, key=lambda i: (when[i], i), reverse=True))
        actors[name] = ActorInfo(name, kind, root.startswith("g:"), forms, tuple(roles), newest_first)
        kept[root] = (tuple(group), actors[name])
    return actors, {root: kept[root] for root in groups}


def _reports(root: str, group: list[_Member], name: str, info: ActorInfo) -> tuple[tuple | None, tuple | None]:
    """What the review lists of one identity: (its sort key, Discovered) when no gazetteer has it
    and an article found it, and (merge, its articles) when spellings of one name were joined."""
    discovered = None
    if not root.startswith("g:") and not all(m.explicit for m in group):
        found = Discovered(name, info.kind, len(info.article_ids), info.article_ids[-1],
                           tuple(dict.fromkeys(f for m in group for f in m.local.forms)))
        discovered = ((-found.articles, name_key(found.name)), found)
    spellings = sorted({m.local.name for m in group if not m.explicit and m.local.name != name
                        and person_key(m.local.name) == person_key(name)})
    same_name = ((name, tuple(spellings), "same name apart from case, accents or particles"),
                 frozenset(m.article for m in group)) if spellings else None
    return discovered, same_name


class _Dates(dict):
    """Article id -> its date as text, made for the articles asked for (those of the identities
    summarised again)."""

    def __init__(self, inputs: Mapping[str, ArticleInput]) -> None:
        super().__init__()
        self.inputs = inputs

    def __missing__(self, article_id: str) -> str:
        found = self[article_id] = _iso(self.inputs[article_id].date)
        return found


def _merges(found: _Corpus, clusters: _Clusters, groups: dict[str, list[_Member]],
            by_article: dict[str, list[_Member]], same_names: list[tuple], name_of) -> tuple[Merge, ...]:
    """Every merge made, grouped by (result, names merged, reason), with the articles."""
    merged: dict[tuple[str, tuple[str, ...], str], set[str]] = defaultdict(set)
    for key, article_ids in same_names:
        merged[key] |= article_ids
    joined = {key for a, b, _ in clusters.unions for key in (a, b)}
    articles_of: dict[str, set[str]] = defaultdict(set)
    for root in {clusters.find(key) for key in joined}:
        for m in groups.get(root, ()):
            if m.key in joined:
                articles_of[m.key].add(m.article)
    for a, b, reason in clusters.unions:
        into = name_of(a)
        names = tuple(dict.fromkeys(n for n in (found.label(a), found.label(b)) if n != into)) or (found.label(b),)
        merged[(into, names, reason)] |= articles_of[a] | articles_of[b]
    for article_id, name, form, reason in found.merges:
        key = name if name.startswith(("p:", "g:", "o:")) else next(
            (m.key for m in reversed(by_article.get(article_id, ())) if not m.explicit and m.local.name == name), None)
        into = name_of(key) if key else name
        if name_key(form) != name_key(into):
            merged[(into, (form,), reason)].add(article_id)
    return tuple(Merge(into, names, reason, tuple(sorted(ids)))
                 for (into, names, reason), ids in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1])))


def _kind_of(m: _Member, gazetteer: Gazetteer) -> str:
    if m.local.kind:
        return m.local.kind
    if m.key.startswith("g:"):
        return gazetteer.kind(m.key[2:])
    return ""


def _display_key(key: str) -> str:
    """A readable name for a cluster key before display names are chosen."""
    kind, _, rest = key.partition(":")
    if kind == "g":
        return rest
    return " ".join(w[:1].upper() + w[1:] for w in rest.split())


def _choose_display(root: str, group: list[_Member]) -> str:
    """The canonical display name of a cluster: the gazetteer's; else the editor's spelling
    from front matter; else the fullest name seen, the formal given name rather than a
    nickname, the spelling used by the most articles, particles in lower case."""
    if root.startswith("g:"):
        return root[2:]
    explicit = Counter(m.local.name for m in group if m.explicit)
    if explicit:
        return max(explicit, key=lambda s: (explicit[s], -len(s)))
    articles: dict[str, set[str]] = defaultdict(set)
    first_seen: dict[str, int] = {}
    for n, m in enumerate(group):
        articles[m.local.name].add(m.article)
        first_seen.setdefault(m.local.name, n)
    firsts = {name_parts(s)[0] for s in articles if name_parts(s)}

    def is_nickname(spelling: str) -> bool:
        parts = name_parts(spelling)
        return bool(parts) and any(is_nickname_of(parts[0], other) for other in firsts if other != parts[0])

    return max(articles, key=lambda s: (not has_arabic(s), len(name_parts(s)), not is_nickname(s), len(articles[s]),
                                        has_lower_particle(s), -first_seen[s]))


def _look_alikes(actors: Mapping[str, ActorInfo], gazetteer: Gazetteer) -> list[Duplicate]:
    """People whose names differ by a spelling variant (Mohammed and Muhammad al-Sudani; Layla
    Hadad and Layla Haddad), and gazetteer surname aliases that are also the surname of
    someone the gazetteer does not know."""
    out: list[Duplicate] = []
    people = [(a, name_parts(a.name)) for a in actors.values() if a.kind == "person" and len(name_parts(a.name)) >= 2]
    same_last: dict[str, list[tuple[ActorInfo, tuple[str, ...]]]] = defaultdict(list)
    same_first: dict[tuple[str, str], list[tuple[ActorInfo, tuple[str, ...]]]] = defaultdict(list)
    for actor, parts in people:
        same_last[parts[-1]].append((actor, parts))
        same_first[(parts[0], parts[-1][:2])].append((actor, parts))
    for buckets, index in ((same_last.values(), 0), (same_first.values(), -1)):
        for bucket in buckets:
            for i, (a, pa) in enumerate(bucket):
                for b, pb in bucket[i + 1:]:
                    x, y = pa[index], pb[index]
                    if x == y or x[:1] != y[:1] or abs(len(x) - len(y)) > 2:
                        continue
                    similar = SequenceMatcher(None, x, y)
                    if similar.real_quick_ratio() >= 0.75 and similar.quick_ratio() >= 0.75 and similar.ratio() >= 0.75:
                        out.append(Duplicate((a.name, b.name), "names differ by a spelling variant"))
    for name, info in gazetteer.entries.items():
        if info.kind != "person":
            continue
        for alias in info.aliases:
            parts = name_parts(alias)
            if len(parts) != 1:
                continue
            for other, _ in same_last.get(parts[0], []):
                if other.name != name and not other.known:
                    out.append(Duplicate((name, other.name),
                                         f"the gazetteer alias '{alias}' of {name} is also {other.name}'s surname"))
    return out

"""What each article is about: topics from front matter, the source's section, or phrase rules.

The order of authority:
1. explicit `topics:` in the front matter: used as written (spelled like the taxonomy when
   the name is a known topic), nothing else is added;
2. the source's section label ("Security", "Business") when it names a topic or one of the
   labels the topic lists under `sections`;
3. phrase rules: every topic has weighted phrases and a threshold (newsdigest/data/topics.toml,
   the package's default taxonomy, overridden and extended by the site's content/topics.toml);
   when no topic reaches its threshold, the best one is chosen if it has half of it;
4. a chosen topic brings the topics it lists as `broader` (Terrorism is part of Security).

`assign_topics` is pure and reports which rules fired with which phrases, for `explain`.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import ahocorasick

from ..arabic import has_arabic, inflected, normalise, with_clitics
from ..config import toml_error_line
from ..errors import Problem
from ..core import memoized, name_key
from .gazetteer import DATA_DIR, fold
from ..files import read_regular_text

TOPICS_FILE = "content/topics.toml"
TITLE_FACTOR = 2.0          # a phrase in the title counts this many times its weight
MAX_COUNT = 3               # occurrences of one phrase that count
_WORD_TAIL = re.compile(r"(?:[^\W_]|['-](?=[^\W_]))*")     # the rest of a word after a "terroris*" prefix
BEST_SHARE = 0.5            # an article none of whose topics reaches its threshold gets its best one
                            # when it has this share of the threshold (and enough different phrases)
RULE_KEYS = {"threshold", "min_phrases", "sections", "iptc", "description", "phrases", "disabled", "broader"}
DEFAULT_KEYS = {"threshold", "min_phrases", "use_defaults"}


@dataclass(frozen=True)
class TopicRule:
    name: str                                   # display name, kept as written
    phrases: tuple[tuple[str, float], ...]      # (phrase, weight); "terroris*" matches any ending
    threshold: float = 6.0
    min_phrases: int = 2                        # different phrases that must match
    sections: tuple[str, ...] = ()              # section labels that mean this topic
    iptc: str = ""                              # IPTC Media Topics code, for reference
    description: str = ""
    broader: tuple[str, ...] = ()               # topics this one is part of: chosen with it


@dataclass(frozen=True)
class TopicRules:
    rules: tuple[TopicRule, ...] = ()

    def topic(self, name: str) -> TopicRule | None:
        return self._by_key.get(name_key(name))

    def for_section(self, section: str) -> list[TopicRule]:
        """Topics a section label names: the whole label first, else each part of
        "Politics / Security" or "Energy & Economy"."""
        labels = [section] + [p for p in re.split(r"\s*(?:[/,&|;]|\band\b)\s*", section) if p]
        found: list[TopicRule] = []
        for label in labels:
            rule = self._by_section.get(name_key(label))
            if rule is not None and rule not in found:
                found.append(rule)
            if found and label == section:
                break
        return found

    @property
    def _by_key(self) -> dict[str, TopicRule]:
        return self._cached("by_key", lambda: {name_key(r.name): r for r in self.rules})

    @property
    def _by_section(self) -> dict[str, TopicRule]:
        def compute() -> dict[str, TopicRule]:
            table: dict[str, TopicRule] = {}
            for rule in self.rules:
                table.setdefault(name_key(rule.name), rule)
            for rule in self.rules:
                for label in rule.sections:
                    table.setdefault(name_key(label), rule)
            return table
        return self._cached("by_section", compute)

    @property
    def automaton(self) -> ahocorasick.Automaton:
        """Every phrase of every rule, folded, built once per rule set."""
        return self._cached("automaton", self._make_automaton)

    def prime_automaton(self, stored) -> None:
        """Take the automaton from `stored(make)` (the build cache: making it took 0.27 s, reading
        it back 0.07 s), unless this process has it already."""
        self._cached("automaton", lambda: stored(self._make_automaton))

    def _make_automaton(self) -> ahocorasick.Automaton:
        auto = ahocorasick.Automaton()
        table: dict[str, list[tuple[int, str, float, bool]]] = {}
        as_written: dict[str, set[int]] = {}     # key -> rules that write it as a phrase
        for n, rule in enumerate(self.rules):
            for phrase, weight in rule.phrases:
                prefix = phrase.endswith("*")
                forms = [phrase.rstrip("*")] if prefix else inflections(phrase)
                for i, form in enumerate(forms):
                    for clitic_form in with_clitics(form):     # Arabic: with its clitics
                        key = fold(clitic_form)
                        if key:
                            table.setdefault(key, []).append((n, phrase, weight, prefix))
                            if i == 0:
                                as_written.setdefault(key, set()).add(n)
        for key, owners in as_written.items():
            # a regular form that another topic writes as a word of its own is that word
            # ("جامع" + ة is "جامعة", a university, not a mosque)
            table[key] = [v for v in table[key] if v[0] in owners]
        for key, values in table.items():
            auto.add_word(key, (len(key), tuple(values)))
        if table:
            auto.make_automaton()
        return auto

    def _cached(self, key: str, compute):
        return memoized(self, key, compute)


@dataclass(frozen=True, slots=True)
class FiredRule:
    rule: str                                       # the topic
    via: str                                        # "front matter", "section" or "phrases"
    phrases: tuple[tuple[str, int, float], ...] = ()   # (phrase, times counted, weight)
    score: float = 0.0
    threshold: float = 0.0                          # as applied (shorter texts need less)
    distinct: int = 0                               # different phrases (one more if in the title)
    min_phrases: int = 0


@dataclass(frozen=True, slots=True)
class TopicAssignment:
    topics: tuple[str, ...]
    fired: tuple[FiredRule, ...]                    # why each topic was chosen
    below: tuple[FiredRule, ...] = field(default=())   # phrase scores that did not reach the threshold


def assign_topics(title: str, text: str, section: str = "", explicit: Iterable[str] | None = None,
                  rules: TopicRules | None = None) -> TopicAssignment:
    """The topics of one article and the rules that chose them. `explicit` is the front
    matter's list (None or empty: none given)."""
    rules = rules if rules is not None else default_rules()
    explicit = [" ".join(t.split()) for t in (explicit or []) if t and t.strip()]
    if explicit:
        names = list(dict.fromkeys((rules.topic(t).name if rules.topic(t) else t) for t in explicit))
        return TopicAssignment(tuple(names), tuple(FiredRule(n, "front matter") for n in names))
    chosen: dict[str, FiredRule] = {}
    if section:
        for rule in rules.for_section(section):
            chosen[rule.name] = FiredRule(rule.name, "section", ((section, 1, 0.0),))
    below: list[FiredRule] = []
    scale = length_scale(text)
    for rule, fired in score_phrases(title, text, rules):
        fired = replace(fired, threshold=round(rule.threshold * scale, 2))
        if fired.score >= fired.threshold and fired.distinct >= rule.min_phrases:
            if rule.name not in chosen:
                chosen[rule.name] = fired
        elif fired.score > 0 and rule.name not in chosen:
            below.append(fired)
    below.sort(key=lambda f: (-f.score, f.rule))
    candidates = [f for f in below if _good_enough(f)]
    if not chosen and candidates:
        # every article is about something: with no topic over its threshold, the best one
        # (the nearest to its own threshold) is chosen when it has half the evidence
        best = max(candidates, key=lambda f: (f.score / f.threshold, f.score, f.rule))
        below.remove(best)
        chosen[best.rule] = replace(best, via="best")
    section_first = [f for f in chosen.values() if f.via == "section"]
    by_score = sorted((f for f in chosen.values() if f.via != "section"), key=lambda f: (-f.score, f.rule))
    fired_all = section_first + by_score
    names = {f.rule for f in fired_all}
    for fired in list(fired_all):
        rule = rules.topic(fired.rule)
        for name in rule.broader if rule else ():
            wider = rules.topic(name)
            if wider is not None and wider.name not in names:
                fired_all.append(FiredRule(wider.name, "broader", ((fired.rule, 1, 0.0),)))
                names.add(wider.name)
    below = [f for f in below if f.rule not in names]
    return TopicAssignment(tuple(f.rule for f in fired_all), tuple(fired_all), tuple(below))


def _good_enough(fired: FiredRule) -> bool:
    return fired.score >= BEST_SHARE * fired.threshold and fired.distinct >= fired.min_phrases


SHORT_TEXT = 300           # words: shorter texts need proportionally less evidence ...
MIN_SCALE = 0.8


def length_scale(text: str) -> float:
    """The fraction of each threshold a text must reach: 1 for texts of SHORT_TEXT words and
    more, less for short ones (a 100-word brief cannot repeat its vocabulary like a feature)."""
    words = len(text.split())
    return max(MIN_SCALE, min(1.0, math.sqrt(words / SHORT_TEXT)))


def score_phrases(title: str, text: str, rules: TopicRules) -> list[tuple[TopicRule, FiredRule]]:
    """Every rule with at least one matching phrase, with its score and the phrases counted."""
    counts: dict[tuple[int, str], list[int]] = {}   # (rule index, phrase) -> [in text, in title]
    weights: dict[tuple[int, str], float] = {}
    for where, body in ((0, text), (1, title)):
        for n, phrase, weight in _matches(body, rules):
            counts.setdefault((n, phrase), [0, 0])[where] += 1
            weights[(n, phrase)] = weight
    per_rule: dict[int, list[tuple[str, int, float]]] = {}
    in_title_rules: set[int] = set()
    for (n, phrase), (in_text, in_title) in counts.items():
        times = min(in_text, MAX_COUNT) + (TITLE_FACTOR if in_title else 0)
        per_rule.setdefault(n, []).append((phrase, int(math.ceil(times)), weights[(n, phrase)]))
        if in_title and weights[(n, phrase)] > 0:
            in_title_rules.add(n)
    out = []
    for n, phrases in sorted(per_rule.items()):
        rule = rules.rules[n]
        phrases.sort(key=lambda p: (-p[1] * p[2], p[0]))
        score = round(sum(times * weight for _, times, weight in phrases), 2)
        # different phrases that matched; a match in the title counts as one more
        distinct = sum(1 for _, _, weight in phrases if weight > 0) + (n in in_title_rules)
        out.append((rule, FiredRule(rule.name, "phrases", tuple(phrases), score, rule.threshold, distinct,
                                    rule.min_phrases)))
    return out


def _matches(body: str, rules: TopicRules):
    """(rule index, phrase, weight) for the leftmost-longest whole-word phrase matches."""
    auto = rules.automaton
    if not body or len(auto) == 0:
        return []
    folded = fold(normalise(body))
    spans: list[tuple[int, int, tuple]] = []
    for end, (length, values) in auto.iter(folded):
        start = end - length + 1
        if start > 0 and folded[start - 1].isalnum():
            continue
        stop = end + 1
        whole = stop >= len(folded) or not folded[stop].isalnum()
        exact = tuple(v for v in values if not v[3]) if whole else ()
        prefix = tuple(v for v in values if v[3])
        if exact:
            spans.append((start, stop, exact))
        if prefix:
            spans.append((start, _WORD_TAIL.match(folded, stop).end(), prefix))
    # leftmost-longest within each rule: "water cannon" hides "water" from Water only
    per_rule: dict[int, list[tuple[int, int, str, float]]] = {}
    for start, stop, values in spans:
        for n, phrase, weight, _ in values:
            per_rule.setdefault(n, []).append((start, stop, phrase, weight))
    out = []
    for n, found in per_rule.items():
        found.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        last = -1
        for start, stop, phrase, weight in found:
            if start < last:
                continue
            last = stop
            out.append((n, phrase, weight))
    return out


_ENGLISH_WORD = re.compile(r"[a-z]+")


def inflections(phrase: str) -> list[str]:
    """A phrase and the regular forms of its last word, so that "vote" also matches "votes" and
    "حرب" also "الحربية": English plurals (s, es, ies) and Arabic endings (arabic.inflected);
    irregular forms are listed in the rules as phrases of their own."""
    if has_arabic(phrase):
        return inflected(phrase)
    head, sep, last = phrase.rpartition(" ")
    if not _ENGLISH_WORD.fullmatch(last) or last.endswith("s") or len(last) < 3:
        return [phrase]
    if last.endswith(("x", "ch", "sh", "z")):
        plural = last + "es"
    elif last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return [phrase, head + sep + plural]


# --- reading rules ---------------------------------------------------------------------------------

def _number(value, what: str, problems: list[Problem], path: str, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(Problem(path, f"{what} must be a number (got {value!r})", "the default is used", level="warning"))
        return default
    return float(value)


def _names(value, what: str, problems: list[Problem], path: str, default: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(path, f"{what} must be a list of topic names", "the default is used", level="warning"))
        return default
    return tuple(" ".join(v.split()) for v in value if v.strip())


def parse_topic_rules(text: str, path: str = TOPICS_FILE,
                      base: TopicRules | None = None) -> tuple[TopicRules, list[Problem]]:
    """Rules from TOML text, over `base` (a topic of the same name is updated key by key; its
    phrases are merged, a weight of 0 removes one; `disabled = true` removes the topic;
    `[defaults] use_defaults = false` starts from nothing)."""
    problems: list[Problem] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return base or TopicRules(), [Problem(path, f"not valid TOML: {exc}",
                                              "fix the syntax; the default topic rules are used until then",
                                              toml_error_line(exc))]
    settings = data.pop("defaults", {})
    if not isinstance(settings, dict):
        problems.append(Problem(path, "[defaults] must be a table", "", level="warning"))
        settings = {}
    for key in settings:
        if key not in DEFAULT_KEYS:
            problems.append(Problem(path, f"[defaults] has an unknown key '{key}'",
                                    "known keys: " + ", ".join(sorted(DEFAULT_KEYS)), level="warning"))
    threshold = _number(settings.get("threshold", 6.0), "[defaults] threshold", problems, path, 6.0)
    min_phrases = int(_number(settings.get("min_phrases", 2), "[defaults] min_phrases", problems, path, 2))
    rules: dict[str, TopicRule] = {}
    if base is not None and settings.get("use_defaults", True) is not False:
        rules = {name_key(r.name): r for r in base.rules}
    for name, table in data.items():
        where = f"topic '{name}'"
        if not isinstance(table, dict):
            problems.append(Problem(path, f"{where} must be a table like [\"{name}\"] with phrases", ""))
            continue
        for key in table:
            if key not in RULE_KEYS:
                problems.append(Problem(path, f"{where} has an unknown key '{key}'",
                                        "known keys: " + ", ".join(sorted(RULE_KEYS)), level="warning"))
        key = name_key(name)
        if table.get("disabled") is True:
            rules.pop(key, None)
            continue
        old = rules.get(key) or TopicRule(name, (), threshold, min_phrases)
        phrases = dict(old.phrases)
        raw_phrases = table.get("phrases", {})
        if not isinstance(raw_phrases, dict):
            problems.append(Problem(path, f"{where}: phrases must be a table of phrase = weight", "", level="warning"))
            raw_phrases = {}
        for phrase, weight in raw_phrases.items():
            weight = _number(weight, f"{where}: the weight of '{phrase}'", problems, path, 1.0)
            phrase = " ".join(phrase.split())
            if weight == 0:
                phrases.pop(phrase, None)
            elif phrase:
                phrases[phrase] = weight
        sections = table.get("sections", list(old.sections))
        if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
            problems.append(Problem(path, f"{where}: sections must be a list of strings", "", level="warning"))
            sections = list(old.sections)
        rules[key] = replace(
            old, name=name,
            phrases=tuple(phrases.items()),
            threshold=_number(table.get("threshold", old.threshold), f"{where}: threshold", problems, path, old.threshold),
            min_phrases=int(_number(table.get("min_phrases", old.min_phrases), f"{where}: min_phrases", problems, path,
                                    old.min_phrases)),
            sections=tuple(sections),
            iptc=str(table.get("iptc", old.iptc)),
            broader=_names(table.get("broader", list(old.broader)), f"{where}: broader", problems, path, old.broader),
            description=str(table.get("description", old.description)),
        )
    for rule in rules.values():
        for name in rule.broader:
            if name_key(name) not in rules:
                problems.append(Problem(path, f"topic '{rule.name}': broader topic '{name}' is not a topic",
                                        "add that topic or remove it from broader", level="warning"))
    return TopicRules(tuple(rules.values())), problems


@lru_cache(maxsize=1)
def default_rules() -> TopicRules:
    """The taxonomy shipped with the package (newsdigest/data/topics.toml)."""
    rules, problems = parse_topic_rules((DATA_DIR / "topics.toml").read_text(encoding="utf-8"),
                                        "newsdigest/data/topics.toml")
    arabic, more = parse_topic_rules((DATA_DIR / "topics_ar.toml").read_text(encoding="utf-8"),
                                     "newsdigest/data/topics_ar.toml")
    if problems or more:
        raise ValueError("\n".join(str(p) for p in problems + more))
    return _with_translation(rules, arabic)


def _with_translation(rules: TopicRules, other: TopicRules) -> TopicRules:
    """Each rule with the phrases and section labels of the same topic in another language
    (its threshold stays); a topic only the other language has is an error in the data."""
    merged = []
    for rule in rules.rules:
        extra = other.topic(rule.name)
        if extra is not None:
            rule = replace(rule, phrases=rule.phrases + extra.phrases, sections=rule.sections + extra.sections)
        merged.append(rule)
    unknown = [r.name for r in other.rules if rules.topic(r.name) is None]
    if unknown:
        raise ValueError(f"newsdigest/data/topics_ar.toml: topics not in topics.toml: {', '.join(unknown)}")
    return TopicRules(tuple(merged))


def load_topic_rules(content_dir: Path, defaults: bool = True) -> tuple[TopicRules, list[Problem]]:
    """The site's content/topics.toml over the default taxonomy (defaults=False: alone)."""
    base = default_rules() if defaults else None
    file = content_dir / "topics.toml"
    if not file.exists():
        return base or TopicRules(), []
    try:
        text = read_regular_text(file)
    except (OSError, UnicodeDecodeError) as exc:
        return base or TopicRules(), [Problem(TOPICS_FILE, f"cannot read: {exc}",
                                              "save it as UTF-8 text; the default topic rules are used until then")]
    rules, problems = _site_rules(text, defaults)
    return rules, list(problems)


@lru_cache(maxsize=1)
def _site_rules(text: str, defaults: bool) -> tuple[TopicRules, tuple[Problem, ...]]:
    """The rules of one topics.toml text, made once: the builds of a live engine then share
    one rule set, with its phrase automaton read once, not once per build."""
    rules, problems = parse_topic_rules(text, TOPICS_FILE, default_rules() if defaults else None)
    return rules, tuple(problems)

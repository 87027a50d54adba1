"""Page furniture of scraped news: the rules that drop whole lines, as data.

The rules live in newsdigest/data/boilerplate.toml, one table per language; a site adds its
own sources' furniture in content/boilerplate.toml, in the same form. A rule matches a whole
line (after spaces are squashed), never part of one, and never a line longer than its
max_length: a long line is prose, whatever it starts with. The header parser and the body
cleaner both use the rules, and `ingest --explain` names the rule of every drop.

Labels ("Sponsored Links", "إعلان") are also cut where they end up glued to a sentence.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import line_of
from ..errors import NewsdigestError, Problem
from ..files import read_regular_text

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "boilerplate.toml"
SITE_FILE = "boilerplate.toml"  # in the site's content/ folder
DEFAULT_MAX_LENGTH = 200
_PHRASE_KINDS = ("labels", "headings", "starts", "only")
_RULE_KEYS = ("why", "max_length", "patterns") + _PHRASE_KINDS

# Arabic is matched without short vowels and tatweel, with one form of alef, ya and ta marbuta.
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_SEPARATORS = r"[\s,|•·/:\-–—]+"


def fold_arabic(text: str) -> str:
    """Arabic letters in the one form the rules are written in (other text unchanged)."""
    return _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)


def _key(text: str) -> str:
    return " ".join(fold_arabic(text).split())


@dataclass(frozen=True)
class LineRule:
    name: str
    pattern: re.Pattern
    why: str
    max_length: int = DEFAULT_MAX_LENGTH  # a line longer than this is prose, whatever it starts with


def _phrase(text: str) -> str:
    """A phrase as a regex: its words in order, any spacing between them."""
    return r"\s+".join(re.escape(word) for word in _key(text).split())


def _alternatives(phrases: list[str]) -> str:
    return "|".join(_phrase(p) for p in sorted(set(phrases), key=len, reverse=True) if p.strip())


def _compile(spec: dict[str, Any]) -> re.Pattern:
    """One regex for the whole rule: its phrases of every kind and its patterns."""
    parts = []
    if spec.get("labels"):
        parts.append(rf"^(?:{_alternatives(spec['labels'])})[\s:.!]*$")
    if spec.get("headings"):
        parts.append(rf"^(?:{_alternatives(spec['headings'])})\s*(?:$|[:|»>\-–—]|\.\.\.|…)")
    if spec.get("starts"):
        parts.append(rf"^(?:{_alternatives(spec['starts'])})(?!\w)")
    if spec.get("only"):
        words = _alternatives(spec["only"])
        parts.append(rf"^(?:{words})(?:{_SEPARATORS}(?:{words}))*[\s:]*$")
    parts += [f"(?:{p})" for p in spec.get("patterns", [])]
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


@dataclass(frozen=True)
class Furniture:
    """The line rules of every language (built in, then the site's), and the labels among them."""

    rules: tuple[LineRule, ...]
    labels: tuple[tuple[str, str, str], ...] = ()  # (label, rule, why), longest first

    def line_rule(self, line: str) -> tuple[str, str] | None:
        """(rule, why) if the whole line is furniture, else None."""
        text = " ".join(line.split())
        if not text:
            return None
        folded = fold_arabic(text)
        for rule in self.rules:
            if len(text) <= rule.max_length and rule.pattern.search(folded):
                return rule.name, rule.why
        return None

    def cut_glued_labels(self, paragraph: str) -> tuple[str, list[tuple[str, str, str]]]:
        """The paragraph without labels glued to its sentences, and (label, rule, why) of each cut.

        A label is cut at the end of a paragraph after a sentence ("...the Tigris. Sponsored Links",
        once glued sentences are split) or glued to its last word ("the TigrisSponsored Links"),
        at its start or after a sentence when the next sentence is glued to it ("Sponsored
        LinksThe minister", "Links2024", 'Links"We'), and, for labels of two words or more,
        before a spaced sentence. One word before a spaced sentence may be prose and stays.
        Labels one after another ("Sponsored Links Sponsored Links", "Advertisement Share") are
        cut as one run wherever one label would be, each reported.
        """
        pattern = _glued_pattern(self.labels)
        if pattern is None:
            return paragraph, []
        cuts: list[tuple[str, str, str]] = []
        by_key = {label: (rule, why) for label, rule, why in self.labels}

        def cut(m: re.Match) -> str:
            run, after = m.group("label") or m.group("tail"), m.group("after") or ""
            if after and m.end() < len(paragraph) and " " not in run.strip():
                return m.group(0)  # one word before a capitalised sentence could be prose ("Share The")
            for label in _label_pattern(self.labels).findall(run):
                rule, why = by_key.get(_key(label).casefold(), ("advertising", "label"))
                cuts.append((label, rule, why + " (glued to a sentence)"))
            return " "

        text = pattern.sub(cut, paragraph)
        return (" ".join(text.split()), cuts) if cuts else (paragraph, [])


_END = r"[.!?؟…\"')\]»]"


def _label_words(labels: tuple[tuple[str, str, str], ...]) -> str | None:
    """Any one label as a regex (longest first), or None when none can be cut. One- and
    two-letter labels ("X", "Ad") are too often part of a sentence to cut."""
    usable = sorted({label for label, _, _ in labels if len(label) >= 3}, key=len, reverse=True)
    return "|".join(_loose(label) for label in usable) if usable else None


@lru_cache(maxsize=16)
def _label_pattern(labels: tuple[tuple[str, str, str], ...]) -> re.Pattern:
    return re.compile(_label_words(labels) or r"(?!)", re.IGNORECASE)


@lru_cache(maxsize=16)
def _glued_pattern(labels: tuple[tuple[str, str, str], ...]) -> re.Pattern | None:
    one = _label_words(labels)
    if one is None:
        return None
    # A run of labels, each glued to the last or after spaces: cut whole, or each pass of
    # cleaning would take off one and leave the rest for the next.
    words = rf"(?:{one})(?:\s*(?:{one}))*"
    # Where a label starts: the paragraph's start, after a sentence's end, or glued straight to
    # the last word of the paragraph ("the TigrisSponsored Links").
    # What follows it: the paragraph's end, or the start of a sentence, glued on or after spaces
    # (a capitalised word, a number, a quotation or an Arabic word).
    # (an Arabic word glued to an Arabic label would be the same word going on: "إعلانات").
    sentence = r"(?:(?-i:[A-Z])[a-z]|[0-9\"'\u201c\u00ab(]|[\u0621-\u064a])"
    glued = r"(?:(?-i:[A-Z])[a-z]|[0-9\"'\u201c\u00ab(]|(?<![\u0600-\u06ff])[\u0621-\u064a])"
    return re.compile(rf"(?:(?:^|(?<={_END}))\s*(?P<label>{words})(?P<after>[\s:.!]*$|(?={glued})|\s+(?={sentence}))"
                      rf"|{_CHANGE}(?P<tail>{words})[\s:.!]*$)", re.IGNORECASE)


# A word glued to the next with no space: a capital after a small letter, or a change of script.
_CHANGE = (r"(?:(?<=(?-i:[a-z]))(?=(?-i:[A-Z]))|(?<=[A-Za-z])(?=[\u0621-\u064a])"
           r"|(?<=[\u0621-\u064a])(?=[A-Za-z]))")


_LOOSE = {"ا": "[اأإآٱ]", "ي": "[يى]", "ه": "[هة]"}


def _loose(label: str) -> str:
    """A folded label as a regex for unfolded text: any alef, ya or ta marbuta, any short vowels."""
    out = []
    for word in label.split():
        letters = []
        for ch in word:
            letters.append(_LOOSE.get(ch, re.escape(ch)))
            if "\u0600" <= ch <= "\u06ff":
                letters.append(r"[\u064b-\u065f\u0670\u0640]*")
        out.append("".join(letters))
    return r"\s+".join(out)


def _furniture(tables: dict[str, dict[str, dict[str, Any]]]) -> Furniture:
    rules, labels = [], []
    for lang_rules in tables.values():
        for key, spec in lang_rules.items():
            name = key.replace("_", " ")
            rules.append(LineRule(name, _compile(spec), spec["why"], spec.get("max_length", DEFAULT_MAX_LENGTH)))
            labels += [(_key(label).casefold(), name, spec["why"]) for label in spec.get("labels", [])]
    labels.sort(key=lambda item: -len(item[0]))
    return Furniture(tuple(rules), tuple(labels))


# --- reading and checking a rules file -----------------------------------------------------------

def _table_line(text: str, table: str) -> int | None:
    """The line of a [table] header ("[en.my_rule]"), else of its first key."""
    m = re.search(rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\]", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else line_of(text, table.rpartition(".")[2], table.rpartition(".")[0])


def _check_rule(spec: Any, where: str, text: str, path: str, table: str, new: bool) -> list[Problem]:
    """What is wrong with one [LANG.RULE] table, by key."""
    if not isinstance(spec, dict):
        return [Problem(path, f"'{where}' must be a table of a rule ([{where}] with why = \"...\")",
                        "see docs/ingest.md, Page furniture", _table_line(text, where))]
    problems = []
    for key, value in spec.items():
        line = line_of(text, key, table)
        if key not in _RULE_KEYS:
            problems.append(Problem(path, f"unknown key '{where}.{key}'", "known keys: " + ", ".join(_RULE_KEYS), line))
        elif key == "why" and (not isinstance(value, str) or not value.strip()):
            problems.append(Problem(path, f"'{where}.why' must be a non-empty string", "say why such a line is dropped", line))
        elif key == "max_length" and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            problems.append(Problem(path, f"'{where}.max_length' must be a whole number of at least 1", "like 200", line))
        elif key in _PHRASE_KINDS + ("patterns",):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                problems.append(Problem(path, f"'{where}.{key}' must be a list of non-empty strings",
                                        'like ["Get our app"]', line))
            elif key == "patterns":
                for pattern in value:
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        problems.append(Problem(path, f"'{where}.patterns': {pattern!r} is not a regular expression ({exc})",
                                                "fix the expression, or use starts/labels for plain phrases", line))
    if new and "why" not in spec:
        problems.append(Problem(path, f"the new rule '{where}' has no 'why'", "add why = \"...\": --explain prints it",
                                _table_line(text, where)))
    return problems


def parse_rules(text: str, path: str, base: dict[str, dict[str, dict[str, Any]]] | None = None
                ) -> tuple[dict[str, dict[str, dict[str, Any]]], list[Problem]]:
    """The rule tables of a rules file, merged over base (phrases added, why and max_length replaced)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from ..config import toml_error_line
        return base or {}, [Problem(path, f"not valid TOML: {exc}", "fix the syntax at that line", toml_error_line(exc))]
    merged = {lang: {name: dict(spec) for name, spec in rules.items()} for lang, rules in (base or {}).items()}
    problems: list[Problem] = []
    for lang, rules in data.items():
        if not isinstance(rules, dict):
            problems.append(Problem(path, f"'{lang}' must be a table of rules per language, like [en.my_rule]",
                                    "see docs/ingest.md, Page furniture", line_of(text, lang)))
            continue
        for name, spec in rules.items():
            current = merged.setdefault(lang, {}).get(name)
            found = _check_rule(spec, f"{lang}.{name}", text, path, f"{lang}.{name}", current is None)
            problems += found
            if found:
                continue
            combined = dict(current or {})
            for key, value in spec.items():
                combined[key] = combined.get(key, []) + value if isinstance(value, list) else value
            merged[lang][name] = combined
    return merged, problems


@lru_cache(maxsize=1)
def _builtin_tables() -> dict[str, dict[str, dict[str, Any]]]:
    tables, problems = parse_rules(DATA_FILE.read_text(encoding="utf-8"), "newsdigest/data/boilerplate.toml")
    if problems:
        raise NewsdigestError(*problems)
    return tables


@lru_cache(maxsize=1)
def builtin_furniture() -> Furniture:
    return _furniture(_builtin_tables())


def prime_furniture(content: Path) -> None:
    """Compile the line rules and the glued-label pattern now (0.1 to 0.3 s), not while the first
    file ingested waits: builtin_furniture and _glued_pattern keep theirs, and a site's own rules
    are compiled again through re's cache. Wrong rules are left to the ingest to report."""
    try:
        furniture = load_furniture(content)
    except NewsdigestError:
        return
    _glued_pattern(furniture.labels)


def load_furniture(content: Path) -> Furniture:
    """The built-in rules plus the site's content/boilerplate.toml; NewsdigestError if it is wrong."""
    site_file = content / SITE_FILE
    if not site_file.exists():
        return builtin_furniture()
    shown = f"content/{SITE_FILE}"
    try:
        text = read_regular_text(site_file)
    except (OSError, UnicodeDecodeError) as exc:
        raise NewsdigestError(Problem(shown, f"cannot read: {exc}", "save it as UTF-8 text")) from None
    tables, problems = parse_rules(text, shown, _builtin_tables())
    if problems:
        raise NewsdigestError(*problems)
    return _furniture(tables)


def line_rule(line: str, furniture: Furniture | None = None) -> tuple[str, str] | None:
    """(rule, why) if the whole line is boilerplate by the given (default: built-in) rules."""
    return (furniture or builtin_furniture()).line_rule(line)

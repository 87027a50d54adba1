"""The editor's gazetteer, content/actors.toml: canonical actor names, kinds and aliases."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..config import toml_error_line
from ..errors import Problem
from ..slug import name_key
from ..taxonomy import TermInfo

KINDS = ("person", "organisation", "country", "place")
GAZETTEER_FILE = "content/actors.toml"


@dataclass(frozen=True)
class Gazetteer:
    entries: dict[str, TermInfo] = field(default_factory=dict)   # canonical name -> info
    canonical: dict[str, str] = field(default_factory=dict)      # name key of name or alias -> canonical

    def resolve(self, name: str) -> str:
        """The canonical spelling of a name or alias; unknown names are kept as written."""
        return self.canonical.get(name_key(name), name)


def parse_gazetteer(text: str, path: str = GAZETTEER_FILE) -> tuple[Gazetteer, list[Problem]]:
    problems: list[Problem] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Gazetteer(), [Problem(path, f"not valid TOML: {exc}", "fix the syntax; actors are not canonicalised until then",
                                     toml_error_line(exc))]
    entries: dict[str, TermInfo] = {}
    canonical: dict[str, str] = {}
    for name, table in data.items():
        if not isinstance(table, dict):
            problems.append(Problem(path, f"'{name}' must be a table like [\"{name}\"] with kind = \"person\"", ""))
            continue
        kind = table.get("kind", "")
        if kind not in KINDS:
            problems.append(Problem(path, f"'{name}': kind must be one of {', '.join(KINDS)} (got {kind!r})",
                                    "fix the kind; the actor is listed without one until then", level="warning"))
            kind = ""
        aliases = table.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(Problem(path, f"'{name}': aliases must be a list of strings", "", level="warning"))
            aliases = []
        description = table.get("description", "")
        entries[name] = TermInfo(kind, description if isinstance(description, str) else "", tuple(aliases))
        for alias in [name, *aliases]:
            other = canonical.setdefault(name_key(alias), name)
            if other != name:
                problems.append(Problem(path, f"alias '{alias}' of '{name}' is already used by '{other}'",
                                        "give each alias to one actor only", level="warning"))
    return Gazetteer(entries, canonical), problems


def load_gazetteer(content_dir: Path) -> tuple[Gazetteer, list[Problem]]:
    file = content_dir / "actors.toml"
    if not file.is_file():
        return Gazetteer(), []
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Gazetteer(), [Problem(GAZETTEER_FILE, f"cannot read: {exc}",
                                     "save it as UTF-8 text; actors are not canonicalised until then")]
    return parse_gazetteer(text)

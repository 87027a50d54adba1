"""YAML front matter: split, parse (every scalar kept as text) and write back.

Scalars stay strings so that the field parsers in articles.py decide types: YAML 1.1 would
otherwise turn `lang: no` into False and dates into naive datetimes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .errors import NewsdigestError, Problem

DELIMITER = "---"
_TOP_KEY = re.compile(r"^([^\s#:'\"-][^:]*|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)")


class _TextLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: 10x faster
    pass


# Keep only the null resolver: "~", "null" and empty values are None, everything else is text.
_TextLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class FrontMatter:
    meta: dict
    body: str
    lines: dict  # field name -> 1-based line in the file, for error messages
    body_line: int
    repeated: tuple = ()  # (field, first line, later line) for each field given twice


def split(text: str, path: str) -> tuple[str, str, int]:
    """(yaml text, body, first line of the body). The file must start with a --- line."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != DELIMITER:
        raise NewsdigestError(Problem(path, "no front matter: the file must start with a line '---'",
                                      "add '---', the YAML fields (title, date, ...), and a closing '---'", 1))
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (DELIMITER, "..."):  # not indented: "  ---" is inside a block value
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise NewsdigestError(Problem(path, "front matter is not closed", "add a line '---' after the last field", 1))


class _SlowTextLoader(yaml.SafeLoader):
    yaml_implicit_resolvers = _TextLoader.yaml_implicit_resolvers


# Front matter is a flat list of fields with short lists in it: a few levels are plenty. Deeper
# nesting is hostile (the composer recurses: ~1,000 levels end in RecursionError), and so are
# anchors and aliases (a few hundred bytes of nested aliases expand to gigabytes).
MAX_DEPTH = 8
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _refuse_hostile(header: str, path: str, loader) -> None:
    """Look at the parser's events, before anything is composed or expanded: no anchor, no
    alias, no nesting deeper than MAX_DEPTH. Raises NewsdigestError naming the line."""
    depth = 0
    for event in yaml.parse(header, Loader=loader):
        line = event.start_mark.line + 2 if event.start_mark is not None else None  # +1 for '---'
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise NewsdigestError(Problem(path, "front matter uses a YAML anchor or alias ('&name' or '*name')",
                                          "write each value out in full: front matter does not allow anchors", line))
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                raise NewsdigestError(Problem(path, f"front matter is nested more than {MAX_DEPTH} levels deep",
                                              "fields are text or short lists of names", line))
        elif isinstance(event, _CLOSE):
            depth -= 1


def _load(header: str, path: str):
    try:
        _refuse_hostile(header, path, _TextLoader)
        return yaml.load(header, Loader=_TextLoader)
    except yaml.YAMLError:
        pass
    try:  # libyaml marks errors where it gave up; the pure-Python parser points at the cause
        _refuse_hostile(header, path, _SlowTextLoader)
        return yaml.load(header, Loader=_SlowTextLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the '---' line
        reason = getattr(exc, "problem", None) or str(exc)
        raise NewsdigestError(Problem(path, f"front matter is not valid YAML: {reason}",
                                      "check quoting and indentation (quote titles containing ': ')", line)) from None


def parse(text: str, path: str) -> FrontMatter:
    header, body, body_line = split(text, path)
    meta = _load(header, path)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise NewsdigestError(Problem(path, "front matter must be a list of 'field: value' lines", "", 2))
    lines: dict[str, int] = {}
    repeated: list[tuple[str, int, int]] = []
    for number, match in enumerate(_TOP_KEY.match(line) for line in header.split("\n")):
        if match:
            key, line = match.group(1).strip("'\""), number + 2  # +1 for 1-based, +1 for '---'
            if key in lines:
                repeated.append((key, lines[key], line))
            lines[key] = line  # YAML keeps the later value: point at it
    meta = {str(k): v for k, v in meta.items()}
    return FrontMatter(meta, body, lines, body_line, tuple(repeated))


class _Dumper(yaml.SafeDumper):
    pass


# Write ISO dates plain (as DESIGN.md shows them); other ambiguous scalars ("no", "1.0") stay quoted.
_Dumper.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def _represent_str(dumper, value):
    # YAML reads \r, NEL and the Unicode separators as line breaks, and a trailing newline makes
    # PyYAML end the document with "..." (our closing delimiter): double quotes keep them exact.
    if value.endswith("\n") or any(ch in value for ch in "\r\x85\u2028\u2029"):
        style = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper, value):
    # Short lists read best inline: "topics: [Security, Diplomacy]".
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)


def dump(meta: dict, body: str) -> str:
    """Front matter and body as one file's text; fields keep the order given."""
    header = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                       default_flow_style=False, width=1000)
    return f"{DELIMITER}\n{header}{DELIMITER}\n\n{body.strip()}\n"

"""The plain data passed between the ingest stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping


class Rejected(Exception):
    """An input (or one record of it) cannot become an article; says why and what to do."""

    def __init__(self, reason: str, hint: str = "", line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
        self.line = line


@dataclass(frozen=True)
class Removal:
    """Text that ingest dropped or took out of the body, and the rule that did it."""

    text: str
    rule: str
    why: str
    line: int | None = None


@dataclass(frozen=True)
class Fix:
    """A change to the body that dropped nothing (a glued sentence split, quotes normalised)."""

    rule: str
    before: str
    after: str
    line: int | None = None


@dataclass(frozen=True)
class RawArticle:
    """One article as a reader found it: metadata still as text, body not yet cleaned.

    Every reader fills what its format offers and leaves the rest empty; the field parsers
    in header.py turn the text into typed values.
    """

    path: Path
    kind: str                        # reader: "text", "html", "json", "jsonl", "markdown"
    text: str                        # the body (Markdown when markdown is true)
    title: str = ""
    date: str = ""
    updated: str = ""
    url: str = ""
    source: str = ""
    author: str = ""
    section: str = ""
    dateline: str = ""
    lang: str = ""
    line: int | None = None          # where the record starts in the file (JSON Lines, arrays)
    body_line: int = 1               # file line of the body's first line, for --explain
    field_lines: Mapping[str, int] = field(default_factory=dict)  # field -> line it came from
    encoding: str = "utf-8"
    repaired: bool = False           # mojibake or control characters were repaired on decoding
    markdown: bool = False           # the body is Markdown to keep as written (.md input)
    extra: Mapping[str, Any] = field(default_factory=dict)  # other front matter kept as given
    header: tuple[Removal, ...] = ()  # text lines taken out as metadata or header noise
    record_fields: tuple[str, ...] = ()  # a scraper record's field names, to name them when one is missing

    def where(self, name: str) -> int | None:
        """The file line a field came from, else the record's line."""
        return self.field_lines.get(name, self.line)

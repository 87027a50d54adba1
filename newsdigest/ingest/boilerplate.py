"""Boilerplate lines of scraped news pages: one table of rules, each with the reason it drops a line.

A rule matches a whole line (after spaces are squashed), never part of one, and never a line
longer than its max_length: a long line is prose, whatever it starts with. Add a rule here
and both the header parser and the body cleaner use it, and `ingest --explain` names it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LineRule:
    name: str
    pattern: re.Pattern
    why: str
    max_length: int = 200  # a line longer than this is prose, whatever it starts with


def _rule(name: str, pattern: str, why: str, max_length: int = 200) -> LineRule:
    return LineRule(name, re.compile(pattern, re.IGNORECASE), why, max_length)


_SHARE_WORD = (r"(?:share(?:\s+(?:this|on|via))?(?:\s+(?:article|story|post))?|tweet|facebook|twitter|x|"
               r"whatsapp|telegram|linkedin|e-?mail|print|copy\s+link|messenger|reddit|pinterest|viber|"
               r"\d+\s+(?:shares?|comments?|views?)|comments?)")

LINE_RULES: list[LineRule] = [
    _rule("advertising", r"^(?:sponsored(?:\s+(?:links?|content|posts?|stories))?|advertisements?|"
                         r"ads?|promoted(?:\s+(?:content|stories))?|paid\s+content|اعلان|إعلان)$",
          "advertising label"),
    _rule("font-size widget", r"^(?:(?:font|text)\s+size\s*:?\s*)?[•·|\s]*(?:(?:[+-]\s?A|A\s?[+-])[\s•·|]*){1,3}$",
          "font-size buttons"),
    _rule("decoration", r"^[^\w\"'(]*$", "a line of bullets, dashes or symbols only", 200),
    _rule("share buttons", rf"^{_SHARE_WORD}(?:[\s,|•·/:]+{_SHARE_WORD})*[\s:]*$", "share buttons"),
    _rule("read more", r"^(?:read\s+more|read\s+also|also\s+read|see\s+also|more\s+from|recommended|"
                       r"you\s+may\s+also\s+like|related(?:\s+(?:articles?|news|stories|posts|coverage))?|"
                       r"اقرأ\s+أيضا|اقرأ\s+ايضا|اقرأ\s+المزيد)\s*(?::|»|>|-|–|—|\.\.\.|…|$)",
          "link to another article"),
    _rule("follow us", r"^(?:follow\s+us\b|follow\s+.{1,40}\s+on\s+(?:twitter|facebook|telegram|x|instagram|"
                       r"whatsapp|google\s+news|youtube)\b|subscribe\s+to\s+our|join\s+our\s+"
                       r"(?:telegram|whatsapp|newsletter|channel)|sign\s+up\s+for\s+(?:our|the)\s+newsletter|"
                       r"download\s+(?:our|the)\s+app|تابعونا)",
          "social-media or newsletter promotion"),
    _rule("tags", r"^(?:tags?|keywords|الكلمات\s+المفتاحية|وسوم)\s*:", "tag list"),
    _rule("copyright", r"^(?:©|\(c\)\s|copyright\b|all\s+rights\s+reserved|جميع\s+الحقوق\s+محفوظة)|"
                       r"all\s+rights\s+reserved", "copyright notice"),
    _rule("photo credit", r"^(?:photo|image|picture|file\s+photo)(?:\s+credit)?\s*:", "photo credit"),
    _rule("comments", r"^(?:leave\s+a\s+(?:comment|reply)|comments?\s*\(\d+\)|\d+\s+comments?|"
                      r"add\s+a\s+comment)$", "comment widget"),
]

def line_rule(line: str) -> tuple[str, str] | None:
    """(rule, why) if the whole line is boilerplate, else None."""
    text = " ".join(line.split())
    if not text:
        return None
    for rule in LINE_RULES:
        if len(text) <= rule.max_length and rule.pattern.search(text):
            return rule.name, rule.why
    return None

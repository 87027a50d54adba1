"""Body cleaning: scraped text in, the article as the newsroom published it out.

The steps, in order:
1. characters: odd spaces, invisible characters and curly quotes normalised;
2. lines: boilerplate lines dropped (the table of rules in boilerplate.py, each with its reason);
3. inline: aggregator tags "(ThisDay | Iraq News Now )" and source markers "- Shafaq News/ "
   cut out; both mark where one copy of the text ends and another begins;
4. paragraphs: blank-line blocks, hard-wrapped lines joined;
5. glued sentences split ("forces.The" -> "forces. The"), URLs and e-mail addresses left alone;
6. repeated text: when the article appears twice or partly twice, the longest copy is kept in
   its own order and sentences found only in the other copies are slotted in beside their
   neighbours, so nothing that is not a repeat is lost.
Every dropped piece of text is returned as a Removal, every edit as a Fix, for --explain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from ..config import DEFAULT_SOURCES
from .boilerplate import Furniture, builtin_furniture
from .markers import Marker, match_marker, resolve_source, slash_markers, squash
from .model import Fix, Removal

# --- 1. characters ---------------------------------------------------------------------------------

_ODD_SPACES = re.compile(r"[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                         "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_text(text: str) -> str:
    """Spaces, invisible characters, control characters and quotes in one standard form."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    return text.translate(_QUOTES)


# --- 2. boilerplate lines: see boilerplate.py ------------------------------------------------------

# "Source: Rudaw" in the body: not boilerplate to drop silently, metadata to keep in the front matter.
_SOURCE_LINE = re.compile(r"^(?:source|sources|المصدر)\s*[:：]\s*(?P<src>.{2,80})$", re.IGNORECASE)


# --- 3. inline tags and markers ------------------------------------------------------------------------

# "(ThisDay | Iraq News Now )": an aggregator's credit, glued after the text it republished.
_AGGREGATOR_TAG = re.compile(r"\(\s*[^()|\n]{1,60}?\s*\|\s*[^()|\n]{1,60}?\s*\)")
_SENTENCE_END = re.compile(r"(?:[.!?؟…]['\")\]»]*|['\")\]»])$")


# --- 5. glued sentences ----------------------------------------------------------------------------

_PROTECTED = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.(?-i:[a-z]{2,12})\b|"
    r"\b[\w-]+(?:\.[\w-]+)*\.(?-i:com|net|org|gov|edu|info|io|co|iq|uk|news|tv|me|int|ae|sa|eu)\b(?:/\S*)?",
    re.IGNORECASE)
_GLUE = re.compile(
    r"(?<=[a-z\u00df-\u024f0-9%)\]][.!?])(?=[A-Z][a-z]|[AI]\s)"              # forces.The  2018.The  (INA).The
    r"|(?<=[.!?]['\"])(?=[A-Z][a-z]|[AI]\s)"                     # advancements."The (a closing quote)
    r"|(?<=[\u0600-\u06ff][.!?؟])(?=[\u0621-\u064a])")            # Arabic: العراق.وأضاف


def _protected(text: str, pos: int) -> bool:
    """Is pos inside a URL, an e-mail address or a domain name (looked up in its word only)?"""
    start = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos)) + 1
    end = min((i for i in (text.find(" ", pos), text.find("\n", pos)) if i != -1), default=len(text))
    word = text[start:end]
    return any(a < pos - start < b for a, b in (m.span() for m in _PROTECTED.finditer(word)))


def split_glued(paragraph: str, line: int | None = None) -> tuple[str, list[Fix]]:
    """Insert the missing space between glued sentences; URLs and e-mails are left alone."""
    glued = [m.start() for m in _GLUE.finditer(paragraph)]
    if not glued:
        return paragraph, []
    out, fixes, last = [], [], 0
    for pos in glued:
        if _protected(paragraph, pos):
            continue
        out.append(paragraph[last:pos])
        last = pos
        before = paragraph[max(0, pos - 12):pos + 12]
        fixes.append(Fix("glued sentences", before, paragraph[max(0, pos - 12):pos] + " " + paragraph[pos:pos + 12],
                         line))
    if not fixes:
        return paragraph, []
    out.append(paragraph[last:])
    return " ".join(out), fixes


# --- sentences --------------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "cpl", "gov", "sen", "rep",
    "st", "jr", "sr", "no", "nos", "vol", "art", "fig", "p", "pp", "ch", "sec", "ave", "rd", "mt", "ft",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "u.a.e", "a.m", "p.m", "inc", "ltd", "co", "corp",
    "approx", "est", "dept", "univ", "adm", "brig", "cmdr", "hon", "rev", "sheikh",
}
_BOUNDARY = re.compile(r"(?<=[.!?؟…])['\")\]»]*\s+(?=['\"(«\[]?[A-Z0-9\u0621-\u064a])")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph; abbreviations ("U.S.", "Gen.", "No. 12") and initials do not end one."""
    sentences, start = [], 0
    for m in _BOUNDARY.finditer(paragraph):
        head = paragraph[start:m.start()].rstrip("'\")]»")
        word = re.search(r"([\w.]+)[.!?؟…]$", head)
        if word and head.endswith("."):
            token = word.group(1).lower()
            if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
                continue
        cut = m.start() + len(m.group(0).rstrip())
        sentences.append(paragraph[start:cut].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def sentence_key(text: str) -> str:
    """Two sentences with one key are the same sentence (case, spacing and punctuation aside)."""
    return re.sub(r"[\W_]+", "", text.casefold())


# --- the result -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cleaned:
    paragraphs: tuple[str, ...]
    removals: tuple[Removal, ...] = ()
    fixes: tuple[Fix, ...] = ()
    markers: tuple[Marker, ...] = ()   # sources/datelines found in the body, first one first

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(eq=False)  # units are compared by identity: two copies of a sentence are two units
class _Unit:
    """One sentence on its way through: where it came from and where it goes."""

    text: str
    line: int | None
    par_start: bool      # first sentence of a paragraph
    copy_start: bool     # a marker or tag says a new copy of the text starts here
    order: int = 0
    key: str = field(default="")


# --- 6. repeated text --------------------------------------------------------------------------------

def _copies(units: list[_Unit]) -> list[list[_Unit]]:
    """Split the sentence stream into copies: at markers, and wherever a sentence repeats
    one already in the current copy."""
    copies: list[list[_Unit]] = []
    current: list[_Unit] = []
    keys: set[str] = set()
    for unit in units:
        if current and (unit.copy_start or (unit.key and unit.key in keys)):
            copies.append(current)
            current, keys = [], set()
        current.append(unit)
        if unit.key:
            keys.add(unit.key)
    if current:
        copies.append(current)
    return copies


def _merge_copies(units: list[_Unit]) -> tuple[list[_Unit], list[tuple[_Unit, _Unit]], set[int]]:
    """(kept units in reading order, (dropped, kept twin) pairs, orders that gain a paragraph break)."""
    copies = _copies(units)
    base = max(copies, key=lambda c: (sum(1 for u in c if u.key), -c[0].order))
    merged = list(base)
    kept_by_key = {u.key: u for u in merged if u.key}
    dropped: list[tuple[_Unit, _Unit]] = []
    breaks: set[int] = set()
    front = 0  # where copies that come before the base and share nothing with it go
    for copy in copies:
        if copy is base:
            continue
        pending: list[_Unit] = []
        after: _Unit | None = None   # the kept unit the next new sentence goes after
        previous: _Unit | None = None
        for unit in copy:
            twin = kept_by_key.get(unit.key) if unit.key else None
            if twin is not None:
                dropped.append((unit, twin))
                # A paragraph break in the dropped copy between two sentences that are also
                # neighbours in the kept text is a break the kept copy lost: keep it.
                index = merged.index(twin)
                if unit.par_start and previous is not None and index > 0 and merged[index - 1] is previous:
                    breaks.add(twin.order)
                if pending:
                    merged[index:index] = pending
                    pending = []
                after = twin
                previous = twin
                continue
            if unit.key:
                kept_by_key[unit.key] = unit
            if after is None:
                pending.append(unit)
            else:
                index = merged.index(after) + 1
                merged.insert(index, unit)
                after = unit
            previous = unit
        if pending:
            if pending[0].order < base[0].order:
                merged[front:front] = pending
                front += len(pending)
            else:
                merged.extend(pending)
    return merged, dropped, breaks


# --- the whole step ------------------------------------------------------------------------------------

def _cut_inline(text: str, line: int | None, lede: bool, sources: Mapping[str, str],
                removals: list[Removal], markers: list[Marker]) -> list[tuple[str, bool]]:
    """A line as pieces (text, new copy starts here), aggregator tags and markers cut out."""
    pieces: list[tuple[str, bool]] = []
    pos, brk = 0, False
    for m in _AGGREGATOR_TAG.finditer(text):
        pieces.append((text[pos:m.start()], brk))
        removals.append(Removal(m.group(0), "aggregator tag", "credit line of a site that republished the text",
                                line))
        pos, brk = m.end(), True
    pieces.append((text[pos:], brk))

    out: list[tuple[str, bool]] = []
    for piece, brk in pieces:
        while piece.strip():
            piece, found = _take_leading_markers(piece, lede and not out, sources)
            for marker in found:
                markers.append(marker)
                removals.append(Removal(marker.text.strip(), "source marker",
                                        "source or dateline in front of a lede (kept in the front matter)", line))
            brk = brk or bool(found)
            cut = _mid_marker(piece)
            if cut is None:
                out.append((piece, brk))
                break
            out.append((piece[:cut], brk))
            piece, brk = piece[cut:], True
    return [(squash(p), b) for p, b in out if squash(p)]


def _take_leading_markers(text: str, lede: bool, sources: Mapping[str, str]) -> tuple[str, list[Marker]]:
    """text without the markers it starts with ("- Shafaq News/ ", "INA - BAGHDAD"), and those."""
    found: list[Marker] = []
    while True:
        stripped = re.sub(r"^[\s\-–—]+", "", text)
        marker = match_marker(stripped, sources, lede=lede)
        if marker is None:
            return text, found
        found.append(marker)
        text = stripped[len(marker.text):]


def _mid_marker(text: str) -> int | None:
    """Where a "- Source/ " marker starts right after the end of a sentence, if anywhere."""
    for start in slash_markers(text):
        if start == 0:
            continue
        head = text[:start].rstrip()
        dash = re.search(r"[\-–—]+$", head)
        if dash:
            head = head[:dash.start()].rstrip()
        if head and _SENTENCE_END.search(head):
            return len(head)
    return None


def _paragraphs(blocks: list[list[tuple[str, int, bool]]]) -> list[list[tuple[str, int, bool]]]:
    """Blank-line blocks to paragraphs: a line that ends a sentence ends a paragraph, a short
    line (a subheading) stands alone, other lines are hard-wrapped and joined to the next."""
    paragraphs = []
    for block in blocks:
        current: list[tuple[str, int, bool]] = []
        for text, line, copy_start in block:
            if current and copy_start:
                paragraphs.append(current)
                current = []
            current.append((text, line, copy_start))
            if _SENTENCE_END.search(text) or len(text) < 50:
                paragraphs.append(current)
                current = []
        if current:
            paragraphs.append(current)
    return paragraphs


MAX_PASSES = 4


def clean_body(text: str, *, title: str = "", first_line: int | None = 1,
               sources: Mapping[str, str] = DEFAULT_SOURCES, furniture: Furniture | None = None) -> Cleaned:
    """The cleaned body of an article, with what was removed and fixed and why.

    Cleaning repeats until nothing changes (usually once more, to confirm): removing a repeat
    can shorten a line until a rule recognises it, or bring a marker to the first paragraph.
    Later passes work on paragraphs, not file lines, so their removals carry no line number.
    """
    furniture = furniture or builtin_furniture()
    result = _clean_once(text, title, first_line, sources, furniture)
    for _ in range(MAX_PASSES - 1):
        again = _clean_once(result.text, title, None, sources, furniture)
        if again.text == result.text:
            break
        result = Cleaned(again.paragraphs, result.removals + again.removals, result.fixes + again.fixes,
                         result.markers + again.markers)
    return result


def _clean_once(text: str, title: str, first_line: int | None, sources: Mapping[str, str],
                furniture: Furniture) -> Cleaned:
    removals: list[Removal] = []
    fixes: list[Fix] = []
    markers: list[Marker] = []
    normalised = normalise_text(text)
    if normalised != text.replace("\r\n", "\n").replace("\r", "\n"):
        fixes.append(Fix("characters", "curly quotes, odd spaces or invisible characters",
                         "straight quotes and plain spaces"))

    blocks: list[list[tuple[str, int | None, bool]]] = [[]]
    for offset, raw_line in enumerate(normalised.split("\n")):
        line_no = None if first_line is None else first_line + offset
        line = squash(raw_line)
        if not line:
            blocks.append([])
            continue
        rule = furniture.line_rule(line)
        if rule:
            removals.append(Removal(line, rule[0], rule[1], line_no))
            blocks.append([])
            continue
        source_line = _SOURCE_LINE.match(line)
        if source_line:
            markers.append(Marker(resolve_source(source_line["src"], sources), "", line))
            removals.append(Removal(line, "source line", "source attribution (kept in the front matter)", line_no))
            blocks.append([])
            continue
        lede = not any(blocks)
        for piece, copy_start in _cut_inline(line, line_no, lede, sources, removals, markers):
            if copy_start:
                blocks.append([])
            blocks[-1].append((piece, line_no, copy_start))

    units: list[_Unit] = []
    title_key = sentence_key(title) if title else ""
    for paragraph in _paragraphs([b for b in blocks if b]):
        joined = " ".join(text for text, _, _ in paragraph)
        line = paragraph[0][1]
        if title_key and not units and sentence_key(joined) == title_key:
            removals.append(Removal(joined, "title repeated", "the headline repeated at the top of the body", line))
            continue
        joined, glue_fixes = split_glued(joined, line)
        fixes.extend(glue_fixes)
        joined, labels = furniture.cut_glued_labels(joined)
        removals += [Removal(label, rule, why, line) for label, rule, why in labels]
        if not joined:
            continue
        for i, sentence in enumerate(split_sentences(joined)):
            units.append(_Unit(sentence, line, par_start=i == 0, copy_start=i == 0 and paragraph[0][2],
                               order=len(units), key=sentence_key(sentence)))

    keys = [u.key for u in units if u.key]
    if len(keys) != len(set(keys)):
        units, dropped, breaks = _merge_copies(units)
        for unit, twin in sorted(dropped, key=lambda pair: pair[0].order):
            where = f"line {twin.line}" if twin.line is not None else "elsewhere"
            removals.append(Removal(unit.text, "repeated text", f"the same sentence is kept from {where}", unit.line))
        for unit in units:
            if unit.order in breaks:
                unit.par_start = True

    paragraphs: list[str] = []
    current: list[str] = []
    for unit in units:
        if unit.par_start and current:
            paragraphs.append(" ".join(current))
            current = []
        current.append(unit.text)
    if current:
        paragraphs.append(" ".join(current))
    return Cleaned(tuple(paragraphs), tuple(removals), tuple(fixes), tuple(markers))

"""Daily and weekly digests: the period's stories grouped by topic, ranked by coverage and recency.

A digest covers one local day ("2024-08-27") or one ISO week ("2024-W35", Monday to Sunday) in
the site's timezone, and exists for every period with at least one article. A story appears in
every digest whose period holds one of its articles, with only the articles of that period:
the daily digest of its second day shows the second day's reports. Each entry is filed under
one topic, the one most of its articles in the period carry (ties: the first report's order
of topics, then the name); a story without topics is filed under "Other".

Everything here is a pure function of the articles and the story index, so adding an article
changes exactly the digests of its day and its week (and, through its story, nothing else:
an entry lists only its own period's articles).
"""
from __future__ import annotations

import operator
from collections import Counter
from datetime import date, timedelta, tzinfo

from .core import Digest, DigestEntry, DigestGroup, StoryIndex, name_key
from .stories import StoryInput

OTHER = "Other"
KIND_ORDER = {"week": 0, "day": 1}


def day_key(day: date) -> str:
    return day.isoformat()


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _primary_topic(members: list[StoryInput]) -> str:
    """The topic most articles carry; ties by the first article's order of topics, then name."""
    counts: Counter = Counter()
    spelling: dict[str, str] = {}
    rank: dict[str, int] = {}
    for n, item in enumerate(members):
        for p, topic in enumerate(item.topics):
            key = name_key(topic)
            if not key or key in {name_key(t) for t in item.topics[:p]}:
                continue
            counts[key] += 1
            spelling.setdefault(key, topic)
            rank.setdefault(key, n * 1000 + p)
    if not counts:
        return OTHER
    key = min(counts, key=lambda k: (-counts[k], rank[k], k))
    return spelling[key]


def _entry(story_id: str, members: list[StoryInput]) -> DigestEntry:
    first = members[0]
    return DigestEntry(
        story_id=story_id, title=first.title, lede=first.lede, article_ids=tuple(m.id for m in members),
        sources=tuple(dict.fromkeys(m.source for m in members if m.source)),
        first_date=first.date, last_date=members[-1].date,
    )


def _rank(entry: DigestEntry) -> tuple:
    sources, articles = entry.coverage
    return (-sources, -articles, -entry.last_date.timestamp(), entry.story_id)


def build_digest(kind: str, key: str, start: date, end: date, items: list[StoryInput],
                 index: StoryIndex) -> Digest:
    """One digest from the articles of its period (any order)."""
    ordered = sorted(items, key=lambda a: (a.date.timestamp(), a.id))
    by_story: dict[str, list[StoryInput]] = {}
    for item in ordered:
        by_story.setdefault(index.story_of.get(item.id, item.id), []).append(item)
    groups: dict[str, list[DigestEntry]] = {}
    names: dict[str, str] = {}
    for story_id, members in by_story.items():
        topic = _primary_topic(members)
        k = name_key(topic)
        names.setdefault(k, topic)
        groups.setdefault(k, []).append(_entry(story_id, members))
    ranked = []
    for k, entries in groups.items():
        entries.sort(key=_rank)
        ranked.append(DigestGroup(names[k], tuple(entries)))
    # Groups in the order of their leading entries (the biggest story's topic first); "Other" last.
    ranked.sort(key=lambda g: (g.topic == OTHER, _rank(g.entries[0]), name_key(g.topic), g.topic))
    return Digest(kind, key, start, end, tuple(ranked), ordered[-1].date)


def build_digests(items: list[StoryInput], index: StoryIndex, tz: tzinfo, memo: dict | None = None) -> tuple[Digest, ...]:
    """Every daily and weekly digest, newest period end first; on the same end day the week
    comes before the day (a Sunday's weekly digest sums up the Sunday's too).

    `memo` (the live engine's, kept between builds) holds each digest with what it was made
    from; a period whose articles and stories are unchanged keeps its digest. Under None it
    holds each item's local day (by id, with the item it was read from) and the last call's
    items, index, timezone and result: the same items and index give the very same digests."""
    held = memo.get(None) if memo is not None else None
    if held is not None and held["tz"] != tz:
        held = None
    if (held is not None and held["index"] is index and len(held["items"]) == len(items)
            and all(map(operator.is_, held["items"], items))):
        return held["result"]
    known = held["local"] if held is not None else {}
    local_of: dict = {}
    days: dict[date, list[StoryInput]] = {}
    for item in items:
        found = known.get(item.id)
        if found is None or found[0] is not item:
            found = (item, item.date.astimezone(tz).date())
        local_of[item.id] = found
        days.setdefault(found[1], []).append(item)
    weeks: dict[date, list[StoryInput]] = {}
    for day in sorted(days):   # by day, each day's items in their order: as item by item
        weeks.setdefault(week_start(day), []).extend(days[day])
    made: dict = {}

    def digest(kind: str, key: str, start: date, end: date, members: list[StoryInput]) -> Digest:
        if memo is None:
            return build_digest(kind, key, start, end, members, index)
        inputs = (start, end, tuple(members), tuple(index.story_of.get(m.id) for m in members))
        found = memo.get((kind, key))
        if found is None or found[0] != inputs:
            found = (inputs, build_digest(kind, key, start, end, members, index))
        made[(kind, key)] = found
        return found[1]

    digests = [digest("day", day_key(d), d, d, members) for d, members in days.items()]
    digests += [digest("week", week_key(d), d, d + timedelta(days=6), members) for d, members in weeks.items()]
    digests.sort(key=lambda d: (-d.end.toordinal(), KIND_ORDER[d.kind], d.key))
    result = tuple(digests)
    if memo is not None:
        memo.clear()
        memo.update(made)
        memo[None] = {"tz": tz, "index": index, "items": tuple(items), "local": local_of, "result": result}
    return result

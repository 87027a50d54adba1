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
from itertools import compress
from datetime import date, timedelta, tzinfo

from .core import Digest, DigestEntry, DigestGroup, StoryIndex, id_of, name_key
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
    ordered = sorted(items, key=_when)
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


def _when(item: StoryInput) -> tuple:
    return item.date.timestamp(), item.id


def build_digests(items: list[StoryInput], index: StoryIndex, tz: tzinfo, memo: dict | None = None) -> tuple[Digest, ...]:
    """Every daily and weekly digest, newest period end first; on the same end day the week
    comes before the day (a Sunday's weekly digest sums up the Sunday's too).

    `memo` (the live engine's, kept between builds, under None) holds each period's items and
    digest with what it was made from, each item's local day (by id, with the item it was read
    from), and the last call's items, stories, timezone and result: the same items and index
    give the very same digests; otherwise only the periods of the items new, gone, another
    object or in another story are visited, the others' digests are the last ones."""
    if memo is None:
        days: dict[date, list[StoryInput]] = {}
        for item in items:
            days.setdefault(item.date.astimezone(tz).date(), []).append(item)
        weeks: dict[date, list[StoryInput]] = {}
        for day in sorted(days):   # by day, each day's items in their order: as item by item
            weeks.setdefault(week_start(day), []).extend(days[day])
        digests = [build_digest("day", day_key(d), d, d, members, index) for d, members in days.items()]
        digests += [build_digest("week", week_key(d), d, d + timedelta(days=6), members, index)
                    for d, members in weeks.items()]
        return _newest_first(digests)
    held = memo.get(None)
    if held is not None and held["tz"] != tz:
        held = None
    if (held is not None and held["index"] is index and len(held["items"]) == len(items)
            and all(map(operator.is_, held["items"], items))):
        return held["result"]
    ids = list(map(id_of, items))
    by_id = dict(zip(ids, items))
    if len(by_id) != len(ids):   # an id given twice (outside a build): nothing kept by id holds
        memo.clear()
        return build_digests(items, index, tz)
    if held is None:
        local, days, weeks, made = {}, {}, {}, {}
        changed, gone, moved = items, set(), set()
    else:
        local, days, weeks, made = (dict(held[part]) for part in ("local", "days", "weeks", "made"))
        before = held["by_id"]
        # The items not given as the very objects of the last call (C loops, not 10,000 Python steps).
        changed = list(compress(items, map(operator.not_, map(operator.is_, map(before.get, ids), items))))
        gone = before.keys() - by_id.keys()
        moved = set() if index is held["index"] else {aid for aid, _ in index.story_of.items() ^ held["story_of"].items()}
    dirty: set[date] = set()
    for aid in gone:
        dirty.add(local.pop(aid)[1])
    arrivals: dict[date, list[StoryInput]] = {}
    for item in changed:
        was = local.get(item.id)
        if was is not None:
            dirty.add(was[1])
        day = item.date.astimezone(tz).date()
        local[item.id] = (item, day)
        arrivals.setdefault(day, []).append(item)
        dirty.add(day)
    dirty.update(local[aid][1] for aid in moved if aid in local)
    out = gone | {item.id for item in changed}
    for day in dirty:   # each day's items sorted by time: the same items give the same list
        members = [m for m in days.get(day, ()) if m.id not in out] + arrivals.get(day, [])
        members.sort(key=_when)
        if members:
            days[day] = members
        else:
            days.pop(day, None)
    dirty_weeks = {week_start(day) for day in dirty}
    for start in dirty_weeks:
        members = [m for n in range(7) for m in days.get(start + timedelta(days=n), ())]
        if members:
            weeks[start] = members
        else:
            weeks.pop(start, None)
    for kind, periods, length, starts in (("day", days, 0, dirty), ("week", weeks, 6, dirty_weeks)):
        for start in starts:
            found = made.pop((kind, start), None)
            members = periods.get(start)
            if members is None:
                continue
            inputs = (tuple(members), tuple(index.story_of.get(m.id) for m in members))
            if found is None or found[0] != inputs:
                key = day_key(start) if kind == "day" else week_key(start)
                found = (inputs, build_digest(kind, key, start, start + timedelta(days=length), members, index))
            made[(kind, start)] = found
    result = _newest_first([entry[1] for entry in made.values()])
    memo.clear()
    memo[None] = {"tz": tz, "index": index, "items": tuple(items), "by_id": by_id, "story_of": dict(index.story_of),
                  "local": local, "days": days, "weeks": weeks, "made": made, "result": result}
    return result


def _newest_first(digests: list[Digest]) -> tuple[Digest, ...]:
    digests.sort(key=lambda d: (-d.end.toordinal(), KIND_ORDER[d.kind], d.key))
    return tuple(digests)



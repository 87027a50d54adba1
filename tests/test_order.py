"""newsdigest.order: sorted sequences kept by the live engine (the site's articles, the search
entries, the sitemap's pages), and the plans that use them, against sorting afresh."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from newsdigest.order import KeptOrder
from newsdigest.search import Entry, plan_shards


def test_a_kept_order_brought_up_to_date_by_bisection_is_what_sorting_afresh_gives():
    """Random adds, removals, items replaced by another object with another key, and repeats of
    the same items (the very tuple of the last call); names that collide fall back to a sort."""
    rng = random.Random(16)
    order, told = KeptOrder(), KeptOrder()   # told: given the items that changed, as a caller that knows them
    items: dict[str, tuple] = {f"n{i}": (rng.randint(0, 50), f"n{i}") for i in range(200)}
    for step in range(300):
        op = rng.choice(["add", "remove", "rekey", "same", "many"])
        if op == "add":
            name = f"a{step}"
            items[name] = (rng.randint(0, 50), name)
        elif op == "remove" and len(items) > 5:
            for name in rng.sample(sorted(items), rng.randint(1, 3)):
                del items[name]
        elif op == "rekey":
            name = rng.choice(sorted(items))
            items[name] = (rng.randint(0, 50), name)
        elif op == "many":   # past an eighth of the items: sorted whole
            for name in rng.sample(sorted(items), len(items) // 4):
                items[name] = (rng.randint(0, 50), name)
        now = list(items.values())
        rng.shuffle(now)
        last = order.items
        kept = order.sort(now, lambda item: item[1], lambda item: item)
        assert list(kept) == sorted(now), (step, op)
        was_told = {item[1]: item for item in told.items}
        assert told.sort(now, lambda item: item[1], lambda item: item,
                         [item for item in now if was_told.get(item[1]) is not item]) == kept, (step, op)
        if op == "same":
            assert kept is last
        # What changed from the last tuple, as consumers of the order read it (KeptOrder.since).
        was, new = {item[1]: item for item in last}, {item[1]: item for item in kept}
        delta = order.since(last)
        if op in ("add", "remove", "rekey", "same") and last:   # a few items: found without sorting whole
            assert delta is not None, (step, op)
        if delta is not None:
            assert delta == ({n for n, item in new.items() if was.get(n) is not item}, was.keys() - new.keys()), (step, op)
        assert order.since(kept) == (set(), set())
        assert order.since(tuple(list(kept))) is None or not kept   # another tuple: not known
    twins = [(1, "x"), (0, "x")]   # one name twice: what sorted() gives, nothing kept
    assert order.sort(twins, lambda item: item[1], lambda item: item) == tuple(sorted(twins))
    assert order.items == ()


def test_search_shards_planned_with_the_engines_memo_are_those_planned_afresh():
    """plan_shards with its memo (entries kept in date order, each one's local day) through
    adds at the recent end, deletes and re-dated entries (the same id, another entry)."""
    rng = random.Random(17)
    tz = ZoneInfo("Asia/Baghdad")
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)

    def entry(n: int, minutes: int) -> Entry:
        return Entry(start + timedelta(minutes=minutes), f"id-{n:04d}", f"articles/{n}/index.html")
    entries = {n: entry(n, rng.randint(0, 400 * 24 * 60)) for n in range(600)}
    memo: dict = {}
    newest = max(e.date for e in entries.values())
    for step in range(60):
        op = rng.choice(["add", "add", "delete", "redate", "same"])
        if op == "add":
            newest += timedelta(minutes=rng.randint(1, 600))
            entries[1000 + step] = Entry(newest, f"id-{1000 + step:04d}", f"articles/{1000 + step}/index.html")
        elif op == "delete":
            del entries[rng.choice(sorted(entries))]
        elif op == "redate":
            n = rng.choice(sorted(entries))
            entries[n] = replace(entries[n], date=entries[n].date + timedelta(days=rng.randint(-40, 40)))
        now = list(entries.values())
        rng.shuffle(now)
        assert plan_shards(now, tz, 60, 20, 5, memo=memo) == plan_shards(now, tz, 60, 20, 5), (step, op)

"""Sorted sequences the live engine keeps from one build to the next.

A build sorts the site's articles (and their search entries, and the pages of the sitemap) by a
key that never changes while the item is the same object. Sorting 10,000 of them again costs
tens of milliseconds a build; a change adds, removes or replaces a few, which bisection puts in
place. The result is what sorted() gives: the keys are unique, so there are no ties to order.
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Callable, Hashable, Sequence


class KeptOrder:
    """Items sorted by `key`, as the last call sorted them, with each one's key by its name
    (`name`: an article's id, a page's path) and the item it was read from. `name` is called
    for every item each time: a C function (operator.attrgetter) where there are 10,000."""

    def __init__(self) -> None:
        self.items: tuple = ()
        self.keys: list = []                 # the keys of `items`, in their order
        self.key_of: dict = {}               # name -> (item, its key)

    def sort(self, items: Sequence, name: Callable[[object], Hashable], key: Callable[[object], object]) -> tuple:
        """tuple(sorted(items, key=key)); the very tuple of the last call for the same items.
        `key` must give distinct values to distinct names (else the whole is sorted afresh)."""
        key_of = self.key_of
        changed = [item for item in items if (entry := key_of.get(name(item))) is None or entry[0] is not item]
        if not changed and len(key_of) == len(items):
            return self.items
        if len(changed) * 8 > len(items) or len(key_of) > 2 * len(items):   # sorted whole: cheaper
            made = sorted(((key(item), item) for item in items), key=lambda pair: pair[0])
            order, keys = [item for _, item in made], [k for k, _ in made]
            key_of = {name(item): (item, k) for k, item in made}
            if len(set(keys)) != len(keys):   # ties: kept in the order given, which bisection cannot know
                return self._afresh(items, key)
        else:
            order, keys, key_of = list(self.items), list(self.keys), dict(key_of)
            out = [key_of.pop(name(item))[1] for item in changed if name(item) in key_of]
            if len(key_of) + len(changed) != len(items):   # items gone
                names = {name(item) for item in items}
                out += [key_of.pop(n)[1] for n in [n for n in key_of if n not in names]]
            for k in out:
                at = bisect_left(keys, k)
                del keys[at], order[at]
            for item in changed:
                k = key(item)
                at = bisect_left(keys, k)
                if at < len(keys) and keys[at] == k:   # two items with one key: sorted() keeps both
                    return self._afresh(items, key)
                keys.insert(at, k)
                order.insert(at, item)
                key_of[name(item)] = (item, k)
        if len(key_of) != len(order):   # two items with one name
            return self._afresh(items, key)
        self.items, self.keys, self.key_of = tuple(order), keys, key_of
        return self.items

    def _afresh(self, items: Sequence, key: Callable) -> tuple:
        self.__init__()   # nothing kept: the next call sorts afresh too
        return tuple(sorted(items, key=key))

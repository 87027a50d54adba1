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
    for every item unless sort() is told which items changed: a C function
    (operator.attrgetter) where there are 10,000."""

    def __init__(self) -> None:
        self.items: tuple = ()
        self.keys: list = []                 # the keys of `items`, in their order
        self.key_of: dict = {}               # name -> (item, its key)
        # (the tuple the last call but one returned, the names new or of another item since, the
        # names gone since) when the last call found them without sorting whole: since()
        self.delta: tuple | None = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "delta": None}   # a copy's tuples are other objects: since() finds none

    def since(self, items: tuple) -> tuple[set, set] | None:
        """(the names new or of another item, the names gone) from `items` (a tuple an earlier
        call returned) to the last call's tuple; None when not known (then compare whole)."""
        if items is self.items:
            return set(), set()
        if self.delta is not None and self.delta[0] is items:
            return set(self.delta[1]), set(self.delta[2])
        return None

    def sort(self, items: Sequence, name: Callable[[object], Hashable], key: Callable[[object], object],
             changed: list | None = None) -> tuple:
        """tuple(sorted(items, key=key)); the very tuple of the last call for the same items.
        `key` must give distinct values to distinct names (else the whole is sorted afresh).
        `changed`, when the caller knows it: the items new or another object since the last call
        (then they are not looked for among all the items)."""
        key_of = self.key_of
        if changed is None:
            changed = [item for item in items if (entry := key_of.get(name(item))) is None or entry[0] is not item]
        if not changed and len(key_of) == len(items):
            return self.items
        previous, self.delta = self.items, None   # until this call is done
        if len(changed) * 8 > len(items) or len(key_of) > 2 * len(items):   # sorted whole: cheaper
            made = sorted(((key(item), item) for item in items), key=lambda pair: pair[0])
            order, keys = [item for _, item in made], [k for k, _ in made]
            key_of = {name(item): (item, k) for k, item in made}
            if len(set(keys)) != len(keys):   # ties: kept in the order given, which bisection cannot know
                return self._afresh(items, key)
            delta = None
        else:
            order, keys, key_of = list(self.items), list(self.keys), dict(key_of)
            out = [key_of.pop(name(item))[1] for item in changed if name(item) in key_of]
            gone = []
            if len(key_of) + len(changed) != len(items):   # items gone
                names = {name(item) for item in items}
                gone = [n for n in key_of if n not in names]
                out += [key_of.pop(n)[1] for n in gone]
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
            delta = (previous, frozenset(map(name, changed)), frozenset(gone))
        if len(key_of) != len(order):   # two items with one name
            return self._afresh(items, key)
        self.items, self.keys, self.key_of, self.delta = tuple(order), keys, key_of, delta
        return self.items

    def _afresh(self, items: Sequence, key: Callable) -> tuple:
        self.__init__()   # nothing kept: the next call sorts afresh too
        return tuple(sorted(items, key=key))


class Changed(list):
    """A list of articles (named by id) that says what changed since the list the same stage
    returned last: `since` is (that list, the articles new or another object since, the ids
    gone), or None when not known. A stage that kept something per article from that very list
    then visits only these, not 10,000 articles to find them. The stage making the next list
    clears the last one's: a chain of lists is never held."""

    since: tuple | None = None

    def __reduce__(self):
        return Changed, (list(self),)   # a copy (snapshot.py) is another list: it says nothing changed since


def changed(items, last) -> tuple[list, set] | None:
    """(the articles new or another object, the ids gone) from `last` to `items`, when `items`
    says so (a Changed made from that very list); None when not known: compare whole."""
    since = getattr(items, "since", None)
    if since is None or last is None or since[0] is not last:
        return None
    return since[1], since[2]


def follow(items: list, last, new: list, gone) -> Changed:
    """`items` as a Changed list made from `last` (the list this stage returned last, or None),
    with `new` (the articles new or another object) and the ids `gone`."""
    made = Changed(items)
    if isinstance(last, Changed):
        last.since = None
    if last is not None:
        made.since = (last, new, set(gone))
    return made

"""Disjoint sets (union-find): the groups that pairwise links make, for stories and for actors."""
from __future__ import annotations

from typing import Callable, Hashable, Iterable


class DisjointSets:
    """Keys joined into groups. `keep(a, b)` says which of two roots stays the root when their
    groups join (stories: the oldest article; actors: a gazetteer entry), so a group's root is
    chosen by the data, never by the order of the unions."""

    def __init__(self, keys: Iterable[Hashable] = (), keep: Callable[[Hashable, Hashable], Hashable] = min):
        self.parent: dict = {key: key for key in keys}   # a key given twice keeps its first place
        self._keep = keep

    def add(self, key: Hashable) -> None:
        self.parent.setdefault(key, key)

    def find(self, key: Hashable) -> Hashable:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:     # every key on the way now points at the root
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: Hashable, b: Hashable) -> bool:
        """Join the groups of a and b; False if they were one group already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        root = self._keep(ra, rb)
        self.parent[rb if root == ra else ra] = root
        return True

    def groups(self) -> list[list[Hashable]]:
        """Every group, its members in the order they were added; groups in the order of their first member."""
        found: dict = {}
        for key in self.parent:
            found.setdefault(self.find(key), []).append(key)
        return list(found.values())

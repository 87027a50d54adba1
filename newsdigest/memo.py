"""Derived values memoised on frozen dataclasses (lookup tables built on first use)."""
from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")


def memoized(obj: object, key: str, compute: Callable[[], T]) -> T:
    """compute() once per object and key; the frozen object's fields are never changed."""
    cache = obj.__dict__.get("_memo")
    if cache is None:
        cache = {}
        object.__setattr__(obj, "_memo", cache)
    if key not in cache:
        cache[key] = compute()
    return cache[key]

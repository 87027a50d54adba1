"""Progress for long builds and ingests: a bar on an interactive terminal, silence elsewhere.

Nothing is drawn when stderr is not a terminal (piped, redirected, CI) or when CI is set, so
logs stay one summary line per run.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager

MIN_ITEMS = 200  # shorter work finishes before a bar would be worth drawing


def interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress(total: int, what: str):
    """A callable advance(n) for `total` items of work called `what`."""
    if total < MIN_ITEMS or not interactive():
        yield lambda n=1: None
        return
    from tqdm import tqdm
    with tqdm(total=total, desc=what, unit=" items", leave=False, file=sys.stderr, dynamic_ncols=True) as bar:
        yield bar.update


class Timings:
    """Wall seconds per stage of one build, for `build --timings` and bench/build_profile.py."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

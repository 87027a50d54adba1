"""Precision and recall, the one way every quality measure counts them."""
from __future__ import annotations


class Score:
    """Micro-averaged counts over items (articles, pairs), with the items that were wrong."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.errors: list[tuple[str, list, list]] = []   # (item, found but wrong, missed)

    @classmethod
    def of(cls, item: str, got: set, want: set) -> "Score":
        score = cls()
        score.add(item, got, want)
        return score

    def add(self, item: str, got: set, want: set) -> None:
        self.tp, self.fp, self.fn = self.tp + len(got & want), self.fp + len(got - want), self.fn + len(want - got)
        if got != want:
            self.errors.append((item, sorted(got - want), sorted(want - got)))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def line(self) -> str:
        precision = f"{self.precision:.3f}" if self.tp + self.fp else "n/a (nothing found)"
        return f"precision {precision}, recall {self.recall:.3f} (tp {self.tp}, fp {self.fp}, fn {self.fn})"

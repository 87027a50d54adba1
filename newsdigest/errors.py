"""Problems a user can act on: each names the file (and line), what is wrong and what to do."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    hint: str = ""
    line: int | None = None
    level: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = f"{where}: {self.level}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class NewsdigestError(Exception):
    """A failure that stops the current step; carries the problem(s) to print."""

    def __init__(self, *problems: Problem):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def __reduce__(self):  # keep the problems when raised in a worker process
        return (NewsdigestError, self.problems)


@dataclass
class Report:
    """Collects problems during one run; printed as they come, counted at the end."""

    stream: object = field(default_factory=lambda: sys.stderr)
    problems: list[Problem] = field(default_factory=list)
    quiet: bool = False

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        if not self.quiet:
            print(problem, file=self.stream)

    def extend(self, problems) -> None:
        for p in problems:
            self.add(p)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def display_path(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the site root when inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)

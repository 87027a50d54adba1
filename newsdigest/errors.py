"""Problems a user can act on: each names the file (and line), what is wrong and what to do."""
from __future__ import annotations

import re
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
        path = printable(self.path)
        where = path if self.line is None else f"{path}:{self.line}"
        text = f"{where}: {self.level}: {printable(self.message)}"
        if self.hint:
            text += f" ({printable(self.hint)})"
        return text


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def printable(text: str) -> str:
    """Text for one report line: a newline (or any control character) in a file name shows as
    an escape such as \\n, so each problem stays on one line."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))


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
        return printable(str(path.resolve().relative_to(root.resolve())))
    except ValueError:
        return printable(str(path))

"""The one exception family sovcheck raises for problems a user can fix.

Each problem carries the file, line and column it is about (1-based, as editors show
them). The CLI turns them into ``file:line:column: message`` lines and exit code 2, in
exactly one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A position in an input file; line and column start at 1."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at a place."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class SovcheckError(Exception):
    """Base of every error sovcheck reports to a user (exit code 2)."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            self.problems: tuple[Problem, ...] = ()
            self.text = problems
        else:
            self.problems = tuple(sorted(set(problems), key=_problem_order))
            self.text = "\n".join(str(p) for p in self.problems)
        super().__init__(self.text)

    def lines(self) -> list[str]:
        return self.text.splitlines()


class InputError(SovcheckError):
    """An inventory, rubric, catalog or BOM file cannot be read or is not valid."""


class UsageError(SovcheckError):
    """The command line asks for something that cannot be done."""


def _problem_order(p: Problem) -> tuple[str, int, int, str]:
    return (p.location.file, p.location.line, p.location.column, p.message)


def raise_if_any(problems: Iterable[Problem]) -> None:
    found = list(problems)
    if found:
        raise InputError(found)

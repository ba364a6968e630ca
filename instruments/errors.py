"""The one error an instrument file can raise, listing every problem found in it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an instrument file.

    ``item`` is the id of the item the problem is in; problems elsewhere (a scale, a
    construct) name their place at the start of ``message``.
    """

    file: str
    item: str | None
    message: str

    def __str__(self) -> str:
        if self.item is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}: item {self.item!r}: {self.message}"


class InstrumentError(ValueError):
    """An instrument file or frozen instrument that does not follow the format."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

"""The one error an instrument file can raise, listing every problem found in it."""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: A value quoted in a problem: enough to recognise it, never a megabyte of it.
_QUOTE = reprlib.Repr()
_QUOTE.maxstring = _QUOTE.maxother = 60
_QUOTE.maxlevel, _QUOTE.maxlist, _QUOTE.maxdict = 2, 4, 4
#: A problem message stays readable whatever the file holds.
MAX_MESSAGE = 500


def shown(value: Any) -> str:
    """`repr(value)`, shortened: for quoting what a file holds in a problem."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"a number with {int(abs(value).bit_length() * 0.30103) + 1} digits"
    try:
        return _QUOTE.repr(value)
    except ValueError:  # an int too long for str() deep inside a list or mapping
        return f"a {type(value).__name__}"


def shortened(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    return message[: MAX_MESSAGE - 1] + "…"


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

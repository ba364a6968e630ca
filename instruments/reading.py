"""The one way to read a (frozen) instrument version: texts in a language, and the scored
constructs with their choice items, reverse keys and answer options.

The pupil tablet, the dashboards and the analysis all read an instrument through these, so
they agree on which items a construct has, which way they point, and which text a reader
gets when their language is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from instruments.model import Instrument, ScalePoint

#: The language every instrument is written in first (bokmål), the fallback for readers.
FALLBACK_LANGUAGE = "nb"


def text_in(
    texts: Mapping[str, str] | None,
    language: str,
    default: str = "",
    *,
    fallback: str = FALLBACK_LANGUAGE,
) -> str:
    """The text in `language`, else in `fallback`, else in any language, else `default`."""
    if not texts:
        return default
    return texts.get(language) or texts.get(fallback) or next(iter(texts.values()))


@dataclass(frozen=True)
class ItemInfo:
    """A choice item as a reader needs it: its text, keying and answer options."""

    id: str
    text: Mapping[str, str]
    reverse: bool
    options: tuple[ScalePoint, ...]
    #: A high answer is good: the construct's direction, flipped for a reverse-keyed item.
    high_is_good: bool


@dataclass(frozen=True)
class ConstructInfo:
    """A scored construct: its label, direction and choice items, in questionnaire order."""

    id: str
    label: Mapping[str, str]
    higher_is_better: bool
    items: tuple[ItemInfo, ...] = ()

    def name(self, language: str) -> str:
        return text_in(self.label, language, self.id)

    @property
    def scale_min(self) -> int:
        return min(option.value for option in self.items[0].options)

    @property
    def scale_max(self) -> int:
        return max(option.value for option in self.items[0].options)


def constructs_of(instrument: Instrument) -> dict[str, ConstructInfo]:
    """The instrument's constructs that have choice items (the ones a score exists for)."""
    result = {}
    for construct_id, construct in instrument.constructs.items():
        better = construct.higher_is_better
        items = tuple(
            ItemInfo(
                id=item.id,
                text=item.text,
                reverse=item.reverse,
                options=instrument.scale_of(item).points,
                high_is_good=better != item.reverse,
            )
            for item in instrument.items_in(construct_id)
            if item.is_choice
        )
        if items:
            result[construct_id] = ConstructInfo(construct_id, construct.label, better, items)
    return result

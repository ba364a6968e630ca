"""An instrument as phone pages: one construct per page, free-text questions last."""

from __future__ import annotations

from dataclasses import dataclass

from instruments import Instrument, Item


@dataclass(frozen=True)
class Page:
    number: int
    #: None for the closing page of free-text questions.
    construct: str | None
    items: tuple[Item, ...]


def pages_of(instrument: Instrument) -> list[Page]:
    pages: list[Page] = []
    for construct in instrument.constructs:
        items = instrument.items_in(construct)
        if items:
            pages.append(Page(len(pages) + 1, construct, items))
    loose = tuple(item for item in instrument.items if item.construct is None)
    if loose:
        pages.append(Page(len(pages) + 1, None, loose))
    return pages


def offered_languages(instrument: Instrument, project_languages: list[str]) -> list[str]:
    """The project's chosen languages that the instrument has; its own default if none."""
    offered = [code for code in project_languages if code in instrument.languages]
    return offered or [instrument.default_language]

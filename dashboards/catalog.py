"""What the charts call things: constructs, items and answer options, from the frozen
instrument versions a project's rounds asked, read through `instruments.reading`, in the
reader's language with bokmål as the fallback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from instruments import Instrument
from instruments.reading import ConstructInfo, constructs_of


@dataclass(frozen=True)
class Catalog:
    """Constructs per respondent type, in questionnaire order (latest version wins)."""

    constructs: dict[str, dict[str, ConstructInfo]] = field(default_factory=dict)

    def construct(self, respondent_type: str, construct_id: str) -> ConstructInfo:
        found = self.constructs.get(respondent_type, {}).get(construct_id)
        if found is not None:
            return found
        for by_id in self.constructs.values():
            if construct_id in by_id:
                return by_id[construct_id]
        return ConstructInfo(construct_id, {}, True)

    def order(self, respondent_type: str) -> list[str]:
        return list(self.constructs.get(respondent_type, {}))


def catalog_of(instruments: Iterable[Instrument]) -> Catalog:
    """The catalog of instrument versions, oldest first (a later version's texts win)."""
    constructs: dict[str, dict[str, ConstructInfo]] = {}
    for instrument in instruments:
        by_id = constructs.setdefault(instrument.respondent_type, {})
        for construct_id, info in constructs_of(instrument).items():
            by_id.pop(construct_id, None)
            by_id[construct_id] = info
    return Catalog(constructs)

"""What the charts call things: constructs, items and answer options, from the frozen
instrument versions a project's rounds asked (their JSON in the file format), in the reader's
language with bokmål as the fallback."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

FALLBACK_LANGUAGE = "nb"


def text_in(texts: Mapping[str, str] | None, language: str, default: str = "") -> str:
    if not texts:
        return default
    return texts.get(language) or texts.get(FALLBACK_LANGUAGE) or next(iter(texts.values()))


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: Mapping[str, str]


@dataclass(frozen=True)
class ItemInfo:
    id: str
    text: Mapping[str, str]
    reverse: bool
    options: tuple[AnswerOption, ...]
    #: A high answer is good: the construct's direction, flipped for a reverse-keyed item.
    high_is_good: bool


@dataclass(frozen=True)
class ConstructInfo:
    id: str
    label: Mapping[str, str]
    higher_is_better: bool
    items: tuple[ItemInfo, ...] = ()

    def name(self, language: str) -> str:
        return text_in(self.label, language, self.id)


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


def catalog_from_contents(contents: Iterable[tuple[str, Mapping[str, Any]]]) -> Catalog:
    """`contents`: (respondent type, frozen instrument JSON), oldest version first."""
    constructs: dict[str, dict[str, ConstructInfo]] = {}
    for respondent_type, content in contents:
        by_id = constructs.setdefault(respondent_type, {})
        for construct_id, info in _constructs(content).items():
            by_id.pop(construct_id, None)
            by_id[construct_id] = info
    return Catalog(constructs)


def _constructs(content: Mapping[str, Any]) -> dict[str, ConstructInfo]:
    scales = content.get("scales", {})
    result = {}
    for construct_id, construct in content.get("constructs", {}).items():
        better = construct.get("direction", "higher_is_better") == "higher_is_better"
        items = tuple(
            ItemInfo(
                id=item["id"],
                text=item.get("text") or {},
                reverse=bool(item.get("reverse", False)),
                options=tuple(
                    AnswerOption(int(point["value"]), point.get("label") or {})
                    for point in scales.get(item.get("scale"), {}).get("points", [])
                ),
                high_is_good=better != bool(item.get("reverse", False)),
            )
            for item in content.get("items", [])
            if item.get("construct") == construct_id and item.get("kind") == "choice"
        )
        if items:
            result[construct_id] = ConstructInfo(
                construct_id, construct.get("label") or {}, better, items
            )
    return result

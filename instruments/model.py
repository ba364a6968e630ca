"""Immutable model of a questionnaire version: scales, constructs and items.

Instruments are shared between requests (the bundled ones are cached), so every
part is frozen, mappings included.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from instruments.metadata import Change, Translation, original_status, unreviewed_status

RESPONDENT_TYPES: tuple[str, ...] = ("pupil", "parent", "staff")
SCALE_KINDS: tuple[str, ...] = ("smileys", "agreement", "frequency", "yes_no")
DIRECTIONS: tuple[str, ...] = ("higher_is_better", "higher_is_worse")
ITEM_KINDS: tuple[str, ...] = ("choice", "text")

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """A read-only, hashable mapping that keeps insertion order and equals any equal mapping."""

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._data: dict[K, V] = dict(data)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


def _freeze(instance: object, name: str, value: Mapping[Any, Any] | None) -> None:
    if value is not None and not isinstance(value, FrozenMap):
        object.__setattr__(instance, name, FrozenMap(value))


def _plain(texts: Mapping[str, str] | None) -> dict[str, str] | None:
    return None if texts is None else dict(texts)


@dataclass(frozen=True)
class ScalePoint:
    """One answer option: the stored value and what the respondent sees."""

    value: int
    label: Mapping[str, str]

    def __post_init__(self) -> None:
        _freeze(self, "label", self.label)


@dataclass(frozen=True)
class Scale:
    """Ordered answer options with values 1..n, optionally with a way to decline."""

    id: str
    kind: str
    points: tuple[ScalePoint, ...]
    decline_label: Mapping[str, str] | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple(self.points))
        _freeze(self, "decline_label", self.decline_label)

    @property
    def min_value(self) -> int:
        return min(point.value for point in self.points)

    @property
    def max_value(self) -> int:
        return max(point.value for point in self.points)

    @property
    def allows_decline(self) -> bool:
        return self.decline_label is not None

    def has_value(self, value: int) -> bool:
        """Whether ``value`` is one of the points; booleans are not answers."""
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and any(point.value == value for point in self.points)
        )


@dataclass(frozen=True)
class Construct:
    """A measure (trivsel, konflikt, ...) scored from its items."""

    id: str
    label: Mapping[str, str]
    direction: str
    description: str | None
    #: Why the construct has no reverse-keyed item, when it has none (e.g. knowing someone).
    no_reverse_reason: str | None = None
    #: A message for the respondent after a sensitive construct («snakk med en voksen …»).
    support: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        _freeze(self, "label", self.label)
        _freeze(self, "support", self.support)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher_is_better"

    @property
    def higher_is_worse(self) -> bool:
        return self.direction == "higher_is_worse"


@dataclass(frozen=True)
class Item:
    """One question. ``reverse`` means agreeing points against the construct's direction."""

    id: str
    construct: str | None
    kind: str
    scale: str | None
    reverse: bool
    text: Mapping[str, str]
    help: Mapping[str, str] | None

    def __post_init__(self) -> None:
        _freeze(self, "text", self.text)
        _freeze(self, "help", self.help)

    @property
    def is_choice(self) -> bool:
        return self.kind == "choice"


@dataclass(frozen=True)
class Instrument:
    """One version of a questionnaire for one respondent type."""

    id: str
    version: int
    respondent_type: str
    title: Mapping[str, str]
    intro: Mapping[str, str] | None
    languages: tuple[str, ...]
    scales: Mapping[str, Scale]
    constructs: Mapping[str, Construct]
    items: tuple[Item, ...]
    translations: Mapping[str, Translation] = FrozenMap()
    changelog: tuple[Change, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", tuple(self.languages))
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "changelog", tuple(self.changelog))
        for name in ("title", "intro", "scales", "constructs", "translations"):
            _freeze(self, name, getattr(self, name))

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def translation(self, language: str) -> Translation:
        """How far ``language``'s texts can be trusted.

        A file without statuses counts its default language as the original and any other
        language as not reviewed.
        """
        if language not in self.languages:
            raise KeyError(f"instrument {self.id!r} is not written in {language!r}")
        if language in self.translations:
            return self.translations[language]
        if not self.translations and language == self.default_language:
            return original_status(language)
        return unreviewed_status(language)

    def support_messages(self, language: str) -> list[str]:
        """The support messages of the constructs that have one, in the respondent's language
        (the instrument's default language where it has none), in questionnaire order."""
        return [
            construct.support.get(language) or construct.support[self.default_language]
            for construct in self.constructs.values()
            if construct.support
        ]

    def change_in(self, version: int) -> Change | None:
        """The changelog entry of ``version``, if the file has one."""
        return next((change for change in self.changelog if change.version == version), None)

    @cached_property
    def _items_by_id(self) -> Mapping[str, Item]:
        return {item.id: item for item in self.items}

    def items_in(self, construct_id: str) -> tuple[Item, ...]:
        """The items that measure a construct, in questionnaire order."""
        if construct_id not in self.constructs:
            raise KeyError(f"instrument {self.id!r} has no construct {construct_id!r}")
        return tuple(item for item in self.items if item.construct == construct_id)

    def item(self, item_id: str) -> Item:
        try:
            return self._items_by_id[item_id]
        except KeyError:
            raise KeyError(f"instrument {self.id!r} has no item {item_id!r}") from None

    def scale_of(self, item: Item | str) -> Scale:
        """The answer scale of a choice item; free-text items have none."""
        found = self.item(item) if isinstance(item, str) else item
        if found.scale is None:
            raise ValueError(f"item {found.id!r} is free text and has no scale")
        return self.scales[found.scale]

    def is_valid_value(self, item_id: str, value: int) -> bool:
        """Whether ``value`` is an answer option of the item (declining is not a value)."""
        found = self._items_by_id.get(item_id)
        if found is None or found.scale is None:
            return False
        return self.scales[found.scale].has_value(value)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data in the file format, every default spelled out.

        Keys added to the format later (translation status, changelog, a construct's
        ``no_reverse_reason``) appear only when set, so versions frozen before they existed
        keep their JSON and content hash.
        """
        data = self._core_json()
        if self.translations:
            data["translations"] = {
                status.language: {
                    "reviewed": status.reviewed,
                    "note": status.note,
                    "direction": status.direction,
                }
                for status in self.translations.values()
            }
        if self.changelog:
            data["changelog"] = [
                {"version": c.version, "notes": list(c.notes), "reworded": list(c.reworded)}
                for c in self.changelog
            ]
        for construct in self.constructs.values():
            if construct.no_reverse_reason is not None:
                entry = data["constructs"][construct.id]
                entry["no_reverse_reason"] = construct.no_reverse_reason
            if construct.support is not None:
                data["constructs"][construct.id]["support"] = _plain(construct.support)
        return data

    def _core_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "respondent_type": self.respondent_type,
            "title": _plain(self.title),
            "intro": _plain(self.intro),
            "languages": list(self.languages),
            "scales": {
                scale.id: {
                    "kind": scale.kind,
                    "points": [
                        {"value": point.value, "label": _plain(point.label)}
                        for point in scale.points
                    ],
                    "decline": _plain(scale.decline_label),
                }
                for scale in self.scales.values()
            },
            "constructs": {
                construct.id: {
                    "label": _plain(construct.label),
                    "direction": construct.direction,
                    "description": construct.description,
                }
                for construct in self.constructs.values()
            },
            "items": [
                {
                    "id": item.id,
                    "construct": item.construct,
                    "kind": item.kind,
                    "scale": item.scale,
                    "reverse": item.reverse,
                    "text": _plain(item.text),
                    "help": _plain(item.help),
                }
                for item in self.items
            ],
        }

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the canonical JSON: equal content, equal hash."""
        canonical = json.dumps(
            self.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

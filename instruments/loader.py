"""Load instruments from YAML files or frozen JSON, refusing anything that breaks the format."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from instruments.errors import InstrumentError, Problem, shortened, shown
from instruments.metadata import Change, Translation
from instruments.model import Construct, Instrument, Item, Scale, ScalePoint
from instruments.validation import find_problems

__all__ = [
    "DATA_DIR",
    "InstrumentError",
    "Problem",
    "bundled_instrument",
    "bundled_instruments",
    "instrument_from_json",
    "load_instrument",
    "load_instrument_data",
]

DATA_DIR = Path(__file__).with_name("data")
#: Deeper than this a file is not an instrument (the format itself needs six levels).
MAX_DEPTH = 32
#: Values a file may hold once its aliases are followed: far more than any instrument, far
#: fewer than the 10**9 of a "billion laughs" file, which would exhaust the memory.
MAX_VALUES = 200_000


if yaml.__with_libyaml__:
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.cyaml import CParser
    from yaml.resolver import Resolver

    class _SafeReader(CParser, Composer, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml reads the events (a tenth of the time of PyYAML's own scanner and parser);
        PyYAML's composer in Python makes the nodes, so every node passes the checks below."""

        get_single_node = Composer.get_single_node
        get_node = Composer.get_node
        check_node = Composer.check_node

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

else:  # PyYAML built without libyaml: all of it in Python
    _SafeReader = yaml.SafeLoader  # type: ignore[misc]


class _StrictYamlLoader(_SafeReader):
    """Safe YAML that refuses duplicate keys and reads only true/false as booleans.

    YAML 1.1 turns ``no``, ``yes``, ``on`` and ``off`` into booleans, which would break
    a language code ``no`` or an English label ``No``. Files nested deeper than MAX_DEPTH,
    aliases that expand past MAX_VALUES values, and aliases inside the value they name are
    refused while the file is read, before anything walks the data.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level registry
        first: [entry for entry in resolvers if entry[0] != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._open_anchors: list[str | None] = []
        self._values = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open_anchors:
                raise self._refuse(f"alias *{event.anchor} is inside the value it names", event)
            node = super().compose_node(parent, index)
            self._count(self._size(node), event)
            return node
        if len(self._open_anchors) >= MAX_DEPTH:
            raise self._refuse(f"nested more than {MAX_DEPTH} levels deep", event)
        self._open_anchors.append(event.anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._open_anchors.pop()
        self._count(1, event)
        return node

    def _size(self, node: yaml.Node) -> int:
        """How many values a node holds with every alias in it followed."""
        if id(node) not in self._sizes:
            if isinstance(node, yaml.SequenceNode):
                size = 1 + sum(self._size(child) for child in node.value)
            elif isinstance(node, yaml.MappingNode):
                size = 1 + sum(self._size(key) + self._size(value) for key, value in node.value)
            else:
                size = 1
            self._sizes[id(node)] = size
        return self._sizes[id(node)]

    def _count(self, values: int, event: yaml.Event) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            raise self._refuse(f"more than {MAX_VALUES} values once aliases are followed", event)

    @staticmethod
    def _refuse(problem: str, event: yaml.Event) -> yaml.composer.ComposerError:
        return yaml.composer.ComposerError(None, None, problem, event.start_mark)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable) and key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            if isinstance(key, Hashable):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _yaml_problem(file: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error)
    if mark is None:
        return Problem(file, None, f"invalid YAML: {reason}")
    return Problem(
        file, None, f"line {mark.line + 1}, column {mark.column + 1}: invalid YAML: {reason}"
    )


def load_instrument(path: str | Path) -> Instrument:
    """Load and validate one instrument file named ``<id>.v<version>.yaml``."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise InstrumentError([_yaml_problem(path.name, error)]) from None
    except UnicodeDecodeError as error:
        raise InstrumentError([Problem(path.name, None, f"not UTF-8 text: {error}")]) from None
    except ValueError as error:  # PyYAML's int() of a number with thousands of digits
        raise InstrumentError([Problem(path.name, None, f"invalid YAML: {error}")]) from None
    problems = find_problems(data, path.name)
    if isinstance(data, Mapping):
        problems += _file_name_problems(path.name, data)
    if problems:
        raise InstrumentError(problems)
    return _build(data)


def _file_name_problems(file: str, data: Mapping[str, Any]) -> list[Problem]:
    instrument_id, version = data.get("id"), data.get("version")
    if not isinstance(instrument_id, str) or type(version) is not int or version > 10**9:
        return []  # the file's own problems say what is wrong with these
    expected = f"{instrument_id}.v{version}.yaml"
    if file == expected:
        return []
    return [Problem(file, None, f"file name must be {shown(expected)} for id and version in it")]


def load_instrument_data(data: Mapping[str, Any], source: str) -> Instrument:
    """Validate already-parsed instrument data; ``source`` names it in problems."""
    problems = find_problems(data, source)
    if problems:
        raise InstrumentError(problems)
    return _build(data)


def instrument_from_json(data: Mapping[str, Any]) -> Instrument:
    """Rebuild an instrument frozen with ``Instrument.to_json``.

    Only the integrity rules apply here, not the authoring conventions, so that a
    version frozen in the database keeps loading when the conventions grow.
    """
    source = "frozen"
    if isinstance(data, Mapping):
        instrument_id = data.get("id")
        named = shortened(instrument_id) if isinstance(instrument_id, str) else shown(instrument_id)
        source = f"{named}.v{shown(data.get('version'))} (frozen)"
    problems = find_problems(data, source, authored=False)
    if problems:
        raise InstrumentError(problems)
    return _build(data)


def _build(data: Mapping[str, Any]) -> Instrument:
    scales = {
        scale_id: Scale(
            id=scale_id,
            kind=scale["kind"],
            points=tuple(ScalePoint(point["value"], point["label"]) for point in scale["points"]),
            decline_label=scale.get("decline"),
        )
        for scale_id, scale in data["scales"].items()
    }
    constructs = {
        construct_id: Construct(
            id=construct_id,
            label=construct["label"],
            direction=construct["direction"],
            description=construct.get("description"),
            no_reverse_reason=construct.get("no_reverse_reason"),
            support=construct.get("support"),
        )
        for construct_id, construct in data["constructs"].items()
    }
    items = tuple(
        Item(
            id=item["id"],
            construct=item.get("construct"),
            kind=item.get("kind", "choice"),
            scale=item.get("scale"),
            reverse=item.get("reverse", False),
            text=item["text"],
            help=item.get("help"),
        )
        for item in data["items"]
    )
    return Instrument(
        id=data["id"],
        version=data["version"],
        respondent_type=data["respondent_type"],
        title=data["title"],
        intro=data.get("intro"),
        languages=tuple(data["languages"]),
        scales=scales,
        constructs=constructs,
        items=items,
        translations={
            code: Translation(
                language=code,
                reviewed=status["reviewed"],
                note=status.get("note"),
                direction=status.get("direction", "ltr"),
            )
            for code, status in (data.get("translations") or {}).items()
        },
        changelog=tuple(
            Change(
                version=change["version"],
                notes=tuple(change["notes"]),
                reworded=tuple(change.get("reworded") or ()),
            )
            for change in data.get("changelog") or ()
        ),
    )


@cache
def bundled_instruments() -> tuple[Instrument, ...]:
    """Every instrument version shipped in ``instruments/data``, by id and version."""
    loaded = [load_instrument(path) for path in DATA_DIR.glob("*.yaml")]
    return tuple(sorted(loaded, key=lambda instrument: (instrument.id, instrument.version)))


def bundled_instrument(instrument_id: str, version: int | None = None) -> Instrument:
    """A bundled instrument by id: the given version, or the latest."""
    versions = [found for found in bundled_instruments() if found.id == instrument_id]
    if not versions:
        known = ", ".join(sorted({found.id for found in bundled_instruments()}))
        raise KeyError(f"no bundled instrument {instrument_id!r} (bundled: {known})")
    if version is None:
        return versions[-1]
    for found in versions:
        if found.version == version:
            return found
    have = ", ".join(str(found.version) for found in versions)
    raise KeyError(f"instrument {instrument_id!r} has no version {version} (bundled: {have})")

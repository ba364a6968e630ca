"""Load instruments from YAML files or frozen JSON, refusing anything that breaks the format."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from instruments.errors import InstrumentError, Problem
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


class _StrictYamlLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys and reads only true/false as booleans.

    YAML 1.1 turns ``no``, ``yes``, ``on`` and ``off`` into booleans, which would break
    a language code ``no`` or an English label ``No``.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level registry
        first: [entry for entry in resolvers if entry[0] != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

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
    problems = find_problems(data, path.name)
    if isinstance(data, Mapping):
        problems += _file_name_problems(path.name, data)
    if problems:
        raise InstrumentError(problems)
    return _build(data)


def _file_name_problems(file: str, data: Mapping[str, Any]) -> list[Problem]:
    instrument_id, version = data.get("id"), data.get("version")
    if not isinstance(instrument_id, str) or type(version) is not int:
        return []
    expected = f"{instrument_id}.v{version}.yaml"
    if file == expected:
        return []
    return [Problem(file, None, f"file name must be {expected!r} for id and version in it")]


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
    source = (
        f"{data.get('id')}.v{data.get('version')} (frozen)"
        if isinstance(data, Mapping)
        else "frozen"
    )
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

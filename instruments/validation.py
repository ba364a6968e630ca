"""Find every problem in raw instrument data, located by item, scale or construct.

The marshmallow schemas check the shape of each key; the checks here look across the
file: references, translations, scale values and duplicates. Both run on the raw data
so that one pass reports everything.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from marshmallow import ValidationError

from instruments.errors import Problem, shortened, shown
from instruments.metadata_checks import check_changelog, check_translations
from instruments.schema import LANGUAGE_CODE, InstrumentSchema

_SECTIONS = ("scales", "constructs", "items")
_NOUNS = {"scales": "scale", "constructs": "construct"}
_MARSHMALLOW_WORDING = {
    "Not a valid list.": "must be a list",
    "Invalid input type.": "must be a mapping of keys",
    "Field may not be null.": "may not be empty",
}

Path = tuple[str | int, ...]
#: An item id longer than this is not one (nor worth repeating in every problem).
MAX_ITEM_ID = 100


class _Report:
    """Problems of one source, each with a sort key that follows the file's order."""

    def __init__(self, source: str, data: Mapping[Any, Any]) -> None:
        self.source = source
        self.data = data
        self._found: dict[Problem, tuple[int, int]] = {}

    def add(self, message: str, section: str | None = None, key: str | int | None = None) -> None:
        """Record a problem in ``section`` (scales, constructs, items) at ``key``."""
        item: str | None = None
        position = 0
        if section == "items" and isinstance(key, int):
            position = key
            item = _item_id(self.data, key)
            if item is None:
                message = f"item #{key + 1}: {message}"
        elif section in _NOUNS and key is not None:
            keys = [_as_key(entry) for entry in _mapping(self.data, section)]
            position = keys.index(_as_key(key)) if _as_key(key) in keys else 0
            message = f"{_NOUNS[section]} {shown(key)}: {message}"
        rank = _SECTIONS.index(section) + 1 if section in _SECTIONS else 0
        problem = Problem(self.source, item, shortened(message))
        self._found.setdefault(problem, (rank, position))

    @property
    def problems(self) -> list[Problem]:
        return sorted(self._found, key=self._found.__getitem__)


def find_problems(data: Any, source: str, *, authored: bool = True) -> list[Problem]:
    """Every problem in ``data``; ``authored`` adds the conventions for files people write."""
    if not isinstance(data, Mapping):
        return [Problem(source, None, "the file must hold a mapping of keys at the top level")]
    report = _Report(source, data)
    try:
        InstrumentSchema().load(data)
    except ValidationError as error:
        for path, message in _flatten(error.messages, ()):
            _add_schema_problem(report, path, message)
    languages = _declared_languages(report)
    _check_texts(report, data.get("title"), languages, "title")
    _check_texts(report, data.get("intro"), languages, "intro")
    _check_scales(report, languages)
    _check_constructs(report, languages, authored=authored)
    _check_items(report, languages, authored=authored)
    check_translations(report, languages, authored=authored)
    check_changelog(report, authored=authored)
    return report.problems


def _as_key(key: Any) -> str:
    """A mapping key as problems name it: text as it is, anything else quoted."""
    return key if isinstance(key, str) else shown(key)


def _item_id(data: Mapping[Any, Any], index: int) -> str | None:
    items = data.get("items")
    if isinstance(items, list) and index < len(items) and isinstance(items[index], Mapping):
        item_id = items[index].get("id")
        if isinstance(item_id, str) and 0 < len(item_id) <= MAX_ITEM_ID:
            return item_id
    return None


def _flatten(messages: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(messages, Mapping):
        for key, inner in messages.items():
            yield from _flatten(inner, path if key == "_schema" else (*path, key))
    elif isinstance(messages, list):
        for inner in messages:
            yield from _flatten(inner, path)
    else:
        yield path, str(messages)


def _place(part: str | int) -> str:
    """One step of a path in the file: a key, or an entry of a list counted from 1."""
    if isinstance(part, int) and not isinstance(part, bool) and 0 <= part < 10**6:
        return f"#{part + 1}"
    return _as_key(part)


def _add_schema_problem(report: _Report, path: Path, message: str) -> None:
    section: str | None = None
    key: str | int | None = None
    if len(path) >= 2 and path[0] in _SECTIONS:
        section, key, path = str(path[0]), path[1], path[2:]
    if message == "Unknown field." and path:
        message, path = f"unknown key {shown(path[-1])}", path[:-1]
    elif message == "Missing data for required field." and path:
        message, path = f"missing required key {shown(path[-1])}", path[:-1]
    else:
        message = _MARSHMALLOW_WORDING.get(message, message)
    where = " ".join(_place(part) for part in path)
    report.add(f"{where}: {message}" if where else message, section, key)


def _declared_languages(report: _Report) -> list[str] | None:
    """The declared language codes, or None when they are too broken to check against."""
    languages = report.data.get("languages")
    if not isinstance(languages, list) or not languages:
        return None
    if not all(isinstance(code, str) and LANGUAGE_CODE.fullmatch(code) for code in languages):
        return None
    for code in sorted({code for code in languages if languages.count(code) > 1}):
        report.add(f"languages: {code!r} is listed more than once")
    return list(dict.fromkeys(languages))


def _check_texts(
    report: _Report,
    texts: Any,
    languages: list[str] | None,
    what: str,
    section: str | None = None,
    key: str | int | None = None,
) -> None:
    """Every declared language present, and nothing else."""
    if languages is None or not isinstance(texts, Mapping):
        return
    for language in languages:
        if language not in texts:
            report.add(f"{what}: missing translation for {language!r}", section, key)
    for language in texts:
        if isinstance(language, str) and language not in languages:
            declared = ", ".join(languages)
            report.add(
                f"{what}: {language!r} is not a declared language (languages: {declared})",
                section,
                key,
            )


def _mapping(data: Mapping[Any, Any], section: str) -> Mapping[Any, Any]:
    entries = data.get(section)
    return entries if isinstance(entries, Mapping) else {}


def _check_scales(report: _Report, languages: list[str] | None) -> None:
    for scale_id, scale in _mapping(report.data, "scales").items():
        if not isinstance(scale, Mapping):
            continue
        points = scale.get("points")
        if isinstance(points, list):
            for message in _point_value_problems(points, scale.get("kind")):
                report.add(message, "scales", scale_id)
            for number, point in enumerate(points, start=1):
                if isinstance(point, Mapping):
                    label = point.get("label")
                    where = f"points #{number} label"
                    _check_texts(report, label, languages, where, "scales", scale_id)
        _check_texts(report, scale.get("decline"), languages, "decline", "scales", scale_id)


def _point_value_problems(points: list[Any], kind: Any) -> list[str]:
    if len(points) < 2:
        return [f"needs at least 2 points, has {len(points)}"]
    if kind == "yes_no" and len(points) != 2:
        return [f"a yes_no scale has exactly 2 points, this one has {len(points)}"]
    values = [point.get("value") if isinstance(point, Mapping) else None for point in points]
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        return []
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        return [f"duplicate point value {shown(value)}" for value in duplicates]
    if values != list(range(1, len(values) + 1)):
        got = ", ".join(shown(value) for value in values)
        return [f"point values must be 1, 2, 3 ... in order without gaps, got {got}"]
    return []


def _check_constructs(report: _Report, languages: list[str] | None, *, authored: bool) -> None:
    items = report.data.get("items")
    used = {
        item.get("construct")
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, Mapping) and isinstance(item.get("construct"), str)
    }
    for construct_id, construct in _mapping(report.data, "constructs").items():
        if not isinstance(construct, Mapping):
            continue
        label = construct.get("label")
        _check_texts(report, label, languages, "label", "constructs", construct_id)
        if construct.get("support") is not None:
            support = construct.get("support")
            _check_texts(report, support, languages, "support", "constructs", construct_id)
        if authored and isinstance(items, list) and construct_id not in used:
            report.add("has no items", "constructs", construct_id)


def _unknown(what: str, name: str, known: Mapping[Any, Any]) -> str:
    close = difflib.get_close_matches(name, [str(key) for key in known], n=1)
    return f"unknown {what} {shown(name)}" + (f" (did you mean {close[0]!r}?)" if close else "")


def _check_items(report: _Report, languages: list[str] | None, *, authored: bool) -> None:
    items = report.data.get("items")
    if not isinstance(items, list):
        return
    scales = _mapping(report.data, "scales")
    constructs = _mapping(report.data, "constructs")
    first_use: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        item_id, construct, scale = item.get("id"), item.get("construct"), item.get("scale")
        if isinstance(item_id, str):
            if item_id in first_use:
                report.add(
                    f"duplicate item id (also item #{first_use[item_id] + 1})", "items", index
                )
            first_use.setdefault(item_id, index)
        if isinstance(construct, str) and construct not in constructs:
            report.add(_unknown("construct", construct, constructs), "items", index)
        kind = item.get("kind", "choice")
        if kind == "choice":
            if construct is None:
                report.add("a choice item needs a construct", "items", index)
            if scale is None:
                report.add("a choice item needs a scale", "items", index)
            elif isinstance(scale, str) and scale not in scales:
                report.add(_unknown("scale", scale, scales), "items", index)
        elif kind == "text":
            if scale is not None:
                report.add("a text item has no scale", "items", index)
            if item.get("reverse") is True:
                report.add("a text item cannot be reverse-keyed", "items", index)
        _check_texts(report, item.get("text"), languages, "text", "items", index)
        _check_texts(report, item.get("help"), languages, "help", "items", index)
        known_construct = isinstance(construct, str) and construct in constructs
        if authored and known_construct and isinstance(item_id, str):
            _check_prefix(report, item_id, construct, index)


def _check_prefix(report: _Report, item_id: str, construct: str, index: int) -> None:
    """Item ids start with their construct, so a codebook groups them without help."""
    if not item_id.startswith(f"{construct}_"):
        report.add(f"item id should start with '{construct}_'", "items", index)

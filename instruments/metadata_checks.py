"""Checks of a file's translation status and changelog against the rest of the file.

Split from ``instruments.validation`` to keep each module small; both run in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from instruments.errors import shown
from instruments.metadata import TEXT_DIRECTIONS, is_rtl_language

if TYPE_CHECKING:
    from instruments.validation import _Report


def check_translations(report: _Report, languages: list[str] | None, *, authored: bool) -> None:
    """Each declared language has a status, and right-to-left languages say so."""
    statuses = report.data.get("translations")
    if languages is None:
        return
    if statuses is None:
        if authored and len(languages) > 1:
            report.add(
                "translations: missing; a file in more than one language gives each "
                "language's status (reviewed: true or false)"
            )
        return
    if not isinstance(statuses, Mapping):
        return
    declared = ", ".join(languages)
    for code in statuses:
        if isinstance(code, str) and code not in languages:
            report.add(
                f"translations: {shown(code)} is not a declared language (languages: {declared})"
            )
    if not authored:
        return
    for code in languages:
        if code not in statuses:
            report.add(f"translations: no status for {code!r}")
    for code, status in statuses.items():
        if isinstance(code, str) and isinstance(status, Mapping):
            _check_direction(report, code, status.get("direction", "ltr"))


def _check_direction(report: _Report, code: str, direction: Any) -> None:
    if direction not in TEXT_DIRECTIONS:
        return
    expected = "rtl" if is_rtl_language(code) else "ltr"
    if direction != expected:
        report.add(f"translations: {code!r} is written {expected}; mark it direction: {expected}")


def check_changelog(report: _Report, *, authored: bool) -> None:
    """Entries are unique and not from the future; a later version says what it changed."""
    changelog = report.data.get("changelog")
    version = report.data.get("version")
    version = version if type(version) is int else None
    if changelog is None:
        if authored and version is not None and version > 1:
            report.add("changelog: missing; every version after the first says what changed")
        return
    if not isinstance(changelog, list):
        return
    entries = [entry for entry in changelog if isinstance(entry, Mapping)]
    seen = [entry.get("version") for entry in entries if type(entry.get("version")) is int]
    for number in sorted({number for number in seen if seen.count(number) > 1}):
        report.add(f"changelog: version {shown(number)} has more than one entry")
    if version is None:
        return
    for number in seen:
        if number > version:
            report.add(
                f"changelog: entry for version {shown(number)} is newer than the file"
                f" ({shown(version)})"
            )
    if authored and version not in seen:
        report.add(f"changelog: no entry for version {shown(version)}")
    _check_reworded(report, [entry for entry in entries if entry.get("version") == version])


def _check_reworded(report: _Report, entries: list[Mapping[Any, Any]]) -> None:
    items = report.data.get("items")
    item_ids = {
        item.get("id")
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, Mapping) and isinstance(item.get("id"), str)
    }
    for entry in entries:
        reworded = entry.get("reworded")
        for item_id in reworded if isinstance(reworded, list) else []:
            if isinstance(item_id, str) and item_id not in item_ids:
                report.add(f"changelog: reworded item {shown(item_id)} is not in this version")

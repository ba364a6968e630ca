"""The rules between two versions of one instrument: what may change under a kept item id.

Answers are pooled across rounds by item id, so a kept id must still ask the same thing on
the same kind of scale. Rewording is allowed when the changelog names the item; anything
else that changes the meaning needs a new id.
"""

from __future__ import annotations

from instruments.model import Instrument, Item


def version_problems(older: Instrument, newer: Instrument) -> list[str]:
    """Every way ``newer`` breaks the promise of item ids kept from ``older``."""
    if older.id != newer.id or older.version >= newer.version:
        raise ValueError(
            f"expected two versions of one instrument, oldest first, got {older.id} "
            f"v{older.version} and {newer.id} v{newer.version}"
        )
    change = newer.change_in(newer.version)
    reworded = set(change.reworded) if change else set()
    problems: list[str] = []
    older_ids = {item.id for item in older.items}
    kept = [item for item in newer.items if item.id in older_ids]
    for item in kept:
        before = older.item(item.id)
        problems += [
            f"item {item.id!r}: {what}" for what in _meaning_changes(older, before, newer, item)
        ]
        source = newer.default_language
        was, now = before.text.get(source), item.text[source]
        if was != now and item.id not in reworded:
            problems.append(
                f"item {item.id!r}: the {source} text changed; list it under 'reworded' in the "
                "changelog if the meaning is the same, or give it a new id"
            )
        if was == now and item.id in reworded:
            problems.append(
                f"item {item.id!r}: listed as reworded, but its {source} text is unchanged"
            )
    return problems


def _meaning_changes(older: Instrument, before: Item, newer: Instrument, after: Item) -> list[str]:
    changes = []
    if before.construct != after.construct:
        changes.append(f"moved from construct {before.construct!r} to {after.construct!r}")
    if before.kind != after.kind:
        changes.append(f"kind changed from {before.kind!r} to {after.kind!r}")
    if before.reverse != after.reverse:
        changes.append("reverse keying changed")
    if before.is_choice and after.is_choice:
        was, now = older.scale_of(before), newer.scale_of(after)
        if (was.kind, len(was.points)) != (now.kind, len(now.points)):
            changes.append(
                f"scale changed from {was.kind} with {len(was.points)} points "
                f"to {now.kind} with {len(now.points)} points"
            )
    return changes

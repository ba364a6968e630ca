"""The filters in a dashboard's URL (respondent type, construct, school, rounds), so a view
can be bookmarked and shared. Validated with marshmallow at the edge, like every input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.datastructures import MultiDict

from instruments import RESPONDENT_TYPES

CONSTRUCT_ID = r"^[a-z0-9_]{1,60}$"


@dataclass(frozen=True)
class Filters:
    respondent_type: str = "pupil"
    construct: str | None = None
    school: int | None = None
    #: Round ids in the URL; empty means every round.
    rounds: tuple[int, ...] = ()

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments for url_for, with some filters changed."""
        chosen = replace(self, **changes)
        out: dict[str, Any] = {"respondent_type": chosen.respondent_type}
        if chosen.construct:
            out["construct"] = chosen.construct
        if chosen.school is not None:
            out["school"] = chosen.school
        if chosen.rounds:
            out["round"] = list(chosen.rounds)
        return out

    def round_labels(self, labels_by_id: Mapping[int, str]) -> list[str]:
        """The chosen rounds' labels in project order (all when none are chosen)."""
        chosen = set(self.rounds)
        return [label for id_, label in labels_by_id.items() if not chosen or id_ in chosen]


@lru_cache(maxsize=256)
def _schema(round_ids: tuple[int, ...], locale: str) -> type[Schema]:
    """The filter schema of a project's rounds, its messages in `locale` (built once each:
    a schema class costs more to make than to use)."""
    number = {"invalid": _("Må være et tall.")}
    return Schema.from_dict(
        {
            "respondent_type": fields.String(
                load_default="pupil",
                validate=validate.OneOf(RESPONDENT_TYPES, error=_("Ukjent gruppe.")),
            ),
            "construct": fields.String(
                load_default=None,
                validate=validate.Regexp(CONSTRUCT_ID, error=_("Ukjent tema.")),
            ),
            "school": fields.Integer(load_default=None, error_messages=number),
            "round": fields.List(
                fields.Integer(
                    error_messages=number,
                    validate=validate.OneOf(round_ids, error=_("Ukjent runde.")),
                ),
                load_default=list,
            ),
        }
    )


def parse_filters(args: MultiDict[str, str], round_ids: Sequence[int]) -> Filters:
    """The filters of a request; raises ValidationError with Norwegian messages."""
    raw: dict[str, Any] = {
        key: args[key] for key in ("respondent_type", "construct", "school") if args.get(key)
    }
    rounds = [value for value in args.getlist("round") if value]
    if rounds:
        raw["round"] = rounds
    data = _schema(tuple(round_ids), str(get_locale()))().load(raw)
    return Filters(
        respondent_type=data["respondent_type"],
        construct=data["construct"],
        school=data["school"],
        rounds=tuple(sorted(set(data["round"]), key=list(round_ids).index)),
    )


def error_messages(error: ValidationError) -> list[str]:
    messages = error.messages if isinstance(error.messages, dict) else {"": error.messages}
    out = []
    for value in messages.values():
        if isinstance(value, dict):
            out += [m for ms in value.values() for m in ms]
        else:
            out += list(value)
    return out

"""The answers on one page, checked at the edge before they go into the draft."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields

from instruments import Instrument
from survey.links.phone_pages import Page
from survey.responses.operations import MAX_TEXT_LENGTH
from survey.wellformed import has_hidden_controls, hidden_controls_message

DECLINED = "declined"


def _choice(allowed: set[str]):
    def check(value: str) -> None:
        if value not in allowed:
            raise ValidationError(_("Velg et av svarene."))

    return check


def _text(value: str) -> None:
    if len(value) > MAX_TEXT_LENGTH:
        raise ValidationError(_("Skriv høyst %(length)d tegn.", length=MAX_TEXT_LENGTH))
    if has_hidden_controls(value):
        raise ValidationError(hidden_controls_message())


def page_schema(instrument: Instrument, page: Page) -> Schema:
    """A schema with one optional field per item on the page (skipping is always allowed)."""
    declared: dict[str, Any] = {}
    for item in page.items:
        if item.kind == "text":
            declared[item.id] = fields.String(load_default=None, validate=_text)
            continue
        scale = instrument.scale_of(item)
        allowed = {str(point.value) for point in scale.points}
        if scale.allows_decline:
            allowed.add(DECLINED)
        declared[item.id] = fields.String(load_default=None, validate=_choice(allowed))
    schema_class = Schema.from_dict(declared, name="PageAnswers")
    return schema_class(unknown=EXCLUDE)


def draft_answers(loaded: dict[str, str | None], page: Page) -> dict[str, dict[str, Any] | None]:
    """The page's answers in the draft's shape; None where the item was left out."""
    answers: dict[str, dict[str, Any] | None] = {}
    for item in page.items:
        given = loaded.get(item.id)
        if given is None or (isinstance(given, str) and not given.strip()):
            answers[item.id] = None
        elif item.kind == "text":
            answers[item.id] = {"text": given.strip()}
        elif given == DECLINED:
            answers[item.id] = {"declined": True}
        else:
            answers[item.id] = {"value": int(given)}
    return answers

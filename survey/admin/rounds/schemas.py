"""The round form: label, window in Norwegian time, and an instrument per respondent type."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validates_schema

from instruments import Instrument, bundled_instruments
from survey.admin.forms import FormSchema, LocalDateTime, at_most
from survey.models import RESPONDENT_TYPES


def instrument_choices() -> dict[str, dict[str, Instrument]]:
    """Per respondent type: "id:version" -> the bundled instrument, newest first."""
    choices: dict[str, dict[str, Instrument]] = {kind: {} for kind in RESPONDENT_TYPES}
    for instrument in sorted(bundled_instruments(), key=lambda i: (i.id, -i.version)):
        choices[instrument.respondent_type][f"{instrument.id}:{instrument.version}"] = instrument
    return choices


def instrument_field(respondent_type: str) -> str:
    return f"instrument_{respondent_type}"


class RoundForm(FormSchema):
    label = fields.String(required=True, validate=at_most(100))
    opens_at = LocalDateTime(required=True)
    closes_at = LocalDateTime(required=True)
    instrument_pupil = fields.String(load_default=None)
    instrument_parent = fields.String(load_default=None)
    instrument_staff = fields.String(load_default=None)

    @validates_schema
    def window_and_instruments(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "opens_at" in data and "closes_at" in data and data["closes_at"] <= data["opens_at"]:
            raise ValidationError(_("Runden må lukke etter at den åpner."), "closes_at")
        choices = instrument_choices()
        chosen = 0
        for kind in RESPONDENT_TYPES:
            value = data.get(instrument_field(kind))
            if value is None:
                continue
            if value not in choices[kind]:
                raise ValidationError(_("Velg et av alternativene."), instrument_field(kind))
            chosen += 1
        if not chosen:
            raise ValidationError(
                _("Velg et spørreskjema for minst én gruppe."), instrument_field("pupil")
            )


class CloseTimeForm(FormSchema):
    """An open round can only have its closing time moved."""

    closes_at = LocalDateTime(required=True)


class ClosedRoundForm(FormSchema):
    """A closed round's label and window can be corrected; its instruments stay as answered."""

    label = fields.String(required=True, validate=at_most(100))
    opens_at = LocalDateTime(required=True)
    closes_at = LocalDateTime(required=True)

    @validates_schema
    def window(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "opens_at" in data and "closes_at" in data and data["closes_at"] <= data["opens_at"]:
            raise ValidationError(_("Runden må lukke etter at den åpner."), "closes_at")


class ReopenForm(FormSchema):
    """Reopening a closed round needs a new closing time."""

    reopen_closes_at = LocalDateTime(required=True)

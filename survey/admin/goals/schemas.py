"""The goal form."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, pre_load, validates_schema

from survey.admin.forms import FormSchema, at_most, between, one_of
from survey.models import RESPONDENT_TYPES
from survey.models.project import GOAL_TARGET_KINDS


class GoalForm(FormSchema):
    respondent_type = fields.String(required=True, validate=one_of(RESPONDENT_TYPES))
    construct = fields.String(required=True, validate=at_most(60))
    target_kind = fields.String(required=True, validate=one_of(GOAL_TARGET_KINDS))
    target_value = fields.Float(required=True, validate=between(-10, 10))
    due_round_id = fields.Integer(load_default=None)
    description = fields.String(load_default=None, validate=at_most(1000))

    def __init__(self, constructs: dict[str, set[str]], round_ids: set[int], **kwargs: Any):
        """`constructs`: the construct ids each respondent type is asked about."""
        super().__init__(**kwargs)
        self.constructs = constructs
        self.round_ids = round_ids

    @pre_load
    def decimal_comma(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        value = data.get("target_value")
        if isinstance(value, str):
            data = {**data, "target_value": value.replace(",", ".").replace("−", "-")}
        return data

    @validates_schema
    def construct_is_asked(self, data: dict[str, Any], **_kwargs: Any) -> None:
        asked = self.constructs.get(data.get("respondent_type", ""), set())
        if "construct" in data and data["construct"] not in asked:
            raise ValidationError(
                _("Ingen av spørreskjemaene for denne gruppen måler dette."), "construct"
            )
        if data.get("due_round_id") is not None and data["due_round_id"] not in self.round_ids:
            raise ValidationError(_("Velg en av prosjektets runder."), "due_round_id")

"""The goal form."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validates_schema

from dashboards.formatting import number
from survey.admin.forms import DecimalNumber, FormSchema, at_most, between, one_of
from survey.models import RESPONDENT_TYPES
from survey.models.project import GOAL_TARGET_KINDS


class GoalForm(FormSchema):
    respondent_type = fields.String(required=True, validate=one_of(RESPONDENT_TYPES))
    construct = fields.String(required=True, validate=at_most(60))
    target_kind = fields.String(required=True, validate=one_of(GOAL_TARGET_KINDS))
    target_value = DecimalNumber(required=True, validate=between(-10, 10))
    due_round_id = fields.Integer(load_default=None)
    description = fields.String(load_default=None, validate=at_most(1000))

    def __init__(
        self,
        constructs: dict[str, dict[str, tuple[int, int]]],
        round_ids: set[int],
        **kwargs: Any,
    ):
        """`constructs`: per respondent type, each construct asked and its scale's range."""
        super().__init__(**kwargs)
        self.constructs = constructs
        self.round_ids = round_ids

    @validates_schema
    def target_on_the_scale(self, data: dict[str, Any], **_kwargs: Any) -> None:
        scale = self.constructs.get(data.get("respondent_type", ""), {}).get(
            data.get("construct", "")
        )
        if scale is None or "target_value" not in data:
            return
        low, high = scale
        if data.get("target_kind") == "level" and not low <= data["target_value"] <= high:
            message = _(
                "Skalaen går fra %(low)s til %(high)s. Skriv et nivå fra %(low)s til %(high)s,"
                " for eksempel %(example)s.",
                low=low,
                high=high,
                example=number((low + high) / 2 + 0.5, 1),
            )
            raise ValidationError(message, "target_value")
        span = high - low
        if data.get("target_kind") == "change" and not -span <= data["target_value"] <= span:
            message = _(
                "Skalaen går fra %(low)s til %(high)s, så en endring må ligge mellom -%(span)s"
                " og %(span)s, for eksempel -0,25.",
                low=low,
                high=high,
                span=span,
            )
            raise ValidationError(message, "target_value")

    @validates_schema
    def construct_is_asked(self, data: dict[str, Any], **_kwargs: Any) -> None:
        asked = self.constructs.get(data.get("respondent_type", ""), set())
        if "construct" in data and data["construct"] not in asked:
            raise ValidationError(
                _("Ingen av spørreskjemaene for denne gruppen måler dette."), "construct"
            )
        if data.get("due_round_id") is not None and data["due_round_id"] not in self.round_ids:
            raise ValidationError(_("Velg en av prosjektets runder."), "due_round_id")

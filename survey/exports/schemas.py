"""The download form, validated at the edge: what an evaluator may ask an export for."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from survey.exports.package import FORMATS
from survey.models import RESPONDENT_TYPES


class ExportFormSchema(Schema):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    rounds = fields.List(fields.Integer(strict=False), load_default=list)
    respondent_types = fields.List(
        fields.String(validate=validate.OneOf(RESPONDENT_TYPES)), load_default=list
    )
    school_codes_only = fields.Boolean(load_default=False)
    free_text = fields.Boolean(load_default=False)
    english_labels = fields.Boolean(load_default=False)

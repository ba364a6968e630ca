"""Project forms."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validates

from survey.admin.forms import FormSchema, at_most, between
from survey.i18n import LANGUAGES
from survey.validators import (
    MIN_GROUP_SIZE_RANGE,
    PROJECT_DESCRIPTION_MAX,
    PROJECT_NAME_MAX,
    in_the_future,
)


class ProjectForm(FormSchema):
    list_fields = ("languages",)

    name = fields.String(required=True, validate=at_most(PROJECT_NAME_MAX))
    description = fields.String(load_default=None, validate=at_most(PROJECT_DESCRIPTION_MAX))
    min_group_size = fields.Integer(load_default=10, validate=between(*MIN_GROUP_SIZE_RANGE))
    languages = fields.List(fields.String(), load_default=list)
    delete_after_on = fields.Date(required=True, validate=in_the_future)
    is_panel = fields.Boolean(load_default=False)
    letter_sender = fields.String(load_default=None, validate=at_most(200))
    letter_contact = fields.String(load_default=None, validate=at_most(400))
    data_controller = fields.String(load_default=None, validate=at_most(200))

    @validates("languages")
    def known_languages(self, value: list[str], **_kwargs: Any) -> None:
        if not value:
            raise ValidationError(_("Velg minst ett språk."))
        if any(code not in LANGUAGES for code in value):
            raise ValidationError(_("Velg et av alternativene."))

"""School and class forms, and one row of the CSV import."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, pre_load

from survey.admin.forms import FormSchema, at_most, between, email_address, one_of
from survey.models import ARMS

SCHOOL_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
#: What a spreadsheet may call an arm.
ARM_WORDS = {
    "tiltak": "intervention",
    "intervensjon": "intervention",
    "intervention": "intervention",
    "sammenligning": "comparison",
    "kontroll": "comparison",
    "comparison": "comparison",
}


def school_code(value: str) -> None:
    if not SCHOOL_CODE.match(value):
        raise ValidationError(_("Bruk bare bokstaver a–z, tall, - og _ (høyst 20 tegn)."))


def arm_in_file(value: str) -> None:
    if value not in ARMS:
        raise ValidationError(_("Skriv «tiltak» eller «sammenligning»."))


class SchoolForm(FormSchema):
    name = fields.String(required=True, validate=at_most(200))
    code = fields.String(required=True, validate=school_code)
    arm = fields.String(required=True, validate=one_of(ARMS))
    contact_email = fields.String(load_default=None, validate=email_address)
    #: The school's written Norwegian: its report is in it.
    language = fields.String(load_default=None, validate=one_of(("nb", "nn")))


class GroupForm(FormSchema):
    grade = fields.Integer(required=True, validate=between(1, 13))
    label = fields.String(required=True, validate=at_most(40))
    enrolled = fields.Integer(required=True, validate=between(0, 2000))


class ImportRow(FormSchema):
    """One class in the CSV; the school is made the first time its code appears."""

    school_name = fields.String(load_default=None, validate=at_most(200))
    school_code = fields.String(required=True, validate=school_code)
    arm = fields.String(load_default=None, validate=arm_in_file)
    contact_email = fields.String(load_default=None, validate=email_address)
    grade = fields.Integer(required=True, validate=between(1, 13))
    label = fields.String(required=True, validate=at_most(40))
    enrolled = fields.Integer(required=True, validate=between(0, 2000))

    @pre_load
    def arm_in_plain_words(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        arm = data.get("arm")
        if isinstance(arm, str) and arm.strip().lower() in ARM_WORDS:
            data = {**data, "arm": ARM_WORDS[arm.strip().lower()]}
        return data

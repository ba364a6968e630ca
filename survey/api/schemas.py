"""API schemas: inputs list what may be written, outputs whitelist what is shown."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from survey.i18n import LANGUAGES
from survey.models import ARMS, RESPONDENT_TYPES
from survey.models.project import GOAL_TARGET_KINDS
from survey.models.rounds import ROUND_STATUSES
from survey.validators import (
    MIN_GROUP_SIZE_RANGE,
    PROJECT_DESCRIPTION_MAX,
    PROJECT_NAME_MAX,
    in_the_future,
)


class StrictBoolean(fields.Boolean):
    """JSON true or false, as the OpenAPI document says; not "yes", "on" or 1."""

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class ErrorOut(Schema):
    """The one error body (see survey.errors), for every error the API answers."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    status = fields.String(required=True, validate=validate.OneOf(["error"]))
    message = fields.String(
        required=True, metadata={"description": "What went wrong, for a person to read."}
    )
    errors = fields.Dict(
        metadata={"description": 'Field messages by location: {"json": {"name": ["..."]}}.'}
    )


class ProjectOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String(allow_none=True)
    min_group_size = fields.Integer()
    languages = fields.List(fields.String())
    delete_after_on = fields.Date()
    is_panel = fields.Boolean()


class ProjectIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, PROJECT_NAME_MAX))
    description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=PROJECT_DESCRIPTION_MAX)
    )
    min_group_size = fields.Integer(
        load_default=10, strict=True, validate=validate.Range(*MIN_GROUP_SIZE_RANGE)
    )
    languages = fields.List(
        fields.String(validate=validate.OneOf(list(LANGUAGES))),
        load_default=lambda: ["nb", "nn"],
        validate=validate.Length(min=1),
    )
    delete_after_on = fields.Date(required=True, validate=in_the_future)
    is_panel = StrictBoolean(load_default=False)


class SchoolOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    name = fields.String()
    code = fields.String()
    arm = fields.String()
    contact_email = fields.String(allow_none=True)


class SchoolIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,20}$"))
    arm = fields.String(required=True, validate=validate.OneOf(ARMS))
    contact_email = fields.Email(load_default=None, allow_none=True)


class GroupOut(Schema):
    id = fields.Integer()
    school_id = fields.Integer()
    grade = fields.Integer()
    label = fields.String()
    enrolled = fields.Integer()


class GroupIn(Schema):
    grade = fields.Integer(required=True, strict=True, validate=validate.Range(1, 13))
    label = fields.String(required=True, validate=validate.Length(1, 40))
    enrolled = fields.Integer(required=True, strict=True, validate=validate.Range(0, 2000))


class GoalOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    construct = fields.String()
    respondent_type = fields.String()
    target_kind = fields.String()
    target_value = fields.Float()
    due_round_id = fields.Integer(allow_none=True)
    description = fields.String(allow_none=True)


class GoalIn(Schema):
    construct = fields.String(required=True, validate=validate.Length(1, 60))
    respondent_type = fields.String(required=True, validate=validate.OneOf(RESPONDENT_TYPES))
    target_kind = fields.String(required=True, validate=validate.OneOf(GOAL_TARGET_KINDS))
    target_value = fields.Float(required=True, validate=validate.Range(-10, 10))
    due_round_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=1000)
    )


class RoundInstrumentOut(Schema):
    instrument = fields.String()
    version = fields.Integer()
    content_hash = fields.String()


class RoundOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    label = fields.String()
    opens_at = fields.AwareDateTime()
    closes_at = fields.AwareDateTime()
    status = fields.String(validate=validate.OneOf(ROUND_STATUSES))
    instruments = fields.Dict(keys=fields.String(), values=fields.Nested(RoundInstrumentOut))


class RoundIn(Schema):
    label = fields.String(required=True, validate=validate.Length(1, 100))
    opens_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)
    #: Respondent type -> "instrument-id:version", e.g. {"parent": "parent:1"}.
    instruments = fields.Dict(
        keys=fields.String(validate=validate.OneOf(RESPONDENT_TYPES)),
        values=fields.String(validate=validate.Regexp(r"^[a-z0-9-]+:\d+$")),
        required=True,
    )

    @validates_schema
    def closes_after_opening(self, data: dict, **_kwargs: object) -> None:
        if "opens_at" in data and "closes_at" in data and data["closes_at"] <= data["opens_at"]:
            raise ValidationError("must be after opens_at", "closes_at")


class ClassCountOut(Schema):
    group_id = fields.Integer()
    label = fields.String()
    enrolled = fields.Integer()
    opted_out = fields.Integer()
    pupils = fields.Integer()
    pupils_started = fields.Integer()
    parents = fields.Integer()
    parent_links = fields.Integer()


class SchoolCountOut(Schema):
    school_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    pupils = fields.Integer()
    eligible = fields.Integer()
    parents = fields.Integer()
    parent_links = fields.Integer()
    staff = fields.Integer()
    staff_links = fields.Integer()
    classes = fields.List(fields.Nested(ClassCountOut))


class ResponseCountsOut(Schema):
    round_id = fields.Integer()
    status = fields.String()
    schools = fields.List(fields.Nested(SchoolCountOut))

"""Input at the edge: the pupil's forms and the tablet's JSON calls."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from survey.responses.operations import MAX_TEXT_LENGTH
from survey.wellformed import has_hidden_controls

#: A random id made by the tablet (a UUID, or 32 hex digits from crypto.getRandomValues).
CLIENT_ID = validate.Regexp(r"^[A-Za-z0-9_-]{16,64}$", error="Not a response id.")
ITEM_ID = validate.Regexp(r"^[A-Za-z0-9_.-]{1,80}$", error="Not an item id.")
LANGUAGE = validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", error="Not a language code.")


class FormSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the CSRF token and the pressed button's name come along


class ClassCodeForm(FormSchema):
    code = fields.String(required=True, validate=validate.Length(max=40))


class CardForm(FormSchema):
    """The card code of a panel project; whether it is well formed is the view's question."""

    card = fields.String(load_default="", validate=validate.Length(max=40))


class LanguageForm(FormSchema):
    lang = fields.String(required=True, validate=LANGUAGE)


def _visible_text(value: str) -> None:
    if has_hidden_controls(value):
        raise ValidationError("Text with hidden control characters.")


class AnswerForm(FormSchema):
    """One question of the no-JavaScript form: a choice, a text, or nothing (skipped)."""

    answer = fields.String(load_default=None, validate=validate.Length(max=20))
    text = fields.String(
        load_default=None,
        validate=[validate.Length(max=MAX_TEXT_LENGTH), _visible_text],
    )
    action = fields.String(load_default="next", validate=validate.OneOf(["back", "next"]))


class AnswerPath(Schema):
    client_id = fields.String(required=True, validate=CLIENT_ID)
    item_id = fields.String(required=True, validate=ITEM_ID)


class ResponsePath(Schema):
    client_id = fields.String(required=True, validate=CLIENT_ID)


class ResponseBody(Schema):
    class_token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The signed class id from the survey page."},
    )
    language = fields.String(required=True, validate=LANGUAGE)


class SubmitBody(ResponseBody):
    card = fields.String(
        load_default=None,
        validate=validate.Length(max=40),
        metadata={"description": "Panel mode: the pupil's card code, as typed."},
    )


class AnswerBody(ResponseBody):
    """Exactly one of `value`, `declined` (true) or `text`."""

    value = fields.Integer(load_default=None, strict=True)
    declined = fields.Boolean(load_default=False)
    text = fields.String(load_default=None, validate=validate.Length(max=MAX_TEXT_LENGTH))

    @validates_schema
    def exactly_one_answer(self, data: dict[str, Any], **_kwargs: Any) -> None:
        given = [data["value"] is not None, data["text"] is not None, bool(data["declined"])]
        if sum(given) != 1:
            raise ValidationError("Give exactly one of value, declined or text.", "value")


class SavedAnswer(Schema):
    client_id = fields.String()
    item_id = fields.String()
    saved = fields.Boolean()


class SubmittedResponse(Schema):
    client_id = fields.String()
    status = fields.String()

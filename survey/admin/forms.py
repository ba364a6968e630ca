"""Form input at the edge: marshmallow schemas with messages in the reader's language.

A page posts a form; the view loads it with a `FormSchema`. Invalid input comes back as the
form again, with each message beside its field, and HTTP 422.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load
from werkzeug.datastructures import MultiDict

from dashboards.formatting import number
from survey.clock import NORWAY
from survey.wellformed import has_hidden_controls, hidden_controls_message, without_hidden_controls

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class FormSchema(Schema):
    """Empty fields count as not given; type errors speak the user's language."""

    class Meta:
        unknown = EXCLUDE

    #: Fields that take several values from a form (checkboxes with one name).
    list_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        messages = {
            "required": _("Fyll inn dette feltet."),
            "null": _("Fyll inn dette feltet."),
            "invalid": _("Verdien har feil form."),
        }
        for field in self.fields.values():
            field.error_messages = {**field.error_messages, **messages}
            if isinstance(field, fields.Integer | fields.Float):
                field.error_messages["invalid"] = _("Skriv et tall.")
            if isinstance(field, DecimalNumber):
                field.error_messages["invalid"] = _("Skriv et tall, for eksempel -0,25 eller 3,5.")
            if isinstance(field, fields.Date):
                field.error_messages["invalid"] = _("Skriv en dato (åååå-mm-dd).")

    @pre_load
    def drop_empty_strings(self, data: Mapping[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """Empty fields count as not given; text with hidden control characters is refused."""
        cleaned: dict[str, Any] = {}
        hidden: dict[str, list[str]] = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip()
                if value == "":
                    continue
            texts = value if isinstance(value, list) else [value]
            if key in self.load_fields and any(_is_hidden(text) for text in texts):
                hidden[key] = [hidden_controls_message()]
            cleaned[key] = value
        if hidden:
            raise ValidationError(hidden)
        return cleaned


def _is_hidden(value: Any) -> bool:
    return isinstance(value, str) and has_hidden_controls(value)


def _visible(value: Any) -> Any:
    if isinstance(value, list):
        return [_visible(one) for one in value]
    return without_hidden_controls(value) if isinstance(value, str) else value


def form_data(form: MultiDict[str, str], schema: FormSchema) -> dict[str, Any]:
    """A plain dict of the form, with lists for the schema's list fields."""
    data: dict[str, Any] = {key: form.get(key) for key in form if key not in schema.list_fields}
    for key in schema.list_fields:
        data[key] = form.getlist(key)
    data.pop("csrf_token", None)
    return data


def load_form(
    schema: FormSchema, form: MultiDict[str, str]
) -> tuple[dict[str, Any] | None, dict[str, list[str]], dict[str, Any]]:
    """(valid data or None, messages per field, the raw values to show again)."""
    raw = form_data(form, schema)
    try:
        return schema.load(raw), {}, raw
    except ValidationError as error:
        shown = {key: _visible(value) for key, value in raw.items()}
        return None, _flatten(error.messages), shown


def _flatten(messages: Any) -> dict[str, list[str]]:
    if isinstance(messages, dict):
        return {
            str(key): value if isinstance(value, list) else [str(value)]
            for key, value in messages.items()
        }
    return {"_schema": [str(message) for message in messages]}


def between(low: float, high: float) -> Callable[[float], None]:
    def check(value: float) -> None:
        if not low <= value <= high:
            low_text, high_text = number(low, 0), number(high, 0)
            raise ValidationError(
                _("Velg et tall fra %(low)s til %(high)s.", low=low_text, high=high_text)
            )

    return check


#: Minus signs a Norwegian keyboard, a word processor or a copied figure may give.
MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-"})


class DecimalNumber(fields.Float):
    """A number typed the Norwegian way: «-0,25», «−0,25», «0.25» and «1 000,5» all load.

    The form input must be `type="text" inputmode="decimal"`: a browser's number input may read
    the comma as a thousands separator and send «-025».
    """

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if isinstance(value, str):
            text = value.translate(MINUS_SIGNS).replace("\u00a0", "").replace(" ", "")
            if text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")
            value = text
        return super()._deserialize(value, attr, data, **kwargs)


def at_most(length: int) -> Callable[[str], None]:
    def check(value: str) -> None:
        if len(value) > length:
            raise ValidationError(_("Skriv høyst %(length)d tegn.", length=length))

    return check


def one_of(choices: Callable[[], Mapping[str, Any]] | tuple[str, ...]) -> Callable[[str], None]:
    def check(value: str) -> None:
        allowed = choices() if callable(choices) else choices
        if value not in allowed:
            raise ValidationError(_("Velg et av alternativene."))

    return check


def email_address(value: str) -> None:
    if len(value) > 254 or not EMAIL.match(value):
        raise ValidationError(_("Skriv en gyldig e-postadresse."))


class LocalDateTime(fields.Field):
    """A `datetime-local` form value in Norwegian time, loaded as an aware UTC datetime."""

    def _serialize(self, value: dt.datetime | None, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else to_local_input(value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            parsed = value
        else:
            try:
                parsed = dt.datetime.fromisoformat(str(value))
            except ValueError:
                raise ValidationError(_("Skriv dato og klokkeslett (åååå-mm-dd tt:mm).")) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=NORWAY)
        return parsed.astimezone(dt.UTC)


def to_local_input(value: dt.datetime) -> str:
    """The value a `datetime-local` field shows for a UTC datetime."""
    return value.astimezone(NORWAY).strftime("%Y-%m-%dT%H:%M")

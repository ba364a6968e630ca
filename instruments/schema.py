"""marshmallow schemas for the shape of an instrument file: keys, types and allowed words.

Rules that look across the file (references, translations, scale values) live in
``instruments.validation``; these schemas only say what each key may hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from instruments.errors import shown
from instruments.metadata import TEXT_DIRECTIONS
from instruments.model import DIRECTIONS, ITEM_KINDS, RESPONDENT_TYPES, SCALE_KINDS

INSTRUMENT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEY_ID = re.compile(r"[a-z][a-z0-9_]*")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")

ID_RULE = "use lowercase a-z, digits and _, starting with a letter"
_YAML_HINT = " (put it in quotes)"


class Slug(fields.Field[str]):
    """An identifier matching ``pattern``, e.g. an item id or a language code."""

    def __init__(self, pattern: re.Pattern[str], rule: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pattern = pattern
        self.rule = rule

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return check_slug(value, self.pattern, self.rule)


def check_slug(value: Any, pattern: re.Pattern[str], rule: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"must be text, got {shown(value)}")
    if not pattern.fullmatch(value):
        raise ValidationError(f"{shown(value)} is not a valid id: {rule}")
    return value


class StrictBoolean(fields.Field[bool]):
    """``true`` or ``false`` and nothing else, so ``"yes"`` is a mistake, not a truth."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"must be true or false, got {shown(value)}")
        return value


class Texts(fields.Field[dict[str, str]]):
    """A mapping from language code to a non-empty text.

    Whether every declared language is present is checked later, against ``languages``.
    """

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> dict[str, str]:
        if not isinstance(value, Mapping):
            raise ValidationError(
                f"must map language codes to texts, like {{nb: ...}}, got {shown(value)}"
            )
        messages: list[str] = []
        for language, text in value.items():
            if not isinstance(language, str):
                messages.append(f"language code {shown(language)} must be text{_YAML_HINT}")
            elif not isinstance(text, str):
                hint = _YAML_HINT if isinstance(text, bool | int | float) else ""
                messages.append(f"text for {shown(language)} must be text, got {shown(text)}{hint}")
            elif not text.strip():
                messages.append(f"text for {shown(language)} is empty")
        if messages:
            raise ValidationError(messages)
        return dict(value)


class NestedMapping(fields.Field[dict[str, dict[str, Any]]]):
    """A mapping from id to an entry loaded with ``schema``; errors are keyed by id."""

    def __init__(
        self,
        schema: type[Schema],
        key: re.Pattern[str] = KEY_ID,
        key_rule: str = ID_RULE,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.schema_class = schema
        self.key_pattern = key
        self.key_rule = key_rule

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> dict[str, dict[str, Any]]:
        if not isinstance(value, Mapping):
            raise ValidationError(f"must map ids to entries, got {shown(value)}")
        loaded: dict[str, dict[str, Any]] = {}
        errors: dict[str, Any] = {}
        for key, entry in value.items():
            try:
                check_slug(key, self.key_pattern, self.key_rule)
                loaded[key] = self.schema_class().load(entry)
            except ValidationError as error:
                errors[key if isinstance(key, str) else shown(key)] = error.messages
        if errors:
            raise ValidationError(errors)
        return loaded


class WholeNumber(fields.Field[int]):
    """An integer written as one: not ``"1"``, ``1.0`` or ``true``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if type(value) is not int:
            raise ValidationError(f"must be a whole number, got {shown(value)}")
        return value


def _whole_number(**kwargs: Any) -> WholeNumber:
    return WholeNumber(**kwargs)


def _word(choices: tuple[str, ...], what: str, **kwargs: Any) -> fields.String:
    """A word from a fixed list, e.g. a scale kind."""

    def known(value: str) -> None:
        if value not in choices:
            expected = ", ".join(choices)
            raise ValidationError(f"unknown {what} {shown(value)} (expected one of {expected})")

    return fields.String(validate=known, error_messages={"invalid": "must be text"}, **kwargs)


class PointSchema(Schema):
    value = _whole_number(required=True)
    label = Texts(required=True)


class ScaleSchema(Schema):
    kind = _word(SCALE_KINDS, "scale kind", required=True)
    points = fields.List(fields.Nested(PointSchema), required=True)
    decline = Texts(load_default=None, allow_none=True)


def _optional_text() -> fields.String:
    return fields.String(
        load_default=None, allow_none=True, error_messages={"invalid": "must be text"}
    )


class ConstructSchema(Schema):
    label = Texts(required=True)
    direction = _word(DIRECTIONS, "direction", required=True)
    description = _optional_text()
    no_reverse_reason = _optional_text()
    #: Shown to the respondent after the questionnaire, e.g. «snakk med en voksen du stoler på».
    support = Texts(load_default=None, allow_none=True)


class TranslationSchema(Schema):
    reviewed = StrictBoolean(required=True)
    note = _optional_text()
    direction = _word(TEXT_DIRECTIONS, "text direction", load_default="ltr")


class ChangeSchema(Schema):
    version = _whole_number(
        required=True, validate=validate.Range(min=1, error="must be 1 or more")
    )
    notes = fields.List(
        fields.String(error_messages={"invalid": "must be text"}),
        required=True,
        validate=validate.Length(min=1, error="must list at least one change"),
    )
    reworded = fields.List(Slug(KEY_ID, ID_RULE), load_default=list)


class ItemSchema(Schema):
    id = Slug(KEY_ID, ID_RULE, required=True)
    construct = Slug(KEY_ID, ID_RULE, load_default=None, allow_none=True)
    kind = _word(ITEM_KINDS, "item kind", load_default="choice")
    scale = Slug(KEY_ID, ID_RULE, load_default=None, allow_none=True)
    reverse = StrictBoolean(load_default=False)
    text = Texts(required=True)
    help = Texts(load_default=None, allow_none=True)


class InstrumentSchema(Schema):
    id = Slug(INSTRUMENT_ID, "use lowercase a-z, digits and -", required=True)
    version = _whole_number(
        required=True, validate=validate.Range(min=1, error="must be 1 or more")
    )
    respondent_type = _word(RESPONDENT_TYPES, "respondent type", required=True)
    title = Texts(required=True)
    intro = Texts(load_default=None, allow_none=True)
    languages = fields.List(
        Slug(LANGUAGE_CODE, "use a code like nb, nn or en"),
        required=True,
        validate=validate.Length(min=1, error="must list at least one language"),
    )
    scales = NestedMapping(ScaleSchema, required=True)
    constructs = NestedMapping(ConstructSchema, required=True)
    items = fields.List(fields.Nested(ItemSchema), required=True)
    translations = NestedMapping(
        TranslationSchema, LANGUAGE_CODE, "use a code like nb, nn or en", load_default=None
    )
    changelog = fields.List(fields.Nested(ChangeSchema), load_default=None)

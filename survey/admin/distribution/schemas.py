"""Distribution forms: which links to make, the batch to download again, opt-out counts."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate, validates_schema

from survey.admin.forms import FormSchema, between
from survey.config import MAX_LETTERS
from survey.links.queries import TOKEN_SHAPE

#: "parent:group:12", "parent:school:3" or "staff:school:3".
TARGET = re.compile(r"^(parent|staff):(group|school):(\d+)$")
#: One batch is one download, of at most this many links (letters or CSV rows); 500 letters
#: take some 15 seconds to set in Urdu, so a request never takes much longer.
MAX_LINKS = 500


def _target(value: str) -> None:
    match = TARGET.match(value)
    if match is None or (match.group(1) == "staff" and match.group(2) == "group"):
        raise ValidationError(_("Velg et av alternativene."))


class LetterForm(FormSchema):
    """A target and a letter language that the target's questionnaire is offered in."""

    target = fields.String(required=True, validate=_target)
    language = fields.String(required=True)

    def __init__(self, languages: dict[str, list[str]], **kwargs: Any) -> None:
        """`languages`: the letter languages offered per respondent type."""
        super().__init__(**kwargs)
        self.languages = languages

    @validates_schema
    def offered_language(self, data: dict[str, Any], **_kwargs: Any) -> None:
        _check_language(self.languages, data)


class LinkBatchForm(LetterForm):
    count = fields.Integer(load_default=None, validate=between(1, MAX_LINKS))

    @validates_schema
    def staff_count_given(self, data: dict[str, Any], **_kwargs: Any) -> None:
        kind = data.get("target", "").split(":")[0]
        if kind == "staff" and data.get("count") is None:
            raise ValidationError(_("Skriv hvor mange ansatte som skal få lenke."), "count")


def _token(value: str) -> None:
    if not TOKEN_SHAPE.match(value):
        raise ValidationError(_("Ukjent lenke."))


class DownloadForm(LetterForm):
    """The links of a batch, posted back from the page that showed them once."""

    list_fields = ("tokens",)

    tokens = fields.List(
        fields.String(validate=_token), required=True, validate=validate.Length(1, MAX_LINKS)
    )
    #: Letters per PDF, at most LETTERS_MAX_PER_BATCH (the default); more links give more PDFs.
    per_file = fields.Integer(load_default=None, validate=between(1, MAX_LETTERS))


def _check_language(languages: dict[str, list[str]], data: dict[str, Any]) -> None:
    """The letters' language is one the target's questionnaire can be answered in."""
    kind = data.get("target", "").split(":")[0]
    if "language" in data and data["language"] not in languages.get(kind, []):
        raise ValidationError(
            _("Spørreskjemaet for denne gruppen finnes ikke på dette språket."), "language"
        )


def parse_target(target: str) -> tuple[str, str, int]:
    match = TARGET.match(target)
    assert match is not None
    return match.group(1), match.group(2), int(match.group(3))


def opt_out_form(group_ids: list[int]) -> FormSchema:
    """One count per class, in fields named `opted_out_<group id>`; empty means 0."""
    declared = {
        f"opted_out_{group_id}": fields.Integer(load_default=0, validate=between(0, 2000))
        for group_id in group_ids
    }
    return FormSchema.from_dict(declared, name="OptOutForm")()

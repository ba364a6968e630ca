"""The forms of user management."""

from __future__ import annotations

from marshmallow import fields

from survey.admin.forms import FormSchema, at_most, email_address


class ScopeForm(FormSchema):
    """A role and its scopes: the projects of a lead or evaluator, the schools of a contact."""

    list_fields = ("projects", "schools")

    role = fields.String(required=True)
    projects = fields.List(fields.Integer(), load_default=list)
    schools = fields.List(fields.Integer(), load_default=list)


class InviteForm(ScopeForm):
    email = fields.String(required=True, validate=email_address)


class TemporaryPasswordForm(FormSchema):
    password = fields.String(required=True, validate=at_most(300))

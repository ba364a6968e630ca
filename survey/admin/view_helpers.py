"""What every administration view shares: who may enter, and how a form page is answered."""

from __future__ import annotations

from typing import Any

from flask import render_template
from werkzeug.datastructures import MultiDict

from survey.admin.forms import FormSchema, load_form
from survey.auth.access import current_user, roles_required
from survey.models import User

#: Setting up projects, rounds and distribution is for project leads (and admins).
lead_required = roles_required("project_lead")
#: Watching response counts is also for evaluators and school contacts (their own schools).
monitor_required = roles_required("project_lead", "evaluator", "school_contact")


def acting_user() -> User:
    user = current_user()
    assert user is not None  # the role decorators let no anonymous visitor through
    return user


def form_page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """The form page, with `values` and `errors` (empty on a first visit)."""
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return render_template(template, **context), status


def read_form(
    schema: FormSchema, form: MultiDict[str, str]
) -> tuple[dict[str, Any] | None, dict[str, list[str]], dict[str, Any]]:
    """Load a posted form: (valid data or None, messages per field, the raw values)."""
    return load_form(schema, form)

"""Project pages: make a project, see it whole, change its settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import Response

from survey.admin.errors import FieldError
from survey.admin.panel.views import card_languages
from survey.admin.projects import operations
from survey.admin.projects.queries import project_overview
from survey.admin.projects.schemas import ProjectForm
from survey.admin.view_helpers import acting_user, form_page, lead_required, read_form
from survey.auth.access import project_or_404
from survey.db import db_session
from survey.i18n import LANGUAGES

blueprint = Blueprint("projects", __name__, url_prefix="/projects")

FORM = "admin/project_form.html"


def _language_options() -> list[tuple[str, str, str]]:
    return [(code, language.native_name, code) for code, language in LANGUAGES.items()]


@blueprint.get("/new")
@lead_required
def new() -> tuple[str, int]:
    values = {"languages": ["nb", "nn"], "min_group_size": 10}
    return form_page(FORM, values=values, language_options=_language_options())


@blueprint.post("/new")
@lead_required
def create() -> tuple[str, int] | Response:
    data, errors, raw = read_form(ProjectForm(), request.form)
    if data is None:
        return form_page(FORM, 422, values=raw, errors=errors, language_options=_language_options())
    try:
        project = operations.create_project(db_session(), acting_user(), **data)
    except FieldError as error:
        return form_page(
            FORM, 422, values=raw, errors=error.messages, language_options=_language_options()
        )
    flash(_("Prosjektet er opprettet."), "success")
    return redirect(url_for("admin.projects.show", project_id=project.id))


@blueprint.get("/<int:project_id>/")
@lead_required
def show(project_id: int) -> str:
    project = project_or_404(project_id)
    return render_template(
        "admin/project.html",
        project=project,
        overview=project_overview(db_session(), project),
        card_languages=card_languages(project) if project.is_panel else [],
    )


@blueprint.get("/<int:project_id>/edit")
@lead_required
def edit(project_id: int) -> tuple[str, int]:
    project = project_or_404(project_id)
    values = {
        "name": project.name,
        "description": project.description,
        "min_group_size": project.min_group_size,
        "languages": project.languages,
        "delete_after_on": project.delete_after_on.isoformat(),
        "is_panel": project.is_panel,
        "letter_sender": project.letter_sender,
        "letter_contact": project.letter_contact,
        "data_controller": project.data_controller,
    }
    return form_page(FORM, values=values, project=project, language_options=_language_options())


@blueprint.post("/<int:project_id>/edit")
@lead_required
def update(project_id: int) -> tuple[str, int] | Response:
    project = project_or_404(project_id)
    data, errors, raw = read_form(ProjectForm(), request.form)
    context = {"project": project, "language_options": _language_options()}
    if data is None:
        return form_page(FORM, 422, values=raw, errors=errors, **context)
    try:
        operations.update_project(db_session(), acting_user(), project, **data)
    except FieldError as error:
        return form_page(FORM, 422, values=raw, errors=error.messages, **context)
    flash(_("Endringene er lagret."), "success")
    return redirect(url_for("admin.projects.show", project_id=project.id))

"""School and class pages, and the CSV import."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug import Response

from survey.admin.errors import FieldError
from survey.admin.schools import operations
from survey.admin.schools.csv_import import import_classes
from survey.admin.schools.schemas import GroupForm, SchoolForm
from survey.admin.view_helpers import acting_user, form_page, lead_required, read_form
from survey.auth.access import group_or_404, project_or_404, school_or_404
from survey.db import db_session

blueprint = Blueprint("schools", __name__)

SCHOOL_FORM = "admin/school_form.html"
GROUP_FORM = "admin/group_form.html"
IMPORT_FORM = "admin/import_form.html"


def _back_to(project_id: int) -> Response:
    return redirect(url_for("admin.projects.show", project_id=project_id))


@blueprint.get("/projects/<int:project_id>/schools/new")
@lead_required
def new(project_id: int) -> tuple[str, int]:
    return form_page(SCHOOL_FORM, project=project_or_404(project_id), values={"arm": ""})


@blueprint.post("/projects/<int:project_id>/schools/new")
@lead_required
def create(project_id: int) -> tuple[str, int] | Response:
    project = project_or_404(project_id)
    data, errors, raw = read_form(SchoolForm(), request.form)
    try:
        if data is None:
            return form_page(SCHOOL_FORM, 422, project=project, values=raw, errors=errors)
        operations.create_school(db_session(), acting_user(), project, **data)
    except FieldError as error:
        return form_page(SCHOOL_FORM, 422, project=project, values=raw, errors=error.messages)
    flash(_("Skolen er lagt til."), "success")
    return _back_to(project.id)


@blueprint.get("/schools/<int:school_id>/edit")
@lead_required
def edit(school_id: int) -> tuple[str, int]:
    school = school_or_404(school_id)
    values = {
        key: getattr(school, key) for key in ("name", "code", "arm", "contact_email", "language")
    }
    return form_page(SCHOOL_FORM, project=school.project, school=school, values=values)


@blueprint.post("/schools/<int:school_id>/edit")
@lead_required
def update(school_id: int) -> tuple[str, int] | Response:
    school = school_or_404(school_id)
    context = {"project": school.project, "school": school}
    data, errors, raw = read_form(SchoolForm(), request.form)
    try:
        if data is None:
            return form_page(SCHOOL_FORM, 422, values=raw, errors=errors, **context)
        operations.update_school(db_session(), acting_user(), school, **data)
    except FieldError as error:
        return form_page(SCHOOL_FORM, 422, values=raw, errors=error.messages, **context)
    flash(_("Endringene er lagret."), "success")
    return _back_to(school.project_id)


@blueprint.get("/schools/<int:school_id>/groups/new")
@lead_required
def new_group(school_id: int) -> tuple[str, int]:
    school = school_or_404(school_id)
    return form_page(GROUP_FORM, project=school.project, school=school)


@blueprint.post("/schools/<int:school_id>/groups/new")
@lead_required
def create_group(school_id: int) -> tuple[str, int] | Response:
    school = school_or_404(school_id)
    context = {"project": school.project, "school": school}
    data, errors, raw = read_form(GroupForm(), request.form)
    try:
        if data is None:
            return form_page(GROUP_FORM, 422, values=raw, errors=errors, **context)
        operations.create_group(db_session(), acting_user(), school, **data)
    except FieldError as error:
        return form_page(GROUP_FORM, 422, values=raw, errors=error.messages, **context)
    flash(_("Klassen er lagt til."), "success")
    return _back_to(school.project_id)


@blueprint.get("/groups/<int:group_id>/edit")
@lead_required
def edit_group(group_id: int) -> tuple[str, int]:
    group = group_or_404(group_id)
    values = {key: getattr(group, key) for key in ("grade", "label", "enrolled")}
    context = {"project": group.school.project, "school": group.school, "group": group}
    return form_page(GROUP_FORM, values=values, **context)


@blueprint.post("/groups/<int:group_id>/edit")
@lead_required
def update_group(group_id: int) -> tuple[str, int] | Response:
    group = group_or_404(group_id)
    context = {"project": group.school.project, "school": group.school, "group": group}
    data, errors, raw = read_form(GroupForm(), request.form)
    try:
        if data is None:
            return form_page(GROUP_FORM, 422, values=raw, errors=errors, **context)
        operations.update_group(db_session(), acting_user(), group, **data)
    except FieldError as error:
        return form_page(GROUP_FORM, 422, values=raw, errors=error.messages, **context)
    flash(_("Endringene er lagret."), "success")
    return _back_to(group.school.project_id)


@blueprint.post("/groups/<int:group_id>/delete")
@lead_required
def delete_group(group_id: int) -> tuple[str, int] | Response:
    group = group_or_404(group_id)
    context = {"project": group.school.project, "school": group.school, "group": group}
    values = {key: getattr(group, key) for key in ("grade", "label", "enrolled")}
    project_id = group.school.project_id
    try:
        operations.delete_group(db_session(), acting_user(), group)
    except FieldError as error:
        return form_page(GROUP_FORM, 422, values=values, errors=error.messages, **context)
    flash(_("Klassen er slettet."), "success")
    return _back_to(project_id)


@blueprint.get("/projects/<int:project_id>/import")
@lead_required
def import_form(project_id: int) -> str:
    return render_template(IMPORT_FORM, project=project_or_404(project_id), problems=[])


@blueprint.post("/projects/<int:project_id>/import")
@lead_required
def import_file(project_id: int) -> tuple[str, int] | Response:
    project = project_or_404(project_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        problems = [_("Velg en CSV-fil.")]
        return render_template(IMPORT_FORM, project=project, problems=problems), 422
    result = import_classes(db_session(), acting_user(), project, upload.read())
    if result.problems:
        return render_template(IMPORT_FORM, project=project, problems=result.problems), 422
    schools = ngettext("%(num)d ny skole", "%(num)d nye skoler", result.schools_created)
    created = ngettext("%(num)d ny klasse", "%(num)d nye klasser", result.groups_created)
    updated = ngettext("%(num)d endret klasse", "%(num)d endrede klasser", result.groups_updated)
    flash(
        _(
            "Importert: %(schools)s, %(created)s og %(updated)s.",
            schools=schools,
            created=created,
            updated=updated,
        ),
        "success",
    )
    return _back_to(project.id)

"""Distribution pages: class codes, link batches (CSV and PDF letters), the information letter
about the pupil survey, and opt-out counts per class.

Making a batch is a POST that redirects to the batch's page (post/redirect/get), so a reload
never makes a second batch. The batch page (`batches.py`) shows the tokens in hidden fields of
two download forms, sent with `Cache-Control: no-store`; posting them back gives the CSV or the
letters. The database keeps the tokens' hashes, and the batch keeps them sealed until the round
closes or the batch is voided (docs/security.md).
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug import Response

from survey import audit
from survey.admin.distribution import letter_jobs, operations, queries
from survey.admin.distribution.code_sheet import ClassCodePage, class_code_sheet_pdf
from survey.admin.distribution.files import link_csv, link_url, safe_name
from survey.admin.distribution.letters import (
    InformationLetter,
    information_letter_pdf,
)
from survey.admin.distribution.schemas import (
    MAX_LINKS,
    DownloadForm,
    LinkBatchForm,
    opt_out_form,
    parse_target,
)
from survey.admin.view_helpers import acting_user, lead_required, read_form
from survey.auth.access import round_or_404
from survey.db import db_session
from survey.i18n import LANGUAGES
from survey.links.phone_pages import offered_languages
from survey.models import Group, InstrumentVersion, Round, School
from survey.responses.operations import instrument_of
from survey.rounds import counts

blueprint = Blueprint("distribution", __name__, url_prefix="/rounds/<int:round_id>")

NO_STORE = {"Cache-Control": "no-store"}


def letter_languages(round_: Round) -> dict[str, list[str]]:
    """Per respondent type with links: the languages its questionnaire can be answered in."""
    languages = {}
    for kind in ("parent", "staff"):
        version = round_.instrument_for(kind)
        if version is not None:
            languages[kind] = offered_languages(instrument_of(version), round_.project.languages)
    return languages


def printable_url(version: InstrumentVersion, language: str) -> str:
    """The public printable questionnaire of a version, in `language` if it has it."""
    languages = instrument_of(version).languages
    return url_for(
        "printable.printed",
        instrument_id=version.instrument_key,
        version=version.version,
        lang=language if language in languages else languages[0],
    )


def _page(round_: Round, status: int = 200, **context: Any) -> tuple[str, int]:
    session, secret_key = db_session(), current_app.config["SECRET_KEY"]
    context.setdefault("values", {})
    context.setdefault("errors", {})
    page = render_template(
        "admin/distribution.html",
        project=round_.project,
        round=round_,
        tallies=counts.link_tallies(session, round_.id),
        class_codes=queries.class_codes(session, round_, secret_key),
        opt_outs=counts.opt_outs(session, round_.id),
        batches=queries.batches_of_round(session, round_.id),
        letter_languages=letter_languages(round_),
        printable_url=printable_url,
        **context,
    )
    return page, status


@blueprint.get("/distribution")
@lead_required
def show(round_id: int) -> tuple[str, int]:
    return _page(round_or_404(round_id))


def _target_rows(round_: Round, target: str) -> tuple[School, Group | None, str]:
    """The school and class a target names, if they belong to the round's project."""
    respondent_type, scope, ident = parse_target(target)
    session = db_session()
    group = session.get(Group, ident) if scope == "group" else None
    school = group.school if group is not None else session.get(School, ident)
    if school is None or school.project_id != round_.project_id:
        abort(404)
    return school, group, respondent_type


@blueprint.post("/links")
@lead_required
def make_links(round_id: int) -> tuple[str, int] | Response:
    round_ = round_or_404(round_id)
    data, errors, raw = read_form(LinkBatchForm(letter_languages(round_)), request.form)
    if data is None:
        return _page(round_, 422, values=raw, errors=errors)
    if round_.status == "closed":
        return _page(round_, 422, values=raw, errors={"target": [_("Runden er lukket.")]})
    school, group, respondent_type = _target_rows(round_, data["target"])
    count = data["count"] or (group.enrolled if group else sum(g.enrolled for g in school.groups))
    if count < 1:
        return _page(round_, 422, values=raw, errors={"count": [_("Skriv et tall.")]})
    batch, _tokens = operations.make_link_batch(
        db_session(),
        acting_user(),
        round_,
        school,
        respondent_type,
        count,
        current_app.config["SECRET_KEY"],
        group,
        data["language"],
    )
    return redirect(url_for("admin.batches.show", round_id=round_.id, batch_id=batch.id), 303)


def _too_many_links(round_: Round) -> NoReturn:
    message = _(
        "En nedlasting kan ha høyst %(max)d lenker. Last ned bunkene hver for seg.",
        max=MAX_LINKS,
    )
    page, status = _page(round_, 422, errors={"_schema": [message]})
    abort(make_response(page, status))


def _checked_form(round_: Round) -> tuple[dict[str, Any], School, Group | None, str]:
    if len(request.form.getlist("tokens")) > MAX_LINKS:
        _too_many_links(round_)  # before hashing thousands of tokens or setting their letters
    data, _errors, _raw = read_form(DownloadForm(letter_languages(round_)), request.form)
    if data is None:
        abort(422)
    school, group, respondent_type = _target_rows(round_, data["target"])
    target = (respondent_type, school.id, group.id if group else None)
    secret_key = current_app.config["SECRET_KEY"]
    if not queries.links_of_batch(db_session(), secret_key, round_.id, data["tokens"], target):
        abort(422)
    return data, school, group, respondent_type


def _checked_batch(round_: Round) -> tuple[dict[str, Any], School, Group | None, str]:
    data, school, group, respondent_type = _checked_form(round_)
    audit.record(
        db_session(),
        "links.downloaded",
        user=acting_user(),
        project_id=round_.project_id,
        round_id=round_.id,
        school_id=school.id,
        respondent_type=respondent_type,
        count=len(data["tokens"]),
        format=request.path.rsplit(".", 1)[-1],
    )
    return data, school, group, respondent_type


@blueprint.post("/links.csv")
@lead_required
def download_csv(round_id: int) -> Response:
    round_ = round_or_404(round_id)
    data, school, group, respondent_type = _checked_batch(round_)
    body = link_csv(school, group, respondent_type, data["language"], data["tokens"])
    name = safe_name(f"lenker-{school.code}-{group.label if group else respondent_type}.csv")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE},
    )


@blueprint.post("/letters.pdf")
@lead_required
def download_letters(round_id: int) -> Response:
    """Queue the batch's letters and go to their progress page; a worker sets them."""
    round_ = round_or_404(round_id)
    data, _school, _group, _respondent_type = _checked_form(round_)
    cap = current_app.config["LETTERS_MAX_PER_BATCH"]
    per_file = data.get("per_file") or cap
    if per_file > cap:
        abort(422)
    secret_key = current_app.config["SECRET_KEY"]
    batch = queries.batch_of_tokens(db_session(), secret_key, data["tokens"])
    if batch is None or batch.round_id != round_.id:
        abort(422)
    job = letter_jobs.request_letters(
        db_session(),
        acting_user(),
        round_,
        batch,
        data["language"],
        per_file,
        link_url(letter_jobs.TOKEN_MARK),
        len(data["tokens"]),
    )
    return redirect(url_for("admin.letter_jobs.page", round_id=round_.id, job_id=job.id), 303)


@blueprint.get("/information-letter.pdf")
@lead_required
def information_letter(round_id: int) -> Response:
    round_ = round_or_404(round_id)
    school = db_session().get(School, request.args.get("school", type=int) or 0)
    language = request.args.get("language", "nb")
    version = round_.instrument_for("pupil")
    if school is None or school.project_id != round_.project_id or version is None:
        abort(404)
    if language not in LANGUAGES:
        abort(404)
    questionnaire = printable_url(version, language)
    letter = InformationLetter(
        language=language,
        school=school.name,
        opens_at=round_.opens_at,
        closes_at=round_.closes_at,
        min_group_size=round_.project.min_group_size,
        questionnaire_url=link_url(None, questionnaire),
        is_panel=round_.project.is_panel,
        sender=round_.project.letter_sender,
        contact=round_.project.letter_contact,
        data_controller=round_.project.data_controller,
    )
    name = safe_name(f"informasjonsbrev-{school.code}-{language}.pdf")
    return Response(
        information_letter_pdf(letter),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.get("/class-codes.pdf")
@lead_required
def class_code_sheet(round_id: int) -> Response:
    """The printable sheet of class codes, one page per class, for the contact teachers."""
    round_ = round_or_404(round_id)
    if round_.status != "open" or round_.instrument_for("pupil") is None:
        abort(404)
    codes = queries.class_codes(db_session(), round_, current_app.config["SECRET_KEY"])
    school_id = request.args.get("school", type=int)
    pages = [
        ClassCodePage(
            school.name,
            group.label,
            codes[group.id],
            link_url(None, url_for("pupil.start", kode=codes[group.id])),
        )
        for school in round_.project.schools
        if school_id in (None, school.id)
        for group in school.groups
        if group.id in codes
    ]
    if not pages:
        abort(404)
    pdf = class_code_sheet_pdf(
        pages, round_.label, round_.opens_at, round_.closes_at, link_url(None, "/")
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="klassekoder.pdf"', **NO_STORE},
    )


@blueprint.post("/opt-outs")
@lead_required
def save_opt_outs(round_id: int) -> tuple[str, int] | Response:
    round_ = round_or_404(round_id)
    group_ids = [group.id for school in round_.project.schools for group in school.groups]
    data, errors, raw = read_form(opt_out_form(group_ids), request.form)
    if data is None:
        return _page(round_, 422, opt_out_values=raw, opt_out_errors=errors)
    counts = {int(key.removeprefix("opted_out_")): value for key, value in data.items()}
    operations.record_opt_outs(db_session(), acting_user(), round_, counts)
    flash(_("Reservasjonene er lagret."), "success")
    return redirect(url_for("admin.distribution.show", round_id=round_.id) + "#opt-outs")

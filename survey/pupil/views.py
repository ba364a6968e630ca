"""The pupil's pages: class code, language, the survey page, and the same survey as plain forms.

With JavaScript the survey page (`/elev/`) shows every question itself and saves through
`survey.pupil.api`; without it, the forms below ask one question per page and the server keeps
the response id in the session.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from survey.clock import today_in_norway
from survey.db import db_session
from survey.models import Response as SurveyResponse
from survey.pupil import operations, queries
from survey.pupil.schemas import AnswerForm, ClassCodeForm, LanguageForm
from survey.ratelimit import client_key, window
from survey.responses.operations import AnswerError, complete_response
from survey.rounds.queries import find_open_class_code

blueprint = Blueprint("pupil", __name__)

CLASS_KEY = "class_code_id"
LANGUAGE_KEY = "pupil_lang"
RESPONSE_KEY = "pupil_response_id"
SAVING_ENDPOINTS = {"pupil.start_form_survey", "pupil.form_question", "pupil.form_finish"}


@blueprint.before_request
def speak_the_pupils_language() -> None:
    g.lang = session.get(LANGUAGE_KEY) or "nb"


@blueprint.before_request
def wait_for_the_write_lock() -> None:
    if request.method == "POST" and request.endpoint in SAVING_ENDPOINTS:
        operations.take_write_lock(db_session())


@blueprint.after_request
def never_cache(response: Response) -> Response:
    """A shared tablet must not show the previous pupil's pages from the browser's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("icons", queries.icon_sprite())
    return render_template(template, **context), status


def _class_or_none() -> queries.PupilClass | None:
    return queries.open_class(db_session(), session.get(CLASS_KEY))


@blueprint.get("/")
def start() -> tuple[str, int] | BaseResponse:
    """The class code page; a QR code's `?kode=...` is entered as if typed."""
    g.lang = "nb"
    if "kode" in request.args:
        return _enter_class_code(request.args.get("kode", ""))
    return _render("pupil/start.html", code="", current=_class_or_none())


@blueprint.post("/")
def enter_class_code() -> tuple[str, int] | BaseResponse:
    g.lang = "nb"
    try:
        form = ClassCodeForm().load(request.form)
    except ValidationError:
        form = {"code": ""}
    return _enter_class_code(form["code"])


def _enter_class_code(typed: str) -> tuple[str, int] | BaseResponse:
    typed = typed[:40]
    guesses, client = window("class-code-client"), client_key()
    if guesses.is_blocked(client):
        error = _("For mange forsøk. Vent litt og prøv igjen.")
        return _render("pupil/start.html", 429, code=typed, error=error, current=None)
    access = find_open_class_code(db_session(), current_app.config["SECRET_KEY"], typed)
    pupil_class = queries.open_class(db_session(), access.id if access else None)
    if pupil_class is None:
        guesses.count(client)  # only wrong codes count: a whole school shares one address
        error = _("Vi fant ingen åpen klasse med den koden. Sjekk koden og prøv igjen.")
        return _render("pupil/start.html", 422, code=typed, error=error, current=None)
    session.clear()
    session[CLASS_KEY] = pupil_class.access.id
    languages = pupil_class.instrument.languages
    if len(languages) == 1:
        session[LANGUAGE_KEY] = languages[0]
        return redirect(url_for("pupil.survey"))
    return redirect(url_for("pupil.choose_language"))


def _language_page(pupil_class: queries.PupilClass, status: int = 200) -> tuple[str, int]:
    choices = queries.language_choices(pupil_class.instrument)
    return _render("pupil/language.html", status, pupil_class=pupil_class, choices=choices)


@blueprint.get("/elev/sprak")
def choose_language() -> tuple[str, int] | BaseResponse:
    pupil_class = _class_or_none()
    if pupil_class is None:
        return redirect(url_for("pupil.start"))
    return _language_page(pupil_class)


@blueprint.post("/elev/sprak")
def set_language() -> tuple[str, int] | BaseResponse:
    pupil_class = _class_or_none()
    if pupil_class is None:
        return redirect(url_for("pupil.start"))
    try:
        chosen = LanguageForm().load(request.form)["lang"]
    except ValidationError:
        chosen = None
    if chosen not in pupil_class.instrument.languages:
        return _language_page(pupil_class, 422)  # the choices again: none was chosen
    session[LANGUAGE_KEY] = chosen
    session.pop(RESPONSE_KEY, None)
    return redirect(url_for("pupil.survey"))


def _survey_context() -> tuple[queries.PupilClass, str] | None:
    pupil_class = _class_or_none()
    lang = session.get(LANGUAGE_KEY)
    if pupil_class is None or lang not in pupil_class.instrument.languages:
        return None
    return pupil_class, lang


@blueprint.get("/elev/")
def survey() -> tuple[str, int] | BaseResponse:
    """The intro; with JavaScript, every screen after it too, from the data sent here once."""
    context = _survey_context()
    if context is None:
        return redirect(url_for("pupil.choose_language"))
    pupil_class, lang = context
    token = queries.class_token(current_app.config["SECRET_KEY"], pupil_class.access.id)
    instrument = pupil_class.instrument
    return _render(
        "pupil/survey.html",
        pupil_class=pupil_class,
        instrument=instrument,
        content_lang=lang,
        choices=queries.language_choices(instrument),
        scales=queries.scale_views(instrument, lang),
        data=queries.survey_data(instrument, lang, token),
    )


@blueprint.post("/elev/start")
def start_form_survey() -> BaseResponse:
    context = _survey_context()
    if context is None:
        return redirect(url_for("pupil.choose_language"))
    pupil_class, lang = context
    response = operations.start_form_response(db_session(), pupil_class.access, lang)
    session[RESPONSE_KEY] = response.id
    return redirect(url_for("pupil.form_question", number=1))


def _form_response() -> tuple[queries.PupilClass, str, SurveyResponse] | None:
    context = _survey_context()
    response_id = session.get(RESPONSE_KEY)
    if context is None or response_id is None:
        return None
    response = db_session().get(SurveyResponse, response_id)
    if response is None or response.is_complete:
        return None
    return (*context, response)


@blueprint.route("/elev/sporsmal/<int:number>", methods=["GET", "POST"])
def form_question(number: int) -> tuple[str, int] | BaseResponse:
    """One question as a plain form: the no-JavaScript path."""
    found = _form_response()
    if found is None:
        return redirect(url_for("pupil.survey"))
    pupil_class, lang, response = found
    shown = queries.question(pupil_class.instrument, lang, number)
    if shown is None:
        return redirect(url_for("pupil.form_finish"))
    error = None
    if request.method == "POST":
        try:
            form = AnswerForm().load(request.form)
            operations.save_form_choice(
                db_session(), response, shown.item_id, form["answer"], form["text"]
            )
        except (ValidationError, AnswerError):
            error = _("Svaret kunne ikke lagres. Velg et av svarene og prøv igjen.")
        else:
            step = -1 if form["action"] == "back" else 1
            if number + step < 1:
                return redirect(url_for("pupil.survey"))
            return redirect(url_for("pupil.form_question", number=number + step))
    answer = queries.given_answers(db_session(), response.id).get(shown.item_id)
    return _render(
        "pupil/question.html",
        422 if error else 200,
        question=shown,
        selected=queries.form_value(answer),
        content_lang=lang,
        error=error,
    )


@blueprint.route("/elev/send", methods=["GET", "POST"])
def form_finish() -> tuple[str, int] | BaseResponse:
    found = _form_response()
    if found is None:
        return redirect(url_for("pupil.form_thanks"))
    pupil_class, _lang, response = found
    total = len(pupil_class.instrument.items)
    if request.method == "POST":
        try:
            complete_response(db_session(), response, today_in_norway())
        except AnswerError:
            error = _(
                "Svarene kunne ikke sendes, fordi undersøkelsen er stengt. Si fra til læreren."
            )
            return _render("pupil/finish.html", 422, total=total, error=error)
        session.pop(RESPONSE_KEY, None)
        return redirect(url_for("pupil.form_thanks"))
    return _render("pupil/finish.html", total=total)


@blueprint.get("/elev/takk")
def form_thanks() -> tuple[str, int]:
    return _render("pupil/thanks.html")

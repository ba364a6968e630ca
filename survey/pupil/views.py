"""The pupil's pages: class code, language, the survey page, and the same survey as plain forms.

With JavaScript the survey page (`/elev/`) shows every question itself and saves through
`survey.pupil.api`; without it, the forms below ask one question per page and the server keeps
the response id in the session. Either way a pupil who leaves the tablet is asked «Er du
fortsatt her?» and then forgotten (`survey.pupil.tablet`), so the next pupil reads nothing.
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
from survey.db import db_session, take_write_lock
from survey.models import Response as SurveyResponse
from survey.pupil import card_step, codes, operations, queries, tablet
from survey.pupil.schemas import AnswerForm, ClassCodeForm, LanguageForm
from survey.pupil.tablet import LANGUAGE_KEY, QUESTION_KEY, RESPONSE_KEY
from survey.responses.operations import AnswerError, complete_response

blueprint = Blueprint("pupil", __name__)

SAVING_ENDPOINTS = {"pupil.start_form_survey", "pupil.form_question", "pupil.form_finish"}


@blueprint.before_request
def speak_the_pupils_language() -> None:
    g.lang = session.get(LANGUAGE_KEY) or "nb"


@blueprint.before_request
def forget_a_pupil_who_left() -> None:
    tablet.forget_an_idle_pupil()


@blueprint.before_request
def wait_for_the_write_lock() -> None:
    if request.method == "POST" and request.endpoint in SAVING_ENDPOINTS:
        take_write_lock(db_session())


@blueprint.after_request
def never_cache(response: Response) -> Response:
    """A shared tablet must not show the previous pupil's pages from the browser's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.after_request
def move_on_by_itself(response: Response) -> Response:
    """Without JavaScript, an untouched question goes to «Er du fortsatt her?», and that, if
    nobody answers, to the next pupil (HTTP Refresh: no script, no markup). This meets WCAG
    2.2.1 by its "extend" clause: a warning, then TABLET_IDLE_GRACE_SECONDS (at least 20)
    to keep going with one tap."""
    if response.status_code not in (200, 422) or response.mimetype != "text/html":
        return response
    config = current_app.config
    if request.endpoint in ("pupil.form_question", "pupil.form_finish"):
        target = url_for("pupil.still_there")
        response.headers["Refresh"] = f"{config['TABLET_IDLE_SECONDS']}; url={target}"
    elif request.endpoint == "pupil.still_there":
        target = url_for("pupil.next_pupil")
        response.headers["Refresh"] = f"{config['TABLET_IDLE_GRACE_SECONDS']}; url={target}"
    return response


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("icons", queries.icon_sprite())
    context.setdefault("idle_seconds", current_app.config["TABLET_IDLE_SECONDS"])
    context.setdefault("grace_seconds", current_app.config["TABLET_IDLE_GRACE_SECONDS"])
    return render_template(template, **context), status


def _class_or_none() -> queries.PupilClass | None:
    return queries.open_class(db_session(), tablet.class_id())


@blueprint.get("/")
def start() -> tuple[str, int] | BaseResponse:
    """The class code page; a QR code's `?kode=...` is entered as if typed."""
    g.lang = "nb"
    tablet.tablet_id()
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
    found = codes.check_class_code(db_session(), current_app.config["SECRET_KEY"], typed)
    if found.error is not None:
        page = "pupil/start.html"
        return _render(page, found.status, code=typed, error=found.error, current=None)
    assert found.pupil_class is not None
    tablet.set_class(found.pupil_class.access.id)
    languages = found.pupil_class.instrument.languages
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
    tablet.forget_pupil()
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
    return _survey_page(*context)


def _survey_page(
    pupil_class: queries.PupilClass, lang: str, status: int = 200, card_error: str | None = None
) -> tuple[str, int]:
    token = tablet.token_for_this_tablet()
    assert token is not None  # the class was found from the same session just now
    instrument = pupil_class.instrument
    is_panel = pupil_class.access.round.project.is_panel
    data = queries.survey_data(instrument, lang, token)
    return _render(
        "pupil/survey.html",
        status,
        pupil_class=pupil_class,
        instrument=instrument,
        content_lang=lang,
        choices=queries.language_choices(instrument),
        scales=queries.scale_views(instrument, lang),
        is_panel=is_panel,
        card_error=card_error,
        data={**data, "idle": _idle_settings(), "panel": is_panel},
        support=instrument.support_messages(lang),
    )


def _idle_settings() -> dict[str, int]:
    config = current_app.config
    return {
        "seconds": config["TABLET_IDLE_SECONDS"],
        "graceSeconds": config["TABLET_IDLE_GRACE_SECONDS"],
    }


@blueprint.post("/elev/start")
def start_form_survey() -> tuple[str, int] | BaseResponse:
    context = _survey_context()
    if context is None:
        return redirect(url_for("pupil.choose_language"))
    pupil_class, lang = context
    may_start, member_id = card_step.typed_card(db_session(), pupil_class, request.form)
    if not may_start:
        return _survey_page(pupil_class, lang, 422, card_error=card_step.card_error())
    response = operations.start_form_response(db_session(), pupil_class.access, lang)
    response.panel_member_id = member_id  # an unissued code is answered alike, and not linked
    session[RESPONSE_KEY] = response.id
    tablet.touch_pupil(1)
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
    tablet.touch_pupil(number)
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
    tablet.touch_pupil()
    total = len(pupil_class.instrument.items)
    if request.method == "POST":
        try:
            complete_response(db_session(), response, today_in_norway())
        except AnswerError:
            error = _(
                "Svarene kunne ikke sendes, fordi undersøkelsen er stengt. Si fra til læreren."
            )
            return _render("pupil/finish.html", 422, total=total, error=error)
        tablet.forget_pupil()
        return redirect(url_for("pupil.form_thanks"))
    return _render("pupil/finish.html", total=total)


@blueprint.get("/elev/takk")
def form_thanks() -> tuple[str, int]:
    context = _survey_context()
    support = context[0].instrument.support_messages(context[1]) if context else []
    return _render("pupil/thanks.html", support=support)


@blueprint.get("/elev/er-du-der")
def still_there() -> tuple[str, int] | BaseResponse:
    """Where an untouched plain-form page goes by itself: «Er du fortsatt her?»."""
    if session.get(RESPONSE_KEY) is None:
        return redirect(url_for("pupil.survey"))
    return _render("pupil/still_there.html", question=session.get(QUESTION_KEY, 1))


@blueprint.post("/elev/er-du-der")
def still_here() -> BaseResponse:
    if session.get(RESPONSE_KEY) is None:
        return redirect(url_for("pupil.survey"))
    tablet.touch_pupil()
    return redirect(url_for("pupil.form_question", number=session.get(QUESTION_KEY, 1)))


@blueprint.get("/elev/neste")
def next_pupil() -> BaseResponse:
    """«Neste elev», and where «Er du fortsatt her?» goes when nobody answers: the pupil is
    forgotten (their unsent draft never counts), the class stays."""
    tablet.forget_pupil()
    return redirect(url_for("pupil.survey"))

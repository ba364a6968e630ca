"""The link flow for parents and staff, on their own phones. No login, no names.

Every page looks the token up afresh, so a link used in another tab, or a round that closed
in the meantime, gets its own clear page instead of an error.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from werkzeug import Response

from instruments import Instrument
from survey.clock import today_in_norway
from survey.db import db_session
from survey.i18n import LANGUAGES
from survey.links import operations
from survey.links.pages import Page, offered_languages, pages_of
from survey.links.queries import LinkState, link_state
from survey.links.schemas import DECLINED, draft_answers, page_schema
from survey.responses.operations import AnswerError, instrument_of
from survey.rounds.dates import norway_date
from survey.wellformed import without_hidden_controls

blueprint = Blueprint("links", __name__)
blueprint.add_app_template_filter(norway_date, "norway_date")

#: Pages that must not be kept by the phone's browser or any cache between.
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
#: The buttons of a page: back, or next (the default, as when Enter is pressed).
DIRECTIONS = (None, "back", "next")


def _state(token: str) -> LinkState:
    return link_state(db_session(), current_app.config["SECRET_KEY"], token)


def _speak(options: list[str], chosen: str | None = None) -> str:
    """Set the page language: the chosen one, else the browser's best match, else the first."""
    language = chosen if chosen in options else request.accept_languages.best_match(options)
    g.lang = language or options[0]
    return g.lang


def _stop_page(state: LinkState) -> tuple[str, int, dict[str, str]]:
    """The clear page for a link that cannot be answered now."""
    project = state.access.round.project if state.access is not None else None
    known = [code for code in (project.languages if project else []) if code in LANGUAGES]
    _speak(known or list(LANGUAGES))
    status = {"used": 200, "not_open": 200, "unknown": 404, "failed": 422}.get(state.status, 410)
    round_ = state.access.round if state.access is not None else None
    page = render_template("links/stopped.html", state=state, round=round_)
    return page, status, NO_STORE


def _languages(state: LinkState) -> list[str]:
    assert state.access is not None and state.version is not None
    return offered_languages(instrument_of(state.version), state.access.round.project.languages)


def _start_page(
    state: LinkState, token: str, chosen: str | None, status: int = 200
) -> tuple[str, int, dict[str, str]]:
    options = _languages(state)
    language = _speak(options, chosen)
    instrument = instrument_of(state.version)
    context = {"token": token, "instrument": instrument, "options": options, "state": state}
    page = render_template("links/start.html", language=language, **context)
    return page, status, NO_STORE


@blueprint.get("/s/<token>")
def start(token: str) -> tuple[str, int, dict[str, str]]:
    state = _state(token)
    if not state.is_ready:
        return _stop_page(state)
    chosen = request.args.get("lang") or (state.draft.language if state.draft else None)
    return _start_page(state, token, chosen)


@blueprint.post("/s/<token>")
def choose_language(token: str) -> tuple[str, int, dict[str, str]] | Response:
    state = _state(token)
    if not state.is_ready:
        return _stop_page(state)
    options = _languages(state)
    chosen = request.form.get("language")
    if chosen is not None and chosen not in options:  # not one of the page's choices
        return _start_page(state, token, state.draft.language if state.draft else None, 422)
    operations.save_draft(db_session(), state.access, _speak(options, chosen))
    return redirect(url_for("links.page", token=token, number=1))


@blueprint.get("/s/<token>/<int:number>")
def page(token: str, number: int) -> tuple[str, int, dict[str, str]] | Response:
    state = _state(token)
    if not state.is_ready:
        return _stop_page(state)
    instrument = instrument_of(state.version)
    pages = pages_of(instrument)
    if not 1 <= number <= len(pages):
        return redirect(url_for("links.review", token=token))
    language = _speak(_languages(state), state.draft.language if state.draft else None)
    values = _shown_values(state.draft.answers if state.draft else {})
    return _page(token, instrument, pages, number, language, values, {}, 200)


def _shown_values(answers: dict[str, dict[str, Any]]) -> dict[str, str]:
    shown = {}
    for item_id, answer in answers.items():
        if "value" in answer:
            shown[item_id] = str(answer["value"])
        elif answer.get("declined"):
            shown[item_id] = DECLINED
        else:
            shown[item_id] = answer.get("text", "")
    return shown


def _page(
    token: str,
    instrument: Instrument,
    pages: list[Page],
    number: int,
    language: str,
    values: dict[str, str],
    errors: dict[str, Any],
    status: int,
) -> tuple[str, int, dict[str, str]]:
    context = {
        "token": token,
        "instrument": instrument,
        "page": pages[number - 1],
        "page_count": len(pages),
        "language": language,
        "values": values,
        "errors": errors,
    }
    return render_template("links/page.html", **context), status, NO_STORE


@blueprint.post("/s/<token>/<int:number>")
def save_page(token: str, number: int) -> tuple[str, int, dict[str, str]] | Response:
    state = _state(token)
    if not state.is_ready:
        return _stop_page(state)
    instrument = instrument_of(state.version)
    pages = pages_of(instrument)
    if not 1 <= number <= len(pages):
        return redirect(url_for("links.review", token=token))
    language = _speak(_languages(state), state.draft.language if state.draft else None)
    current = pages[number - 1]
    if request.form.get("go") not in DIRECTIONS:
        abort(400)
    schema = page_schema(instrument, current)
    errors = schema.validate(request.form)
    if errors:
        values = {key: without_hidden_controls(value) for key, value in request.form.items()}
        return _page(token, instrument, pages, number, language, values, errors, 422)
    answers = draft_answers(schema.load(request.form), current)
    operations.save_draft(db_session(), state.access, language, answers)
    if request.form.get("go") == "back":
        target = number - 1
        if target < 1:
            return redirect(url_for("links.start", token=token))
    else:
        target = number + 1
    if target > len(pages):
        return redirect(url_for("links.review", token=token))
    return redirect(url_for("links.page", token=token, number=target))


@blueprint.get("/s/<token>/send")
def review(token: str) -> tuple[str, int, dict[str, str]]:
    state = _state(token)
    if not state.is_ready:
        return _stop_page(state)
    instrument = instrument_of(state.version)
    language = _speak(_languages(state), state.draft.language if state.draft else None)
    answered = len(state.draft.answers) if state.draft else 0
    context = {
        "token": token,
        "instrument": instrument,
        "answered": answered,
        "question_count": len(instrument.items),
        "page_count": len(pages_of(instrument)),
        "language": language,
    }
    return render_template("links/review.html", **context), 200, NO_STORE


@blueprint.post("/s/<token>/send")
def submit(token: str) -> tuple[str, int, dict[str, str]]:
    try:
        response = operations.submit_link(
            db_session(), current_app.config["SECRET_KEY"], token, today_in_norway()
        )
    except operations.LinkUnavailableError:
        return _stop_page(_state(token))
    except AnswerError:
        return _stop_page(LinkState("failed"))
    _speak([response.language])
    return render_template("links/thanks.html"), 200, NO_STORE

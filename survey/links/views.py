"""The link flow for parents and staff, on their own phones. No login, no names.

Every page looks the token up afresh, so a link used in another tab, or a round that closed
in the meantime, gets its own clear page instead of an error. A draft is the device's own: it
is sealed with a key kept in a cookie on the phone, so another device with the same link (the
school office, whoever printed the letters) sees no saved answers and may start afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug import Response

from instruments import Instrument
from survey.db import db_session
from survey.i18n import LANGUAGES
from survey.links import cookies, operations
from survey.links.operations import Draft
from survey.links.phone_pages import Page, offered_languages, pages_of
from survey.links.queries import LinkState, link_state
from survey.links.schemas import DECLINED, draft_answers, page_schema
from survey.links.sealing import is_sent_mark, new_device_key, sent_mark
from survey.responses.operations import AnswerError, instrument_of
from survey.rounds.codes import link_token_hash
from survey.rounds.dates import norway_date
from survey.wellformed import without_hidden_controls

blueprint = Blueprint("links", __name__)
blueprint.add_app_template_filter(norway_date, "norway_date")

#: Pages that must not be kept by the phone's browser or any cache between.
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
#: The buttons of a page: back, or next (the default, as when Enter is pressed).
DIRECTIONS = (None, "back", "next")


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _state(token: str) -> LinkState:
    return link_state(db_session(), _secret(), token)


def _draft(state: LinkState) -> Draft | None:
    """This device's draft; a visitor holding only the link has none."""
    assert state.access is not None
    return operations.read_draft(db_session(), state.access, cookies.device_key(), _secret())


def _save(
    state: LinkState, language: str, answers: dict[str, Any] | None = None
) -> tuple[Draft, str]:
    """Save into this device's draft, making the device a key on its first save."""
    assert state.access is not None
    device_key = cookies.device_key() or new_device_key()
    draft = operations.save_draft(
        db_session(), state.access, device_key, _secret(), language, answers
    )
    return draft, device_key


def _bound_to_device(response: Response, token: str, device_key: str, state: LinkState) -> Response:
    assert state.access is not None
    return cookies.keep_device_key(response, token, device_key, state.access.round.closes_at)


def _speak(options: list[str], chosen: str | None = None) -> str:
    """Set the page language: the chosen one, else the browser's best match, else the first."""
    language = chosen if chosen in options else request.accept_languages.best_match(options)
    g.lang = language or options[0]
    return g.lang


def _sent_here(state: LinkState) -> bool:
    """This browser sent the link's answers (its thank-you cookie says so)."""
    return (
        state.status == "used"
        and state.access is not None
        and is_sent_mark(_secret(), state.access.code_hash, cookies.sent_mark())
    )


def _stop_page(state: LinkState) -> tuple[str, int, dict[str, str]]:
    """The clear page for a link that cannot be answered now.

    A used link thanks the browser that sent it; anyone else holding the link reads that it
    is used. That tells a poller the order in which links were used, which the mixing pool
    makes worthless for finding a family's answers (see `survey.links.pool`).
    """
    project = state.access.round.project if state.access is not None else None
    known = [code for code in (project.languages if project else []) if code in LANGUAGES]
    _speak(known or list(LANGUAGES))
    if _sent_here(state):
        return render_template("links/thanks.html"), 200, NO_STORE
    status = {"used": 200, "not_open": 200, "unknown": 404, "failed": 422}.get(state.status, 410)
    round_ = state.access.round if state.access is not None else None
    page = render_template("links/stopped.html", state=state, round=round_)
    return page, status, NO_STORE


def _languages(state: LinkState) -> list[str]:
    assert state.access is not None and state.version is not None
    return offered_languages(instrument_of(state.version), state.access.round.project.languages)


def _draft_and_language(state: LinkState) -> tuple[Draft | None, str]:
    """This device's draft, and the page language: the draft's, else the browser's best."""
    draft = _draft(state)
    return draft, _speak(_languages(state), draft.language if draft else None)


def _start_page(
    state: LinkState, token: str, chosen: str | None, draft: Draft | None, status: int = 200
) -> tuple[str, int, dict[str, str]]:
    options = _languages(state)
    language = _speak(options, chosen)
    instrument = instrument_of(state.version)
    context = {"token": token, "instrument": instrument, "options": options, "draft": draft}
    page = render_template("links/start.html", language=language, **context)
    return page, status, NO_STORE


@blueprint.get("/s/<token>")
def start(token: str) -> tuple[str, int, dict[str, str]]:
    state = _state(token)
    if not state.is_ready:
        return _stop_page(state)
    draft = _draft(state)
    chosen = request.args.get("lang") or (draft.language if draft else None)
    return _start_page(state, token, chosen, draft)


@blueprint.post("/s/<token>")
def choose_language(token: str) -> tuple[str, int, dict[str, str]] | Response:
    state = _state(token)
    if not state.is_ready:
        return _stop_page(state)
    options = _languages(state)
    chosen = request.form.get("language")
    if chosen is not None and chosen not in options:  # not one of the page's choices
        draft = _draft(state)
        return _start_page(state, token, draft.language if draft else None, draft, 422)
    _draft_now, device_key = _save(state, _speak(options, chosen))
    target = redirect(url_for("links.page", token=token, number=1))
    return _bound_to_device(target, token, device_key, state)


@dataclass(frozen=True)
class _Opened:
    """A questionnaire page of a link that can be answered now, as this device sees it."""

    state: LinkState
    instrument: Instrument
    pages: list[Page]
    draft: Draft | None
    language: str


def _open_page(token: str, number: int) -> _Opened | tuple[str, int, dict[str, str]] | Response:
    """Page `number` of the link's questionnaire; else what to answer instead: the stop page
    for a link that cannot be answered now, the review page for a number past the pages."""
    state = _state(token)
    if not state.is_ready:
        return _stop_page(state)
    instrument = instrument_of(state.version)
    pages = pages_of(instrument)
    if not 1 <= number <= len(pages):
        return redirect(url_for("links.review", token=token))
    draft, language = _draft_and_language(state)
    return _Opened(state, instrument, pages, draft, language)


@blueprint.get("/s/<token>/<int:number>")
def page(token: str, number: int) -> tuple[str, int, dict[str, str]] | Response:
    opened = _open_page(token, number)
    if not isinstance(opened, _Opened):
        return opened
    values = _shown_values(opened.draft.answers if opened.draft else {})
    return _page(token, opened.instrument, opened.pages, number, opened.language, values, {}, 200)


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
    opened = _open_page(token, number)
    if not isinstance(opened, _Opened):
        return opened
    state, instrument, pages = opened.state, opened.instrument, opened.pages
    current = pages[number - 1]
    if request.form.get("go") not in DIRECTIONS:
        abort(400)
    schema = page_schema(instrument, current)
    errors = schema.validate(request.form)
    if errors:
        values = {key: without_hidden_controls(value) for key, value in request.form.items()}
        return _page(token, instrument, pages, number, opened.language, values, errors, 422)
    answers = draft_answers(schema.load(request.form), current)
    _saved, device_key = _save(state, opened.language, answers)
    if request.form.get("go") == "back":
        target = number - 1
        if target < 1:
            return _bound_to_device(
                redirect(url_for("links.start", token=token)), token, device_key, state
            )
    else:
        target = number + 1
    if target > len(pages):
        next_page = url_for("links.review", token=token)
    else:
        next_page = url_for("links.page", token=token, number=target)
    return _bound_to_device(redirect(next_page), token, device_key, state)


@blueprint.get("/s/<token>/send")
def review(token: str) -> tuple[str, int, dict[str, str]]:
    state = _state(token)
    if not state.is_ready:
        return _stop_page(state)
    instrument = instrument_of(state.version)
    draft, language = _draft_and_language(state)
    context = {
        "token": token,
        "instrument": instrument,
        "answered": len(draft.answers) if draft else 0,
        "question_count": len(instrument.items),
        "page_count": len(pages_of(instrument)),
        "language": language,
    }
    return render_template("links/review.html", **context), 200, NO_STORE


@blueprint.post("/s/<token>/send")
def submit(token: str) -> tuple[str, int, dict[str, str]] | Response:
    try:
        language = operations.submit_link(db_session(), _secret(), token, cookies.device_key())
    except operations.LinkUnavailableError:
        return _stop_page(_state(token))
    except AnswerError:
        return _stop_page(LinkState("failed"))
    _speak([language])
    thanks = make_response(render_template("links/thanks.html"), 200, NO_STORE)
    return cookies.mark_sent(thanks, token, sent_mark(_secret(), link_token_hash(_secret(), token)))

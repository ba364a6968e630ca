"""Writes of the link flow: the draft while answering, and the one-time submit. Only flush.

See the package docstring for why a submitted response cannot be traced back to its token.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.links.pages import offered_languages
from survey.models import AccessCode, LinkDraft, Response, Round
from survey.responses.operations import (
    Respondent,
    complete_response,
    instrument_of,
    save_answer,
    start_response,
)
from survey.rounds import codes

log = logging.getLogger(__name__)


class LinkUnavailableError(RuntimeError):
    """The link cannot be submitted: `reason` is "used" or "unavailable" (unknown or closed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def save_draft(
    session: Session,
    access: AccessCode,
    language: str,
    answers: dict[str, dict[str, Any] | None] | None = None,
) -> LinkDraft:
    """Keep the language and merge a page of answers into the link's draft (None removes)."""
    draft = session.get(LinkDraft, access.id)
    if draft is None:
        draft = LinkDraft(access_code_id=access.id, language=language, answers={})
        try:
            with session.begin_nested():
                session.add(draft)
        except IntegrityError:  # the same link saved twice at once; the other made it
            draft = session.get(LinkDraft, access.id)
            if draft is None:
                raise
    merged = dict(draft.answers)
    for item_id, answer in (answers or {}).items():
        if answer is None:
            merged.pop(item_id, None)
        else:
            merged[item_id] = answer
    draft.language = language
    draft.answers = merged  # a new dict, so the JSON column is written
    session.flush()
    return draft


def submit_link(session: Session, secret_key: str, token: str, today: dt.date) -> Response:
    """Use the link once: mark it used, write its draft as a new response, delete the draft.

    The conditional UPDATE is the first statement of the transaction, so two submits of one
    link serialise on its row (or, on SQLite, on the write lock): the second finds it used.
    """
    code_hash = codes.link_token_hash(secret_key, token)
    open_rounds = select(Round.id).where(Round.status == "open")
    claimed = session.execute(
        update(AccessCode)
        .where(
            AccessCode.code_hash == code_hash,
            AccessCode.kind == "link",
            AccessCode.is_used.is_(False),
            AccessCode.round_id.in_(open_rounds),
        )
        .values(is_used=True)
        .returning(AccessCode.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if claimed is None:
        used = session.scalar(select(AccessCode.is_used).where(AccessCode.code_hash == code_hash))
        raise LinkUnavailableError("used" if used else "unavailable")
    access = session.get(AccessCode, claimed)
    assert access is not None
    draft = session.get(LinkDraft, claimed)
    language = draft.language if draft else _default_language(access)
    respondent = Respondent(
        access.round_id, access.school_id, access.group_id, access.respondent_type
    )
    response = start_response(session, secrets.token_hex(16), respondent, language)
    for item_id, answer in (draft.answers if draft else {}).items():
        save_answer(
            session,
            response,
            item_id,
            value=answer.get("value"),
            text=answer.get("text"),
            declined=bool(answer.get("declined")),
        )
    complete_response(session, response, today)
    if draft is not None:
        session.delete(draft)
    session.flush()
    log.debug("a %s link was used in round %s", access.respondent_type, access.round_id)
    return response


def _default_language(access: AccessCode) -> str:
    version = access.round.instrument_for(access.respondent_type)
    if version is None:
        return "nb"
    return offered_languages(instrument_of(version), access.round.project.languages)[0]

"""Writes of the link flow: the device's draft while answering, and the one-time submit.
Only flush.

See the package docstring, `survey.links.sealing` and `survey.links.pool` for why a draft is
the device's own and a submitted response cannot be traced back to its link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from survey.links import pool
from survey.links.phone_pages import offered_languages
from survey.links.sealing import draft_id, open_draft, seal_draft
from survey.models import AccessCode, LinkDraft, Round
from survey.responses.operations import AnswerError, check_answer, instrument_of
from survey.rounds import codes

log = logging.getLogger(__name__)


class LinkUnavailableError(RuntimeError):
    """The link cannot be submitted: `reason` is "used" or "unavailable" (unknown or closed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Draft:
    """A device's draft, opened: the chosen language and item id -> answer."""

    language: str
    #: item id -> {"value": n} | {"declined": true} | {"text": "..."}
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_draft(
    session: Session, access: AccessCode, device_key: str | None, secret_key: str
) -> Draft | None:
    """This device's draft of the link; None without the device's key (or without a draft)."""
    if device_key is None:
        return None
    row = session.get(LinkDraft, draft_id(device_key, secret_key, access.id))
    if row is None or row.access_code_id != access.id:
        return None
    opened = open_draft(device_key, secret_key, access.id, row.sealed)
    if opened is None:
        return None
    return Draft(opened["language"], opened["answers"])


def save_draft(
    session: Session,
    access: AccessCode,
    device_key: str,
    secret_key: str,
    language: str,
    answers: dict[str, dict[str, Any] | None] | None = None,
) -> Draft:
    """Keep the language and merge a page of answers into the device's draft (None removes)."""
    current = read_draft(session, access, device_key, secret_key)
    merged = dict(current.answers) if current else {}
    for item_id, answer in (answers or {}).items():
        if answer is None:
            merged.pop(item_id, None)
        else:
            merged[item_id] = answer
    draft = Draft(language, merged)
    row_id = draft_id(device_key, secret_key, access.id)
    sealed = seal_draft(
        device_key, secret_key, access.id, {"language": language, "answers": merged}
    )
    row = session.get(LinkDraft, row_id)
    if row is None:
        session.add(LinkDraft(id=row_id, access_code_id=access.id, sealed=sealed))
    else:
        row.sealed = sealed
    session.flush()
    return draft


def submit_link(session: Session, secret_key: str, token: str, device_key: str | None) -> str:
    """Use the link once: mark it used, put this device's draft in the mixing pool, and
    delete every draft of the link. The response is written later (`survey.links.pool`).
    Returns the language the answers were given in, for the thank-you page.

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
            AccessCode.is_voided.is_(False),
            AccessCode.round_id.in_(open_rounds),
        )
        .values(is_used=True)
        .returning(AccessCode.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if claimed is None:
        used = session.scalar(select(AccessCode.is_used).where(AccessCode.code_hash == code_hash))
        raise LinkUnavailableError("used" if used else "unavailable")
    access = session.get_one(AccessCode, claimed)
    draft = read_draft(session, access, device_key, secret_key)
    version = access.round.instrument_for(access.respondent_type)
    if version is None:
        raise LinkUnavailableError("unavailable")
    instrument = instrument_of(version)
    language = draft.language if draft else default_language(access)
    if language not in instrument.languages:
        raise AnswerError(f"the instrument is not available in {language!r}", "language")
    answers = draft.answers if draft else {}
    for item_id, given in answers.items():
        check_answer(
            instrument,
            item_id,
            given.get("value"),
            given.get("text"),
            bool(given.get("declined")),
        )
    where = (access.round_id, access.school_id, access.group_id, access.respondent_type)
    pool.pool_response(session, secret_key, where, language, answers)
    session.execute(
        delete(LinkDraft)
        .where(LinkDraft.access_code_id == access.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    log.debug("a %s link was used in round %s", access.respondent_type, access.round_id)
    return language


def default_language(access: AccessCode) -> str:
    version = access.round.instrument_for(access.respondent_type)
    if version is None:
        return "nb"
    return offered_languages(instrument_of(version), access.round.project.languages)[0]

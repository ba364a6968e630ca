"""The round lifecycle, planned → open → closed: by hand, or on time by the worker; an admin
may open a closed round again. Only flush.

Each change of state is one conditional UPDATE (`WHERE status = <from>`), so a round opens or
closes exactly once even when the schedule job runs twice, in two processes at once, or while a
project leader presses the button: whoever loses the race finds nothing left to do.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from survey import audit
from survey.clock import today_in_norway
from survey.links import pool
from survey.models import AccessCode, Answer, LinkBatch, LinkDraft, Response, Round, User
from survey.rounds.operations import create_class_codes

log = logging.getLogger(__name__)


class LifecycleError(ValueError):
    """The round cannot change state as asked; `reason` says why, in one word for the views."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _move(session: Session, round_: Round, from_status: str, to_status: str) -> bool:
    """Change the status if it still is `from_status`; False when someone else already did."""
    result = session.execute(
        update(Round)
        .where(Round.id == round_.id, Round.status == from_status)
        .values(status=to_status)
        .execution_options(synchronize_session=False)
    )
    session.refresh(round_)
    return result.rowcount == 1


def _frozen_instruments(round_: Round) -> dict[str, dict[str, Any]]:
    return {
        link.respondent_type: {
            "instrument": link.instrument_version.instrument_key,
            "version": link.instrument_version.version,
            "content_hash": link.instrument_version.content_hash,
        }
        for link in round_.instruments
    }


def check_can_open(round_: Round, now: dt.datetime) -> None:
    """Why a project leader may not open the round now, if there is a reason."""
    if round_.status == "closed":
        raise LifecycleError("closed", "a closed round cannot be opened again")
    if not round_.instruments:
        raise LifecycleError(
            "no_instrument", "the round has no instrument; choose at least one before opening"
        )
    if round_.closes_at <= now:
        raise LifecycleError(
            "window_passed", "the closing time has passed; move it before opening the round"
        )


def open_round(
    session: Session, round_: Round, secret_key: str, now: dt.datetime, user: User | None = None
) -> bool:
    """Open the round; its instrument versions are fixed from now on. True if this call did it.

    By hand (`user` given) the round opens now; on schedule it opens at its planned time even if
    that lies behind `now`, because the worker is catching up.
    """
    if round_.status == "open":
        return False
    if user is not None:
        check_can_open(round_, now)
    elif not round_.instruments:
        raise LifecycleError("no_instrument", "the round has no instrument")
    if not _move(session, round_, "planned", "open"):
        return False
    late_by = int((now - round_.opens_at).total_seconds())
    if user is not None and round_.opens_at > now:
        round_.opens_at = now
    if round_.instrument_for("pupil") is not None:
        create_class_codes(session, round_, secret_key)
    audit.record(
        session,
        "round.opened",
        user=user,
        project_id=round_.project_id,
        round_id=round_.id,
        by="hand" if user else "schedule",
        late_by_seconds=max(late_by, 0),
        instruments=_frozen_instruments(round_),
    )
    log.info("opened round %s", round_.id)
    return True


def close_round(
    session: Session,
    round_: Round,
    now: dt.datetime,
    user: User | None = None,
    secret_key: str | None = None,
) -> bool:
    """Close the round: release its link pool, then discard what was never sent. True if this
    call did it.

    All in the transaction that moves the status, and the pool first: whoever reads a closed
    round (the analysis, an export) finds every sent link response in it, and nothing unsent.
    `secret_key` opens the pooled responses; by default the app's.
    """
    if round_.status == "closed":
        return False
    if round_.status != "open":
        raise LifecycleError("not_open", "only an open round can be closed")
    if not _move(session, round_, "open", "closed"):
        return False
    released = pool.release_round(
        session, secret_key or _app_secret_key(session, round_.id), round_.id, today_in_norway(now)
    )
    if round_.closes_at > now:  # closed by hand before the planned time
        round_.closes_at = max(now, round_.opens_at + dt.timedelta(seconds=1))
    drafts = discard_link_drafts(session, round_.id)
    forget_link_batch_tokens(session, round_.id)
    unsent = discard_unsent_pupil_responses(session, round_.id)
    audit.record(
        session,
        "round.closed",
        user=user,
        project_id=round_.project_id,
        round_id=round_.id,
        by="hand" if user else "schedule",
        released_link_responses=released,
        discarded_drafts=drafts,
        discarded_unsent_pupil_responses=unsent,
    )
    log.info(
        "closed round %s (%d pooled link responses released, %d unsent link drafts and"
        " %d unsent pupil responses discarded)",
        round_.id,
        released,
        drafts,
        unsent,
    )
    return True


def reopen_round(
    session: Session, round_: Round, closes_at: dt.datetime, now: dt.datetime, user: User
) -> bool:
    """Open a closed round again until `closes_at`, by an admin; True if this call did it.

    What the close discarded (unsent drafts, the batches' sealed tokens) stays discarded, and
    the link responses it released stay released; new link answers wait in the pool again.
    """
    if round_.status != "closed":
        raise LifecycleError("not_closed", "only a closed round can be reopened")
    if closes_at <= now:
        raise LifecycleError("closes_in_past", "the new closing time must lie ahead")
    previous = round_.closes_at
    if not _move(session, round_, "closed", "open"):
        return False
    round_.closes_at = closes_at
    session.flush()
    audit.record(
        session,
        "round.reopened",
        user=user,
        project_id=round_.project_id,
        round_id=round_.id,
        previous_closes_at=previous.isoformat(),
        closes_at=closes_at.isoformat(),
    )
    log.info("reopened round %s", round_.id)
    return True


def _app_secret_key(session: Session, round_id: int) -> str | None:
    """The app's secret key, asked for only when there is something pooled to open."""
    if pool.pooled_count(session, round_id) == 0:
        return None
    return current_app.config["SECRET_KEY"]


def discard_link_drafts(session: Session, round_id: int) -> int:
    """Link answers never submitted are not kept once their round is over."""
    in_round = select(AccessCode.id).where(AccessCode.round_id == round_id)
    result = session.execute(
        delete(LinkDraft)
        .where(LinkDraft.access_code_id.in_(in_round))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def forget_link_batch_tokens(session: Session, round_id: int) -> int:
    """No letter is sent for a closed round, so no batch keeps its tokens sealed any more."""
    result = session.execute(
        update(LinkBatch)
        .where(LinkBatch.round_id == round_id, LinkBatch.sealed_tokens.is_not(None))
        .values(sealed_tokens=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def discard_unsent_pupil_responses(session: Session, round_id: int) -> int:
    """A pupil who stopped before sending has not agreed to send: their answers go at close."""
    unsent = select(Response.id).where(
        Response.round_id == round_id,
        Response.respondent_type == "pupil",
        Response.status == "partial",
    )
    session.execute(
        delete(Answer)
        .where(Answer.response_id.in_(unsent))
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        delete(Response).where(Response.id.in_(unsent)).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def apply_schedule(
    session: Session, secret_key: str, now: dt.datetime
) -> tuple[list[int], list[int]]:
    """Open the rounds whose time has come, then close those whose time is up; return their ids.

    A round whose whole window passed while no worker ran is opened and closed in one go, so
    its history still reads planned → open → closed.
    """
    opened: list[int] = []
    due_to_open = session.scalars(
        select(Round).where(Round.status == "planned", Round.opens_at <= now).order_by(Round.id)
    ).all()
    for round_ in due_to_open:
        if not round_.instruments:
            log.warning("round %s is due to open but has no instrument; left planned", round_.id)
            continue
        if open_round(session, round_, secret_key, now):
            opened.append(round_.id)
    closed: list[int] = []
    due_to_close = session.scalars(
        select(Round).where(Round.status == "open", Round.closes_at <= now).order_by(Round.id)
    ).all()
    for round_ in due_to_close:
        if close_round(session, round_, now, secret_key=secret_key):
            closed.append(round_.id)
    return opened, closed

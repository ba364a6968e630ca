"""Writes for rounds from the administration: make one, change its window or instruments.

Opening and closing are in `survey.rounds.lifecycle`. Only flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import bundled_instrument
from survey import audit
from survey.admin.errors import FieldError
from survey.analysis.requests import request_recompute
from survey.models import RESPONDENT_TYPES, Project, Round, RoundInstrument, User
from survey.rounds import lifecycle
from survey.rounds.operations import freeze_instrument, set_round_instrument

log = logging.getLogger(__name__)


def _check_label_free(
    session: Session, project: Project, label: str, round_id: int | None = None
) -> None:
    taken = session.scalar(
        select(Round.id).where(Round.project_id == project.id, Round.label == label)
    )
    if taken is not None and taken != round_id:
        raise FieldError("label", _("Prosjektet har allerede en runde med dette navnet."))


def choose_instruments(session: Session, round_: Round, chosen: dict[str, str | None]) -> None:
    """Freeze and set the chosen "id:version" per respondent type; None removes one."""
    for kind in RESPONDENT_TYPES:
        choice = chosen.get(kind)
        if choice is None:
            link = session.get(RoundInstrument, (round_.id, kind))
            if link is not None:
                session.delete(link)
            continue
        key, version = choice.rsplit(":", 1)
        stored = freeze_instrument(session, bundled_instrument(key, int(version)))
        set_round_instrument(session, round_, stored)
    session.flush()
    session.refresh(round_)


def create_round(
    session: Session,
    user: User | None,
    project: Project,
    *,
    label: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    instruments: dict[str, str | None],
) -> Round:
    _check_label_free(session, project, label)
    round_ = Round(project=project, label=label, opens_at=opens_at, closes_at=closes_at)
    session.add(round_)
    session.flush()
    choose_instruments(session, round_, instruments)
    audit.record(
        session,
        "round.created",
        user=user,
        project_id=project.id,
        round_id=round_.id,
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
        instruments={kind: value for kind, value in instruments.items() if value},
    )
    log.info("created round %s in project %s", round_.id, project.id)
    return round_


def update_planned_round(
    session: Session,
    user: User | None,
    round_: Round,
    *,
    label: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    instruments: dict[str, str | None],
) -> Round:
    if round_.status != "planned":
        raise FieldError("label", _("Bare en planlagt runde kan endres slik."))
    _check_label_free(session, round_.project, label, round_.id)
    round_.label, round_.opens_at, round_.closes_at = label, opens_at, closes_at
    choose_instruments(session, round_, instruments)
    audit.record(
        session,
        "round.updated",
        user=user,
        project_id=round_.project_id,
        round_id=round_.id,
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
        instruments={kind: value for kind, value in instruments.items() if value},
    )
    log.info("updated planned round %s", round_.id)
    return round_


def move_closing_time(
    session: Session, user: User | None, round_: Round, closes_at: dt.datetime, now: dt.datetime
) -> Round:
    """Give an open round more (or less) time; the new time must lie ahead."""
    if round_.status != "open":
        raise FieldError("closes_at", _("Bare en åpen runde kan få ny lukketid."))
    if closes_at <= now:
        raise FieldError("closes_at", _("Velg et tidspunkt fram i tid."))
    previous = round_.closes_at
    round_.closes_at = closes_at
    session.flush()
    audit.record(
        session,
        "round.closing_moved",
        user=user,
        project_id=round_.project_id,
        round_id=round_.id,
        previous=previous.isoformat(),
        closes_at=closes_at.isoformat(),
    )
    log.info("moved the closing time of round %s", round_.id)
    return round_


def correct_closed_round(
    session: Session,
    user: User,
    round_: Round,
    *,
    label: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    now: dt.datetime,
) -> Round:
    """Correct a closed round's label or dates; the published figures are recomputed."""
    if round_.status != "closed":
        raise FieldError("label", _("Bare en lukket runde kan rettes slik."))
    if closes_at > now:
        raise FieldError(
            "closes_at",
            _("En lukket runde må ha en lukketid som er passert. Åpne runden igjen i stedet."),
        )
    _check_label_free(session, round_.project, label, round_.id)
    changed = {
        name: {"from": str(old), "to": str(new)}
        for name, old, new in (
            ("label", round_.label, label),
            ("opens_at", round_.opens_at.isoformat(), opens_at.isoformat()),
            ("closes_at", round_.closes_at.isoformat(), closes_at.isoformat()),
        )
        if old != new
    }
    if not changed:
        return round_
    round_.label, round_.opens_at, round_.closes_at = label, opens_at, closes_at
    session.flush()
    audit.record(
        session,
        "round.corrected",
        user=user,
        project_id=round_.project_id,
        round_id=round_.id,
        changes=changed,
    )
    request_recompute(session, round_.project_id, user)
    log.info("corrected closed round %s: %s", round_.id, ", ".join(changed))
    return round_


def reopen_closed_round(
    session: Session, user: User, round_: Round, closes_at: dt.datetime, now: dt.datetime
) -> bool:
    """Reopen a closed round (admins only). Figures come only from closed rounds, so the
    published snapshot is stale: a recompute without this round is asked for now, and the
    next close recomputes with it."""
    if not lifecycle.reopen_round(session, round_, closes_at, now, user):
        return False
    request_recompute(session, round_.project_id, user)
    return True

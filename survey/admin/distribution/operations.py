"""Writes for distribution: link batches and opt-out counts. Only flush, never commit."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from survey import audit
from survey.models import Group, OptOutCount, Round, School, User
from survey.rounds.operations import create_links

log = logging.getLogger(__name__)


def make_link_batch(
    session: Session,
    user: User,
    round_: Round,
    school: School,
    respondent_type: str,
    count: int,
    secret_key: str,
    group: Group | None = None,
) -> list[str]:
    """`count` new one-time links; the tokens are returned here once and stored only hashed."""
    tokens = create_links(
        session,
        round_,
        school.id,
        respondent_type,
        count,
        secret_key,
        group_id=group.id if group else None,
    )
    audit.record(
        session,
        "links.created",
        user=user,
        project_id=round_.project_id,
        round_id=round_.id,
        school_id=school.id,
        group_id=group.id if group else None,
        respondent_type=respondent_type,
        count=count,
    )
    return tokens


def record_opt_outs(session: Session, user: User, round_: Round, counts: dict[int, int]) -> None:
    """Set how many pupils per class are withdrawn from the round (a count, never names)."""
    changed = {}
    for group_id, opted_out in counts.items():
        row = session.get(OptOutCount, (round_.id, group_id))
        if row is None and opted_out == 0:
            continue
        if row is None:
            row = OptOutCount(round_id=round_.id, group_id=group_id, opted_out=opted_out)
            session.add(row)
            changed[str(group_id)] = opted_out
        elif row.opted_out != opted_out:
            row.opted_out = opted_out
            changed[str(group_id)] = opted_out
    session.flush()
    if changed:
        audit.record(
            session,
            "opt_outs.recorded",
            user=user,
            project_id=round_.project_id,
            round_id=round_.id,
            counts=changed,
        )
        log.info("recorded opt-out counts for %d classes in round %s", len(changed), round_.id)

"""Writes for distribution: link batches (made, voided) and opt-out counts. Only flush."""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlalchemy.orm import Session

from survey import audit
from survey.clock import utcnow
from survey.links.sealing import seal_batch
from survey.models import AccessCode, Group, LinkBatch, OptOutCount, Round, School, User
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
    language: str = "nb",
) -> tuple[LinkBatch, list[str]]:
    """`count` new one-time links in a batch; the links are stored only hashed, and the batch
    keeps them sealed (key from the secret key) until the round closes or it is voided."""
    batch = LinkBatch(
        round_id=round_.id,
        school_id=school.id,
        group_id=group.id if group else None,
        respondent_type=respondent_type,
        language=language,
        link_count=count,
        created_by_id=user.id,
    )
    session.add(batch)
    session.flush()
    tokens = create_links(
        session,
        round_,
        school.id,
        respondent_type,
        count,
        secret_key,
        group_id=batch.group_id,
        batch_id=batch.id,
    )
    batch.sealed_tokens = seal_batch(secret_key, batch.id, tokens)
    session.flush()
    audit.record(
        session,
        "links.created",
        user=user,
        project_id=round_.project_id,
        round_id=round_.id,
        school_id=school.id,
        group_id=batch.group_id,
        respondent_type=respondent_type,
        count=count,
        batch_id=batch.id,
    )
    return batch, tokens


def void_link_batch(session: Session, user: User, batch: LinkBatch) -> int:
    """Void the batch's unused links and forget its tokens; returns how many links were voided.

    A link already used stays counted: its response was sent and cannot be told apart.
    """
    if batch.is_voided:
        return 0
    result = session.execute(
        update(AccessCode)
        .where(AccessCode.batch_id == batch.id, AccessCode.is_used.is_(False))
        .values(is_voided=True)
        .execution_options(synchronize_session=False)
    )
    voided = result.rowcount or 0
    batch.voided_at = utcnow()
    batch.sealed_tokens = None
    session.flush()
    audit.record(
        session,
        "links.voided",
        user=user,
        project_id=batch.school.project_id,
        round_id=batch.round_id,
        school_id=batch.school_id,
        group_id=batch.group_id,
        respondent_type=batch.respondent_type,
        batch_id=batch.id,
        voided=voided,
    )
    log.info("voided %d links of batch %s", voided, batch.id)
    return voided


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

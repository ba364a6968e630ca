"""Reads for distribution: class codes, link batches, and whether posted tokens are a batch of
a round."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.links.sealing import open_batch
from survey.models import AccessCode, LinkBatch, Round
from survey.rounds import codes


def class_codes(session: Session, round_: Round, secret_key: str) -> dict[int, str]:
    """Group id -> the class code pupils type, for a round that has them."""
    rows = session.scalars(
        select(AccessCode).where(AccessCode.round_id == round_.id, AccessCode.kind == "class_code")
    )
    return {
        access.group_id: codes.class_code_from_seed(secret_key, access.code_seed)
        for access in rows
        if access.group_id is not None and access.code_seed is not None
    }


def links_of_batch(
    session: Session,
    secret_key: str,
    round_id: int,
    tokens: list[str],
    target: tuple[str, int, int | None],
) -> bool:
    """Whether every token is a link of this round for exactly this school, group and type."""
    respondent_type, school_id, group_id = target
    hashes = {codes.link_token_hash(secret_key, token) for token in tokens}
    found = session.scalar(
        select(func.count(AccessCode.id)).where(
            AccessCode.code_hash.in_(hashes),
            AccessCode.round_id == round_id,
            AccessCode.kind == "link",
            AccessCode.is_voided.is_(False),
            AccessCode.respondent_type == respondent_type,
            AccessCode.school_id == school_id,
            AccessCode.group_id.is_(None) if group_id is None else AccessCode.group_id == group_id,
        )
    )
    return bool(tokens) and found == len(hashes) == len(tokens)


def batch_of_tokens(session: Session, secret_key: str, tokens: list[str]) -> LinkBatch | None:
    """The batch the tokens are, all of it; None if they are part of one, or of several."""
    hashes = {codes.link_token_hash(secret_key, token) for token in tokens}
    batch_ids = set(
        session.scalars(
            select(AccessCode.batch_id).where(AccessCode.code_hash.in_(hashes)).distinct()
        )
    )
    if len(batch_ids) != 1 or None in batch_ids:
        return None
    batch = session.get(LinkBatch, batch_ids.pop())
    size = session.scalar(select(func.count(AccessCode.id)).where(AccessCode.batch_id == batch.id))
    return batch if size == len(hashes) == len(tokens) else None


@dataclass(frozen=True)
class BatchRow:
    """A link batch as the list shows it: how many of its links were used or voided."""

    batch: LinkBatch
    used: int
    voided: int


def batches_of_round(session: Session, round_id: int) -> list[BatchRow]:
    """The round's link batches, newest first."""
    used = func.count(AccessCode.id).filter(AccessCode.is_used)
    voided = func.count(AccessCode.id).filter(AccessCode.is_voided)
    rows = session.execute(
        select(LinkBatch, used, voided)
        .outerjoin(AccessCode, AccessCode.batch_id == LinkBatch.id)
        .where(LinkBatch.round_id == round_id)
        .group_by(LinkBatch.id)
        .order_by(LinkBatch.id.desc())
    )
    return [BatchRow(batch, used_count, voided_count) for batch, used_count, voided_count in rows]


def batch_tokens(batch: LinkBatch, secret_key: str) -> list[str] | None:
    """The batch's tokens while they are kept (round open, batch not voided), else None."""
    if batch.sealed_tokens is None or batch.is_voided:
        return None
    return open_batch(secret_key, batch.id, batch.sealed_tokens)

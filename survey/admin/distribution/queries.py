"""Reads for distribution: class codes, and whether posted tokens are a batch of a round."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import AccessCode, Round
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
            AccessCode.respondent_type == respondent_type,
            AccessCode.school_id == school_id,
            AccessCode.group_id.is_(None) if group_id is None else AccessCode.group_id == group_id,
        )
    )
    return bool(tokens) and found == len(hashes) == len(tokens)

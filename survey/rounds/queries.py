"""Reads for rounds: the codes of open rounds and how many links they have."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from survey.models import AccessCode, Group, Project, Round, School
from survey.rounds import codes


@dataclass(frozen=True)
class OpenClassCode:
    project: str
    round: str
    school: str
    group: str
    grade: int
    code: str


@dataclass(frozen=True)
class LinkCount:
    project: str
    round: str
    school: str
    respondent_type: str
    made: int
    used: int


def open_class_codes(session: Session, secret_key: str) -> list[OpenClassCode]:
    rows = session.scalars(
        select(AccessCode)
        .join(Round, AccessCode.round_id == Round.id)
        .join(Group, AccessCode.group_id == Group.id)
        .join(School, AccessCode.school_id == School.id)
        .where(Round.status == "open", AccessCode.kind == "class_code")
        .options(joinedload(AccessCode.round).joinedload(Round.project))
        .order_by(Round.id, School.name, Group.grade, Group.label)
    )
    return [
        OpenClassCode(
            project=access.round.project.name,
            round=access.round.label,
            school=access.school.name,
            group=access.group.label,
            grade=access.group.grade,
            code=codes.class_code_from_seed(secret_key, access.code_seed),
        )
        for access in rows
        if access.group is not None and access.code_seed is not None
    ]


def open_link_counts(session: Session) -> list[LinkCount]:
    rows = session.execute(
        select(
            Project.name,
            Round.label,
            School.name,
            AccessCode.respondent_type,
            func.count(AccessCode.id),
            func.count(AccessCode.id).filter(AccessCode.is_used),
        )
        .join(Round, AccessCode.round_id == Round.id)
        .join(Project, Round.project_id == Project.id)
        .join(School, AccessCode.school_id == School.id)
        .where(Round.status == "open", AccessCode.kind == "link")
        .group_by(Project.name, Round.id, Round.label, School.name, AccessCode.respondent_type)
        .order_by(Round.id, School.name, AccessCode.respondent_type)
    )
    return [LinkCount(*row) for row in rows]


def find_open_class_code(session: Session, secret_key: str, typed: str) -> AccessCode | None:
    """The class code a pupil typed, if it belongs to a round that is open now."""
    if not codes.normalise_class_code(typed):
        return None
    return session.scalar(
        select(AccessCode)
        .join(Round, AccessCode.round_id == Round.id)
        .where(
            AccessCode.kind == "class_code",
            AccessCode.code_hash == codes.class_code_hash(secret_key, typed),
            Round.status == "open",
        )
    )

"""Response counts of a round per school and class: for the monitor, the API and reminders.

Counts of responses are not survey results, so they are shown even for small classes; they
say how many answered, never what.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import AccessCode, Group, OptOutCount, Response, Round, School


@dataclass(frozen=True)
class LinkTally:
    made: int
    used: int


def link_tallies(session: Session, round_id: int) -> dict[tuple[int, str, int | None], LinkTally]:
    """(school id, respondent type, group id or None) -> links made and used."""
    rows = session.execute(
        select(
            AccessCode.school_id,
            AccessCode.respondent_type,
            AccessCode.group_id,
            func.count(AccessCode.id),
            func.count(AccessCode.id).filter(AccessCode.is_used),
        )
        .where(AccessCode.round_id == round_id, AccessCode.kind == "link")
        .group_by(AccessCode.school_id, AccessCode.respondent_type, AccessCode.group_id)
    )
    return {
        (school, kind, group): LinkTally(made, used) for school, kind, group, made, used in rows
    }


def opt_outs(session: Session, round_id: int) -> dict[int, int]:
    """Group id -> how many pupils their parents withdrew."""
    rows = session.execute(
        select(OptOutCount.group_id, OptOutCount.opted_out).where(OptOutCount.round_id == round_id)
    )
    return dict(rows.all())


NO_LINKS = LinkTally(0, 0)


def _submitted(
    responses: Counter[tuple[int, int | None, str, str]], school_id: int, kind: str
) -> int:
    """Submitted responses of one respondent type at a school, over all its classes."""
    return sum(
        n
        for (school, _group, k, status), n in responses.items()
        if school == school_id and k == kind and status == "complete"
    )


def _sent(
    responses: Counter[tuple[int, int | None, str, str]],
    links: dict[tuple[int, str, int | None], LinkTally],
    school_id: int,
    kind: str,
) -> int:
    """Sent link responses of one type at a school. A sent link answer waits in the mixing pool
    (survey/links/pool.py) until its batch is released, so the used links count it at once."""
    used = sum(t.used for k, t in links.items() if k[:2] == (school_id, kind))
    return max(_submitted(responses, school_id, kind), used)


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole > 0 else None


@dataclass(frozen=True)
class ClassCount:
    group: Group
    enrolled: int
    opted_out: int
    pupils: int
    pupils_started: int
    parents: int
    parent_links: int

    @property
    def eligible(self) -> int:
        return max(self.enrolled - self.opted_out, 0)

    @property
    def pupil_rate(self) -> float | None:
        return rate(self.pupils, self.eligible)

    @property
    def is_over_enrolled(self) -> bool:
        """More pupils sent answers than the class has: a code shared beyond it, or stuffing."""
        return self.pupils > self.enrolled


@dataclass(frozen=True)
class SchoolCount:
    school: School
    classes: tuple[ClassCount, ...]
    parents: int
    parent_links: int
    staff: int
    staff_links: int

    @property
    def pupils(self) -> int:
        return sum(c.pupils for c in self.classes)

    @property
    def eligible(self) -> int:
        return sum(c.eligible for c in self.classes)

    @property
    def over_enrolled(self) -> tuple[ClassCount, ...]:
        return tuple(c for c in self.classes if c.is_over_enrolled)

    @property
    def pupils_missing(self) -> int:
        return max(self.eligible - self.pupils, 0)

    @property
    def pupil_rate(self) -> float | None:
        return rate(self.pupils, self.eligible)

    @property
    def parent_rate(self) -> float | None:
        return rate(self.parents, self.parent_links)

    @property
    def staff_rate(self) -> float | None:
        return rate(self.staff, self.staff_links)


def _response_counts(session: Session, round_id: int) -> Counter[tuple[int, int | None, str, str]]:
    rows = session.execute(
        select(
            Response.school_id,
            Response.group_id,
            Response.respondent_type,
            Response.status,
            func.count(Response.id),
        )
        .where(Response.round_id == round_id)
        .group_by(Response.school_id, Response.group_id, Response.respondent_type, Response.status)
    )
    return Counter({(school, group, kind, status): n for school, group, kind, status, n in rows})


def round_counts(
    session: Session, round_: Round, school_ids: Iterable[int] | None = None
) -> list[SchoolCount]:
    """Each school's counts, the schools furthest behind on pupils first."""
    responses = _response_counts(session, round_.id)
    links = link_tallies(session, round_.id)
    withdrawn = opt_outs(session, round_.id)
    allowed = None if school_ids is None else set(school_ids)
    schools = []
    for school in round_.project.schools:
        if allowed is not None and school.id not in allowed:
            continue
        classes = tuple(
            ClassCount(
                group=group,
                enrolled=group.enrolled,
                opted_out=withdrawn.get(group.id, 0),
                pupils=responses[(school.id, group.id, "pupil", "complete")],
                pupils_started=responses[(school.id, group.id, "pupil", "partial")],
                parents=max(
                    responses[(school.id, group.id, "parent", "complete")],
                    links.get((school.id, "parent", group.id), NO_LINKS).used,
                ),
                parent_links=links.get((school.id, "parent", group.id), NO_LINKS).made,
            )
            for group in school.groups
        )
        parent_links = sum(t.made for k, t in links.items() if k[:2] == (school.id, "parent"))
        staff_links = sum(t.made for k, t in links.items() if k[:2] == (school.id, "staff"))
        parents = _sent(responses, links, school.id, "parent")
        staff = _sent(responses, links, school.id, "staff")
        schools.append(SchoolCount(school, classes, parents, parent_links, staff, staff_links))
    return sorted(schools, key=lambda s: (s.pupil_rate is None, s.pupil_rate or 0, s.school.name))


@dataclass(frozen=True)
class Totals:
    pupils: int
    eligible: int
    parents: int
    parent_links: int
    staff: int
    staff_links: int


def totals(schools: list[SchoolCount]) -> Totals:
    return Totals(
        pupils=sum(s.pupils for s in schools),
        eligible=sum(s.eligible for s in schools),
        parents=sum(s.parents for s in schools),
        parent_links=sum(s.parent_links for s in schools),
        staff=sum(s.staff for s in schools),
        staff_links=sum(s.staff_links for s in schools),
    )


@dataclass(frozen=True)
class OverEnrolled:
    """A class with more sent pupil responses than pupils enrolled."""

    school_id: int
    group_id: int
    label: str
    enrolled: int
    responses: int


def closed_rounds_have_answers(session: Session, project_id: int) -> bool:
    """Whether any closed round of the project has a sent response: participation, so the
    dashboard can tell "not computed yet" from "nothing to compute"."""
    found = session.scalar(
        select(Response.id)
        .join(Round, Response.round_id == Round.id)
        .where(
            Round.project_id == project_id,
            Round.status == "closed",
            Response.status == "complete",
        )
        .limit(1)
    )
    return found is not None


def over_enrolled_classes(session: Session, round_id: int) -> list[OverEnrolled]:
    """The round's classes with more sent pupil responses than enrolled pupils.

    The analysis calls this where it reads the class counts and logs each as a warning: such
    a class's answers may hold stuffed responses, and its response rate is meaningless.
    """
    sent = (
        select(Response.group_id, func.count(Response.id).label("responses"))
        .where(
            Response.round_id == round_id,
            Response.respondent_type == "pupil",
            Response.status == "complete",
            Response.group_id.is_not(None),
        )
        .group_by(Response.group_id)
        .subquery()
    )
    rows = session.execute(
        select(Group.school_id, Group.id, Group.label, Group.enrolled, sent.c.responses)
        .join(sent, sent.c.group_id == Group.id)
        .where(sent.c.responses > Group.enrolled)
        .order_by(Group.school_id, Group.id)
    )
    return [OverEnrolled(*row) for row in rows]


def log_over_enrolled_classes(session: Session, round_id: int, log: logging.Logger) -> int:
    """Warn in `log` of each over-enrolled class of the round; how many there were."""
    classes = over_enrolled_classes(session, round_id)
    for found in classes:
        log.warning(
            "round %s: class %s (group %s) has %s sent pupil responses for %s enrolled pupils; "
            "its answers may hold stuffed responses",
            round_id,
            found.label,
            found.group_id,
            found.responses,
            found.enrolled,
        )
    return len(classes)

"""Reads for the project page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from instruments import bundled_instruments
from survey.models import Project, Response, Round


@dataclass(frozen=True)
class ProjectOverview:
    enrolled: int
    classes: int
    #: Submitted responses per round id.
    responses: dict[int, int]
    #: Construct labels (bokmål) by construct id, for naming goals.
    construct_labels: dict[str, str]


def construct_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for instrument in bundled_instruments():
        for construct in instrument.constructs.values():
            labels.setdefault(construct.id, construct.label.get("nb", construct.id))
    return labels


def project_overview(session: Session, project: Project) -> ProjectOverview:
    counts = session.execute(
        select(Response.round_id, func.count(Response.id))
        .join(Round, Response.round_id == Round.id)
        .where(Round.project_id == project.id, Response.status == "complete")
        .group_by(Response.round_id)
    )
    groups = [group for school in project.schools for group in school.groups]
    return ProjectOverview(
        enrolled=sum(group.enrolled for group in groups),
        classes=len(groups),
        responses=dict(counts.all()),
        construct_labels=construct_labels(),
    )

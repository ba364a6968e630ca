"""What a school report shows, read from the published snapshot and nothing else.

Every figure comes from the ModelResult rows the analysis job stored for the closed rounds:
the descriptive tables (already suppressed, primary and secondary, across class, school, arm
and project) and the goal results. No Answer or Response row is read here, so a report, like
a dashboard, never moves with an open round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboards.catalog import Catalog, ConstructInfo
from dashboards.results import GoalView, descriptive_rows, goal_views
from instruments import RESPONDENT_TYPES
from instruments.reading import text_in
from survey.dashboards.queries import project_catalog
from survey.models import (
    ModelResult,
    Project,
    Round,
    School,
)

#: Why a figure is hidden, as the analysis stored it: too few answers, or recoverable.
PRIMARY, SECONDARY = "primary", "secondary"


@dataclass(frozen=True)
class Cell:
    """A mean and its n, or why it is hidden ("primary", "secondary"); "missing": not asked."""

    mean: float | None = None
    n: int | None = None
    sd: float | None = None
    hidden: str = "missing"

    @property
    def is_shown(self) -> bool:
        return self.mean is not None and not self.hidden


MISSING = Cell()


@dataclass(frozen=True)
class ConstructFigures:
    """One construct: the school, its arm and all schools, per round of the report."""

    construct: str
    labels: Mapping[str, str]
    higher_is_better: bool
    #: The lowest and highest answer value of the construct's items (the chart's y-axis).
    scale: tuple[int, int]
    school: tuple[Cell, ...]
    arm: tuple[Cell, ...]
    everyone: tuple[Cell, ...]

    def name(self, language: str) -> str:
        return text_in(self.labels, language, self.construct)


@dataclass(frozen=True)
class Section:
    """One respondent type: its constructs, and how many of the school answered per round."""

    respondent_type: str
    constructs: tuple[ConstructFigures, ...]
    #: The largest n shown for the school in each round (people with a score), or a hidden cell.
    answered: tuple[Cell, ...]


@dataclass(frozen=True)
class SchoolReport:
    project: str
    school: str
    arm: str
    language: str
    min_group_size: int
    rounds: tuple[str, ...]  #: the closed rounds up to and including the report's round
    published_at: dt.datetime | None
    #: Pupils enrolled in the school's classes, the denominator of its pupil response rate.
    enrolled: int
    sections: tuple[Section, ...]
    goals: tuple[GoalView, ...]

    @property
    def round(self) -> str:
        return self.rounds[-1]


def report_rounds(session: Session, project_id: int) -> list[Round]:
    """The closed rounds a report can be made for: those the snapshot has figures from."""
    labels = published_round_labels(session, project_id)
    rounds = session.scalars(
        select(Round)
        .where(Round.project_id == project_id, Round.status == "closed")
        .order_by(Round.opens_at, Round.id)
    )
    return [r for r in rounds if r.label in labels]


def published_round_labels(session: Session, project_id: int) -> set[str]:
    tables = session.scalars(
        select(ModelResult.result).where(
            ModelResult.project_id == project_id, ModelResult.kind == "descriptives"
        )
    )
    return {str(row["round"]) for table in tables for row in descriptive_rows(table, "alle")}


def school_report(
    session: Session, project: Project, school: School, round_: Round, language: str
) -> SchoolReport:
    closed = report_rounds(session, project.id)
    labels = [r.label for r in closed]
    rounds = tuple(labels[: labels.index(round_.label) + 1]) if round_.label in labels else ()
    catalog = project_catalog(session, project.id)
    stored = session.execute(
        select(ModelResult.respondent_type, ModelResult.construct, ModelResult.result).where(
            ModelResult.project_id == project.id, ModelResult.kind == "descriptives"
        )
    ).all()
    tables = {(kind, construct): result for kind, construct, result in stored}
    sections = []
    for kind in RESPONDENT_TYPES:
        figures = tuple(
            _figures(catalog, kind, construct, tables[(kind, construct)], school, rounds)
            for construct in catalog.order(kind)
            if (kind, construct) in tables
        )
        if figures:
            sections.append(Section(kind, figures, _answered(figures, len(rounds))))
    goals = session.scalars(
        select(ModelResult.result).where(
            ModelResult.project_id == project.id, ModelResult.kind == "goals"
        )
    )
    return SchoolReport(
        project=project.name,
        school=school.name,
        arm=school.arm,
        language=language,
        min_group_size=project.min_group_size,
        rounds=rounds,
        published_at=session.scalar(
            select(func.max(ModelResult.computed_at)).where(ModelResult.project_id == project.id)
        ),
        enrolled=sum(group.enrolled for group in school.groups),
        sections=tuple(sections),
        goals=tuple(goal for result in goals for goal in goal_views(result)),
    )


def _figures(
    catalog: Catalog,
    kind: str,
    construct: str,
    table: Mapping[str, Any],
    school: School,
    rounds: Sequence[str],
) -> ConstructFigures:
    info = catalog.construct(kind, construct)
    own = {r["round"]: r for r in descriptive_rows(table, "skole") if r["school"] == school.code}
    arm = {r["round"]: r for r in descriptive_rows(table, "arm") if r["arm"] == school.arm}
    everyone = {r["round"]: r for r in descriptive_rows(table, "alle")}
    return ConstructFigures(
        construct=construct,
        labels=dict(info.label),
        higher_is_better=info.higher_is_better,
        scale=_scale(info),
        school=tuple(_cell(own.get(r)) for r in rounds),
        arm=tuple(_cell(arm.get(r)) for r in rounds),
        everyone=tuple(_cell(everyone.get(r)) for r in rounds),
    )


def _scale(info: ConstructInfo) -> tuple[int, int]:
    values = [option.value for item in info.items for option in item.options]
    return (min(values), max(values)) if values else (1, 5)


def _cell(row: Mapping[str, Any] | None) -> Cell:
    if row is None:
        return MISSING
    if row.get("suppressed"):
        return Cell(hidden=str(row["suppressed"]))
    mean, n, sd = row.get("mean"), row.get("n"), row.get("sd")
    if mean is None or n is None:
        return Cell(hidden=PRIMARY)
    return Cell(float(mean), int(n), None if sd is None else float(sd), "")


def _answered(figures: Sequence[ConstructFigures], rounds: int) -> tuple[Cell, ...]:
    """Per round, the school's largest shown n; hidden when every construct hid it."""
    answered = []
    for index in range(rounds):
        cells = [f.school[index] for f in figures]
        shown = [c.n for c in cells if c.is_shown and c.n is not None]
        if shown:
            answered.append(Cell(n=max(shown), hidden=""))
        else:
            reasons = [c.hidden for c in cells if c.hidden != "missing"]
            answered.append(Cell(hidden=reasons[0] if reasons else "missing"))
    return tuple(answered)

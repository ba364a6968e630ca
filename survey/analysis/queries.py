"""Reads for the analysis: the tidy answer frame, the constructs asked, the goals.

The tidy frame has one row per response x choice item (declined answers included, free text
left out), with round, school, group, arm and respondent type beside it: the shape
`analytics` takes. Schools appear by their neutral code, never by name.

Only sent responses of closed rounds are read (DESIGN.md, "Privacy model"): a draft is the
respondent's until sent, and figures are released once a round closes, so no figure moves
with one child's answers while the round is open.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from analytics.goals import GoalSpec
from analytics.scoring import ConstructSpec
from instruments import Instrument
from instruments.reading import constructs_of as read_constructs
from survey.models import Answer, Goal, Group, InstrumentVersion, Round, School
from survey.models import Response as SurveyResponse
from survey.responses.operations import instrument_of

ANSWER_COLUMNS = (
    "response",
    "item",
    "value",
    "declined",
    "respondent_type",
    "instrument_version",
    "round",
    "school",
    "group",
    "arm",
)

#: Only rounds in this state are analysed: their answers can no longer change.
RELEASED_ROUND_STATUS = "closed"
#: Only sent responses count; a partial one is a draft its respondent never agreed to send.
COUNTED_RESPONSE_STATUS = "complete"


@dataclass(frozen=True)
class ScoredConstruct:
    """A construct as asked in one instrument version: how to score it and which way is good."""

    spec: ConstructSpec
    higher_is_better: bool


def round_labels(session: Session, project_id: int) -> list[str]:
    """Every round of the project in time order, with or without answers."""
    return list(
        session.scalars(
            select(Round.label).where(Round.project_id == project_id).order_by(Round.opens_at)
        )
    )


def closed_round_ids(session: Session, project_id: int) -> list[int]:
    """The project's closed rounds, whose sent responses the analysis reads."""
    return list(
        session.scalars(
            select(Round.id)
            .where(Round.project_id == project_id, Round.status == "closed")
            .order_by(Round.opens_at)
        )
    )


def project_answers(session: Session, project_id: int, *, panel: bool = False) -> pd.DataFrame:
    """The tidy answer frame of a project's sent responses in closed rounds; `round` is an
    ordered categorical of every round label of the project.

    With `panel`, a `pupil` column holds the response's panel member id (a pseudonym; NA for
    a response sent without an issued card, which the model treats as a pupil seen once).
    """
    panel_columns = [SurveyResponse.panel_member_id] if panel else []
    rows = session.execute(
        select(
            Answer.response_id,
            Answer.item_id,
            Answer.value,
            Answer.is_declined,
            SurveyResponse.respondent_type,
            SurveyResponse.instrument_version_id,
            Round.label,
            School.code,
            Group.label,
            School.arm,
            *panel_columns,
        )
        .join(SurveyResponse, Answer.response_id == SurveyResponse.id)
        .join(Round, SurveyResponse.round_id == Round.id)
        .join(School, SurveyResponse.school_id == School.id)
        .outerjoin(Group, SurveyResponse.group_id == Group.id)
        .where(Round.project_id == project_id)
        .where(Round.status == RELEASED_ROUND_STATUS)
        .where(SurveyResponse.status == COUNTED_RESPONSE_STATUS)
        .where(or_(Answer.value.is_not(None), Answer.is_declined))
        .order_by(Answer.response_id, Answer.item_id)
    ).all()
    frame = pd.DataFrame(rows, columns=[*ANSWER_COLUMNS, *(["pupil"] if panel else [])])
    if panel:
        frame["pupil"] = pd.to_numeric(frame["pupil"]).astype(float)
    frame["value"] = pd.to_numeric(frame["value"]).astype("Float64")
    frame["declined"] = frame["declined"].astype(bool)
    frame["round"] = pd.Categorical(
        frame["round"], categories=round_labels(session, project_id), ordered=True
    )
    return frame


def instrument_constructs(
    session: Session, version_ids: list[int]
) -> dict[int, list[ScoredConstruct]]:
    """The scored constructs of each instrument version, from its frozen JSON."""
    versions = session.scalars(
        select(InstrumentVersion).where(InstrumentVersion.id.in_(version_ids))
    )
    return {version.id: constructs_of(instrument_of(version)) for version in versions}


def constructs_of(instrument: Instrument) -> list[ScoredConstruct]:
    return [
        ScoredConstruct(
            ConstructSpec(
                id=info.id,
                items=tuple((item.id, item.reverse) for item in info.items),
                scale_min=info.scale_min,
                scale_max=info.scale_max,
            ),
            info.higher_is_better,
        )
        for info in read_constructs(instrument).values()
    ]


def project_goals(session: Session, project_id: int) -> list[Goal]:
    """The project's goals, in a stable order."""
    return list(
        session.scalars(select(Goal).where(Goal.project_id == project_id).order_by(Goal.id))
    )


def goal_spec(goal: Goal, higher_is_better: bool) -> GoalSpec:
    return GoalSpec(
        construct=goal.construct,
        respondent_type=goal.respondent_type,
        target_kind=goal.target_kind,
        target_value=float(goal.target_value),
        due_round=goal.due_round.label if goal.due_round is not None else None,
        higher_is_better=higher_is_better,
        goal_id=goal.id,
        description=goal.description,
    )

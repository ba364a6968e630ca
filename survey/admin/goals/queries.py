"""Reads for the goals page: each goal of a project with the status the published snapshot
gives it, and what would settle it. Nothing is fitted here: the trend and the goal status come
from the stored results of closed rounds; the outlook is arithmetic on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.goals import GoalOutlook, GoalSpec, GoalStatus, goal_outlook
from analytics.trend_result import TrendResult
from survey.analysis.queries import round_labels
from survey.models import Goal, ModelResult, Project


@dataclass(frozen=True)
class GoalCard:
    goal: Goal
    status: GoalStatus | None  #: None until the analysis has judged the goal
    outlook: GoalOutlook | None
    #: The arm whose figures the goal is judged on ("intervention", or "all" without arms).
    arm: str | None


def goal_cards(session: Session, project: Project) -> list[GoalCard]:
    rows = session.scalars(
        select(ModelResult).where(
            ModelResult.project_id == project.id, ModelResult.kind.in_(("goals", "trend"))
        )
    )
    statuses: dict[int, GoalStatus] = {}
    trends: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if row.kind == "trend":
            trends[(row.construct, row.respondent_type)] = row.result
            continue
        for entry in row.result.get("goals", []):
            status = _status(entry)
            if status is not None and status.goal.goal_id is not None:
                statuses[status.goal.goal_id] = status
    planned = round_labels(session, project.id)
    cards = []
    for goal in sorted(project.goals, key=lambda g: g.id):
        status = statuses.get(goal.id)
        trend = _trend(trends.get((goal.construct, goal.respondent_type)))
        outlook = goal_outlook(status, trend, planned) if status and trend else None
        arm = trend.arms[-1] if trend is not None else None
        cards.append(GoalCard(goal, status, outlook, arm))
    return cards


def _status(entry: dict[str, Any]) -> GoalStatus | None:
    spec = entry.get("goal", {})
    if "target_kind" not in spec:
        return None
    fields = ("round", "estimate", "ci_low", "ci_high", "projected")
    return GoalStatus(
        GoalSpec(**spec),
        str(entry.get("status", "cannot_tell")),
        *(entry.get(name) for name in fields),
        str(entry.get("reason", "")),
    )


def _trend(result: dict[str, Any] | None) -> TrendResult | None:
    if not result or "error" in result or result.get("model") == "descriptives":
        return None
    try:
        return TrendResult.from_dict(result)
    except (KeyError, TypeError, ValueError):
        return None

"""Writes for goals. Only flush, never commit."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from survey import audit
from survey.models import Goal, Project, User

log = logging.getLogger(__name__)


def create_goal(session: Session, user: User | None, project: Project, **fields: Any) -> Goal:
    goal = Goal(project=project, **fields)
    session.add(goal)
    session.flush()
    audit.record(session, "goal.created", user=user, project_id=project.id, goal_id=goal.id)
    log.info("created goal %s in project %s", goal.id, project.id)
    return goal


def update_goal(session: Session, user: User, goal: Goal, **fields: Any) -> Goal:
    changed = audit.apply_changes(
        session,
        goal,
        fields,
        action="goal.updated",
        user=user,
        project_id=goal.project_id,
        goal_id=goal.id,
    )
    if changed:
        log.info("updated goal %s: %s", goal.id, ", ".join(changed))
    return goal


def delete_goal(session: Session, user: User, goal: Goal) -> None:
    project_id = goal.project_id
    session.delete(goal)
    session.flush()
    audit.record(session, "goal.deleted", user=user, project_id=project_id, goal_id=goal.id)
    log.info("deleted goal %s", goal.id)

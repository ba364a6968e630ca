"""The audit log: one row for each state change, export and login."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from survey.models import AuditEvent, User

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"


def record(
    session: Session,
    action: str,
    *,
    user: User | None = None,
    project_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        user_id=user.id if user else None,
        actor=user.email if user else SYSTEM_ACTOR,
        project_id=project_id,
        details=details,
    )
    session.add(event)
    session.flush()
    log.info("audit %s by %s (project %s)", action, event.actor, project_id)
    return event

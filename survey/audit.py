"""The audit log: one row for each state change, export and login."""

from __future__ import annotations

import logging
from collections.abc import Mapping
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
    # The one log line of a write that is audited: its own module logs nothing more.
    named = " ".join(f"{key}={value}" for key, value in sorted(details.items()))
    log.info("audit %s by %s (project %s) %s", action, event.actor, project_id, named)
    return event


def apply_changes(
    session: Session,
    row: Any,
    fields: Mapping[str, Any],
    *,
    action: str,
    user: User | None,
    project_id: int | None,
    **ids: Any,
) -> list[str]:
    """Set the fields that differ on `row`, flush, and record which changed (names, not values).

    Nothing is recorded when nothing changed. `ids` name the row in the audit event.
    """
    changed = sorted(key for key, value in fields.items() if getattr(row, key) != value)
    for key in changed:
        setattr(row, key, fields[key])
    session.flush()
    if changed:
        record(session, action, user=user, project_id=project_id, **ids, changed=changed)
    return changed

"""Purging projects whose delete-after date has come. Only flush, never commit."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey import audit
from survey.models import PanelKey, Project

log = logging.getLogger(__name__)


def purge_expired_projects(session: Session, today: dt.date) -> list[int]:
    """Delete every project due on or before `today`, with all its data; return their ids.

    A panel project's key goes first, in its own statement: whoever kept a copy of the card
    hashes (a backup, say) can no longer recompute them from a card.
    """
    due = session.scalars(select(Project).where(Project.delete_after_on <= today)).all()
    purged = []
    for project in due:
        purged.append(project.id)
        audit.record(
            session,
            "project.purged",
            purged_project_id=project.id,
            delete_after_on=project.delete_after_on.isoformat(),
        )
        session.execute(delete(PanelKey).where(PanelKey.project_id == project.id))
        session.delete(project)
    session.flush()
    if purged:
        log.info("purged %d projects past their delete-after date: %s", len(purged), purged)
    return purged

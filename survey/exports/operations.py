"""Asking for an export: it becomes a job, one running or waiting per user. Only flushes."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.exports.plan import ExportRequest
from survey.jobs.queue import enqueue
from survey.models import BackgroundJob, User

log = logging.getLogger(__name__)


class ExportBusyError(RuntimeError):
    """The user already has an export waiting or being written."""


def unfinished_export(session: Session, user_id: int) -> BackgroundJob | None:
    return session.scalar(
        select(BackgroundJob).where(
            BackgroundJob.kind == "export",
            BackgroundJob.user_id == user_id,
            BackgroundJob.state.in_(("queued", "running")),
        )
    )


def request_export(session: Session, user: User, request: ExportRequest, fmt: str) -> BackgroundJob:
    """Queue the export (the queue rule: one unfinished export per user)."""
    if unfinished_export(session, user.id) is not None:
        raise ExportBusyError(user.id)
    params = {
        "format": fmt,
        "round_ids": list(request.round_ids),
        "respondent_types": list(request.respondent_types),
        "school_codes_only": request.school_codes_only,
        "include_free_text": request.include_free_text,
        "label_language": request.label_language,
    }
    return enqueue(session, "export", project_id=request.project_id, user_id=user.id, params=params)


def request_of(job: BackgroundJob) -> tuple[ExportRequest, str]:
    params = job.params
    assert job.project_id is not None
    request = ExportRequest(
        project_id=job.project_id,
        round_ids=tuple(params["round_ids"]),
        respondent_types=tuple(params["respondent_types"]),
        school_codes_only=bool(params["school_codes_only"]),
        include_free_text=bool(params["include_free_text"]),
        label_language=str(params.get("label_language", "nb")),
    )
    return request, str(params["format"])

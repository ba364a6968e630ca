"""Letters as a job: the request records which batch and language, a worker sets the PDFs.

The job's row carries no token: the worker opens the batch's sealed tokens itself (they are
kept sealed while the round is open and the batch is not voided, docs/security.md), so the
tokens are on disk only in the finished file, which only the requester can download and which
the retention job deletes after JOBS_FILE_HOURS. More letters than LETTERS_MAX_PER_BATCH come
as several PDFs in one zip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import audit
from survey.admin.distribution import queries
from survey.admin.distribution.files import batch_of, letters_zip, safe_name
from survey.admin.distribution.letters import link_letters_pdf
from survey.jobs import files
from survey.jobs.queue import enqueue
from survey.jobs.runner import Progress
from survey.models import BackgroundJob, LinkBatch, Round, User, utcnow
from survey.sequences import chunks

KIND = "letters"
#: Where the token goes in the link address the request works out (the worker has no request).
TOKEN_MARK = "__token__"  # noqa: S105 - a placeholder, no secret


def request_letters(
    session: Session,
    user: User,
    round_: Round,
    batch: LinkBatch,
    language: str,
    per_file: int,
    url_pattern: str,
    count: int,
) -> BackgroundJob:
    """The user's unfinished job for the same letters, or a new one: a reload or a double
    click joins the first job rather than making a second."""
    params = {
        "round_id": round_.id,
        "batch_id": batch.id,
        "language": language,
        "per_file": per_file,
        "url_pattern": url_pattern,
    }
    # Concurrent requests for one batch queue here (the batch's row lock, on PostgreSQL), so
    # the second sees the first's job instead of adding its own.
    session.execute(select(LinkBatch.id).where(LinkBatch.id == batch.id).with_for_update())
    unfinished = session.scalars(
        select(BackgroundJob)
        .where(
            BackgroundJob.kind == KIND,
            BackgroundJob.user_id == user.id,
            BackgroundJob.project_id == round_.project_id,
            BackgroundJob.state.in_(("queued", "running")),
        )
        .order_by(BackgroundJob.id)
        .with_for_update()
    )
    for job in unfinished:
        if job.params == params:
            return job
    return enqueue(
        session,
        KIND,
        project_id=round_.project_id,
        user_id=user.id,
        params=params,
        rows_total=count,
    )


def _every(step: int, progress: Progress, start: int, total: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        if done % step == 0:
            progress(start + done, total)

    return report


def run_letters_job(session: Session, job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """Idempotent: a retried attempt writes its own file and replaces the earlier one; the
    audit row commits with the job's `done`."""
    app = current_app._get_current_object()
    params = job.params
    batch = session.get(LinkBatch, params["batch_id"])
    round_ = session.get(Round, params["round_id"])
    if batch is None or round_ is None or batch.round_id != round_.id:
        raise LookupError("the batch is gone")
    tokens = queries.batch_tokens(batch, app.config["SECRET_KEY"])
    if tokens is None:
        raise LookupError("the batch's links are no longer kept (round closed or voided)")
    urls = [params["url_pattern"].replace(TOKEN_MARK, token) for token in tokens]
    with app.test_request_context():
        letters = batch_of(
            round_, batch.school, batch.group, batch.respondent_type, params["language"]
        )
        parts, done = [], 0
        for part in chunks(urls, params["per_file"]):
            parts.append(link_letters_pdf(letters, part, _every(50, progress, done, len(urls))))
            done += len(part)
            progress(done, len(urls))
    name = safe_name(
        f"brev-{batch.school.code}-{batch.group.label if batch.group else batch.respondent_type}"
    )
    suffix = "pdf" if len(parts) == 1 else "zip"
    body = parts[0] if len(parts) == 1 else letters_zip(name, parts)
    partial = files.partial_path(app, job.id, job.attempt, suffix)
    partial.write_bytes(body)
    user = session.get(User, job.user_id) if job.user_id is not None else None
    audit.record(
        session,
        "links.downloaded",
        user=user,
        project_id=round_.project_id,
        round_id=round_.id,
        school_id=batch.school_id,
        respondent_type=batch.respondent_type,
        count=len(urls),
        format="pdf",
    )
    return {
        "file_name": files.keep(app, job.id, partial, suffix),
        "download_name": f"{name}.{suffix}",
        "expires_at": utcnow() + dt.timedelta(hours=app.config["JOBS_FILE_HOURS"]),
        "rows_done": len(urls),
        "rows_total": len(urls),
    }

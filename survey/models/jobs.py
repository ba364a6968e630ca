"""A durable job: the record of one piece of heavy work, its progress and its result.

The huey queue carries only the job's id; this row is the truth. A worker claims it by a
conditional update that raises `attempt`, holds a lease it renews while it works, and finishes
only while the lease is still its own, so two workers never both finish one job.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, in_list, utcnow

JOB_KINDS = ("export", "letters", "analysis")
JOB_STATES = ("queued", "running", "done", "failed")


class BackgroundJob(Base):
    __tablename__ = "background_job"
    __table_args__ = (
        CheckConstraint(in_list("kind", JOB_KINDS), name="kind_known"),
        CheckConstraint(in_list("state", JOB_STATES), name="state_known"),
        CheckConstraint("rows_done >= 0 AND rows_total >= 0", name="rows_not_negative"),
        Index("ix_background_job_state_kind", "state", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="queued")
    #: Who asked; only they may see the progress and fetch the file. None for the clock's jobs.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int] = mapped_column(default=0)
    #: Raised by each claim; a worker finishes the job only while this is still its attempt.
    attempt: Mapped[int] = mapped_column(default=0)
    #: A running job whose lease has passed was lost with its worker and is claimed again.
    lease_until: Mapped[dt.datetime | None]
    #: The finished file's name in the job folder (exports, letters), never shown to users.
    file_name: Mapped[str | None] = mapped_column(String(200))
    #: What the file is called when downloaded.
    download_name: Mapped[str | None] = mapped_column(String(200))
    #: When the file is deleted by the retention job.
    expires_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]

    @property
    def is_finished(self) -> bool:
        return self.state in ("done", "failed")

    def __repr__(self) -> str:
        return f"<BackgroundJob {self.id} {self.kind} {self.state}>"

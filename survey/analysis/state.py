"""The state of a project's analysis, as its dashboard pages tell it: when it last stored
results, a recompute asked for and not yet run, and the run of failures since the last
success. The same answers as `failures.last_computed`, `requests.pending_request` and
`failures.current_failure`, in two reads instead of six (three when a failure is current),
since every dashboard page shows them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.analysis import failures, requests
from survey.models import AuditEvent


@dataclass(frozen=True)
class AnalysisState:
    computed_at: dt.datetime | None  #: the newest stored result
    requested_at: dt.datetime | None  #: a lead's request that no run has handled yet
    failure: failures.Failure | None  #: the run of failures since the last success


def analysis_state(session: Session, project_id: int) -> AnalysisState:
    computed_at = failures.last_computed(session, project_id)
    actions = (requests.REQUESTED, requests.DONE, failures.RECOVERED, failures.FAILED)
    rows = session.execute(
        select(AuditEvent.action, func.max(AuditEvent.occurred_at))
        .where(AuditEvent.project_id == project_id, AuditEvent.action.in_(actions))
        .group_by(AuditEvent.action)
    )
    latest = dict(rows.all())
    since = failures.last_success(computed_at, latest.get(failures.RECOVERED))
    failed_at = latest.get(failures.FAILED)
    has_failed_since = failed_at is not None and (since is None or failed_at > since)
    return AnalysisState(
        computed_at,
        requests.still_pending(latest.get(requests.REQUESTED), latest.get(requests.DONE)),
        failures.failure_since(session, project_id, since) if has_failed_since else None,
    )

"""The scheduled recompute: registered, and idempotent."""

from sqlalchemy import select

from survey.analysis.tasks import recompute_models
from survey.models import ModelResult
from survey.scheduler import all_jobs


def test_the_recompute_job_is_scheduled() -> None:
    assert "analysis.recompute_models" in {job.id for job in all_jobs()}


def test_running_the_job_twice_fits_once(app, session, project) -> None:
    recompute_models(app)
    first = {r.id: r.computed_at for r in session.scalars(select(ModelResult))}
    recompute_models(app)
    session.expire_all()
    again = {r.id: r.computed_at for r in session.scalars(select(ModelResult))}
    assert first and again == first

"""DESIGN.md, "Privacy model": each project has a delete-after date, and a scheduled job
purges the data on it. Here the whole privacy project (responses, free text, a link with a
draft, a link response waiting in the pool, cached results) meets the daily job itself;
tests/survey/test_retention.py tests the purge operation's dates, idempotence and audit
event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from survey.links.operations import save_draft, submit_link
from survey.links.sealing import new_device_key
from survey.models import AccessCode, Base, PooledLinkResponse, Project
from survey.retention.tasks import purge_expired
from survey.rounds.codes import link_token_hash
from survey.rounds.operations import create_links
from survey.scheduler import all_jobs
from tests.conftest import TEST_SECRET_KEY
from tests.privacy.world import FREE_TEXT

#: Tables that outlive a project: who staff are, their API tokens, the record of what was
#: done (its project id set to null), and the questionnaires, which hold no answers.
KEPT = {"app_user", "api_token", "audit_event", "instrument_version", "alembic_version"}


def _nonempty_tables(session) -> dict[str, int]:
    counts = {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }
    return {name: n for name, n in counts.items() if n}


def _with_a_link_draft(session, world) -> None:
    """A parent's draft (sealed with their device's key), and another's answers in the pool."""
    round_, school = world.rounds[-1], world.schools["A1"]
    drafting, sent = create_links(session, round_, school.id, "parent", 2, TEST_SECRET_KEY)
    access = session.scalar(
        select(AccessCode).filter_by(code_hash=link_token_hash(TEST_SECRET_KEY, drafting))
    )
    answers = {"kommentar": {"text": FREE_TEXT}}
    save_draft(session, access, new_device_key(), TEST_SECRET_KEY, "nb", answers)
    submit_link(session, TEST_SECRET_KEY, sent, None)
    assert session.scalar(select(func.count()).select_from(PooledLinkResponse)) == 1


def test_the_daily_job_purges_a_project_on_its_delete_after_date_and_not_before(
    app, session, privacy_project
) -> None:
    world, today = privacy_project, dt.datetime.now(dt.UTC).date()
    _with_a_link_draft(session, world)
    assert "retention.purge_expired" in {job.id for job in all_jobs()}
    world.project.delete_after_on = today + dt.timedelta(days=1)
    session.flush()
    purge_expired(app)
    assert session.scalar(select(func.count()).select_from(Project)) == 1
    world.project.delete_after_on = today
    session.flush()
    purge_expired(app)
    session.expire_all()
    left = set(_nonempty_tables(session)) - KEPT
    assert left == set(), f"rows of the purged project remain in {sorted(left)}"


def _everything_stored(session) -> str:
    return "\n".join(
        " ".join(str(value) for value in row)
        for table in Base.metadata.sorted_tables
        for row in session.execute(table.select())
    )


def test_no_answer_or_free_text_survives_the_purge_anywhere(app, session, privacy_project) -> None:
    world = privacy_project
    _with_a_link_draft(session, world)
    world.project.delete_after_on = dt.datetime.now(dt.UTC).date()
    session.flush()
    assert _everything_stored(session).count("fritekst-7f3a") == 1  # an answer; drafts are sealed
    purge_expired(app)
    session.expire_all()
    stored = _everything_stored(session)
    assert "fritekst-7f3a" not in stored
    assert "Personvernprosjekt" not in stored

"""A small project with answers of every kind, and helpers to export it and read it back."""

from __future__ import annotations

import datetime as dt
import itertools
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from instruments import bundled_instrument
from survey.exports.package import run_export
from survey.exports.plan import ExportRequest
from survey.models import Answer, AuditEvent, Response
from survey.rounds.operations import freeze_instrument, set_round_instrument

_client_ids = itertools.count(1)
PUPIL_ITEMS = ("trivsel_liker_skolen", "trivsel_gleder_meg", "konflikt_krangel_i_timen")


@pytest.fixture
def add_response(session):
    """Store one response: `answers` maps item id to a value, "declined", or free text."""

    def add(round_, school, group, version, answers, language="nb", completed_on=None):
        response = Response(
            client_id=f"export-test-{next(_client_ids)}",
            round=round_,
            school=school,
            group=group,
            respondent_type=version.respondent_type,
            instrument_version=version,
            language=language,
            status="complete",
            completed_on=completed_on or dt.date(2026, 10, 5),
        )
        session.add(response)
        session.flush()
        for item_id, given in answers.items():
            declined = given == "declined"
            session.add(
                Answer(
                    response=response,
                    item_id=item_id,
                    value=given if isinstance(given, int) else None,
                    text=given if isinstance(given, str) and not declined else None,
                    is_declined=declined,
                )
            )
        session.flush()
        return response

    return add


@pytest.fixture
def small_project(session, make_project, make_school, make_group, make_round, add_response):
    """Two schools (one per arm), two closed rounds, pupils and parents; values 1-5, declines,
    text."""
    project = make_project(min_group_size=5)
    schools = [
        make_school(project, name="Åsen skole", code="S01", arm="intervention"),
        make_school(project, name="Bakken skole", code="S02", arm="comparison"),
    ]
    groups = [make_group(school, grade=5, label="5A") for school in schools]
    rounds = [
        make_round(
            project,
            label=label,
            opens_at=opens,
            closes_at=opens + dt.timedelta(days=21),
        )
        for label, opens in (
            ("Høst 2026", dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)),
            ("Vår 2027", dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC)),
        )
    ]
    pupil = freeze_instrument(session, bundled_instrument("pupil-5-7"))
    parent = freeze_instrument(session, bundled_instrument("parent"))
    for r in rounds:
        set_round_instrument(session, r, pupil)
        set_round_instrument(session, r, parent)
    for n, (r, school, group) in enumerate(itertools.product(rounds, schools, groups)):
        if group.school_id != school.id:
            continue
        for k in range(6):
            values = {item: 1 + (n + k + i) % 5 for i, item in enumerate(PUPIL_ITEMS)}
            if k == 0:
                values["trivsel_gleder_meg"] = "declined"
            add_response(r, school, group, pupil, values)
        add_response(r, school, None, parent, {"trivsel_trygt": 4, "kommentar": "Fin skole."})
    for r in rounds:
        r.status = "closed"  # an export holds closed rounds only
    session.flush()
    return project


@pytest.fixture
def export(app, session):
    """Export a project and return the written path."""

    def run(project, fmt, tmp_path: Path, **choices) -> Path:
        out = tmp_path / f"export.{fmt}"
        with app.app_context():
            run_export(session, ExportRequest(project.id, **choices), fmt, out)
        return out

    return run


def unzip(path: Path, target: Path) -> Path:
    with zipfile.ZipFile(path) as zf:
        zf.extractall(target)
    return target


def audit_events(session, project):
    return list(
        session.scalars(
            select(AuditEvent).filter_by(project_id=project.id, action="export.created")
        )
    )

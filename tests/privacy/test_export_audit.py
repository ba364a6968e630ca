"""DESIGN.md, "Privacy model": every data export is recorded in the audit log: who exported,
when, and what. The ways data leave the service:

- the export page, in every format (here), and `trivsel export`
  (tests/survey/exports/test_cli.py);
- each dashboard chart's CSV (here, every one the pages link to);
- `trivsel backup`, a copy of the whole database (here);
- link letters and their CSV hold new link tokens, no answers, and are audited all the same
  (tests/survey/admin/test_distribution.py);
- the API serves no answers at all: settings and response counts only (here, so that a new
  API route must be classified before it ships).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from click.testing import CliRunner
from sqlalchemy import create_engine, select, text

from survey.cli import main
from survey.exports.package import FORMATS
from survey.models import AuditEvent
from tests.privacy.outputs import DOWNLOADS, Reader, output_endpoints

#: Every API route that reads, and why it is not a data export.
API_READS = {
    "api-docs.openapi_json": "the API's description",
    "api_projects.list_projects": "project settings",
    "api_projects.get_project": "project settings",
    "api_projects.list_schools": "schools of a project",
    "api_projects.list_groups": "classes of a school",
    "api_projects.list_goals": "a project's goals",
    "api_rounds.list_rounds": "rounds and their instruments",
    "api_rounds.get_round": "a round and its instruments",
    "api_rounds.response_counts": "how many answered, never what",
}


def _events(session, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)
    return list(session.scalars(query))


def _is_now(moment: dt.datetime, started: dt.datetime) -> bool:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return started - dt.timedelta(seconds=1) <= moment <= dt.datetime.now(dt.UTC)


def test_every_format_of_the_export_page_is_audited_with_who_when_and_what(
    app, session, privacy_project
) -> None:
    world, started = privacy_project, dt.datetime.now(dt.UTC)
    world.rounds[1].status = "closed"  # an export holds closed rounds only
    session.flush()
    evaluator = world.users["evaluator"]
    client = Reader(app, session, world).client_as("evaluator")
    chosen = {"rounds": str(world.rounds[1].id), "respondent_types": "parent"}
    for fmt in FORMATS:
        form = {"csrf_token": "privacy-csrf", "format": fmt, **chosen}
        reply = client.post(f"/staff/projects/{world.project.id}/export/", data=form)
        reply.close()
        assert reply.status_code == 303, fmt  # to the export job's page; the job is audited
    events = _events(session, "export.created")
    assert [event.details["format"] for event in events] == list(FORMATS)
    for event in events:
        assert (event.user_id, event.actor, event.project_id) == (
            evaluator.id,
            evaluator.email,
            world.project.id,
        )
        assert _is_now(event.occurred_at, started)
        assert event.details["via"] == "web" and event.details["responses"] == 4 * 12 - 5
        assert (event.details["rounds"], event.details["respondent_types"]) == (
            [world.rounds[1].id],
            ["parent"],
        )
        assert event.details["free_text"] is False and event.details["files"]


def test_every_chart_csv_the_dashboards_offer_is_audited_with_who_when_and_what(
    app, session, privacy_project
) -> None:
    world, started = privacy_project, dt.datetime.now(dt.UTC)
    reader = Reader(app, session, world)
    downloads = [
        o for o in reader.every_output("contact", only=r"^dashboards\.") if o.kind == "csv"
    ]
    assert not [p for p in reader.problems if "never read" not in p]
    events = _events(session, "dashboards.csv_downloaded")
    assert len(downloads) > 50 and len(events) == len(downloads)
    contact = world.users["contact"]
    for event, download in zip(events, downloads, strict=True):
        assert (event.user_id, event.actor, event.project_id) == (
            contact.id,
            contact.email,
            world.project.id,
        )
        assert _is_now(event.occurred_at, started)
        asked = parse_qs(urlsplit(download.source).query)
        assert event.details["chart"] == download.chart
        assert event.details["filters"]["respondent_type"] == asked["respondent_type"][0]
        assert event.details["page"]


def test_a_database_backup_is_audited_with_who_when_and_what(tmp_path, monkeypatch) -> None:
    database = tmp_path / "backup-audit.db"
    monkeypatch.setenv("TRIVSEL_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("TRIVSEL_SECRET_KEY", "backup-audit-secret-key-long-enough-for-hmac")
    runner, started = CliRunner(), dt.datetime.now(dt.UTC)
    assert runner.invoke(main, ["db", "upgrade"], catch_exceptions=False).exit_code == 0
    out = tmp_path / "copy.db"
    result = runner.invoke(main, ["backup", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        actor, occurred_at, details = connection.execute(
            text("SELECT actor, occurred_at, details FROM audit_event WHERE action = :a"),
            {"a": "backup.created"},
        ).one()
    engine.dispose()
    assert actor == "system" and '"via": "cli:' in details
    assert str(out) in details and "the whole database" in details
    assert _is_now(dt.datetime.fromisoformat(str(occurred_at)), started)


def test_every_download_route_is_an_audited_export_or_declared_free_of_answers(app) -> None:
    _, undecided = output_endpoints(app)
    assert undecided == []
    assert set(DOWNLOADS) >= {"exports.download"}


def test_the_api_serves_no_answers_so_it_has_no_export_to_audit(app) -> None:
    reads = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        and "GET" in (rule.methods or ())
        and not rule.endpoint.startswith("pupil_api.")
    }
    assert reads == set(API_READS), "classify the new API reads; a data export must be audited"

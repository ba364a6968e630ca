"""DESIGN.md, "Privacy model": free text is optional per instrument. It never appears on
dashboards. Exports include it only for a role with that explicit right
(`User.can_export_free_text`), with a warning that it may hold names.

A parent of the privacy project (tests/privacy/world.py) wrote a comment that names a pupil.
"""

from __future__ import annotations

from sqlalchemy import func, select

from survey.models import AuditEvent
from tests.privacy.outputs import Reader
from tests.privacy.world import FREE_TEXT

#: A part of the comment no other text holds.
MARKER = "fritekst-7f3a"


def test_free_text_never_appears_on_a_dashboard_page_api_reply_or_any_page(
    app, session, privacy_project
) -> None:
    reader = Reader(app, session, privacy_project)
    outputs = [o for o in reader.every_output() if o.endpoint != "exports.download"]
    assert not reader.problems, "\n".join(reader.problems)
    assert any(o.endpoint.startswith("dashboards.") for o in outputs)
    assert any(o.source.startswith("/api/") for o in outputs)
    assert [o.source for o in outputs if MARKER in o.text or "Ola Nordmann" in o.text] == []


def _close_every_round(session, world) -> None:
    """An export holds closed rounds only, and the free text is in the last, open one."""
    for round_ in world.rounds:
        round_.status = "closed"
    session.flush()


def test_an_export_without_free_text_holds_none_of_it_in_any_file(
    app, session, privacy_project
) -> None:
    _close_every_round(session, privacy_project)
    reader = Reader(app, session, privacy_project)
    files = reader.exports(reader.client_as("free_text"))
    assert not reader.problems, "\n".join(reader.problems)
    assert len(files) > 10
    assert [f.source for f in files if MARKER in f.text] == []


def test_free_text_is_refused_to_an_evaluator_without_the_right(
    app, session, privacy_project
) -> None:
    world = privacy_project
    client = Reader(app, session, world).client_as("evaluator")
    url = f"/staff/projects/{world.project.id}/export/"
    assert 'name="free_text"' not in client.get(url).text
    form = {"csrf_token": "privacy-csrf", "format": "zip", "free_text": "on"}
    reply = client.post(url, data=form)
    assert reply.status_code == 422
    assert MARKER not in reply.text
    exported = select(func.count()).where(AuditEvent.action == "export.created")
    assert session.scalar(exported) == 0


def test_free_text_is_exported_to_a_user_with_the_right_with_a_warning_about_names(
    app, session, privacy_project
) -> None:
    _close_every_round(session, privacy_project)
    reader = Reader(app, session, privacy_project)
    client = reader.client_as("free_text")
    form_page = client.get(f"/staff/projects/{privacy_project.project.id}/export/").text
    assert 'name="free_text"' in form_page and "kan inneholde navn" in form_page
    files = {f.source.rpartition("→ ")[2]: f for f in reader.exports(client, free_text=True)}
    assert FREE_TEXT in files["data_long.csv"].text
    assert FREE_TEXT in files["data_wide.xlsx#free_text"].text
    assert "Advarsel: fritekst" in files["README.md"].text
    assert "kan inneholde navn" in files["README.md"].text
    event = session.scalars(select(AuditEvent).filter_by(action="export.created")).first()
    assert event.details["free_text"] is True

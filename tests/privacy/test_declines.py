"""DESIGN.md, "Privacy model": a group's size counts those who answered; declines do not count.

Issue 13, finding 5: one staff member answered and nine declined, and the item chart showed
that one answer as a group of ten. Read as the lead would, every item chart of the staff's
konflikt items must stay hidden.
"""

from __future__ import annotations

import csv
import io

from instruments import bundled_instrument
from survey.analysis.operations import analyze_project
from survey.models import Answer, Response, User
from tests.round_fixtures import INSTRUMENTS

DECLINERS = 9


def _staff(session, round_, school, version, items, declines: bool, k: int) -> None:
    response = Response(
        client_id=f"decliner-{k}",
        round=round_,
        school=school,
        respondent_type="staff",
        instrument_version=version,
        language="nb",
        status="complete",
        completed_on=round_.opens_at.date(),
    )
    session.add(response)
    for item in items:
        if declines:
            session.add(Answer(response=response, item_id=item.id, is_declined=True))
        else:
            session.add(Answer(response=response, item_id=item.id, value=3))


def _item_csvs(app, user: User, project_id: int, item_ids: list[str]) -> dict[str, list[dict]]:
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["user_id"] = user.id
    base = f"/dashboards/project/{project_id}/items?respondent_type=staff&construct=konflikt"
    tables = {}
    for item_id in item_ids:
        reply = client.get(f"{base}&chart=item-{item_id}&format=csv")
        assert reply.status_code == 200, reply.status_code
        rows = csv.DictReader(io.StringIO(reply.text.lstrip("\ufeff")), delimiter=";")
        tables[item_id] = list(rows)
    return tables


def test_one_answer_beside_nine_declines_is_hidden(app, session, project, school, planned_round):
    assert project.min_group_size == DECLINERS + 1
    planned_round.status = "closed"
    [version] = [
        i.instrument_version for i in planned_round.instruments if i.respondent_type == "staff"
    ]
    instrument = bundled_instrument(*INSTRUMENTS["staff"])
    items = [item for item in instrument.items_in("konflikt") if item.is_choice]
    for k in range(DECLINERS + 1):
        _staff(session, planned_round, school, version, items, declines=k > 0, k=k)
    lead = User(email="leder@avslag.no", role="project_lead", password_hash="x", projects=[project])
    session.add(lead)
    session.flush()
    analyze_project(session, project.id)
    tables = _item_csvs(app, lead, project.id, [item.id for item in items])
    rows = [row for table in tables.values() for row in table]
    assert rows, "no item chart was drawn for the staff's konflikt items"
    assert all(row["Svar"] == "" and row["Merknad"] for row in rows), rows

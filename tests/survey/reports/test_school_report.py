"""The school report: its figures are the published snapshot's, and small groups show none."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.descriptives import describe
from dashboards.formatting import number
from instruments import bundled_instrument
from survey.models import AuditEvent, Group, ModelResult, Project, Round, School, User
from survey.rounds.operations import freeze_instrument, set_round_instrument

ROUNDS = ("Høst 2024", "Høst 2025")
CONSTRUCTS = ("trivsel", "konflikt")
#: (name, code, arm, pupils per round); Sørby has fewer than ten.
SCHOOLS = (
    ("Nordli skole", "NO", "intervention", 26),
    ("Austli skole", "AU", "intervention", 21),
    ("Sørby skole", "SO", "intervention", 6),
    ("Vestli skole", "VE", "comparison", 25),
    ("Østli skole", "OS", "comparison", 23),
)


@dataclass(frozen=True)
class Snapshot:
    project: Project
    schools: dict[str, School]
    rounds: list[Round]
    scores: pd.DataFrame  #: the unsuppressed scores the snapshot was described from
    tables: dict[str, dict]  #: the stored descriptive tables, by construct
    lead: User


@pytest.fixture
def snapshot(session: Session) -> Snapshot:
    project = Project(name="Rapportprosjekt", delete_after_on=dt.date(2030, 1, 1))
    session.add(project)
    schools = {}
    for name, code, arm, pupils in SCHOOLS:
        school = School(project=project, name=name, code=code, arm=arm)
        session.add(Group(school=school, grade=6, label="6A", enrolled=pupils + 2))
        schools[code] = school
    rounds = []
    pupil = freeze_instrument(session, bundled_instrument("pupil-5-7"))
    for index, label in enumerate(ROUNDS):
        opens = dt.datetime(2024 + index, 10, 1, 8, tzinfo=dt.UTC)
        round_ = Round(
            project=project, label=label, opens_at=opens, closes_at=opens + dt.timedelta(days=20)
        )
        session.add(round_)
        session.flush()
        set_round_instrument(session, round_, pupil)
        round_.status = "closed"
        rounds.append(round_)
    rng = np.random.default_rng(17)
    rows = [
        {
            "round": label,
            "arm": arm,
            "school": code,
            "group": "6A",
            "construct": construct,
            "score": float(np.clip(rng.normal(3.6 if construct == "trivsel" else 2.1, 0.7), 1, 5)),
        }
        for label in ROUNDS
        for _name, code, arm, pupils in SCHOOLS
        for _pupil in range(pupils)
        for construct in CONSTRUCTS
    ]
    scores = pd.DataFrame(rows)
    tables = {}
    for construct in CONSTRUCTS:
        part = scores[scores["construct"] == construct]
        table = describe(part, construct=construct, respondent_type="pupil").to_dict()
        tables[construct] = table
        session.add(
            ModelResult(
                project_id=project.id,
                construct=construct,
                respondent_type="pupil",
                kind="descriptives",
                computed_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC),
                data_fingerprint="f" * 64,
                result=table,
            )
        )
    lead = User(
        email="leder@rapport.no", role="project_lead", password_hash="x", projects=[project]
    )
    session.add(lead)
    session.flush()
    return Snapshot(project, schools, rounds, scores, tables, lead)


def _report_text(client: FlaskClient, user: User, school: School, round_: Round, **args) -> str:
    with client.session_transaction() as browser_session:
        browser_session["user_id"] = user.id
    response = client.get(f"/reports/school/{school.id}/round/{round_.id}.pdf", query_string=args)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(response.data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def _school_row(table: dict, code: str, round_label: str) -> dict:
    return next(
        row
        for row in table["table"]
        if row["level"] == "skole" and row["school"] == code and row["round"] == round_label
    )


def test_the_report_shows_the_snapshots_figures_for_the_school(
    client: FlaskClient, snapshot: Snapshot
) -> None:
    text = _report_text(client, snapshot.lead, snapshot.schools["NO"], snapshot.rounds[-1])

    for construct, table in snapshot.tables.items():
        row = _school_row(table, "NO", ROUNDS[-1])
        arm = next(
            r
            for r in table["table"]
            if r["level"] == "arm" and r["arm"] == "intervention" and r["round"] == ROUNDS[-1]
        )
        everyone = next(
            r for r in table["table"] if r["level"] == "alle" and r["round"] == ROUNDS[-1]
        )
        assert row["suppressed"] == "", construct
        assert f"{number(row['mean'])} {int(row['n'])} {number(arm['mean'])} " in text
        assert number(everyone["mean"]) in text
    assert "Nordli skole" in text and "Rapport til rektor" in text


def test_a_school_below_the_threshold_shows_no_figure(
    client: FlaskClient, snapshot: Snapshot
) -> None:
    text = _report_text(client, snapshot.lead, snapshot.schools["SO"], snapshot.rounds[-1])

    assert "Færre enn 10 svar – skjult for å verne elevene" in text
    own = snapshot.scores[snapshot.scores["school"] == "SO"]
    for (round_label, construct), part in own.groupby(["round", "construct"]):
        assert _school_row(snapshot.tables[construct], "SO", round_label)["suppressed"]
        assert number(part["score"].mean()) not in text, (round_label, construct)
    assert f"{len(own) // 4} (" not in text  # no count of answers either


def test_the_report_is_in_the_schools_written_language(
    client: FlaskClient, snapshot: Snapshot, session: Session
) -> None:
    snapshot.schools["NO"].language = "nn"
    session.flush()

    nynorsk = _report_text(client, snapshot.lead, snapshot.schools["NO"], snapshot.rounds[-1])
    bokmal = _report_text(
        client, snapshot.lead, snapshot.schools["NO"], snapshot.rounds[-1], language="nb"
    )

    assert "Slik les du rapporten" in nynorsk
    assert "Slik leser du rapporten" in bokmal


def test_a_school_contact_gets_only_their_own_schools_report(
    client: FlaskClient, snapshot: Snapshot, session: Session
) -> None:
    contact = User(
        email="kontakt@rapport.no",
        role="school_contact",
        password_hash="x",
        schools=[snapshot.schools["VE"]],
    )
    session.add(contact)
    session.flush()
    with client.session_transaction() as browser_session:
        browser_session["user_id"] = contact.id

    other = client.get(
        f"/reports/school/{snapshot.schools['NO'].id}/round/{snapshot.rounds[0].id}.pdf"
    )
    own = client.get(
        f"/reports/school/{snapshot.schools['VE'].id}/round/{snapshot.rounds[0].id}.pdf"
    )

    assert other.status_code == 404
    assert own.status_code == 200
    audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.downloaded"))
    assert [event.details["school_id"] for event in audited] == [snapshot.schools["VE"].id]


def test_an_open_round_has_no_report(
    client: FlaskClient, snapshot: Snapshot, session: Session
) -> None:
    snapshot.rounds[-1].status = "open"
    session.flush()
    with client.session_transaction() as browser_session:
        browser_session["user_id"] = snapshot.lead.id

    response = client.get(
        f"/reports/school/{snapshot.schools['NO'].id}/round/{snapshot.rounds[-1].id}.pdf"
    )

    assert response.status_code == 404


def test_the_report_list_shows_a_school_contact_only_their_schools(
    client: FlaskClient, snapshot: Snapshot, session: Session
) -> None:
    contact = User(
        email="kontakt2@rapport.no",
        role="school_contact",
        password_hash="x",
        schools=[snapshot.schools["VE"]],
    )
    session.add(contact)
    session.flush()
    with client.session_transaction() as browser_session:
        browser_session["user_id"] = contact.id

    page = client.get(f"/reports/project/{snapshot.project.id}/")

    assert page.status_code == 200
    assert "Vestli skole" in page.text and "Nordli skole" not in page.text
    own = snapshot.schools["VE"].id
    assert f"/reports/school/{own}/round/{snapshot.rounds[-1].id}.pdf" in page.text


def test_a_closed_rounds_page_links_to_the_reports(client: FlaskClient, snapshot: Snapshot) -> None:
    with client.session_transaction() as browser_session:
        browser_session["user_id"] = snapshot.lead.id
    page = client.get(f"/admin/rounds/{snapshot.rounds[-1].id}/")
    assert f'href="/reports/project/{snapshot.project.id}/"' in page.text


def test_a_school_hidden_so_another_cannot_be_worked_out_shows_no_figure(
    client: FlaskClient, snapshot: Snapshot
) -> None:
    text = _report_text(client, snapshot.lead, snapshot.schools["AU"], snapshot.rounds[-1])

    assert "Skjult for at et annet skjult tall ikke skal kunne regnes ut" in text
    own = snapshot.scores[snapshot.scores["school"] == "AU"]
    for (round_label, construct), part in own.groupby(["round", "construct"]):
        assert _school_row(snapshot.tables[construct], "AU", round_label)["suppressed"]
        assert number(part["score"].mean()) not in text, (round_label, construct)

"""The panel on the dashboard, from the analysis job on a panel project in the database.

The project (the small demo, analysed once for the module) follows the intervention schools'
pupils from round to round, but only `min_group_size - 1` pupils of the comparison schools
answered both closed rounds with the same card; every other comparison pupil answered once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from itertools import combinations

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from analytics.scoring import score_constructs
from survey.analysis import queries
from survey.analysis.operations import analyze_project, stored_results
from survey.demo.loader import load_demo
from survey.models import PanelMember, Project, Response, Round, School, User
from survey.panel import operations
from tests.conftest import TEST_SECRET_KEY, in_savepoint
from tests.survey.analysis.conftest import NOW, SMALL


def _link_pupils(session: Session, project: Project) -> None:
    """Intervention: the k-th response of each class and round is one pupil. Comparison: the
    first min_group_size - 1 responses of the first and last closed round are followed, and
    every other response has a card of its own."""
    project.is_panel = True
    rows = session.execute(
        select(Response.id, Response.group_id, Round.id, School.arm)
        .join(Round, Response.round_id == Round.id)
        .join(School, Response.school_id == School.id)
        .where(Round.project_id == project.id, Round.status == "closed")
        .where(Response.respondent_type == "pupil")
        .order_by(Round.opens_at, Response.id)
    ).all()
    rounds = list(dict.fromkeys(row[2] for row in rows))
    places: dict[tuple, int] = {}
    card_of: dict[int, tuple] = {}
    for response_id, group_id, round_id, arm in rows:
        key = (arm, group_id if arm == "intervention" else None, round_id)
        place = places[key] = places.get(key, -1) + 1
        if arm == "intervention":
            card_of[response_id] = ("i", group_id, place)
        elif round_id in (rounds[0], rounds[-1]) and place < project.min_group_size - 1:
            card_of[response_id] = ("c", place)
        else:
            card_of[response_id] = ("once", response_id)
    cards = sorted(set(card_of.values()), key=str)
    operations.issue_cards(session, project, len(cards), dt.date(2021, 8, 20))
    members = list(session.scalars(select(PanelMember.id).order_by(PanelMember.id)))
    member_of = dict(zip(cards, members, strict=True))
    for response in session.scalars(select(Response).where(Response.id.in_(card_of))):
        response.panel_member_id = member_of[card_of[response.id]]
    session.flush()


@pytest.fixture(scope="module")
def analysed(module_connection: Connection) -> Connection:
    """The small demo as a panel project, linked and analysed once for this module."""
    with Session(bind=module_connection, join_transaction_mode="create_savepoint") as session:
        load_demo(session, TEST_SECRET_KEY, seed=5, design=SMALL, now=NOW)
        project = session.scalars(select(Project)).one()
        _link_pupils(session, project)
        analyze_project(session, project.id)
        session.commit()
    return module_connection


@pytest.fixture
def connection(analysed: Connection) -> Iterator[Connection]:
    yield from in_savepoint(analysed)


@pytest.fixture
def project(session: Session) -> Project:
    return session.scalars(select(Project)).one()


@pytest.fixture
def lead(client, session):
    """The test client, signed in as the demo's project lead."""
    user = session.scalar(select(User).where(User.role == "project_lead"))
    with client.session_transaction() as browser_session:
        browser_session["user_id"] = user.id
    return client


def _closed_round_ids(session: Session, project: Project) -> list[int]:
    return list(
        session.scalars(
            select(Round.id)
            .where(Round.project_id == project.id, Round.status == "closed")
            .order_by(Round.opens_at)
        )
    )


def test_the_overview_follows_the_same_pupils_in_bokmal_and_nynorsk(lead, project) -> None:
    url = f"/dashboards/project/{project.id}/?construct=konflikt"
    page = lead.get(url).get_data(as_text=True)
    assert "De samme elevene, fulgt fra høsten 2021 til våren 2022" in page
    assert "elev-ICC" in page
    assert "hvis de samme svarene kom fra ulike elever hver gang" in page
    nynorsk = lead.get(url + "&lang=nn").get_data(as_text=True)
    assert "Dei same elevane, følgde frå hausten 2021 til våren 2022" in nynorsk
    assert "elev-ICC" in nynorsk


def test_parents_and_staff_get_no_panel_card(lead, project) -> None:
    page = lead.get(f"/dashboards/project/{project.id}/?respondent_type=parent")
    assert page.status_code == 200
    assert "panel-card" not in page.get_data(as_text=True)


def test_a_group_with_too_few_followed_pupils_leaks_no_panel_figure(lead, session, project) -> None:
    """An attack: read every panel table under every round and construct filter; no figure
    of either arm may show (the other arm's would give the small one back by subtraction
    from the figure of all pupils), while the figure of all pupils does."""
    closed = _closed_round_ids(session, project)
    filters = [{}] + [{"round": list(c)} for n in (1, 2) for c in combinations(closed, n)]
    read = 0
    for construct in ("konflikt", "trivsel", None):
        for chosen in filters:
            args = {**chosen, **({"construct": construct} if construct else {})}
            page = lead.get(f"/dashboards/project/{project.id}/", query_string=args)
            assert page.status_code == 200
            keys = [c for c in ("konflikt", "trivsel") if construct in (None, c)]
            for key in keys:
                rows = _panel_csv(lead, project, args, key)
                everyone, *arms = rows
                assert int(everyone["Elever fulgt"]) >= project.min_group_size
                assert len(arms) == 2 and all(_numbers(row) == [] for row in arms), rows
                read += 1
    assert read == 4 * len(filters)  # konflikt, trivsel, then both on one page
    for result in stored_results(session, project.id):
        if result.kind == "trend" and result.respondent_type == "pupil":
            changes = [r for r in result.result["panel_changes"] if r["round"] != "Høst 2021"]
            assert changes and all(r["suppressed"] and r["pupils"] is None for r in changes)


def _panel_csv(client, project: Project, args: dict, construct: str) -> list[dict[str, str]]:
    query = {**args, "chart": f"panel-pupil-{construct}", "format": "csv"}
    answer = client.get(f"/dashboards/project/{project.id}/", query_string=query)
    assert answer.status_code == 200
    text = answer.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _numbers(row: dict[str, str]) -> list[str]:
    return [v for k, v in row.items() if k not in ("Gruppe", "Merknad") and v]


def test_a_pupil_who_answered_in_one_round_still_counts_in_the_cross_sectional_figures(
    session, project
) -> None:
    answers = queries.project_answers(session, project.id, panel=True)
    pupils = answers[answers["respondent_type"] == "pupil"]
    rounds_of = pupils.drop_duplicates("response").groupby("pupil")["round"].nunique()
    assert (rounds_of == 1).sum() > 100  # the comparison schools' pupils seen once
    specs = [
        info.spec
        for infos in queries.instrument_constructs(
            session, [int(v) for v in pupils["instrument_version"].unique()]
        ).values()
        for info in infos
        if info.spec.id == "konflikt"
    ]
    scores = score_constructs(pupils, specs[:1])
    scored = scores[scores["score"].notna()].groupby("round", observed=True).size()
    trend = next(
        r.result
        for r in stored_results(session, project.id)
        if (r.kind, r.respondent_type, r.construct) == ("trend", "pupil", "konflikt")
    )
    counted = {}
    for row in trend["counts"]:
        counted[row["round"]] = counted.get(row["round"], 0) + row["responses"]
    assert trend["panel_pupils"] > 0
    assert counted == {str(label): int(n) for label, n in scored.items()}

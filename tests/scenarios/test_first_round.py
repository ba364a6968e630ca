"""A municipality's first real round, from an empty database to the dashboard.

Set up as a project lead would, through the JSON API: three schools with one class each, a
round asking pupils, parents and staff. 14, 11 and 4 pupils answer on the class tablet (nobody
answers the questions about adults who see them), 3 parents and 2 staff answer their links,
the round is closed, the lead asks for a recompute and the worker's job runs. The dashboard
must then show figures for the arms of at least 10 pupils, and a reason for every construct
that could not be fitted; never nothing, never an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pytest
from sqlalchemy import select

from instruments import bundled_instrument
from survey.accounts.operations import create_user
from survey.admin.projects.operations import create_project
from survey.admin.tokens.operations import create_api_token
from survey.analysis.tasks import run_requested_analyses
from survey.links.phone_pages import pages_of
from survey.models import ModelResult
from survey.rounds.operations import create_links
from survey.rounds.queries import open_class_codes
from tests.conftest import TEST_SECRET_KEY

PASSWORD = "a-long-enough-password"
PUPIL = bundled_instrument("pupil-5-7", 1)
#: school code, arm, answering pupils of its one class
SCHOOLS = [("NORD", "intervention", 14), ("SOER", "comparison", 11), ("VEST", "intervention", 4)]
UNANSWERED = "sett_av_voksne"


@pytest.fixture
def api(client, session):
    """JSON calls with a project lead's bearer token.

    An empty database has no project for a lead to hold, so an admin makes the first one and
    `trivsel create-user` adds its lead (the two operations those commands call); everything
    after that goes through the API.
    """
    admin = create_user(session, "admin@kommune.no", "admin", PASSWORD)
    project = create_project(
        session, admin, name="Første runde", languages=["nb"],
        delete_after_on=dt.date(dt.datetime.now(dt.UTC).year + 3, 12, 31),
    )  # fmt: skip
    lead = create_user(session, "leder@kommune.no", "project_lead", PASSWORD, [project])
    _row, token = create_api_token(session, lead, "oppsett", TEST_SECRET_KEY)
    headers = {"Authorization": f"Bearer {token}"}

    def call(method: str, url: str, body: dict | None = None) -> dict:
        page = client.open(f"/api/v1{url}", method=method, json=body, headers=headers)
        assert page.status_code in (200, 201), (url, page.status_code, page.text)
        return page.json

    return call


def _set_up(api) -> tuple[dict, dict[str, dict], dict]:
    (project,) = api("GET", "/projects")
    schools = {}
    for code, arm, answering in SCHOOLS:
        school = api(
            "POST", f"/projects/{project['id']}/schools", {"name": code, "code": code, "arm": arm}
        )
        group = api(
            "POST", f"/schools/{school['id']}/groups", {"grade": 6, "label": "6A", "enrolled": 20}
        )
        schools[code] = {**school, "group": group, "answering": answering}
    now = dt.datetime.now(dt.UTC)
    round_ = api(
        "POST",
        f"/projects/{project['id']}/rounds",
        {
            "label": "Høst",
            "opens_at": (now + dt.timedelta(hours=1)).isoformat(),
            "closes_at": (now + dt.timedelta(days=14)).isoformat(),
            "instruments": {"pupil": "pupil-5-7:1", "parent": "parent:1", "staff": "staff:1"},
        },
    )
    api("POST", f"/rounds/{round_['id']}/open")
    return project, schools, round_


def _pupils_answer(session, post_form, schools, rng) -> None:
    """Each class on its tablet: the code (as `trivsel codes` lists it), then one pupil after
    another."""
    codes = {c.school: c.code for c in open_class_codes(session, TEST_SECRET_KEY)}
    for code, school in schools.items():
        assert post_form("/", {"code": codes[code]}).status_code == 302
        for _pupil in range(school["answering"]):
            post_form("/elev/start")
            for number, item in enumerate(PUPIL.items, start=1):
                if item.construct is not None and item.construct != UNANSWERED:
                    value = str(rng.integers(1, 6))
                    assert (
                        post_form(f"/elev/sporsmal/{number}", {"answer": value}).status_code < 400
                    )
            assert post_form("/elev/send").headers["Location"] == "/elev/takk"


def _links_answer(session, post_form, round_id, schools, rng) -> None:
    """3 parents and 2 staff answer the links the school handed out."""
    for kind, at in (("parent", ["NORD", "NORD", "SOER"]), ("staff", ["NORD", "VEST"])):
        instrument = bundled_instrument(kind, 1)
        for code in at:
            school = schools[code]
            group_id = school["group"]["id"] if kind == "parent" else None
            (token,) = create_links(
                session, _round(session, round_id), school["id"], kind, 1, TEST_SECRET_KEY,
                group_id=group_id,
            )  # fmt: skip
            for page in pages_of(instrument):
                answers = {i.id: str(rng.integers(1, 6)) for i in page.items if i.construct}
                post_form(f"/s/{token}/{page.number}", answers)
            assert "Takk for svarene dine" in post_form(f"/s/{token}/send").text


def _round(session, round_id):
    from survey.models import Round

    return session.get(Round, round_id)


def _trend_csv(client, project_id: int, kind: str, construct: str) -> list[dict[str, str]]:
    """The chart's numbers as a spreadsheet gets them; each arm's interval as «KI fra ARM»."""
    query = f"?respondent_type={kind}&chart=trend-{kind}-{construct}&format=csv"
    page = client.get(f"/dashboards/project/{project_id}/{query}")
    assert page.status_code == 200, page.text
    header, *rows = csv.reader(io.StringIO(page.text.lstrip("\ufeff")), delimiter=";")
    names, arm = [], ""
    for column in header:
        arm = column.split(", ")[-1] if column.startswith("Snitt, ") else arm
        arm = "" if column.startswith("Forskjell") else arm
        names.append(f"{column} {arm}" if column.startswith("KI") and arm else column)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def test_a_first_round_gives_figures_for_big_enough_groups_and_reasons_for_the_rest(
    app, client, session, post_form, api
) -> None:
    rng = np.random.default_rng(14)
    project, schools, round_ = _set_up(api)
    _pupils_answer(session, post_form, schools, rng)
    _links_answer(session, post_form, round_["id"], schools, rng)
    api("POST", f"/rounds/{round_['id']}/close")

    client.get("/logout/")
    assert (
        post_form("/login/", {"email": "leder@kommune.no", "password": PASSWORD}).status_code == 302
    )
    overview = f"/dashboards/project/{project['id']}/"
    post_form(f"{overview}recompute", {"next": overview})
    run_requested_analyses(app)

    text = client.get(overview).text
    assert "Sist beregnet" in text and "Beregningen feilet" not in text
    (row,) = _trend_csv(client, project["id"], "pupil", "trivsel")
    for arm, answered in (("intervensjonsskoler", "18"), ("sammenligningsskoler", "11")):
        assert row[f"Svar, {arm}"] == answered
        mean = _number(row[f"Snitt, {arm}"])
        assert _number(row[f"KI fra {arm}"]) < mean < _number(row[f"KI til {arm}"])
    assert "Modell: modell uten skole × runde. Bare én runde er målt" in text
    assert "Ingen har svart på dette temaet ennå." in text  # sett_av_voksne
    for kind, answered in (("parent", 3), ("staff", 2)):
        page = client.get(f"{overview}?respondent_type={kind}").text
        assert f"For få svar ennå: {answered} i alt." in page
        for school in schools.values():
            school_page = client.get(f"{overview}school/{school['id']}?respondent_type={kind}")
            assert school_page.status_code == 200, school_page.text

    stored = {
        (r.respondent_type, r.construct, r.kind): r.result
        for r in session.scalars(select(ModelResult).filter_by(project_id=project["id"]))
    }
    classes = {
        row["school"]: (row["n"], row["suppressed"])
        for row in stored[("pupil", "trivsel", "descriptives")]["table"]
        if row["level"] == "gruppe"
    }
    # The class of 4 is hidden; so is the class of 14 beside it in the intervention arm,
    # or the arm's total minus 14 would give the 4.
    assert classes == {"SOER": (11, ""), "VEST": (None, "primary"), "NORD": (None, "secondary")}
    trends = [result for key, result in stored.items() if key[2] == "trend"]
    assert all(result.get("model") and result.get("reason_nb") for result in trends)

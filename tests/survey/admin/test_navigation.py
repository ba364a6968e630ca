"""Every task of a leader, an evaluator and a school contact is at most three clicks from
/staff/ (issue 17), found by following the links of the pages themselves."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from survey.accounts.operations import create_user
from tests.round_fixtures import PASSWORD

HREF = re.compile(r'href="(/[^"#?]*)"')
SKIP = ("/static/", "/dashboards/static/", "/dashboards/vendor/", "/api/")


def _reachable(app: Flask, client: FlaskClient, clicks: int = 3) -> dict[str, int]:
    """The endpoints reachable from /staff/ by following links, with the clicks they take."""
    adapter = app.url_map.bind("localhost")
    seen, found = {"/staff/"}, {"staff.home": 0}
    queue = deque([("/staff/", 0)])
    while queue:
        path, depth = queue.popleft()
        page = client.get(path)
        if page.status_code != 200 or depth == clicks or "text/html" not in page.content_type:
            continue
        for href in HREF.findall(page.text):
            if href in seen or href.startswith(SKIP) or urlsplit(href).netloc:
                continue
            seen.add(href)
            try:
                endpoint, _ = adapter.match(href, method="GET")
            except HTTPException:
                continue
            found.setdefault(endpoint, depth + 1)
            queue.append((href, depth + 1))
    return found


LEAD_TASKS = {
    "admin.projects.show",  # set-up
    "admin.rounds.show",  # rounds
    "admin.distribution.show",  # letters
    "admin.monitor.show",
    "dashboards.overview",  # results
    "admin.goals.new",  # goals (the goals page of branch `rounds` joins the menu)
    "exports.form",
    "admin.users.index",
    "admin.tokens.index",
    "staff.help",
}


def test_a_lead_reaches_every_task_within_three_clicks(app, as_lead, open_round) -> None:
    reachable = _reachable(app, as_lead)
    assert LEAD_TASKS - set(reachable) == set()


@pytest.mark.parametrize(
    ("role", "tasks"),
    [
        ("evaluator", {"dashboards.overview", "exports.form", "admin.monitor.show", "staff.help"}),
        ("school_contact", {"dashboards.overview", "admin.monitor.show", "staff.help"}),
    ],
)
def test_evaluators_and_contacts_reach_their_tasks(
    app, session, post_form, client, open_round, school, role, tasks
) -> None:
    scopes = {"schools": [school]} if role == "school_contact" else {"projects": [school.project]}
    user = create_user(session, f"{role}@x.no", role, PASSWORD, **scopes)
    assert post_form("/login/", {"email": user.email, "password": PASSWORD}).status_code == 302
    assert tasks - set(_reachable(app, client)) == set()


def test_the_start_page_links_to_the_staff_sign_in(client) -> None:
    assert 'href="/login/"' in client.get("/").text


def test_a_new_admin_is_told_how_to_create_the_first_project(session, post_form, client) -> None:
    create_user(session, "ny@kommune.no", "admin", PASSWORD)
    post_form("/login/", {"email": "ny@kommune.no", "password": PASSWORD})
    page = client.get("/staff/").text
    assert "Lag det første prosjektet" in page
    assert "Be en administrator" not in page

"""Every route of the app, for every kind of visitor: who gets in, who does not, no one gets a 500.

The routes come from the app's own URL map, so a new route is covered the day it is added; a
route with a URL parameter this test cannot fill fails loudly until it is taught the parameter.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.conftest import TEST_SECRET_KEY  # noqa: F401 (the world is made with it)
from tests.security.conftest import PASSWORD, World, url_values
from tests.survey.pupil.conftest import tablet_session

#: Endpoints a respondent or anyone may open; only "no 5xx" is checked for them.
OPEN = re.compile(
    r"^(pupil|pupil_api|links|public|printable|static|api-docs|auth)\.|^static$"
    r"|^dashboards\.(static|plotly_)"
)
ROLES = (
    "anonymous",
    "pupil",
    "admin",
    "project_lead",
    "evaluator",
    "school_contact",
    "lead_of_another_project",
    "contact_of_another_school",
)


def _routes(app: Flask) -> list[tuple[Rule, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    # Reads first, then writes, and deletions last, so no route removes what a later one needs.
    return sorted(
        found,
        key=lambda pair: (pair[1] != "GET", "delete" in pair[0].rule, pair[0].rule, pair[1]),
    )


def _values(rule: Rule, world: World) -> dict[str, object]:
    known = {
        **url_values(world.target),
        "client_id": "matrix-client",
        "item_id": "trivsel_liker_skolen",
        "filename": "trivsel.css",
        "token_id": 1,
        "style_id": "x",
        "version_": "x",
        "user_id": world.users["evaluator"].id,  # a user of the target project
    }
    missing = set(rule.arguments) - set(known)
    assert not missing, f"teach the route matrix the parameter(s) {missing} of {rule.rule}"
    values = {name: known[name] for name in rule.arguments}
    if rule.endpoint.startswith("dashboards.plotly"):
        values["version"] = "0"
    return values


def _query(rule: Rule, world: World) -> str:
    """Query arguments some pages need to show anything at all."""
    if rule.endpoint == "admin.distribution.information_letter":
        return f"?school={world.target.school.id}"
    return ""


def _client_as(app: Flask, role: str, world: World) -> FlaskClient:
    """A browser for `role`; the login itself is tested in test_auth, here it is the session."""
    client = app.test_client()
    if role not in ("anonymous", "pupil"):
        user = world.users[role]
        page = client.post(
            "/login/",
            data={"csrf_token": _token(client), "email": user.email, "password": PASSWORD},
        )
        assert page.status_code == 302, f"{role} could not log in"
    return client


def _token(client: FlaskClient) -> str:
    with client.session_transaction() as browser_session:
        return browser_session.setdefault("csrf", "matrix-csrf")


def _restore_session(client: FlaskClient, role: str, world: World) -> None:
    """Each route starts from the role's own session (a pupil route may clear it)."""
    with client.session_transaction() as browser_session:
        browser_session.clear()
        browser_session["csrf"] = "matrix-csrf"
        if role == "pupil":
            browser_session.update(tablet_session(world.class_code_id))
        elif role != "anonymous":
            browser_session["user_id"] = world.users[role].id


def _call(
    client: FlaskClient, rule: Rule, method: str, world: World, role: str
) -> tuple[str, int, str]:
    url = rule.build(_values(rule, world), append_unknown=False)[1] + _query(rule, world)
    _restore_session(client, role, world)
    headers = {"X-CSRF-Token": "matrix-csrf"}
    if rule.rule.startswith("/api/v1/") and role in world.api_tokens:
        headers["Authorization"] = f"Bearer {world.api_tokens[role]}"
    kwargs = {"headers": headers}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["data" if not rule.rule.startswith("/api/") else "json"] = (
            {"csrf_token": "matrix-csrf"} if not rule.rule.startswith("/api/") else {}
        )
    page = client.open(url, method=method, **kwargs)
    page.close()
    return url, page.status_code, page.headers.get("Location", "")


def _denied(status: int, location: str, rule: Rule, method: str) -> bool:
    if status in (401, 403, 404) or (status == 302 and location.startswith("/login")):
        return True
    # The API checks an (empty) body before the project's scope: the 422 comes whether or not
    # the project exists, so it reveals nothing, and nothing is written.
    return status == 422 and rule.rule.startswith("/api/") and method != "GET"


def _must_be_denied(role: str, rule: Rule, method: str, world: World) -> bool:
    endpoint = rule.endpoint
    if OPEN.search(endpoint):
        return False
    if role in ("anonymous", "pupil"):
        return True
    scoped = bool(
        set(rule.arguments)
        & {"project_id", "school_id", "group_id", "round_id", "goal_id", "user_id"}
    )
    if role in ("lead_of_another_project", "contact_of_another_school"):
        return scoped
    if role in ("evaluator", "school_contact"):
        if endpoint.startswith("admin.") and not endpoint.startswith(
            ("admin.tokens.", "admin.monitor.")
        ):
            return True
        if endpoint == "dashboards.recompute":
            return True
        if role == "school_contact" and endpoint.startswith("exports."):
            return True
    return False


def _must_succeed(role: str, rule: Rule, method: str) -> bool:
    endpoint = rule.endpoint
    if method != "GET" or OPEN.search(endpoint) or rule.rule.startswith("/api/"):
        return False
    # A school report exists only for a closed round's published figures; this round is open.
    # An export or letters job is its requester's only, and nobody here requested the world's
    # job (tests/survey/admin/test_letter_jobs.py lets the requester in).
    if endpoint.startswith(("exports.job_", "admin.letter_jobs.")):
        return False
    return role in ("admin", "project_lead") and endpoint not in (
        "admin.rounds.confirm_close",
        "reports.school_report",
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_route_lets_in_only_whom_it_should(app: Flask, world: World, role: str) -> None:
    client = _client_as(app, role, world)
    failures = []
    routes = _routes(app)
    for rule, method in routes:
        url, status, location = _call(client, rule, method, world, role)
        if status >= 500:
            failures.append(f"{method} {url}: {status}")
        elif _must_be_denied(role, rule, method, world) and not _denied(
            status, location, rule, method
        ):
            failures.append(f"{method} {url}: {status} {location} — should be denied to {role}")
        elif _must_succeed(role, rule, method) and (status >= 400 or location.startswith("/login")):
            failures.append(f"{method} {url}: {status} — should be open to {role}")
    print(f"route matrix: {len(routes)} routes x role {role}: {len(failures)} problems")
    assert failures == [], "\n".join(failures)


def test_the_target_round_survives_every_attempt_by_outsiders(app: Flask, world: World) -> None:
    for role in ("anonymous", "pupil", "lead_of_another_project", "contact_of_another_school"):
        client = _client_as(app, role, world)
        for rule, method in _routes(app):
            if method != "GET" and not OPEN.search(rule.endpoint):
                _call(client, rule, method, world, role)
    assert world.target.round.status == "open"
    assert world.target.project.name == "Målprosjekt"


def test_a_school_contact_cannot_open_another_school_of_its_project(
    app: Flask, world: World
) -> None:
    client = _client_as(app, "school_contact", world)
    side = world.target
    other_group = side.other_school.groups[0]
    urls = [
        f"/dashboards/project/{side.project.id}/school/{side.other_school.id}",
        f"/dashboards/project/{side.project.id}/school/{side.other_school.id}/class/{other_group.id}",
        f"/admin/schools/{side.other_school.id}/edit",
    ]
    for url in urls:
        page = client.get(url)
        assert _denied(page.status_code, page.headers.get("Location", ""), Rule("/x"), "GET"), url

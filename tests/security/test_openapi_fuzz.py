"""Schemathesis over /api/openapi.json: every answer of the JSON API is one it documents.

Each operation is driven signed in (API tokens of three roles; the tablet's session and CSRF
header), with the world's real ids and a valid class token in every other case so the calls
reach past the 404s and 422s, and again without any credentials. Every response must be
documented (status code, content type, body schema), and none may be a 5xx. schemathesis's
other default checks hold too: input the document calls invalid gets a 4xx, a method the
route lacks a 405 with Allow, and a token route refuses the same call without its token.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from sqlalchemy.orm import Session

from instruments import bundled_instrument
from survey.app import create_app
from survey.rounds.queries import open_class_codes
from tests.conftest import TEST_SECRET_KEY
from tests.security.conftest import World
from tests.survey.pupil.conftest import client_token

PUPIL_ITEMS = [item.id for item in bundled_instrument("pupil-5-7").items]
#: Who calls the token API, in turn: every role may read; only the admin may write here.
TOKEN_ROLES = ("admin", "evaluator", "lead_of_another_project")

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20211004,
        "generation": {
            "mode": "all",
            "max-examples": 25,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}},
    }
)
#: Valid by the schema yet refused by a rule no schema can say (an instrument this round cannot
#: ask, a round of another project): a 422 there is right.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]

# The schema is read from an app that only serves the document: schemathesis's fixture-based
# loader does not run on pytest 9, so every call goes to the test's own app (`app=`).
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json",
    create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET_KEY, "DATABASE_URL": "sqlite://"}),
    config=CONFIG,
)


@dataclass
class Tally:
    operations: set[str] = field(default_factory=set)
    statuses: Counter[str] = field(default_factory=Counter)

    def count(self, case: schemathesis.Case, response: schemathesis.Response) -> None:
        self.operations.add(case.operation.label)
        self.statuses[f"{response.status_code // 100}xx"] += 1


@pytest.fixture(scope="module")
def tally(database_url: str) -> Iterator[Tally]:
    counted = Tally()
    yield counted
    answers = ", ".join(f"{n} {status}" for status, n in sorted(counted.statuses.items()))
    print(
        f"\nopenapi fuzz on {database_url.partition(':')[0]}: {len(counted.operations)} "
        f"operations, {counted.statuses.total()} cases ({answers})"
    )


@pytest.fixture
def known(world: World, tablet: Tablet) -> dict[str, Any]:
    """Values that get a generated call past "not found" and "unknown"."""
    side = world.target
    return {
        "project_id": side.project.id,
        "school_id": side.school.id,
        "round_id": side.round.id,
        "item_id": PUPIL_ITEMS[0],
        "class_token": client_token(tablet.client),
        "language": "nb",
        "construct": "trivsel",
        "due_round_id": side.round.id,
        "instruments": {"pupil": "pupil-5-7:1"},
    }


@dataclass(frozen=True)
class Tablet:
    client: FlaskClient
    csrf_token: str


@pytest.fixture
def tablet(app: Flask, session: Session, world: World) -> Tablet:
    """A tablet whose session was opened with the target round's class code, as a pupil does."""
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["csrf"] = "start-page-csrf"
    code = next(
        c.code for c in open_class_codes(session, TEST_SECRET_KEY) if c.project == "Målprosjekt"
    )
    page = client.post("/", data={"code": code, "csrf_token": "start-page-csrf"})
    assert page.status_code == 302, page.text
    client.get(page.headers["Location"])  # the page the tablet's script takes its token from
    with client.session_transaction() as browser_session:
        return Tablet(client, browser_session["csrf"])


def _positive_at(case: schemathesis.Case, location: ParameterLocation) -> bool:
    return case.meta is None or not case.meta.is_negative_at(location)


def _use_known_values(case: schemathesis.Case, known: dict[str, Any]) -> None:
    """Put real ids and tokens where the case is valid; invalid parts stay as generated."""
    if _positive_at(case, ParameterLocation.PATH):
        names = [name for name in case.path_parameters or {} if name in known]
        case.path_parameters.update({name: known[name] for name in names})
    if isinstance(case.body, dict) and _positive_at(case, ParameterLocation.BODY):
        case.body.update({name: known[name] for name in case.body if name in known})


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_signed_in_calls_are_answered_as_documented(
    case: schemathesis.Case,
    app: Flask,
    world: World,
    tablet: Tablet,
    known: dict[str, Any],
    tally: Tally,
) -> None:
    turn = tally.statuses.total()
    if turn % 2 == 0:
        _use_known_values(case, known)
    headers = {}
    if _positive_at(case, ParameterLocation.HEADER):  # else a missing header is what it tries
        if case.path.startswith("/api/v1/pupil/"):
            headers["X-CSRF-Token"] = tablet.csrf_token
        else:
            role = TOKEN_ROLES[turn // 2 % len(TOKEN_ROLES)]
            headers["Authorization"] = f"Bearer {world.api_tokens[role]}"
    response = case.call_and_validate(
        app=app, session=tablet.client, headers=headers, excluded_checks=EXCLUDED
    )
    tally.count(case, response)


@schema.parametrize()
@settings(
    max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
def test_calls_without_credentials_are_refused_as_documented(
    case: schemathesis.Case, app: Flask, known: dict[str, Any], tally: Tally
) -> None:
    _use_known_values(case, known)
    response = case.call_and_validate(app=app, excluded_checks=EXCLUDED)
    tally.count(case, response)
    if case.method.upper() != "OPTIONS":  # Flask's own answer: the Allow header, nothing else
        assert response.status_code >= 400, f"{case.method} {case.formatted_path}: answered"


# What the fuzzing found, pinned down.


def test_a_number_beyond_any_id_is_not_found(client: FlaskClient, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.api_tokens['admin']}"}
    huge = 10**30
    assert client.get(f"/api/v1/projects/{huge}", headers=headers).status_code == 404
    goal = {
        "construct": "trivsel",
        "respondent_type": "pupil",
        "target_kind": "change",
        "target_value": 0.2,
    }
    page = client.post(f"/api/v1/projects/{huge}/goals", json=goal, headers=headers)
    assert page.status_code == 404  # not a 405 because GET takes the same URL


def test_a_method_the_route_lacks_is_a_405_that_says_which_it_takes(client: FlaskClient) -> None:
    page = client.put("/api/v1/projects")
    assert page.status_code == 405  # not the CSRF check's 400
    assert set(page.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_a_call_without_a_token_is_told_to_bring_one(client: FlaskClient) -> None:
    page = client.get("/api/v1/projects")
    assert (page.status_code, page.headers["WWW-Authenticate"]) == (401, "Bearer")


def test_a_flag_must_be_a_json_boolean(client: FlaskClient, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.api_tokens['admin']}"}
    project = {"name": "Ny", "delete_after_on": "2030-01-01", "is_panel": "yes"}
    page = client.post("/api/v1/projects", json=project, headers=headers)
    assert page.status_code == 422
    assert "is_panel" in page.json["errors"]["json"]

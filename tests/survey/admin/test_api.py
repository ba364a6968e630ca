"""The JSON API: bearer tokens, whitelisted fields, one error shape, a valid OpenAPI document."""

from __future__ import annotations

import re

import schemathesis
from sqlalchemy import func, select

from survey.admin.tokens.operations import create_api_token
from survey.models import ApiToken, Project, Round
from tests.conftest import TEST_SECRET_KEY

ROUND = {
    "label": "Vår 2027",
    "opens_at": "2027-03-01T08:00:00+01:00",
    "closes_at": "2027-03-21T16:00:00+01:00",
    "instruments": {"parent": "parent:1", "staff": "staff:1"},
}


def _bearer(session, user) -> dict[str, str]:
    _row, token = create_api_token(session, user, "R-skript", TEST_SECRET_KEY)
    return {"Authorization": f"Bearer {token}"}


def test_the_api_refuses_a_request_without_a_token(client, project) -> None:
    page = client.get("/api/v1/projects")
    assert page.status_code == 401
    assert page.json["status"] == "error"


def test_a_token_reads_the_projects_of_its_user(
    session, client, lead, project, make_project
) -> None:
    make_project(name="Andres prosjekt")
    page = client.get("/api/v1/projects", headers=_bearer(session, lead))
    assert [p["name"] for p in page.json] == [project.name]
    assert set(page.json[0]) == {
        "id",
        "name",
        "description",
        "min_group_size",
        "languages",
        "delete_after_on",
        "is_panel",
    }


def test_a_revoked_token_is_refused(session, client, lead) -> None:
    headers = _bearer(session, lead)
    session.scalar(select(ApiToken)).revoked_at = session.scalar(select(ApiToken.created_at))
    session.flush()
    assert client.get("/api/v1/projects", headers=headers).status_code == 401


def test_invalid_input_gets_a_422_with_field_messages(session, client, lead, project) -> None:
    page = client.post(
        f"/api/v1/projects/{project.id}/schools",
        json={"name": "X", "arm": "placebo"},
        headers=_bearer(session, lead),
    )
    assert page.status_code == 422
    assert set(page.json["errors"]["json"]) == {"arm", "code"}


def test_a_lead_plans_a_round_through_the_api(session, client, lead, project) -> None:
    page = client.post(
        f"/api/v1/projects/{project.id}/rounds", json=ROUND, headers=_bearer(session, lead)
    )
    assert page.status_code == 201
    assert page.json["instruments"]["parent"]["version"] == 1
    assert session.get(Round, page.json["id"]).status == "planned"


def test_an_evaluator_token_cannot_write(session, client, project) -> None:
    from survey.accounts.operations import create_user

    evaluator = create_user(
        session, "forsker@uni.no", "evaluator", "a-long-enough-password", projects=[project]
    )
    page = client.post(
        f"/api/v1/projects/{project.id}/rounds", json=ROUND, headers=_bearer(session, evaluator)
    )
    assert page.status_code == 403


def test_response_counts_are_read_per_school_and_class(session, client, lead, open_round, group):
    page = client.get(
        f"/api/v1/rounds/{open_round.id}/response-counts", headers=_bearer(session, lead)
    )
    school = page.json["schools"][0]
    assert (school["eligible"], school["classes"][0]["label"]) == (20, "6A")


def test_the_api_is_not_open_to_cross_site_forms_yet_needs_no_csrf_token(
    session, client, lead
) -> None:
    page = client.post(
        "/api/v1/projects",
        json={"name": "API-prosjekt", "delete_after_on": "2031-01-01"},
        headers=_bearer(session, lead),
    )
    assert page.status_code == 201


def test_the_api_like_the_form_refuses_a_delete_after_date_that_has_passed(
    session, client, lead
) -> None:
    page = client.post(
        "/api/v1/projects",
        json={"name": "For sent", "delete_after_on": "2020-01-01"},
        headers=_bearer(session, lead),
    )
    assert page.status_code == 422
    assert "delete_after_on" in page.json["errors"]["json"]
    assert session.scalar(select(Project).filter_by(name="For sent")) is None


def test_the_openapi_document_validates(client) -> None:
    document = client.get("/api/openapi.json").json
    schemathesis.openapi.from_dict(document).validate()
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "/api/v1/rounds/{round_id}/response-counts" in document["paths"]


def test_a_new_api_token_is_shown_once_and_stored_hashed(session, as_lead, post_form) -> None:
    page = post_form("/admin/api-tokens/", {"label": "R-skript"}, follow_redirects=True)
    token = re.search(r'<code id="new-token">([^<]+)</code>', page.text).group(1)
    assert token not in session.scalar(select(ApiToken.token_hash))
    assert token not in as_lead.get("/admin/api-tokens/").text


def test_reloading_the_new_api_token_page_makes_no_second_token(
    session, as_lead, post_form
) -> None:
    made = post_form("/admin/api-tokens/", {"label": "R-skript"})
    assert made.status_code == 303
    as_lead.get(made.headers["Location"])
    as_lead.get(made.headers["Location"])
    assert session.scalar(select(func.count(ApiToken.id))) == 1

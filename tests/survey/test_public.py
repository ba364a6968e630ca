"""The start page: a pupil types the class code."""

from __future__ import annotations

import pytest

from survey.rounds.operations import create_class_codes
from survey.rounds.queries import open_class_codes
from tests.conftest import TEST_SECRET_KEY


@pytest.fixture
def class_code(session, make_round, make_group) -> str:
    round_ = make_round(status="open")
    group = make_group(label="5B")
    group.school.project = round_.project
    session.flush()
    create_class_codes(session, round_, TEST_SECRET_KEY)
    session.commit()
    return open_class_codes(session, TEST_SECRET_KEY)[0].code


def test_the_start_page_asks_for_the_class_code(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Klassekode" in page.text


def test_a_wrong_code_gives_the_form_again_with_a_message(post_form) -> None:
    page = post_form("/", data={"code": "NOSUCH"})
    assert page.status_code == 422
    assert "fant ingen åpen klasse" in page.text
    assert 'value="NOSUCH"' in page.text


def test_a_right_code_typed_loosely_finds_the_class(post_form, class_code) -> None:
    page = post_form("/", data={"code": class_code.lower()})
    assert page.status_code == 200
    assert "5B" in page.text


def test_the_health_check_reaches_the_database(client) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_a_form_without_its_csrf_token_is_refused(client) -> None:
    page = client.post("/", data={"code": "ANY"})
    assert page.status_code == 400
    assert "utløpt" in page.text

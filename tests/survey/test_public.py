"""Public routes outside the respondent flows (the start page is tested in tests/survey/pupil)."""

from __future__ import annotations


def test_the_health_check_reaches_the_database(client) -> None:
    assert client.get("/healthz").json == {"status": "ok"}

"""The shared tablet: a pupil who walks away is asked «Er du fortsatt her?», then forgotten,
with and without JavaScript, so the next pupil can read nothing of their answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pupil_flow import (
    BOKMAAL,
    begin,
    choose,
    go_next,
    open_class,
    responses_in,
    start,
    stored_state,
)
from tests.browser.test_pupil_nojs import plain_tablet  # noqa: F401 (a fixture)

ITEMS = [item.id for item in BOKMAAL.items]
IDLE, GRACE = 2, 2
STILL_HERE = "Er du fortsatt her?"


@pytest.fixture(autouse=True)
def short_idle(browser_app, monkeypatch) -> Iterator[None]:
    monkeypatch.setitem(browser_app.config, "TABLET_IDLE_SECONDS", IDLE)
    monkeypatch.setitem(browser_app.config, "TABLET_IDLE_GRACE_SECONDS", GRACE)
    yield


def _walk_away_after_two_answers(page: Any) -> None:
    choose(page, "Stemmer helt")
    go_next(page)
    choose(page, "Stemmer helt")


def test_a_pupil_who_walks_away_is_asked_and_then_forgotten(tablet, seed) -> None:
    code, round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    _walk_away_after_two_answers(tablet)
    expect(tablet.get_by_role("alertdialog", name=STILL_HERE)).to_be_visible(timeout=IDLE * 3000)
    expect(tablet.locator("form[data-start]")).to_be_visible(timeout=GRACE * 3000)
    expect(tablet.get_by_role("alertdialog")).to_have_count(0)
    assert stored_state(tablet) is None, "nothing of the pupil is left in the tablet's storage"
    tablet.go_back()  # a curious next pupil
    tablet.go_forward()
    begin(tablet)
    expect(tablet.locator("input:checked")).to_have_count(0)
    go_next(tablet)
    expect(tablet.locator("input:checked")).to_have_count(0)
    assert [status for status, _answers in responses_in(seed, round_id)] == ["partial"]


def test_a_pupil_who_is_still_there_keeps_their_answers(tablet, seed) -> None:
    code, _round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    _walk_away_after_two_answers(tablet)
    dialog = tablet.get_by_role("alertdialog", name=STILL_HERE)
    dialog.get_by_role("button", name="Ja, jeg er her").tap(timeout=IDLE * 3000)
    expect(dialog).to_have_count(0)
    go_next(tablet, "Tilbake")
    expect(tablet.get_by_role("radio", name="Stemmer helt")).to_be_checked()


def test_without_javascript_a_pupil_who_walks_away_is_forgotten(plain_tablet, seed) -> None:  # noqa: F811
    page = plain_tablet
    code, _round_id = open_class(seed)
    page.goto(f"/?kode={code}")
    page.get_by_role("button", name="Start").click()
    for _ in range(2):
        page.locator("label.choice").filter(
            has=page.get_by_text("Stemmer helt", exact=True)
        ).click()
        page.get_by_role("button", name="Neste").click()
    expect(page.get_by_role("heading", name=STILL_HERE)).to_be_visible(timeout=IDLE * 3000)
    expect(page).to_have_url(re.compile(r"/elev/$"), timeout=GRACE * 3000)
    page.go_back()  # back to «Er du fortsatt her?», and further back to the answered question
    page.go_back()
    expect(page.locator("input:checked")).to_have_count(0)
    page.goto("/elev/sporsmal/1")
    expect(page).to_have_url(re.compile(r"/elev/$"))
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text(f"Spørsmål 1 av {len(ITEMS)}")).to_be_visible()
    expect(page.locator("input:checked")).to_have_count(0)

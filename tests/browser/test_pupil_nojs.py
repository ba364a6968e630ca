"""Without JavaScript the survey is plain forms, one question per page, on the same server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TABLET, axe_violations, screenshot
from tests.browser.pupil_flow import BOKMAAL, open_class, responses_in

ITEMS = [item.id for item in BOKMAAL.items]


@pytest.fixture
def plain_tablet(browser: Any, live_server: str) -> Iterator[Any]:
    """The tablet with JavaScript switched off; it may reach nothing but the app."""
    context = browser.new_context(base_url=live_server, java_script_enabled=False, **TABLET)
    foreign: list[str] = []
    origin = urlsplit(live_server).netloc
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).netloc == origin
            else (foreign.append(route.request.url), route.abort())
        ),
    )
    yield context.new_page()
    context.close()
    assert foreign == []


def test_a_pupil_without_javascript_answers_one_form_per_question(plain_tablet, seed) -> None:
    page = plain_tablet
    code, round_id = open_class(seed)
    page.goto(f"/?kode={code}")
    page.get_by_role("button", name="Start").click()
    for number in range(1, len(ITEMS) + 1):
        expect(page.get_by_text(f"Spørsmål {number} av {len(ITEMS)}")).to_be_visible()
        page.locator("label.choice").filter(has=page.get_by_text("Stemmer ikke", exact=True)).or_(
            page.locator("label.choice").filter(has=page.get_by_text("Aldri", exact=True))
        ).click()
        page.get_by_role("button", name="Neste").click()
    page.get_by_role("button", name="Send inn svarene").click()
    expect(page.get_by_role("heading", name="Takk for at du svarte!")).to_be_visible()
    assert responses_in(seed, round_id) == [("complete", dict.fromkeys(ITEMS, 1))]


def test_the_plain_form_pages_pass_axe(tablet, seed) -> None:
    code, _round_id = open_class(seed)
    tablet.goto(f"/?kode={code}")
    tablet.evaluate("document.querySelector('form[data-start]').submit()")
    expect(tablet).to_have_url(re.compile(r"/elev/sporsmal/1$"))
    assert axe_violations(tablet) == []
    screenshot(tablet, "pupil-nb-plain-question")

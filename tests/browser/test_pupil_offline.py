"""The network drops in the middle of the survey and comes back: nothing lost, nothing twice."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.pupil_flow import (
    BOKMAAL,
    begin,
    choose_value,
    go_next,
    open_class,
    responses_in,
    start,
    wait_until_saved,
    wait_until_sent,
)

ITEMS = [item.id for item in BOKMAAL.items]
VALUES = {item: str(1 + index % 5) for index, item in enumerate(ITEMS)}


def test_answers_given_offline_arrive_exactly_once_when_the_network_returns(tablet, seed) -> None:
    code, round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    for item in ITEMS[:5]:
        choose_value(tablet, VALUES[item])
        go_next(tablet)
    wait_until_saved(tablet)
    tablet.context.set_offline(True)
    for item in ITEMS[5:]:
        choose_value(tablet, VALUES[item])
        go_next(tablet)
    expect(tablet.locator("[data-sync-status]")).to_be_visible()
    screenshot(tablet, "pupil-nb-offline")
    assert axe_violations(tablet) == []
    tablet.get_by_role("button", name="Send inn svarene").tap()
    expect(tablet.get_by_text("blir sendt når nettet er tilbake")).to_be_visible()
    tablet.context.set_offline(False)
    wait_until_sent(tablet)
    expected = {item: int(value) for item, value in VALUES.items()}
    assert responses_in(seed, round_id) == [("complete", expected)]

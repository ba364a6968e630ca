"""The browser set-up itself: the start page in real Chromium on a tablet."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot


def test_the_start_page_has_no_accessibility_violations(tablet) -> None:
    tablet.goto("/")
    assert tablet.get_by_label("Klassekode").is_visible()
    assert axe_violations(tablet) == []
    screenshot(tablet, "start-nb")


def test_a_wrong_class_code_is_explained_in_place(tablet) -> None:
    tablet.goto("/")
    tablet.get_by_label("Klassekode").fill("feil")
    tablet.get_by_role("button", name="Start").tap()
    expect(tablet.get_by_role("alert")).to_be_visible()
    assert axe_violations(tablet) == []

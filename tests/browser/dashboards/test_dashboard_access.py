"""A project lead and a school contact on the dashboards, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.dashboards.conftest import wait_for_charts

LEAD, CONTACT = "leder@demo.trivsel.no", "kontakt@demo.trivsel.no"


def test_a_project_lead_sees_every_page_of_the_project(laptop, log_in, demo) -> None:
    log_in(LEAD)
    base = f"/dashboards/project/{demo.project_id}"
    for path in (
        "/",
        "/triangulation",
        "/items?construct=konflikt",
        "/monitor",
        f"/school/{demo.other_school_id}",
        f"/school/{demo.other_school_id}/class/{demo.big_class_id}",
    ):
        laptop.goto(base + path)
        assert wait_for_charts(laptop) > 0, path
    expect(laptop.get_by_role("button", name="Beregn på nytt nå")).to_be_visible()


def test_a_school_contact_sees_the_aggregates_and_their_own_school(laptop, log_in, demo) -> None:
    log_in(CONTACT)
    base = f"/dashboards/project/{demo.project_id}"
    laptop.goto(base + "/")
    assert wait_for_charts(laptop) > 0
    expect(laptop.get_by_role("button", name="Beregn på nytt nå")).to_have_count(0)
    laptop.get_by_role("link", name="Skoler").click()
    expect(laptop).to_have_url(re.compile(f"/school/{demo.contact_school_id}"))
    assert wait_for_charts(laptop) > 0
    laptop.goto(base + "/items")
    options = laptop.locator("#f-school option").all_inner_texts()
    assert len(options) == 2  # the whole project and their own school


def test_a_school_contact_cannot_open_another_school_by_url(laptop, log_in, demo) -> None:
    log_in(CONTACT)
    base = f"/dashboards/project/{demo.project_id}"
    for path in (
        f"/school/{demo.other_school_id}",
        f"/items?school={demo.other_school_id}",
        f"/school/{demo.other_school_id}/class/{demo.big_class_id}",
    ):
        response = laptop.goto(base + path)
        assert response.status == 404, path


def test_a_class_below_the_threshold_shows_no_numbers_even_by_url(laptop, log_in, demo) -> None:
    log_in(CONTACT)
    school, group = demo.contact_school_id, demo.small_class_id
    response = laptop.goto(f"/dashboards/project/{demo.project_id}/school/{school}/class/{group}")
    assert response.status == 200
    expect(laptop.get_by_role("status").filter(has_text="For få svar til å vise")).to_be_visible()
    assert laptop.locator("[data-figure], table").count() == 0

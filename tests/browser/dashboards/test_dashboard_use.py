"""Using the dashboards: download a chart and its numbers, switch language, keep the filters."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.dashboards.conftest import wait_for_charts

LEAD = "leder@demo.trivsel.no"


def test_a_chart_downloads_as_png_from_its_modebar(laptop, log_in, demo) -> None:
    log_in(LEAD)
    laptop.goto(f"/dashboards/project/{demo.project_id}/?construct=konflikt")
    wait_for_charts(laptop)
    laptop.locator(".plot").first.hover()
    with laptop.expect_download() as download:
        laptop.get_by_role("button", name="Last ned figuren som bilde (PNG)").first.click()
    assert download.value.suggested_filename == "trivsel-trend-pupil-konflikt.png"


def test_the_numbers_behind_a_chart_download_as_csv(laptop, log_in, demo) -> None:
    log_in(LEAD)
    laptop.goto(f"/dashboards/project/{demo.project_id}/?construct=konflikt")
    with laptop.expect_download() as download:
        laptop.get_by_role("link", name="Last ned tallene (CSV)").first.click()
    with open(download.value.path(), encoding="utf-8-sig") as csv:
        text = csv.read()
    assert text.startswith("Runde;Svar, intervensjonsskoler;")


def test_switching_to_nynorsk_keeps_the_filters(laptop, log_in, demo) -> None:
    log_in(LEAD)
    laptop.goto(f"/dashboards/project/{demo.project_id}/?respondent_type=parent")
    laptop.get_by_role("link", name="Norsk nynorsk").click()
    expect(laptop).to_have_url(re.compile(r"respondent_type=parent.*lang=nn"))
    expect(laptop.get_by_label("Kven har svart")).to_have_value("parent")
    expect(laptop.get_by_role("heading", name="Konfliktar – føresette")).to_be_visible()
    laptop.goto("/staff/?lang=nb")


def test_the_dashboards_pass_the_accessibility_checks(laptop, log_in, demo) -> None:
    log_in(LEAD)
    for path in ("/?construct=konflikt", f"/school/{demo.contact_school_id}?construct=trivsel"):
        laptop.goto(f"/dashboards/project/{demo.project_id}{path}")
        wait_for_charts(laptop)
        assert axe_violations(laptop) == [], path


def test_screenshots_of_the_demo_dashboards(laptop, log_in, demo) -> None:
    """For a person to look at: test-artifacts/screenshots/dashboard-*.png."""
    log_in(LEAD)
    base = f"/dashboards/project/{demo.project_id}"
    for name, path in (
        ("overview", "/?construct=konflikt"),
        ("school", f"/school/{demo.other_school_id}?construct=konflikt"),
        ("items", "/items?construct=konflikt"),
        ("triangulation", "/triangulation"),
    ):
        laptop.goto(base + path)
        wait_for_charts(laptop)
        screenshot(laptop, f"dashboard-{name}")


def test_printing_leaves_out_menus_and_filters_and_fits_each_chart_on_a4(
    laptop, log_in, demo
) -> None:
    log_in(LEAD)
    laptop.goto(f"/dashboards/project/{demo.project_id}/?construct=konflikt")
    wait_for_charts(laptop)
    laptop.emulate_media(media="print")
    try:
        for hidden in ("nav.tabs", ".filters", ".staff-header"):
            expect(laptop.locator(hidden).first).to_be_hidden()
        # A4 less 12 mm margins is 186 mm, 703 CSS pixels: no chart may reach past it.
        widths = laptop.locator(".main-svg").evaluate_all(
            "svgs => svgs.map(svg => svg.getBoundingClientRect().width)"
        )
        assert widths and max(widths) <= 703
        assert laptop.pdf(format="A4").startswith(b"%PDF")
    finally:
        laptop.emulate_media(media="screen")

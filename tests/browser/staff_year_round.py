"""The project leader's round in the year walk (tests/browser/test_staff_year.py), by clicks.

Each step starts on a page the previous one left and moves on by links and buttons only; every
page visited is checked by axe, and the steps a person should look at are photographed as
docs/screenshots/staff-year-*.png (copied there from test-artifacts/screenshots).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from survey.admin.forms import to_local_input
from survey.analysis.tasks import run_requested_analyses
from survey.db import get_database
from survey.models import AccessCode
from survey.pupil.operations import save_tablet_answer, submit_pupil_response
from survey.pupil.queries import saving_class
from tests.browser.conftest import axe_violations, screenshot

PROJECT = "Laget rundt eleven i Nordby"


def checked(page: Page, name: str | None = None) -> None:
    """axe finds nothing on this page; with a name, a screenshot is kept for a person."""
    assert axe_violations(page) == [], page.url
    if name:
        screenshot(page, f"staff-year-{name}")


def to_project(page: Page) -> None:
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Prosjekter").click()
    checked(page)
    page.get_by_role("link", name="Oppsett og runder").click()
    expect(page.get_by_role("heading", name=PROJECT, exact=True)).to_be_visible()
    checked(page)


def add_comparison_school(page: Page) -> None:
    """A second school, in the comparison arm, with one class: results need two arms."""
    page.get_by_role("link", name="Ny skole").click()
    page.get_by_label("Navn", exact=True).fill("Sørby skole")
    page.get_by_label("Kode").fill("S02")
    page.get_by_label("Arm").select_option(label="Sammenligning")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_role("link", name="Ny klasse").last.click()
    page.get_by_label("Klasse", exact=True).fill("5B")
    page.get_by_label("Trinn").fill("5")
    page.get_by_label("Antall elever").fill("20")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("rowheader", name="5B")).to_be_visible()
    checked(page, "project")


def add_goal(page: Page) -> None:
    """A level goal for the pupils' trivsel, typed with a decimal comma."""
    page.get_by_role("link", name="Nytt mål").click()
    page.get_by_label("Hvem").select_option(label="Elever")
    trivsel = page.locator("#construct option", has_text="Trivsel").first
    page.get_by_label("Hva måles").select_option(trivsel.get_attribute("value"))
    page.get_by_label("Slags mål").select_option(label="Nå et nivå")
    page.get_by_label("Målverdi").fill("3,2")
    checked(page, "goal-new")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name=PROJECT, exact=True)).to_be_visible()
    checked(page)


def open_round(page: Page) -> None:
    now = dt.datetime.now(dt.UTC)
    page.get_by_role("link", name="Ny runde").click()
    page.get_by_label("Navn på runden").fill("Høst 2026")
    page.get_by_label("Åpner").fill(to_local_input(now + dt.timedelta(days=1)))
    page.get_by_label("Lukker").fill(to_local_input(now + dt.timedelta(days=15)))
    checked(page, "round-new")
    page.get_by_role("button", name="Opprett runden").click()
    checked(page)
    page.get_by_role("button", name="Åpne runden nå").click()
    expect(page.locator("h1 .status")).to_have_text("Åpen")
    checked(page, "round-open")


def parent_letters(page: Page) -> None:
    """Links for the parents of 5A, and their letters as a PDF, one page per link."""
    page.get_by_role("link", name="Lenker, brev og klassekoder").click()
    checked(page, "distribution")
    option = page.locator('optgroup[label="Nordby skole"] option', has_text="Foresatte i 5A")
    page.get_by_label("Hvem skal få lenkene").select_option(option.first.get_attribute("value"))
    page.get_by_label("Antall lenker").fill("3")
    page.get_by_role("button", name="Lag lenker").click()
    expect(page.get_by_role("heading", name="3 lenker er laget")).to_be_visible()
    checked(page, "links-made")
    page.get_by_role("button", name="Last ned brevene (PDF)").click()
    ready = page.get_by_role("link", name="Last ned")  # a job, done at once here
    expect(ready).to_be_visible()
    checked(page, "letters-done")
    with page.expect_download() as event:
        ready.click()
    letters = Path(event.value.path()).read_bytes()
    assert len(PdfReader(io.BytesIO(letters)).pages) == 3
    page.get_by_role("link", name="Tilbake til utsending").click()
    checked(page)


def monitor(page: Page, expected: str) -> None:
    """From the distribution page back to the round, then its monitor."""
    page.get_by_role("link", name="← Høst 2026").click()
    page.get_by_role("link", name="Svarmonitor").click()
    expect(page.locator('[data-total="pupil"]')).to_have_text(expected)
    checked(page, "monitor")


def pupils_answer(app: Flask, per_class: int) -> None:
    """`per_class` pupils in every class answer and submit, through the tablet's own save path
    (`save_tablet_answer`, `submit_pupil_response`) rather than by tapping, to keep the walk
    short; tests/browser/test_pupil_flow.py taps through the tablet pages. Intervention pupils
    answer one point higher, so the schools differ."""
    with app.app_context(), get_database(app).session_scope() as session:
        codes = session.scalars(select(AccessCode).filter_by(kind="class_code")).all()
        for code in codes:
            pupil_class = saving_class(session, code.id)
            assert pupil_class is not None
            instrument = pupil_class.instrument
            lift = 1 if code.school.arm == "intervention" else 0
            for pupil in range(per_class):
                client_id = uuid.uuid4().hex
                for item in instrument.items:
                    if item.scale is None:
                        continue
                    scale = instrument.scales[item.scale]
                    value = min(scale.min_value + 1 + lift + pupil % 2, scale.max_value)
                    save_tablet_answer(session, code.id, client_id, "nb", item.id, value=value)
                submit_pupil_response(
                    session, pupil_class, client_id, "nb", dt.datetime.now(dt.UTC).date()
                )


def close_round(page: Page) -> None:
    """From the monitor back to the round, closed after a confirmation page."""
    page.get_by_role("link", name="← Høst 2026").click()
    page.get_by_role("link", name="Lukk runden nå …").click()
    checked(page, "round-close")
    page.get_by_role("button", name="Ja, lukk runden").click()
    expect(page.locator("h1 .status")).to_have_text("Lukket")
    checked(page, "round-closed")


def results(page: Page, app: Flask) -> None:
    """The leader asks for the results; the worker's minute job runs the request (here called
    at once, as the worker would, the job itself running inline), and the leader reloads."""
    menu = page.get_by_role("navigation", name="Hovedmeny")
    menu.get_by_role("link", name="Resultater").click()
    checked(page)
    page.get_by_role("button", name="Beregn på nytt nå").click()
    expect(page.get_by_text("Ny beregning er satt i kø.")).to_be_visible()
    checked(page)
    run_requested_analyses(app)
    page.reload()
    expect(page.get_by_text("Sist beregnet:")).to_be_visible()
    checked(page, "results")


def goals(page: Page) -> None:
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Mål").click()
    expect(page.get_by_role("heading", name="Trivsel – Elever")).to_be_visible()
    expect(page.get_by_text("Nivå: 3,20")).to_be_visible()
    checked(page, "goals")


def school_report(page: Page) -> None:
    menu = page.get_by_role("navigation", name="Hovedmeny")
    menu.get_by_role("link", name="Rapport til rektor").click()
    # axe must not run while the old page is being replaced (its document is then null).
    expect(page).to_have_url(re.compile(r"/reports/"))
    page.wait_for_load_state("load")
    checked(page, "reports")
    with page.expect_download() as event:
        page.get_by_role("link", name="Last ned (PDF) Nordby skole, Høst 2026").click()
    report = PdfReader(io.BytesIO(Path(event.value.path()).read_bytes()))
    assert "Nordby skole" in report.pages[0].extract_text()


def export(page: Page) -> bytes:
    """The export form, its job page (done at once here) and the file."""
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Eksport").click()
    expect(page).to_have_url(re.compile(r"/export"))
    page.wait_for_load_state("load")
    checked(page, "export")
    page.get_by_role("button", name="Last ned").click()
    download = page.get_by_role("link", name="Last ned")
    expect(download).to_be_visible()
    checked(page, "export-done")
    with page.expect_download() as event:
        download.click()
    return Path(event.value.path()).read_bytes()

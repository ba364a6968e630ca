"""A project lead runs a whole round from a laptop; a parent and a staff member answer by phone.

Create a project with two schools, import classes from CSV, plan and open a round, download
the letters and the link CSV, answer through one parent link and one staff link on phones,
watch the monitor count them, and close the round.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from survey.accounts.operations import create_user
from survey.admin.forms import to_local_input
from survey.models import Project
from tests.browser.conftest import axe_violations, screenshot, work_until_ready
from tests.survey.admin.test_letters import scanned

PASSWORD = "a-long-enough-password"
LAPTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "nb-NO"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "has_touch": True,
    "is_mobile": True,
    "locale": "nb-NO",
}


def _guarded_page(browser: Any, live_server: str, options: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server, accept_downloads=True, **options)
    foreign: list[str] = []
    origin = urlsplit(live_server).netloc

    def guard(route: Any) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == origin:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert foreign == [], f"requests left the app's origin: {foreign}"


@pytest.fixture
def laptop(browser: Any, live_server: str) -> Iterator[Page]:
    yield from _guarded_page(browser, live_server, LAPTOP)


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Page]:
    yield from _guarded_page(browser, live_server, PHONE)


@pytest.fixture
def lead_email(seed) -> str:
    email = f"leder-{uuid.uuid4().hex[:6]}@nordby.kommune.no"
    with seed() as session:
        earlier = Project(name=f"Tidligere {email}", delete_after_on=dt.date(2030, 1, 1))
        session.add(earlier)
        create_user(session, email, "project_lead", PASSWORD, projects=[earlier])
    return email


def log_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Prosjekter")).to_be_visible()


def create_project(page: Page, name: str) -> None:
    page.get_by_role("link", name="Nytt prosjekt").click()
    page.get_by_label("Navn", exact=True).fill(name)
    page.get_by_label("Slettes etter").fill("2031-06-30")
    page.get_by_role("button", name="Opprett prosjektet").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def add_school(page: Page, name: str, code: str, arm: str) -> None:
    page.get_by_role("link", name="Ny skole").click()
    page.get_by_label("Navn", exact=True).fill(name)
    page.get_by_label("Kode").fill(code)
    page.get_by_label("Arm").select_option(label=arm)
    page.get_by_label("Kontaktperson (e-post)").fill(f"rektor@{code.lower()}.no")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def import_classes(page: Page, codes: tuple[str, str]) -> None:
    north, south = codes
    rows = f"skolekode;trinn;klasse;elever\n{north};5;5A;21\n{north};6;6A;19\n{south};5;5B;18\n"
    page.get_by_role("link", name="Importer fra CSV").click()
    page.get_by_label("CSV-fil").set_input_files(
        {"name": "klasser.csv", "mimeType": "text/csv", "buffer": rows.encode("utf-8-sig")}
    )
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("3 nye klasser og 0 endrede klasser")).to_be_visible()


def plan_and_open_round(page: Page) -> None:
    now = dt.datetime.now(dt.UTC)
    page.get_by_role("link", name="Ny runde").click()
    page.get_by_label("Navn på runden").fill("Høst 2026")
    page.get_by_label("Åpner").fill(to_local_input(now + dt.timedelta(days=1)))
    page.get_by_label("Lukker").fill(to_local_input(now + dt.timedelta(days=15)))
    page.get_by_role("button", name="Opprett runden").click()
    page.get_by_role("button", name="Åpne runden nå").click()
    expect(page.locator("h1 .status")).to_have_text("Åpen")


def make_links(page: Page, school: str, who: str, count: str) -> None:
    page.get_by_role("link", name="Lenker, brev og klassekoder").click()
    option = page.locator(f'optgroup[label="{school}"] option', has_text=who).first
    page.get_by_label("Hvem skal få lenkene").select_option(option.get_attribute("value"))
    page.get_by_label("Antall lenker").fill(count)
    page.get_by_role("button", name="Lag lenker").click()
    expect(page.get_by_role("heading", name=f"{count} lenker er laget")).to_be_visible()


def download(page: Page, button: str) -> bytes:
    with page.expect_download() as event:
        page.get_by_role("button", name=button).click()
    return Path(event.value.path()).read_bytes()


def download_letters(page: Page, app: Flask) -> bytes:
    """The letters are a job: the button leads to its progress page, a worker (huey's
    consumer, in a thread) sets them, and the page offers the file without a reload."""
    batch_page = page.url
    page.get_by_role("button", name="Last ned brevene (PDF)").click()
    page.wait_for_url("**/letters/*")
    work_until_ready(page, app)
    assert axe_violations(page) == []
    with page.expect_download() as event:
        page.click("#job-download a")
    letters = Path(event.value.path()).read_bytes()
    page.goto(batch_page)
    return letters


def links_in(csv_file: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(csv_file.decode("utf-8-sig")), delimiter=";"))
    return [row[-1] for row in rows[1:]]


def answer_by_phone(phone: Page, link: str) -> None:
    phone.goto(link)
    phone.get_by_role("button", name="Start").click()
    expect(phone.get_by_text("Side 1 av")).to_be_visible()
    assert axe_violations(phone) == []
    screenshot(phone, "link-first-page")
    phone.locator(".question").first.locator(".option").nth(1).tap()
    while not phone.url.endswith("/send"):
        with phone.expect_navigation():
            phone.get_by_role("button", name="Neste").tap()
    screenshot(phone, "link-send")
    phone.get_by_role("button", name="Send inn", exact=True).tap()
    expect(phone.get_by_role("heading", name="Takk for svarene dine!")).to_be_visible()


def test_a_project_lead_runs_a_round_from_set_up_to_close(
    laptop: Page, phone: Page, lead_email: str, browser_app: Flask
):
    suffix = uuid.uuid4().hex[:4].upper()
    codes = (f"N{suffix}", f"S{suffix}")
    log_in(laptop, lead_email)
    create_project(laptop, f"Trivsel i Nordby {suffix}")
    add_school(laptop, "Nordby skole", codes[0], "Tiltak")
    add_school(laptop, "Sørby skole", codes[1], "Sammenligning")
    import_classes(laptop, codes)
    assert axe_violations(laptop) == []
    screenshot(laptop, "admin-project")
    plan_and_open_round(laptop)
    round_page = laptop.url

    make_links(laptop, "Nordby skole", "Foresatte i 5A", "3")
    screenshot(laptop, "admin-links-made")
    letters = download_letters(laptop, browser_app)
    parent_links = links_in(download(laptop, "Last ned lenkelisten (CSV)"))
    assert len(PdfReader(io.BytesIO(letters)).pages) == 3
    assert scanned(letters, 1) == parent_links[:1]

    laptop.goto(round_page)
    laptop.get_by_role("link", name="Lenker, brev og klassekoder").click()
    assert axe_violations(laptop) == []
    screenshot(laptop, "admin-distribution")
    laptop.goto(round_page)
    make_links(laptop, "Sørby skole", "Ansatte", "2")
    staff_links = links_in(download(laptop, "Last ned lenkelisten (CSV)"))

    laptop.goto(round_page)
    laptop.get_by_role("link", name="Svarmonitor").click()
    laptop.goto(laptop.url + "?refresh=2")
    expect(laptop.locator('[data-total="parent"]')).to_have_text("0 / 3")
    assert axe_violations(laptop) == []

    answer_by_phone(phone, parent_links[0])
    answer_by_phone(phone, staff_links[0])
    expect(laptop.locator('[data-total="parent"]')).to_have_text("1 / 3", timeout=20_000)
    expect(laptop.locator('[data-total="staff"]')).to_have_text("1 / 2", timeout=20_000)
    screenshot(laptop, "admin-monitor")

    laptop.goto(round_page)
    laptop.get_by_role("link", name="Lukk runden nå …").click()
    laptop.get_by_role("button", name="Ja, lukk runden").click()
    expect(laptop.locator("h1 .status")).to_have_text("Lukket")
    phone.goto(parent_links[1])
    expect(phone.get_by_role("heading", name="Undersøkelsen er avsluttet")).to_be_visible()

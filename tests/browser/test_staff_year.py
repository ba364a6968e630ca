"""A new admin's first day, by clicks only, on an empty database, with axe on every page.

Sign in from the start page, create the first project, add a school and a class, invite a
project leader; the leader sets a password from the link in the mail, signs in, reads the help
and changes the password. Then the leader runs a round
(tests/browser/staff_year_round.py): a comparison school, the round opened, parents' letters,
the monitor before and after the pupils answer.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from survey.accounts.operations import create_user
from survey.app import create_app
from survey.db import get_database
from survey.migrate import upgrade
from tests.browser import staff_year_round as walk
from tests.browser.conftest import axe_violations, guard_origin, screenshot
from tests.conftest import TEST_SECRET_KEY

ADMIN, ADMIN_PASSWORD = "admin@nordby.kommune.no", "første passord for admin"
LEADER = "leder@nordby.kommune.no"
LAPTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "nb-NO"}
LINK = re.compile(r"https?://\S+/login/set-password/\S+")


class Mailbox(logging.Handler):
    """The mails the app sent (in development they are written to the log).

    The app sends a mail after its response has gone out (`call_on_close`), so the browser may
    show the next page before the mail is written: `mail_to` waits for the mail itself, woken by
    the handler, instead of reading the list at once (which raced the server's thread).
    """

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.mails: list[str] = []
        self.arrived = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self.arrived:
            self.mails.append(record.getMessage())
            self.arrived.notify_all()

    def mail_to(self, address: str, timeout: float = 10.0) -> list[str]:
        with self.arrived:
            self.arrived.wait_for(lambda: any(address in m for m in self.mails), timeout)
            return [mail for mail in self.mails if address in mail]


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    url = f"sqlite:///{tmp_path_factory.mktemp('empty-db') / 'trivsel.db'}"
    upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": TEST_SECRET_KEY,
            "SUPPORT_CONTACT": "Kari Hjelp",
            # jobs (analysis, export) run inside the request that asks for them
            "JOBS_IMMEDIATE": True,
        },
        instance_path=str(tmp_path_factory.mktemp("instance")),
    )
    with get_database(app).session_scope() as session:  # as `trivsel create-user` does
        create_user(session, ADMIN, "admin", ADMIN_PASSWORD)
    return app


@pytest.fixture(scope="module")
def server(empty_app: Flask) -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, empty_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    logger = logging.getLogger("survey.rounds.mail")
    box, level = Mailbox(), logger.level
    logger.addHandler(box)
    logger.setLevel(logging.INFO)
    yield box
    logger.removeHandler(box)
    logger.setLevel(level)


def _laptop(browser: Any, server: str, **options: Any) -> tuple[Any, Page, list[str]]:
    context = browser.new_context(base_url=server, **LAPTOP, **options)
    foreign = guard_origin(context, server)
    page = context.new_page()
    page.set_default_timeout(30_000)  # the first request of a fresh app compresses its assets
    return context, page, foreign


def checked(page: Page, name: str | None = None) -> None:
    """axe finds nothing on this page; with a name, a screenshot is kept for a person."""
    assert axe_violations(page) == [], page.url
    if name:
        screenshot(page, name)


def _sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


def test_a_new_admin_sets_up_a_project_and_a_leader_runs_a_round(
    browser: Any, server: str, mailbox: Mailbox, empty_app: Flask
) -> None:
    context, page, foreign = _laptop(browser, server)
    page.goto("/")
    checked(page)
    page.get_by_role("link", name="Innlogging for ansatte og prosjektledere").click()
    checked(page, "staff-login")
    _sign_in(page, ADMIN, ADMIN_PASSWORD)
    expect(page.get_by_role("heading", name="Velkommen!")).to_be_visible()
    checked(page, "staff-home-new-admin")

    page.get_by_role("link", name="Lag det første prosjektet").click()
    checked(page)
    page.get_by_label("Navn", exact=True).fill("Laget rundt eleven i Nordby")
    page.get_by_label("Slettes etter").fill("2031-06-30")
    page.get_by_role("button", name="Opprett prosjektet").click()
    expect(page.get_by_role("heading", name="Laget rundt eleven i Nordby")).to_be_visible()

    page.get_by_role("link", name="Ny skole").click()
    checked(page)
    page.get_by_label("Navn", exact=True).fill("Nordby skole")
    page.get_by_label("Kode").fill("S01")
    page.get_by_label("Arm").select_option(label="Tiltak")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_role("link", name="Ny klasse").click()
    checked(page)
    page.get_by_label("Klasse", exact=True).fill("5A")
    page.get_by_label("Trinn").fill("5")
    page.get_by_label("Antall elever").fill("21")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("rowheader", name="5A")).to_be_visible()
    checked(page, "staff-project-set-up")

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Brukere").click()
    checked(page)
    page.get_by_role("link", name="Inviter en bruker").click()
    page.get_by_label("E-postadresse").fill(LEADER)
    page.get_by_label("Rolle").select_option(label="Prosjektleder")
    page.get_by_label("Laget rundt eleven i Nordby", exact=True).check()
    checked(page, "staff-invite")
    page.get_by_role("button", name="Send invitasjonen").click()
    expect(page.get_by_text(f"Invitasjonen er sendt til {LEADER}.")).to_be_visible()
    checked(page, "staff-users")
    page.get_by_role("link", name=f"Endre {LEADER}").click()
    checked(page, "staff-user-edit")
    context.close()

    expect_mail = mailbox.mail_to(LEADER)
    assert len(expect_mail) == 1
    [invite_link] = LINK.findall(expect_mail[0])

    context, page, leader_foreign = _laptop(browser, server, accept_downloads=True)
    page.goto(invite_link)  # the leader clicks the link in the mail
    checked(page, "staff-set-password")
    page.get_by_label("Nytt passord").fill("leders eget passord")
    page.get_by_label("Skriv passordet en gang til").fill("leders eget passord")
    page.get_by_role("button", name="Lagre passordet").click()
    expect(page.get_by_text("Passordet er lagret.")).to_be_visible()
    checked(page)
    _sign_in(page, LEADER, "leders eget passord")
    expect(page.get_by_role("heading", name="Laget rundt eleven i Nordby")).to_be_visible()
    checked(page, "staff-home-leader")

    page.get_by_role("link", name="Hjelp").click()
    expect(page.get_by_role("heading", name="Et år med Trivsel, steg for steg")).to_be_visible()
    expect(page.get_by_text("Kari Hjelp")).to_be_visible()
    checked(page, "staff-help")

    page.get_by_role("link", name=LEADER).click()
    checked(page)
    page.get_by_label("Nåværende passord").fill("leders eget passord")
    page.get_by_label("Nytt passord").fill("et enda bedre passord")
    page.get_by_label("Skriv det nye passordet en gang til").fill("et enda bedre passord")
    page.get_by_role("button", name="Bytt passord").click()
    expect(page.get_by_text("Passordet er byttet.")).to_be_visible()
    checked(page)

    walk.to_project(page)
    walk.add_comparison_school(page)
    walk.open_round(page)
    walk.parent_letters(page)
    walk.monitor(page, "0 / 41")
    walk.pupils_answer(empty_app, per_class=11)
    page.reload()
    expect(page.locator('[data-total="pupil"]')).to_have_text("22 / 41")
    walk.checked(page, "monitor-answered")
    walk.close_round(page)
    walk.results(page, empty_app)
    walk.goals(page)
    walk.school_report(page)
    assert walk.export(page)
    context.close()
    assert foreign == [] and leader_foreign == []

"""Issue 15's scenario: 30 pupils in 3 classes, followed through 3 rounds by card codes typed
on the real tablet, in Chromium. The cards come from the class sheets (PDF) as a lead prints
them; the pupils type them after the class code; the stored data link each pupil's rounds;
no table holds a card code in clear; after the purge nothing can recompute the hashes."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select, text, update

from instruments import Instrument, instrument_from_json
from survey.accounts.operations import create_user
from survey.models import Base, Group, PanelKey, PanelMember, Project, Response, Round, School
from survey.panel import cards
from survey.retention.operations import purge_expired_projects
from survey.rounds.operations import create_class_codes, freeze_instrument, set_round_instrument
from survey.rounds.queries import open_class_codes
from tests.browser.pupil_flow import choose_value, go_next, start
from tests.browser.pupil_flow import wait_until_sent as wait_until_sent_
from tests.conftest import TEST_SECRET_KEY
from tests.survey.pupil.conftest import TWO_LANGUAGES

PASSWORD = "a-long-enough-password"
PRINTED = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
CLASSES, PUPILS, ROUNDS = ("5A", "5B", "6A"), 10, ("Høst 2021", "Vår 2022", "Vår 2023")


def _set_up(seed) -> tuple[int, str]:
    """A panel project with three classes of ten, three planned rounds and a lead."""
    name = f"Panel {uuid.uuid4().hex[:8]}"
    with seed() as session:
        project = Project(name=name, delete_after_on=dt.date(2030, 12, 31), is_panel=True)
        school = School(project=project, name="Bakken skole", code=name[-8:], arm="intervention")
        for label in CLASSES:
            session.add(Group(school=school, grade=int(label[0]), label=label, enrolled=PUPILS))
        for number, label in enumerate(ROUNDS):
            opens = dt.datetime(2021 + number, 9, 1, tzinfo=dt.UTC)
            session.add(
                Round(
                    project=project, label=label, opens_at=opens, closes_at=opens + dt.timedelta(30)
                )
            )
        session.flush()
        email = f"leder-{name[-8:]}@skole.no"
        create_user(session, email, "project_lead", PASSWORD, projects=[project])
        return project.id, email


def _cards_of_each_class(browser_app, seed, project_id: int, email: str) -> dict[str, list[str]]:
    """The lead prints a sheet per class; the codes are read back from the PDF."""
    client = browser_app.test_client()

    def post(url: str, **data: str):
        with client.session_transaction() as browser_session:
            token = browser_session.setdefault("csrf", "csrf")
        return client.post(url, data={"csrf_token": token, **data})

    assert post("/login/", email=email, password=PASSWORD).status_code == 302
    printed: dict[str, list[str]] = {}
    with seed() as session:
        groups = session.execute(
            select(Group.id, Group.label).join(School).where(School.project_id == project_id)
        ).all()
    for group_id, label in groups:
        sheet = post(f"/admin/groups/{group_id}/panel-cards.pdf", language="nb")
        assert sheet.status_code == 200
        pages = PdfReader(io.BytesIO(sheet.data)).pages
        printed[label] = PRINTED.findall(" ".join(page.extract_text() for page in pages))
        assert len(printed[label]) == PUPILS + 3  # ten pupils and three spares
    return printed


def _open_round(seed, project_id: int, label: str) -> dict[str, str]:
    """Close the open round, open round `label`; its class code per class."""
    with seed() as session:
        session.execute(
            update(Round)
            .where(Round.project_id == project_id, Round.status == "open")
            .values(status="closed")
        )
        round_ = session.scalar(select(Round).filter_by(project_id=project_id, label=label))
        set_round_instrument(session, round_, freeze_instrument(session, _one_question()))
        round_.status = "open"
        create_class_codes(session, round_, TEST_SECRET_KEY)
        session.flush()
        project = session.get(Project, project_id).name
        return {
            c.group: c.code
            for c in open_class_codes(session, TEST_SECRET_KEY)
            if c.project == project
        }


def _one_question() -> Instrument:
    """The pupil instrument of the browser tests cut to its first question: the cards are
    what is tested here, and 90 pupils need not tap through three more questions each."""
    return instrument_from_json(
        {**TWO_LANGUAGES, "id": "pupil-panel-cards", "items": TWO_LANGUAGES["items"][:1]}
    )


def _pupil(page, card: str, value: str) -> None:
    """One pupil: the card code, the question, sent; the next pupil."""
    page.get_by_label("Skriv koden på kortet ditt").fill(card)
    page.get_by_role("button", name="Start", exact=True).tap()
    choose_value(page, value)
    go_next(page)
    page.get_by_role("button", name="Send inn svarene").tap()
    wait_until_sent_(page)
    page.get_by_role("link", name="Neste elev").tap()
    expect(page.get_by_label("Skriv koden på kortet ditt")).to_have_value("")


def _cells(session) -> list[str]:
    """Every value of every column of every table, as text (bytes as hex and latin-1)."""
    values = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).all():
            for value in row:
                if isinstance(value, bytes):
                    values += [value.hex(), value.decode("latin-1")]
                elif value is not None:
                    values.append(str(value))
    return values


def test_thirty_pupils_are_followed_through_three_rounds_by_their_cards(browser_app, tablet, seed):
    project_id, email = _set_up(seed)
    printed = _cards_of_each_class(browser_app, seed, project_id, email)
    # Pupil i of a class keeps the card printed i-th, and answers i % 5 + 1 every round;
    # in the last round pupil 0 of 5A has lost theirs and takes the first spare.
    holder = {(label, i): printed[label][i] for label in CLASSES for i in range(PUPILS)}
    for number, round_label in enumerate(ROUNDS):
        codes = _open_round(seed, project_id, round_label)
        if number == 2:
            holder[("5A", 0)] = printed["5A"][PUPILS]
        for label in CLASSES:
            start(tablet, codes[label], "Norsk bokmål")
            if number == 0 and label == "5A":  # a slip of the finger: the check character
                slip = cards.ALPHABET[(cards.ALPHABET.index(holder[(label, 0)][0]) + 1) % 23]
                tablet.get_by_label("Skriv koden på kortet ditt").fill(
                    slip + holder[(label, 0)][1:]
                )
                tablet.get_by_role("button", name="Start", exact=True).tap()
                expect(tablet.get_by_role("alert")).to_have_text(re.compile("Koden stemmer ikke"))
            for i in range(PUPILS):
                card = holder[(label, i)]
                _pupil(tablet, card.lower() if i % 2 else card, str(i % 5 + 1))

    with seed() as session:
        key = session.get(PanelKey, project_id).key
        member_of = {
            h: m for m, h in session.execute(select(PanelMember.id, PanelMember.code_hash)).all()
        }
        rows = session.execute(
            select(Response.panel_member_id, Round.label, Group.label, Response.status)
            .join(Round, Response.round_id == Round.id)
            .join(Group, Response.group_id == Group.id)
            .where(Round.project_id == project_id)
        ).all()
        assert len(rows) == len(ROUNDS) * len(CLASSES) * PUPILS
        assert {status for *_, status in rows} == {"complete"}
        for (label, i), card in holder.items():
            member = member_of[cards.code_hash(key, card.replace("-", ""))]
            seen = sorted((r, g) for m, r, g, _ in rows if m == member)
            expected_rounds = ROUNDS[2:] if (label, i) == ("5A", 0) else ROUNDS
            assert [g for _, g in seen] == [label] * len(expected_rounds)
            assert {r for r, _ in seen} == set(expected_rounds)
        lost = member_of[cards.code_hash(key, printed["5A"][0].replace("-", ""))]
        assert sorted(r for m, r, *_ in rows if m == lost) == sorted(ROUNDS[:2])

        every_code = {code.replace("-", "") for codes in printed.values() for code in codes}
        cells = "\n".join(_cells(session)).upper()
        assert not [
            code for code in every_code if code in cells or f"{code[:4]}-{code[4:]}" in cells
        ]

        session.execute(
            update(Project)
            .where(Project.id == project_id)
            .values(delete_after_on=dt.date(2020, 1, 1))
        )
        assert purge_expired_projects(session, dt.date(2026, 12, 3)) == [project_id]

    with seed() as session:
        assert session.get(PanelKey, project_id) is None
        assert key.hex() not in "\n".join(_cells(session))
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    database_file = browser_app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with open(database_file, "rb") as stored:
        assert key not in stored.read()  # secure_delete: not even in a free page

"""Reminders: each school contact gets the response rates once, days before the round closes."""

from __future__ import annotations

import datetime as dt
import logging
from typing import ClassVar

import pytest
from sqlalchemy import func, select

from survey.accounts.operations import create_user
from survey.models import ReminderSent
from survey.rounds import mail
from survey.rounds.reminders import send_due_reminders
from tests.round_fixtures import PASSWORD

CONFIG = {
    "ENV": "development",
    "MAIL_SMTP_HOST": None,
    "MAIL_SMTP_PORT": 587,
    "MAIL_SMTP_USER": None,
    "MAIL_SMTP_PASSWORD": None,
    "MAIL_SMTP_STARTTLS": True,
    "MAIL_FROM": "trivsel@skole.no",
    "REMINDER_DAYS_BEFORE_CLOSE": 3,
    "PUBLIC_BASE_URL": "https://trivsel.example.no",
}


@pytest.fixture
def contact(session, school):
    school.contact_email = "rektor@nordby.no"
    return create_user(session, "kontakt@nordby.no", "school_contact", PASSWORD, schools=[school])


def _two_days_before(round_) -> dt.datetime:
    return round_.closes_at - dt.timedelta(days=2)


def test_in_development_the_reminder_is_written_to_the_log(session, open_round, contact, caplog):
    with caplog.at_level(logging.INFO, logger="survey.rounds.mail"):
        assert send_due_reminders(session, CONFIG, _two_days_before(open_round)) == 1
    assert "kontakt@nordby.no, rektor@nordby.no" in caplog.text
    assert "Elever:    0 av 20 (0 %)" in caplog.text


def test_a_school_is_reminded_once_per_round(session, open_round, contact) -> None:
    send_due_reminders(session, CONFIG, _two_days_before(open_round))
    assert send_due_reminders(session, CONFIG, _two_days_before(open_round)) == 0
    assert session.scalar(select(func.count()).select_from(ReminderSent)) == 1


def test_no_reminder_long_before_the_round_closes(session, open_round, contact) -> None:
    early = open_round.closes_at - dt.timedelta(days=4)
    assert send_due_reminders(session, CONFIG, early) == 0


def test_a_school_without_contacts_is_skipped(session, open_round) -> None:
    assert send_due_reminders(session, CONFIG, _two_days_before(open_round)) == 0


class FakeSmtp:
    sent: ClassVar[list] = []
    fail = False

    def __init__(self, host: str, port: int, timeout: int) -> None:
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *_exc) -> None:
        return None

    def starttls(self, context) -> None:
        if self.fail:
            raise mail.smtplib.SMTPException("no")

    def login(self, user: str, password: str) -> None:
        return None

    def send_message(self, message) -> None:
        FakeSmtp.sent.append(message)


def test_in_production_the_reminder_goes_by_smtp(session, open_round, contact, monkeypatch) -> None:
    FakeSmtp.sent, FakeSmtp.fail = [], False
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSmtp)
    production = {**CONFIG, "ENV": "production", "MAIL_SMTP_HOST": "smtp.skole.no"}
    send_due_reminders(session, production, _two_days_before(open_round))
    assert FakeSmtp.sent[0]["To"] == "kontakt@nordby.no, rektor@nordby.no"
    assert "/admin/rounds/" in FakeSmtp.sent[0].get_content()


def test_a_failed_send_is_tried_again_at_the_next_run(session, open_round, contact, monkeypatch):
    FakeSmtp.sent, FakeSmtp.fail = [], True
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSmtp)
    production = {**CONFIG, "ENV": "production", "MAIL_SMTP_HOST": "smtp.skole.no"}
    assert send_due_reminders(session, production, _two_days_before(open_round)) == 0
    FakeSmtp.fail = False
    assert send_due_reminders(session, production, _two_days_before(open_round)) == 1

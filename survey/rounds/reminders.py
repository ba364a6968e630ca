"""Reminders to school contacts, a set number of days before a round closes. Only flush.

Each school gets one reminder per round, recorded in `reminder_sent`, so the daily job (and
any second run of it) mails nobody twice. The mail is in bokmål: it goes to school staff.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import audit
from survey.models import ReminderSent, Round, School, User, user_school
from survey.rounds.counts import SchoolCount, round_counts
from survey.rounds.dates import norway_time
from survey.rounds.mail import send_mail

log = logging.getLogger(__name__)


def recipients(session: Session, school: School) -> list[str]:
    """The school's contact address and its active school-contact users, once each."""
    users = session.scalars(
        select(User.email)
        .join(user_school, user_school.c.user_id == User.id)
        .where(user_school.c.school_id == school.id, User.is_active, User.role == "school_contact")
    )
    found = [school.contact_email, *users]
    return sorted({email.lower() for email in found if email})


def due_rounds(session: Session, days_before: int, now: dt.datetime) -> list[Round]:
    return list(
        session.scalars(
            select(Round).where(
                Round.status == "open",
                Round.closes_at > now,
                Round.closes_at <= now + dt.timedelta(days=days_before),
            )
        )
    )


def _share(part: int, whole: int) -> str:
    return f"{part} av {whole} ({round(100 * part / whole)} %)" if whole else f"{part}"


def reminder_text(round_: Round, counts: SchoolCount, monitor_url: str | None) -> str:
    closes = norway_time(round_.closes_at, "nb")
    lines = [
        "Hei!",
        "",
        f"Runden «{round_.label}» i {round_.project.name} lukker {closes}.",
        f"Slik står svarene ved {counts.school.name} nå:",
        "",
        f"  Elever:    {_share(counts.pupils, counts.eligible)}",
        f"  Foresatte: {_share(counts.parents, counts.parent_links)} lenker brukt",
        f"  Ansatte:   {_share(counts.staff, counts.staff_links)} lenker brukt",
        "",
    ]
    lines += [
        f"  Klasse {c.group.label}: {_share(c.pupils, c.eligible)} elever har svart"
        for c in counts.classes
    ]
    lines += [
        "",
        "Send gjerne lenkene til foresatte og ansatte en gang til, og sett av tid i timen til",
        "elever som ikke har svart ennå. Trivsel har ingen kontaktopplysninger til foresatte;",
        "det er skolen som sender lenkene.",
    ]
    if monitor_url:
        lines += ["", f"Svarene i dag: {monitor_url}"]
    lines += ["", "Hilsen Trivsel"]
    return "\n".join(lines)


def send_due_reminders(session: Session, config: Mapping[str, Any], now: dt.datetime) -> int:
    """Mail every school of rounds closing within the configured days; return mails sent."""
    sent = 0
    for round_ in due_rounds(session, config["REMINDER_DAYS_BEFORE_CLOSE"], now):
        already = set(session.scalars(select(ReminderSent.school_id).filter_by(round_id=round_.id)))
        for counts in round_counts(session, round_):
            school = counts.school
            to = recipients(session, school)
            if school.id in already or not to:
                continue
            base = config["PUBLIC_BASE_URL"]
            url = f"{base.rstrip('/')}/admin/rounds/{round_.id}/monitor/" if base else None
            subject = f"Trivsel: {round_.label} lukker snart – svar ved {school.name}"
            try:
                with session.begin_nested():
                    session.add(ReminderSent(round_id=round_.id, school_id=school.id, sent_at=now))
                    session.flush()
                    send_mail(config, to, subject, reminder_text(round_, counts, url))
            except (smtplib.SMTPException, OSError):  # not recorded, so the next run tries again
                log.exception("could not send the reminder for school %s", school.id)
                continue
            audit.record(
                session,
                "round.reminder_sent",
                project_id=round_.project_id,
                round_id=round_.id,
                school_id=school.id,
                recipients=len(to),
            )
            sent += 1
    if sent:
        log.info("sent %d round reminders", sent)
    return sent

"""What running a round needs beyond codes: link drafts, opt-out counts, reminders, API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, utcnow
from survey.models.rounds import AccessCode
from survey.models.users import User


class LinkDraft(Base):
    """The answers given through a link that has not been submitted yet.

    Keyed by the link's access code so a parent can close the phone and come back. On submit
    the answers are written as a new Response that does not point back, and this row is
    deleted in the same transaction; after that nothing joins a token to a response.
    """

    __tablename__ = "link_draft"

    access_code_id: Mapped[int] = mapped_column(
        ForeignKey("access_code.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(10))
    #: item id -> {"value": n} | {"declined": true} | {"text": "..."}
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)

    access_code: Mapped[AccessCode] = relationship()


class OptOutCount(Base):
    """How many pupils of a class their parents withdrew from a round: a count, never names."""

    __tablename__ = "opt_out_count"
    __table_args__ = (CheckConstraint("opted_out >= 0", name="opted_out_not_negative"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("school_group.id", ondelete="CASCADE"), primary_key=True
    )
    opted_out: Mapped[int]


class ReminderSent(Base):
    """A school's contacts were reminded about a round; the reminder job sends one per school."""

    __tablename__ = "reminder_sent"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(
        ForeignKey("school.id", ondelete="CASCADE"), primary_key=True
    )
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token an API client acts with, as its user; stored only as a keyed hash."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    #: What the user called it, e.g. "R-skript for rapporten".
    label: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_on: Mapped[dt.date | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

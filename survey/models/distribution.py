"""What running a round needs beyond codes: link drafts and the link pool, opt-out counts,
reminders, API tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruments import RESPONDENT_TYPES
from survey.clock import utcnow
from survey.models.base import Base, in_list
from survey.models.project import Group, School
from survey.models.rounds import AccessCode
from survey.models.users import User


class LinkDraft(Base):
    """One device's answers to a link that has not been submitted yet, sealed with its key.

    `id` and the key that seals `sealed` both derive from a random device key kept only in an
    HttpOnly cookie on the respondent's phone (`survey.links.sealing`): the database, a backup
    or anyone holding only the link sees neither the answers nor the language. Each device has
    its own row. On submit every draft of the link is deleted; drafts left unsent are deleted
    when the round closes.
    """

    __tablename__ = "link_draft"
    #: No hidden rowid on SQLite: rows lie in the order of their random ids, not of writing.
    __table_args__ = ({"sqlite_with_rowid": False},)

    #: Derived from the device key (HKDF); says nothing without it.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_code_id: Mapped[int] = mapped_column(
        ForeignKey("access_code.id", ondelete="CASCADE"), index=True
    )
    #: AES-GCM of {"language": ..., "answers": {item id: {"value": n} | {"declined": true}
    #: | {"text": "..."}}}, under the device's key.
    sealed: Mapped[bytes] = mapped_column(LargeBinary)

    access_code: Mapped[AccessCode] = relationship()


class LinkBatch(Base):
    """Links made together for one school, class and respondent type, in one letter language.

    The batch's tokens are kept sealed (AES-GCM, key derived from the server's secret key, not
    stored in the database) while the round is open, so the letters can be downloaded again;
    the seal is deleted when the round closes or the batch is voided (docs/security.md).
    """

    __tablename__ = "link_batch"
    __table_args__ = (
        CheckConstraint(in_list("respondent_type", RESPONDENT_TYPES), name="respondent_type_known"),
        CheckConstraint("link_count > 0", name="link_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id", ondelete="CASCADE"))
    respondent_type: Mapped[str] = mapped_column(String(20))
    #: The language of the letters and the CSV.
    language: Mapped[str] = mapped_column(String(10))
    link_count: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    voided_at: Mapped[dt.datetime | None]
    #: AES-GCM of the batch's tokens under a key derived from the secret key; None once the
    #: round has closed or the batch was voided.
    sealed_tokens: Mapped[bytes | None] = mapped_column(LargeBinary)

    school: Mapped[School] = relationship()
    group: Mapped[Group | None] = relationship()

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class PooledLinkResponse(Base):
    """A submitted link response waiting in the mixing pool (see `survey.links.pool`).

    It is written in the same transaction that marks the link used, and released as a
    `Response` later, in another transaction, in random order among at least
    `min_group_size` others of its round, school, class and respondent type (or all at once
    when the round closes). It carries no time, no link and no order: a random id, and the
    answers sealed with a key derived from the server's secret key.
    """

    __tablename__ = "link_pool"
    __table_args__ = (
        CheckConstraint(in_list("respondent_type", RESPONDENT_TYPES), name="respondent_type_known"),
        {"sqlite_with_rowid": False},
    )

    #: Random (secrets.token_hex), so the key order is not the order of submission.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id", ondelete="CASCADE"))
    respondent_type: Mapped[str] = mapped_column(String(20))
    #: AES-GCM of {"language": ..., "answers": {...}} under a key from the server's secret.
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


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

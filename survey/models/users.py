"""Staff who log in, what they may see, and the record of what they did."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruments import RESPONDENT_TYPES
from survey.clock import utcnow
from survey.models.base import Base, in_list
from survey.models.project import Project, School

ROLES = ("admin", "project_lead", "school_contact", "evaluator")
#: What a one-time link lets its holder do: set a first password, or a new one.
TOKEN_PURPOSES = ("invite", "reset")

user_project = Table(
    "user_project",
    Base.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
)

user_school = Table(
    "user_school",
    Base.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint(in_list("role", ROLES), name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: May export free text, which can hold names.
    can_export_free_text: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    #: Raised by logout and by a new password; a session made under an older one is ended.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    projects: Mapped[list[Project]] = relationship(secondary=user_project)
    schools: Mapped[list[School]] = relationship(secondary=user_school)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class PasswordToken(Base):
    """A one-time link to set a password, mailed to the user; stored only as a hash."""

    __tablename__ = "password_token"
    __table_args__ = (CheckConstraint(in_list("purpose", TOKEN_PURPOSES), name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    #: SHA-256 of the token in the link; the link itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    #: Set when the link was used, or voided because the password changed another way.
    used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class AuditEvent(Base):
    """Who did what, when: state changes, exports, logins."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    #: The acting user's e-mail as it was, or "system" for jobs and commands.
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(80))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), index=True
    )
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ModelResult(Base):
    """A fitted model's results, written by a job and read by the dashboards."""

    __tablename__ = "model_result"
    __table_args__ = (
        UniqueConstraint("project_id", "construct", "respondent_type", "kind"),
        CheckConstraint(in_list("respondent_type", RESPONDENT_TYPES), name="respondent_type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    construct: Mapped[str] = mapped_column(String(60))
    respondent_type: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40), default="trend")
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: A hash of the input data, so a recompute on unchanged data can be skipped.
    data_fingerprint: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]]

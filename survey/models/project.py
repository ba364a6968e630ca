"""Projects and the schools, classes and goals they are made of."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruments import RESPONDENT_TYPES
from survey.clock import utcnow
from survey.models.base import ARMS, Base, in_list

if TYPE_CHECKING:
    from survey.models.rounds import Round

GOAL_TARGET_KINDS = ("level", "change")


class Project(Base):
    __tablename__ = "project"
    __table_args__ = (CheckConstraint("min_group_size >= 5", name="min_group_size_at_least_5"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    #: No figure or aggregate is built from fewer respondents than this.
    min_group_size: Mapped[int] = mapped_column(default=10)
    #: Language codes offered to respondents; the first is the default.
    languages: Mapped[list[str]] = mapped_column(default=lambda: ["nb", "nn"])
    #: The retention job purges the project's data on this date.
    delete_after_on: Mapped[dt.date]
    #: Follow pupils across rounds by a keyed hash of a card code (off by default).
    is_panel: Mapped[bool] = mapped_column(default=False)
    #: Who sends the information letter (a municipality or a school owner), as signed.
    letter_sender: Mapped[str | None] = mapped_column(String(200))
    #: The person parents can ask, with a phone number or an e-mail address.
    letter_contact: Mapped[str | None] = mapped_column(Text)
    #: The data controller (behandlingsansvarlig) the letter names, e.g. the municipality.
    data_controller: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    schools: Mapped[list[School]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="School.name",
    )
    goals: Mapped[list[Goal]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Round.opens_at",
    )

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.name!r}>"


class School(Base):
    __tablename__ = "school"
    __table_args__ = (
        UniqueConstraint("project_id", "name"),
        UniqueConstraint("project_id", "code"),
        CheckConstraint(in_list("arm", ARMS), name="arm_known"),
        CheckConstraint(
            "language IS NULL OR language IN ('nb', 'nn')", name="language_written_norwegian"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    #: A short neutral code that stands for the school in exports without names.
    code: Mapped[str] = mapped_column(String(20))
    arm: Mapped[str] = mapped_column(String(20))
    #: Where round reminders go (the school's own contact; never parents).
    contact_email: Mapped[str | None] = mapped_column(String(254))
    #: The school's written Norwegian (nb or nn) for its report; None: bokmål.
    language: Mapped[str | None] = mapped_column(String(5))

    project: Mapped[Project] = relationship(back_populates="schools")
    groups: Mapped[list[Group]] = relationship(
        back_populates="school",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Group.grade, Group.label)",
    )

    def __repr__(self) -> str:
        return f"<School {self.id} {self.name!r} {self.arm}>"


class Group(Base):
    """A class (or another teaching group) at one grade."""

    __tablename__ = "school_group"
    __table_args__ = (
        UniqueConstraint("school_id", "label"),
        CheckConstraint("grade BETWEEN 1 AND 13", name="grade_in_range"),
        CheckConstraint("enrolled >= 0", name="enrolled_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    grade: Mapped[int]
    label: Mapped[str] = mapped_column(String(40))
    #: Pupils in the group, the denominator of response rates.
    enrolled: Mapped[int]

    school: Mapped[School] = relationship(back_populates="groups")

    def __repr__(self) -> str:
        return f"<Group {self.id} {self.label!r}>"


class Goal(Base):
    """A target for one construct and respondent type, due at a round."""

    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint(in_list("respondent_type", RESPONDENT_TYPES), name="respondent_type_known"),
        CheckConstraint(in_list("target_kind", GOAL_TARGET_KINDS), name="target_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    construct: Mapped[str] = mapped_column(String(60))
    respondent_type: Mapped[str] = mapped_column(String(20))
    #: "level": reach target_value; "change": move by target_value from the first round.
    target_kind: Mapped[str] = mapped_column(String(20))
    target_value: Mapped[float] = mapped_column(Float)
    due_round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="SET NULL"))
    description: Mapped[str | None] = mapped_column(Text)

    project: Mapped[Project] = relationship(back_populates="goals")
    due_round: Mapped[Round | None] = relationship()

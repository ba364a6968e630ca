"""Responses and their answers: what respondents told us, and nothing about who they are."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruments import RESPONDENT_TYPES
from survey.models.base import Base, in_list
from survey.models.project import Group, School
from survey.models.rounds import InstrumentVersion, Round

RESPONSE_STATUSES = ("partial", "complete")


class Response(Base):
    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint(in_list("respondent_type", RESPONDENT_TYPES), name="respondent_type_known"),
        CheckConstraint(in_list("status", RESPONSE_STATUSES), name="status_known"),
        CheckConstraint(
            "status <> 'complete' OR completed_on IS NOT NULL", name="complete_has_date"
        ),
        CheckConstraint(
            "respondent_type <> 'pupil' OR group_id IS NOT NULL", name="pupil_has_group"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Made by the respondent's device, so that a retried save or submit is applied once.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id"), index=True)
    respondent_type: Mapped[str] = mapped_column(String(20))
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id"))
    language: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="partial")
    #: The day of completion only; no time, so answers cannot be matched to a lesson.
    completed_on: Mapped[dt.date | None]
    #: Panel mode: the card's pseudonym, set when the response is sent with a card code that
    #: was issued; a pseudonym, so the linked responses are personal data (docs/privacy.md).
    panel_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_member.id", ondelete="SET NULL"), index=True
    )

    round: Mapped[Round] = relationship()
    school: Mapped[School] = relationship()
    group: Mapped[Group | None] = relationship()
    instrument_version: Mapped[InstrumentVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_complete(self) -> bool:
        return self.status == "complete"


class Answer(Base):
    """One answer to one item: a scale value, a free text, or "I don't want to answer"."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id"),
        CheckConstraint(
            "(value IS NOT NULL AND text IS NULL AND NOT is_declined)"
            " OR (value IS NULL AND text IS NOT NULL AND NOT is_declined)"
            " OR (value IS NULL AND text IS NULL AND is_declined)",
            name="one_kind_of_answer",
        ),
        CheckConstraint("value BETWEEN 0 AND 10", name="value_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    #: The item's stable id in the instrument version the response used.
    item_id: Mapped[str] = mapped_column(String(80))
    #: The scale point; its range is checked against the instrument when saved.
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    is_declined: Mapped[bool] = mapped_column(default=False)

    response: Mapped[Response] = relationship(back_populates="answers")

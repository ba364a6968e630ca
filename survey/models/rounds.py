"""Rounds, the frozen instrument versions they use, and the codes that open them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruments import RESPONDENT_TYPES
from survey.clock import utcnow
from survey.models.base import Base, in_list
from survey.models.project import Group, Project, School

ROUND_STATUSES = ("planned", "open", "closed")
ACCESS_KINDS = ("class_code", "link")


class Round(Base):
    """A window of time in which the instruments are open."""

    __tablename__ = "round"
    __table_args__ = (
        UniqueConstraint("project_id", "label"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint(in_list("status", ROUND_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(100))
    opens_at: Mapped[dt.datetime]
    closes_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(20), default="planned")

    project: Mapped[Project] = relationship(back_populates="rounds")
    instruments: Mapped[list[RoundInstrument]] = relationship(
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def instrument_for(self, respondent_type: str) -> InstrumentVersion | None:
        for link in self.instruments:
            if link.respondent_type == respondent_type:
                return link.instrument_version
        return None

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.label!r} {self.status}>"


class InstrumentVersion(Base):
    """An instrument as it was asked: frozen JSON and its content hash, never edited."""

    __tablename__ = "instrument_version"
    __table_args__ = (
        UniqueConstraint("instrument_key", "version"),
        CheckConstraint(in_list("respondent_type", RESPONDENT_TYPES), name="respondent_type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The instrument's id in its YAML file, e.g. "pupil-5-7".
    instrument_key: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    respondent_type: Mapped[str] = mapped_column(String(20))
    content: Mapped[dict[str, Any]]
    #: sha256 of the canonical JSON; the same text always gives the same hash.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<InstrumentVersion {self.instrument_key} v{self.version}>"


@event.listens_for(InstrumentVersion, "before_update")
def _refuse_to_edit_frozen_instrument(_mapper: Any, _connection: Any, target: Any) -> None:
    raise ValueError(f"{target!r} is frozen; make a new version instead")


class RoundInstrument(Base):
    """Which instrument version a round asks each respondent type."""

    __tablename__ = "round_instrument"
    __table_args__ = (
        CheckConstraint(in_list("respondent_type", RESPONDENT_TYPES), name="respondent_type_known"),
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), primary_key=True
    )
    respondent_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id"))

    round: Mapped[Round] = relationship(back_populates="instruments")
    instrument_version: Mapped[InstrumentVersion] = relationship(lazy="joined")


class AccessCode(Base):
    """A class code or a one-time link token, stored only as a hash.

    A response never points back here: a link row only records that it was used.
    """

    __tablename__ = "access_code"
    __table_args__ = (
        CheckConstraint(in_list("kind", ACCESS_KINDS), name="kind_known"),
        CheckConstraint(in_list("respondent_type", RESPONDENT_TYPES), name="respondent_type_known"),
        CheckConstraint(
            "kind <> 'class_code' OR (group_id IS NOT NULL AND respondent_type = 'pupil')",
            name="class_code_has_pupil_group",
        ),
        CheckConstraint("kind = 'link' OR NOT is_used", name="only_links_are_used"),
        CheckConstraint("kind = 'link' OR NOT is_voided", name="only_links_are_voided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    respondent_type: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id", ondelete="CASCADE"))
    #: Keyed hash (HMAC-SHA256 with the secret key) of the normalised code or token.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: For class codes: the random seed the displayable code is derived from.
    code_seed: Mapped[str | None] = mapped_column(String(64))
    #: For links: that the link was used; not when (a day could be matched with the
    #: response's), and the response is not linked back.
    is_used: Mapped[bool] = mapped_column(default=False)
    #: For links: the batch was voided before this link was used; it opens a page saying so.
    is_voided: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: For links: the batch it was made in (see LinkBatch).
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("link_batch.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    school: Mapped[School] = relationship()
    group: Mapped[Group | None] = relationship()

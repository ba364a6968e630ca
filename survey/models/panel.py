"""Panel mode: the per-project key and the keyed hashes of the card codes that were issued.

No card code is stored, only HMAC-SHA256(project key, code). The key is a row of its own, so
that no schema that shows a project can show it, and the retention purge deletes it first.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base


class PanelKey(Base):
    """The secret of one panel project's card hashes; without it no hash can be recomputed."""

    __tablename__ = "panel_key"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    #: 32 random bytes, made when the project's first cards are issued.
    key: Mapped[bytes] = mapped_column(LargeBinary(32))


class PanelMember(Base):
    """One issued card: a pseudonym that links one pupil's responses across rounds."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("project_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    #: Hex HMAC-SHA256 of the normalised card code under the project's `PanelKey`.
    code_hash: Mapped[str] = mapped_column(String(64))
    #: The day the card was printed; no class, so a card follows its pupil to a new class.
    issued_on: Mapped[dt.date]

"""Writes and lookups for panel mode. Only flush, never commit.

A card is issued by storing the keyed hash of its code (a `PanelMember`); the code itself
exists only in the PDF that is handed out. A typed code links a sent response to a member
only if it was issued in the same project; a code that was not is answered exactly as one
that was (the response simply stays unlinked), so nobody learns from the tablet which codes
exist. The only feedback a pupil gets is the check character's (`cards.is_well_formed`).
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.models import PanelKey, PanelMember, Project, Response
from survey.panel import cards

log = logging.getLogger(__name__)

#: Cards printed beyond those enrolled: for lost cards and pupils who join later.
SPARE_SHARE = 0.2
MIN_SPARES = 3


def cards_for_class(enrolled: int) -> int:
    """As many cards as pupils enrolled, plus 20 % (at least three) spares."""
    return enrolled + max(MIN_SPARES, -(-enrolled * 2 // 10))


def key_of(session: Session, project_id: int, *, create: bool = False) -> bytes | None:
    found = session.get(PanelKey, project_id)
    if found is None and create:
        found = PanelKey(project_id=project_id, key=cards.new_key())
        session.add(found)
        session.flush()
        log.info("made the panel key of project %s", project_id)
    return found.key if found else None


def issue_cards(session: Session, project: Project, count: int, today: dt.date) -> list[str]:
    """Issue `count` new cards; their codes are returned once and never stored."""
    if not project.is_panel:
        raise ValueError(f"project {project.id} is not a panel project")
    key = key_of(session, project.id, create=True)
    assert key is not None
    codes: list[str] = []
    while len(codes) < count:
        code = cards.new_card_code()
        member = PanelMember(project_id=project.id, code_hash=cards.code_hash(key, code))
        member.issued_on = today
        try:
            with session.begin_nested():  # a code drawn twice (about 1 in 10^6) is drawn again
                session.add(member)
        except IntegrityError:
            continue
        codes.append(code)
    log.info("issued %d panel cards in project %s", count, project.id)
    return codes


def member_for_card(session: Session, project_id: int, typed: str) -> int | None:
    """The panel member of an issued, well-formed card code of this project, else None.

    The caller answers the pupil the same either way; see the module's docstring.
    """
    if not cards.is_well_formed(typed):
        return None
    key = key_of(session, project_id)
    if key is None:
        return None
    return session.scalar(
        select(PanelMember.id).where(
            PanelMember.project_id == project_id,
            PanelMember.code_hash == cards.code_hash(key, typed),
        )
    )


def link_response(session: Session, client_id: str, member_id: int | None) -> None:
    """Point a sent response at its panel member, once; a retried submit changes nothing."""
    if member_id is None:
        return
    session.execute(
        update(Response)
        .where(Response.client_id == client_id, Response.panel_member_id.is_(None))
        .values(panel_member_id=member_id)
    )

"""Reads for the link flow: which link a token is, and whether it can be answered now."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import AccessCode, InstrumentVersion
from survey.rounds import codes

#: What `secrets.token_urlsafe` makes; anything else is not worth a database lookup.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class LinkState:
    """Where a token stands: "unknown", "used", "voided", "not_open", "closed", "no_instrument"
    or "ready"."""

    status: str
    access: AccessCode | None = None
    version: InstrumentVersion | None = None

    @property
    def is_ready(self) -> bool:
        return self.status == "ready"


def find_link(session: Session, secret_key: str, token: str) -> AccessCode | None:
    if not TOKEN_SHAPE.match(token):
        return None
    return session.scalar(
        select(AccessCode).where(
            AccessCode.kind == "link",
            AccessCode.code_hash == codes.link_token_hash(secret_key, token),
        )
    )


def link_state(session: Session, secret_key: str, token: str) -> LinkState:
    access = find_link(session, secret_key, token)
    if access is None:
        return LinkState("unknown")
    if access.is_used:
        return LinkState("used", access)
    if access.is_voided:
        return LinkState("voided", access)
    round_ = access.round
    if round_.status == "planned":
        return LinkState("not_open", access)
    if round_.status == "closed":
        return LinkState("closed", access)
    version = round_.instrument_for(access.respondent_type)
    if version is None:
        return LinkState("no_instrument", access)
    return LinkState("ready", access, version)

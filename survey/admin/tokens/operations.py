"""API tokens: made with 256 random bits, shown once, stored as a keyed hash. Only flush."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from survey import audit
from survey.clock import utcnow
from survey.models import ApiToken, User

PREFIX = "trv_"


def api_token_hash(secret_key: str, token: str) -> str:
    return hmac.new(secret_key.encode(), f"api-token:{token}".encode(), hashlib.sha256).hexdigest()


def create_api_token(
    session: Session, user: User, label: str, secret_key: str
) -> tuple[ApiToken, str]:
    """The new token row and the token itself, which is never shown again."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, label=label, token_hash=api_token_hash(secret_key, token))
    session.add(row)
    session.flush()
    audit.record(session, "api_token.created", user=user, api_token_id=row.id, label=label)
    return row, token


def revoke_api_token(session: Session, user: User, row: ApiToken) -> ApiToken:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        audit.record(session, "api_token.revoked", user=user, api_token_id=row.id)
    return row

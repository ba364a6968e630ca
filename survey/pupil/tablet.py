"""What a shared tablet's session holds, how long, and when a pupil's part of it is forgotten.

The session holds the tablet's random id (`tablet`), its class (set when the code was typed,
kept `TABLET_SESSION_HOURS`), the language, and, on the no-JavaScript path, the response of
the pupil at the tablet with the time of their last touch. A pupil who has not touched the
tablet for `TABLET_IDLE_SECONDS` + `TABLET_IDLE_GRACE_SECONDS` is forgotten: the next one
cannot reach their answers. The class token in the survey page is bound to the tablet's id
and expires with its class, so only a session that typed the code can save with it.
"""

from __future__ import annotations

import secrets
import time

from flask import current_app, session
from itsdangerous import BadSignature, URLSafeSerializer

from survey.ratelimit import TABLET_SESSION_KEY

CLASS_KEY = "class_code_id"
CLASS_UNTIL_KEY = "class_until"
LANGUAGE_KEY = "pupil_lang"
RESPONSE_KEY = "pupil_response_id"
SEEN_KEY = "pupil_seen_at"
QUESTION_KEY = "pupil_question"
CLASS_TOKEN_SALT = "trivsel-pupil-class-v2"  # noqa: S105 - a signing salt, not a secret


def tablet_id() -> str:
    """The tablet's random id, made on first use; it outlives a change of class."""
    if TABLET_SESSION_KEY not in session:
        session[TABLET_SESSION_KEY] = secrets.token_urlsafe(16)
    return session[TABLET_SESSION_KEY]


def set_class(access_id: int) -> None:
    """A fresh session for the class whose code was typed; only the tablet's id is kept."""
    tablet = tablet_id()
    session.clear()
    session[TABLET_SESSION_KEY] = tablet
    session[CLASS_KEY] = access_id
    hours = current_app.config["TABLET_SESSION_HOURS"]
    session[CLASS_UNTIL_KEY] = int(time.time() + hours * 3600)
    session.permanent = True  # a restarted browser keeps its class, and its queue its token


def class_id() -> int | None:
    """The class code id this tablet is set to, unless its time ran out."""
    access_id, until = session.get(CLASS_KEY), session.get(CLASS_UNTIL_KEY)
    if not isinstance(access_id, int) or not isinstance(until, int) or until <= time.time():
        return None
    return access_id


def class_token(secret_key: str, access_id: int, tablet: str, until: int) -> str:
    """The class id, this tablet's id and when the class expires, signed: what the tablet
    sends with each queued answer, so none is lost if the page is reloaded."""
    return URLSafeSerializer(secret_key, salt=CLASS_TOKEN_SALT).dumps([access_id, tablet, until])


def token_for_this_tablet() -> str | None:
    access_id = class_id()
    if access_id is None:
        return None
    secret = current_app.config["SECRET_KEY"]
    return class_token(secret, access_id, tablet_id(), session[CLASS_UNTIL_KEY])


def access_id_from_token(secret_key: str, token: str) -> int | None:
    """The class id of a token made for this very session, before it expires; else None."""
    try:
        value = URLSafeSerializer(secret_key, salt=CLASS_TOKEN_SALT).loads(token)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 3):
        return None
    access_id, tablet, until = value
    if not isinstance(access_id, int) or not isinstance(until, int) or until <= time.time():
        return None
    if tablet != session.get(TABLET_SESSION_KEY):
        return None
    return access_id


def touch_pupil(question: int | None = None) -> None:
    session[SEEN_KEY] = int(time.time())
    if question is not None:
        session[QUESTION_KEY] = question


def forget_pupil() -> None:
    """Nothing of the pupil at the tablet stays in the session (their draft stays unsent)."""
    for key in (RESPONSE_KEY, SEEN_KEY, QUESTION_KEY):
        session.pop(key, None)


def forget_an_idle_pupil() -> None:
    """The no-JavaScript path's reset, enforced here even if the browser never refreshes."""
    if RESPONSE_KEY not in session:
        return
    config = current_app.config
    idle = config["TABLET_IDLE_SECONDS"] + config["TABLET_IDLE_GRACE_SECONDS"]
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int) or time.time() - seen > idle:
        forget_pupil()

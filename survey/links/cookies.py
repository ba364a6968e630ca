"""The two cookies of the link flow, both HttpOnly and sent back only to their own link's pages.

- The device key (SameSite=Lax): the key the device's draft is sealed with
  (`survey.links.sealing`). Without it a page shows no saved answers. Lax, not Strict, so that
  a parent who comes back through the SMS or e-mail link finds their answers on the first page;
  a cross-site POST still goes without it, and a GET changes nothing.
- The sent mark (SameSite=Lax, so a link opened from an e-mail later still carries it): this
  browser sent the link's answers, so it is thanked rather than told the link is used.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, request, url_for
from werkzeug import Response

from survey.links.sealing import is_device_key

DEVICE_COOKIE = "trivsel_link_device"
SENT_COOKIE = "trivsel_link_sent"
SENT_COOKIE_SECONDS = 60 * 60 * 24 * 180


def _path(token: str) -> str:
    return url_for("links.start", token=token)


def device_key() -> str | None:
    value = request.cookies.get(DEVICE_COOKIE)
    return value if is_device_key(value) else None


def sent_mark() -> str | None:
    return request.cookies.get(SENT_COOKIE)


def keep_device_key(response: Response, token: str, key: str, until: dt.datetime) -> Response:
    """Give the device its key, if it does not hold it yet; it is of no use after `until`."""
    if request.cookies.get(DEVICE_COOKIE) != key:
        response.set_cookie(
            DEVICE_COOKIE,
            key,
            path=_path(token),
            expires=until,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def mark_sent(response: Response, token: str, mark: str) -> Response:
    """The answers are sent: forget the device key, remember that this browser sent them."""
    path = _path(token)
    response.delete_cookie(DEVICE_COOKIE, path=path, httponly=True, samesite="Lax")
    response.set_cookie(
        SENT_COOKIE,
        mark,
        path=path,
        max_age=SENT_COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response

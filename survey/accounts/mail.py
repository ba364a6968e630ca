"""The mails that carry a one-time password link, sent through `survey.rounds.mail`.

They are sent after the response has gone out (`call_on_close`), so that the page for an
unknown address and for a known one take the same time, and after the commit, so the link in
the mail already works. A mail that cannot be sent is logged; the user can ask again.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, request, url_for

from survey.rounds.mail import send_mail

log = logging.getLogger(__name__)


def password_link(token: str) -> str:
    """The full address of a one-time link, on PUBLIC_BASE_URL when it is set."""
    base = current_app.config["PUBLIC_BASE_URL"] or request.url_root
    return base.rstrip("/") + url_for("auth.set_password", token=token)


def invitation_text(link: str, inviter: str, contact: str | None) -> str:
    lines = [
        "Hei!",
        "",
        f"{inviter} har gitt deg tilgang til Trivsel, tjenesten som måler hvordan elever,",
        "foresatte og ansatte har det på skolen.",
        "",
        "Velg et passord her (lenken virker én gang og i sju dager):",
        link,
        "",
        "Deretter logger du inn med denne e-postadressen og passordet du valgte.",
    ]
    if contact:
        lines += ["", f"Spørsmål? Kontakt {contact}."]
    return "\n".join([*lines, "", "Hilsen Trivsel"])


def reset_text(link: str, contact: str | None) -> str:
    lines = [
        "Hei!",
        "",
        "Noen (forhåpentligvis du) har bedt om et nytt passord til Trivsel for denne",
        "e-postadressen. Velg et nytt passord her (lenken virker én gang og i én time):",
        link,
        "",
        "Har du ikke bedt om dette, kan du se bort fra e-posten. Passordet ditt er ikke endret.",
    ]
    if contact:
        lines += ["", f"Spørsmål? Kontakt {contact}."]
    return "\n".join([*lines, "", "Hilsen Trivsel"])


def send_after_response(response: Response, to: str, subject: str, body: str) -> None:
    """Send the mail once `response` has been sent (and the request's commit has landed)."""
    config: Mapping[str, Any] = dict(current_app.config)

    def send() -> None:
        try:
            send_mail(config, [to], subject, body)
        except (smtplib.SMTPException, OSError):
            log.exception("could not send the mail %r", subject)

    response.call_on_close(send)

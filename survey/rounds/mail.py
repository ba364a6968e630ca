"""Sending mail: through SMTP from the configuration, or into the log in development."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)


def mail_is_logged(config: Mapping[str, Any]) -> bool:
    return config["ENV"] == "development" or not config["MAIL_SMTP_HOST"]


def send_mail(config: Mapping[str, Any], to: Sequence[str], subject: str, body: str) -> None:
    """Send one plain-text mail; raises on SMTP failure so the caller can retry later."""
    if mail_is_logged(config):
        log.info(
            "mail written to the log instead of sent\nTo: %s\nSubject: %s\n\n%s",
            ", ".join(to),
            subject,
            body,
        )
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SMTP_HOST"], config["MAIL_SMTP_PORT"], timeout=30) as smtp:
        if config["MAIL_SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_SMTP_USER"]:
            smtp.login(config["MAIL_SMTP_USER"], config["MAIL_SMTP_PASSWORD"] or "")
        smtp.send_message(message)
    log.info("sent mail %r to %d recipients", subject, len(to))

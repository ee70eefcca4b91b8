"""The one mail function. Backends: ``log`` (default), ``memory`` (tests) and ``smtp``."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

logger = logging.getLogger("openprize.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


_OUTBOX: list[Mail] = []


def outbox() -> list[Mail]:
    """Messages kept by the ``memory`` backend (one list per process, for tests)."""
    return _OUTBOX


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message through the configured backend."""
    mail = Mail(to=to, subject=subject, body=body)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        outbox().append(mail)
    if backend in {"log", "memory"}:
        logger.info("mail to=%s subject=%s\n%s", to, subject, body)
        return
    if backend == "smtp":
        _send_smtp(mail)
        return
    raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")


def _send_smtp(mail: Mail) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)

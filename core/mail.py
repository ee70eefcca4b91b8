"""The one mail function. Backends: ``log`` (default), ``memory`` (tests) and ``smtp``.

``send_mail`` writes a ``mail.send`` job in the current transaction (the outbox): the message
leaves only if the change that caused it commits, and a worker that dies before delivery
leaves the job for another. Each message carries a Message-ID made from its job, so a message
delivered twice (a worker killed between the SMTP answer and marking the job done) is one
message to the receiving server and mail client.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, current_app
from flask_babel import gettext as _

from core.i18n import recipient_locale
from core.jobs.models import Job
from core.jobs.outbox import enqueue
from core.jobs.registry import job_kind

logger = logging.getLogger("openprize.mail")


ESSENTIAL = "essential"
OPTIONAL_KINDS = ("updates", "qa", "reminders")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    message_id: str = ""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Delivery:
    """What the policy says about one optional message: send it or not, and the links to
    stop this kind of message (one click) and to change every setting, in the recipient's
    language (``locale``; empty for the default)."""

    send: bool
    unsubscribe_url: str = ""
    settings_url: str = ""
    locale: str = ""


MailPolicy = Callable[[str, str], Delivery]
# Called by ``send_mail`` in the caller's transaction with (to, subject, body, kind): the
# accounts domain keeps the same message as an in-site notice for the account at ``to``.
MailRecorder = Callable[[str, str, str, str], None]


def register_mail_policy(app: Flask, policy: MailPolicy) -> None:
    app.extensions["mail_policy"] = policy


def register_mail_recorder(app: Flask, recorder: MailRecorder) -> None:
    app.extensions["mail_recorder"] = recorder


_OUTBOX: list[Mail] = []


def outbox() -> list[Mail]:
    """Messages kept by the ``memory`` backend (one list per process, for tests)."""
    return _OUTBOX


def send_mail(
    to: str, subject: str, body: str, *, kind: str = ESSENTIAL, notice: bool = True
) -> None:
    """Send a plain-text message once the current transaction commits (the caller commits).
    ``kind`` is ``essential`` or one of ``OPTIONAL_KINDS``, which people may turn off. With
    ``notice`` the message is also kept as an in-site notice; messages that carry a secret
    (a sign-in or address-confirmation link) pass ``notice=False``: such links live only in
    the inbox they were sent to."""
    if kind != ESSENTIAL and kind not in OPTIONAL_KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    recorder: MailRecorder | None = current_app.extensions.get("mail_recorder")
    if notice and recorder is not None:
        recorder(to, subject, body, kind)
    enqueue("mail.send", {"to": to, "subject": subject, "body": body, "kind": kind})


def _with_unsubscribe(mail: Mail, delivery: Delivery) -> Mail:
    with recipient_locale(delivery):
        stop = _("Stop e-mails like this one: %(url)s", url=delivery.unsubscribe_url)
        settings = _("All your e-mail settings: %(url)s", url=delivery.settings_url)
    footer = f"\n--\n{stop}\n{settings}\n"
    headers = (
        ("List-Unsubscribe", f"<{delivery.unsubscribe_url}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )
    return Mail(mail.to, mail.subject, mail.body + footer, mail.message_id, headers)


@job_kind("mail.send", max_attempts=8, lease_seconds=120)
def _deliver_job(job: Job) -> None:
    host = current_app.config["MAIL_FROM"].rpartition("@")[2].rstrip(">") or "openprize.local"
    payload = job.payload
    mail = Mail(
        to=payload["to"],
        subject=payload["subject"],
        body=payload["body"],
        message_id=f"<job-{job.id}@{host}>",
    )
    kind = payload.get("kind", ESSENTIAL)
    policy: MailPolicy | None = current_app.extensions.get("mail_policy")
    if kind != ESSENTIAL and policy is not None:
        delivery = policy(mail.to, kind)
        if not delivery.send:
            logger.info(
                "mail to=%s subject=%s not sent: %s e-mails turned off", mail.to, mail.subject, kind
            )
            return
        if delivery.unsubscribe_url:
            mail = _with_unsubscribe(mail, delivery)
    deliver(mail)


def deliver(mail: Mail) -> None:
    """Hand ``mail`` to the configured backend now."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        outbox().append(mail)
    if backend in {"log", "memory"}:
        logger.info("mail to=%s subject=%s\n%s", mail.to, mail.subject, mail.body)
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
    if mail.message_id:
        message["Message-ID"] = mail.message_id
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.body)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)

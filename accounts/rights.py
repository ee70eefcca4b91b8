"""A signed-in person's own credentials: change the password, move to a new e-mail address,
accept a new version of the terms."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from accounts.models import User
from accounts.passwords import hash_password, password_problem, verify_password
from accounts.services import check_unique, own_mail_locale
from accounts.sessions import revoke_other_sessions
from accounts.terms import TERMS_VERSION, accepted_now
from core.db import db, utcnow
from core.errors import ValidationFailed
from core.mail import send_mail
from core.text import mask_email, normalize_email
from core.tokens import make_token, read_token
from core.urls import external_url

EMAIL_CHANGE_PURPOSE = "change-email"


def _check_current_password(actor: User, password: str) -> None:
    if not verify_password(actor.password_hash, password):
        raise ValidationFailed(_("Your current password is wrong."), field="current_password")


def change_password(*, actor: User, current_password: str, new_password: str) -> None:
    """Set a new password; every other signed-in browser of the account is signed out."""
    _check_current_password(actor, current_password)
    problem = password_problem(
        new_password, [actor.email, actor.email.split("@")[0], actor.handle, actor.display_name]
    )
    if problem:
        raise ValidationFailed(problem, field="password")
    actor.password_hash = hash_password(new_password)
    revoke_other_sessions(actor)
    with own_mail_locale(actor):
        subject = _("Your OpenPrize password was changed")
        body = _(
            "Hello %(name)s,\n\nThe password of your OpenPrize account was just changed, and "
            "every other browser signed in to it was signed out.\n\n"
            "If it was not you, reset your password now:\n%(link)s\n",
            name=actor.display_name,
            link=external_url("accounts.forgot_password"),
        )
    send_mail(actor.email, subject, body)
    db.session.commit()


def request_email_change(*, actor: User, current_password: str, new_email: str) -> str:
    """Mail a confirmation link to ``new_email`` and tell the current address; returns the
    normalised new address. Nothing changes until the link is opened."""
    _check_current_password(actor, current_password)
    new_email = normalize_email(new_email)
    if new_email == actor.email:
        raise ValidationFailed(_("This is already your e-mail address."), field="email")
    check_unique(new_email, actor.handle, exclude_id=actor.id)
    actor.pending_email = new_email
    token = make_token(
        EMAIL_CHANGE_PURPOSE, {"uid": actor.id, "new": new_email, "old": actor.email}
    )
    with own_mail_locale(actor):
        confirm_subject = _("Confirm your new e-mail address for OpenPrize")
        confirm_body = _(
            "Hello %(name)s,\n\nTo use this address for your OpenPrize account (@%(handle)s), "
            "open this link while signed in:\n%(link)s\n\n"
            "The link is valid for 3 days. If you did not ask for this, ignore this message.\n",
            name=actor.display_name,
            handle=actor.handle,
            link=external_url("accounts.confirm_email_change", token=token),
        )
        alert_subject = _("Someone asked to change your OpenPrize e-mail address")
        alert_body = _(
            "Hello %(name)s,\n\nSomeone signed in to your account asked to change its e-mail "
            "address to %(email)s. Nothing changes until that address confirms it.\n\n"
            "If it was not you, change your password now:\n%(link)s\n",
            name=actor.display_name,
            email=mask_email(new_email),
            link=external_url("accounts.change_password"),
        )
    # The confirmation secret stays in the inbox it proves (no notice).
    send_mail(new_email, confirm_subject, confirm_body, notice=False)
    send_mail(actor.email, alert_subject, alert_body)
    db.session.commit()
    return new_email


def confirm_email_change(*, actor: User, token: str) -> bool:
    """Move ``actor`` to the address in ``token``; ``False`` when that was already done."""
    payload = read_token(EMAIL_CHANGE_PURPOSE, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    if not isinstance(payload, dict) or payload.get("uid") != actor.id:
        raise ValidationFailed(
            _("This link was sent for another account. Sign in with that account to use it.")
        )
    new_email, old_email = payload.get("new"), payload.get("old")
    if actor.email == new_email:
        return False  # a second click on the same link
    if actor.email != old_email or actor.pending_email != new_email:
        raise ValidationFailed(
            _(
                "This link is out of date: your e-mail address or the requested change has "
                "changed since. Ask for a new link on your account page."
            )
        )
    check_unique(new_email, actor.handle, exclude_id=actor.id)
    actor.email = new_email
    actor.email_verified_at = utcnow()  # the link proved control of the new mailbox
    actor.pending_email = None
    with own_mail_locale(actor):
        subject = _("Your OpenPrize e-mail address was changed")
        body = _(
            "Hello %(name)s,\n\nYour OpenPrize account now uses the address %(email)s; "
            "messages no longer come to this one.\n\n"
            "If it was not you, write to the site's administrators at once.\n",
            name=actor.display_name,
            email=mask_email(new_email),
        )
    send_mail(old_email, subject, body)
    try:
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()  # another account took the address meanwhile
        raise ValidationFailed(
            _("An account with this e-mail already exists. Ask for a change to another address.")
        ) from error
    return True


def cancel_email_change(*, actor: User) -> None:
    actor.pending_email = None
    db.session.commit()


def needs_terms(user: User) -> bool:
    return user.terms_version != TERMS_VERSION


def accept_terms(*, actor: User) -> None:
    for column, value in accepted_now().items():
        setattr(actor, column, value)
    db.session.commit()

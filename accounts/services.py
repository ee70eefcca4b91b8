"""User account operations: sign-up, sign-in, e-mail verification, password reset, profile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from accounts import background
from accounts.models import User
from accounts.passwords import (
    burn_verification_time,
    hash_password,
    password_problem,
    verify_password,
)
from accounts.sessions import revoke_all_sessions
from accounts.terms import accepted_now
from core.db import db, utcnow
from core.errors import NotFound, ValidationFailed
from core.i18n import LOCALES, recipient_locale
from core.mail import send_mail
from core.text import check_web_url, normalize_email
from core.timefmt import is_valid_zone
from core.tokens import make_token, read_token
from core.urls import external_url

VERIFY_PURPOSE = "verify-email"
RESET_PURPOSE = "reset-password"


@contextmanager
def own_mail_locale(user: User) -> Iterator[None]:
    """Compose a message to ``user`` about their own request in their language: the account's
    setting, else the language of the request they are making (a new account has no setting
    yet, and the person signing up reads the page's language)."""
    if user.locale:
        with recipient_locale(user):
            yield
    else:
        yield


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.email == normalize_email(email), User.deleted_at.is_(None))
    )


def get_user_by_handle(handle: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.handle == handle.strip().lower(), User.deleted_at.is_(None))
    )


def was_deleted(handle: str) -> bool:
    """Whether ``handle`` belonged to an account its owner deleted (accounts.deletion)."""
    found = db.session.scalar(
        sa.select(User.id).where(User.handle == handle.strip().lower(), User.deleted_at.isnot(None))
    )
    return found is not None


def check_unique(email: str, handle: str, exclude_id: int | None = None) -> None:
    query = sa.select(User.email, User.handle).where(
        sa.or_(User.email == email, User.handle == handle)
    )
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    for existing_email, existing_handle in db.session.execute(query):
        if existing_email == email:
            raise ValidationFailed(
                _("An account with this e-mail already exists. Sign in or reset your password."),
                field="email",
            )
        if existing_handle == handle:
            raise ValidationFailed(_("This handle is taken. Choose another one."), field="handle")


def register_user(
    *, email: str, handle: str, display_name: str, password: str, accepts_terms: bool
) -> User:
    """Create an unverified account and e-mail a verification link (after the commit)."""
    if not accepts_terms:
        raise ValidationFailed(
            _("Accept the terms of service and the privacy notice to create an account."),
            field="accept_terms",
        )
    email = normalize_email(email)
    handle = handle.strip().lower()
    problem = password_problem(password, [email, email.split("@")[0], handle, display_name])
    if problem:
        raise ValidationFailed(problem, field="password")
    check_unique(email, handle)
    user = User(
        email=email,
        handle=handle,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        **accepted_now(),
    )
    db.session.add(user)
    try:
        db.session.flush()
        send_verification_email(user)  # the mail is written with the account (the outbox)
        db.session.commit()
    except sa.exc.IntegrityError as error:
        # A concurrent sign-up won the race for the same e-mail or handle.
        db.session.rollback()
        check_unique(email, handle)
        raise ValidationFailed(_("This account could not be created. Try again.")) from error
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose credentials these are, or ``None`` (same time either way)."""
    user = get_user_by_email(email)
    if user is None:
        burn_verification_time(password)
        return None
    return user if verify_password(user.password_hash, password) else None


def send_verification_email(user: User) -> None:
    token = make_token(VERIFY_PURPOSE, {"uid": user.id, "email": user.email})
    link = external_url("accounts.verify_email", token=token)
    with own_mail_locale(user):
        subject = _("Confirm your e-mail address for OpenPrize")
        body = _(
            "Hello %(name)s,\n\nConfirm your e-mail address by opening this link:\n%(link)s\n\n"
            "The link is valid for 3 days. If you did not sign up, ignore this message.\n",
            name=user.display_name,
            link=link,
        )
    send_mail(user.email, subject, body, notice=False)


def verify_email(token: str) -> User:
    """Mark the address in ``token`` verified; a used link reports that it was already used."""
    payload = read_token(VERIFY_PURPOSE, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        raise ValidationFailed(_("This link is not valid for any account. Ask for a new one."))
    if user.email_verified_at is not None:
        raise ValidationFailed(_("This link has already been used: your e-mail is verified."))
    user.email_verified_at = utcnow()
    db.session.commit()
    return user


def _reset_fingerprint(user: User) -> str:
    # Changes once the password changes, which makes each reset link single use.
    return user.password_hash[-16:]


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; say nothing either way."""
    user = get_user_by_email(email)
    if user is None:
        return
    token = make_token(RESET_PURPOSE, {"uid": user.id, "fp": _reset_fingerprint(user)})
    link = external_url("accounts.reset_password", token=token)
    with own_mail_locale(user):
        subject = _("Reset your OpenPrize password")
        body = _(
            "Hello %(name)s,\n\nSomeone asked to reset your password. If it was you, open this "
            "link within an hour:\n%(link)s\n\nIf it was not you, ignore this message.\n",
            name=user.display_name,
            link=link,
        )
    send_mail(user.email, subject, body, notice=False)
    db.session.commit()  # the outbox row of the message


def user_for_reset_token(token: str) -> User:
    payload = read_token(RESET_PURPOSE, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or _reset_fingerprint(user) != payload.get("fp"):
        raise ValidationFailed(_("This reset link has already been used. Ask for a new one."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a valid, unused reset link; ends every session of the account."""
    user = user_for_reset_token(token)
    problem = password_problem(new_password, [user.email, user.email.split("@")[0], user.handle])
    if problem:
        raise ValidationFailed(problem, field="password")
    user.password_hash = hash_password(new_password)
    revoke_all_sessions(user)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link proved control of the mailbox
    db.session.commit()
    return user


def update_profile(
    *, actor: User, display_name: str, bio: str, website: str, timezone: str, language: str = ""
) -> User:
    """Change the actor's own public profile, preferred time zone and language ("" for the
    browser's)."""
    if timezone and not is_valid_zone(timezone):
        raise ValidationFailed(_("Choose a time zone from the list."), field="timezone")
    if language and language not in LOCALES:
        raise ValidationFailed(_("Choose a language from the list."), field="language")
    actor.locale = language or None
    actor.display_name = display_name.strip()
    actor.bio = bio.strip()
    actor.website = check_web_url(website)
    actor.timezone = timezone
    db.session.commit()
    return actor


def make_admin(email: str) -> User:
    user = get_user_by_email(email)
    if user is None:
        raise NotFound(f"No account with the e-mail {email}.")
    user.is_admin = True
    db.session.commit()
    return user


def update_background(*, actor: User, answers: dict[str, str | None]) -> User:
    """Set the actor's own self-declared background; None or "" is "not answered"."""
    for column, (title, enum_cls) in background.FIELDS.items():
        value = answers.get(column) or None
        if value is not None and value not in {m.value for m in enum_cls}:
            raise ValidationFailed(
                _("Choose a %(question)s from the list.", question=str(title).lower()),
                field=column,
            )
        setattr(actor, column, value)
    db.session.commit()
    return actor

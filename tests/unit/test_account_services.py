"""Account services: sign-up rules, credentials, e-mail verification and password reset."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from accounts import services
from accounts.models import User
from accounts.sessions import start_session, user_for_session
from core.db import db
from core.errors import NotFound, ValidationFailed
from core.mail import Mail
from tests.factories import PASSWORD, make_user


def _link(mail: Mail) -> str:
    match = re.search(r"https?://\S+", mail.body)
    assert match, mail.body
    return match.group(0)


def _token(mail: Mail) -> str:
    return _link(mail).rstrip("/").rsplit("/", 1)[1]


def _register(**overrides: str) -> User:
    data = {
        "email": "Ada@Example.org",
        "handle": "Ada",
        "display_name": "Ada Lovelace",
        "password": "analytical-engine-1843",
    }
    data.update(overrides)
    return services.register_user(**data, accepts_terms=True)


def _user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_signup_stores_lowercase_email_and_handle_and_sends_verification(mails: list[Mail]) -> None:
    user = _register()
    assert user.email == "ada@example.org"
    assert user.handle == "ada"
    assert not user.is_verified
    assert user.password_hash.startswith("scrypt:")
    assert mails[-1].to == "ada@example.org"
    assert "/verify/" in _link(mails[-1])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "ADA@example.ORG", "handle": "other"}, "email"),
        ({"email": "other@example.org", "handle": "ADA"}, "handle"),
    ],
)
def test_duplicate_email_or_handle_is_refused_case_insensitively(
    overrides: dict[str, str], field: str
) -> None:
    _register()
    with pytest.raises(ValidationFailed) as caught:
        _register(**overrides)
    assert caught.value.field == field
    assert _user_count() == 1


@pytest.mark.parametrize(
    "password",
    ["short-pass", "123qweasdzxc", "aaaaaaaaaaaaaaaa", "ada@example.org1", "qwertyuiopasdfgh"],
)
def test_weak_passwords_are_refused_and_nothing_is_saved(password: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _register(password=password, email="ada@example.org", handle="adal")
    assert caught.value.field == "password"
    assert _user_count() == 0


def test_authenticate_accepts_the_right_password_only() -> None:
    user = make_user("grace")
    assert services.authenticate("GRACE@example.org", PASSWORD) == user
    assert services.authenticate("grace@example.org", "wrong-password-123") is None
    assert services.authenticate("nobody@example.org", PASSWORD) is None


def test_verification_link_verifies_once(mails: list[Mail]) -> None:
    user = _register()
    token = _token(mails[-1])
    assert services.verify_email(token).is_verified
    with pytest.raises(ValidationFailed, match="already been used"):
        services.verify_email(token)
    assert db.session.get(User, user.id).is_verified


def test_tampered_verification_link_is_refused(mails: list[Mail]) -> None:
    _register()
    token = _token(mails[-1])
    with pytest.raises(ValidationFailed, match="not valid"):
        services.verify_email(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_expired_verification_link_is_refused(app, mails: list[Mail]) -> None:
    user = _register()
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="openprize.verify-email")
    old = serializer.dumps({"uid": user.id, "email": user.email})
    app.config["EMAIL_TOKEN_MAX_AGE"] = -1
    try:
        with pytest.raises(ValidationFailed, match="expired"):
            services.verify_email(old)
    finally:
        app.config["EMAIL_TOKEN_MAX_AGE"] = 3 * 24 * 3600
    assert not db.session.get(User, user.id).is_verified


def test_password_reset_link_works_once_and_ends_every_session(mails: list[Mail]) -> None:
    user = make_user("hopper")
    session_token = start_session(user)
    services.request_password_reset("Hopper@example.org")
    token = _token(mails[-1])
    services.reset_password(token, "compiler-bug-moth-1947")
    assert services.authenticate("hopper@example.org", "compiler-bug-moth-1947") == user
    assert user_for_session(session_token) is None
    with pytest.raises(ValidationFailed, match="already been used"):
        services.reset_password(token, "another-new-password-9")
    assert services.authenticate("hopper@example.org", "compiler-bug-moth-1947") == user


def test_password_reset_for_unknown_email_sends_nothing(mails: list[Mail]) -> None:
    services.request_password_reset("ghost@example.org")
    assert mails == []


def test_password_reset_with_weak_password_keeps_old_password(mails: list[Mail]) -> None:
    make_user("turing")
    services.request_password_reset("turing@example.org")
    with pytest.raises(ValidationFailed):
        services.reset_password(_token(mails[-1]), "password")
    assert services.authenticate("turing@example.org", PASSWORD) is not None


def test_profile_update_checks_time_zone_and_website() -> None:
    user = make_user("knuth")
    services.update_profile(
        actor=user,
        display_name="Don",
        bio="TeX",
        website="https://tex.example",
        timezone="Europe/Oslo",
    )
    assert db.session.get(User, user.id).timezone == "Europe/Oslo"
    with pytest.raises(ValidationFailed):
        services.update_profile(
            actor=user, display_name="Don", bio="", website="", timezone="Mars/Olympus"
        )
    with pytest.raises(ValidationFailed):
        services.update_profile(
            actor=user, display_name="Don", bio="", website="javascript://x", timezone="UTC"
        )
    db.session.rollback()
    assert db.session.get(User, user.id).website == "https://tex.example"


def test_make_admin_needs_an_existing_account() -> None:
    make_user("root")
    assert services.make_admin("ROOT@example.org").is_admin
    with pytest.raises(NotFound):
        services.make_admin("missing@example.org")

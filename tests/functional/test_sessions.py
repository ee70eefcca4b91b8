"""Signing out ends a session on the server: cookies captured before no longer sign anyone in."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import UserSession
from core.db import db, utcnow
from core.mail import Mail
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "compiler-bug-moth-1947"
COOKIES = ("session", "remember_token")


def _sign_in(client: FlaskClient, email: str = "ada@example.org") -> dict[str, str]:
    """Sign in with "keep me signed in"; return the session and remember cookies it set."""
    response = client.post("/login", data={"email": email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = {name: client.get_cookie(name) for name in COOKIES}
    assert all(cookies.values()), cookies
    return {name: cookie.value for name, cookie in cookies.items() if cookie}


def _signed_in_with(web_app: Flask, name: str, value: str) -> bool:
    """Whether a fresh browser holding only this one cookie gets the account page."""
    replay = web_app.test_client()
    replay.set_cookie(name, value)
    return replay.get("/account").status_code == 200


def test_cookies_captured_before_logout_no_longer_sign_in(
    web_app: Flask, client: FlaskClient
) -> None:
    make_user("ada")
    cookies = _sign_in(client)
    assert all(_signed_in_with(web_app, name, value) for name, value in cookies.items())

    client.post("/logout")

    for name, value in cookies.items():
        assert not _signed_in_with(web_app, name, value), f"the old {name} cookie still works"


def test_logout_ends_only_the_session_it_is_sent_from(web_app: Flask, client: FlaskClient) -> None:
    make_user("ada")
    _sign_in(client)
    laptop = web_app.test_client()
    kept = _sign_in(laptop)

    client.post("/logout")

    assert client.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200
    assert all(_signed_in_with(web_app, name, value) for name, value in kept.items())


def test_password_reset_ends_every_other_session_and_its_remember_cookie(
    web_app: Flask, client: FlaskClient, mails: list[Mail]
) -> None:
    make_user("ada")
    stolen = _sign_in(web_app.test_client())
    client.post("/password/forgot", data={"email": "ada@example.org"})
    path = re.search(r"https?://[^/\s]+(/\S+)", mails[-1].body).group(1)

    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # the reset signed this browser in
    for name, value in stolen.items():
        assert not _signed_in_with(web_app, name, value), f"the old {name} cookie still works"


def test_a_session_records_when_it_was_last_used(client: FlaskClient) -> None:
    make_user("ada")
    _sign_in(client)
    long_ago = utcnow() - timedelta(hours=1)
    db.session.execute(sa.update(UserSession).values(last_seen_at=long_ago))
    db.session.commit()

    assert client.get("/account").status_code == 200

    db.session.expire_all()
    session = db.session.scalar(sa.select(UserSession))
    assert session.last_seen_at > long_ago and session.revoked_at is None

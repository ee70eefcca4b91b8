"""Changing one's password and e-mail address while signed in."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from accounts.passwords import verify_password
from core.db import db
from core.mail import Mail
from tests.conftest import AuthActions
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "compiler-bug-moth-1947"
CHANGE = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


def _user() -> User:
    db.session.expire_all()
    user = db.session.scalar(db.select(User).where(User.handle == "ada"))
    assert user is not None
    return user


def _signed_in(web_app: Flask, password: str = PASSWORD) -> FlaskClient:
    other = web_app.test_client()
    assert AuthActions(other).login("ada@example.org", password).status_code == 302
    return other


def _link(mail: Mail) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def _to(mails: list[Mail], address: str) -> list[Mail]:
    return [mail for mail in mails if mail.to == address]


# Password


def test_changing_the_password_ends_other_sessions_keeps_this_one_and_tells_the_owner(
    web_app: Flask, client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    laptop = _signed_in(web_app)
    assert laptop.get("/account").status_code == 200

    response = client.post("/account/password", data=CHANGE, follow_redirects=True)

    assert "Your password is changed" in response.text
    assert client.get("/account").status_code == 200
    assert "/login" in laptop.get("/account").headers["Location"]
    notice = _to(mails, "ada@example.org")[-1]
    assert notice.subject == "Your OpenPrize password was changed"
    assert "/password/forgot" in notice.body
    assert AuthActions(web_app.test_client()).login("ada@example.org").status_code == 422
    _signed_in(web_app, NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing(
    web_app: Flask, client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    laptop = _signed_in(web_app)
    sent = len(mails)

    wrong = {**CHANGE, "current_password": "guess-1234567"}
    response = client.post("/account/password", data=wrong)

    assert response.status_code == 422
    assert "Your current password is wrong." in response.text
    assert laptop.get("/account").status_code == 200
    assert len(mails) == sent
    _signed_in(web_app, PASSWORD)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "short", "confirm": "short"}, "Use at least 12 characters"),
        ({"password": "123qweasdzxc", "confirm": "123qweasdzxc"}, "most common passwords"),
        ({"password": "ada@example.org!", "confirm": "ada@example.org!"}, "too predictable"),
        ({"confirm": "something-else-entirely"}, "The passwords differ."),
        ({"password": "x" * 300, "confirm": "x" * 300}, "longer than 256"),
        ({"current_password": "bad\x00"}, "NUL"),
        ({"current_password": ""}, "This field is required"),
    ],
)
def test_a_refused_new_password_is_explained_on_the_form(
    client: FlaskClient, auth: AuthActions, changes: dict[str, str], message: str
) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    response = client.post("/account/password", data={**CHANGE, **changes})
    assert response.status_code == 422
    assert message in response.text
    assert verify_password(_user().password_hash, PASSWORD)


def test_guessing_the_current_password_is_rate_limited(make_app, auth: AuthActions) -> None:
    make_user("ada")
    client = make_app(LOGIN_RATE_LIMIT_ACCOUNT="2 per hour").test_client()
    AuthActions(client).login("ada@example.org")
    wrong = {**CHANGE, "current_password": "guess-1234567"}
    assert [client.post("/account/password", data=wrong).status_code for _ in range(3)] == [
        422,
        422,
        429,
    ]


# E-mail address


def _request_change(client: FlaskClient, email: str = "nora@example.net") -> object:
    return client.post(
        "/account/email", data={"email": email, "current_password": PASSWORD}, follow_redirects=True
    )


def test_the_address_changes_only_when_the_new_mailbox_confirms(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada")
    auth.login("ada@example.org")

    page = _request_change(client, "Nora@Example.NET")

    assert "We sent a link to nora@example.net" in page.text
    assert "Waiting for confirmation" in page.text
    assert _user().email == "ada@example.org"
    warning = _to(mails, "ada@example.org")[-1]
    assert "n***@example.net" in warning.body and "nora@" not in warning.body
    confirm = _to(mails, "nora@example.net")[-1]

    page = client.get(_link(confirm), follow_redirects=True)

    assert "Your e-mail address is now nora@example.net" in page.text
    user = _user()
    assert (user.email, user.is_verified, user.pending_email) == ("nora@example.net", True, None)
    told = _to(mails, "ada@example.org")[-1]
    assert told.subject == "Your OpenPrize e-mail address was changed"
    # A second click is harmless, and the new address signs in.
    page = client.get(_link(confirm), follow_redirects=True)
    assert "This link was already used" in page.text
    auth.logout()
    assert auth.login("nora@example.net").status_code == 302


def test_a_new_address_counts_as_verified_even_if_the_old_one_was_not(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada", verified=False)
    auth.login("ada@example.org")
    _request_change(client)
    client.get(_link(_to(mails, "nora@example.net")[-1]))
    assert _user().is_verified


def test_a_taken_address_is_refused_like_at_sign_up(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada")
    make_user("nora", email="nora@example.net")
    auth.login("ada@example.org")
    sent = len(mails)
    response = client.post(
        "/account/email", data={"email": "NORA@example.net", "current_password": PASSWORD}
    )
    assert response.status_code == 422
    assert "An account with this e-mail already exists" in response.text
    assert len(mails) == sent and _user().pending_email is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "nora@example.net", "current_password": "guess-1234567"}, "password is wrong"),
        ({"email": "ada@example.org", "current_password": PASSWORD}, "already your e-mail"),
        ({"email": "not-an-address", "current_password": PASSWORD}, "Invalid email address"),
        ({"email": "n" * 250 + "@example.net", "current_password": PASSWORD}, "longer than 254"),
        ({"email": "nora\x00@example.net", "current_password": PASSWORD}, "NUL"),
    ],
)
def test_a_refused_change_of_address_says_why_and_sends_nothing(
    client: FlaskClient, auth: AuthActions, mails: list[Mail], data: dict, message: str
) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    sent = len(mails)
    response = client.post("/account/email", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert len(mails) == sent and _user().pending_email is None


def test_a_link_works_only_for_the_account_that_asked(
    web_app: Flask, client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada")
    make_user("mallory")
    auth.login("ada@example.org")
    _request_change(client)
    link = _link(_to(mails, "nora@example.net")[-1])
    other = web_app.test_client()
    AuthActions(other).login("mallory@example.org")

    page = other.get(link, follow_redirects=True)

    assert "sent for another account" in page.text
    assert _user().email == "ada@example.org"
    anonymous = web_app.test_client().get(link)
    assert "/login" in anonymous.headers["Location"]


def test_a_link_dies_when_the_address_or_the_request_changed_meanwhile(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    _request_change(client, "first@example.net")
    first = _link(_to(mails, "first@example.net")[-1])
    _request_change(client, "second@example.net")

    page = client.get(first, follow_redirects=True)
    assert "This link is out of date" in page.text

    client.get(_link(_to(mails, "second@example.net")[-1]))
    _request_change(client, "first@example.net")  # asked again, from the new address
    page = client.get(first, follow_redirects=True)  # the old link names the old address
    assert "This link is out of date" in page.text
    assert _user().email == "second@example.net"


def test_cancelling_a_change_kills_its_link(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    _request_change(client)
    page = client.post("/account/email/cancel", follow_redirects=True)
    assert "Waiting for confirmation" not in page.text
    page = client.get(_link(_to(mails, "nora@example.net")[-1]), follow_redirects=True)
    assert "This link is out of date" in page.text
    assert _user().email == "ada@example.org"


def test_tampered_and_expired_links_are_refused(
    make_app, client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    _request_change(client)
    link = _link(_to(mails, "nora@example.net")[-1])

    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert "This link is not valid" in client.get(tampered, follow_redirects=True).text
    late = make_app(EMAIL_TOKEN_MAX_AGE=-1).test_client()
    AuthActions(late).login("ada@example.org")
    assert "This link has expired" in late.get(link, follow_redirects=True).text
    assert _user().email == "ada@example.org"


def test_another_account_taking_the_address_meanwhile_stops_the_change(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    _request_change(client)
    make_user("nora", email="nora@example.net")
    page = client.get(_link(_to(mails, "nora@example.net")[-1]), follow_redirects=True)
    assert "An account with this e-mail already exists" in page.text
    assert _user().email == "ada@example.org"


# CSRF


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/account/password", CHANGE),
        ("/account/email", {"email": "nora@example.net", "current_password": PASSWORD}),
        ("/account/email/cancel", {}),
        ("/terms/accept", {}),
    ],
)
def test_the_account_posts_need_a_csrf_token(
    make_app, mails: list[Mail], url: str, data: dict
) -> None:
    user = make_user("ada")
    user.terms_version = None
    user.pending_email = "nora@example.net"
    db.session.commit()
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    assert token
    login = {"email": "ada@example.org", "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=login).status_code == 302
    sent = len(mails)

    response = client.post(url, data=data)

    assert response.status_code in {400, 302, 422}
    user = _user()
    assert verify_password(user.password_hash, PASSWORD) and len(mails) == sent
    assert (user.email, user.pending_email, user.terms_version) == (
        "ada@example.org",
        "nora@example.net",
        None,
    )

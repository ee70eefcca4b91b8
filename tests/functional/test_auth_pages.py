"""Sign-up, sign-in, verification and reset through the test client."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db
from core.mail import Mail
from tests.conftest import AuthActions
from tests.factories import PASSWORD, make_user

SIGNUP = {
    "email": "ada@example.org",
    "display_name": "Ada",
    "handle": "ada",
    "password": "analytical-engine-1843",
    "accept_terms": "y",
}


def _path(mail: Mail) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", mail.body)
    assert match
    return match.group(1)


def _users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_signup_signs_in_and_verification_link_confirms(
    client: FlaskClient, mails: list[Mail]
) -> None:
    response = client.post("/signup", data=SIGNUP, follow_redirects=True)
    assert b"We sent you a link to confirm" in response.data
    assert b"Please confirm your e-mail address" in response.data
    response = client.get(_path(mails[-1]), follow_redirects=True)
    assert b"your e-mail address is confirmed" in response.data
    assert b"Please confirm your e-mail address" not in response.data
    response = client.get(_path(mails[-1]), follow_redirects=True)
    assert b"already been used" in response.data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, b"Invalid email address"),
        ({"handle": "a b"}, b"Use 3 to 30 letters"),
        ({"handle": "x" * 31}, b"Use 3 to 30 letters"),
        ({"display_name": "x" * 81}, b"Field cannot be longer than 80 characters"),
        ({"password": "short"}, b"Use at least 12 characters"),
        ({"password": "123qweasdzxc"}, b"most common passwords"),
        ({"email": ""}, b"This field is required"),
    ],
)
def test_bad_signup_input_rerenders_with_message_and_saves_nothing(
    client: FlaskClient, changes: dict[str, str], message: bytes
) -> None:
    response = client.post("/signup", data={**SIGNUP, **changes})
    assert response.status_code == 422
    assert message in response.data
    assert b'value="ada@example.org"' in response.data or "email" in changes
    assert _users() == 0


def test_duplicate_email_with_other_case_is_refused_on_the_form(client: FlaskClient) -> None:
    make_user("ada", email="ada@example.org")
    response = client.post("/signup", data={**SIGNUP, "email": "ADA@Example.org", "handle": "ada2"})
    assert response.status_code == 422
    assert b"An account with this e-mail already exists" in response.data
    assert _users() == 1


def test_wrong_password_and_unknown_email_give_the_same_message(
    client: FlaskClient, auth: AuthActions
) -> None:
    make_user("grace")
    wrong = auth.login("grace@example.org", "not-the-password-1")
    unknown = auth.login("nobody@example.org", "not-the-password-1")
    assert wrong.status_code == unknown.status_code == 422
    assert b"The e-mail or password is wrong." in wrong.data
    assert b"The e-mail or password is wrong." in unknown.data


def test_login_redirects_only_to_local_next(client: FlaskClient) -> None:
    make_user("grace")
    data = {"email": "grace@example.org", "password": PASSWORD}
    assert client.post("/login?next=/account", data=data).headers["Location"] == "/account"
    client.post("/logout")
    assert client.post("/login?next=//evil.example/x", data=data).headers["Location"] == "/"


def test_login_is_rate_limited_per_account(client: FlaskClient, auth: AuthActions) -> None:
    make_user("grace")
    statuses = [
        auth.login("grace@example.org", f"wrong-password-{i}").status_code for i in range(6)
    ]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    response = auth.login("grace@example.org")
    assert response.status_code == 429
    assert b"Too many attempts" in response.data


def test_login_is_rate_limited_per_ip_across_accounts(
    client: FlaskClient, auth: AuthActions
) -> None:
    statuses = [auth.login(f"u{i}@example.org", "wrong-password-x").status_code for i in range(21)]
    assert statuses[-1] == 429 and set(statuses[:20]) == {422}


def test_password_reset_flow(client: FlaskClient, mails: list[Mail]) -> None:
    make_user("hopper")
    response = client.post(
        "/password/forgot", data={"email": "hopper@example.org"}, follow_redirects=True
    )
    assert b"If an account uses that e-mail" in response.data
    path = _path(mails[-1])
    assert client.get(path).status_code == 200
    response = client.post(
        path, data={"password": "compiler-bug-moth-1947", "confirm": "different-thing-1947"}
    )
    assert b"The passwords differ." in response.data
    response = client.post(
        path, data={"password": "compiler-bug-moth-1947", "confirm": "compiler-bug-moth-1947"}
    )
    assert response.status_code == 302
    response = client.get(path, follow_redirects=True)
    assert b"already been used" in response.data


def test_unknown_email_reset_looks_the_same(client: FlaskClient, mails: list[Mail]) -> None:
    response = client.post(
        "/password/forgot", data={"email": "ghost@example.org"}, follow_redirects=True
    )
    assert b"If an account uses that e-mail" in response.data
    assert mails == []


def test_password_reset_signs_out_other_sessions(
    web_app, client: FlaskClient, mails: list[Mail]
) -> None:
    make_user("hopper")
    other = web_app.test_client()
    other.post("/login", data={"email": "hopper@example.org", "password": PASSWORD})
    assert other.get("/account").status_code == 200
    client.post("/password/forgot", data={"email": "hopper@example.org"})
    path = _path(mails[-1])
    client.post(
        path, data={"password": "compiler-bug-moth-1947", "confirm": "compiler-bug-moth-1947"}
    )
    assert other.get("/account").status_code == 302


def test_profile_page_and_edit(client: FlaskClient, auth: AuthActions) -> None:
    make_user("knuth", display_name="Donald")
    auth.login("knuth@example.org")
    response = client.post(
        "/account",
        data={
            "display_name": "Don Knuth",
            "bio": "Art of *programming*",
            "timezone": "Europe/Oslo",
        },
        follow_redirects=True,
    )
    assert b"Profile saved." in response.data
    page = client.get("/u/knuth")
    assert b"Don Knuth" in page.data and b"<em>programming</em>" in page.data
    assert client.get("/u/KNUTH").status_code == 200
    assert client.get("/u/nobody").status_code == 404


def test_profile_rejects_unknown_zone_and_overlong_bio(
    client: FlaskClient, auth: AuthActions
) -> None:
    make_user("knuth", display_name="Donald")
    auth.login("knuth@example.org")
    response = client.post("/account", data={"display_name": "X", "timezone": "Mars/Base"})
    assert response.status_code == 422 and b"Not a valid choice" in response.data
    response = client.post(
        "/account", data={"display_name": "X", "timezone": "UTC", "bio": "x" * 2001}
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(User.display_name)) == "Donald"


def test_resending_the_link_is_limited_per_account_not_per_address(
    web_app: Flask, client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("ada", verified=False)
    make_user("grace", verified=False)
    auth.login("ada@example.org")
    statuses = [client.post("/verify/resend").status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    neighbour = web_app.test_client()  # same address, other account
    neighbour.post("/login", data={"email": "grace@example.org", "password": PASSWORD})
    response = neighbour.post("/verify/resend", follow_redirects=True)
    assert b"We sent a new link to grace@example.org." in response.data
    assert [mail.to for mail in mails].count("grace@example.org") == 1

"""E-mail settings: optional kinds a person turns off, one-click unsubscribe links in every
optional e-mail, and essential mail that always goes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from challenges.models import Challenge, Follow
from challenges.notifications import notify_followers
from core.db import db
from core.mail import Mail
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user


@pytest.fixture
def followed(client: FlaskClient) -> tuple[Challenge, User, User]:
    owner = make_user("owner")
    challenge = make_challenge(make_org("Helios", owner=owner), slug="qa")
    fan = make_user("fan")
    db.session.add(Follow(user_id=fan.id, challenge_id=challenge.id))
    db.session.commit()
    return challenge, owner, fan


def _post_update(client: FlaskClient, auth: AuthActions, owner: User, body: str) -> None:
    auth.login(owner.email)
    client.post("/challenges/qa/updates", data={"title": "News", "body": body})
    auth.logout()


def _to(mails: list[Mail], user: User, text: str) -> list[Mail]:
    return [m for m in mails if m.to == user.email and text in m.body]


def _update_link(client: FlaskClient, auth: AuthActions, mails: list[Mail], followed: tuple) -> str:
    """The unsubscribe link in the update e-mail the fan gets when the owner posts one."""
    _, owner, fan = followed
    _post_update(client, auth, owner, "Slides are up.")
    return _unsubscribe_link(_to(mails, fan, "Slides are up.")[0])


def _unsubscribe_link(mail: Mail) -> str:
    headers = dict(mail.headers)
    link = headers["List-Unsubscribe"].strip("<>")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop e-mails like this one: {link}" in mail.body
    return link.removeprefix("http://localhost")


def test_one_click_unsubscribe_stops_that_kind_only(
    client: FlaskClient, auth: AuthActions, mails: list[Mail], followed: tuple
) -> None:
    challenge, owner, fan = followed
    _post_update(client, auth, owner, "Slides are up.")
    [update] = _to(mails, fan, "Slides are up.")

    # A mail client's one-click POST (RFC 8058): no session, no CSRF token, just the link.
    response = client.post(_unsubscribe_link(update), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "challenge updates</strong> e-mails are turned off" in response.get_data(as_text=True)
    db.session.refresh(fan)
    assert fan.mail_updates is False and fan.mail_qa is True

    _post_update(client, auth, owner, "Second update.")
    assert _to(mails, fan, "Second update.") == []
    # An answer is another kind: still sent, with its own link.
    auth.login(fan.email)
    client.post("/challenges/qa/questions", data={"body": "Open data?"})
    auth.logout()
    auth.login(owner.email)
    question_id = db.session.execute(db.text("select id from questions")).scalar()
    client.post(f"/challenges/qa/questions/{question_id}/answer", data={"answer": "Yes."})
    [answer] = _to(mails, fan, "A: Yes.")
    assert "/unsubscribe/" in dict(answer.headers)["List-Unsubscribe"]
    assert challenge.id


def test_opening_the_link_asks_first_and_changes_nothing(
    client: FlaskClient, auth: AuthActions, mails: list[Mail], followed: tuple
) -> None:
    fan = followed[2]
    link = _update_link(client, auth, mails, followed)

    page = client.get(link).get_data(as_text=True)  # what a link scanner does

    assert "Stop <strong>challenge updates</strong> e-mails to f***@example.org?" in page
    db.session.refresh(fan)
    assert fan.mail_updates is True


@pytest.mark.parametrize(
    ("token", "status"),
    [
        ("garbage", 422),
        ("x" * 300, 422),
        ("eyJ1aWQiOjF9.AAAA.BBBB", 422),  # a forged signature
        ("%00", 400),  # a NUL byte
        ("..%2F..%2Fetc", 404),
    ],
)
def test_a_damaged_link_says_so(client: FlaskClient, token: str, status: int) -> None:
    for response in (client.get(f"/unsubscribe/{token}"), client.post(f"/unsubscribe/{token}")):
        assert response.status_code == status
        if status == 422:
            assert "This link is not valid" in response.get_data(as_text=True)


def test_a_link_for_a_deleted_account_is_a_clear_404(
    client: FlaskClient, auth: AuthActions, mails: list[Mail], followed: tuple
) -> None:
    fan = followed[2]
    link = _update_link(client, auth, mails, followed)
    db.session.execute(db.text("delete from follows"))
    db.session.delete(fan)
    db.session.commit()

    response = client.post(link)
    assert response.status_code == 404
    assert "no longer exists" in response.get_data(as_text=True)


def test_essential_mail_goes_whatever_the_settings(
    client: FlaskClient, mails: list[Mail], followed: tuple
) -> None:
    challenge, _, fan = followed
    fan.mail_updates = fan.mail_qa = fan.mail_reminders = False
    db.session.commit()
    # What a rule change or a cancellation sends followers: the default, essential kind.
    notify_followers(challenge, "Rules updated: qa (version 2)", "The deadline moved.")
    db.session.commit()
    client.post("/password/forgot", data={"email": fan.email})

    rules = [m for m in mails if m.to == fan.email and m.subject.startswith("Rules updated")]
    reset = [m for m in mails if m.to == fan.email and "Reset your" in m.subject]
    assert len(rules) == 1 and rules[0].headers == ()
    assert len(reset) == 1 and reset[0].headers == ()
    assert "unsubscribe" not in rules[0].body + reset[0].body


def test_settings_page_saves_each_kind(client: FlaskClient, auth: AuthActions) -> None:
    user = make_user("nina")
    assert client.get("/account/emails").status_code == 302  # signed out: to the sign-in page
    auth.login(user.email)
    page = client.get("/account/emails").get_data(as_text=True)
    assert "OpenPrize sends no marketing" in page and "Prizes, payouts and disputes" in page
    assert page.count("checked") == 3

    response = client.post(
        "/account/emails", data={"updates": "y", "reminders": "y"}, follow_redirects=True
    )

    assert "E-mail settings saved." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.mail_updates, user.mail_qa, user.mail_reminders) == (True, False, True)


def test_settings_need_the_csrf_token_but_one_click_does_not(
    make_app: Callable[..., Flask], mails: list[Mail]
) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    user = make_user("nina")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={"email": user.email, "password": "correct-horse-battery-staple", "csrf_token": token},
    )
    assert client.post("/account/emails", data={}).status_code == 400  # no token: refused
    db.session.refresh(user)
    assert user.mail_updates is True

    from accounts.email_settings import unsubscribe_token

    fresh = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert fresh.post(f"/unsubscribe/{unsubscribe_token(user, 'qa')}").status_code == 200
    db.session.refresh(user)
    assert user.mail_qa is False

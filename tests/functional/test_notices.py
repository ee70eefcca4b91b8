"""In-site notices: each e-mail to an account is kept on its notifications page, read or unread."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import Notice, User
from challenges.models import Follow
from core.db import db
from core.mail import send_mail
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user


def _notice(user: User, subject: str, body: str = "See http://localhost/challenges") -> None:
    send_mail(user.email, subject, body)
    db.session.commit()


def test_a_mail_shows_as_an_unread_notice_until_opened(
    client: FlaskClient, auth: AuthActions
) -> None:
    owner = make_user("owner")
    make_challenge(make_org("Helios", owner=owner), slug="qa")
    fan = make_user("fan")
    fan.mail_qa = False  # e-mail off: the notice is still kept
    db.session.add(Follow(user_id=fan.id, challenge_id=1))
    db.session.commit()
    auth.login(fan.email)
    client.post("/challenges/qa/questions", data={"body": "Open data?"})
    auth.logout()
    auth.login(owner.email)
    question_id = db.session.execute(sa.text("select id from questions")).scalar()
    client.post(f"/challenges/qa/questions/{question_id}/answer", data={"answer": "Yes."})
    auth.logout()
    auth.login(fan.email)

    home = client.get("/").get_data(as_text=True)
    assert '1<span class="visually-hidden"> unread</span>' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "New answer: Grid Storage Challenge" in page and ">New<" in page
    [notice] = db.session.scalars(sa.select(Notice)).all()

    response = client.get(f"/notifications/{notice.id}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/challenges/qa"  # the path: any host name works
    assert " unread</span>" not in client.get("/").get_data(as_text=True)
    assert ">New<" not in client.get("/notifications").get_data(as_text=True)


def test_links_that_carry_a_secret_stay_in_the_inbox(
    client: FlaskClient, auth: AuthActions
) -> None:
    user = make_user("nina")
    client.post("/password/forgot", data={"email": user.email})
    auth.login(user.email)
    client.post("/verify/resend")

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 0
    assert "No notifications yet" in client.get("/notifications").get_data(as_text=True)


def test_another_accounts_notice_is_not_found_and_stays_unread(
    client: FlaskClient, auth: AuthActions
) -> None:
    nina, omar = make_user("nina"), make_user("omar")
    _notice(nina, "For Nina only")
    notice = db.session.scalars(sa.select(Notice)).one()
    auth.login(omar.email)

    assert client.get(f"/notifications/{notice.id}").status_code == 404
    assert "For Nina only" not in client.get("/notifications").get_data(as_text=True)
    db.session.refresh(notice)
    assert notice.read_at is None


def test_a_link_to_another_site_is_never_followed(client: FlaskClient, auth: AuthActions) -> None:
    nina = make_user("nina")
    _notice(nina, "Phish", "Click https://evil.example/login or //evil.example/x now")
    notice = db.session.scalars(sa.select(Notice)).one()
    auth.login(nina.email)

    response = client.get(f"/notifications/{notice.id}")

    assert response.headers["Location"] == "/notifications"


def test_mark_all_read_and_paging(client: FlaskClient, auth: AuthActions) -> None:
    nina = make_user("nina")
    for n in range(25):
        _notice(nina, f"Message {n:02d}")
    auth.login(nina.email)
    first = client.get("/notifications").get_data(as_text=True)
    assert "Message 24" in first and "Message 04" not in first  # newest first, 20 a page
    assert "Message 04" in client.get("/notifications?page=2").get_data(as_text=True)
    assert client.get("/notifications?page=9").status_code == 302  # past the end: the last page

    response = client.post("/notifications/read", follow_redirects=True)

    assert "Marked 25 notifications as read." in response.get_data(as_text=True)
    unread = sa.select(sa.func.count()).where(Notice.read_at.is_(None))
    assert db.session.scalar(unread) == 0


def test_mark_all_read_needs_the_csrf_token(make_app: Callable[..., Flask]) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    nina = make_user("nina")
    _notice(nina, "Hello")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={"email": nina.email, "password": "correct-horse-battery-staple", "csrf_token": token},
    )

    assert client.post("/notifications/read", data={}).status_code == 400
    unread = sa.select(sa.func.count()).where(Notice.read_at.is_(None))
    assert db.session.scalar(unread) == 1


def test_the_badge_stops_counting_at_99(client: FlaskClient, auth: AuthActions) -> None:
    nina = make_user("nina")
    for n in range(100):
        send_mail(nina.email, f"N{n}", "Hello.")
    db.session.commit()
    auth.login(nina.email)

    assert '99+<span class="visually-hidden"> unread</span>' in client.get("/").get_data(
        as_text=True
    )

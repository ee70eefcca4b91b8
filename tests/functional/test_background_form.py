"""The optional background questions: saved, cleared, refused when invalid, never public."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db
from tests.conftest import AuthActions
from tests.factories import PASSWORD, make_user

ANSWERS = {
    "bg_region": "africa",
    "bg_discipline": "computing",
    "bg_career_stage": "prefer_not_to_say",
    "bg_org_type": "",
}


def test_the_account_page_links_the_optional_questions(client: FlaskClient, auth) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    assert "/account/background" in client.get("/account").text
    page = client.get("/account/background")
    assert page.status_code == 200
    assert "never shown on your public profile" in page.text
    assert "fewer than 5" in page.text


def test_answers_are_saved_with_prefer_not_distinct_from_unanswered(
    client: FlaskClient, auth: AuthActions
) -> None:
    user = make_user("ada")
    auth.login(user.email)
    response = client.post("/account/background", data=ANSWERS, follow_redirects=True)
    assert "Background saved" in response.text
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved is not None
    assert saved.bg_region == "africa" and saved.bg_discipline == "computing"
    assert saved.bg_career_stage == "prefer_not_to_say"
    assert saved.bg_org_type is None  # not answered
    # Never on the public profile.
    profile = client.get("/u/ada").text
    assert "Africa" not in profile and "Computing" not in profile


def test_an_unknown_choice_is_refused_with_a_message(client: FlaskClient, auth) -> None:
    make_user("ada")
    auth.login("ada@example.org")
    response = client.post("/account/background", data={**ANSWERS, "bg_region": "mars"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.text
    response = client.post("/account/background", data={**ANSWERS, "bg_region": "africa\x00"})
    assert response.status_code == 422
    assert "NUL character" in response.text


def test_the_form_needs_a_csrf_token(make_app) -> None:
    user = make_user("ada")
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    assert token is not None
    login = {"email": user.email, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=login).status_code == 302
    assert client.post("/account/background", data=ANSWERS).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).bg_region is None  # type: ignore[union-attr]


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/background")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_database_refuses_a_value_outside_the_list() -> None:
    user = make_user("ada")
    user.bg_discipline = "alchemy"
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()

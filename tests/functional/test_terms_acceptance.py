"""The terms, privacy and accessibility pages; accepting the terms at sign-up and again when
their version changes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from accounts.models import User
from accounts.terms import TERMS_VERSION
from core.db import db
from tests.conftest import AuthActions
from tests.factories import make_user

SIGNUP = {
    "email": "ada@example.org",
    "display_name": "Ada",
    "handle": "ada",
    "password": "analytical-engine-1843",
}


def _ada() -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.handle == "ada"))


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/terms", "Terms of service"),
        ("/privacy", "Privacy notice"),
        ("/accessibility", "Accessibility statement"),
    ],
)
def test_the_policy_pages_are_public_and_linked_from_every_page(
    client: FlaskClient, url: str, heading: str
) -> None:
    page = client.get(url)
    assert page.status_code == 200
    assert f'<h1 class="h3">{heading}</h1>' in page.text
    assert f'href="{url}"' in client.get("/").text


def test_terms_and_privacy_show_their_version(client: FlaskClient) -> None:
    for url in ("/terms", "/privacy"):
        assert f"Version {TERMS_VERSION}" in client.get(url).text


def test_sign_up_needs_the_terms_accepted_and_records_the_version(client: FlaskClient) -> None:
    page = client.get("/signup").text
    assert 'href="/terms"' in page and 'href="/privacy"' in page

    refused = client.post("/signup", data=SIGNUP)
    assert refused.status_code == 422
    assert "Accept the terms of service and the privacy notice" in refused.text
    assert _ada() is None

    assert client.post("/signup", data={**SIGNUP, "accept_terms": "y"}).status_code == 302
    ada = _ada()
    assert ada is not None and ada.terms_version == TERMS_VERSION
    assert ada.terms_accepted_at is not None


@pytest.mark.parametrize("accepted", [None, "2020-01-01"])
def test_a_user_who_accepted_another_version_is_asked_first_and_can_accept(
    client: FlaskClient, auth: AuthActions, accepted: str | None
) -> None:
    user = make_user("ada")
    user.terms_version, user.terms_accepted_at = accepted, None
    db.session.commit()
    auth.login("ada@example.org")

    for url in ("/", "/account", "/challenges"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/terms/accept"), url
    assert client.get("/account").headers["Location"] == "/terms/accept?next=/account"
    for url in ("/terms", "/privacy", "/accessibility", "/api/v1/challenges"):
        assert client.get(url).status_code == 200, url
    page = client.get("/terms/accept?next=/account")
    assert "What changed" in page.text
    heading = "Please accept our terms" if accepted is None else "Our terms have changed"
    assert heading in page.text

    response = client.post("/terms/accept?next=/account")

    assert response.headers["Location"] == "/account"
    ada = _ada()
    assert ada is not None and ada.terms_version == TERMS_VERSION
    assert ada.terms_accepted_at is not None
    assert client.get("/account").status_code == 200
    assert client.get("/terms/accept").status_code == 302  # nothing left to accept


def test_the_redirect_keeps_where_the_person_was_going(
    client: FlaskClient, auth: AuthActions
) -> None:
    user = make_user("ada")
    user.terms_version = None
    db.session.commit()
    auth.login("ada@example.org")
    location = client.get("/challenges?q=grid").headers["Location"]
    client.post(location)
    assert client.get(location).headers["Location"] == "/challenges?q=grid"


def test_a_user_with_old_terms_can_still_sign_out(client: FlaskClient, auth: AuthActions) -> None:
    user = make_user("ada")
    user.terms_version = None
    db.session.commit()
    auth.login("ada@example.org")
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 200

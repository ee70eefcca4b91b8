"""The permission-matrix check every domain's route tests share: request as a role, judge it."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import AuthActions

ALLOWED_STATUSES = frozenset({200, 302, 303})


def request_as(
    client: FlaskClient,
    auth: AuthActions,
    email: str | None,
    method: str,
    url: str,
    data: Mapping[str, str] | None = None,
) -> TestResponse:
    """Sign in as ``email`` (None stays anonymous), then send one request."""
    if email is not None:
        assert auth.login(email).status_code == 302, f"could not sign in as {email}"
    return getattr(client, method)(url, data=dict(data or {}))


def assert_access(
    response: TestResponse, role: str, allowed: Collection[str], denied: int = 403
) -> None:
    """Anonymous visitors are sent to sign in; allowed roles get the page or a redirect;
    everyone else gets ``denied`` (403, or 404 where a page hides that it exists)."""
    detail = (role, response.status_code, response.get_data(as_text=True)[:400])
    if role == "anonymous":
        assert response.status_code == 302, detail
        assert "/login" in response.headers["Location"], detail
    elif role in allowed:
        assert response.status_code in ALLOWED_STATUSES, detail
    else:
        assert response.status_code == denied, detail

"""The shell of the site: layout, error pages, headers, health, CSRF, configuration."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient

from app import create_app
from core.errors import Conflict
from tests.factories import make_org, make_user


def test_home_page_has_navigation_footer_and_local_bootstrap(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'aria-label="Main navigation"' in html and "<footer" in html
    assert "/bootstrap/static/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200


def test_security_headers_are_set(client: FlaskClient) -> None:
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script(client: FlaskClient) -> None:
    for url in ["/", "/login", "/signup"]:
        html = client.get(url).get_data(as_text=True)
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), chunk[:80]


def test_session_cookie_is_httponly_and_lax(client: FlaskClient) -> None:
    make_user("grace")
    response = client.post(
        "/login", data={"email": "grace@example.org", "password": "correct-horse-battery-staple"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(make_app: Callable[..., Flask]) -> None:
    app = make_app(TESTING=False, SESSION_COOKIE_SECURE=True, PAYMENTS_SIMULATED=True)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_every_form_field_has_a_visible_label(client: FlaskClient) -> None:
    for url in ["/signup", "/login", "/password/forgot"]:
        html = client.get(url).get_data(as_text=True)
        for name in ("email", "password", "handle", "display_name"):
            if f'name="{name}"' in html:
                assert f'<label class="form-label" for="{name}">' in html, (url, name)


@pytest.fixture
def faulty_client(make_app: Callable[..., Flask]) -> FlaskClient:
    app = make_app()

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("deliberate")

    @app.get("/conflict")
    def conflict() -> str:
        raise Conflict("Someone else changed this first.")

    @app.get("/status/<int:code>")
    def status(code: int) -> str:
        abort(code)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app.test_client()


@pytest.mark.parametrize("code", [400, 403, 404, 409, 429, 500])
def test_error_pages_keep_the_layout(faulty_client: FlaskClient, code: int) -> None:
    response = faulty_client.get(f"/status/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert 'aria-label="Main navigation"' in html and "<footer" in html


def test_unexpected_exception_gives_the_500_page(faulty_client: FlaskClient) -> None:
    response = faulty_client.get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data


def test_domain_conflict_gives_409_with_its_message(faulty_client: FlaskClient) -> None:
    response = faulty_client.get("/conflict")
    assert response.status_code == 409
    assert b"Someone else changed this first." in response.data


def test_api_errors_are_problem_documents(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 404 and body["title"] == "Page not found" and body["detail"]


def test_openapi_document_is_served(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").get_json()["openapi"].startswith("3.")


def test_healthz_reports_database_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable() -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_post_without_csrf_token_is_refused(make_app: Callable[..., Flask]) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    owner = make_user("owner")
    make_org("Helios", owner=owner, slug="helios")
    response = client.post(
        "/login", data={"email": owner.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 400
    assert b"CSRF" in response.data
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={
            "email": owner.email,
            "password": "correct-horse-battery-staple",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302


def test_refuses_to_start_with_default_secret_key_outside_debug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="default SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True}).testing


def test_production_refuses_to_start_without_stripe_keys(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(RuntimeError, match="STRIPE_SECRET_KEY"):
        make_app(TESTING=False, STRIPE_SECRET_KEY="", PAYMENTS_SIMULATED=False)
    assert (
        make_app(TESTING=False, STRIPE_SECRET_KEY="sk_test_x").config["PAYMENTS_SIMULATED"] is False
    )

"""Test fixtures: one app per session on SQLite (or TEST_DATABASE_URL), clean tables per test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from core import schema_migrations
from core.db import db, drop_schema
from core.extensions import limiter
from core.mail import Mail, outbox
from payments.gateway import init_gateway
from tests.database import empty_tables, postgres_database

TESTS_DIR = Path(__file__).resolve().parent

TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "MAIL_BACKEND": "memory",
    # Per-process counters, reset per test, whatever REDIS_URL the environment sets.
    "RATELIMIT_STORAGE_URI": "memory://",
    # Jobs run right after the commit that wrote them, whatever REDIS_URL the environment sets.
    "JOBS_BACKEND": "inline",
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    "SERVER_NAME": None,
}


# Tests that touch no application database (pure functions, the Stripe simulator with its own
# store, the browser journeys) run in the SQLite pass only: a second pass proves nothing new.
pytest_plugins = ["tests.s3_support", "tests.job_support"]  # S3 server, export storage

DATABASE_INDEPENDENT = (
    TESTS_DIR / "browser",
    TESTS_DIR / "unit" / "judging",
    TESTS_DIR / "unit" / "simulator",
    TESTS_DIR / "unit" / "test_bench_goals.py",
    TESTS_DIR / "unit" / "test_bench_options.py",
    TESTS_DIR / "unit" / "test_markdown.py",
    TESTS_DIR / "unit" / "test_memo.py",
    TESTS_DIR / "unit" / "test_money.py",
    TESTS_DIR / "unit" / "test_uploads.py",
    TESTS_DIR / "unit" / "test_storage_contract.py",
    TESTS_DIR / "unit" / "test_suppression.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if any(path == item.path or path in item.path.parents for path in DATABASE_INDEPENDENT):
            item.add_marker(pytest.mark.database_independent)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """TEST_DATABASE_URL (one database per xdist worker), else a SQLite file per worker."""
    url = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    elif worker is None:
        yield url
    else:
        # Each xdist worker on a database of its own, named after the given one.
        with postgres_database(url, f"{sa.make_url(url).database}_{worker}") as own:
            yield own


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        _reset_schema()
        schema_migrations.upgrade()  # the schema users get, search triggers and indexes included
    yield app
    with app.app_context():
        db.session.remove()
        _reset_schema()


def _reset_schema() -> None:
    drop_schema()


@pytest.fixture(autouse=True)
def _app_context(app: Flask, web_app: Flask) -> Iterator[None]:
    # A fresh Stripe simulator per test: idempotency keys are derived from row ids, which
    # restart when the tables are emptied, so a simulator kept across tests would replay them.
    init_gateway(app)
    init_gateway(web_app)
    with app.app_context():
        limiter.reset()
        outbox().clear()
        yield
        empty_tables()


@pytest.fixture(scope="session")
def web_app(app: Flask, database_url: str) -> Flask:
    """The app that serves test-client requests.

    It is a second instance so each request pushes its own app context (own ``g`` and
    database session) instead of reusing the test's, as in production.
    """
    return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url})


@pytest.fixture
def client(web_app: Flask) -> FlaskClient:
    return web_app.test_client()


@pytest.fixture
def make_app(database_url: str) -> Callable[..., Flask]:
    """A second app on the same database with different settings (CSRF on, for example)."""

    def factory(**overrides: Any) -> Flask:
        return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})

    return factory


@pytest.fixture
def mails() -> list[Mail]:
    return outbox()


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str | None = None) -> Any:
        from tests.factories import PASSWORD

        return self.client.post("/login", data={"email": email, "password": password or PASSWORD})

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)

"""Mail under the log backend reaches the server's output, under `flask run` and gunicorn alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from accounts.models import User
from bench.servers import ServerProcess
from core.db import db
from tests.servers import Browser, debug_env, flask_run, gunicorn, links_in, production_env

SIGNUP = {
    "email": "ada@example.org",
    "display_name": "Ada",
    "handle": "ada",
    "password": "analytical-engine-1843",
    "accept_terms": "y",
}


@pytest.fixture(params=["flask run --debug", "gunicorn"])
def server(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> Iterator[ServerProcess]:
    if request.param == "gunicorn":
        server = gunicorn(tmp_path, production_env(database_url, tmp_path, MAIL_BACKEND="log"))
    else:
        server = flask_run(tmp_path, debug_env(database_url, tmp_path, MAIL_BACKEND="log"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_new_user_verifies_with_the_link_printed_in_the_server_output(
    server: ServerProcess,
) -> None:
    browser = Browser(server.base_url)
    response = browser.submit("/signup", SIGNUP)
    assert "We sent you a link to confirm" in response.text
    links = list(links_in(server.output(), "/verify/"))
    assert links, f"no verification link in the server output:\n{server.log_tail()}"
    assert links[0].startswith(server.base_url)

    response = browser.get(links[0])
    assert "your e-mail address is confirmed" in response.text
    assert "E-mail confirmed" in response.text
    verified = db.session.scalar(sa.select(User.email_verified_at).filter_by(handle="ada"))
    assert verified is not None

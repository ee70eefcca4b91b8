"""The API keeps its OpenAPI promises: schemathesis runs every check against a live server
with the demo data (challenges, entries, results) and finds nothing."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from core.db import db
from submissions.models import Submission, SubmissionVersion

# Links saved before links were checked for spaces and non-ASCII: the API must still answer
# them as valid URIs, as the document promises.
LEGACY_LINKS = "https://example.org/a file.pdf\nhttps://bücher.example/straße?q=ü"


@pytest.fixture
def live_api(web_app: Flask) -> Iterator[str]:
    from accounts import demo as accounts_demo
    from challenges import demo as challenges_demo
    from judging import demo as judging_demo
    from payments import demo as payments_demo
    from submissions import demo as submissions_demo

    accounts_demo.seed()
    challenges_demo.seed()
    submissions_demo.seed()
    payments_demo.seed(web_app.config["PLATFORM_FEE_BPS"])
    judging_demo.seed()
    db.session.execute(sa.update(SubmissionVersion).values(links=LEGACY_LINKS))
    db.session.execute(sa.update(Submission).values(links=LEGACY_LINKS))
    db.session.commit()
    server = make_server("127.0.0.1", 0, web_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def test_schemathesis_finds_no_failure_with_all_checks(live_api: str, tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{live_api}/api/v1/openapi.json",
        "--checks=all",
        "--max-examples=40",
        "--seed=20261204",  # reproducible: the same requests on every run
        "--workers=1",
        "--generation-database=none",
        "--no-color",
        f"--report-dir={tmp_path}",
    ]
    # Run from tmp_path: schemathesis keeps a cache folder in its working directory.
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout[-12_000:] + result.stderr[-2_000:]
    assert "No issues found" in result.stdout or " passed" in result.stdout


def test_wrong_methods_are_a_405_with_allow(client: FlaskClient) -> None:
    for url in ("/api/v1/challenges", "/api/v1/winners", "/api/v1/submissions/1"):
        response = client.put(url)
        assert response.status_code == 405, url
        assert response.mimetype == "application/problem+json"
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
        options = client.options(url)
        assert set(options.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_unknown_api_addresses_are_a_404_problem_that_points_to_the_document(
    client: FlaskClient,
) -> None:
    for method in ("get", "post", "delete"):
        response = getattr(client, method)("/api/v1/nothing/here")
        assert response.status_code == 404
        assert "openapi.json" in response.get_json()["detail"]

"""Counting the SQL statements a request runs, for "queries do not grow with data" tests."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.db import db


def count_queries(app_for_requests: Flask, client: FlaskClient, url: str) -> int:
    """Statements executed while ``client`` GETs ``url`` (which must answer 200)."""
    statements: list[str] = []
    with app_for_requests.app_context():
        engine = db.engine

    def listener(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements)

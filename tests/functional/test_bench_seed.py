"""The bench's seeders build a database the app serves: every bench page answers 200 on a small
seed, signed in through the real login where the page needs it (the seeder once wrote users
without names and stopped on its first insert)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from bench.client import refusal
from bench.pages import PAGES
from bench.seed import SEEDERS
from bench.seed_base import BENCH_PASSWORD, Sizes
from bench.servers import Response
from core.db import db

TINY = Sizes(users=80, orgs=8, challenges=40, submissions=600, judged_entries=30)
PER_PAGE = 2  # so the gallery's page 50 exists in a small seed


@pytest.fixture
def seeded(app: Flask, web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    for served in (app, web_app):
        monkeypatch.setitem(served.config, "PER_PAGE", PER_PAGE)
    for seeder in SEEDERS:
        seeder(db.session(), TINY)
    db.session.commit()


def test_seeded_people_have_their_names(seeded: None) -> None:
    names = db.session.scalars(sa.select(User.display_name).order_by(User.id).limit(2)).all()
    assert names == ["Bench User 0", "Bench User 1"]


def test_every_bench_page_answers_200_on_seeded_data(seeded: None, client: FlaskClient) -> None:
    for page in PAGES:
        path = page.resolve(db.session())
        email = page.account(db.session())
        client.post("/logout")
        if email is not None:
            signed_in = client.post("/login", data={"email": email, "password": BENCH_PASSWORD})
            assert signed_in.status_code == 302, page.name
        response = client.get(path)
        seen = Response(response.status_code, list(response.headers.items()), b"")
        problem = refusal(path, seen, signed_in=email is not None)
        if page.name == "results_deep":
            # Page 150 of 50 rows needs 7,500 ranked entries; a small seed has one page, and
            # a page past the end is sent to the last one.
            assert response.status_code == 302, problem
            assert response.headers["Location"].endswith("/results")
        else:
            assert problem is None, f"{page.name}: {problem}"

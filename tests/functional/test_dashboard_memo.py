"""The dashboard reuses its per-entry tallies and reliability statistics while the challenge's
inputs stand still (issue 11: 0.5 s -> 0.05 s at 10k entries); a new review, a voided
assignment or a renamed judge shows on the very next view."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from core.db import db
from judging import services
from judging.models import Assignment
from tests.conftest import AuthActions
from tests.judging_support import World, move, person, seat_judge, sponsor_world, submit_entry

DASHBOARD = "/challenges/grid/judging"


@pytest.fixture
def world() -> World:
    base = sponsor_world(k=2)
    for n in (1, 2, 3):
        submit_entry(base.challenge, person(f"solver{n}"), title=f"Entry {n}")
    for handle in ("judge1", "judge2"):
        seat_judge(base, person(handle))
    move(base.challenge, "judging")
    services.assign_judges(actor=base.owner, challenge=base.challenge)
    db.session.commit()
    return base


def _review_all(world: World, judge_index: int) -> None:
    judge = world.judges[judge_index]
    criteria = services.criteria_of(world.challenge)
    for row in db.session.scalars(sa.select(Assignment).where(Assignment.judge_id == judge.id)):
        services.save_review(
            actor=judge.user, assignment=row, scores={c.id: 4 for c in criteria}, submit=True
        )
    db.session.commit()


def _reviewed(html: str) -> str:
    found = re.search(r'id="assignments-count">([^<]*)<', html)
    assert found is not None
    return found.group(1)


def test_a_new_review_shows_on_the_next_view(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.owner.email)
    for _ in range(2):  # the second view reads the stored figures
        page = client.get(DASHBOARD).text
        assert _reviewed(page) == "0 of 3 entries fully reviewed"
        assert "From 0 submitted reviews of 0 entries" in page
    _review_all(world, 0)
    _review_all(world, 1)
    page = client.get(DASHBOARD).text
    assert _reviewed(page) == "3 of 3 entries fully reviewed"
    assert "From 6 submitted reviews of 3 entries" in page


def test_a_renamed_judge_shows_under_the_new_name_while_statistics_are_reused(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    _review_all(world, 0)
    auth.login(world.owner.email)
    before = client.get(DASHBOARD).text
    judge = world.judges[0].user
    assert judge.display_name in before
    judge.display_name = "Renamed Reviewer"
    db.session.commit()
    after = client.get(DASHBOARD).text
    assert "Renamed Reviewer" in after

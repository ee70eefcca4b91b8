"""Challenge dates stay within a sane window, and an extreme stored date never breaks a page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from challenges.models import Challenge
from core.db import db
from tests.factories import make_challenge
from tests.functional import challenge_helpers
from tests.functional.challenge_helpers import FORM

WINDOW_MESSAGE = "Choose a date between"
sponsor = challenge_helpers.sponsor  # the signed-in owner of "Helios"


@pytest.mark.parametrize(
    ("zone", "dates", "field"),
    [
        ("UTC", ("2031-01-10T09:00", "9999-12-30T17:00", "9999-12-31T17:00"), "closes_at"),
        ("Europe/Berlin", ("0001-01-01T00:00", "2031-03-10T17:00", "2031-04-10T17:00"), "opens_at"),
        ("America/New_York", ("2031-01-10T09:00", "2031-03-10T17:00", "9999-12-31T23:59"), None),
        ("UTC", ("2020-01-01T00:00", "2031-03-10T17:00", "2031-04-10T17:00"), "opens_at"),
    ],
)
def test_dates_outside_the_window_are_refused_on_the_form(
    client: FlaskClient, sponsor, zone: str, dates: tuple[str, str, str], field: str | None
) -> None:
    opens, closes, judging_ends = dates
    data = {
        **FORM,
        "timezone": zone,
        "opens_at": opens,
        "closes_at": closes,
        "judging_ends_at": judging_ends,
    }
    response = client.post("/challenges/new", data=data)
    assert response.status_code == 422
    assert WINDOW_MESSAGE in response.text
    assert "Cheap Grid Storage" in response.text  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Challenge)) == 0


def test_a_published_rules_change_cannot_move_the_deadline_to_year_9999(
    client: FlaskClient, sponsor
) -> None:
    _, org = sponsor
    challenge = make_challenge(org, slug="grid")
    data = {
        **FORM,
        "title": challenge.title,
        "timezone": "UTC",
        "opens_at": challenge.opens_at.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": "9999-12-30T00:00",
        "judging_ends_at": "9999-12-31T00:00",
        "tiers-0-amount": "10000",
        "tiers-1-amount": "5000",
        "change_note": "More time for everyone.",
        "currency": "USD",
        "solution_visibility": challenge.solution_visibility,
        "judging_transparency": challenge.judging_transparency,
    }
    response = client.post("/challenges/grid/edit", data=data)
    assert response.status_code == 422
    assert WINDOW_MESSAGE in response.text
    db.session.refresh(challenge)
    assert challenge.closes_at.year < 9999 and challenge.rules_version == 1


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "America/Los_Angeles", "UTC"])
def test_extreme_stored_dates_show_for_viewers_in_any_zone(
    client: FlaskClient, sponsor, zone: str
) -> None:
    """Rows saved before the window existed: year 1 and year 9999, at the edges of datetime."""
    _, org = sponsor
    challenge = make_challenge(org, slug="grid")
    challenge.opens_at = datetime(1, 1, 1, 0, 0, tzinfo=UTC)
    challenge.closes_at = datetime(9999, 12, 31, 22, 0, tzinfo=UTC)
    challenge.judging_ends_at = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    db.session.commit()
    client.set_cookie("tz", zone)
    for url in ("/challenges/grid", "/challenges", "/challenges/grid/edit", "/orgs/helios"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "9999" in client.get("/challenges/grid").text

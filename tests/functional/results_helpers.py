"""Driving the results pages: compute through the page, build the winners form, read awards."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from challenges.models import PrizeTier
from core.db import db
from judging.results.models import Award, ResultSnapshot
from tests.conftest import AuthActions
from tests.example_support import Example
from tests.job_support import next_link, progress_page

URL = "/challenges/grid/judging/results"


def tiers_of(example: Example) -> list[PrizeTier]:
    return list(example.challenge.prize_tiers)


def computed(example: Example, client: FlaskClient, auth: AuthActions) -> ResultSnapshot:
    """Press "Compute results": the job runs at once here, so its progress page links the
    review of the new snapshot."""
    auth.login(example.world.owner.email)
    page = progress_page(client, client.post(URL))
    snapshot = db.session.scalars(
        sa.select(ResultSnapshot).order_by(ResultSnapshot.id.desc())
    ).first()
    assert "Results computed:" in page.text
    assert next_link(page) == f"{URL}/{snapshot.id}"
    return snapshot


def picks_for(example: Example, *entries: int, reason: str = "") -> dict[str, str]:
    data = {
        f"tier_{tier.id}": str(example.sid(n))
        for tier, n in zip(tiers_of(example), entries, strict=False)
    }
    return {**data, "reason": reason, "approve": "Approve winners"}


def all_awards() -> list[Award]:
    return list(db.session.scalars(sa.select(Award).order_by(Award.amount.desc())))

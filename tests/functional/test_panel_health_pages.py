"""The dashboard's Reliability section and the "Remind late judges" button, for each role."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.db import db, frozen_time
from core.mail import outbox
from judging import services
from judging.models import Assignment, Judge
from tests.conftest import AuthActions
from tests.judging_support import (
    World,
    move,
    person,
    seat_judge,
    sponsor_world,
    submit_entry,
)
from tests.panel_health_support import EXAMPLE, scored_world

ROLES = [
    "anonymous",
    "solver",
    "teammate",
    "judge",
    "other_judge",
    "member",
    "manager",
    "owner",
    "admin",
]
SPONSORS = {"owner", "manager"}
DASHBOARD = "/challenges/grid/judging"
REMIND = "/challenges/grid/judging/remind"


def _email(role: str) -> str:
    return (
        f"{role}@example.org"
        if role in {"member", "manager", "owner"}
        else f"{role}@{role}.example"
    )


@pytest.fixture
def world() -> World:
    """Judging under way: three entries and a team entry (solver + teammate), judges judge1,
    judge2, "judge" and "other_judge" assigned two per entry, judge1 done; a platform admin."""
    base = sponsor_world(k=2)
    for n in (1, 2, 3):
        submit_entry(base.challenge, person(f"solver{n}"), title=f"Entry {n}")
    submit_entry(base.challenge, person("solver"), team=[person("teammate")], title="Team entry")
    person("admin").is_admin = True
    for handle in ("judge1", "judge2", "judge", "other_judge"):
        seat_judge(base, person(handle))
    move(base.challenge, "judging")
    services.assign_judges(actor=base.owner, challenge=base.challenge)
    first = base.judges[0]
    criteria = services.criteria_of(base.challenge)
    for row in db.session.scalars(sa.select(Assignment).where(Assignment.judge_id == first.id)):
        services.save_review(
            actor=first.user, assignment=row, scores={c.id: 3 for c in criteria}, submit=True
        )
    outbox().clear()
    return base


@pytest.mark.parametrize("role", ROLES)
def test_remind_late_judges_permissions(
    client: FlaskClient, auth: AuthActions, world: World, role: str
) -> None:
    if role != "anonymous":
        assert auth.login(_email(role)).status_code == 302
    response = client.post(REMIND)
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in SPONSORS:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"{DASHBOARD}#reliability")
        assert outbox(), "late judges were mailed"
    else:
        assert response.status_code == 403, response.text[:300]
        assert not [mail for mail in outbox() if "Reminder" in mail.subject]


@pytest.mark.parametrize("role", ROLES)
def test_the_reliability_section_shows_on_the_dashboard_for_whoever_sees_it(
    client: FlaskClient, auth: AuthActions, world: World, role: str
) -> None:
    if role != "anonymous":
        auth.login(_email(role))
    response = client.get(DASHBOARD)
    if role == "anonymous":
        assert response.status_code == 302
        return
    if role not in SPONSORS | {"admin"}:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert 'id="reliability"' in response.text
    assert ("Remind late judges" in response.text) == (role in SPONSORS)


def test_the_sponsor_reminds_late_judges_once_a_day_from_the_dashboard(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login("manager@example.org")
    page = client.get(DASHBOARD).text
    assert "3 judges have unfinished reviews" in page and "3 can be reminded now" in page
    assert 'data-confirm="E-mail every judge with unfinished reviews' in page
    response = client.post(REMIND, follow_redirects=True)
    assert "Reminded 3 judges." in response.text
    late = db.session.scalars(
        sa.select(Judge.email)
        .join(Assignment, Assignment.judge_id == Judge.id)
        .where(Assignment.state != "submitted")
        .distinct()
    ).all()
    assert sorted(mail.to for mail in outbox()) == sorted(late)
    assert world.judges[0].email not in late
    assert "0 can be reminded now" in response.text
    response = client.post(REMIND, follow_redirects=True)
    assert (
        "Nobody to remind: every judge is done or was reminded in the last 24 hours."
        in response.text
    )
    assert len(outbox()) == 3


def test_after_judging_ends_the_button_is_gone_and_a_late_post_is_refused(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login("owner@example.org")
    with frozen_time(world.challenge.judging_ends_at):
        assert "Remind late judges" not in client.get(DASHBOARD).text
        response = client.post(REMIND, follow_redirects=True)
    assert response.status_code == 200
    assert "reviews can no longer be submitted" in response.text
    assert outbox() == []


def test_the_remind_button_needs_the_csrf_token(
    make_app: Callable[..., Flask], world: World
) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    AuthActions(client).login("owner@example.org")
    assert client.post(REMIND).status_code == 400
    assert outbox() == []


def test_the_dashboard_shows_both_alphas_the_chart_and_the_table_from_real_reviews(
    client: FlaskClient, auth: AuthActions
) -> None:
    scored_world(EXAMPLE, names=["<script>alert(1)</script>", "Bea", "Cy"])
    auth.login("owner@example.org")
    response = client.get(DASHBOARD)
    page = response.text
    section = page[
        page.index('id="reliability"') : page.index("</section>", page.index('id="reliability"'))
    ]
    assert "<strong>0.098</strong> · low agreement: treat rankings with care" in section
    assert "<strong>0.514</strong>" in section
    assert "0.8 or more: judges agree; below 0.667: treat rankings with care" in section
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in section and 'role="img"' in section
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert re.search(r"Bea &lt;judge2@judge2.example&gt;</th>\s*<td>3 / 3</td>", section)
    assert "<td>+8.0</td>" in section and "<td>-8.3</td>" in section  # the table
    assert ">+8.0</text>" in section and ">−8.3</text>" in section  # the chart
    assert "style=" not in section
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_before_enough_reviews_overlap_the_section_says_so_instead_of_a_number(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login("owner@example.org")
    page = client.get(DASHBOARD).text
    assert "Not enough overlapping reviews yet" in page
    assert "<svg" not in page and "Krippendorff" not in page

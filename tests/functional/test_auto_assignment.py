"""Judges are assigned when the deadline passes: on the next judging page or from cron, once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.db import db
from judging.models import Assignment, AssignmentState
from judging.panel.auto_assign import assign_due_judges
from tests.concurrency import race_on_challenge
from tests.conftest import AuthActions
from tests.factories import PASSWORD
from tests.judging_support import judging_world, move, person, seat_judge

BEFORE_DEADLINE = "They come after the submission deadline"


def _standing() -> list[tuple[int, int]]:
    db.session.expire_all()
    return sorted(
        db.session.execute(
            sa.select(Assignment.judge_id, Assignment.submission_id).where(
                Assignment.state != AssignmentState.VOID
            )
        ).all()
    )


def test_a_judge_finds_entries_after_the_deadline_without_the_sponsor_pressing_assign(
    client: FlaskClient, auth: AuthActions, mails
) -> None:
    world = judging_world(entry_count=2, judge_count=2, k=1)
    auth.login(world.judges[0].email)
    page = client.get("/judging").text
    assert BEFORE_DEADLINE not in page
    labels = db.session.scalars(
        sa.select(Assignment.blind_label).where(Assignment.judge_id == world.judges[0].id)
    ).all()
    assert labels and all(label in page for label in labels)
    assert len(_standing()) == 2  # k=1 for each of the 2 entries
    assert any("Entries to review" in mail.subject for mail in mails)


def test_the_sponsor_dashboard_assigns_too_and_says_so(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=2, judge_count=2, k=2)
    auth.login(world.owner.email)
    page = client.get("/challenges/grid/judging").text
    assert len(_standing()) == 4
    assert "Judges were assigned automatically" in page and "Entry #" in page


def test_before_the_deadline_nothing_is_assigned(client: FlaskClient, auth: AuthActions) -> None:
    world = judging_world(entry_count=2, judge_count=2, k=1)
    move(world.challenge, "open")
    auth.login(world.judges[0].email)
    assert BEFORE_DEADLINE in client.get("/judging").text
    assert assign_due_judges() == []
    assert _standing() == []


def test_assigning_twice_gives_one_set_and_the_command_reports_it(app: Flask) -> None:
    judging_world(entry_count=3, judge_count=2, k=2)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["judging", "assign-due"])
    assert first.exit_code == 0 and "grid: 6 new assignments" in first.output
    once = _standing()
    second = runner.invoke(args=["judging", "assign-due"])
    assert second.exit_code == 0 and "nothing to assign" in second.output
    assert _standing() == once and len(once) == 6


def test_a_judge_who_joins_during_judging_takes_the_empty_slots_and_the_button_still_runs(
    client: FlaskClient, auth: AuthActions, mails
) -> None:
    world = judging_world(entry_count=2, judge_count=1, k=2)
    [(_, report)] = assign_due_judges()
    assert (report.created, report.shortfall) == (2, 2)
    latecomer = seat_judge(world, person("latecomer"))
    assert assign_due_judges() == []  # the deadline run happened once
    standing = _standing()
    assert len(standing) == 4 and sum(1 for j, _ in standing if j == latecomer.id) == 2
    assert any(m.to == latecomer.email and "Entries to review" in m.subject for m in mails)
    auth.login(world.owner.email)
    board = client.get("/challenges/grid/judging").text
    assert "Assign judges</button>" in board
    again = client.post("/challenges/grid/judging/assign", follow_redirects=True)
    assert "0 new assignments; 4 kept. No judge slot is empty" in again.text
    assert _standing() == standing


def test_without_judges_it_waits_and_the_first_to_accept_starts_it() -> None:
    world = judging_world(entry_count=2, judge_count=0, k=1)
    assert assign_due_judges() == []
    seat_judge(world, person("judge1"))  # accepting after the deadline runs it
    assert len(_standing()) == 2
    assert assign_due_judges() == []


def test_concurrent_page_views_at_the_deadline_make_one_set(
    web_app: Flask, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the row lock that serialises the runs is PostgreSQL's")
    world = judging_world(entry_count=3, judge_count=2, k=2)
    clients = [web_app.test_client(), web_app.test_client()]
    for client, judge in zip(clients, world.judges, strict=True):
        login = {"email": judge.email, "password": PASSWORD}
        assert client.post("/login", data=login).status_code == 302
    calls = [lambda c=c: c.get("/judging").status_code for c in clients]
    statuses = race_on_challenge(database_url, world.challenge.id, calls)
    assert statuses == [200, 200]
    standing = _standing()
    assert len(standing) == 6 and len(set(standing)) == 6

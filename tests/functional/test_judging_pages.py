"""Judging pages end to end: rubric, invitation, assignment, blind review, the panel's scores."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from core.db import db, frozen_time
from judging.models import Assignment, Criterion, Judge, JudgeStatus, JudgingSettings
from tests.conftest import AuthActions
from tests.factories import PASSWORD, make_challenge, make_org, make_user
from tests.judging_support import judging_world

FULL = {"Impact": "5", "Feasibility": "3", "Novelty": "4", "Clarity": "2"}


def _criterion_rows(rows: list[tuple[str, str]]) -> dict[str, str]:
    data: dict[str, str] = {}
    for n, (name, weight) in enumerate(rows):
        data |= {f"criteria-{n}-name": name, f"criteria-{n}-weight": weight}
    return data


def test_sponsor_builds_the_rubric_with_added_rows(client: FlaskClient, auth: AuthActions) -> None:
    owner = make_user("owner")
    make_challenge(make_org("Helios", owner=owner, slug="helios"), slug="grid", phase="upcoming")
    auth.login(owner.email)
    page = client.get("/challenges/grid/judging").text
    assert 'for="criteria-0-name"' in page and 'for="criteria-2-anchor_high"' in page
    assert "criteria-3-name" not in page
    added = client.post(
        "/challenges/grid/judging/rubric",
        data={**_criterion_rows([("Impact", "3")]), "k": "3", "add_row": "1"},
    )
    assert added.status_code == 200 and 'id="criteria-1-name"' in added.text
    twice = _criterion_rows([("Impact", "3"), ("impact", "1")])
    refused = client.post("/challenges/grid/judging/rubric", data={**twice, "k": "3", "save": "1"})
    assert refused.status_code == 422 and "names must differ" in refused.text
    data = {**_criterion_rows([("Impact", "3"), ("Cost", "1"), ("", "")]), "k": "2"}
    saved = client.post("/challenges/grid/judging/rubric", data={**data, "passing_score": "40"})
    assert saved.status_code == 302
    assert [
        c.name for c in db.session.scalars(sa.select(Criterion).order_by(Criterion.position))
    ] == [
        "Impact",
        "Cost",
    ]
    settings = db.session.scalars(sa.select(JudgingSettings)).one()
    assert (settings.k, settings.passing_score, settings.blind_review) == (2, 40.0, False)
    assert "Judging: rubric" in client.get("/challenges/grid").text


def test_invited_judge_accepts_with_an_attestation(
    client: FlaskClient, auth: AuthActions, mails
) -> None:
    owner = make_user("owner")
    make_challenge(make_org("Helios", owner=owner, slug="helios"), slug="grid")
    judy = make_user("judy")
    auth.login(owner.email)
    assert (
        client.post(
            "/challenges/grid/judging/judges", data={"email": "judy@example.org"}
        ).status_code
        == 302
    )
    link = re.search(r"/judging/invitations/\d+", mails[-1].body).group(0)
    auth.logout()
    auth.login(judy.email)
    assert 'href="/judging"' in client.get("/").text
    assert link in client.get("/judging").text
    page = client.get(link).text
    assert 'for="conflicts"' in page and 'for="attest"' in page and 'for="conflict_orgs"' in page
    refused = client.post(link, data={"conflicts": "@ada"})
    assert refused.status_code == 422 and "Attest that you have no conflicts" in refused.text
    accepted = client.post(link, data={"conflicts": "@ada", "attest": "y"})
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith("/judging")
    db.session.expire_all()
    judge = db.session.scalars(sa.select(Judge)).one()
    assert judge.status == JudgeStatus.ACCEPTED and judge.declared_conflicts == "@ada"


def _review_data(assignment: Assignment, values: dict[str, str], **extra: str) -> dict[str, str]:
    by_name = {
        c.name: c.id for c in db.session.scalars(sa.select(Criterion).order_by(Criterion.position))
    }
    return {f"score_{by_name[name]}": value for name, value in values.items()} | extra


def test_judges_review_blind_and_see_the_panel_after_submitting(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=1, judge_count=2, k=2)
    auth.login(world.owner.email)
    assigned = client.post("/challenges/grid/judging/assign", follow_redirects=True)
    assert "2 new assignments" in assigned.text and "Entry #" in assigned.text
    rows = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).all()
    first, second = rows
    auth.logout()
    auth.login(first.judge.email)
    assert first.blind_label in client.get("/judging").text
    url = f"/judging/assignments/{first.id}"
    page = client.get(url).text
    assert first.blind_label in page and "Entry 1" in page and "<strong>works</strong>" in page
    assert (
        "How much it matters." in page and "No real effect" in page and "Changes the field" in page
    )
    assert "Score for Impact" in page and "Save draft" in page
    assert "solver1" not in page.lower()
    draft = client.post(url, data=_review_data(first, {"Impact": "4"}, save_draft="1"))
    assert draft.status_code == 302
    assert re.search(r'value="4"[^>]*checked|checked[^>]*value="4"', client.get(url).text)
    missing = client.post(url, data=_review_data(first, {"Impact": "4"}, submit_review="1"))
    assert missing.status_code == 422 and "missing: Feasibility, Novelty, Clarity" in missing.text
    done = client.post(
        url, data=_review_data(first, FULL, submit_review="1"), follow_redirects=True
    )
    assert "Review submitted." in done.text and "72.5" in done.text
    assert "No other judge has submitted" in done.text
    assert client.post(url, data=_review_data(first, FULL, submit_review="1")).status_code == 409
    auth.logout()
    auth.login(second.judge.email)
    other = f"/judging/assignments/{second.id}"
    client.post(other, data=_review_data(second, {k: "1" for k in FULL}, submit_review="1"))
    panel = client.get(other).text
    assert "you are J2" in panel and ">J1<" in panel and "72.5" in panel


def test_without_blind_review_the_judge_sees_the_team(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=1, judge_count=1, k=1)
    db.session.get(JudgingSettings, world.challenge.id).blind_review = False
    db.session.commit()
    auth.login(world.owner.email)
    client.post("/challenges/grid/judging/assign")
    assignment = db.session.scalars(sa.select(Assignment)).one()
    auth.logout()
    auth.login(assignment.judge.email)
    assert "Team: Solver1" in client.get(f"/judging/assignments/{assignment.id}").text


def test_sponsor_sees_progress_and_swaps_a_judge(client: FlaskClient, auth: AuthActions) -> None:
    world = judging_world(entry_count=2, judge_count=3, k=1)
    auth.login(world.owner.email)
    client.post("/challenges/grid/judging/assign")
    row = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).first()
    spare = next(j for j in world.judges if j.id != row.judge_id)
    page = client.get("/challenges/grid/judging").text
    assert f'for="swap-{row.id}-judge"' in page and "data-confirm" in page and "0 / 1" in page
    swapped = client.post(
        f"/challenges/grid/judging/assignments/{row.id}/swap",
        data={f"swap-{row.id}-judge": str(spare.id)},
        follow_redirects=True,
    )
    assert "has a new judge" in swapped.text and "Replaced by the sponsor." in swapped.text


def test_judging_posts_need_a_csrf_token(make_app, auth: AuthActions) -> None:
    world = judging_world(entry_count=1, judge_count=1, k=1)
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    login = {"email": world.owner.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    assert client.post("/challenges/grid/judging/assign").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0


def test_the_entry_page_does_not_name_the_team_to_a_blind_judge(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=1, judge_count=1, k=1)
    auth.login(world.owner.email)
    client.post("/challenges/grid/judging/assign")
    assignment = db.session.scalars(sa.select(Assignment)).one()
    auth.logout()
    auth.login(assignment.judge.email)
    page = client.get(f"/submissions/{assignment.submission_id}")
    assert page.status_code == 200 and "Entry 1" in page.text
    assert "solver1" not in page.text.lower()


@pytest.mark.parametrize("score", ["nan", "NaN", "inf", "-Infinity", "1e400"])
def test_a_passing_score_that_is_not_a_number_is_refused_on_the_form(
    client: FlaskClient, auth: AuthActions, score: str
) -> None:
    owner = make_user("owner")
    make_challenge(make_org("Helios", owner=owner, slug="helios"), slug="grid", phase="upcoming")
    auth.login(owner.email)
    data = {**_criterion_rows([("Impact", "3")]), "k": "2", "passing_score": score, "save": "1"}
    refused = client.post("/challenges/grid/judging/rubric", data=data)
    assert refused.status_code == 422 and "Number must be between 0 and 100." in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == 0


def test_a_review_sent_after_judging_closed_keeps_the_typed_text_and_says_why(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=1, judge_count=1, k=1)
    auth.login(world.owner.email)
    client.post("/challenges/grid/judging/assign")
    assignment = db.session.scalars(sa.select(Assignment)).one()
    auth.logout()
    auth.login(assignment.judge.email)
    url = f"/judging/assignments/{assignment.id}"
    feedback = "A careful model; the field trial needs a second site."
    late = world.challenge.judging_ends_at + timedelta(seconds=1)
    with frozen_time(late):
        refused = client.post(
            url, data=_review_data(assignment, FULL, feedback_to_solver=feedback, submit_review="1")
        )
    assert refused.status_code == 409
    assert "Judging closed at" in refused.text and "copy it" in refused.text
    assert feedback in refused.text
    assert db.session.scalars(sa.select(Assignment)).one().review is None

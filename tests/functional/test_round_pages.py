"""Round pages end to end: settings, screening verdicts, the advance lists, the finalist round."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from core.db import db
from judging.models import Assignment, JudgingSettings, Round, RoundEntry
from tests.conftest import AuthActions
from tests.factories import PASSWORD
from tests.judging_support import sponsor_world
from tests.rounds_support import example_world, screened, screening_world, standing

REASON = "Off topic: this is a wind farm."


def _settings() -> JudgingSettings:
    db.session.expire_all()
    return db.session.scalars(sa.select(JudgingSettings)).one()


def _hidden_entries(page: str) -> str:
    return re.search(r'name="entries"[^>]*value="([^"]*)"', page).group(1)


def test_sponsor_turns_screening_on_and_chooses_the_number_of_finalists(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = sponsor_world()
    auth.login(world.owner.email)
    page = client.get("/challenges/grid/judging").text
    assert 'id="rounds"' in page and 'for="screening"' in page and 'for="finalist_count"' in page
    one = client.post(
        "/challenges/grid/judging/rounds",
        data={"screening": "y", "finalist_count": "1"},
        follow_redirects=True,
    )
    assert "Choose at least 2 finalists." in one.text and not _settings().screening
    saved = client.post(
        "/challenges/grid/judging/rounds",
        data={"screening": "y", "finalist_count": "3"},
        follow_redirects=True,
    )
    assert "Rounds saved." in saved.text and "top 3" in saved.text
    settings = _settings()
    assert (settings.screening, settings.finalist_count) == (True, 3)
    assert settings.current_round == Round.SCREENING


def test_a_screener_passes_or_fails_with_a_reason_instead_of_the_rubric(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = screening_world(entries=1, judges=2)
    auth.login(world.owner.email)
    assigned = client.post("/challenges/grid/judging/screeners", follow_redirects=True)
    assert "1 new assignment;" in assigned.text and "No screener slot is empty" in assigned.text
    first = standing(world.entries[0], Round.SCREENING)[0]
    auth.logout()
    auth.login(first.judge.email)
    assert "screening" in client.get("/judging").text
    url = f"/judging/assignments/{first.id}"
    page = client.get(url).text
    assert 'name="verdict"' in page and "Pass: the entry qualifies" in page
    assert "Score for Impact" not in page and "Screening round" in page
    short = client.post(url, data={"verdict": "fail", "reason": "Too thin", "submit_verdict": "1"})
    assert short.status_code == 422 and "at least 10 characters" in short.text
    done = client.post(
        url,
        data={"verdict": "fail", "reason": REASON, "submit_verdict": "1"},
        follow_redirects=True,
    )
    assert "Verdict submitted." in done.text and "Your verdict: <strong>fail</strong>" in done.text
    db.session.expire_all()
    second = standing(world.entries[0], Round.SCREENING)[1]
    assert second.judge_id != first.judge_id
    auth.logout()
    auth.login(world.owner.email)
    board = client.get("/challenges/grid/judging").text
    assert "pending" in board and REASON in board
    auth.logout()
    auth.login(second.judge.email)
    client.post(
        f"/judging/assignments/{second.id}",
        data={"verdict": "fail", "reason": "Not about storage.", "submit_verdict": "1"},
    )
    seen = client.get(f"/judging/assignments/{second.id}").text
    assert "The other screener" in seen and REASON in seen
    auth.logout()
    auth.login(world.owner.email)
    assert ">out</span>" in client.get("/challenges/grid/judging").text


def test_advancing_shows_the_list_first_and_refuses_while_screening_is_pending(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = screening_world(entries=2, judges=2)
    auth.login(world.owner.email)
    client.post("/challenges/grid/judging/screeners")
    url = "/challenges/grid/judging/advance/evaluation"
    page = client.get(url).text
    assert "Still pending: 2 entries" in page and "still being screened" in page
    assert 'class="btn btn-primary">Advance' not in page
    refused = client.post(url, data={"entries": ""}, follow_redirects=True)
    assert "still being screened" in refused.text
    assert _settings().current_round == Round.SCREENING


def test_sponsor_advances_the_screened_in_entries_and_assigns_only_them(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = screening_world(entries=3, judges=3)
    screened(world)
    auth.login(world.owner.email)
    url = "/challenges/grid/judging/advance/evaluation"
    page = client.get(url).text
    assert "In: 2 entries" in page and "Out: 1 entry failed" in page
    assert "Off topic: a wind farm." in page and "Not about storage." in page
    assert "data-confirm" in page and "Advance 2 entries to evaluation" in page
    shown = _hidden_entries(page)
    stale = client.post(url, data={"entries": str(world.entries[0].id)}, follow_redirects=True)
    assert "The list changed" in stale.text
    done = client.post(url, data={"entries": shown}, follow_redirects=True)
    assert "The evaluation round has begun with 2 entries" in done.text
    assigned = client.post("/challenges/grid/judging/assign", follow_redirects=True)
    assert "4 new assignments" in assigned.text and "evaluation round" in assigned.text
    db.session.expire_all()
    assert [len(standing(e, Round.EVALUATION)) for e in world.entries] == [2, 0, 2]


def test_the_finalist_list_shows_raw_and_calibrated_scores_and_starts_the_round(
    client: FlaskClient, auth: AuthActions
) -> None:
    world, entries, judges = example_world()
    auth.login(world.owner.email)
    client.post("/challenges/grid/judging/rounds", data={"finalist_count": "2"})
    url = "/challenges/grid/judging/advance/finalist"
    page = client.get(url).text
    assert "76.14" in page and "74.87" in page and "79.00" in page  # calibrated and raw
    assert page.index("Entry #000003") < page.index("Entry #000001")
    assert _hidden_entries(page) == f"{entries[3].id},{entries[1].id}"
    done = client.post(url, data={"entries": _hidden_entries(page)}, follow_redirects=True)
    assert "2 finalists, 6 assignments for 3 judges" in done.text
    db.session.expire_all()
    seeds = db.session.scalars(
        sa.select(RoundEntry.seed).where(RoundEntry.round == Round.FINALIST)
    ).all()
    assert sorted(seeds) == [1, 2]
    auth.logout()
    auth.login(judges["A"].email)
    assert "finalist" in client.get("/judging").text
    mine = next(a for a in standing(entries[3], Round.FINALIST) if a.judge_id == judges["A"].id)
    review = client.get(f"/judging/assignments/{mine.id}").text
    assert "Score for Impact" in review and "Finalist round" in review
    assert "scored afresh" in review


def test_advancing_needs_a_csrf_token(make_app) -> None:
    world = screening_world(entries=3, judges=3)
    screened(world)
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    login = {"email": world.owner.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    response = client.post("/challenges/grid/judging/advance/evaluation", data={"entries": ""})
    assert response.status_code == 400
    assert _settings().current_round == Round.SCREENING
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 5

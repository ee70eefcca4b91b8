"""Public results pages: a challenge's results, the winners across challenges, the challenge
page's box; publication, openness, pagination, query counts and the permission matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.db import db, utcnow
from judging.results.models import SnapshotState
from tests.conftest import AuthActions
from tests.factories import make_org, make_user
from tests.judging_support import person, seat_judge
from tests.queries import count_queries
from tests.results_support import (
    PANEL_NOTE,
    add_rows,
    awarded_challenge,
    bare_entries,
    feedback_text,
    freeze,
    judged_world,
    publish,
)

RESULTS = "/challenges/grid/results"


def test_results_show_each_winner_with_prize_team_payout_status_and_solution_link(
    client: FlaskClient,
) -> None:
    world = judged_world()
    publish(world)
    page = client.get(RESULTS)
    assert page.status_code == 200
    html = page.text
    first, second = world.entries[0], world.entries[1]
    assert "First prize" in html and "$10,000" in html
    assert "Second prize" in html and "$5,000" in html
    assert html.count("payout pending") == 2
    assert f'href="/submissions/{first.id}"' in html and "Entry 1" in html
    assert f'href="/submissions/{second.id}"' in html
    # Team names link to profiles, teammate included: winners are public despite blind review.
    assert 'href="/u/solver1"' in html and 'href="/u/mate1"' in html and "Mate1" in html
    assert "Entry 3" not in html  # not a winner, and scores are not public here
    assert "Scores calibrated for judge leniency (ridge, λ=2)." in html
    assert PANEL_NOTE not in html and feedback_text(1, 1) not in html


def test_results_are_404_before_publication_but_the_sponsor_sees_a_notice(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judged_world()
    publish(world, state=SnapshotState.COMPUTED)
    assert world.challenge.awarded_at is None
    assert client.get(RESULTS).status_code == 404
    auth.login("solver1@solver1.example")
    assert client.get(RESULTS).status_code == 404
    auth.logout()
    auth.login("owner@example.org")
    page = client.get(RESULTS)
    assert page.status_code == 200
    assert "not published yet" in page.text
    assert 'href="/challenges/grid/judging"' in page.text
    assert "First prize" not in page.text


def test_an_org_member_without_a_sponsor_role_sees_the_notice_without_the_dashboard_link(
    client: FlaskClient, auth: AuthActions
) -> None:
    judged_world()
    auth.login("member@example.org")
    page = client.get(RESULTS)
    assert page.status_code == 200 and "not published yet" in page.text
    assert "/challenges/grid/judging" not in page.text


def test_a_set_award_date_without_a_decided_snapshot_publishes_nothing(
    client: FlaskClient,
) -> None:
    world = judged_world()
    publish(world, state=SnapshotState.COMPUTED)
    world.challenge.awarded_at = utcnow()
    db.session.commit()
    assert client.get(RESULTS).status_code == 404
    assert 'id="challenge-results"' not in client.get("/challenges/grid").text


def test_unknown_challenges_have_no_results_page(client: FlaskClient) -> None:
    assert client.get("/challenges/nowhere/results").status_code == 404


def test_a_sponsor_only_winner_is_named_but_its_solution_shows_only_to_those_who_may_read_it(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judged_world(visibility="sponsor_only")
    publish(world)
    entry = world.entries[0]
    html = client.get(RESULTS).text
    assert "First prize" in html and 'href="/u/solver1"' in html
    assert "Entry 1" not in html and f'href="/submissions/{entry.id}"' not in html
    assert "not public under this challenge's openness profile" in html
    assert client.get(f"/submissions/{entry.id}").status_code == 404
    auth.login("owner@example.org")
    sponsor = client.get(RESULTS).text
    assert "Entry 1" in sponsor and f'href="/submissions/{entry.id}"' in sponsor


def test_the_sponsors_change_to_the_computed_order_is_published_with_its_reason(
    client: FlaskClient,
) -> None:
    world = judged_world()
    reason = "Entry 2 alone met the safety requirement in rule 4."
    publish(world, picks=[world.entries[1], world.entries[0]], reason=reason)
    html = client.get(RESULTS).text
    assert "The sponsor changed the computed order: " in html and reason in html
    assert html.index("Entry 2") < html.index("Entry 1")


def test_rank_order_awards_carry_no_adjustment_note(client: FlaskClient) -> None:
    world = judged_world()
    publish(world)
    assert "changed the computed order" not in client.get(RESULTS).text


def test_declined_results_say_no_prize_was_awarded_and_stay_off_the_winners_page(
    client: FlaskClient,
) -> None:
    world = judged_world()
    publish(world, state=SnapshotState.DECLINED, reason="No entry reached the passing score.")
    html = client.get(RESULTS).text
    assert "No prize was awarded: No entry reached the passing score." in html
    assert "payout pending" not in html
    assert "Results published" in client.get("/challenges/grid").text
    assert "No winners have been announced yet" in client.get("/winners").text


def test_scores_public_shows_the_full_ranked_table_with_raw_means_and_finalists(
    client: FlaskClient,
) -> None:
    world = judged_world(transparency="scores_public")
    publish(world, finalists=2)
    html = client.get(RESULTS).text
    assert 'id="ranked-table"' in html
    for text in ("91.23", "90.12", "89.01", "84.13", "Entry 3", "Impact", "Clarity", "4.89"):
        assert text in html
    assert html.count(">Finalist<") == 2 + 2  # two winner cards and two table rows
    assert "raw means shown beside them" in html


@pytest.mark.parametrize("transparency", ["scores_to_solver", "private"])
def test_without_public_scores_only_the_winners_are_shown(
    client: FlaskClient, transparency: str
) -> None:
    world = judged_world(transparency=transparency)
    publish(world)
    html = client.get(RESULTS).text
    assert 'id="ranked-table"' not in html and "91.23" not in html
    assert "Only the winners are published." in html
    assert "First prize" in html


def test_the_ranked_table_shows_fifty_entries_per_page(client: FlaskClient) -> None:
    world = judged_world(transparency="scores_public", entry_count=1, judge_count=1)
    entries = world.entries + bare_entries(world.challenge, 59)
    freeze(world.challenge, entries, judge_ids=[world.judges[0].id])
    first = client.get(RESULTS).text
    assert first.count("<tr>") == 50 + 1  # the header row and fifty ranked rows
    assert "Filler 49<" in first and "Filler 50<" not in first
    assert "60 ranked entries" in first and 'href="/challenges/grid/results?page=2"' in first
    second = client.get(RESULTS + "?page=2").text
    assert second.count("<tr>") == 10 + 1
    assert "Filler 50<" in second and "Filler 59<" in second and "Filler 49<" not in second
    past_end = client.get(RESULTS + "?page=9")  # past the end: the last page, saying why
    assert past_end.status_code == 302 and past_end.headers["Location"] == RESULTS + "?page=2"


def test_results_queries_do_not_grow_with_ranked_rows(web_app: Flask, client: FlaskClient) -> None:
    world = judged_world(transparency="scores_public", entry_count=1, judge_count=1)
    published = freeze(
        world.challenge,
        world.entries + bare_entries(world.challenge, 3),
        judge_ids=[world.judges[0].id],
    )
    client.get(RESULTS)  # warm up
    small = count_queries(web_app, client, RESULTS)
    more = bare_entries(world.challenge, 45, owner=person("filler_more"))
    add_rows(published.snapshot, more, first_rank=5)
    db.session.commit()
    html = client.get(RESULTS).text
    assert "49 ranked entries" in html
    assert count_queries(web_app, client, RESULTS) == small


def test_the_challenge_page_announces_the_winners_once_published(client: FlaskClient) -> None:
    world = judged_world()
    assert 'id="challenge-results"' not in client.get("/challenges/grid").text
    publish(world)
    html = client.get("/challenges/grid").text
    box = html[html.index('id="challenge-results"') :]
    assert "Winners announced" in box
    assert "First prize" in box and "Entry 1" in box and "$10,000" in box
    assert 'href="/challenges/grid/results"' in box


def test_the_winners_page_lists_awarded_challenges_newest_first(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    now = utcnow()
    awarded_challenge(
        org,
        make_user("ada"),
        title="Older prize",
        entry_title="Tide engine",
        at=now - timedelta(days=30),
    )
    awarded_challenge(
        org,
        make_user("bo"),
        title="Newer prize",
        entry_title="Sand battery",
        at=now - timedelta(days=1),
    )
    html = client.get("/winners").text
    assert html.index("Newer prize") < html.index("Older prize")
    assert "Sand" in html and "Tide" in html and 'href="/u/ada"' in html
    assert "First prize" in html and "$10,000" in html
    assert 'href="/challenges/' in html and "/results" in html


def test_the_winners_page_has_an_empty_state_and_a_nav_link(client: FlaskClient) -> None:
    html = client.get("/winners").text
    assert "No winners have been announced yet" in html
    assert 'href="/winners">Winners</a>' in client.get("/").text


def test_the_winners_page_shows_twenty_challenges_per_page(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    solver = make_user("solver")
    now = utcnow()
    for n in range(23):
        awarded_challenge(
            org,
            solver,
            title=f"Prize {n:02d}",
            entry_title=f"Idea {n:02d}",
            at=now - timedelta(hours=n),
        )
    first = client.get("/winners").text
    assert first.count('class="card mb-3 winners-challenge"') == 20
    assert "Prize 00" in first and "Prize 19" in first and "Prize 20" not in first
    second = client.get("/winners?page=2").text
    assert second.count('class="card mb-3 winners-challenge"') == 3 and "Prize 22" in second


def test_the_winners_page_queries_do_not_grow_with_challenges(
    web_app: Flask, client: FlaskClient
) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    now = utcnow()
    for n in range(2):
        awarded_challenge(org, make_user(), title=f"Prize {n}", entry_title="Idea", at=now)
    client.get("/winners")  # warm up
    few = count_queries(web_app, client, "/winners")
    for n in range(6):
        awarded_challenge(org, make_user(), title=f"More {n}", entry_title="Idea", at=now)
    assert count_queries(web_app, client, "/winners") == few


# --- permission matrix -----------------------------------------------------------------------

ROLES = [
    "anonymous",
    "solver",
    "teammate",
    "entrant",
    "judge",
    "other_judge",
    "member",
    "manager",
    "owner",
    "admin",
]
SPONSOR_SIDE = {"member", "manager", "owner", "admin"}


def _login(auth: AuthActions, role: str) -> None:
    emails = {
        "solver": "solver1@solver1.example",
        "teammate": "mate1@mate1.example",
        "entrant": "solver2@solver2.example",
        "judge": "judge1@judge1.example",
        "other_judge": "judge9@judge9.example",
        "member": "member@example.org",
        "manager": "manager@example.org",
        "owner": "owner@example.org",
        "admin": "admin@admin.example",
    }
    if role != "anonymous":
        assert auth.login(emails[role]).status_code == 302


@pytest.fixture
def matrix_world() -> object:
    world = judged_world()
    seat_judge(world, person("judge9"))  # on the panel, no assignment
    person("admin").is_admin = True
    db.session.commit()
    return world


PUBLIC_ROUTES = [
    RESULTS,
    "/winners",
    "/api/v1/challenges/grid/results",
    "/api/v1/winners",
    "/challenges/grid",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PUBLIC_ROUTES)
def test_published_results_are_open_to_everyone(
    client: FlaskClient, auth: AuthActions, matrix_world, role: str, url: str
) -> None:
    publish(matrix_world)
    _login(auth, role)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (RESULTS, SPONSOR_SIDE),
        ("/api/v1/challenges/grid/results", set()),  # the API answers as the public
        ("/winners", set(ROLES)),
        ("/api/v1/winners", set(ROLES)),
    ],
)
def test_before_publication_only_the_sponsor_side_sees_the_results_notice(
    client: FlaskClient, auth: AuthActions, matrix_world, role: str, url: str, allowed: set
) -> None:
    publish(matrix_world, state=SnapshotState.COMPUTED)
    _login(auth, role)
    assert client.get(url).status_code == (200 if role in allowed else 404)

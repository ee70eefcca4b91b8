"""The results API: published results and winners as the public sees them, paginated, with
problem documents for everything else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from core.db import utcnow
from judging.results.models import SnapshotState
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user
from tests.results_support import (
    PANEL_NOTE,
    awarded_challenge,
    bare_entries,
    feedback_text,
    freeze,
    judged_world,
    publish,
)

URL = "/api/v1/challenges/grid/results"


def _problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    return body


def test_results_are_a_404_problem_document_until_the_sponsor_decides(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judged_world(transparency="scores_public")
    publish(world, state=SnapshotState.COMPUTED)
    body = _problem(client.get(URL), 404)
    assert "no published results" in body["detail"]
    auth.login("owner@example.org")  # the API answers as the public, whoever asks
    _problem(client.get(URL), 404)


def test_unknown_and_unpublished_challenges_have_no_results(client: FlaskClient) -> None:
    _problem(client.get("/api/v1/challenges/nowhere/results"), 404)
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, slug="draft", published=False)
    _problem(client.get("/api/v1/challenges/draft/results"), 404)


def test_published_results_list_the_winners_with_prize_team_and_status(
    client: FlaskClient,
) -> None:
    world = judged_world()
    publish(world)
    body = client.get(URL).get_json()
    assert body["decision"] == "approved" and body["adjustment"] is None
    assert body["challenge"]["slug"] == "grid" and body["challenge"]["awarded_at"].endswith("Z")
    assert body["method"]["lambda"] == 2.0 and "ridge, λ=2" in body["method"]["description"]
    first = body["winners"][0]
    assert first["prize"] == {
        "place": 1,
        "label": "First prize",
        "amount_minor": 1_000_000,
        "currency": "USD",
        "exponent": 2,
    }
    assert first["status"] == "payout pending" and first["rank"] == 1 and first["kind"] == "placed"
    assert first["entry"]["id"] == world.entries[0].id and first["entry"]["title"] == "Entry 1"
    assert first["entry"]["url"].endswith(f"/submissions/{world.entries[0].id}")
    assert {m["handle"] for m in first["team"]} == {"solver1", "mate1"}
    assert "email" not in str(first["team"])
    assert body["ranking"] is None  # scores go to each solver only


@pytest.mark.parametrize("transparency", ["scores_to_solver", "private"])
def test_the_ranking_is_withheld_unless_scores_are_public(
    client: FlaskClient, transparency: str
) -> None:
    world = judged_world(transparency=transparency)
    publish(world)
    body = client.get(URL).get_json()
    assert body["ranking"] is None and "91.23" not in str(body)


def test_public_scores_come_as_a_paginated_ranking(client: FlaskClient) -> None:
    world = judged_world(transparency="scores_public", entry_count=1, judge_count=1)
    entries = world.entries + bare_entries(world.challenge, 24)
    freeze(world.challenge, entries, judge_ids=[world.judges[0].id], finalists=1)
    ranking = client.get(URL + "?per_page=10&page=2").get_json()["ranking"]
    assert ranking["total"] == 25 and ranking["page"] == 2 and ranking["per_page"] == 10
    assert [row["rank"] for row in ranking["data"]] == list(range(11, 21))
    assert ranking["links"]["next"].endswith("page=3&per_page=10")
    assert ranking["links"]["prev"].endswith("page=1&per_page=10")
    last = client.get(URL + "?per_page=10&page=3").get_json()["ranking"]
    assert len(last["data"]) == 5 and last["links"]["next"] is None
    top = client.get(URL).get_json()["ranking"]["data"][0]
    assert top["final_score"] == 91.23 and top["raw_mean"] == 89.01 and top["finalist"] is True
    assert top["criterion_means"]["Impact"] == 4.89 and top["votes"] == {"up": 41, "down": 1}
    assert top["entry"]["title"] == "Entry 1"


def test_the_ranking_hides_entries_the_public_may_not_read_even_for_the_sponsor(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judged_world(transparency="scores_public", visibility="sponsor_only")
    publish(world)
    auth.login("owner@example.org")
    body = client.get(URL).get_json()
    assert [row["entry"] for row in body["ranking"]["data"]] == [None, None, None]
    assert "Entry 1" not in str(body) and "Entry 3" not in str(body)
    winner = body["winners"][0]
    assert winner["entry"] is None and winner["prize"]["label"] == "First prize"
    assert [member["handle"] for member in winner["team"]] == ["solver1", "mate1"]


@pytest.mark.parametrize(
    "query", ["?page=0", "?per_page=101", "?per_page=x", "?sort=rank", "?page=1&page=2"]
)
def test_bad_list_parameters_are_a_400_problem_document(client: FlaskClient, query: str) -> None:
    world = judged_world(transparency="scores_public")
    publish(world)
    _problem(client.get(URL + query), 400)
    _problem(client.get("/api/v1/winners" + query), 400)


def test_declined_results_say_why_and_list_no_winners(client: FlaskClient) -> None:
    world = judged_world()
    publish(world, state=SnapshotState.DECLINED, reason="No entry reached the passing score.")
    body = client.get(URL).get_json()
    assert body["decision"] == "declined" and body["winners"] == []
    assert body["adjustment"] == "No prize was awarded: No entry reached the passing score."


def test_notes_to_the_panel_and_feedback_never_reach_the_api(client: FlaskClient) -> None:
    world = judged_world(transparency="scores_public")
    publish(world)
    text = client.get(URL).text + client.get("/api/v1/winners").text
    assert PANEL_NOTE not in text and feedback_text(1, 1) not in text


def test_winners_are_listed_newest_announcement_first_and_paginated(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    now = utcnow()
    for n in range(5):
        at = now - timedelta(days=n)
        awarded_challenge(
            org, make_user(f"s{n}"), title=f"Prize {n}", entry_title=f"Idea {n}", at=at
        )
    body = client.get("/api/v1/winners?per_page=2").get_json()
    assert body["total"] == 5 and [c["title"] for c in body["data"]] == ["Prize 0", "Prize 1"]
    assert body["links"]["next"].endswith("page=2&per_page=2") and body["links"]["prev"] is None
    winner = body["data"][0]["winners"][0]
    assert winner["entry"]["title"] == "Idea 0" and winner["team"][0]["handle"] == "s0"
    assert body["data"][0]["results_url"].endswith("/results")
    last = client.get("/api/v1/winners?per_page=2&page=3").get_json()
    assert [c["title"] for c in last["data"]] == ["Prize 4"] and last["links"]["next"] is None


def test_no_winners_yet_is_an_empty_list(client: FlaskClient) -> None:
    body = client.get("/api/v1/winners").get_json()
    assert body["data"] == [] and body["total"] == 0


def test_the_openapi_document_describes_both_endpoints(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    results = paths["/api/v1/challenges/{slug}/results"]["get"]
    assert {"200", "400", "404"} <= set(results["responses"])
    assert {p["name"] for p in results["parameters"]} == {"slug", "page", "per_page"}
    assert {p["name"] for p in paths["/api/v1/winners"]["get"]["parameters"]} == {
        "page",
        "per_page",
    }

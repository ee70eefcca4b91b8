"""The read API for challenges: filters, pagination links, problem documents."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import make_challenge, make_org, make_user


@pytest.fixture
def catalogue() -> None:
    org = make_org("Helios", owner=make_user("owner"), slug="helios")
    make_challenge(org, title="Thermal Batteries", slug="thermal", tiers=[("Top", 7_500_000)])
    make_challenge(org, title="Vineyard Drones", slug="drones", phase="judging", currency="EUR")
    make_challenge(org, title="Secret Draft", slug="draft", published=False)
    for n in range(3):
        make_challenge(org, title=f"Filler {n}", slug=f"filler-{n}")


def test_list_returns_published_challenges_with_links(client: FlaskClient, catalogue: None) -> None:
    body = client.get("/api/v1/challenges?per_page=2&sort=purse").get_json()
    assert body["total"] == 5 and len(body["data"]) == 2
    first = body["data"][0]
    assert first["slug"] == "thermal"
    assert first["purse"] == {"amount_minor": 7_500_000, "currency": "USD", "exponent": 2}
    assert first["sponsor"]["slug"] == "helios"
    assert first["openness"]["solution_visibility"] == "public_after_close"
    assert body["links"]["prev"] is None
    follow = client.get(body["links"]["next"]).get_json()
    assert follow["page"] == 2 and follow["data"][0]["slug"] not in {
        d["slug"] for d in body["data"]
    }
    slugs = {d["slug"] for d in client.get("/api/v1/challenges?per_page=100").get_json()["data"]}
    assert "draft" not in slugs


def test_filters_and_search(client: FlaskClient, catalogue: None) -> None:
    judging = client.get("/api/v1/challenges?status=judging").get_json()
    assert [d["slug"] for d in judging["data"]] == ["drones"]
    found = client.get("/api/v1/challenges?q=thermal").get_json()
    assert [d["slug"] for d in found["data"]] == ["thermal"]


def test_detail_has_prizes_and_rules(client: FlaskClient, catalogue: None) -> None:
    body = client.get("/api/v1/challenges/thermal").get_json()
    assert body["prizes"] == [
        {"place": 1, "label": "Top", "amount_minor": 7_500_000, "currency": "USD", "exponent": 2}
    ]
    assert body["rules_version"] == 1 and body["phase"] == "open"


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "per_page=101",
        "status=finished",
        "sort=random",
        "min_prize=-1",
        "q=" + "x" * 201,
    ],
)
def test_bad_parameters_give_a_400_problem(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/v1/challenges?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"]


@pytest.mark.parametrize("slug", ["draft", "nope"])
def test_unknown_or_unpublished_challenge_is_a_404_problem(
    client: FlaskClient, catalogue: None, slug: str
) -> None:
    response = client.get(f"/api/v1/challenges/{slug}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_openapi_documents_the_challenge_endpoints(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/challenges", "/api/v1/challenges/{slug}"} <= set(paths)


def test_closing_soon_lists_open_by_deadline_then_closed_newest_first(client: FlaskClient) -> None:
    from datetime import timedelta

    from core.db import db, utcnow

    org = make_org("Helios", owner=make_user("owner"))
    deadlines = {"later": 10, "sooner": 3, "just-closed": -2, "long-closed": -20}
    for slug, days in deadlines.items():
        challenge = make_challenge(org, slug=slug, phase="open" if days > 0 else "judging")
        challenge.closes_at = utcnow() + timedelta(days=days)
    db.session.commit()
    order = [
        client.get(f"/api/v1/challenges?per_page=1&page={page}").get_json()["data"][0]["slug"]
        for page in range(1, 5)
    ]
    assert order == ["sooner", "later", "just-closed", "long-closed"]
    whole = client.get("/api/v1/challenges?per_page=3&page=2").get_json()
    assert [d["slug"] for d in whole["data"]] == ["long-closed"] and whole["total"] == 4

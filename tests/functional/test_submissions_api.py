"""The read API for submissions: the public view only, strict parameters, problem documents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from accounts.models import OrgRole
from core.db import db, utcnow
from submissions import services
from submissions.models import Submission, SubmissionStatus
from tests.api_support import submit
from tests.conftest import AuthActions
from tests.factories import (
    add_member,
    make_challenge,
    make_org,
    make_user,
    without_blind_review,
)


@pytest.fixture
def entries() -> dict[str, Submission]:
    org = make_org("Helios", owner=make_user("owner"), slug="helios")
    add_member(org, make_user("member"), OrgRole.MEMBER)
    open_ = make_challenge(org, slug="open", visibility="public_on_submit")
    without_blind_review(open_)  # the team is named (see test_blind_review.py)
    closed = make_challenge(org, slug="closed", visibility="public_after_close")
    private = make_challenge(org, slug="private", visibility="sponsor_only")
    solver = make_user("solver", display_name="Sol Solver")
    found = {
        "public": submit(open_, solver, "Public entry", teammate=make_user("mate")),
        "after_close": submit(closed, solver, "After close entry"),
        "private": submit(private, solver, "Private entry"),
        "draft": services.enter_challenge(
            actor=make_user(), challenge=open_, accepts_terms=True, attests_eligibility=True
        ),
    }
    withdrawn = submit(open_, make_user(), "Withdrawn entry")
    services.withdraw_entry(actor=withdrawn.owner, submission=withdrawn)
    found["withdrawn"] = withdrawn
    for n in range(3):
        submit(open_, make_user(), f"Filler {n}")
    return found


def test_a_public_entry_is_served_with_its_latest_version_and_team_without_emails(
    client: FlaskClient, entries: dict[str, Submission]
) -> None:
    entry = entries["public"]
    response = client.get(f"/api/v1/submissions/{entry.id}")
    assert response.status_code == 200
    body = response.get_json()
    latest = services.latest_version(entry)
    assert body["id"] == entry.id and body["challenge"] == "open"
    assert body["title"] == "Public entry" and body["summary"] == "A summary."
    assert body["body_md"] == "The body."
    assert body["links"] == ["https://example.org/a", "https://example.org/b"]
    assert body["status"] == "submitted" and body["version"] == 1
    assert body["content_hash"] == latest.content_hash
    assert body["first_submitted_at"].endswith("Z") and body["last_submitted_at"].endswith("Z")
    assert body["license"] == "CC-BY-4.0" and body["url"].endswith(f"/submissions/{entry.id}")
    assert body["team"] == [
        {"handle": "solver", "display_name": "Sol Solver", "role": "owner"},
        {"handle": "mate", "display_name": "Mate", "role": "member"},
    ]
    assert "@" not in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["after_close", "private", "draft", "withdrawn"])
def test_an_invisible_entry_is_a_404_problem_like_a_missing_one(
    client: FlaskClient, auth: AuthActions, entries: dict[str, Submission], name: str
) -> None:
    auth.login("solver@example.org")  # the API answers as the public, whatever the cookies
    invisible = client.get(f"/api/v1/submissions/{entries[name].id}")
    missing = client.get("/api/v1/submissions/999999")
    for response in (invisible, missing):
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
    assert invisible.get_json() == missing.get_json()


def test_entries_become_visible_when_results_are_published(
    client: FlaskClient, entries: dict[str, Submission]
) -> None:
    challenge = entries["after_close"].challenge
    challenge.opens_at = utcnow() - timedelta(days=30)
    challenge.closes_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert client.get(f"/api/v1/submissions/{entries['after_close'].id}").status_code == 404
    challenge.awarded_at = utcnow()
    db.session.commit()
    assert client.get(f"/api/v1/submissions/{entries['after_close'].id}").status_code == 200
    listed = client.get("/api/v1/challenges/closed/submissions").get_json()
    assert [d["title"] for d in listed["data"]] == ["After close entry"]


def test_challenge_list_is_paginated_with_next_links_and_visible_entries_only(
    client: FlaskClient, entries: dict[str, Submission]
) -> None:
    first = client.get("/api/v1/challenges/open/submissions?per_page=2").get_json()
    assert first["total"] == 4 and first["page"] == 1 and len(first["data"]) == 2
    assert first["data"][0]["title"] == "Public entry"  # oldest first
    assert first["links"]["prev"] is None
    seen = [d["id"] for d in first["data"]]
    page = first
    while page["links"]["next"]:
        page = client.get(page["links"]["next"]).get_json()
        seen += [d["id"] for d in page["data"]]
    assert len(seen) == len(set(seen)) == 4
    assert entries["withdrawn"].id not in seen and entries["draft"].id not in seen
    assert page["links"]["prev"] is not None
    assert client.get("/api/v1/challenges/private/submissions").get_json()["data"] == []


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=abc", "page=-1", "per_page=101", "per_page=", "sort=newest", "page=1&page=2"],
)
def test_bad_list_parameters_are_400_problems(
    client: FlaskClient, entries: dict[str, Submission], query: str
) -> None:
    response = client.get(f"/api/v1/challenges/open/submissions?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert body["status"] == 400 and body["detail"]


def test_unknown_or_unpublished_challenges_are_404_problems(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, slug="unpublished", published=False)
    for slug in ("unpublished", "nowhere"):
        response = client.get(f"/api/v1/challenges/{slug}/submissions")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_disqualified_entries_leave_the_api(
    client: FlaskClient, entries: dict[str, Submission]
) -> None:
    entry = entries["public"]
    entry.status = SubmissionStatus.DISQUALIFIED
    db.session.commit()
    assert client.get(f"/api/v1/submissions/{entry.id}").status_code == 404
    titles = [
        d["title"] for d in client.get("/api/v1/challenges/open/submissions").get_json()["data"]
    ]
    assert "Public entry" not in titles


def test_openapi_documents_the_submission_endpoints(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    listing = document["paths"]["/api/v1/challenges/{slug}/submissions"]["get"]
    detail = document["paths"]["/api/v1/submissions/{id}"]["get"]
    assert {"200", "400", "404"} <= set(listing["responses"])
    assert {"200", "404"} <= set(detail["responses"])
    assert {p["name"] for p in listing["parameters"]} == {"slug", "page", "per_page"}
    schema = document["components"]["schemas"]["Submission"]
    assert "content_hash" in schema["properties"] and "email" not in str(schema)

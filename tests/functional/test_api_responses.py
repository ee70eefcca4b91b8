"""Every answer of the API matches the OpenAPI document generated from its schemas: real
responses of every endpoint over a seeded world (open, judging, cancelled and draft challenges;
named, blind-review and sponsor-only entries; ranked, hidden and declined results; winners;
every kind of refusal) are validated with openapi-core, and a response that strays is caught."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.exceptions import OpenAPIError
from openapi_core.validation.response.exceptions import InvalidData
from werkzeug.test import TestResponse
from werkzeug.wrappers import Response

from api.extension import PROBLEM_JSON
from core.db import db, utcnow
from judging.adoption.models import AdoptionUpdate, ReuseReport
from judging.results.models import SnapshotState
from tests.api_support import submit
from tests.factories import make_challenge, make_org, make_user, without_blind_review
from tests.results_support import awarded_challenge, bare_entries, freeze, judged_world, publish


@pytest.fixture
def openapi(client: FlaskClient) -> OpenAPI:
    # openapi-core reads JSON bodies only under application/json unless told otherwise.
    config = Config(extra_media_type_deserializers={PROBLEM_JSON: json.loads})
    return OpenAPI.from_dict(client.get("/api/v1/openapi.json").get_json(), config=config)


def check(openapi: OpenAPI, response: TestResponse) -> None:
    """Raises unless ``response`` (status, content type, body) is one its operation documents."""
    request = WerkzeugOpenAPIRequest(response.request)
    openapi.validate_response(request, WerkzeugOpenAPIResponse(response))


def seed_world() -> list[str]:
    """The addresses to ask, covering every endpoint, every visibility case and every refusal."""
    grid = judged_world(transparency="scores_public")  # slug "grid": a public ranking
    publish(grid, finalists=1)
    org = make_org("Aquila", owner=make_user("aquila"), slug="aquila")
    named = make_challenge(org, slug="named", visibility="public_on_submit")
    without_blind_review(named)
    blind = make_challenge(org, slug="blind", visibility="public_on_submit", currency="JPY")
    make_challenge(org, slug="closing", phase="judging", tiers=[("Top", 7_500_000)])
    make_challenge(org, slug="later", phase="upcoming")
    make_challenge(org, slug="called-off", phase="cancelled")
    make_challenge(org, slug="draft", published=False)
    solver = make_user("ada", display_name="Ada Solver")
    shown = submit(named, solver, "Named entry", teammate=make_user("bob"))
    hidden = submit(blind, solver, "Blind entry")
    for n in range(3):
        submit(named, make_user(f"filler{n}"), f"Filler {n}")
    secret = awarded_challenge(
        org,
        solver,
        title="Sponsor only",
        entry_title="Secret",
        at=utcnow(),
        visibility="sponsor_only",
    )
    secret.challenge.judging_transparency = "scores_public"  # ranked rows with null entries
    declined = make_challenge(org, slug="declined", phase="judging")
    freeze(declined, bare_entries(declined, 2), state=SnapshotState.DECLINED, reason="Too few.")
    prizes = []
    for n in range(3):
        at = utcnow() - timedelta(days=n + 1)
        prizes.append(
            awarded_challenge(
                org, make_user(f"w{n}"), title=f"Prize {n}", entry_title=f"Idea {n}", at=at
            )
        )
    adopted = prizes[0]
    for published, status, extra in [
        (adopted, "adopted", {"money_saved": 120_000, "people_reached": 900}),
        (adopted, "evaluating", {"links": "https://example.org/a b"}),
        (secret, "not_adopted", {"reason": "Too costly."}),
    ]:
        award = published.awards[0]
        db.session.add(
            AdoptionUpdate(
                award_id=award.id,
                challenge_id=award.challenge_id,
                status=status,
                currency=award.currency,
                **extra,
            )
        )
    db.session.add(
        ReuseReport(
            submission_id=adopted.awards[0].submission_id,
            challenge_id=adopted.challenge.id,
            url="https://example.org/reuse",
            note="Reused in a depot.",
            state="approved",
            decided_at=utcnow(),
        )
    )
    db.session.commit()
    slugs = ["grid", "named", "blind", "closing", "later", "called-off", "declined"]
    slugs += [secret.challenge.slug, "draft", "nowhere"]
    urls = [
        "/api/v1/challenges",
        "/api/v1/challenges?per_page=2&page=2&sort=purse",
        "/api/v1/challenges?status=judging&category=Energy+%26+climate&openness=&q=grid&tag=Storage",
        "/api/v1/challenges?min_prize=50000&sort=newest",
        "/api/v1/winners",
        "/api/v1/winners?per_page=1&page=2",
        "/api/v1/impact/diversity",
        "/api/v1/challenges/grid/results?per_page=1&page=2",
    ]
    for slug in slugs:
        tails = ("", "/submissions", "/results", "/adoption")
        urls += [f"/api/v1/challenges/{slug}{tail}" for tail in tails]
    urls += ["/api/v1/impact", f"/api/v1/challenges/{adopted.challenge.slug}/adoption"]
    urls += ["/api/v1/challenges/named/submissions?per_page=2&page=2"]
    ids = [shown.id, hidden.id, *(e.id for e in grid.entries), secret.awards[0].submission_id]
    urls += [f"/api/v1/submissions/{n}" for n in [*ids, 999_999]]
    refusals = ["page=0", "per_page=101", "page=%EF%BC%92", "sort=rank", "page=1&page=2", "q=a%00b"]
    for url in ("/api/v1/challenges", "/api/v1/winners", "/api/v1/challenges/named/submissions"):
        urls += [f"{url}?{query}" for query in refusals]
    return [*urls, "/api/v1/challenges/gr%00id", "/api/v1/submissions/2147483648"]


@pytest.fixture
def answers(client: FlaskClient) -> list[TestResponse]:
    return [client.get(url) for url in seed_world()]


def test_every_answer_of_every_endpoint_matches_the_document(
    client: FlaskClient, openapi: OpenAPI, answers: list[TestResponse]
) -> None:
    statuses: dict[int, int] = {}
    for response in answers:
        check(openapi, response)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert set(statuses) == {200, 400, 404}, statuses
    asked = {response.request.path for response in answers}
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for template in paths:
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        assert any(re.fullmatch(pattern, path) for path in asked), f"{template} never asked"


def test_the_world_shows_the_cases_the_document_must_describe(answers: list[TestResponse]) -> None:
    bodies = [r.get_json() for r in answers if r.status_code == 200]
    text = json.dumps(bodies)
    assert '"authors_hidden": true' in text and '"authors_hidden": false' in text
    assert '"entry": null' in text and '"ranking": null' in text
    assert '"decision": "declined"' in text and '"decision": "approved"' in text
    assert '"cancel_reason": null' in text and '"cancel_reason": "Budget withdrawn."' in text
    assert '"next": null' in text and '"prev": null' in text


def _first(body: dict[str, Any]) -> dict[str, Any]:
    return body["data"][0]


STRAYS: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "a number as text": ("/api/v1/challenges", lambda b: _first(b).update(entrant_count="3")),
    "a required field missing": ("/api/v1/challenges", lambda b: _first(b).pop("url")),
    "an undocumented field": (
        "/api/v1/challenges/named/submissions",
        lambda b: _first(b)["team"][0].update(email="ada@example.org"),
    ),
    "null where a value is promised": (
        "/api/v1/challenges/named",
        lambda b: b.update(closes_at=None),
    ),
    "a value outside the enum": ("/api/v1/challenges", lambda b: _first(b).update(phase="done")),
    "a date that is not a date": (
        "/api/v1/challenges/grid/results",
        lambda b: b.update(decided_at="yesterday"),
    ),
    "a page without its links": ("/api/v1/winners", lambda b: b["links"].pop("next")),
}


@pytest.mark.parametrize("stray", list(STRAYS))
def test_a_response_that_strays_from_its_schema_fails(
    client: FlaskClient, openapi: OpenAPI, stray: str
) -> None:
    seed_world()
    url, change = STRAYS[stray]
    response = client.get(url)
    check(openapi, response)  # the real answer passes
    body = response.get_json()
    change(body)
    response.set_data(json.dumps(body))
    with pytest.raises(InvalidData):
        check(openapi, response)


@pytest.mark.parametrize(
    ("status", "mimetype"),
    [(418, "application/problem+json"), (404, "application/json"), (200, "text/html")],
)
def test_an_undocumented_status_or_content_type_fails(
    client: FlaskClient, openapi: OpenAPI, status: int, mimetype: str
) -> None:
    make_challenge(make_org("Helios", owner=make_user("helios")), slug="named")
    response = client.get("/api/v1/challenges/named")
    stray = Response(response.get_data(), status=status, mimetype=mimetype)
    stray.request = response.request  # type: ignore[attr-defined]
    with pytest.raises(OpenAPIError):
        check(openapi, stray)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/challenges",
        "/api/v1/winners",
        "/api/v1/challenges/named/submissions",
        "/api/v1/challenges/named/results",
    ],
)
@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("colour=red", "Unknown parameter 'colour'; use: "),
        ("per_page=5&per_page=6", "Give per_page once."),
        ("per_page=%EF%BC%95", "per_page must be a whole number from 1 to 100."),
    ],
)
def test_every_list_takes_its_parameters_by_one_policy(
    client: FlaskClient, openapi: OpenAPI, url: str, query: str, detail: str
) -> None:
    make_challenge(make_org("Helios", owner=make_user("helios")), slug="named")
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400 and response.get_json()["detail"].startswith(detail)
    check(openapi, response)

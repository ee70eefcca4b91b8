"""Every paged list parses ?page= the same way: huge or malformed numbers never give a 500, and
a page past the end leads to the last page with a word on why."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user
from tests.results_support import judged_world, publish

HUGE = str(2**63)


@pytest.fixture
def lists(auth: AuthActions) -> dict[str, str]:
    """A judged, published challenge "grid" and an admin signed in: every list has rows."""
    world = judged_world(transparency="scores_public")
    published = publish(world)
    admin = make_user("root", admin=True)
    auth.login(admin.email)
    return {
        "challenges": "/challenges",
        "solutions": "/solutions",
        "winners": "/winners",
        "results": "/challenges/grid/results",
        "admin users": "/admin",
        "admin orgs": "/admin?tab=orgs",
        "ledger": "/challenges/grid/ledger",
        "payouts": "/admin/payouts?status=failed",
        "judging dashboard": "/challenges/grid/judging",
        "results review": f"/challenges/grid/judging/results/{published.snapshot.id}",
    }


def _with(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.mark.parametrize("page", [HUGE, str(2**64), "99999999999", "-1", "0", "abc", "\uff12"])
def test_no_list_fails_on_a_strange_page_number(
    client: FlaskClient, lists: dict[str, str], page: str
) -> None:
    statuses = {}
    for name, url in lists.items():
        try:
            statuses[name] = client.get(_with(url, f"page={page}")).status_code
        except Exception as error:
            statuses[name] = type(error).__name__
    assert {name: s for name, s in statuses.items() if s not in (200, 302)} == {}


def test_every_list_past_its_end_redirects_to_the_last_page(
    client: FlaskClient, lists: dict[str, str]
) -> None:
    for name, url in lists.items():
        if name == "solutions":
            continue  # pages by cursor: old numbered links go to the newest (test_solutions_paging)
        response = client.get(_with(url, "page=99999"))
        assert response.status_code == 302, name
        assert "page=99999" not in response.headers["Location"], name
        landed = client.get(response.headers["Location"])
        assert landed.status_code == 200, name
        assert "Page 99999 is past the end of this list" in landed.text, name


def test_challenges_past_the_end_say_how_many_there_are(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    for n in range(12):
        make_challenge(org, title=f"Challenge number {n}")
    response = client.get("/challenges?page=99999&sort=newest", follow_redirects=True)
    assert response.request.path == "/challenges"
    assert response.request.args.get("sort") == "newest"
    assert "Page 99999 is past the end of this list (12 in all, 1 page)" in response.text
    assert "No challenges match" not in response.text
    assert "12 challenges" in response.text and "Challenge number 11" in response.text


def test_the_last_page_of_challenges_keeps_its_page_number(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    for n in range(25):
        make_challenge(org, title=f"Challenge number {n}")
    response = client.get("/challenges?page=7&q=number")
    assert response.status_code == 302
    assert response.headers["Location"] == "/challenges?q=number&page=2"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/challenges", "/api/v1/winners", "/api/v1/challenges/grid/submissions"],
)
@pytest.mark.parametrize("page", [HUGE, "100001", "\uff12", "0"])
def test_api_lists_refuse_pages_outside_the_documented_range(
    client: FlaskClient, url: str, page: str
) -> None:
    response = client.get(f"{url}?page={page}")
    assert response.status_code == 400
    assert response.get_json()["detail"] == "page must be a whole number from 1 to 100000."


def test_api_pages_up_to_the_documented_maximum_are_accepted(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, slug="grid")
    for url in ("/api/v1/challenges", "/api/v1/winners", "/api/v1/challenges/grid/submissions"):
        body = client.get(f"{url}?page=100000&per_page=100").get_json()
        assert body["page"] == 100000 and body["data"] == []

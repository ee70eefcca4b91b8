"""Browsing: unpublished challenges' deadline wording, search by sponsor name, tag filters."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user


def _deadline_line(html: str) -> str:
    """The line under the purse on the challenge page: deadline and entrant count."""
    match = re.search(r'<div class="text-muted">(.*?)</div>', html, re.S)
    assert match is not None
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.mark.parametrize(
    ("review_state", "words"),
    [
        ("draft", "Draft, not yet published"),
        ("in_review", "In review, not yet published"),
        ("changes_requested", "Changes requested, not yet published"),
        ("approved", "Approved, published once funded"),
    ],
)
def test_an_unpublished_challenge_says_when_it_will_close_not_that_it_closed(
    client: FlaskClient, auth: AuthActions, review_state: str, words: str
) -> None:
    owner = make_user("owner")
    org = make_org("Helios", owner=owner)
    make_challenge(org, slug="grid", published=False, review_state=review_state)
    auth.login(owner.email)
    line = _deadline_line(client.get("/challenges/grid").text)
    assert "closed" not in line
    assert words in line and "closes in" in line


def test_an_unpublished_challenge_past_its_deadline_says_to_move_it(
    client: FlaskClient, auth: AuthActions
) -> None:
    owner = make_user("owner")
    org = make_org("Helios", owner=owner)
    make_challenge(org, slug="grid", published=False, phase="judging")
    auth.login(owner.email)
    line = _deadline_line(client.get("/challenges/grid").text)
    assert "deadline passed" in line and "move it before publishing" in line


def test_search_matches_the_sponsors_name(client: FlaskClient) -> None:
    helios = make_org("Helios Energy Foundation", owner=make_user("owner"))
    aquila = make_org("Aquila Robotics", owner=make_user("other"))
    make_challenge(helios, title="Grid Storage", slug="grid")
    make_challenge(aquila, title="Orchard Robot", slug="orchard")
    for query in ("Helios", "helios energy", "Energy Foundation"):
        html = client.get("/challenges", query_string={"q": query}).text
        assert "Grid Storage" in html and "Orchard Robot" not in html, query
    body = client.get("/api/v1/challenges?q=aquila").get_json()
    assert [c["slug"] for c in body["data"]] == ["orchard"]


def test_renaming_a_sponsor_updates_search(client: FlaskClient) -> None:
    from core.db import db

    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, title="Grid Storage", slug="grid")
    org.name = "Zephyr Foundation"
    db.session.commit()
    assert "Grid Storage" in client.get("/challenges?q=zephyr").text
    assert "Grid Storage" not in client.get("/challenges?q=helios").text


def test_tag_filter_lists_only_challenges_with_that_tag(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, title="Grid Storage", slug="grid", tags="storage,grid")
    make_challenge(org, title="Solar Forecasts", slug="solar", tags="solar,forecasting")
    make_challenge(org, title="Storage Heaters", slug="heaters", tags="storage heaters,heat")
    html = client.get("/challenges?tag=storage").text
    assert "Grid Storage" in html
    assert "Solar Forecasts" not in html and "Storage Heaters" not in html
    assert "1 challenge" in html and "tagged “storage”" in html
    spaced = client.get("/challenges", query_string={"tag": "Storage Heaters"}).text
    assert "Storage Heaters" in spaced and "Grid Storage" not in spaced
    body = client.get("/api/v1/challenges?tag=solar").get_json()
    assert [c["slug"] for c in body["data"]] == ["solar"]


def test_tags_on_cards_and_the_challenge_page_link_to_the_filter(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, title="Grid Storage", slug="grid", tags="storage,grid")
    assert 'href="/challenges?tag=storage"' in client.get("/challenges").text
    assert 'href="/challenges?tag=grid"' in client.get("/challenges/grid").text
    html = client.get("/challenges?tag=grid").text
    assert 'href="/challenges?tag=grid&amp;page=2"' not in html  # one page only
    assert 'name="tag" value="grid"' in html  # the search form keeps the tag


def test_the_review_queue_words_deadlines_like_the_challenge_page(
    client: FlaskClient, auth: AuthActions
) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, title="Future One", published=False, review_state="in_review")
    make_challenge(
        org, title="Past One", published=False, review_state="in_review", phase="judging"
    )
    auth.login(make_user("root", admin=True).email)
    html = " ".join(re.sub(r"<[^>]+>", " ", client.get("/admin/reviews").text).split())
    assert "In review, not yet published · closes in" in html
    assert "deadline passed" in html and "move it before publishing" in html

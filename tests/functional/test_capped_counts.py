"""Lists count their matches only as far as a page needs (issue 11): past the cap the page says
"more than", paging still reaches every row once, and a page past the end still finds the last
page. The cap is lowered here so a handful of rows crosses it."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core import paging
from tests.factories import make_challenge, make_org, make_user

CAP = 5
TITLE = re.compile(r"Capped prize (\d\d)")


@pytest.fixture
def many(monkeypatch: pytest.MonkeyPatch, web_app: Flask) -> list[str]:
    monkeypatch.setattr(paging, "COUNT_CAP", CAP)
    monkeypatch.setitem(web_app.config, "PER_PAGE", 4)
    org = make_org("Helios", owner=make_user("owner"))
    titles = [f"Capped prize {n:02d}" for n in range(12)]
    for n, title in enumerate(titles):
        make_challenge(org, title=title, slug=f"capped-{n:02d}")
    return titles


def _titles(html: str) -> list[str]:
    return [f"Capped prize {n}" for n in dict.fromkeys(TITLE.findall(html))]


@pytest.mark.parametrize("sort", ["closing", "newest", "purse"])
def test_paging_past_the_cap_shows_every_challenge_once(
    client: FlaskClient, many: list[str], sort: str
) -> None:
    seen: list[str] = []
    for page in (1, 2, 3):
        html = client.get(f"/challenges?sort={sort}&page={page}").get_data(as_text=True)
        seen += _titles(html)
        assert (f"page={page + 1}" in html) == (page < 3), page
    assert sorted(seen) == many  # each exactly once, none missing


def test_first_page_says_more_than_the_cap(client: FlaskClient, many: list[str]) -> None:
    html = client.get("/challenges").get_data(as_text=True)
    assert "More than 5 challenges" in html
    assert "12 challenges" not in html


def test_a_deep_page_counts_as_far_as_it_reaches(client: FlaskClient, many: list[str]) -> None:
    html = client.get("/challenges?page=2").get_data(as_text=True)
    assert "More than 8 challenges" in html  # counted up to the end of page 2


def test_below_the_cap_the_count_is_exact(
    client: FlaskClient, web_app: Flask, many: list[str]
) -> None:
    web_app.config["PER_PAGE"] = 20  # ``many`` set it with monkeypatch: restored afterwards
    html = client.get("/challenges?status=open").get_data(as_text=True)
    assert "12 challenges" in html and "More than" not in html


def test_past_the_end_finds_the_last_page_despite_the_cap(
    client: FlaskClient, many: list[str]
) -> None:
    response = client.get("/challenges?page=40", follow_redirects=True)
    assert "Page 40 is past the end of this list (12 in all, 3 pages)" in response.text
    assert response.request.args.get("page") == "3"


def test_the_api_says_when_its_total_is_capped(client: FlaskClient, many: list[str]) -> None:
    capped = client.get("/api/v1/challenges?per_page=4").get_json()
    assert capped["total"] == CAP and capped["total_capped"] is True
    assert capped["links"]["next"] is not None
    exact = client.get("/api/v1/challenges?per_page=4&q=prize&page=3").get_json()
    assert len(exact["data"]) == 4 and exact["links"]["next"] is None
    assert exact["total"] == 12 and exact["total_capped"] is False

"""/solutions pages by cursor: Newer/Older links walk every entry once, in order, filters kept;
broken cursors and old numbered links lead to the first page with a word on why."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import Organization
from challenges.models import Challenge
from core.db import db, utcnow
from submissions import gallery
from tests.factories import make_challenge, make_org, make_user
from tests.gallery_support import submit
from tests.queries import count_queries

PER_PAGE = 3


@pytest.fixture
def org(web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Organization:
    monkeypatch.setitem(web_app.config, "PER_PAGE", PER_PAGE)
    return make_org("Helios", owner=make_user("sponsorowner"), slug="helios")


def titles(page: str) -> list[str]:
    return re.findall(r"(Entry \d+)</a></h2>", page)


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return unescape(found[1]) if found else None


def entries(org: Organization, count: int, *, tied: int = 0) -> list[str]:
    """``count`` public entries "Entry 0".. (oldest first); the last ``tied`` share one
    submission time, so only their ids order them. Returns the titles newest first."""
    challenge = make_challenge(org, slug="grid", visibility="public_on_submit")
    made = [submit(challenge, title=f"Entry {n}") for n in range(count)]
    start = utcnow() - timedelta(days=1)
    for n, entry in enumerate(made):
        entry.first_submitted_at = start + timedelta(minutes=min(n, count - tied))
    db.session.commit()
    ordered = sorted(made, key=lambda e: (e.first_submitted_at, e.id), reverse=True)
    return [entry.title for entry in ordered]


def walk(client: FlaskClient, url: str, rel: str) -> list[list[str]]:
    """The titles of each page from ``url`` on, following ``rel`` links to the end."""
    pages = []
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        assert response.status_code == 200
        pages.append(titles(response.text))
        next_url = link(response.text, rel)
        assert len(pages) < 20, "the links go round in circles"
    return pages


def test_older_then_newer_links_show_every_entry_once_in_order(
    client: FlaskClient, org: Organization
) -> None:
    newest_first = entries(org, 8, tied=4)
    forward = walk(client, "/solutions", "next")
    assert [len(page) for page in forward] == [3, 3, 2]
    assert [title for page in forward for title in page] == newest_first
    first = client.get("/solutions").text
    assert link(first, "prev") is None and "page=" not in first
    last_url = "/solutions"
    for _ in range(2):
        last_url = link(client.get(last_url).text, "next") or ""
    backward = walk(client, last_url, "prev")
    assert [title for page in reversed(backward) for title in page] == newest_first


def test_entries_submitted_while_reading_do_not_repeat_on_older_pages(
    client: FlaskClient, org: Organization
) -> None:
    newest_first = entries(org, 6)
    first = client.get("/solutions").text
    submit(db.session.scalars(sa.select(Challenge).filter_by(slug="grid")).one(), title="Entry 99")
    older = client.get(link(first, "next") or "").text
    assert titles(older) == newest_first[3:6]


def test_filters_are_kept_in_the_links_and_on_the_pages_they_lead_to(
    client: FlaskClient, org: Organization
) -> None:
    newest_first = entries(org, 5)
    other = make_challenge(org, slug="other", visibility="public_on_submit")
    for n in range(4):
        submit(other, title=f"Entry {n + 10}")
    first = client.get("/solutions?challenge=grid&license=CC-BY-4.0&q=entry").text
    older = link(first, "next") or ""
    assert parse_qs(urlsplit(older).query).keys() == {"before", "challenge", "license", "q"}
    second = client.get(older).text
    assert titles(first) + titles(second) == newest_first
    assert parse_qs(urlsplit(link(second, "prev") or "").query)["challenge"] == ["grid"]


HOSTILE = [
    "abc",
    "1.2.3",
    "1733312345000000",  # no id
    "1733312345000000.",
    ".5",
    "-1.5",
    "1733312345000000.0",  # ids start at 1
    "1733312345000000.99999999999",  # past a database integer
    "1" * 40 + ".1",  # a forty-digit time
    "253402300800000000.1",  # past the year 9999
    "1733312345000000.5 ",
    "\uff11\uff12.5",  # full-width digits
]


@pytest.mark.parametrize("cursor", HOSTILE)
@pytest.mark.parametrize("direction", ["before", "after"])
def test_a_broken_cursor_leads_to_the_first_page_keeping_the_filters(
    client: FlaskClient, org: Organization, cursor: str, direction: str
) -> None:
    entries(org, 4)
    response = client.get(
        "/solutions", query_string={direction: cursor, "challenge": "grid", "q": "entry"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/solutions?q=entry&challenge=grid"
    landed = client.get(response.headers["Location"]).text
    assert "That page link is broken or cut short" in landed
    assert titles(landed) == ["Entry 3", "Entry 2", "Entry 1"]


@pytest.mark.parametrize("direction", ["before", "after"])
def test_a_nul_in_a_cursor_is_the_sites_400_page(
    client: FlaskClient, org: Organization, direction: str
) -> None:
    response = client.get(f"/solutions?{direction}=1733312345000000.5%00")
    assert response.status_code == 400 and "NUL" in response.text


def test_both_directions_at_once_is_a_broken_link(client: FlaskClient, org: Organization) -> None:
    entries(org, 4)
    response = client.get("/solutions?before=1733312345000000.5&after=1733312345000000.5")
    assert response.status_code == 302 and response.headers["Location"] == "/solutions"


def test_a_cursor_with_nothing_past_it_shows_the_newest(
    client: FlaskClient, org: Organization
) -> None:
    newest_first = entries(org, 4)
    for cursor in ("before=1.1", "after=253402300799999999.1"):  # 1970, the year 9999
        page = client.get(f"/solutions?{cursor}").text
        assert titles(page) == newest_first[:3] and link(page, "prev") is None


def test_old_numbered_page_links_lead_to_the_newest_with_a_word_on_why(
    client: FlaskClient, org: Organization
) -> None:
    newest_first = entries(org, 7)
    response = client.get("/solutions?page=2&license=CC-BY-4.0")
    assert response.status_code == 302
    assert response.headers["Location"] == "/solutions?license=CC-BY-4.0"
    landed = client.get(response.headers["Location"]).text
    assert "no longer numbered by page (page 2 moved" in landed
    assert titles(landed) == newest_first[:3]
    assert titles(client.get("/solutions?page=1").text) == newest_first[:3]


def test_more_than_the_counting_cap_says_so(
    client: FlaskClient, org: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries(org, 5)
    monkeypatch.setattr(gallery, "COUNT_CAP", 4)
    assert "More than 4 solutions, newest first" in client.get("/solutions").text
    monkeypatch.setattr(gallery, "COUNT_CAP", 5)
    assert "5 solutions" in client.get("/solutions").text


def test_the_challenge_filter_offers_recent_challenges_and_the_chosen_one(
    client: FlaskClient, org: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gallery, "CHOICES", 2)
    now = utcnow()
    for n, slug in enumerate(["oldest", "older", "newer", "newest"]):
        challenge = make_challenge(
            org, slug=slug, title=f"The {slug} one", visibility="public_on_submit"
        )
        submit(challenge, title=f"Entry {n}")
        challenge.published_at = now - timedelta(days=10 - n)
    without_entries = make_challenge(org, slug="empty", title="The empty one")
    without_entries.published_at = now
    draft = make_challenge(org, slug="secret", title="The secret one", published=False)
    db.session.commit()

    def options(url: str) -> list[str]:
        return re.findall(r'<option value="([a-z]+)"', client.get(url).text)

    assert options("/solutions") == ["newer", "newest"]  # by title
    assert options("/solutions?challenge=oldest") == ["newer", "newest", "oldest"]
    assert 'value="oldest" selected' in client.get("/solutions?challenge=oldest").text
    assert options(f"/solutions?challenge={draft.slug}") == ["newer", "newest"]
    assert "The secret one" not in client.get("/solutions?challenge=secret").text


def test_a_cursor_page_costs_as_many_queries_as_the_first(
    web_app: Flask, client: FlaskClient, org: Organization
) -> None:
    entries(org, 10)
    first = client.get("/solutions?challenge=grid").text
    deep = link(client.get(link(first, "next") or "").text, "next") or ""
    assert count_queries(web_app, client, deep) == count_queries(
        web_app, client, "/solutions?challenge=grid"
    )

"""Every page in the performance table runs as many SQL statements with three times the data as
with one share of it, and as many with a long page as with a short one (no N+1 anywhere)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions
from tests.page_support import (
    ANONYMOUS_PAGES,
    JUDGE_PAGES,
    PER_PAGE,
    SIGNED_IN_PAGES,
    SPONSOR_PAGES,
    Site,
    make_site,
)
from tests.queries import count_queries

LIST_PAGES = [
    "/challenges",
    "/challenges?q=water",
    "/solutions",
    "/solutions?before={older}",
    "/winners",
]


@pytest.fixture
def site(web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Site:
    return make_site(web_app, monkeypatch)


def _counts(web_app: Flask, client: FlaskClient, site: Site, pages: list[str]) -> dict[str, int]:
    for page in pages:
        client.get(site.url(page))  # warm up (first-request caches)
    return {page: count_queries(web_app, client, site.url(page)) for page in pages}


def test_anonymous_pages_run_as_many_queries_with_three_times_the_data(
    web_app: Flask, client: FlaskClient, site: Site
) -> None:
    few = _counts(web_app, client, site, ANONYMOUS_PAGES)
    site.grow(2)
    assert _counts(web_app, client, site, ANONYMOUS_PAGES) == few


def test_signed_in_pages_run_as_many_queries_with_three_times_the_data(
    web_app: Flask, client: FlaskClient, auth: AuthActions, site: Site
) -> None:
    auth.login(site.solver.email)
    few = _counts(web_app, client, site, SIGNED_IN_PAGES)
    site.grow(2)
    assert _counts(web_app, client, site, SIGNED_IN_PAGES) == few


def test_sponsor_pages_and_dashboards_run_as_many_queries_with_three_times_the_data(
    web_app: Flask, client: FlaskClient, auth: AuthActions, site: Site
) -> None:
    auth.login(site.world.owner.email)
    few = _counts(web_app, client, site, SPONSOR_PAGES)
    site.grow(2)
    assert _counts(web_app, client, site, SPONSOR_PAGES) == few


def test_the_judges_list_runs_as_many_queries_with_three_times_the_seats_and_assignments(
    web_app: Flask, client: FlaskClient, auth: AuthActions, site: Site
) -> None:
    auth.login(site.world.judges[0].email)
    few = _counts(web_app, client, site, JUDGE_PAGES)
    site.grow(2)
    assert _counts(web_app, client, site, JUDGE_PAGES) == few


def test_list_pages_run_as_many_queries_with_four_times_the_page_size(
    web_app: Flask, client: FlaskClient, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.grow(3)
    short = _counts(web_app, client, site, LIST_PAGES)
    api_short = count_queries(web_app, client, "/api/v1/challenges?per_page=5")
    monkeypatch.setitem(web_app.config, "PER_PAGE", 4 * PER_PAGE)
    assert _counts(web_app, client, site, LIST_PAGES) == short
    assert count_queries(web_app, client, "/api/v1/challenges?per_page=20") == api_short

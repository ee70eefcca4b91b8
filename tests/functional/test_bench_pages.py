"""The bench measures pages, not redirects: the deep gallery page is reached by the cursor its
Older links carry, and any answer but 200 is refused before it can be measured."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from bench.client import refusal
from bench.pages import deep_gallery_path, select_pages
from bench.servers import Response
from core.db import db, utcnow
from tests.factories import make_challenge, make_org, make_user
from tests.gallery_support import submit

PER_PAGE = 3
EntryMaker = Callable[[int], list[str]]


@pytest.fixture
def gallery_of(app: Flask, web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> EntryMaker:
    """Makes ``count`` public entries "Entry 0".. a minute apart, PER_PAGE to a gallery page,
    and returns their titles newest first."""
    for served in (app, web_app):
        monkeypatch.setitem(served.config, "PER_PAGE", PER_PAGE)

    def make(count: int) -> list[str]:
        org = make_org("Helios", owner=make_user("sponsorowner"), slug="helios")
        challenge = make_challenge(org, slug="grid", visibility="public_on_submit")
        made = [submit(challenge, title=f"Entry {n}") for n in range(count)]
        start = utcnow() - timedelta(days=1)
        for n, entry in enumerate(made):
            entry.first_submitted_at = start + timedelta(minutes=n)
        db.session.commit()
        return [f"Entry {n}" for n in reversed(range(count))]

    return make


def titles(page: str) -> list[str]:
    return re.findall(r"(Entry \d+)</a></h2>", page)


def as_bench_sees(response: TestResponse) -> Response:
    return Response(response.status_code, list(response.headers.items()), b"")


def test_the_deep_gallery_page_is_the_page_older_links_reach_and_answers_200(
    client: FlaskClient, gallery_of: EntryMaker
) -> None:
    newest_first = gallery_of(10)
    path = deep_gallery_path(db.session(), page=3)
    assert path.startswith("/solutions?before=")
    response = client.get(path)
    assert refusal(path, as_bench_sees(response)) is None
    assert titles(response.text) == newest_first[2 * PER_PAGE : 3 * PER_PAGE]


def test_the_bench_loads_the_deep_gallery_page_by_cursor_not_by_number() -> None:
    (deep,) = select_pages(["solutions_deep"])
    assert deep.path is deep_gallery_path
    assert deep.list_page


def test_a_gallery_too_short_for_the_deep_page_stops_the_bench(gallery_of: EntryMaker) -> None:
    gallery_of(5)
    with pytest.raises(ValueError, match="ends on page 2: seed more"):
        deep_gallery_path(db.session(), page=3)


def test_a_numbered_gallery_link_redirects_and_the_bench_refuses_to_measure_it(
    client: FlaskClient, gallery_of: EntryMaker
) -> None:
    gallery_of(10)
    response = client.get("/solutions?page=3")
    assert response.status_code == 302
    problem = refusal("/solutions?page=3", as_bench_sees(response))
    assert problem is not None and "answered 302" in problem and "not 200" in problem


@pytest.mark.parametrize(
    ("status", "location", "signed_in", "reason"),
    [
        (301, "/elsewhere", False, "answered 301 (to /elsewhere)"),
        (404, "", False, "answered 404, not 200"),
        (500, "", True, "answered 500, not 200"),
        (302, "/login?next=%2Fjudging", True, "sent the signed-in visitor to /login"),
    ],
)
def test_every_answer_but_200_is_refused(
    status: int, location: str, signed_in: bool, reason: str
) -> None:
    headers = [("Location", location)] if location else []
    problem = refusal("/page", Response(status, headers, b""), signed_in=signed_in)
    assert problem is not None and reason in problem
    assert refusal("/page", Response(200, [], b"ok"), signed_in=signed_in) is None

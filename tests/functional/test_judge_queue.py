"""A judge's list shows each seat's next assignments (drafts under way, then untouched, then
submitted) with its progress, and links to the seat's own pages for the rest: however many
assignments a judge has, /judging renders as many rows and runs as many queries."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.db import db
from judging.models import Assignment, AssignmentState, Judge
from judging.panel import my_work
from tests.conftest import AuthActions
from tests.judging_support import World, judging_world
from tests.queries import count_queries

SHOWN = 3


@pytest.fixture(autouse=True)
def short_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(my_work, "SHOWN", SHOWN)
    monkeypatch.setattr(my_work, "SEAT_PER_PAGE", 3)


def assign(world: World, judge: Judge, states: list[AssignmentState]) -> None:
    """One assignment of ``judge`` per state, on the world's entries in order, labelled E-01.."""
    for n, (entry, state) in enumerate(zip(world.entries, states, strict=False), start=1):
        db.session.add(
            Assignment(
                judge_id=judge.id, submission_id=entry.id, state=state, blind_label=f"E-{n:02d}"
            )
        )
    db.session.commit()


def labels(page: str) -> list[str]:
    return re.findall(r'class="font-monospace" href="[^"]+">(E-\d+)</a>', page)


A, P, S = AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS, AssignmentState.SUBMITTED


def test_the_judges_list_shows_drafts_then_untouched_entries_and_links_to_all_of_them(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=7, judge_count=1)
    judge = world.judges[0]
    assign(world, judge, [S, A, S, A, P, A, A])
    auth.login(judge.email)
    page = client.get("/judging").text
    assert labels(page) == ["E-05", "E-02", "E-04"]
    assert "2 of 7 reviews submitted" in page
    seat_url = f"/judging/seats/{judge.id}"
    assert f'href="{seat_url}">All 7 assignments' in page
    walked = [labels(client.get(f"{seat_url}?page={n}").text) for n in (1, 2, 3)]
    assert walked == [["E-05", "E-02", "E-04"], ["E-06", "E-07", "E-01"], ["E-03"]]
    past_end = client.get(f"{seat_url}?page=9")
    assert past_end.status_code == 302 and past_end.headers["Location"].endswith("page=3")


def test_a_seat_with_few_assignments_lists_them_all_without_a_link(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=2, judge_count=1)
    judge = world.judges[0]
    assign(world, judge, [S, A])
    auth.login(judge.email)
    page = client.get("/judging").text
    assert labels(page) == ["E-02", "E-01"]
    assert "1 of 2 reviews submitted" in page and f"/judging/seats/{judge.id}" not in page


def test_the_judges_pages_run_as_many_queries_and_rows_with_three_times_the_assignments(
    web_app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=12, judge_count=1)
    judge = world.judges[0]
    urls = ["/judging", f"/judging/seats/{judge.id}", f"/judging/seats/{judge.id}?page=2"]
    assign(world, judge, [A, S, P, A])
    auth.login(judge.email)
    for url in urls:
        client.get(url)  # warm up (first-request caches)
    few = {url: count_queries(web_app, client, url) for url in urls}
    db.session.execute(sa.delete(Assignment))
    assign(world, judge, [A, S, P, A] * 3)
    assert {url: count_queries(web_app, client, url) for url in urls} == few
    assert len(labels(client.get("/judging").text)) == SHOWN

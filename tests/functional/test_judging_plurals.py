"""Counts on judging pages read as English: "1 judge", "1 entry", never "1 judges"."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from core.text import plural
from judging.models import Round
from judging.rounds.screening import assign_screeners
from tests.conftest import AuthActions
from tests.factories import make_user
from tests.judging_support import judging_world
from tests.rounds_support import judge_verdict, screening_world, standing

WRONG = re.compile(r"\b1 (judges|entries|assignments|reviews|screeners|days|finalists)\b")


@pytest.mark.parametrize(
    ("count", "forms", "text"),
    [
        (1, ("judge",), "1 judge"),
        (2, ("judge",), "2 judges"),
        (0, ("entry",), "0 entries"),
        (1, ("entry",), "1 entry"),
        (3, ("day",), "3 days"),
        (1, ("entry is", "entries are"), "1 entry is"),
        (4, ("entry is", "entries are"), "4 entries are"),
    ],
)
def test_plural_puts_the_noun_in_the_number_of_the_count(
    count: int, forms: tuple[str, ...], text: str
) -> None:
    assert plural(count, *forms) == text


def test_one_judge_one_entry_pages_say_judge_and_entry(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=1, judge_count=1, k=1)
    auth.login(world.owner.email)
    assigned = client.post("/challenges/grid/judging/assign", follow_redirects=True).text
    assert (
        "1 new assignment; 0 kept." in assigned
        and "Evaluation gives each entry 1 judge." in assigned
    )
    assert not WRONG.search(assigned), WRONG.search(assigned)
    auth.logout()
    auth.login(make_user("root", admin=True).email)  # read-only: the settings in words
    board = client.get("/challenges/grid/judging").text
    assert "1 judge per entry" in board and not WRONG.search(board)
    auth.logout()
    auth.login(world.judges[0].email)
    mine = client.get("/judging").text
    assert "0 of 1 review submitted" in mine and not WRONG.search(mine)


def test_the_advance_list_counts_one_entry_in_one_out(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = screening_world(entries=2, judges=2)
    assign_screeners(actor=world.owner, challenge=world.challenge)
    first, second = world.entries
    judge_verdict(standing(first, Round.SCREENING)[0], "pass", "Good enough.")
    judge_verdict(standing(second, Round.SCREENING)[0], "fail", "Off topic: a wind farm.")
    auth.login(world.owner.email)
    url = "/challenges/grid/judging/advance/evaluation"
    pending = client.get(url).text
    assert "Still pending: 1 entry<" in pending and "1 entry is still being screened" in pending
    judge_verdict(standing(second, Round.SCREENING)[1], "fail", "Not about storage at all.")
    page = client.get(url).text
    assert "In: 1 entry goes on to evaluation" in page and "Out: 1 entry failed" in page
    assert "Advance 1 entry to evaluation" in page and not WRONG.search(page)
    entries = re.search(r'name="entries"[^>]*value="([^"]*)"', page).group(1)
    done = client.post(url, data={"entries": entries}, follow_redirects=True).text
    assert "The evaluation round has begun with 1 entry." in done and not WRONG.search(done)

"""The judging dashboard at scale: entries paged 50 at a time, the "not fully reviewed" filter,
counts from aggregate queries, swaps from any page, the capped list of void assignments."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.db import db, utcnow
from judging import services
from judging.models import Assignment, AssignmentState, Judge, Round
from judging.results.freshness import bump_inputs
from submissions.models import Submission
from tests.conftest import AuthActions
from tests.factories import make_org
from tests.judging_support import World, judging_world, person, seat_judge
from tests.queries import count_queries
from tests.results_support import bare_entries
from tests.rounds_support import judge_verdict, screening_world, standing

DASH = "/challenges/grid/judging"


def board(entries: int, judges: int = 3, k: int = 1) -> World:
    """A challenge in judging with ``entries`` submitted entries, all assigned."""
    world = judging_world(entry_count=0, judge_count=judges, k=k)
    world.entries = bare_entries(world.challenge, entries)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    return world


def finish(submission_ids: list[int]) -> None:
    """Every standing assignment of these entries has its review in. A Core UPDATE bypasses
    the ORM flush that moves the results inputs counter, so it moves the counter itself, as
    judging.results.freshness asks of such writes (the dashboard reuses figures until then)."""
    db.session.execute(
        sa.update(Assignment)
        .where(Assignment.submission_id.in_(submission_ids))
        .values(state=AssignmentState.SUBMITTED)
    )
    challenges = db.session.scalars(
        sa.select(Submission.challenge_id).where(Submission.id.in_(submission_ids))
    )
    bump_inputs(db.session, challenges)
    db.session.commit()


def labels_by_entry() -> dict[int, str]:
    rows = db.session.execute(sa.select(Assignment.submission_id, Assignment.blind_label))
    return {submission_id: label for submission_id, label in rows}


def assignments_section(html: str) -> str:
    start = html.index('id="assignments"')
    return html[start : html.index("</section>", start)]


def shown_labels(html: str) -> list[str]:
    table = assignments_section(html).split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<span class="font-monospace">([^<]+)</span>', table)


def panel_cell(html: str, judge: Judge) -> str:
    start = html.index('id="panel"')
    panel = html[start : html.index("</section>", start)]
    row = next(part for part in panel.split("<tr>") if judge.email in part)
    return re.findall(r"<td>(\d+ / \d+)</td>", row)[0]


def test_assignments_show_fifty_entries_a_page_in_label_order_with_links_to_the_section(
    client: FlaskClient, auth: AuthActions
) -> None:
    board(55)
    ordered = sorted(labels_by_entry().values())
    auth.login("owner@example.org")
    first = client.get(DASH).text
    assert shown_labels(first) == ordered[:50]
    assert f'href="{DASH}?page=2#assignments"' in first
    second = client.get(f"{DASH}?page=2").text
    assert shown_labels(second) == ordered[50:]
    assert f'href="{DASH}?page=1#assignments"' in second
    assert "0 of 55 entries fully reviewed" in second


def test_the_open_filter_lists_only_entries_still_missing_reviews_and_counts_them(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = board(55, judges=3, k=2)
    labels = labels_by_entry()
    done, missing = world.entries[:52], world.entries[52:]
    finish([entry.id for entry in done])
    auth.login("owner@example.org")
    html = client.get(DASH).text
    assert "52 of 55 entries fully reviewed" in html and "Not fully reviewed (3)" in html
    filtered = client.get(f"{DASH}?open=1").text
    assert shown_labels(filtered) == sorted(labels[entry.id] for entry in missing)
    assert "0 / 2" in assignments_section(filtered) and "2 / 2" not in filtered
    assert 'aria-current="page"' in filtered.split("Not fully reviewed")[0][-300:]
    finish([entry.id for entry in missing])
    assert "Every entry is fully reviewed." in client.get(f"{DASH}?open=1").text


def test_page_links_of_the_open_filter_keep_the_filter(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = board(56)
    finish([world.entries[0].id])
    auth.login("owner@example.org")
    html = client.get(f"{DASH}?open=1").text
    assert "1 of 56 entries fully reviewed" in html and len(shown_labels(html)) == 50
    assert f'href="{DASH}?page=2&amp;open=1#assignments"' in html
    assert len(shown_labels(client.get(f"{DASH}?page=2&open=1").text)) == 5


def test_screening_counts_an_entry_as_reviewed_once_the_round_needs_nothing_more_of_it(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = screening_world(entries=3, judges=3)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    first, second, third = world.entries
    judge_verdict(standing(first, Round.SCREENING)[0], "pass", "Good.")
    judge_verdict(standing(second, Round.SCREENING)[0], "fail", "Off topic: a wind farm.")
    auth.login(world.owner.email)
    html = client.get(f"{DASH}?open=1").text
    assert "1 of 3 entries fully reviewed" in html and "screening round" in html
    labels = labels_by_entry()
    assert shown_labels(html) == sorted([labels[second.id], labels[third.id]])
    assert "1 / 2" in assignments_section(html)  # a fail calls for a second screener


def test_panel_shows_each_judges_reviews_done_of_those_assigned_in_this_round(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = board(7, judges=3, k=2)
    finish([world.entries[0].id, world.entries[1].id])
    auth.login("owner@example.org")
    html = client.get(DASH).text
    for judge in world.judges:
        rows = db.session.scalars(sa.select(Assignment).where(Assignment.judge_id == judge.id))
        states = [row.state for row in rows]
        done = states.count(AssignmentState.SUBMITTED)
        assert panel_cell(html, judge) == f"{done} / {len(states)}"
    assert sum(int(panel_cell(html, j).split(" / ")[0]) for j in world.judges) == 4


def test_a_swap_from_the_second_page_lands_back_on_that_page(
    client: FlaskClient, auth: AuthActions, mails: list
) -> None:
    world = board(55, judges=3, k=1)
    auth.login("owner@example.org")
    page = client.get(f"{DASH}?page=2").text
    assignment_id = int(re.search(r"/judging/assignments/(\d+)/swap\?page=2", page).group(1))
    row = db.session.get(Assignment, assignment_id)
    spare = next(judge for judge in world.judges if judge.id != row.judge_id)
    assert f'<option value="{spare.id}">' in page
    swapped = client.post(
        f"{DASH}/assignments/{assignment_id}/swap?page=2",
        data={f"swap-{assignment_id}-judge": str(spare.id)},
    )
    assert swapped.status_code == 302
    assert swapped.headers["Location"].endswith(f"{DASH}?page=2#assignments")
    after = client.get(swapped.headers["Location"]).text
    assert "has a new judge" in after and "Replaced by the sponsor." in after
    db.session.expire_all()
    assert db.session.get(Assignment, assignment_id).state == AssignmentState.VOID
    taken = db.session.scalar(
        sa.select(Assignment).where(
            Assignment.submission_id == row.submission_id, Assignment.judge_id == spare.id
        )
    )
    assert taken is not None and taken.state == AssignmentState.ASSIGNED


def test_submitted_reviews_offer_no_swap_but_still_a_conflict_void(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = board(2, judges=3, k=1)
    finish([world.entries[0].id])
    auth.login("owner@example.org")
    html = assignments_section(client.get(DASH).text)
    assert html.count("Swap</button>") == 1 and html.count("Void (conflict)</button>") == 2


def test_empty_states_say_why_no_entry_is_listed(client: FlaskClient, auth: AuthActions) -> None:
    world = judging_world(entry_count=0, judge_count=1, k=1)
    auth.login("owner@example.org")
    assert "No entries in the evaluation round yet." in client.get(DASH).text
    bare_entries(world.challenge, 2)
    past_end = client.get(f"{DASH}?page=3")
    assert past_end.status_code == 302 and past_end.headers["Location"] == DASH
    assert "Page 3 is past the end of this list" in client.get(DASH).text
    assert "0 of 2 entries fully reviewed" in client.get(f"{DASH}?page=abc").text


def test_the_withdrawn_list_shows_the_latest_fifty_with_the_total(
    client: FlaskClient, auth: AuthActions
) -> None:
    board(52, judges=2, k=1)
    rows = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).all()
    start = utcnow() - timedelta(days=1)
    for n, row in enumerate(rows):
        row.state, row.voided_at = AssignmentState.VOID, start + timedelta(minutes=n)
        row.void_reason = f"Conflict number {n}."
    db.session.commit()
    auth.login("owner@example.org")
    html = assignments_section(client.get(DASH).text)
    assert "The latest 50 of 52 withdrawn assignments." in html
    assert html.count("<li>") == 50
    assert html.index("Conflict number 51.") < html.index("Conflict number 2.")
    assert "Conflict number 1." not in html and "Conflict number 0." not in html


def test_the_dashboard_runs_as_many_queries_for_sixty_entries_as_for_three(
    client: FlaskClient, auth: AuthActions, web_app: Flask
) -> None:
    world = board(3, judges=3, k=2)
    finish([world.entries[0].id])
    auth.login("owner@example.org")
    client.get(DASH)  # warm up
    few = count_queries(web_app, client, DASH)
    more = bare_entries(world.challenge, 60, owner=person("filler_more"))
    seat_judge(world, person("judge4"))
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    finish([entry.id for entry in more[:20]])
    html = client.get(DASH).text
    assert "21 of 63 entries fully reviewed" in html and len(shown_labels(html)) == 50
    assert count_queries(web_app, client, DASH) == few
    assert count_queries(web_app, client, f"{DASH}?page=2") <= few
    assert count_queries(web_app, client, f"{DASH}?open=1") <= few


ROLES = {
    "anonymous": None,
    "judge": "judge1@judge1.example",
    "member": "member@example.org",
    "other_owner": "other_owner@other_owner.example",
    "manager": "manager@example.org",
    "owner": "owner@example.org",
    "admin": "admin@admin.example",
}


@pytest.mark.parametrize("role", ROLES)
def test_paged_and_filtered_dashboard_is_for_the_sponsor_and_admins_only(
    client: FlaskClient, auth: AuthActions, role: str
) -> None:
    board(3)
    make_org("Other", owner=person("other_owner"), slug="other")
    person("admin").is_admin = True
    db.session.commit()
    if ROLES[role]:
        assert auth.login(ROLES[role]).status_code == 302
    response = client.get(f"{DASH}?page=2&open=1", follow_redirects=role != "anonymous")
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        expected = 200 if role in {"manager", "owner", "admin"} else 403
        assert response.status_code == expected

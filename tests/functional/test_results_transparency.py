"""What each viewer sees of scores and feedback under each judging transparency: the results
page, the entry page's feedback and the API; notes to the panel are never shown anywhere."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from core.db import db, utcnow
from judging.models import Assignment, AssignmentState, Review, Round
from judging.results.models import SnapshotState
from tests.conftest import AuthActions
from tests.judging_support import World
from tests.results_support import PANEL_NOTE, feedback_text, judged_world, publish

TRANSPARENCIES = ["scores_public", "scores_to_solver", "private"]
VIEWERS = {
    "public": None,
    "solver": "solver1@solver1.example",  # entry 1: ranked first, won the first prize
    "other_solver": "solver2@solver2.example",
    "sponsor": "owner@example.org",
    "judge": "judge1@judge1.example",  # reviewed entry 1 (blind)
}
JUDGE_NAMES = ("Judge1", "Judge2", "Judge3", "judge1@", "judge2@")


def _as(auth: AuthActions, viewer: str) -> None:
    if VIEWERS[viewer]:
        assert auth.login(VIEWERS[viewer]).status_code == 302


def _feedback_section(html: str) -> str:
    start = html.find('id="entry-feedback"')
    return "" if start < 0 else html[start : html.index("</section>", start)]


def _review_total(world: World, entry: int, judge: int) -> float:
    return db.session.scalar(
        sa.select(Review.score_total)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .where(
            Assignment.submission_id == world.entries[entry - 1].id,
            Assignment.judge_id == world.judges[judge - 1].id,
        )
    )


@pytest.mark.parametrize("viewer", list(VIEWERS))
@pytest.mark.parametrize("transparency", TRANSPARENCIES)
def test_transparency_matrix(
    client: FlaskClient, auth: AuthActions, transparency: str, viewer: str
) -> None:
    world = judged_world(transparency=transparency)
    publish(world)
    _as(auth, viewer)
    public_scores = transparency == "scores_public"

    results = client.get("/challenges/grid/results").text
    assert ('id="ranked-table"' in results) is public_scores
    assert ("91.23" in results) is public_scores  # the winner's final score
    assert "First prize" in results and "Entry 1" in results

    entry_page = client.get(f"/submissions/{world.entries[0].id}").text
    assert ('id="entry-public-line"' in entry_page) is public_scores
    feedback = _feedback_section(entry_page)
    if viewer == "solver":
        assert feedback, "the entry's team reads the judges' feedback after publication"
        for judge in (1, 2, 3):
            assert feedback_text(1, judge) in feedback and f">J{judge}</h3>" in feedback
        total = f"{_review_total(world, 1, 1):.2f}"
        assert ("Review score" in feedback) is (transparency != "private")
        assert (total in feedback) is (transparency != "private")
        assert ("Your entry ranked <strong>1</strong> of 3" in feedback) is (
            transparency != "private"
        )
        assert not any(name in feedback for name in JUDGE_NAMES)
    else:
        assert not feedback
        assert feedback_text(1, 1) not in entry_page

    api = client.get("/api/v1/challenges/grid/results").get_json()
    assert (api["ranking"] is not None) is public_scores
    assert [w["prize"]["label"] for w in api["winners"]] == ["First prize", "Second prize"]

    for text in (results, entry_page, str(api)):
        assert PANEL_NOTE not in text
        assert feedback_text(2, 1) not in text  # another entry's feedback never leaks


def test_teammates_read_the_feedback_too(client: FlaskClient, auth: AuthActions) -> None:
    world = judged_world()
    publish(world)
    auth.login("mate1@mate1.example")
    feedback = _feedback_section(client.get(f"/submissions/{world.entries[0].id}").text)
    assert feedback_text(1, 2) in feedback and "Review score" in feedback


def test_feedback_is_never_shown_before_publication(client: FlaskClient, auth: AuthActions) -> None:
    world = judged_world(transparency="scores_public")
    publish(world, state=SnapshotState.COMPUTED)
    auth.login("solver1@solver1.example")
    html = client.get(f"/submissions/{world.entries[0].id}").text
    assert 'id="entry-results"' not in html and feedback_text(1, 1) not in html


def test_judges_carry_the_snapshots_labels_not_their_seat_order(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judged_world()
    published = publish(world)
    first, second, third = (judge.id for judge in world.judges)
    published.snapshot.judges = [
        {"judge_id": third, "label": "J1"},
        {"judge_id": first, "label": "J2"},
        {"judge_id": second, "label": "J3"},
    ]
    db.session.commit()
    auth.login("solver1@solver1.example")
    feedback = _feedback_section(client.get(f"/submissions/{world.entries[0].id}").text)
    j1, j2, j3 = (feedback.index(f">J{n}</h3>") for n in (1, 2, 3))
    assert j1 < feedback.index(feedback_text(1, 3)) < j2
    assert j2 < feedback.index(feedback_text(1, 1)) < j3
    assert j3 < feedback.index(feedback_text(1, 2))


def test_voided_and_screening_reviews_are_not_passed_on(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judged_world()
    publish(world)
    entry = world.entries[0]
    voided = db.session.scalars(
        sa.select(Assignment).where(
            Assignment.submission_id == entry.id, Assignment.judge_id == world.judges[1].id
        )
    ).one()
    voided.state, voided.voided_at = AssignmentState.VOID, utcnow()
    screening = db.session.scalars(
        sa.select(Assignment).where(
            Assignment.submission_id == entry.id, Assignment.judge_id == world.judges[2].id
        )
    ).one()
    screening.round = Round.SCREENING
    db.session.commit()
    auth.login("solver1@solver1.example")
    feedback = _feedback_section(client.get(f"/submissions/{entry.id}").text)
    assert feedback_text(1, 1) in feedback
    assert feedback_text(1, 2) not in feedback and feedback_text(1, 3) not in feedback


def test_an_unranked_entrys_team_still_reads_its_feedback(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judged_world()
    publish(world, order=world.entries[1:])  # entry 1 left out of the ranking
    auth.login("solver1@solver1.example")
    feedback = _feedback_section(client.get(f"/submissions/{world.entries[0].id}").text)
    assert "Your entry was not ranked." in feedback and feedback_text(1, 1) in feedback

"""A save that arrives just after the deadline keeps the typed text and says why it failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from core.db import db, frozen_time
from submissions import services
from submissions.models import Submission
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user

TYPED = {
    "title": "Sand battery, final version",
    "summary": "Heat sand with surplus power.",
    "body_md": "A long description typed over an hour, <b>not yet saved</b>.",
    "links": "https://example.org/repo",
    "base_version": "0",
    "save": "Save",
}


@pytest.fixture
def entry(auth: AuthActions) -> Submission:
    org = make_org("Helios", owner=make_user("sponsor"))
    challenge = make_challenge(org, slug="grid")
    solver = make_user("solver")
    submission = services.enter_challenge(
        actor=solver, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    auth.login(solver.email)
    return submission


def test_an_entry_saved_after_the_deadline_keeps_the_text_and_says_why(
    client: FlaskClient, entry: Submission
) -> None:
    with frozen_time(entry.challenge.closes_at + timedelta(seconds=5)):
        response = client.post(f"/submissions/{entry.id}/edit", data=TYPED)
    assert response.status_code == 409
    html = response.text
    assert "The deadline for entries passed" in html and "copy it" in html
    assert TYPED["title"] in html
    assert "A long description typed over an hour, &lt;b&gt;not yet saved&lt;/b&gt;." in html
    db.session.refresh(entry)
    assert entry.title != TYPED["title"] and entry.current_version == 0


def test_a_question_asked_after_the_deadline_keeps_the_text_and_says_why(
    client: FlaskClient, auth: AuthActions
) -> None:
    org = make_org("Helios", owner=make_user("sponsor"))
    challenge = make_challenge(org, slug="grid")
    asker = make_user("asker")
    auth.login(asker.email)
    question = "Does a 40-foot container count as one unit?"
    with frozen_time(challenge.closes_at + timedelta(seconds=5)):
        response = client.post("/challenges/grid/questions", data={"body": question})
    assert response.status_code == 409
    assert "Questions close with the challenge" in response.text
    assert question in response.text


def test_a_challenge_edit_sent_after_cancellation_keeps_the_text_and_says_why(
    client: FlaskClient, auth: AuthActions
) -> None:
    from tests.functional.challenge_helpers import FORM

    owner = make_user("owner")
    challenge = make_challenge(make_org("Helios", owner=owner), slug="grid", published=False)
    auth.login(owner.email)
    assert client.get("/challenges/grid/edit").status_code == 200  # the form is open...
    challenge.cancelled_at = challenge.created_at  # ...when a co-owner cancels the challenge
    db.session.commit()
    typed = {**FORM, "description_md": "A carefully rewritten problem statement."}
    response = client.post("/challenges/grid/edit", data=typed)
    assert response.status_code == 409
    assert "was cancelled" in response.text and "copy" in response.text
    assert "A carefully rewritten problem statement." in response.text

"""Results computation as a job: its progress page, the second click, refusals before queueing."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from core.db import db
from core.jobs import Job, JobState
from core.jobs.runner import run_job
from judging.results.compute_job import RESULTS_KIND
from judging.results.models import ResultSnapshot
from tests.conftest import AuthActions
from tests.example_support import example_world
from tests.functional.results_helpers import URL
from tests.job_support import next_link, progress_page


def _count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _computations() -> list[Job]:
    return list(db.session.scalars(sa.select(Job).where(Job.kind == RESULTS_KIND)))


def test_computing_results_shows_a_done_progress_page_that_leads_to_the_review(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    auth.login(example.world.owner.email)
    asked = client.post(URL)
    page = progress_page(client, asked)
    assert page.status_code == 200
    assert "Results of “" in page.text and "Results computed: 4 entries ranked." in page.text
    snapshot = db.session.scalars(sa.select(ResultSnapshot)).one()
    assert next_link(page) == f"{URL}/{snapshot.id}" and "Review the results" in page.text
    assert '<a href="/challenges/grid/judging" id="job-back">Back to judging</a>' in page.text
    status = client.get(f"{asked.headers['Location']}.json").get_json()
    # The page's script goes straight to the review when it sees the job end.
    assert status["finished"] is True and status["redirect"] is True
    assert status["next_url"] == f"{URL}/{snapshot.id}"
    review = client.get(next_link(page))
    assert review.status_code == 200 and 'id="ranking-table"' in review.text


def test_a_second_click_while_results_are_computing_starts_no_second_computation(
    client: FlaskClient, auth: AuthActions, held_jobs: list[int]
) -> None:
    example = example_world()
    auth.login(example.world.owner.email)
    first = client.post(URL)
    second = client.post(URL)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    [job] = _computations()
    assert held_jobs[-1] == job.id and held_jobs.count(job.id) == 1  # handed over once
    assert _count(ResultSnapshot) == 0
    assert "Waiting to start" in client.get(first.headers["Location"]).text

    db.session.execute(
        sa.update(Job).where(Job.id == job.id).values(state=JobState.RUNNING)
    )  # a worker took it
    db.session.commit()
    assert client.post(URL).headers["Location"] == first.headers["Location"]
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(state=JobState.PENDING))
    db.session.commit()

    assert run_job(job.id) == "done"
    assert _count(ResultSnapshot) == 1
    assert "Results computed: 4 entries ranked." in client.get(first.headers["Location"]).text
    again = client.post(URL)  # once it is over, a click computes afresh
    assert again.headers["Location"] != first.headers["Location"] and len(_computations()) == 2


def test_results_that_cannot_be_computed_are_refused_before_anything_is_queued(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world(reviews={})
    auth.login(example.world.owner.email)
    response = client.post(URL)
    assert response.status_code == 302
    assert response.headers["Location"] == "/challenges/grid/judging#results"
    dashboard = client.get(response.headers["Location"]).text
    assert "No reviews are assigned yet" in dashboard
    assert _computations() == [] and _count(ResultSnapshot) == 0


def test_only_the_sponsor_who_asked_and_admins_watch_a_computation(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    auth.login(example.world.owner.email)
    location = client.post(URL).headers["Location"]
    auth.logout()
    auth.login("judgea@judgea.example")
    assert client.get(location).status_code == 404
    assert client.get(f"{location}.json").status_code == 404

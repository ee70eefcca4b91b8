"""The /impact figures, the adoption feed, the read API and the reminders to sponsors."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.db import db, utcnow
from core.mail import Mail
from judging.adoption.models import AdoptionReminder, AdoptionStatus
from judging.adoption.reminders import remind_sponsors
from judging.adoption.stats import impact_figures
from tests.adoption_support import add_update, approve, build_adoption_world
from tests.factories import make_org, make_user
from tests.queries import count_queries
from tests.results_support import awarded_challenge

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = timedelta(days=1)


def test_impact_without_awards_says_so(client: FlaskClient) -> None:
    page = client.get("/impact").get_data(as_text=True)
    assert "No challenge has been awarded yet." in page
    assert 'href="/impact/diversity"' in page
    assert 'rel="alternate" type="application/atom+xml"' in page


def test_the_share_counts_only_challenges_awarded_six_months_ago(client: FlaskClient) -> None:
    old = build_adoption_world(at=utcnow() - 300 * DAY)
    add_update(old, AdoptionStatus.ADOPTED, at=utcnow() - 250 * DAY, money_saved=100)
    org = make_org("Aquila", owner=make_user("aquila"))
    late = awarded_challenge(
        org, make_user("w1"), title="Late", entry_title="Slow", at=utcnow() - 400 * DAY
    )
    young = awarded_challenge(
        org, make_user("w2"), title="Young", entry_title="New", at=utcnow() - 20 * DAY
    )
    # Late's only update came eight months after its award: not within six.
    add_update(
        old.__class__(late.challenge.slug, late.challenge.id, late.awards[0].id, 0, 0),
        AdoptionStatus.NOT_ADOPTED,
        at=utcnow() - 160 * DAY,
        reason="Budget.",
    )
    del young
    figures = impact_figures()
    assert (figures.awarded, figures.eligible, figures.updated_within) == (3, 2, 1)
    assert figures.solutions == 3 and figures.adopted == 1 and figures.no_update == 1
    page = client.get("/impact").get_data(as_text=True)
    assert "50%" in page and "33%" in page  # updated within six months; adopted
    assert "Counts only the 2 challenges awarded at least six months ago" in page
    assert page.count("<svg") == 3 and page.count("<table") == 3


def test_the_feed_lists_updates_newest_first_as_valid_atom(client: FlaskClient) -> None:
    world = build_adoption_world()
    add_update(world, AdoptionStatus.EVALUATING, at=utcnow() - 3 * DAY, note="First look.")
    add_update(world, AdoptionStatus.ADOPTED, at=utcnow() - DAY, people_reached=1200)
    response = client.get("/impact/adoption.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == ["Grid, First prize: Adopted", "Grid, First prize: Evaluating"]
    summary = feed.find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    assert "People reached: 1,200." in summary
    ids = [e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")]
    assert len(set(ids)) == 2 and all(
        e.find(f"{ATOM}updated") is not None for e in feed.iter(f"{ATOM}entry")
    )


def test_the_api_gives_figures_and_a_challenges_adoption(client: FlaskClient) -> None:
    world = build_adoption_world()
    add_update(world, AdoptionStatus.PILOTING, at=utcnow() - DAY, links="https://example.org/p")
    approve(world.report_id)
    body = client.get("/api/v1/impact").get_json()
    assert body["awarded_challenges"] == 1 and body["updated_share"] is None
    adoption = client.get(f"/api/v1/challenges/{world.slug}/adoption").get_json()
    [winner] = adoption["winners"]
    assert winner["status"] == "piloting" and winner["entry"]["title"] == "Battery Twin"
    assert winner["updates"][0]["links"] == ["https://example.org/p"]
    assert winner["reuse"][0]["url"] == "https://example.org/city-pilot"
    missing = client.get("/api/v1/challenges/nowhere/adoption")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_a_challenge_not_yet_awarded_has_no_adoption_document(client: FlaskClient) -> None:
    from tests.factories import make_challenge

    challenge = make_challenge(make_org("Early", owner=make_user("early")), phase="judging")
    response = client.get(f"/api/v1/challenges/{challenge.slug}/adoption")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def _reminders(mails: list[Mail]) -> list[tuple[str, str]]:
    return [(m.to, m.subject.split(" since")[0]) for m in mails if "since the award" in m.subject]


def test_sponsors_are_reminded_once_per_milestone(mails: list[Mail]) -> None:
    awarded = utcnow() - 400 * DAY
    world = build_adoption_world(at=awarded)
    mails.clear()
    assert remind_sponsors(awarded + 30 * DAY) == []  # too early
    assert remind_sponsors(awarded + 92 * DAY) == [(world.slug, 3)]
    assert remind_sponsors(awarded + 93 * DAY) == []  # a rerun mails nobody twice
    sent = _reminders(mails)
    assert sorted(sent) == [("manager@example.org", "3 months"), ("owner@example.org", "3 months")]
    # An update after the 3-month reminder: no 6-month reminder.
    add_update(world, AdoptionStatus.EVALUATING, at=awarded + 100 * DAY)
    assert remind_sponsors(awarded + 183 * DAY) == []
    # Nothing since the 6-month mark: the 12-month reminder goes out, once.
    assert remind_sponsors(awarded + 366 * DAY) == [(world.slug, 12)]
    assert remind_sponsors(awarded + 367 * DAY) == []
    rows = db.session.scalars(sa.select(AdoptionReminder.milestone)).all()
    assert sorted(rows) == [3, 12] and len(_reminders(mails)) == 4


def test_a_challenge_with_an_update_since_the_award_gets_no_first_reminder(
    mails: list[Mail],
) -> None:
    awarded = utcnow() - 100 * DAY
    world = build_adoption_world(at=awarded)
    add_update(world, AdoptionStatus.PILOTING, at=awarded + 10 * DAY)
    mails.clear()
    assert remind_sponsors(awarded + 92 * DAY) == [] and _reminders(mails) == []


def test_a_scheduler_off_for_long_sends_only_the_latest_milestone(mails: list[Mail]) -> None:
    awarded = utcnow() - 400 * DAY
    world = build_adoption_world(at=awarded)
    assert remind_sponsors(awarded + 200 * DAY) == [(world.slug, 6)]
    assert remind_sponsors(awarded + 300 * DAY) == []  # past the grace of the 6-month mark


def test_the_reminder_job_is_scheduled_daily(app: Flask) -> None:
    from core.jobs.registry import kind

    assert kind("judging.adoption_reminders").schedule == "17 8 * * *"


@pytest.mark.parametrize("url", ["/impact", "/challenges/{slug}", "/impact/adoption.atom"])
def test_impact_pages_run_as_many_queries_with_three_times_the_data(
    web_app: Flask, client: FlaskClient, url: str
) -> None:
    world = build_adoption_world()
    target = url.format(slug=world.slug)

    def grow() -> None:
        add_update(world, AdoptionStatus.EVALUATING, at=utcnow() - 2 * DAY, note="More.")
        org = make_org(owner=make_user())
        other = awarded_challenge(
            org, make_user(), title="More", entry_title="Another", at=utcnow() - 300 * DAY
        )
        add_update(
            world.__class__(other.challenge.slug, other.challenge.id, other.awards[0].id, 0, 0),
            AdoptionStatus.ADOPTED,
            at=utcnow() - DAY,
        )

    grow()
    approve(world.report_id)
    client.get(target)
    few = count_queries(web_app, client, target)
    grow()
    grow()
    assert count_queries(web_app, client, target) == few

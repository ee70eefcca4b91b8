"""Adoption updates, reuse reports and their moderation, through the pages a person uses."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from core.db import db, utcnow
from judging.adoption.models import AdoptionStatus, AdoptionUpdate, ReuseReport, ReuseState
from submissions.models import Lineage, Submission, SubmissionStatus
from tests.adoption_support import AdoptionWorld, add_update, approve, build_adoption_world
from tests.conftest import AuthActions

GOOD = {
    "status": "adopted",
    "note": "Running in all depots.",
    "links": "https://example.org/report\nhttp://example.org/press",
    "money_saved": "25,000.50",
    "people_reached": "12 000",
}


@pytest.fixture
def world() -> AdoptionWorld:
    return build_adoption_world()


def _form_url(world: AdoptionWorld) -> str:
    return f"/challenges/{world.slug}/adoption/{world.award_id}"


def _updates() -> list[AdoptionUpdate]:
    return list(db.session.scalars(sa.select(AdoptionUpdate).order_by(AdoptionUpdate.id)))


def test_the_sponsor_records_an_update_and_the_public_sees_it_as_the_current_status(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld
) -> None:
    auth.login("manager@example.org")
    response = client.post(_form_url(world), data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/challenges/{world.slug}#impact")
    [update] = _updates()
    assert (update.money_saved, update.currency, update.people_reached) == (2_500_050, "USD", 12000)
    auth.logout()
    page = client.get(f"/challenges/{world.slug}").get_data(as_text=True)
    assert 'id="impact"' in page and "Adopted" in page
    assert "$25,000.50" in page and "12,000" in page and "https://example.org/report" in page
    assert "Record an update" not in page  # the public sees no sponsor action


def test_updates_are_a_history_and_the_newest_is_the_status(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld
) -> None:
    add_update(world, AdoptionStatus.EVALUATING, at=utcnow() - timedelta(days=5), note="Tests.")
    auth.login("owner@example.org")
    client.post(_form_url(world), data={"status": "not_adopted", "reason": "Too costly to run."})
    assert [u.status for u in _updates()] == ["evaluating", "not_adopted"]
    page = client.get(f"/challenges/{world.slug}").get_data(as_text=True)
    assert page.index("Not adopted") < page.index("Evaluating")  # newest first
    assert "Too costly to run." in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "not_adopted"}, "reason", "Say why the solution was not adopted."),
        ({"status": "adopted", "links": "javascript:alert(1)"}, "links", "http:// or https://"),
        ({"status": "adopted", "links": "ftp://example.org/x"}, "links", "http:// or https://"),
        ({"status": "adopted", "money_saved": "-5"}, "money_saved", "greater than zero"),
        ({"status": "adopted", "money_saved": "1e9"}, "money_saved", "plain digits"),
        ({"status": "adopted", "people_reached": "-3"}, "people_reached", "whole number"),
        ({"status": "adopted", "people_reached": "2.5"}, "people_reached", "whole number"),
        ({"status": "sold"}, "status", "Not a valid choice"),
        ({"status": ""}, "status", "Choose a status."),
        ({"status": "adopted", "note": "a\x00b"}, "note", "NUL"),
    ],
)
def test_bad_input_shows_the_form_again_with_a_message(
    client: FlaskClient,
    auth: AuthActions,
    world: AdoptionWorld,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    auth.login("owner@example.org")
    response = client.post(_form_url(world), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _updates() == []


def test_an_award_of_another_challenge_is_not_found(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld
) -> None:
    auth.login("owner@example.org")
    assert client.get(f"/challenges/{world.slug}/adoption/{world.award_id + 99}").status_code == 404


def test_the_form_refuses_a_post_without_csrf(
    web_app, client: FlaskClient, auth: AuthActions, world: AdoptionWorld
) -> None:
    auth.login("owner@example.org")
    web_app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(_form_url(world), data=GOOD)
    finally:
        web_app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code in (400, 422)
    assert _updates() == []


def test_a_reuse_report_shows_only_once_an_admin_approves_it(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld
) -> None:
    auth.login("solver@example.org")
    response = client.post(
        f"/submissions/{world.entry_id}/reuse",
        data={"url": "https://example.org/lyon", "note": "A co-operative in Lyon uses it."},
    )
    assert response.status_code == 302
    assert "https://example.org/lyon" not in client.get(f"/challenges/{world.slug}").text
    auth.logout()
    auth.login("admin@example.org")
    queue = client.get("/admin/reuse").get_data(as_text=True)
    assert "https://example.org/lyon" in queue and "city-pilot" in queue
    assert "Reuse reports" in client.get("/admin").get_data(as_text=True)
    lyon = db.session.scalar(sa.select(ReuseReport).where(ReuseReport.url.contains("lyon")))
    assert client.post(f"/admin/reuse/{lyon.id}/approve").status_code == 302
    assert client.post(f"/admin/reuse/{world.report_id}/reject").status_code == 302
    db.session.expire_all()
    assert db.session.get(ReuseReport, world.report_id).state == ReuseState.REJECTED
    page = client.get(f"/challenges/{world.slug}").get_data(as_text=True)
    assert "https://example.org/lyon" in page and "city-pilot" not in page
    again = client.post(f"/admin/reuse/{lyon.id}/reject", follow_redirects=True)
    assert "already decided" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "javascript:alert(1)", "note": "Long enough note."}, "http:// or https://"),
        ({"url": "https://", "note": "Long enough note."}, "no valid host"),
        ({"url": "https://example.org/x", "note": "short"}, "10 to 500 characters"),
        ({"url": "https://example.org/\x00", "note": "Long enough note."}, "NUL"),
        ({"url": "", "note": "Long enough note."}, "Give the address."),
    ],
)
def test_a_bad_reuse_report_is_refused_with_a_message(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld, data: dict, message: str
) -> None:
    auth.login("solver@example.org")
    response = client.post(f"/submissions/{world.entry_id}/reuse", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_the_same_reuse_is_reported_once(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld
) -> None:
    auth.login("solver@example.org")
    data = {"url": "https://example.org/city-pilot", "note": "The depot of Example uses it."}
    response = client.post(f"/submissions/{world.entry_id}/reuse", data=data)
    assert response.status_code == 409
    assert "already been reported" in response.get_data(as_text=True)


def test_lineage_counts_as_reuse_on_the_platform(client: FlaskClient, world: AdoptionWorld) -> None:
    entry = db.session.get(Submission, world.entry_id)
    follower = Submission(
        challenge_id=entry.challenge_id,
        owner_id=entry.owner_id,
        title="Battery Twin II",
        status=SubmissionStatus.SUBMITTED,
    )
    db.session.add(follower)
    db.session.flush()
    db.session.add(Lineage(submission_id=follower.id, builds_on_id=entry.id))
    db.session.commit()
    approve(world.report_id)
    page = client.get(f"/challenges/{world.slug}").get_data(as_text=True)
    assert "1 approved report" in page and "1 entry on OpenPrize builds on it" in page
    impact = client.get("/impact").get_data(as_text=True)
    assert "Reported elsewhere" in impact and "Built on here" in impact


def test_a_challenge_before_its_award_has_no_impact_section(client: FlaskClient) -> None:
    from tests.factories import make_challenge, make_org, make_user

    challenge = make_challenge(make_org("Early", owner=make_user("early")), phase="judging")
    assert 'id="impact"' not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)


def test_every_field_problem_shows_at_once(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld
) -> None:
    auth.login("owner@example.org")
    data = {"status": "not_adopted", "links": "ftp://x", "people_reached": "-4", "money_saved": "x"}
    page = client.post(_form_url(world), data=data).get_data(as_text=True)
    assert "Say why the solution was not adopted." in page
    assert "Links must start with http:// or https://" in page
    assert "whole number of 0 or more" in page and "plain digits" in page


def test_an_open_entry_page_offers_signed_in_readers_to_report_a_reuse(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld
) -> None:
    url = f"/submissions/{world.entry_id}"
    assert "Report a reuse" not in client.get(url).get_data(as_text=True)  # anonymous
    auth.login("solver@example.org")
    page = client.get(url).get_data(as_text=True)
    assert f'href="/submissions/{world.entry_id}/reuse"' in page


def test_a_reuse_report_shows_both_problems_at_once(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld
) -> None:
    auth.login("solver@example.org")
    data = {"url": "notalink", "note": "short"}
    page = client.post(f"/submissions/{world.entry_id}/reuse", data=data).get_data(as_text=True)
    assert "Links must start with http:// or https://" in page
    assert "Describe the reuse in 10 to 500 characters." in page

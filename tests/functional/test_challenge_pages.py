"""Challenge pages through the test client: drafting forms, browsing, search, feed, Q&A."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from challenges.models import Challenge, DeadlineNotice, Follow
from core.db import db
from core.mail import Mail
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user
from tests.functional import challenge_helpers
from tests.functional.challenge_helpers import FORM
from tests.queries import count_queries

sponsor = challenge_helpers.sponsor  # the signed-in owner of "Helios"


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Challenge))


def test_draft_form_saves_in_utc_and_shows_the_purse(client: FlaskClient, sponsor) -> None:
    response = client.post("/challenges/new", data=FORM, follow_redirects=True)
    assert b"Draft saved" in response.data
    assert b"$70,000.50" in response.data
    challenge = db.session.scalar(sa.select(Challenge))
    assert challenge.tags == "storage,grid"
    assert challenge.opens_at.isoformat() == "2031-01-10T08:00:00+00:00"  # 09:00 in Berlin is UTC+1
    assert challenge.closes_at.hour == 16


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2030-12-01T09:00"}, b"The challenge must open before it closes."),
        (
            {"closes_at": "2020-01-01T09:00", "opens_at": "2019-01-01T09:00"},
            b"must be in the future",
        ),
        ({"judging_ends_at": "2031-03-01T09:00"}, b"Judging must end after"),
        ({"tiers-0-amount": "0", "tiers-1-amount": ""}, b"greater than zero"),
        ({"tiers-0-amount": "-5"}, b"greater than zero"),
        ({"tiers-0-amount": "ten"}, b"Enter an amount"),
        ({"tiers-0-amount": "1e9"}, b"plain digits"),
        ({"tiers-0-amount": "\uff15\uff10\uff10\uff10"}, b"plain digits"),  # full-width 5000
        ({"tiers-0-amount": "99,999,999", "tiers-1-amount": "2"}, b"prizes total at most"),
        (
            {"tiers-0-label": "", "tiers-0-amount": "", "tiers-1-label": "", "tiers-1-amount": ""},
            b"Add at least one prize.",
        ),
        ({"currency": "XYZ"}, b"Not a valid choice"),
        ({"opens_at": "not a date"}, b"Not a valid datetime value"),
        ({"title": "x" * 121}, b"between 5 and 120 characters"),
        ({"solution_visibility": "everyone"}, b"Not a valid choice"),
        ({"max_team_size": "99"}, b"between 1 and 20"),
    ],
)
def test_bad_draft_input_rerenders_with_a_message(
    client: FlaskClient, sponsor, changes, message
) -> None:
    response = client.post("/challenges/new", data={**FORM, **changes})
    assert response.status_code == 422
    assert message in response.data
    assert b'value="Cheap Grid Storage"' in response.data or "title" in changes
    assert _count() == 0


def test_edit_form_shows_times_in_the_entry_zone(client: FlaskClient, sponsor) -> None:
    client.post("/challenges/new", data=FORM)
    page = client.get("/challenges/cheap-grid-storage/edit").get_data(as_text=True)
    assert 'value="2031-01-10T09:00"' in page
    assert 'value="20000.50"' in page


def test_unpublished_challenge_is_hidden_from_others(
    client: FlaskClient, auth: AuthActions, sponsor
) -> None:
    client.post("/challenges/new", data=FORM)
    assert client.get("/challenges/cheap-grid-storage").status_code == 200
    auth.logout()
    assert client.get("/challenges/cheap-grid-storage").status_code == 404
    assert b"Cheap Grid Storage" not in client.get("/challenges").data


def test_browse_lists_published_with_filters_and_empty_state(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, title="Open Battery Prize", phase="open", tiers=[("Top", 10_000_000)])
    make_challenge(org, title="Judging Solar Prize", phase="judging", category="Data science & AI")
    make_challenge(org, title="Cancelled Wind Prize", phase="cancelled")
    make_challenge(org, title="Draft Only Prize", published=False)
    page = client.get("/challenges").get_data(as_text=True)
    assert "Open Battery Prize" in page and "Judging Solar Prize" in page
    assert "Cancelled Wind Prize" not in page and "Draft Only Prize" not in page
    assert "closes in" in page and "$100,000" in page
    judging = client.get("/challenges?status=judging").get_data(as_text=True)
    assert "Judging Solar Prize" in judging and "Open Battery Prize" not in judging
    assert "Cancelled Wind Prize" in client.get("/challenges?status=cancelled").get_data(
        as_text=True
    )
    rich = client.get("/challenges?min_prize=50000").get_data(as_text=True)
    assert "Open Battery Prize" in rich and "Judging Solar Prize" not in rich
    category = client.get("/challenges?category=Data+science+%26+AI").get_data(as_text=True)
    assert "Judging Solar Prize" in category and "Open Battery Prize" not in category
    empty = client.get("/challenges?q=zzzqqq").get_data(as_text=True)
    assert "No challenges match." in empty
    bogus = "/challenges?page=99&sort=bogus&status=bogus&min_prize=abc"
    assert client.get(bogus, follow_redirects=True).status_code == 200  # the last page


def test_search_finds_words_in_title_summary_and_problem(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, title="Thermal Batteries", description="Molten salt in tanks.")
    make_challenge(org, title="Vineyard Drones", summary="Multispectral images of grapes.")
    make_challenge(org, title="Hidden Draft Salt", published=False)
    assert "Thermal Batteries" in client.get("/challenges?q=molten+salt").get_data(as_text=True)
    page = client.get("/challenges?q=grapes").get_data(as_text=True)
    assert "Vineyard Drones" in page and "Thermal Batteries" not in page
    assert "Hidden Draft Salt" not in client.get("/challenges?q=salt").get_data(as_text=True)
    assert client.get('/challenges?q="unbalanced AND OR (').status_code == 200


def test_pagination_is_stable(client: FlaskClient, app: Flask) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    for n in range(25):
        make_challenge(org, title=f"Prize number {n:02d}", slug=f"prize-{n:02d}")
    first = client.get("/challenges?sort=purse").get_data(as_text=True)
    second = client.get("/challenges?sort=purse&page=2").get_data(as_text=True)
    titles = [f"Prize number {n:02d}" for n in range(25)]
    on_first = {t for t in titles if t in first}
    on_second = {t for t in titles if t in second}
    assert len(on_first) == 20 and len(on_second) == 5 and not on_first & on_second


def test_atom_feed_is_valid_and_lists_published(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, title="Feed Me Prize")
    make_challenge(org, title="Secret Draft", published=False)
    response = client.get("/feeds/challenges.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles == ["Feed Me Prize"]
    entry = root.find("a:entry", ns)
    for child in ("id", "updated", "link", "author"):
        assert entry.find(f"a:{child}", ns) is not None


def test_query_count_does_not_grow_with_challenges(web_app: Flask, client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, slug="the-one")
    client.get("/challenges")  # warm up
    few_list = count_queries(web_app, client, "/challenges")
    few_page = count_queries(web_app, client, "/challenges/the-one")
    for n in range(30):
        make_challenge(org, title=f"Another prize {n}")
    # "Closing soon" may skip its second query once the first part fills the page: <= is the rule.
    assert count_queries(web_app, client, "/challenges") <= few_list
    assert count_queries(web_app, client, "/challenges/the-one") == few_page
    assert count_queries(web_app, client, "/challenges?q=prize") <= few_list + 1


def test_questions_answers_updates_and_follow(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    owner = make_user("owner")
    org = make_org("Helios", owner=owner)
    challenge = make_challenge(org, slug="qa")
    fan = make_user("fan")
    auth.login(fan.email)
    assert b"Follow" in client.get("/challenges/qa").data
    client.post("/challenges/qa/follow")
    client.post("/challenges/qa/follow")  # a double click changes nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 1
    response = client.post(
        "/challenges/qa/questions", data={"body": "Can we use public data?"}, follow_redirects=True
    )
    assert b"Your question is posted" in response.data
    question_id = db.session.execute(sa.text("select id from questions")).scalar()
    assert (
        client.post(
            f"/challenges/qa/questions/{question_id}/answer", data={"answer": "No"}
        ).status_code
        == 403
    )
    auth.logout()
    auth.login(owner.email)
    client.post(f"/challenges/qa/questions/{question_id}/answer", data={"answer": "Yes, cite it."})
    assert any(m.to == fan.email and "Yes, cite it." in m.body for m in mails)
    client.post("/challenges/qa/updates", data={"title": "Webinar", "body": "Slides are up."})
    assert any(m.to == fan.email and "Slides are up." in m.body for m in mails)
    page = client.get("/challenges/qa").get_data(as_text=True)
    assert "Yes, cite it." in page and "Slides are up." in page
    assert challenge.id


def test_empty_question_is_refused_without_saving(client: FlaskClient, auth: AuthActions) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, slug="qa")
    auth.login(make_user("fan").email)
    response = client.post("/challenges/qa/questions", data={"body": ""}, follow_redirects=True)
    assert b"Write your question" in response.data
    assert db.session.execute(sa.text("select count(*) from questions")).scalar() == 0


def test_deadline_reminders_go_out_once(app: Flask, mails: list[Mail]) -> None:
    from datetime import timedelta

    from core.db import utcnow

    org = make_org("Helios", owner=make_user("owner"))
    soon = make_challenge(org, slug="soon")
    soon.closes_at = utcnow() + timedelta(hours=20)
    week = make_challenge(org, slug="week")
    week.closes_at = utcnow() + timedelta(days=6)
    fan = make_user("fan")
    db.session.add_all(
        [Follow(user_id=fan.id, challenge_id=soon.id), Follow(user_id=fan.id, challenge_id=week.id)]
    )
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["notify", "deadlines"])
    assert "sent: 2" in first.output
    assert {m.subject.split(":")[0] for m in mails} == {"1 day left", "7 days left"}
    second = runner.invoke(args=["notify", "deadlines"])
    assert "sent: 0" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeadlineNotice)) == 2

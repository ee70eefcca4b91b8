"""The /solutions gallery and profile entries: only what the viewer may see, filters, paging."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import Organization, OrgRole
from challenges.models import Challenge
from core.db import db, utcnow
from submissions import services, visibility
from submissions.gallery import like_pattern
from submissions.models import SubmissionStatus
from tests.conftest import AuthActions
from tests.factories import (
    add_member,
    make_challenge,
    make_org,
    make_user,
    without_blind_review,
)
from tests.gallery_support import submit
from tests.queries import count_queries


def move_to(challenge: Challenge, phase: str) -> None:
    """Put an open challenge in judging (deadline passed) or awarded (results published)."""
    now = utcnow()
    challenge.opens_at = now - timedelta(days=30)
    challenge.closes_at = now - timedelta(days=2)
    challenge.judging_ends_at = now + timedelta(days=10)
    if phase == "awarded":
        challenge.awarded_at = now - timedelta(hours=1)
    db.session.commit()


@pytest.fixture
def org() -> Organization:
    return make_org("Helios", owner=make_user("sponsorowner"), slug="helios")


CASES = [
    ("public_on_submit", "open", True),
    ("public_after_close", "open", False),
    ("public_after_close", "judging", False),  # deadline passed, results not yet out
    ("public_after_close", "awarded", True),
    ("sponsor_only", "judging", False),
    ("sponsor_only", "awarded", False),
]


@pytest.mark.parametrize(("visibility", "phase", "shown"), CASES)
def test_gallery_shows_entries_only_when_the_profile_lets_the_public_read_them(
    client: FlaskClient, org: Organization, visibility: str, phase: str, shown: bool
) -> None:
    challenge = make_challenge(org, visibility=visibility)
    submit(challenge, title="Sand battery in a silo")
    if phase != "open":
        move_to(challenge, phase)
    page = client.get("/solutions").get_data(as_text=True)
    assert ("Sand battery in a silo" in page) is shown
    assert ("1 solution" in page) is shown


def test_drafts_withdrawn_and_disqualified_entries_never_appear_even_to_their_team(
    client: FlaskClient, auth: AuthActions, org: Organization
) -> None:
    challenge = make_challenge(org, visibility="public_on_submit")
    solver = make_user("solver")
    submit(challenge, solver, title="Private draft idea", final=False)
    withdrawn = submit(challenge, title="Withdrawn idea")
    services.withdraw_entry(actor=withdrawn.owner, submission=withdrawn)
    disqualified = submit(challenge, title="Disqualified idea")
    disqualified.status = SubmissionStatus.DISQUALIFIED
    db.session.commit()
    submit(challenge, title="Visible idea")
    admin = make_user("admin", admin=True)
    for viewer in (None, solver, withdrawn.owner, admin):
        auth.logout()
        if viewer is not None:
            auth.login(viewer.email)
        page = client.get("/solutions").get_data(as_text=True)
        assert "Visible idea" in page
        for hidden in ("Private draft idea", "Withdrawn idea", "Disqualified idea"):
            assert hidden not in page, (viewer, hidden)


def test_sponsor_and_team_see_private_entries_marked_as_not_public(
    client: FlaskClient, auth: AuthActions, org: Organization
) -> None:
    challenge = make_challenge(org, visibility="public_after_close")
    member = make_user("member")
    add_member(org, member, OrgRole.MEMBER)
    solver = make_user("solver")
    submit(challenge, solver, title="Judging-time entry")
    move_to(challenge, "judging")
    assert "Judging-time entry" not in client.get("/solutions").get_data(as_text=True)
    for viewer in (member, solver):
        auth.login(viewer.email)
        page = client.get("/solutions").get_data(as_text=True)
        assert "Judging-time entry" in page and "Not public" in page
        auth.logout()


def test_cards_show_challenge_team_license_versions_and_time(
    client: FlaskClient, org: Organization
) -> None:
    challenge = make_challenge(org, title="Cheap Storage", visibility="public_on_submit")
    without_blind_review(challenge)  # names on cards (see test_blind_review.py)
    owner = make_user("owner", display_name="Olga Owner")
    team_entry = submit(challenge, title="Team entry", teammates=[make_user(), make_user()])
    solo = submit(challenge, owner, title="Solo entry")
    services.save_entry(
        actor=owner,
        submission=solo,
        text=services.EntryText("Solo entry", "Better summary.", "More.", ""),
        base_version=1,
        submit=True,
    )
    page = client.get("/solutions").get_data(as_text=True)
    assert (
        "</a> and 2 others" in page and "Olga Owner</a></span>" in page and "Cheap Storage" in page
    )
    assert "CC BY 4.0" in page and "2 versions" in page and "1 version<" in page
    assert "Submitted " in page and "UTC" in page
    assert f"/submissions/{team_entry.id}" in page


def test_filters_by_challenge_and_license(client: FlaskClient, org: Organization) -> None:
    first = make_challenge(org, slug="first", visibility="public_on_submit")
    second = make_challenge(org, slug="second", visibility="public_on_submit")
    second.submission_license = "MIT"
    db.session.commit()
    submit(first, title="In the first")
    submit(second, title="In the second")
    by_challenge = client.get("/solutions?challenge=second").get_data(as_text=True)
    assert "In the second" in by_challenge and "In the first" not in by_challenge
    by_license = client.get("/solutions?license=CC-BY-4.0").get_data(as_text=True)
    assert "In the first" in by_license and "In the second" not in by_license
    unknown = client.get("/solutions?license=GPL").get_data(
        as_text=True
    )  # ignored, as on /challenges
    assert "In the first" in unknown and "In the second" in unknown


def test_search_is_case_insensitive_and_treats_wildcards_literally(
    client: FlaskClient, org: Organization
) -> None:
    challenge = make_challenge(org, visibility="public_on_submit")
    submit(challenge, title="100% recycled steel", summary="Scrap only.")
    submit(challenge, title="100 percent copper", summary="Wire.")
    submit(challenge, title="Sorting tool", summary="Uses snake_case names.")
    submit(challenge, title="Another tool", summary="Uses snakeXcase names.")

    def titles(query: str) -> set[str]:
        page = client.get("/solutions", query_string={"q": query}).get_data(as_text=True)
        found = {"100% recycled steel", "100 percent copper", "Sorting tool", "Another tool"}
        return {title for title in found if title in page}

    assert titles("100%") == {"100% recycled steel"}
    assert titles("snake_case") == {"Sorting tool"}
    assert titles("RECYCLED") == {"100% recycled steel"}
    assert titles("scrap") == {"100% recycled steel"}  # summaries are searched too
    assert titles("\\") == set()
    assert like_pattern("a%b_c\\") == "%a\\%b\\_c\\\\%"


def test_empty_gallery_says_what_to_do(client: FlaskClient) -> None:
    page = client.get("/solutions").get_data(as_text=True)
    assert "No solutions to show yet" in page and "Browse open challenges" in page
    filtered = client.get("/solutions?q=nothing").get_data(as_text=True)
    assert "No solutions match" in filtered and "clear all filters" in filtered


def test_query_count_does_not_grow_with_entries(
    web_app: Flask, client: FlaskClient, auth: AuthActions, org: Organization
) -> None:
    challenge = make_challenge(org, visibility="public_on_submit")
    prolific = make_user("prolific")
    submit(challenge, prolific)
    client.get("/solutions")  # warm up
    few = count_queries(web_app, client, "/solutions")
    few_profile = count_queries(web_app, client, "/u/prolific")
    for n in range(6):
        other = make_challenge(org, visibility="public_on_submit", title=f"Other {n}")
        submit(other, prolific, teammates=[make_user()])
        submit(other)
    assert count_queries(web_app, client, "/solutions") == few
    assert count_queries(web_app, client, "/u/prolific") == few_profile
    auth.login(prolific.email)
    signed_in = count_queries(web_app, client, "/solutions")
    submit(make_challenge(org, visibility="public_on_submit"), teammates=[make_user()])
    assert count_queries(web_app, client, "/solutions") == signed_in


def test_profile_lists_the_users_entries_the_viewer_may_read(
    client: FlaskClient, auth: AuthActions, org: Organization
) -> None:
    solver = make_user("solver")
    open_, joined = (make_challenge(org, visibility="public_on_submit") for _ in range(2))
    for challenge in (open_, joined):
        without_blind_review(challenge)  # blind review keeps entries off authors' profiles
    submit(open_, solver, title="Open entry")
    submit(make_challenge(org, visibility="sponsor_only"), solver, title="Private entry")
    teammate = make_user("teammate")
    submit(joined, title="Joined entry", teammates=[solver, teammate])
    public = client.get("/u/solver").get_data(as_text=True)
    assert "Open entry" in public and "Joined entry" in public
    assert "Private entry" not in public
    auth.login(solver.email)
    own = client.get("/u/solver").get_data(as_text=True)
    assert "Private entry" in own and "Not public" in own
    assert "Joined entry" in client.get("/u/teammate").get_data(as_text=True)
    assert "No entries you can read yet" in client.get("/u/sponsorowner").get_data(as_text=True)


def test_entries_read_only_through_a_registered_rule_stay_out_of_lists(
    client: FlaskClient, auth: AuthActions, org: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blind judge reads assigned entries on the judging pages, never in name-bearing lists."""
    reviewer = make_user("reviewer")
    rule = (
        lambda user, submission, now: user.id == reviewer.id,
        lambda user, now: sa.literal(user.id == reviewer.id),
    )
    monkeypatch.setattr(visibility, "_EXTRA_RULES", [rule])
    solver = make_user("solver")
    entry = submit(make_challenge(org, visibility="sponsor_only"), solver, title="Judged entry")
    auth.login(reviewer.email)
    assert client.get(f"/submissions/{entry.id}").status_code == 200  # the rule applies
    assert b"Judged entry" not in client.get("/solutions").data
    assert b"Judged entry" not in client.get("/u/solver").data

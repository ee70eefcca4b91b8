"""The openness profile, enforced: viewer x profile x phase x object, in one table.

``EXPECTED`` states who may see a submitted entry. Every object must agree with it: the policy
predicate, the SQL condition used by lists, the entry page, the attachment download, and the
API (which answers as the public, whatever cookies are sent: its column is the public's).
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage

from accounts.models import OrgRole, User
from challenges.models import Challenge
from core.db import db, utcnow
from submissions import services
from submissions.attachments import add_attachment
from submissions.models import Attachment, Submission, TeamMember, TeamRole
from submissions.visibility import can_view_submission, visible_condition
from tests.conftest import AuthActions
from tests.factories import add_member, make_challenge, make_org, make_user
from tests.results_support import freeze

VIEWERS = ["anonymous", "solver", "owner", "teammate", "sponsor_member", "sponsor_manager", "admin"]
ALWAYS = {"owner", "teammate", "admin"}
SPONSOR = {"sponsor_member", "sponsor_manager"}
PUBLIC = {"anonymous", "solver"}

# (solution_visibility, phase) -> viewers allowed to see a submitted entry.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("public_on_submit", "open"): ALWAYS | SPONSOR | PUBLIC,
    ("public_on_submit", "judging"): ALWAYS | SPONSOR | PUBLIC,
    ("public_on_submit", "awarded"): ALWAYS | SPONSOR | PUBLIC,
    ("public_after_close", "open"): ALWAYS,
    ("public_after_close", "judging"): ALWAYS | SPONSOR,
    ("public_after_close", "awarded"): ALWAYS | SPONSOR | PUBLIC,
    ("sponsor_only", "open"): ALWAYS,
    ("sponsor_only", "judging"): ALWAYS | SPONSOR,
    ("sponsor_only", "awarded"): ALWAYS | SPONSOR,
}


def _world(visibility: str, phase: str) -> tuple[Submission, dict[str, User | None]]:
    sponsor_owner = make_user("sponsorowner")
    org = make_org("Helios", owner=sponsor_owner, slug="helios")
    people: dict[str, User | None] = {"anonymous": None}
    people["sponsor_member"] = make_user("sponsormember")
    add_member(org, people["sponsor_member"], OrgRole.MEMBER)
    people["sponsor_manager"] = make_user("sponsormanager")
    add_member(org, people["sponsor_manager"], OrgRole.MANAGER)
    for name in ("solver", "owner", "teammate"):
        people[name] = make_user(name)
    people["admin"] = make_user("admin", admin=True)
    challenge = make_challenge(org, slug="c", visibility=visibility, max_team_size=3)
    submission = services.enter_challenge(
        actor=people["owner"], challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    db.session.add(
        TeamMember(
            submission_id=submission.id,
            challenge_id=challenge.id,
            user_id=people["teammate"].id,
            role=TeamRole.MEMBER,
        )
    )
    db.session.commit()
    pdf = FileStorage(io.BytesIO(b"%PDF-1.4\n% matrix\n%%EOF\n"), filename="design.pdf")
    add_attachment(actor=people["owner"], submission=submission, file_storage=pdf)
    text = services.EntryText("Heat battery", "Sand in a silo", "Details.", "")
    services.save_entry(
        actor=people["owner"], submission=submission, text=text, base_version=0, submit=True
    )
    _move_to(challenge, phase)
    return submission, people


def _move_to(challenge: Challenge, phase: str) -> None:
    now = utcnow()
    if phase in ("judging", "awarded"):
        challenge.opens_at = now - timedelta(days=30)
        challenge.closes_at = now - timedelta(days=2)
        challenge.judging_ends_at = now + timedelta(days=10)
    if phase == "awarded":
        challenge.awarded_at = now - timedelta(hours=1)
    db.session.commit()


CASES = list(EXPECTED)


@pytest.fixture(autouse=True)
def _storage_in_temp_dir(app: Flask, web_app: Flask, tmp_path, monkeypatch) -> None:
    for each in (app, web_app):
        monkeypatch.setitem(each.config, "STORAGE_DIR", str(tmp_path))


@pytest.mark.parametrize(("visibility", "phase"), CASES, ids=[f"{v}-{p}" for v, p in CASES])
def test_who_sees_a_submitted_entry(
    client: FlaskClient, auth: AuthActions, visibility: str, phase: str
) -> None:
    submission, people = _world(visibility, phase)
    allowed = EXPECTED[(visibility, phase)]
    attachment_id = db.session.scalar(
        sa.select(Attachment.id).where(Attachment.submission_id == submission.id)
    )
    for viewer, user in people.items():
        expected = viewer in allowed
        # The predicate and the SQL condition are the same policy.
        assert can_view_submission(user, submission) is expected, viewer
        listed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Submission)
            .join(Challenge, Challenge.id == Submission.challenge_id)
            .where(Submission.id == submission.id, visible_condition(user))
        )
        assert listed == int(expected), viewer
        # And the entry page enforces it (404 hides existence).
        auth.logout()
        if user is not None:
            assert auth.login(user.email).status_code == 302
        status = client.get(f"/submissions/{submission.id}").status_code
        assert status == (200 if expected else 404), (viewer, status)
        download = client.get(f"/submissions/{submission.id}/attachments/{attachment_id}")
        assert download.status_code == (200 if expected else 404), (viewer, "attachment")
        api = client.get(f"/api/v1/submissions/{submission.id}").status_code
        assert api == (200 if "anonymous" in allowed else 404), (viewer, "api")


@pytest.mark.parametrize("visibility", ["public_on_submit", "public_after_close", "sponsor_only"])
def test_drafts_are_private_to_the_team_and_admins(visibility: str) -> None:
    org = make_org("Helios", owner=make_user("sponsorowner"))
    challenge = make_challenge(org, visibility=visibility)
    owner = make_user("owner")
    draft = services.enter_challenge(
        actor=owner, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    sponsor = make_user("sponsormember")
    add_member(org, sponsor, OrgRole.MANAGER)
    _move_to(challenge, "awarded")
    assert can_view_submission(owner, draft)
    assert can_view_submission(make_user("admin", admin=True), draft)
    for viewer in (None, make_user("solver"), sponsor):
        assert not can_view_submission(viewer, draft)


@pytest.mark.parametrize("status", ["withdrawn", "disqualified"])
def test_withdrawn_and_disqualified_entries_are_hidden_from_the_public(status: str) -> None:
    org = make_org("Helios", owner=make_user("sponsorowner"))
    challenge = make_challenge(org, visibility="public_on_submit")
    owner = make_user("owner")
    submission = services.enter_challenge(
        actor=owner, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    text = services.EntryText("T", "S", "B", "")
    services.save_entry(actor=owner, submission=submission, text=text, base_version=0, submit=True)
    submission.status = status
    db.session.commit()
    assert not can_view_submission(None, submission)
    assert can_view_submission(owner, submission)


# What the public learns about a winner (decision in README, "Openness"): the prize (tier,
# amount, payout status) and the winners' names always; the entry's title and link only for
# viewers who may read the entry, so a sponsor-only challenge names its winners, not their work.
# Scores follow judging_transparency; the title follows solution visibility alone.
WINNER_PAGES = ["/winners", "/challenges/c/results", "/challenges/c"]
WINNER_API = ["/api/v1/winners", "/api/v1/challenges/c/results"]
PROFILES = ["public_on_submit", "public_after_close", "sponsor_only"]


@pytest.mark.parametrize("transparency", ["scores_public", "private"])
@pytest.mark.parametrize("visibility", PROFILES)
def test_who_learns_a_winning_entrys_title(
    client: FlaskClient, auth: AuthActions, visibility: str, transparency: str
) -> None:
    submission, people = _world(visibility, "awarded")
    submission.challenge.judging_transparency = transparency
    db.session.commit()
    freeze(submission.challenge, [submission])
    allowed = EXPECTED[(visibility, "awarded")]
    for viewer, user in people.items():
        auth.logout()
        if user is not None:
            assert auth.login(user.email).status_code == 302
        for url in WINNER_PAGES:
            page = client.get(url).text
            assert "First prize" in page and 'href="/u/owner"' in page, (viewer, url)
            assert ("Heat battery" in page) is (viewer in allowed), (viewer, url)
        for url in WINNER_API:  # the API answers as the public, whatever the cookies
            body = client.get(url).text
            assert "First prize" in body and '"handle": "owner"' in body.replace('":"', '": "')
            assert ("Heat battery" in body) is ("anonymous" in allowed), (viewer, url)

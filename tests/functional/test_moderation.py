"""Moderation: readers report entries once, sponsors disqualify with an audit trail, admins
reinstate; each action is e-mailed and changes what the public sees."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import OrgRole
from challenges.models import Challenge
from core.audit import AuditEntry
from core.db import db, frozen_time
from core.mail import Mail
from submissions import services
from submissions.models import Report, Submission, SubmissionStatus, TeamMember, TeamRole
from tests.conftest import AuthActions
from tests.factories import PASSWORD, add_member, make_challenge, make_org, make_user

REASON = "The design copies an earlier winning entry without credit."
ROLES = ["anonymous", "reader", "solver", "member", "manager", "owner", "other_owner", "admin"]


@dataclass
class World:
    challenge: Challenge
    entry: Submission


def build_world(visibility: str = "public_on_submit") -> World:
    org = make_org("Helios", owner=make_user("owner"), slug="helios")
    add_member(org, make_user("manager"), OrgRole.MANAGER)
    add_member(org, make_user("member"), OrgRole.MEMBER)
    make_org("Other", owner=make_user("other_owner"), slug="other")
    make_user("admin", admin=True)
    make_user("reader")
    challenge = make_challenge(org, slug="c", visibility=visibility)
    solver = make_user("solver")
    entry = services.enter_challenge(
        actor=solver, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    db.session.add(
        TeamMember(
            submission_id=entry.id,
            challenge_id=challenge.id,
            user_id=make_user("teammate").id,
            role=TeamRole.MEMBER,
        )
    )
    db.session.commit()
    text = services.EntryText("Sand battery", "Heat in a silo.", "Details.", "")
    services.save_entry(actor=solver, submission=entry, text=text, base_version=0, submit=True)
    return World(challenge, entry)


@pytest.fixture
def world() -> World:
    return build_world()


def _sign_in(auth: AuthActions, role: str) -> None:
    auth.logout()
    if role != "anonymous":
        assert auth.login(f"{role}@example.org").status_code == 302


def _fresh(entry: Submission) -> Submission:
    db.session.expire_all()
    return db.session.get(Submission, entry.id)


def test_a_reader_reports_an_entry_once_and_the_sponsor_is_told(
    client: FlaskClient, auth: AuthActions, world: World, mails: list[Mail]
) -> None:
    _sign_in(auth, "reader")
    page = client.get(f"/submissions/{world.entry.id}").get_data(as_text=True)
    assert "Report this entry" in page and "Audit trail" not in page
    response = client.post(f"/submissions/{world.entry.id}/report", data={"reason": REASON})
    assert response.status_code == 302
    assert "The sponsor has been told" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert sorted(m.to for m in mails) == ["manager@example.org", "owner@example.org"]
    assert REASON in mails[0].body and f"/submissions/{world.entry.id}" in mails[0].body
    again = client.post(f"/submissions/{world.entry.id}/report", data={"reason": REASON})
    assert "already reported" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1
    assert len(mails) == 2


def test_a_report_needs_a_real_reason(client: FlaskClient, auth: AuthActions, world: World) -> None:
    _sign_in(auth, "reader")
    client.post(f"/submissions/{world.entry.id}/report", data={"reason": "bad"})
    client.post(f"/submissions/{world.entry.id}/report", data={"reason": "too short"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("solver", 403), ("teammate", 403)],
)
def test_the_team_and_anonymous_visitors_cannot_report(
    client: FlaskClient, auth: AuthActions, world: World, role: str, status: int
) -> None:
    _sign_in(auth, role)
    response = client.post(f"/submissions/{world.entry.id}/report", data={"reason": REASON})
    assert response.status_code == status
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_disqualifying_is_audited_mailed_and_hides_the_entry(
    client: FlaskClient, auth: AuthActions, world: World, mails: list[Mail]
) -> None:
    _sign_in(auth, "reader")
    client.post(f"/submissions/{world.entry.id}/report", data={"reason": REASON})
    assert world.challenge.entrant_count == 1
    assert b"Sand battery" in client.get("/solutions").data
    mails.clear()
    _sign_in(auth, "manager")
    page = client.get(f"/submissions/{world.entry.id}").get_data(as_text=True)
    assert "data-confirm" in page and "Disqualify this entry" in page and REASON in page
    response = client.post(f"/submissions/{world.entry.id}/disqualify", data={"reason": REASON})
    assert response.status_code == 302
    entry = _fresh(world.entry)
    assert entry.status == SubmissionStatus.DISQUALIFIED
    assert entry.disqualified_reason == REASON and entry.disqualified_at is not None
    assert db.session.get(Challenge, world.challenge.id).entrant_count == 0
    audit = db.session.scalars(sa.select(AuditEntry)).one()
    assert (audit.action, audit.object_type, audit.object_id) == (
        "submission.disqualify",
        "submission",
        entry.id,
    )
    assert audit.detail == REASON and audit.actor_id is not None
    assert db.session.scalars(sa.select(Report)).one().resolved_at is not None
    assert sorted(m.to for m in mails) == ["solver@example.org", "teammate@example.org"]
    assert all(REASON in m.body for m in mails)
    trail = client.get(f"/submissions/{entry.id}").get_data(as_text=True)
    assert "submission.disqualify" in trail and "Manager" in trail
    _sign_in(auth, "solver")
    own = client.get(f"/submissions/{entry.id}").get_data(as_text=True)
    assert "Disqualified" in own and REASON in own and "Audit trail" not in own
    _sign_in(auth, "anonymous")
    assert client.get(f"/submissions/{entry.id}").status_code == 404
    assert b"Sand battery" not in client.get("/solutions").data


@pytest.mark.parametrize("role", ROLES)
def test_only_sponsor_owners_managers_and_admins_disqualify(
    client: FlaskClient, auth: AuthActions, world: World, role: str
) -> None:
    _sign_in(auth, role)
    response = client.post(f"/submissions/{world.entry.id}/disqualify", data={"reason": REASON})
    allowed = role in {"manager", "owner", "admin"}
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == (302 if allowed else 403)
    disqualified = _fresh(world.entry).status == SubmissionStatus.DISQUALIFIED
    assert disqualified is allowed


def test_the_sponsor_cannot_disqualify_an_entry_it_may_not_read_yet(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = build_world("sponsor_only")
    _sign_in(auth, "manager")
    url = f"/submissions/{world.entry.id}/disqualify"
    assert client.post(url, data={"reason": REASON}).status_code == 404
    with frozen_time(world.challenge.closes_at + timedelta(hours=1)):
        assert client.post(url, data={"reason": REASON}).status_code == 302
    assert _fresh(world.entry).status == SubmissionStatus.DISQUALIFIED


def test_only_admins_reinstate_a_disqualified_entry(
    client: FlaskClient, auth: AuthActions, world: World, mails: list[Mail]
) -> None:
    _sign_in(auth, "owner")
    client.post(f"/submissions/{world.entry.id}/disqualify", data={"reason": REASON})
    page = client.get(f"/submissions/{world.entry.id}").get_data(as_text=True)
    assert "Reinstate (platform team)" not in page
    url = f"/submissions/{world.entry.id}/requalify"
    reason = "The earlier entry was by the same team."
    assert client.post(url, data={"reason": reason}).status_code == 403
    _sign_in(auth, "admin")
    assert "Reinstate (platform team)" in client.get(f"/submissions/{world.entry.id}").get_data(
        as_text=True
    )
    mails.clear()
    assert client.post(url, data={"reason": reason}).status_code == 302
    entry = _fresh(world.entry)
    assert entry.status == SubmissionStatus.SUBMITTED and entry.disqualified_reason == ""
    assert db.session.get(Challenge, world.challenge.id).entrant_count == 1
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["submission.disqualify", "submission.requalify"]
    assert sorted(m.to for m in mails) == ["solver@example.org", "teammate@example.org"]
    again = client.post(url, data={"reason": reason})
    assert "not disqualified" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_moderation_forms_need_the_csrf_token(make_app: Callable[..., Flask], world: World) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    signed_in = client.post(
        "/login",
        data={"email": "reader@example.org", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert signed_in.status_code == 302
    response = client.post(f"/submissions/{world.entry.id}/report", data={"reason": REASON})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0

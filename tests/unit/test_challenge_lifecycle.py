"""Challenge lifecycle: validation, phases, review, publication, rules versions, cancellation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from accounts.models import OrgRole
from challenges import services
from challenges.drafts import ChallengeInput, TierInput
from challenges.models import Challenge, ChallengeUpdate, Follow, Phase, RulesChange
from core.db import db, utcnow
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.mail import Mail
from tests.factories import add_member, challenge_input, make_challenge, make_org, make_user

DAY = timedelta(days=1)


@pytest.fixture
def sponsor():
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    return owner, org


def test_owner_drafts_a_challenge_with_purse_and_stable_slug(sponsor) -> None:
    owner, org = sponsor
    challenge = services.create_challenge(actor=owner, org=org, data=challenge_input())
    assert challenge.slug == "cheap-grid-storage"
    assert challenge.purse_amount == 7_000_000
    assert [t.place for t in challenge.prize_tiers] == [1, 2]
    assert challenge.phase() == Phase.DRAFT
    services.update_challenge(
        actor=owner, challenge=challenge, data=challenge_input(title="Renamed Entirely")
    )
    assert challenge.slug == "cheap-grid-storage"
    second = services.create_challenge(actor=owner, org=org, data=challenge_input())
    assert second.slug == "cheap-grid-storage-2"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_at": utcnow() - DAY}, "closes_at"),
        ({"opens_at": utcnow() + 40 * DAY}, "closes_at"),
        ({"judging_ends_at": utcnow() + 10 * DAY}, "judging_ends_at"),
        ({"tiers": []}, "tiers"),
        ({"tiers": [TierInput("Zero", 0)]}, "tiers"),
        ({"tiers": [TierInput("Negative", -100)]}, "tiers"),
        ({"currency": "XYZ"}, "currency"),
        ({"category": "Astrology"}, "category"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"max_team_size": 0}, "max_team_size"),
        ({"solution_visibility": "everyone_always"}, "solution_visibility"),
        ({"tags": [f"t{i}" for i in range(9)]}, "tags"),
    ],
)
def test_invalid_drafts_are_refused_and_nothing_is_saved(
    sponsor, changes: dict, field: str
) -> None:
    owner, org = sponsor
    with pytest.raises(ValidationFailed) as caught:
        services.create_challenge(actor=owner, org=org, data=challenge_input(**changes))
    assert caught.value.field == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Challenge)) == 0


@pytest.mark.parametrize("role", [OrgRole.MEMBER, None])
def test_members_and_outsiders_cannot_draft(sponsor, role: OrgRole | None) -> None:
    _, org = sponsor
    user = make_user("someone")
    if role:
        add_member(org, user, role)
    with pytest.raises(PermissionDenied):
        services.create_challenge(actor=user, org=org, data=challenge_input())


def test_phase_follows_the_timestamps() -> None:
    org = make_org(owner=make_user("owner"))
    challenge = make_challenge(org, phase="open")
    assert challenge.phase(challenge.opens_at - DAY) == Phase.UPCOMING
    assert challenge.phase(challenge.opens_at) == Phase.OPEN
    assert challenge.phase(challenge.closes_at - timedelta(seconds=1)) == Phase.OPEN
    assert challenge.phase(challenge.closes_at) == Phase.JUDGING
    challenge.awarded_at = challenge.closes_at + DAY
    assert challenge.phase(challenge.closes_at + 2 * DAY) == Phase.AWARDED
    challenge.cancelled_at = utcnow()
    assert challenge.phase() == Phase.CANCELLED


def test_review_flow_and_publication_waits_for_funding(
    app: Flask, sponsor, mails: list[Mail]
) -> None:
    owner, org = sponsor
    admin = make_user("admin", admin=True)
    challenge = services.create_challenge(actor=owner, org=org, data=challenge_input())
    services.submit_for_review(actor=owner, challenge=challenge)
    assert challenge.review_state == "in_review"
    assert any(m.to == admin.email and "to review" in m.subject for m in mails)
    with pytest.raises(ValidationFailed):
        services.request_changes(actor=admin, challenge=challenge, comment="  ")
    services.request_changes(actor=admin, challenge=challenge, comment="Add judging criteria.")
    assert challenge.review_state == "changes_requested"
    assert any(m.to == owner.email and "Add judging criteria." in m.body for m in mails)
    services.submit_for_review(actor=owner, challenge=challenge)
    with pytest.raises(PermissionDenied):
        services.approve_challenge(actor=owner, challenge=challenge)
    services.approve_challenge(actor=admin, challenge=challenge)
    assert challenge.review_state == "approved" and challenge.published_at is None
    services.record_funds_received(challenge.id, 7_000_000)
    db.session.commit()
    assert challenge.published_at is not None


def test_review_can_be_switched_off(app: Flask, sponsor) -> None:
    owner, org = sponsor
    challenge = services.create_challenge(actor=owner, org=org, data=challenge_input())
    app.config["REVIEW_REQUIRED"] = False
    try:
        services.submit_for_review(actor=owner, challenge=challenge)
    finally:
        app.config["REVIEW_REQUIRED"] = True
    assert challenge.review_state == "approved"


def test_editing_an_approved_unpublished_challenge_sends_it_back_to_draft(sponsor) -> None:
    owner, org = sponsor
    challenge = make_challenge(org, published=False, review_state="approved")
    data = challenge_input(title=challenge.title)
    services.update_challenge(actor=owner, challenge=challenge, data=data)
    assert challenge.review_state == "draft"


def _published(org):
    challenge = make_challenge(org, phase="upcoming")
    return challenge


def _same_as(challenge: Challenge, **changes: object) -> ChallengeInput:
    data = ChallengeInput(
        title=challenge.title,
        summary=challenge.summary,
        category=challenge.category,
        tags=challenge.tag_list,
        description_md=challenge.description_md,
        rules_md=challenge.rules_md,
        eligibility_md=challenge.eligibility_md,
        currency=challenge.currency,
        timezone=challenge.timezone,
        opens_at=challenge.opens_at,
        closes_at=challenge.closes_at,
        judging_ends_at=challenge.judging_ends_at,
        max_team_size=challenge.max_team_size,
        community_voting=challenge.community_voting,
        solution_visibility=challenge.solution_visibility,
        submission_license=challenge.submission_license,
        ip_on_award=challenge.ip_on_award,
        judging_transparency=challenge.judging_transparency,
        tiers=[TierInput(t.label, t.amount) for t in challenge.prize_tiers],
    )
    return replace(data, **changes)


def test_published_rule_change_needs_a_note_and_creates_a_version(
    sponsor, mails: list[Mail]
) -> None:
    owner, org = sponsor
    challenge = _published(org)
    follower = make_user("fan")
    db.session.add(Follow(user_id=follower.id, challenge_id=challenge.id))
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        services.update_challenge(
            actor=owner, challenge=challenge, data=_same_as(challenge, rules_md="New rules")
        )
    assert caught.value.field == "change_note"
    db.session.rollback()
    assert challenge.rules_version == 1
    services.update_challenge(
        actor=owner,
        challenge=challenge,
        data=_same_as(challenge, rules_md="New rules", change_note="Clarified the file format."),
    )
    assert challenge.rules_version == 2
    change = db.session.scalar(sa.select(RulesChange))
    assert change.version == 2 and "rules" in change.changed_fields
    assert db.session.scalar(sa.select(ChallengeUpdate.title)) == "Rules version 2"
    assert any(m.to == follower.email and "Clarified the file format." in m.body for m in mails)


def test_free_text_edits_after_publication_need_no_version(sponsor) -> None:
    owner, org = sponsor
    challenge = _published(org)
    services.update_challenge(
        actor=owner, challenge=challenge, data=_same_as(challenge, title="A Better Title")
    )
    assert challenge.rules_version == 1 and challenge.title == "A Better Title"


@pytest.mark.parametrize(
    "field",
    [
        "currency",
        "solution_visibility",
        "submission_license",
        "ip_on_award",
        "judging_transparency",
    ],
)
def test_openness_and_currency_are_fixed_after_publication(sponsor, field: str) -> None:
    owner, org = sponsor
    challenge = _published(org)
    other = {
        "currency": "EUR",
        "solution_visibility": "sponsor_only",
        "submission_license": "MIT",
        "ip_on_award": "assignment",
        "judging_transparency": "private",
    }[field]
    with pytest.raises(ValidationFailed, match="cannot change after publication"):
        services.update_challenge(
            actor=owner,
            challenge=challenge,
            data=_same_as(challenge, change_note="x", **{field: other}),
        )


def test_published_prizes_only_go_up_and_increase_needs_funding(sponsor) -> None:
    owner, org = sponsor
    challenge = _published(org)
    lower = [TierInput("First prize", 900_000), TierInput("Second prize", 500_000)]
    with pytest.raises(ValidationFailed, match="only go up"):
        services.update_challenge(
            actor=owner, challenge=challenge, data=_same_as(challenge, tiers=lower, change_note="x")
        )
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="cannot be removed"):
        services.update_challenge(
            actor=owner,
            challenge=challenge,
            data=_same_as(challenge, tiers=lower[:1], change_note="x"),
        )
    db.session.rollback()
    higher = [
        TierInput("First prize", 1_500_000),
        TierInput("Second prize", 500_000),
        TierInput("Third", 100_000),
    ]
    services.update_challenge(
        actor=owner,
        challenge=challenge,
        data=_same_as(challenge, tiers=higher, change_note="More money"),
    )
    assert challenge.purse_amount == 2_100_000
    assert challenge.funding_needed == 600_000
    assert challenge.rules_version == 2


def test_opening_time_is_fixed_once_open(sponsor) -> None:
    owner, org = sponsor
    challenge = make_challenge(org, phase="open")
    with pytest.raises(ValidationFailed, match="already open"):
        services.update_challenge(
            actor=owner,
            challenge=challenge,
            data=_same_as(challenge, opens_at=challenge.opens_at + DAY, change_note="x"),
        )


def test_cancel_requires_reason_owner_and_happens_once(sponsor) -> None:
    owner, org = sponsor
    manager = make_user("manager")
    add_member(org, manager, OrgRole.MANAGER)
    challenge = make_challenge(org, phase="open")
    with pytest.raises(PermissionDenied):
        services.cancel_challenge(
            actor=manager, challenge=challenge, reason="Budget was withdrawn."
        )
    with pytest.raises(ValidationFailed):
        services.cancel_challenge(actor=owner, challenge=challenge, reason="short")
    services.cancel_challenge(actor=owner, challenge=challenge, reason="Budget was withdrawn.")
    assert challenge.phase() == Phase.CANCELLED
    with pytest.raises(Conflict, match="already cancelled"):
        services.cancel_challenge(actor=owner, challenge=challenge, reason="Budget was withdrawn.")


def test_cancelled_or_awarded_challenges_cannot_be_edited(sponsor) -> None:
    owner, org = sponsor
    for phase in ("cancelled", "awarded"):
        challenge = make_challenge(org, phase=phase)
        with pytest.raises(Conflict, match="can no longer be edited"):
            services.update_challenge(actor=owner, challenge=challenge, data=_same_as(challenge))
        with pytest.raises(PermissionDenied):
            services.update_challenge(
                actor=make_user(f"stranger-{phase}"), challenge=challenge, data=_same_as(challenge)
            )

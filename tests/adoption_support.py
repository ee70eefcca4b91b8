"""An awarded challenge with its sponsor, winner, an outsider, another sponsor and an admin,
for the adoption tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts.models import OrgRole
from core.db import db, utcnow
from judging.adoption.models import AdoptionStatus, AdoptionUpdate, ReuseReport, ReuseState
from tests.factories import add_member, make_org, make_user
from tests.results_support import awarded_challenge


@dataclass(frozen=True)
class AdoptionWorld:
    slug: str
    challenge_id: int
    award_id: int
    entry_id: int
    report_id: int


def build_adoption_world(
    *, at: datetime | None = None, visibility: str = "public_after_close"
) -> AdoptionWorld:
    """Helios awarded "Grid" to @winner's entry; a pending reuse report waits for an admin."""
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    add_member(org, make_user("manager"), OrgRole.MANAGER)
    add_member(org, make_user("member"), OrgRole.MEMBER)
    make_org("Other", owner=make_user("other_owner"), slug="other")
    make_user("solver")
    make_user("admin", admin=True)
    winner = make_user("winner")
    published = awarded_challenge(
        org,
        winner,
        title="Grid",
        entry_title="Battery Twin",
        at=at or utcnow() - timedelta(days=10),
        visibility=visibility,
    )
    award = published.awards[0]
    report = ReuseReport(
        submission_id=award.submission_id,
        challenge_id=published.challenge.id,
        reporter_id=winner.id,
        url="https://example.org/city-pilot",
        note="The city of Example runs it in its depot.",
    )
    db.session.add(report)
    db.session.commit()
    return AdoptionWorld(
        published.challenge.slug,
        published.challenge.id,
        award.id,
        award.submission_id,
        report.id,
    )


def add_update(
    world: AdoptionWorld, status: AdoptionStatus, *, at: datetime, **values: object
) -> AdoptionUpdate:
    update = AdoptionUpdate(
        award_id=world.award_id,
        challenge_id=world.challenge_id,
        status=status,
        currency="USD",
        created_at=at,
        **values,
    )
    db.session.add(update)
    db.session.commit()
    return update


def approve(report_id: int) -> None:
    report = db.session.get(ReuseReport, report_id)
    assert report is not None
    report.state = ReuseState.APPROVED
    report.decided_at = utcnow()
    db.session.commit()

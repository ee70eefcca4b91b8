"""Community standings, quarantine of suspicious votes and the sponsor's community settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from accounts.models import User
from challenges.models import PrizeTier
from core.audit import AuditEntry
from core.db import db, frozen_time, utcnow
from core.errors import Conflict, PermissionDenied, ValidationFailed
from judging import services
from judging.algorithms.tallies import VoteFlagConfig
from judging.voting import oversight as vote_admin
from judging.voting import votes as voting
from judging.voting.models import Vote, VoteReview
from submissions.models import Submission, SubmissionStatus
from tests.factories import make_challenge, make_org
from tests.judging_support import World, move
from tests.voting_support import cast, quick_entry, voter, voting_world


def _votes(entry: Submission, ups: int, downs: int, crowd: list[User], **extra: object) -> None:
    for user, value in zip(crowd, [1] * ups + [-1] * downs, strict=False):
        db.session.add(Vote(submission_id=entry.id, user_id=user.id, value=value, **extra))
    db.session.commit()


def test_standings_rank_by_wilson_lower_bound_not_by_share_or_net_votes() -> None:
    world = voting_world()
    crowd = [voter(f"v{n}") for n in range(10)]
    two_of_two, eight_of_ten, five_of_five = world.entries
    _votes(two_of_two, 2, 0, crowd)  # share 1.0, net 2, LB 0.342
    _votes(eight_of_ten, 8, 2, crowd)  # share 0.8, net 6, LB 0.490
    _votes(five_of_five, 5, 0, crowd)  # share 1.0, net 5, LB 0.566
    rows = voting.standings(world.challenge)
    assert [r.submission.id for r in rows] == [five_of_five.id, eight_of_ten.id, two_of_two.id]
    assert [(r.up, r.down) for r in rows] == [(5, 0), (8, 2), (2, 0)]
    assert rows[0].score == pytest.approx(0.565509, abs=5e-7)


def test_standings_leave_out_quarantined_votes_and_withdrawn_entries() -> None:
    world = voting_world()
    crowd = [voter(f"v{n}") for n in range(6)]
    first, second, third = world.entries
    _votes(first, 3, 0, crowd[:3], quarantined=True, flag_reasons="ring")
    _votes(second, 1, 0, crowd)
    _votes(third, 4, 0, crowd)
    third.status = SubmissionStatus.WITHDRAWN
    db.session.commit()
    rows = voting.standings(world.challenge)
    assert [(r.submission.id, r.up) for r in rows] == [(second.id, 1)]
    assert voting.quarantined_count(world.challenge) == 3


# ---- flags and quarantine --------------------------------------------------------------------


def _ring(world: World) -> tuple[list[User], User]:
    """Three accounts created within 48 h voting the same three entries, and one old account
    voting the same way (not in the ring: created long before)."""
    ring = [voter(f"ring{n}", age_days=20 + n * 0.5) for n in range(3)]
    veteran = voter("veteran", age_days=400)
    for user in [*ring, veteran]:
        for entry in world.entries:
            cast(user, entry, 1)
    return ring, veteran


def test_a_voting_ring_is_quarantined_and_does_not_count_until_an_admin_counts_it() -> None:
    world = voting_world()
    ring, _veteran = _ring(world)
    assert voting.tally_of(world.entries[0]) == (4, 0)  # per-cast checks do not look for rings
    assert voting.scan_votes(world.challenge.id) == 9
    db.session.commit()
    flagged = db.session.scalars(sa.select(Vote).where(Vote.quarantined.is_(True))).all()
    assert {v.user_id for v in flagged} == {u.id for u in ring}
    assert all(v.flag_reasons == "ring" for v in flagged)
    assert voting.tally_of(world.entries[0]) == (1, 0)  # only the veteran counts

    admin = voter("admin")
    admin.is_admin = True
    db.session.commit()
    first = next(v for v in flagged if v.submission_id == world.entries[0].id)
    vote_admin.review_vote(actor=admin, vote=first, decision=VoteReview.COUNTED)
    assert voting.tally_of(world.entries[0]) == (2, 0)
    assert first.reviewed_by_id == admin.id and first.reviewed_at is not None
    assert voting.scan_votes(world.challenge.id) == 0  # the admin's decision stands
    db.session.commit()
    assert db.session.get(Vote, first.id).review == VoteReview.COUNTED
    assert voting.tally_of(world.entries[0]) == (2, 0)


def test_a_discarded_vote_stays_on_record_but_never_counts() -> None:
    world = voting_world()
    ring, _ = _ring(world)
    voting.scan_votes(world.challenge.id)
    db.session.commit()
    admin = voter("admin")
    admin.is_admin = True
    vote = db.session.scalars(
        sa.select(Vote).where(Vote.user_id == ring[0].id, Vote.submission_id == world.entries[0].id)
    ).one()
    vote_admin.review_vote(actor=admin, vote=vote, decision="discarded")
    assert db.session.get(Vote, vote.id) is not None
    assert voting.tally_of(world.entries[0]) == (1, 0)
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "vote.discarded" in actions
    with pytest.raises(Conflict, match="already reviewed"):
        vote_admin.review_vote(actor=admin, vote=vote, decision="counted")


def test_only_platform_admins_review_quarantined_votes() -> None:
    world = voting_world()
    _ring(world)
    voting.scan_votes(world.challenge.id)
    db.session.commit()
    vote = db.session.scalars(sa.select(Vote).where(Vote.quarantined.is_(True))).first()
    with pytest.raises(PermissionDenied):
        vote_admin.review_vote(actor=world.owner, vote=vote, decision="counted")
    assert db.session.get(Vote, vote.id).review is None


def test_a_burst_of_votes_from_one_account_is_quarantined_as_it_happens() -> None:
    world = voting_world(entries=0)
    entries = [quick_entry(world.challenge, voter(f"s{n}"), f"E{n}") for n in range(31)]
    bot = voter("bot")
    start = utcnow()
    for n, entry in enumerate(entries[:30]):
        with frozen_time(start + n * timedelta(seconds=30)):
            cast(bot, entry, 1)
    assert voting.quarantined_count(world.challenge) == 0  # 30 an hour is still allowed
    with frozen_time(start + 30 * timedelta(seconds=30)):
        last = cast(bot, entries[30], 1)
    assert last is not None and last.quarantined and last.flag_reasons == "user_rate"
    assert voting.quarantined_count(world.challenge) == 31
    assert voting.vote_tallies(world.challenge.id) == {}


def test_votes_from_one_network_beyond_the_daily_limit_are_quarantined(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = voting_world(entries=1)
    monkeypatch.setitem(app.config, "VOTE_FLAG_THRESHOLDS", {"subnet_votes_per_day": 3})
    for n in range(4):
        cast(voter(f"n{n}"), world.entries[0], 1, ip=f"198.51.100.{10 + n}")
    cast(voter("elsewhere"), world.entries[0], 1, ip="198.51.101.7")
    flagged = db.session.scalars(sa.select(Vote.ip).where(Vote.quarantined.is_(True))).all()
    assert sorted(flagged) == [f"198.51.100.{10 + n}" for n in range(4)]
    assert voting.tally_of(world.entries[0]) == (1, 0)


def test_flag_thresholds_come_from_unpublished_config_and_a_broken_one_keeps_the_defaults(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = '{"user_votes_per_hour": 5, "ring_created_within_hours": 12}'
    monkeypatch.setitem(app.config, "VOTE_FLAG_THRESHOLDS", given)
    config = voting.flag_config()
    assert config.user_votes_per_hour == 5 and config.ring_created_within == timedelta(hours=12)
    assert config.subnet_votes_per_day == VoteFlagConfig().subnet_votes_per_day
    for broken in ('{"no_such_threshold": 1}', "not json", '{"new_account_age_days": "x"}'):
        monkeypatch.setitem(app.config, "VOTE_FLAG_THRESHOLDS", broken)
        assert voting.flag_config() == VoteFlagConfig()


def test_an_entry_carried_by_new_accounts_has_their_votes_quarantined() -> None:
    world = voting_world(entries=1)
    for n in range(6):
        cast(voter(f"new{n}", age_days=8 + n), world.entries[0], 1)
    for n in range(4):
        cast(voter(f"old{n}", age_days=400 + 30 * n), world.entries[0], 1)
    assert voting.scan_votes(world.challenge.id) == 6
    db.session.commit()
    assert voting.tally_of(world.entries[0]) == (4, 0)
    reasons = db.session.scalars(sa.select(Vote.flag_reasons).where(Vote.quarantined)).all()
    assert set(reasons) == {"new_accounts"}


def test_the_scan_votes_command_quarantines_rings(app: Flask) -> None:
    world = voting_world()
    _ring(world)
    result = app.test_cli_runner().invoke(args=["judging", "scan-votes", "--challenge", "grid"])
    assert result.exit_code == 0, result.output
    assert "grid: 9 votes newly quarantined" in result.output
    assert voting.quarantined_count(world.challenge) == 9
    missing = app.test_cli_runner().invoke(args=["judging", "scan-votes", "--challenge", "nope"])
    assert missing.exit_code != 0 and "no challenge" in missing.output


# ---- People's Choice settings ----------------------------------------------------------------


def test_the_sponsor_picks_a_peoples_choice_tier_and_a_small_blend_weight() -> None:
    world = voting_world()
    tier = world.challenge.prize_tiers[1]
    settings = vote_admin.set_community_settings(
        actor=world.owner,
        challenge=world.challenge,
        peoples_choice_tier_id=tier.id,
        community_weight=0.3,
    )
    assert settings.peoples_choice_tier_id == tier.id and settings.community_weight == 0.3
    vote_admin.set_community_settings(
        actor=world.owner,
        challenge=world.challenge,
        peoples_choice_tier_id=None,
        community_weight=0,
    )
    assert services.settings_for(world.challenge).peoples_choice_tier_id is None


@pytest.mark.parametrize("weight", [0.31, 0.5, -0.1, float("nan"), float("inf")])
def test_a_blend_weight_outside_zero_to_point_three_is_refused(weight: float) -> None:
    world = voting_world()
    with pytest.raises(ValidationFailed, match=r"between 0 and 0\.3") as error:
        vote_admin.set_community_settings(
            actor=world.owner,
            challenge=world.challenge,
            peoples_choice_tier_id=None,
            community_weight=weight,
        )
    assert error.value.field == "community_weight"
    assert services.settings_for(world.challenge).community_weight == 0


def test_a_peoples_choice_tier_must_belong_to_the_challenge() -> None:
    world = voting_world()
    other = make_challenge(make_org("Other"), slug="other")
    foreign = db.session.scalars(
        sa.select(PrizeTier.id).where(PrizeTier.challenge_id == other.id)
    ).first()
    with pytest.raises(ValidationFailed, match="prize tiers"):
        vote_admin.set_community_settings(
            actor=world.owner,
            challenge=world.challenge,
            peoples_choice_tier_id=foreign,
            community_weight=0,
        )
    assert services.settings_for(world.challenge).peoples_choice_tier_id is None


def test_a_peoples_choice_prize_needs_community_voting() -> None:
    world = voting_world()
    world.challenge.community_voting = False
    db.session.commit()
    with pytest.raises(ValidationFailed, match="turn it on"):
        vote_admin.set_community_settings(
            actor=world.owner,
            challenge=world.challenge,
            peoples_choice_tier_id=world.challenge.prize_tiers[0].id,
            community_weight=0,
        )


def test_only_the_sponsors_managers_change_community_settings_and_only_before_results() -> None:
    world = voting_world()
    member = db.session.scalar(sa.select(User).where(User.handle == "member"))
    with pytest.raises(PermissionDenied):
        vote_admin.set_community_settings(
            actor=member,
            challenge=world.challenge,
            peoples_choice_tier_id=None,
            community_weight=0.1,
        )
    move(world.challenge, "judging")
    world.challenge.awarded_at = utcnow()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        vote_admin.set_community_settings(
            actor=world.owner,
            challenge=world.challenge,
            peoples_choice_tier_id=None,
            community_weight=0.1,
        )
    assert services.settings_for(world.challenge).community_weight == 0

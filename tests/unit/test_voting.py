"""Community voting (JUDGING §5): eligibility, events, races, quarantine, standings, settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from accounts.models import User
from challenges.models import Challenge, PrizeTier
from core.audit import AuditEntry
from core.db import db, frozen_time, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from judging import services, vote_admin, voting
from judging.community import VoteFlagConfig
from judging.models import Round, RoundEntry
from judging.policies import vote_refusal
from judging.rubric import ensure_settings
from judging.vote_models import Vote, VoteEvent, VoteReview
from submissions.models import Submission, SubmissionStatus, TeamMember, TeamRole
from tests.factories import add_member, make_challenge, make_org, make_user
from tests.unit.test_judging_support import World, move, seat_judge, sponsor_world

DAY = timedelta(days=1)


def voter(handle: str, *, age_days: float = 30, verified: bool = True) -> User:
    """An account ``age_days`` old (voters must be at least 7 days old)."""
    user = make_user(handle, email=f"{handle}@{handle}.example", verified=verified)
    user.created_at = utcnow() - age_days * DAY
    db.session.commit()
    return user


def quick_entry(challenge: Challenge, owner: User, title: str) -> Submission:
    """A submitted entry written straight to the tables (for tests needing many entries)."""
    entry = Submission(
        challenge_id=challenge.id,
        owner_id=owner.id,
        title=title,
        status=SubmissionStatus.SUBMITTED,
        current_version=1,
        first_submitted_at=utcnow(),
        last_submitted_at=utcnow(),
    )
    entry.members.append(
        TeamMember(challenge_id=challenge.id, user_id=owner.id, role=TeamRole.OWNER)
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def voting_world(entries: int = 3, visibility: str = "public_on_submit") -> World:
    """The open "grid" challenge with community voting, public entries by solver1.. ."""
    world = sponsor_world()
    world.challenge.community_voting = True
    world.challenge.solution_visibility = visibility
    db.session.commit()
    for n in range(1, entries + 1):
        world.entries.append(quick_entry(world.challenge, voter(f"solver{n}"), f"Entry {n}"))
    return world


def cast(user: User, entry: Submission, value: int = 1, ip: str | None = None) -> Vote | None:
    return voting.cast_vote(actor=user, submission=entry, value=value, ip=ip)


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# ---- casting, changing, withdrawing ----------------------------------------------------------


def test_an_eligible_voter_up_votes_an_entry_and_the_tally_counts_it() -> None:
    world = voting_world()
    vote = cast(voter("ada"), world.entries[0], 1, ip="203.0.113.9")
    assert vote is not None and vote.value == 1 and vote.ip == "203.0.113.9"
    assert voting.tally_of(world.entries[0]) == (1, 0)
    assert voting.tally_of(world.entries[1]) == (0, 0)


def test_changing_and_withdrawing_a_vote_are_each_stored_as_an_event() -> None:
    world = voting_world()
    ada, entry = voter("ada"), world.entries[0]
    cast(ada, entry, 1)
    cast(ada, entry, -1)
    assert voting.tally_of(entry) == (0, 1)
    assert cast(ada, entry, 0) is None
    assert count(Vote) == 0
    events = db.session.scalars(sa.select(VoteEvent.value).order_by(VoteEvent.id)).all()
    assert events == [1, -1, 0]


def test_voting_twice_the_same_way_changes_nothing() -> None:
    world = voting_world()
    ada, entry = voter("ada"), world.entries[0]
    cast(ada, entry, 1)
    with pytest.raises(voting.AlreadyCounted, match="already counted"):
        cast(ada, entry, 1)
    assert count(Vote) == 1 and count(VoteEvent) == 1
    assert voting.tally_of(entry) == (1, 0)


def test_withdrawing_without_a_vote_is_refused_and_writes_nothing() -> None:
    world = voting_world()
    with pytest.raises(Conflict, match="no vote"):
        cast(voter("ada"), world.entries[0], 0)
    assert count(VoteEvent) == 0


def test_a_vote_value_other_than_up_down_or_withdraw_is_refused() -> None:
    world = voting_world()
    with pytest.raises(ValidationFailed):
        cast(voter("ada"), world.entries[0], 2)
    assert count(VoteEvent) == 0


def test_a_cast_racing_another_tab_becomes_an_update_of_the_one_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = voting_world()
    ada, entry = voter("ada"), world.entries[0]
    cast(ada, entry, 1)  # the other tab's vote, committed first
    real, calls = voting._current, []

    def stale_then_real(actor: User, submission: Submission) -> Vote | None:
        calls.append(1)
        return None if len(calls) == 1 else real(actor, submission)

    monkeypatch.setattr(voting, "_current", stale_then_real)
    vote = cast(ada, entry, -1)
    assert vote is not None and vote.value == -1 and len(calls) == 2
    assert count(Vote) == 1
    assert db.session.scalars(sa.select(VoteEvent.value).order_by(VoteEvent.id)).all() == [1, -1]


# ---- eligibility -----------------------------------------------------------------------------


def _fresh(world: World) -> tuple[User, Submission]:
    return voter("fresh", age_days=3), world.entries[0]


def _unverified(world: World) -> tuple[User, Submission]:
    return voter("unverified", verified=False), world.entries[0]


def _teammate(world: World) -> tuple[User, Submission]:
    mate = voter("mate")
    db.session.add(
        TeamMember(
            submission_id=world.entries[0].id, challenge_id=world.challenge.id, user_id=mate.id
        )
    )
    db.session.commit()
    return mate, world.entries[0]


def _owner(world: World) -> tuple[User, Submission]:
    return world.entries[0].owner, world.entries[0]


def _judge(world: World) -> tuple[User, Submission]:
    user = voter("judge")
    seat_judge(world, user)
    return user, world.entries[0]


def _sponsor_member(world: World) -> tuple[User, Submission]:
    user = voter("staffer")
    add_member(world.org, user)
    return user, world.entries[0]


def _invited_judge(world: World) -> tuple[User, Submission]:
    user = voter("invitee")
    services.invite_judge(actor=world.owner, challenge=world.challenge, email=user.email)
    return user, world.entries[0]


def _withdrawn(world: World) -> tuple[User, Submission]:
    world.entries[0].status = SubmissionStatus.WITHDRAWN
    db.session.commit()
    return voter("ada"), world.entries[0]


def _disqualified(world: World) -> tuple[User, Submission]:
    world.entries[0].status = SubmissionStatus.DISQUALIFIED
    db.session.commit()
    return voter("ada"), world.entries[0]


def _invisible(world: World) -> tuple[User, Submission]:
    world.challenge.solution_visibility = "public_after_close"
    db.session.commit()
    return voter("ada"), world.entries[0]


def _judging_over(world: World) -> tuple[User, Submission]:
    move(world.challenge, "judging")
    world.challenge.judging_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return voter("ada"), world.entries[0]


def _results_decided(world: World) -> tuple[User, Submission]:
    move(world.challenge, "judging")
    world.challenge.awarded_at = utcnow()
    db.session.commit()
    return voter("ada"), world.entries[0]


def _upcoming(world: World) -> tuple[User, Submission]:
    move(world.challenge, "upcoming")
    return voter("ada"), world.entries[0]


def _voting_off(world: World) -> tuple[User, Submission]:
    world.challenge.community_voting = False
    db.session.commit()
    return voter("ada"), world.entries[0]


def _not_screened_in(world: World) -> tuple[User, Submission]:
    ensure_settings(world.challenge).screening = True
    db.session.add(
        RoundEntry(
            challenge_id=world.challenge.id,
            round=Round.EVALUATION,
            submission_id=world.entries[1].id,
        )
    )
    db.session.commit()
    return voter("ada"), world.entries[0]


INELIGIBLE = [
    (_fresh, "too_new", Conflict),
    (_unverified, "unverified", Conflict),
    (_teammate, "team", PermissionDenied),
    (_owner, "team", PermissionDenied),
    (_judge, "judge", PermissionDenied),
    (_invited_judge, "judge", PermissionDenied),
    (_sponsor_member, "sponsor", PermissionDenied),
    (_withdrawn, "not_on_ballot", Conflict),
    (_disqualified, "not_on_ballot", Conflict),
    (_invisible, "hidden", NotFound),
    (_judging_over, "closed", Conflict),
    (_results_decided, "closed", Conflict),
    (_upcoming, "not_open", Conflict),
    (_voting_off, "voting_off", Conflict),
    (_not_screened_in, "not_screened_in", Conflict),
]


@pytest.mark.parametrize(
    ("setup", "reason", "error"), INELIGIBLE, ids=[r[1] + ":" + r[0].__name__ for r in INELIGIBLE]
)
def test_ineligible_voters_are_refused_with_a_reason_and_nothing_is_written(
    setup, reason: str, error: type
) -> None:
    world = voting_world()
    user, entry = setup(world)
    assert vote_refusal(user, entry) == reason
    with pytest.raises(error):
        cast(user, entry, 1)
    assert count(Vote) == 0 and count(VoteEvent) == 0


def test_own_entry_refusal_says_so() -> None:
    world = voting_world()
    with pytest.raises(PermissionDenied, match="can't vote on your own entry"):
        cast(world.entries[0].owner, world.entries[0], 1)


def test_anonymous_visitors_are_asked_to_sign_in() -> None:
    world = voting_world()
    assert vote_refusal(None, world.entries[0]) == "sign_in"


def test_an_account_may_vote_from_exactly_seven_days_after_sign_up() -> None:
    world = voting_world()
    newbie = voter("newbie", age_days=0)
    with frozen_time(newbie.created_at + 7 * DAY - timedelta(seconds=1)):
        assert vote_refusal(newbie, world.entries[0]) == "too_new"
    with frozen_time(newbie.created_at + 7 * DAY):
        assert vote_refusal(newbie, world.entries[0]) is None


def test_screened_in_entries_are_on_the_ballot() -> None:
    world = voting_world()
    ensure_settings(world.challenge).screening = True
    db.session.add(
        RoundEntry(
            challenge_id=world.challenge.id,
            round=Round.EVALUATION,
            submission_id=world.entries[0].id,
        )
    )
    db.session.commit()
    assert cast(voter("ada"), world.entries[0], 1) is not None


def test_votes_can_change_during_judging_until_judging_ends() -> None:
    world = voting_world()
    ada, entry = voter("ada"), world.entries[0]
    cast(ada, entry, 1)
    move(world.challenge, "judging")
    cast(ada, entry, -1)
    with frozen_time(world.challenge.judging_ends_at), pytest.raises(Conflict, match="closed"):
        cast(ada, entry, 1)
    assert voting.tally_of(entry) == (0, 1)


def test_a_voter_who_became_a_judge_may_still_withdraw_their_vote() -> None:
    world = voting_world()
    user, entry = voter("late"), world.entries[0]
    cast(user, entry, 1)
    seat_judge(world, user)
    assert cast(user, entry, 0) is None
    assert count(Vote) == 0


# ---- standings -------------------------------------------------------------------------------


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

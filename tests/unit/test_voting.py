"""Community voting (docs/judging.md): casting, changing, withdrawing votes, eligibility, races."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts.models import User
from core.db import db, frozen_time, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from judging import services
from judging.models import Round, RoundEntry
from judging.policies import vote_refusal
from judging.settings import ensure_settings
from judging.voting import votes as voting
from judging.voting.models import Vote, VoteEvent
from submissions.models import Submission, SubmissionStatus, TeamMember
from tests.factories import add_member
from tests.judging_support import World, move, seat_judge
from tests.voting_support import DAY, cast, count, voter, voting_world

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

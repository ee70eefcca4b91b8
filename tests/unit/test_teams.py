"""Teams: invitations, one entry per person per challenge, size limits, shares, the deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts.models import User
from challenges.models import Challenge
from core.db import db, frozen_time
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.mail import Mail
from submissions import services, teams
from submissions.models import InviteStatus, Submission, TeamInvite, TeamMember
from tests.factories import make_challenge, make_org, make_user


def enter(user: User, challenge: Challenge) -> Submission:
    return services.enter_challenge(
        actor=user, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )


def invite(owner: User, entry: Submission, who: str) -> TeamInvite:
    return teams.invite_teammate(actor=owner, submission=entry, handle_or_email=who)


def join(owner: User, entry: Submission, user: User) -> TeamMember:
    return teams.accept_invite(actor=user, invite=invite(owner, entry, user.handle))


def shares(entry: Submission) -> dict[str, tuple[int, bool]]:
    db.session.expire(entry, ["members"])
    return {m.user.handle: (m.share_bp, m.shares_accepted_at is not None) for m in entry.members}


@pytest.fixture
def challenge() -> Challenge:
    return make_challenge(make_org("Helios", owner=make_user("sponsor")), slug="c")


@pytest.fixture
def owner() -> User:
    return make_user("olga")


@pytest.fixture
def entry(owner: User, challenge: Challenge) -> Submission:
    return enter(owner, challenge)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([7], {7: 10_000}),
        ([7, 3], {7: 5_000, 3: 5_000}),
        ([7, 3, 9], {7: 3_334, 3: 3_333, 9: 3_333}),
        ([1, 2, 3, 4, 5, 6], {1: 1_670, 2: 1_666, 3: 1_666, 4: 1_666, 5: 1_666, 6: 1_666}),
    ],
)
def test_default_split_is_equal_with_the_remainder_to_the_owner(ids, expected) -> None:
    assert teams.default_split(ids) == expected
    assert sum(teams.default_split(ids).values()) == 10_000


@pytest.mark.parametrize("ids", [[], [1, 1]])
def test_default_split_needs_distinct_members(ids) -> None:
    with pytest.raises(ValueError, match="unique"):
        teams.default_split(ids)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({1: 6_000, 2: 3_999}, "they add up to 99.99 % (9,999 basis points)"),
        ({1: 6_000, 2: 4_001}, "they add up to 100.01 % (10,001 basis points)"),
        ({1: 10_000}, "each team member and no one else"),
        ({1: 5_000, 2: 4_000, 3: 1_000}, "each team member and no one else"),
        ({1: 11_000, 2: -1_000}, "whole number, 0 or more"),
        ({1: 5_000.0, 2: 5_000}, "whole number, 0 or more"),
        ({1: True, 2: 9_999}, "whole number, 0 or more"),
    ],
)
def test_share_validation_explains_what_is_wrong(given, message) -> None:
    with pytest.raises(ValidationFailed, match=message.replace("(", r"\(").replace(")", r"\)")):
        teams.check_shares(given, [1, 2])


@pytest.mark.parametrize("who", ["bob", "@Bob", " BOB ", "bob@example.org", "Bob@Example.org"])
def test_invite_by_handle_or_email_resolves_the_user_and_mails_a_link(
    owner, entry, mails: list[Mail], who
) -> None:
    bob = make_user("bob")
    sent = invite(owner, entry, who)
    assert (sent.user_id, sent.email, sent.status) == (bob.id, bob.email, InviteStatus.PENDING)
    assert mails[-1].to == bob.email and f"/team-invites/{sent.id}" in mails[-1].body


def test_invite_to_an_unknown_address_is_kept_for_whoever_verifies_it(owner, entry) -> None:
    sent = invite(owner, entry, "New.Person@Example.org")
    assert (sent.user_id, sent.email) == (None, "new.person@example.org")
    newcomer = make_user("newcomer", email="new.person@example.org")
    assert teams.is_invitee(newcomer, sent) and not teams.is_invitee(make_user("other"), sent)
    teams.accept_invite(actor=newcomer, invite=sent)
    assert sent.user_id == newcomer.id and newcomer.id in entry.member_ids()


def test_an_unverified_address_does_not_match_an_email_invitation(owner, entry) -> None:
    sent = invite(owner, entry, "late@example.org")
    late = make_user("late", verified=False)
    with pytest.raises(NotFound):
        teams.accept_invite(actor=late, invite=sent)


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ("olga", ValidationFailed, "cannot invite yourself"),
        ("OLGA@example.org", ValidationFailed, "cannot invite yourself"),
        ("nobody", ValidationFailed, "No one has the handle @nobody"),
        ("not an address@", ValidationFailed, "handle .* or an e-mail"),
        ("member", Conflict, "@member is already on this team"),
        ("rival", Conflict, "@rival is already in another entry of this challenge"),
        ("pending", Conflict, "@pending already has a pending invitation"),
        ("PENDING@example.org", Conflict, "pending@example.org already has a pending"),
    ],
)
def test_invitations_are_refused_with_a_reason(owner, entry, challenge, who, error, message):
    join(owner, entry, make_user("member"))
    enter(make_user("rival"), challenge)
    invite(owner, entry, make_user("pending").handle)
    challenge.max_team_size = 5
    db.session.commit()
    with pytest.raises(error, match=message):
        invite(owner, entry, who)


def test_only_the_owner_invites(owner, entry) -> None:
    member = make_user("member")
    join(owner, entry, member)
    make_user("carol")
    with pytest.raises(PermissionDenied):
        invite(member, entry, "carol")


def test_solo_challenges_take_no_invitations(owner) -> None:
    solo = make_challenge(make_org(), max_team_size=1)
    mine = enter(owner, solo)
    make_user("bob")
    with pytest.raises(Conflict, match="solo entries only"):
        invite(owner, mine, "bob")


def test_team_size_counts_members_and_pending_invitations(owner, entry, challenge) -> None:
    join(owner, entry, make_user("bob"))
    invite(owner, entry, make_user("carol").handle)
    make_user("dan")
    with pytest.raises(Conflict, match="The team is full: 3 people at most"):
        invite(owner, entry, "dan")


def test_accepting_into_a_full_team_is_refused(owner, entry, challenge) -> None:
    bob, carol = make_user("bob"), make_user("carol")
    to_bob, to_carol = invite(owner, entry, "bob"), invite(owner, entry, "carol")
    challenge.max_team_size = 2
    db.session.commit()
    teams.accept_invite(actor=bob, invite=to_bob)
    with pytest.raises(Conflict, match="team is full"):
        teams.accept_invite(actor=carol, invite=to_carol)


def test_joining_resets_shares_and_asks_everyone_but_the_owner(owner, entry) -> None:
    join(owner, entry, make_user("bob"))
    assert shares(entry) == {"olga": (5_000, True), "bob": (5_000, False)}
    join(owner, entry, make_user("carol"))
    assert shares(entry) == {"olga": (3_334, True), "bob": (3_333, False), "carol": (3_333, False)}
    assert not teams.shares_agreed(entry)


def test_a_person_joins_one_entry_per_challenge_whichever_comes_first(
    owner, entry, challenge
) -> None:
    bob, rival = make_user("bob"), make_user("rival")
    other = enter(rival, challenge)
    first, second = invite(owner, entry, "bob"), invite(rival, other, "bob")
    teams.accept_invite(actor=bob, invite=second)
    with pytest.raises(Conflict, match="already in another entry"):
        teams.accept_invite(actor=bob, invite=first)
    carol = make_user("carol")
    late = invite(owner, entry, "carol")
    enter(carol, challenge)  # entered on her own after being invited
    with pytest.raises(Conflict, match="already in another entry"):
        teams.accept_invite(actor=carol, invite=late)
    assert services.entry_of(carol, challenge).owner_id == carol.id


def test_the_database_refuses_a_second_entry_when_the_check_is_raced(
    owner, entry, challenge, monkeypatch
) -> None:
    bob = make_user("bob")
    sent = invite(owner, entry, "bob")
    enter(bob, challenge)
    monkeypatch.setattr(teams, "entry_of", lambda user, challenge: None)
    with pytest.raises(Conflict, match="already in another entry"):
        teams.accept_invite(actor=bob, invite=sent)
    assert db.session.get(TeamInvite, sent.id).status == InviteStatus.PENDING
    db.session.add(TeamMember(submission_id=entry.id, challenge_id=challenge.id, user_id=bob.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_only_the_invitee_answers_and_only_once(owner, entry) -> None:
    bob, mallory = make_user("bob"), make_user("mallory")
    sent = invite(owner, entry, "bob")
    for service in (teams.accept_invite, teams.decline_invite):
        with pytest.raises(NotFound):
            service(actor=mallory, invite=sent)
    teams.decline_invite(actor=bob, invite=sent)
    with pytest.raises(Conflict, match="already declined"):
        teams.accept_invite(actor=bob, invite=sent)


def test_revoked_invitations_cannot_be_accepted(owner, entry) -> None:
    bob = make_user("bob")
    sent = invite(owner, entry, "bob")
    with pytest.raises(PermissionDenied):
        teams.revoke_invite(actor=bob, invite=sent)
    teams.revoke_invite(actor=owner, invite=sent)
    with pytest.raises(Conflict, match="already revoked"):
        teams.accept_invite(actor=bob, invite=sent)
    invite(owner, entry, "bob")  # the place is free again


def test_owner_removes_members_members_leave_and_shares_reset(owner, entry) -> None:
    bob, carol = make_user("bob"), make_user("carol")
    join(owner, entry, bob)
    join(owner, entry, carol)
    with pytest.raises(PermissionDenied):
        teams.remove_teammate(actor=bob, submission=entry, user_id=carol.id)
    with pytest.raises(ValidationFailed, match="owner cannot leave"):
        teams.remove_teammate(actor=owner, submission=entry, user_id=owner.id)
    teams.remove_teammate(actor=owner, submission=entry, user_id=carol.id)
    assert shares(entry) == {"olga": (5_000, True), "bob": (5_000, False)}
    teams.remove_teammate(actor=bob, submission=entry, user_id=bob.id)
    assert shares(entry) == {"olga": (10_000, True)}
    assert teams.shares_agreed(entry)


def test_owner_proposes_shares_and_members_accept_them(owner, entry) -> None:
    bob = make_user("bob")
    join(owner, entry, bob)
    teams.accept_shares(actor=bob, submission=entry)
    assert teams.shares_agreed(entry)
    with pytest.raises(PermissionDenied):
        teams.propose_shares(actor=bob, submission=entry, shares={owner.id: 0, bob.id: 10_000})
    with pytest.raises(ValidationFailed, match="they add up to 90 %"):
        teams.propose_shares(actor=owner, submission=entry, shares={owner.id: 6_000, bob.id: 3_000})
    teams.propose_shares(actor=owner, submission=entry, shares={owner.id: 7_000, bob.id: 3_000})
    assert shares(entry) == {"olga": (7_000, True), "bob": (3_000, False)}
    with pytest.raises(Conflict, match="shares changed"):
        teams.accept_shares(actor=bob, submission=entry, seen={owner.id: 5_000, bob.id: 5_000})
    teams.accept_shares(actor=bob, submission=entry, seen={owner.id: 7_000, bob.id: 3_000})
    assert teams.shares_agreed(entry)
    teams.propose_shares(actor=owner, submission=entry, shares={owner.id: 7_000, bob.id: 3_000})
    assert teams.shares_agreed(entry)  # the same split again asks no one to re-accept
    teams.propose_shares(actor=owner, submission=entry, shares={owner.id: 10_000, bob.id: 0})
    assert shares(entry) == {"olga": (10_000, True), "bob": (0, False)}


def test_strangers_cannot_accept_shares(owner, entry) -> None:
    with pytest.raises(PermissionDenied):
        teams.accept_shares(actor=make_user("mallory"), submission=entry)


def test_team_and_shares_freeze_at_the_deadline_to_the_second(owner, entry, challenge) -> None:
    bob, carol, dan = make_user("bob"), make_user("carol"), make_user("dan")
    join(owner, entry, bob)
    to_carol = invite(owner, entry, "carol")
    split = {owner.id: 5_000, bob.id: 5_000}
    attempts = [
        lambda: invite(owner, entry, "dan"),
        lambda: teams.accept_invite(actor=carol, invite=to_carol),
        lambda: teams.decline_invite(actor=carol, invite=to_carol),
        lambda: teams.revoke_invite(actor=owner, invite=to_carol),
        lambda: teams.remove_teammate(actor=bob, submission=entry, user_id=bob.id),
        lambda: teams.propose_shares(actor=owner, submission=entry, shares=split),
        lambda: teams.accept_shares(actor=bob, submission=entry),
    ]
    with frozen_time(challenge.closes_at):
        for attempt in attempts:
            with pytest.raises(Conflict, match="deadline has passed"):
                attempt()
    assert dan.id not in entry.member_ids()
    with frozen_time(challenge.closes_at - timedelta(seconds=1)):
        teams.accept_invite(actor=carol, invite=to_carol)
    assert carol.id in entry.member_ids()

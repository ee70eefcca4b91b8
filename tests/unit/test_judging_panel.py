"""The panel: invitations by e-mail, acceptance with attestation, declining, removal."""

from __future__ import annotations

import pytest

from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.mail import Mail
from judging import services
from judging.models import JudgeStatus
from judging.policies import has_judging
from tests.factories import make_org, make_user
from tests.judging_support import sponsor_world


@pytest.fixture
def world():
    return sponsor_world()


def _invite(world, email: str = "Judy@Example.org"):
    return services.invite_judge(actor=world.owner, challenge=world.challenge, email=email)


def test_inviting_mails_a_link_to_the_invitation(world, mails: list[Mail]) -> None:
    judge = _invite(world)
    assert judge.email == "judy@example.org" and judge.status == JudgeStatus.INVITED
    assert judge.user_id is None
    assert mails[-1].to == "judy@example.org"
    assert f"/judging/invitations/{judge.id}" in mails[-1].body


def test_only_owners_and_managers_invite(world) -> None:
    with pytest.raises(PermissionDenied):
        services.invite_judge(
            actor=make_user("outsider"), challenge=world.challenge, email="x@example.org"
        )


def test_a_bad_address_or_a_sitting_judge_is_refused(world) -> None:
    with pytest.raises(ValidationFailed, match="e-mail address"):
        _invite(world, "not-an-address")
    judy = make_user("judy")
    services.accept_judging(
        actor=judy, judge=_invite(world), conflicts_text="", conflict_org_ids=[], attest=True
    )
    with pytest.raises(ValidationFailed, match="already on the panel"):
        _invite(world)


def test_the_invited_verified_account_accepts_with_declarations(world) -> None:
    judge = _invite(world)
    judy = make_user("judy")
    acme = make_org("Acme", slug="acme")
    assert has_judging(judy)
    services.accept_judging(
        actor=judy,
        judge=judge,
        conflicts_text="  @ada, bob@lab.org  ",
        conflict_org_ids=[acme.id],
        attest=True,
    )
    assert judge.status == JudgeStatus.ACCEPTED and judge.user_id == judy.id
    assert judge.attested_at is not None and judge.declared_conflicts == "@ada, bob@lab.org"
    assert [org.slug for org in judge.conflict_orgs] == ["acme"]
    with pytest.raises(Conflict, match="already answered"):
        services.accept_judging(
            actor=judy, judge=judge, conflicts_text="", conflict_org_ids=[], attest=True
        )


def test_accepting_needs_the_attestation_and_known_organizations(world) -> None:
    judge = _invite(world)
    judy = make_user("judy")
    with pytest.raises(ValidationFailed, match="Attest"):
        services.accept_judging(
            actor=judy, judge=judge, conflicts_text="", conflict_org_ids=[], attest=False
        )
    with pytest.raises(ValidationFailed, match="from the list"):
        services.accept_judging(
            actor=judy, judge=judge, conflicts_text="", conflict_org_ids=[424242], attest=True
        )
    assert judge.status == JudgeStatus.INVITED


@pytest.mark.parametrize("who", ["other", "unverified"])
def test_only_the_invited_verified_account_may_answer(world, who: str) -> None:
    judge = _invite(world)
    actor = make_user("other") if who == "other" else make_user("judy", verified=False)
    with pytest.raises(PermissionDenied, match=r"judy@example\.org"):
        services.accept_judging(
            actor=actor, judge=judge, conflicts_text="", conflict_org_ids=[], attest=True
        )


def test_declining_and_being_invited_again(world) -> None:
    judge = _invite(world)
    judy = make_user("judy")
    services.decline_judging(actor=judy, judge=judge)
    assert judge.status == JudgeStatus.DECLINED and not has_judging(judy)
    again = _invite(world)
    assert again.id == judge.id and again.status == JudgeStatus.INVITED


def test_removing_a_judge_or_withdrawing_an_invitation(world) -> None:
    judge = _invite(world)
    services.remove_judge(actor=world.owner, judge=judge)
    assert judge.status == JudgeStatus.REMOVED
    with pytest.raises(Conflict, match="not on the panel"):
        services.remove_judge(actor=world.owner, judge=judge)

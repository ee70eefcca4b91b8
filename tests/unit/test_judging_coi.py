"""Conflicts of interest from database facts: rules (a)–(d) of docs/judging.md."""

from __future__ import annotations

import pytest

from accounts.models import OrgRole
from judging.algorithms.matching import DECLARED, SAME_EMAIL_DOMAIN, SAME_ORGANIZATION, TEAM_MEMBER
from judging.panel.coi import declared_people, forbidden_pairs
from tests.factories import add_member, make_org, make_user
from tests.judging_support import seat_judge, sponsor_world, submit_entry


@pytest.fixture
def world():
    world = sponsor_world()
    world.solver = make_user("ada", email="ada@lab.example")
    world.mate = make_user("bob", email="bob@gmail.com")
    world.entry = submit_entry(world.challenge, world.solver, team=[world.mate])
    return world


def _reasons(world, judge) -> tuple[str, ...]:
    return forbidden_pairs([judge], [world.entry.id]).get((judge.id, world.entry.id), ())


def test_a_judge_free_of_ties_is_eligible(world) -> None:
    judge = seat_judge(world, make_user("neutral", email="neutral@uni.example"))
    assert _reasons(world, judge) == ()


def test_a_team_member_is_conflicted(world) -> None:
    assert TEAM_MEMBER in _reasons(world, seat_judge(world, world.mate))


@pytest.mark.parametrize("declared", ["@ada", "ada", "Ada@Lab.Example", "someone, bob@gmail.com"])
def test_a_declared_person_by_handle_or_email_is_conflicted(world, declared: str) -> None:
    judge = seat_judge(world, make_user("carol", email="carol@uni.example"), conflicts=declared)
    assert _reasons(world, judge) == (DECLARED,)


def test_a_declared_organization_of_a_member_is_conflicted(world) -> None:
    startup = make_org("Startup", owner=world.mate, slug="startup")
    judge = seat_judge(world, make_user("carol", email="carol@uni.example"), orgs=[startup.id])
    assert _reasons(world, judge) == (DECLARED,)


def test_sharing_an_organization_with_a_member_is_conflicted(world) -> None:
    lab = make_org("Lab", owner=world.solver, slug="lab")
    colleague = make_user("dora", email="dora@uni.example")
    add_member(lab, colleague, OrgRole.MEMBER)
    assert _reasons(world, seat_judge(world, colleague)) == (SAME_ORGANIZATION,)


def test_same_work_email_domain_is_conflicted_but_free_mail_is_not(world) -> None:
    coworker = seat_judge(world, make_user("erin", email="erin@lab.example"))
    assert _reasons(world, coworker) == (SAME_EMAIL_DOMAIN,)
    gmail_user = seat_judge(world, make_user("fred", email="fred@gmail.com"))
    assert _reasons(world, gmail_user) == ()


def test_declarations_are_split_into_emails_and_handles() -> None:
    assert declared_people("@Ada, bob@lab.org;\ncarol  <dan@x.org>") == (
        {"bob@lab.org", "dan@x.org"},
        {"ada", "carol"},
    )

"""Assignment follows docs/judging.md: hard conflicts, greedy balance, max-flow fallback."""

import hashlib
import hmac
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging.algorithms.matching import (
    DECLARED,
    EXCLUDED_BY_SOLVER,
    SAME_EMAIL_DOMAIN,
    SAME_ORGANIZATION,
    TEAM_MEMBER,
    AssignmentResult,
    JudgeProfile,
    TeamProfile,
    blind_label,
    coi_reasons,
    conflicts,
    email_domain,
    plan_assignment,
)

J1, J2, J3 = 1, 2, 3
EXAMPLE_2_COI = {(J1, 4), (J1, 5), (J1, 6), (J2, 1), (J2, 2), (J3, 2), (J3, 3)}


def assert_valid(result: AssignmentResult, k: int, forbidden: set[tuple[int, int]]) -> None:
    for sub, judges in result.assignment.items():
        assert len(judges) == len(set(judges)) <= k
        assert not {(j, sub) for j in judges} & forbidden
    counted = {j: 0 for j in result.loads}
    for judges in result.assignment.values():
        for j in judges:
            counted[j] += 1
    assert counted == result.loads
    assert all(load <= result.limit for load in result.loads.values())
    filled = sum(len(v) for v in result.assignment.values())
    assert result.shortfall == k * len(result.assignment) - filled


def test_example_1_processing_order_result_and_loads() -> None:
    result = plan_assignment([1, 2, 3, 4], [J1, J2, J3], 2, {(J3, 2), (J1, 4)})
    assert result.limit == 3
    assert result.order == [2, 4, 1, 3]
    assert result.assignment == {1: [J1, J3], 2: [J1, J2], 3: [J1, J3], 4: [J3, J2]}
    assert result.loads == {J1: 3, J2: 2, J3: 3}
    assert result.method == "greedy"
    assert result.shortfall == 0
    assert result.greedy_unfilled == []


def test_example_2_greedy_leaves_s6_empty_and_max_flow_fills_every_slot() -> None:
    result = plan_assignment(range(1, 7), [J1, J2, J3], 1, EXAMPLE_2_COI)
    assert result.limit == 2
    assert result.order == [2, 1, 3, 4, 5, 6]
    assert result.greedy_unfilled == [6]
    assert result.method == "maxflow"
    assert result.shortfall == 0
    assert all(len(judges) == 1 for judges in result.assignment.values())
    assert result.loads == {J1: 2, J2: 2, J3: 2}
    assert_valid(result, 1, EXAMPLE_2_COI)


def test_example_2_stated_feasible_assignment_respects_the_constraints() -> None:
    stated = {1: [J1], 2: [J1], 3: [J2], 4: [J2], 5: [J3], 6: [J3]}
    assert not {(j, s) for s, js in stated.items() for j in js} & EXAMPLE_2_COI
    loads = {J1: 2, J2: 2, J3: 2}
    assert_valid(AssignmentResult(stated, loads, 0, "maxflow", 2), 1, EXAMPLE_2_COI)


def test_shortfall_is_reported_only_when_the_flow_cannot_fill_every_slot() -> None:
    forbidden = {(J1, 1), (J2, 1)}
    result = plan_assignment([1, 2], [J1, J2, J3], 2, forbidden)
    assert result.method == "maxflow"
    assert result.shortfall == 1
    assert result.assignment[1] == [J3]
    assert_valid(result, 2, forbidden)


def test_no_judges_leaves_every_slot_short() -> None:
    result = plan_assignment([1, 2], [], 3)
    assert result.shortfall == 6
    assert result.assignment == {1: [], 2: []}


def test_higher_affinity_wins_between_equally_loaded_judges() -> None:
    result = plan_assignment([1], [J1, J2, J3], 1, affinity={(J3, 1): 0.9, (J2, 1): 0.5})
    assert result.assignment == {1: [J3]}


def test_judge_caps_only_lower_the_limit() -> None:
    result = plan_assignment([1, 2, 3, 4], [J1, J2], 1, judge_caps={J1: 1, J2: 9})
    # cap_j = min(L, judge_cap_j) with L = 2: the missing slot is not pushed onto J2.
    assert result.loads == {J1: 1, J2: 2}
    assert result.shortfall == 1
    assert result.method == "maxflow"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "at least one judge"),
        ({"k": 1, "judge_caps": {J1: -1}}, "cannot be negative"),
    ],
)
def test_invalid_requests_raise(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_assignment([1], [J1], **kwargs)


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="only once"):
        plan_assignment([1, 1], [J1], 1)


def test_assignment_is_deterministic_whatever_the_input_order() -> None:
    rng = random.Random(3)
    subs, judges = list(range(1, 41)), list(range(1, 9))
    forbidden = {(rng.choice(judges), rng.choice(subs)) for _ in range(60)}
    affinity = {(j, s): rng.random() for j in judges for s in subs if rng.random() < 0.3}
    first = plan_assignment(subs, judges, 3, forbidden, affinity=affinity)
    for _ in range(5):
        rng.shuffle(subs)
        rng.shuffle(judges)
        again = plan_assignment(subs, judges, 3, list(forbidden), affinity=dict(affinity))
        assert again == first


def test_max_flow_fallback_is_deterministic() -> None:
    runs = {repr(plan_assignment(range(1, 7), [3, 1, 2], 1, EXAMPLE_2_COI)) for _ in range(5)}
    assert len(runs) == 1


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(1, 12),
    m=st.integers(1, 6),
    k=st.integers(1, 3),
    pairs=st.sets(st.tuples(st.integers(1, 6), st.integers(1, 12)), max_size=40),
)
def test_every_assignment_is_valid(n: int, m: int, k: int, pairs: set) -> None:
    result = plan_assignment(range(1, n + 1), range(1, m + 1), k, pairs)
    assert_valid(result, k, pairs)
    assert result.method == ("greedy" if not result.greedy_unfilled else "maxflow")


def judge(**overrides: object) -> JudgeProfile:
    fields = {"judge_id": 7, "user_id": 70, "organization_ids": frozenset({5})}
    fields["emails"] = ("ada@judges.org",)
    return JudgeProfile(**{**fields, **overrides})


def team(**overrides: object) -> TeamProfile:
    fields = {"submission_id": 3, "member_user_ids": frozenset({31, 32})}
    fields["organization_ids"] = frozenset({8})
    fields["member_emails"] = ("bo@startup.io", "cy@gmail.com")
    return TeamProfile(**{**fields, **overrides})


def test_unrelated_judge_has_no_conflict() -> None:
    assert coi_reasons(judge(), team()) == ()


@pytest.mark.parametrize(
    ("judge_changes", "team_changes", "reason"),
    [
        ({"user_id": 31}, {}, TEAM_MEMBER),
        ({"declared_submission_ids": frozenset({3})}, {}, DECLARED),
        ({"declared_user_ids": frozenset({32})}, {}, DECLARED),
        ({}, {"organization_ids": frozenset({5, 8})}, SAME_ORGANIZATION),
        ({"emails": ("Ada@Startup.IO",)}, {}, SAME_EMAIL_DOMAIN),
        ({}, {"excluded_organization_ids": frozenset({5})}, EXCLUDED_BY_SOLVER),
    ],
)
def test_each_coi_rule_excludes_the_judge(
    judge_changes: dict, team_changes: dict, reason: str
) -> None:
    assert coi_reasons(judge(**judge_changes), team(**team_changes)) == (reason,)


def test_free_mail_domains_do_not_conflict() -> None:
    assert coi_reasons(judge(emails=("ada@gmail.com", "ada@proton.me")), team()) == ()


def test_conflicts_map_forbidden_pairs_to_reasons() -> None:
    judges = [judge(), judge(judge_id=8, user_id=31, organization_ids=frozenset({8}))]
    found = conflicts(judges, [team(), team(submission_id=4, member_user_ids=frozenset())])
    assert found == {(8, 3): (TEAM_MEMBER, SAME_ORGANIZATION), (8, 4): (SAME_ORGANIZATION,)}
    assert set(found) == {(8, 3), (8, 4)}


def test_email_domain_parsing() -> None:
    assert email_domain(" Ada@Example.COM ") == "example.com"
    assert email_domain("no-at-sign") is None


def test_blind_label_is_a_truncated_hmac() -> None:
    expected = hmac.new(b"challenge-secret", b"42", hashlib.sha256).hexdigest()[:6]
    assert blind_label(b"challenge-secret", 42) == f"Entry #{expected}"
    assert blind_label(b"other-secret", 42) != blind_label(b"challenge-secret", 42)
    assert len(blind_label(b"s", 1)) == len("Entry #") + 6

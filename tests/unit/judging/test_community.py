"""Community voting follows docs/judging.md: Wilson, Bayesian average, QV, blend, vote flags."""

import itertools
import random
from datetime import datetime, timedelta
from fractions import Fraction

import pytest

from judging.algorithms.tallies import (
    NEW_ACCOUNTS,
    RING,
    SUBNET_RATE,
    USER_RATE,
    Vote,
    VoteFlagConfig,
    Voter,
    bayesian_average,
    bayesian_averages,
    blend,
    flag_votes,
    percentile_ranks,
    quadratic_cost,
    quadratic_tally,
    ring_members,
    subnet,
    wilson_lower_bound,
)

T0 = datetime(2025, 3, 1, 12, 0)
OLD = T0 - timedelta(days=400)
RIDGE = {1: 4717 / 63, 2: 456 / 7, 3: 533 / 7, 4: 3401 / 63}


@pytest.mark.parametrize(
    ("up", "down", "expected"),
    [
        (209, 50, 0.754537),
        (118, 25, 0.754648),
        (2, 0, 0.342372),
        (100, 1, 0.946032),
        (8, 2, 0.490157),
        (60, 40, 0.502001),
        (5, 0, 0.565509),
        (0, 0, 0.0),
    ],
)
def test_wilson_lower_bound_table(up: int, down: int, expected: float) -> None:
    assert wilson_lower_bound(up, down) == pytest.approx(expected, abs=5e-7)


def test_wilson_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        wilson_lower_bound(-1, 3)


def test_bayesian_average_examples() -> None:
    assert bayesian_average(5.0, 2, 3.5, 5) == pytest.approx(3.928571, abs=5e-7)
    assert bayesian_average(4.2, 10, 3.5, 5) == pytest.approx(3.966667, abs=5e-7)


def test_bayesian_averages_use_the_challenge_mean_and_median_count() -> None:
    ratings = {1: [5.0, 5.0], 2: [4, 4, 4, 4, 4, 3, 3, 3, 3, 3], 3: [], 4: [1] * 20}
    every = [r for values in ratings.values() for r in values]
    prior = sum(every) / len(every)
    result = bayesian_averages(ratings)
    # median of (2, 10, 0, 20) is 6, above the floor of 5.
    assert result[1] == pytest.approx((10 + 6 * prior) / 8)
    assert result[3] == pytest.approx(prior)
    assert bayesian_averages({1: [4.0], 2: [2.0]})[1] == pytest.approx((4 + 5 * 3) / 6)


def test_bayesian_averages_need_some_ratings() -> None:
    with pytest.raises(ValueError, match="no star ratings"):
        bayesian_averages({1: []})


def test_quadratic_voting_example_tally() -> None:
    ballots = {1: {4: 9}, 2: {1: 3, 2: 3}, 3: {1: 4, 3: 2}}
    assert quadratic_tally(ballots) == {1: 7, 2: 3, 3: 2, 4: 9}
    assert [quadratic_cost(b) for b in ballots.values()] == [81, 18, 20]


@pytest.mark.parametrize(
    ("ballot", "message"),
    [({1: 10, 2: 1}, "costs 101 credits"), ({1: -1}, "whole number"), ({1: 1.5}, "whole number")],
)
def test_quadratic_ballots_are_checked(ballot: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        quadratic_tally({1: ballot})


def test_blending_example() -> None:
    community = {
        1: wilson_lower_bound(8, 2),
        2: wilson_lower_bound(60, 40),
        3: wilson_lower_bound(2, 0),
        4: wilson_lower_bound(5, 0),
    }
    expert_pct = percentile_ranks(RIDGE)
    community_pct = percentile_ranks(community)
    assert expert_pct == pytest.approx({1: 2 / 3, 2: 1 / 3, 3: 1.0, 4: 0.0})
    assert community_pct == pytest.approx({1: 1 / 3, 2: 2 / 3, 3: 0.0, 4: 1.0})
    assert blend(RIDGE, community, 0.2) == pytest.approx({1: 0.6, 2: 0.4, 3: 0.8, 4: 0.2})
    # Why the cap exists: at w = 0.5 every entry ties at 0.5.
    half = {e: 0.5 * expert_pct[e] + 0.5 * community_pct[e] for e in RIDGE}
    assert half == pytest.approx(dict.fromkeys(RIDGE, 0.5))
    with pytest.raises(ValueError, match=r"between 0 and 0\.3"):
        blend(RIDGE, community, 0.5)
    assert blend(RIDGE, community, 0.3) == pytest.approx(
        {1: 0.5667, 2: 0.4333, 3: 0.7, 4: 0.3}, abs=5e-5
    )


def test_percentile_ranks_average_ties() -> None:
    assert percentile_ranks({1: 10, 2: 10, 3: 5}) == {1: 0.75, 2: 0.75, 3: 0.0}
    assert percentile_ranks({1: 3.0}) == {1: 1.0}


def test_blend_needs_matching_entries() -> None:
    with pytest.raises(ValueError, match="same entries"):
        blend({1: 1.0, 2: 2.0}, {1: 1.0}, 0.1)


def votes_at(user: int, times: list[datetime], ip: str = "10.0.0.1", start: int = 1) -> list[Vote]:
    return [Vote(start + n, user, start + n, t, ip) for n, t in enumerate(times)]


def test_more_than_30_votes_in_an_hour_are_quarantined() -> None:
    voters = {1: Voter(1, OLD), 2: Voter(2, OLD)}
    burst = votes_at(1, [T0 + timedelta(minutes=n) for n in range(31)])
    calm = votes_at(2, [T0 + timedelta(minutes=n) for n in range(30)], "10.9.9.9", start=500)
    flags = flag_votes([*burst, *calm], voters)
    assert set(flags) == {v.vote_id for v in burst}
    assert all(reasons == (USER_RATE,) for reasons in flags.values())


def test_more_than_200_votes_per_slash_24_per_day_are_quarantined() -> None:
    voters = {u: Voter(u, OLD) for u in range(1, 202)}
    votes = [
        Vote(u, u, 1000 + u, T0 + timedelta(minutes=5 * u), f"192.0.2.{u % 250}") for u in voters
    ]
    assert flag_votes(votes, voters) == {u: (SUBNET_RATE,) for u in voters}
    assert flag_votes(votes[:200], voters) == {}


def ring_votes(users: list[int], entries: list[int], start: int = 1) -> list[Vote]:
    pairs = itertools.product(users, entries)
    return [Vote(start + n, u, e, T0, f"10.{u}.0.1") for n, (u, e) in enumerate(pairs)]


def test_co_voting_accounts_created_together_form_a_ring() -> None:
    voters = {u: Voter(u, OLD + timedelta(hours=u)) for u in (1, 2, 3)}
    voters[4] = Voter(4, OLD + timedelta(days=50))
    votes = ring_votes([1, 2, 3, 4], [10, 11, 12, 13])
    flags = flag_votes(votes, voters)
    assert {v.user_id for v in votes if v.vote_id in flags} == {1, 2, 3}
    assert all(RING in reasons for reasons in flags.values())


def test_same_registration_subnet_links_accounts_created_apart() -> None:
    voters = {
        1: Voter(1, OLD, "203.0.113.5"),
        2: Voter(2, OLD + timedelta(days=90), "203.0.113.77"),
    }
    assert len(flag_votes(ring_votes([1, 2], [10, 11, 12]), voters)) == 6


def test_low_overlap_or_too_few_shared_votes_is_not_a_ring() -> None:
    voters = {1: Voter(1, OLD), 2: Voter(2, OLD)}
    two_shared = ring_votes([1, 2], [10, 11])
    assert flag_votes(two_shared, voters) == {}
    loose = ring_votes([1], [10, 11, 12, 13, 14]) + ring_votes([2], [10, 11, 12, 20], start=50)
    assert flag_votes(loose, voters) == {}  # Jaccard 3/6


def test_ring_search_matches_brute_force() -> None:
    rng = random.Random(11)
    rings_seen = 0
    for _ in range(25):
        voters = {u: Voter(u, OLD + timedelta(hours=rng.randrange(0, 200))) for u in range(30)}
        votes, n = [], 0
        for u in voters:
            for e in rng.sample(range(8), rng.randrange(0, 7)):
                n += 1
                votes.append(Vote(n, u, e, T0))
        config = VoteFlagConfig()
        chosen = {u: {v.entry_id for v in votes if v.user_id == u} for u in voters}
        linked = set()
        for a, b in itertools.combinations(voters, 2):
            shared = len(chosen[a] & chosen[b])
            union = len(chosen[a] | chosen[b])
            close = abs(voters[a].created_at - voters[b].created_at) <= timedelta(hours=48)
            if shared >= 3 and Fraction(shared, union) >= Fraction(4, 5) and close:
                linked |= {a, b}
        assert ring_members(votes, voters, config) == linked
        rings_seen += len(linked)
    assert rings_seen > 0


def test_entry_dominated_by_new_accounts_has_those_votes_quarantined() -> None:
    young = T0 - timedelta(days=10)
    voters = {u: Voter(u, young if u <= 6 else OLD) for u in range(1, 11)}
    votes = [Vote(u, u, 77, T0 + timedelta(hours=u), f"10.0.{u}.1") for u in voters]
    assert flag_votes(votes, voters) == {u: (NEW_ACCOUNTS,) for u in range(1, 7)}
    voters[6] = Voter(6, OLD)
    assert flag_votes(votes, voters) == {}  # exactly half is not more than half
    assert flag_votes(votes[:9], {u: Voter(u, young) for u in voters}) == {}  # fewer than 10


def test_votes_of_unknown_voters_are_an_error() -> None:
    with pytest.raises(ValueError, match="No account data"):
        flag_votes([Vote(1, 9, 1, T0)], {})


def test_subnet_parsing() -> None:
    assert subnet("192.0.2.77") == "192.0.2.0/24"
    assert subnet("2001:db8::1") == "2001:db8::/64"
    assert subnet("not an ip") is None
    assert subnet(None) is None

"""Community vote arithmetic: Wilson bound, blend, flags (docs/judging.md, "Community voting")."""

from __future__ import annotations

import ipaddress
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import NamedTuple

from judging.algorithms.calibration import average_ranks

Z_95 = 1.96
MIN_PRIOR_WEIGHT = 5
QV_BUDGET = 100
MAX_COMMUNITY_WEIGHT = 0.3

USER_RATE = "user_rate"
SUBNET_RATE = "subnet_rate"
RING = "ring"
NEW_ACCOUNTS = "new_accounts"


def wilson_lower_bound(up: int, down: int, z: float = Z_95) -> float:
    """Lower bound of the Wilson score interval for the share of up-votes; 0 when n = 0."""
    if up < 0 or down < 0:
        raise ValueError("Vote counts cannot be negative.")
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    z2 = z * z
    spread = z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return (p + z2 / (2 * n) - spread) / (1 + z2 / n)


def bayesian_average(mean: float, count: int, prior_mean: float, prior_weight: float) -> float:
    """Return WR = (v·R + m·C)/(v + m) for v ratings averaging R, prior mean C and weight m."""
    if count < 0 or prior_weight <= 0:
        raise ValueError("Ratings count must be ≥ 0 and the prior weight > 0.")
    return (count * mean + prior_weight * prior_mean) / (count + prior_weight)


def bayesian_averages(
    ratings: Mapping[int, Sequence[float]], min_weight: float = MIN_PRIOR_WEIGHT
) -> dict[int, float]:
    """Bayesian average per entry with C = mean of all ratings and m = max(5, median count).

    Entries passed with no ratings count towards the median and get WR = C.
    """
    every = [value for values in ratings.values() for value in values]
    if not every:
        raise ValueError("There are no star ratings to average yet.")
    prior_mean = sum(every) / len(every)
    weight = max(min_weight, statistics.median(len(v) for v in ratings.values()))
    return {
        entry: bayesian_average(sum(v) / len(v) if v else 0.0, len(v), prior_mean, weight)
        for entry, v in sorted(ratings.items())
    }


def quadratic_cost(allocation: Mapping[int, int], budget: int = QV_BUDGET) -> int:
    """Return the credits Σv² a ballot spends (v votes on one entry cost v²).

    Votes must be whole numbers ≥ 0 and the cost at most the budget, else ValueError.
    """
    for entry, votes in allocation.items():
        if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
            raise ValueError(f"Votes for entry {entry} must be a whole number ≥ 0.")
    cost = sum(v * v for v in allocation.values())
    if cost > budget:
        raise ValueError(f"This ballot costs {cost} credits but only {budget} are available.")
    return cost


def quadratic_tally(
    ballots: Mapping[int, Mapping[int, int]], budget: int = QV_BUDGET
) -> dict[int, int]:
    """Sum votes v per entry over every voter's ballot after checking each ballot's credits."""
    tally: dict[int, int] = defaultdict(int)
    for ballot in ballots.values():
        quadratic_cost(ballot, budget)
        for entry, votes in ballot.items():
            tally[entry] += votes
    return dict(sorted(tally.items()))


def percentile_ranks(scores: Mapping[int, float]) -> dict[int, float]:
    """Return pct = (N − rank)/(N − 1), rank 1 = highest, ties sharing their average rank."""
    n = len(scores)
    if n == 1:
        return dict.fromkeys(scores, 1.0)
    ranks = average_ranks(scores)
    return {entry: (n - rank) / (n - 1) for entry, rank in sorted(ranks.items())}


def blend(
    expert_scores: Mapping[int, float], community_scores: Mapping[int, float], weight: float
) -> dict[int, float]:
    """Return (1 − w)·pct_expert + w·pct_community per entry, with 0 ≤ w ≤ 0.3.

    Above 0.3 the community can cancel the experts (w = 0.5 can tie everyone), so it is refused.
    """
    if not 0 <= weight <= MAX_COMMUNITY_WEIGHT:
        raise ValueError(f"The community weight must be between 0 and {MAX_COMMUNITY_WEIGHT}.")
    if set(expert_scores) != set(community_scores):
        raise ValueError("Expert and community scores must cover the same entries.")
    expert = percentile_ranks(expert_scores)
    community = percentile_ranks(community_scores)
    return {e: (1 - weight) * expert[e] + weight * community[e] for e in sorted(expert)}


class Vote(NamedTuple):
    """One current community vote."""

    vote_id: int
    user_id: int
    entry_id: int
    cast_at: datetime
    ip: str | None = None


class Voter(NamedTuple):
    """Account facts the vote flags need."""

    user_id: int
    created_at: datetime
    registration_ip: str | None = None


@dataclass(frozen=True)
class VoteFlagConfig:
    """Server-side thresholds (kept unpublished)."""

    user_votes_per_hour: int = 30
    subnet_votes_per_day: int = 200
    ring_min_shared: int = 3
    ring_jaccard: Fraction | float = Fraction(4, 5)
    ring_created_within: timedelta = timedelta(hours=48)
    new_account_age: timedelta = timedelta(days=30)
    new_account_min_votes: int = 10
    new_account_share: float = 0.5


def subnet(ip: str | None) -> str | None:
    """Return the /24 network of an IPv4 address (/64 for IPv6), or None if unparsable."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _bursts(groups: Mapping[object, list[Vote]], window: timedelta, limit: int) -> set[int]:
    """Votes lying in some window [t, t + window) of their group that holds more than limit."""
    flagged: set[int] = set()
    for votes in groups.values():
        ordered = sorted(votes, key=lambda v: (v.cast_at, v.vote_id))
        end = marked = 0
        for start, vote in enumerate(ordered):
            while end < len(ordered) and ordered[end].cast_at < vote.cast_at + window:
                end += 1
            if end - start > limit:
                flagged.update(v.vote_id for v in ordered[max(start, marked) : end])
                marked = end
    return flagged


def ring_members(
    votes: Sequence[Vote], voters: Mapping[int, Voter], config: VoteFlagConfig
) -> set[int]:
    """Return the users in a voting ring (connected components of linked voter pairs).

    A pair is linked with ≥ 3 shared entries, Jaccard ≥ 0.8, and accounts created
    ≤ 48 h apart or registered from the same /24 (thresholds from config).
    """
    entries: dict[int, set[int]] = defaultdict(set)
    for vote in votes:
        entries[vote.user_id].add(vote.entry_id)
    entries = {u: e for u, e in entries.items() if len(e) >= config.ring_min_shared}
    frequency: dict[int, int] = defaultdict(int)
    for chosen in entries.values():
        for entry in chosen:
            frequency[entry] += 1
    t = Fraction(str(config.ring_jaccard))  # exact, so 0.8·5 is 4 and not 4.000…1
    index: dict[int, list[int]] = defaultdict(list)
    import networkx as nx  # only the vote scan needs it: not loaded in every web worker

    rings = nx.Graph()
    # Prefix filter: pairs with Jaccard ≥ t share a token among each set's rarest
    # |s| − ⌈t·|s|⌉ + 1 entries, so popular entries do not make the search quadratic.
    for user in sorted(entries):
        tokens = sorted(entries[user], key=lambda e: (frequency[e], e))
        size = len(tokens)
        prefix = size - math.ceil(t * size) + 1
        candidates = {other for token in tokens[:prefix] for other in index[token]}
        for other in sorted(candidates):
            shared = len(entries[user] & entries[other])
            union = size + len(entries[other]) - shared
            if shared >= config.ring_min_shared and shared >= t * union:
                a, b = voters[user], voters[other]
                close = abs(a.created_at - b.created_at) <= config.ring_created_within
                net = subnet(a.registration_ip)
                if close or (net is not None and net == subnet(b.registration_ip)):
                    rings.add_edge(user, other)
        for token in tokens[:prefix]:
            index[token].append(user)
    return {user for component in nx.connected_components(rings) for user in component}


def flag_votes(
    votes: Iterable[Vote], voters: Mapping[int, Voter], config: VoteFlagConfig | None = None
) -> dict[int, tuple[str, ...]]:
    """Return the vote ids to quarantine (never delete) with their reasons.

    - user_rate: in a rolling hour holding > 30 votes of one user;
    - subnet_rate: in a rolling day holding > 200 votes from one IP /24;
    - ring: cast by a member of a connected component of voter pairs with ≥ 3
      shared entries, Jaccard ≥ 0.8, and accounts created ≤ 48 h apart or from the
      same registration /24;
    - new_accounts: cast, by an account < 30 days old at voting time, for an entry
      with ≥ 10 votes of which more than half come from such accounts.
    """
    config = config or VoteFlagConfig()
    rows = list(votes)
    missing = sorted({v.user_id for v in rows} - set(voters))
    if missing:
        raise ValueError(f"No account data for voters {missing}.")
    reasons: dict[int, list[str]] = defaultdict(list)
    by_user: dict[object, list[Vote]] = defaultdict(list)
    by_net: dict[object, list[Vote]] = defaultdict(list)
    by_entry: dict[int, list[Vote]] = defaultdict(list)
    for vote in rows:
        by_user[vote.user_id].append(vote)
        by_entry[vote.entry_id].append(vote)
        net = subnet(vote.ip)
        if net is not None:
            by_net[net].append(vote)
    hour, day = timedelta(hours=1), timedelta(days=1)
    for vote_id in _bursts(by_user, hour, config.user_votes_per_hour):
        reasons[vote_id].append(USER_RATE)
    for vote_id in _bursts(by_net, day, config.subnet_votes_per_day):
        reasons[vote_id].append(SUBNET_RATE)
    members = ring_members(rows, voters, config)
    for vote in rows:
        if vote.user_id in members:
            reasons[vote.vote_id].append(RING)
    for entry_votes in by_entry.values():
        young = [
            v
            for v in entry_votes
            if v.cast_at - voters[v.user_id].created_at < config.new_account_age
        ]
        if len(entry_votes) >= config.new_account_min_votes and len(
            young
        ) > config.new_account_share * len(entry_votes):
            for vote in young:
                reasons[vote.vote_id].append(NEW_ACCOUNTS)
    return {vote_id: tuple(reasons[vote_id]) for vote_id in sorted(reasons)}

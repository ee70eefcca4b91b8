"""Conflict rules and balanced judge-entry matching, greedy then max-flow (docs/judging.md)."""

from __future__ import annotations

import hashlib
import heapq
import hmac
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "aol.com",
        "mail.com",
        "zoho.com",
        "fastmail.com",
        "tutanota.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "126.com",
    }
)

TEAM_MEMBER = "team_member"
DECLARED = "declared"
SAME_ORGANIZATION = "same_organization"
SAME_EMAIL_DOMAIN = "same_email_domain"
EXCLUDED_BY_SOLVER = "excluded_by_solver"


@dataclass(frozen=True)
class JudgeProfile:
    """What COI rules need to know about a judge; judge_id is the key used in assignments."""

    judge_id: int
    user_id: int
    organization_ids: frozenset[int] = frozenset()
    emails: tuple[str, ...] = ()
    declared_submission_ids: frozenset[int] = frozenset()
    declared_user_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class TeamProfile:
    """What COI rules need to know about a submission's team.

    organization_ids holds the team's organization and every member's organizations.
    """

    submission_id: int
    member_user_ids: frozenset[int]
    organization_ids: frozenset[int] = frozenset()
    member_emails: tuple[str, ...] = ()
    excluded_organization_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class AssignmentResult:
    """Judges per submission, judge loads, unfilled slots and the method that produced them."""

    assignment: dict[int, list[int]]
    loads: dict[int, int]
    shortfall: int
    method: str
    limit: int
    order: list[int] = field(default_factory=list)
    greedy_unfilled: list[int] = field(default_factory=list)


def email_domain(email: str) -> str | None:
    """Return the lower-cased domain after the last '@', or None when there is none."""
    _, at, domain = email.strip().lower().rpartition("@")
    domain = domain.strip(".")
    return domain if at and domain else None


def coi_reasons(
    judge: JudgeProfile,
    team: TeamProfile,
    free_mail_domains: frozenset[str] = FREE_MAIL_DOMAINS,
) -> tuple[str, ...]:
    """Return every conflict rule (a)–(e) that excludes this judge from this submission.

    (a) the judge is a team member; (b) the judge declared a conflict with the
    submission or with a member; (c) the judge shares an organization with the team
    or a member; (d) the judge shares a non-free-mail email domain with a member;
    (e) the solver excluded one of the judge's organizations. Empty means eligible.
    """
    reasons: list[str] = []
    if judge.user_id in team.member_user_ids:
        reasons.append(TEAM_MEMBER)
    if team.submission_id in judge.declared_submission_ids or (
        judge.declared_user_ids & team.member_user_ids
    ):
        reasons.append(DECLARED)
    if judge.organization_ids & team.organization_ids:
        reasons.append(SAME_ORGANIZATION)
    judge_domains = {email_domain(e) for e in judge.emails} - {None} - free_mail_domains
    team_domains = {email_domain(e) for e in team.member_emails}
    if judge_domains & team_domains:
        reasons.append(SAME_EMAIL_DOMAIN)
    if judge.organization_ids & team.excluded_organization_ids:
        reasons.append(EXCLUDED_BY_SOLVER)
    return tuple(reasons)


def conflicts(
    judges: Iterable[JudgeProfile],
    teams: Iterable[TeamProfile],
    free_mail_domains: frozenset[str] = FREE_MAIL_DOMAINS,
) -> dict[tuple[int, int], tuple[str, ...]]:
    """Map each conflicted (judge_id, submission_id) pair to its reasons (keys = forbidden set)."""
    team_list = list(teams)
    found: dict[tuple[int, int], tuple[str, ...]] = {}
    for judge in judges:
        for team in team_list:
            reasons = coi_reasons(judge, team, free_mail_domains)
            if reasons:
                found[(judge.judge_id, team.submission_id)] = reasons
    return found


def blind_label(secret: bytes, submission_id: int) -> str:
    """Return "Entry #" + the first 6 hex chars of HMAC-SHA256(secret, str(submission_id))."""
    digest = hmac.new(secret, str(submission_id).encode(), hashlib.sha256).hexdigest()
    return f"Entry #{digest[:6]}"


def _unique(ids: Sequence[int], what: str) -> list[int]:
    if len(set(ids)) != len(ids):
        raise ValueError(f"Each {what} may appear only once.")
    return sorted(ids)


def _max_flow(
    submissions: list[int],
    eligible: dict[int, list[int]],
    caps: dict[int, int],
    k: int,
) -> dict[int, list[int]]:
    """Dinic's max-flow (scipy) on source → judge (cap) → submission (1) → sink (k).

    Nodes: 0 the source, 1..m the judges by id, then the submissions in the given order,
    then the sink; the same graph always yields the same flow."""
    judges = sorted(caps)
    judge_node = {judge: node for node, judge in enumerate(judges, start=1)}
    first_sub = len(judges) + 1
    sink = first_sub + len(submissions)
    tails: list[int] = [0] * len(judges)
    heads: list[int] = list(range(1, first_sub))
    capacity: list[int] = [caps[j] for j in judges]
    for offset, sub in enumerate(submissions):
        node = first_sub + offset
        for judge in eligible[sub]:
            tails.append(judge_node[judge])
            heads.append(node)
            capacity.append(1)
        tails.append(node)
        heads.append(sink)
        capacity.append(k)
    # Imported here: scipy costs a worker ~40 MB, and only the assignment fallback needs it.
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import maximum_flow

    graph = csr_array(
        (np.array(capacity, dtype=np.int32), (np.array(tails), np.array(heads))),
        shape=(sink + 1, sink + 1),
    )
    flow = maximum_flow(graph, 0, sink).flow.tocoo()
    used = (flow.data > 0) & (flow.row >= 1) & (flow.row < first_sub) & (flow.col >= first_sub)
    result: dict[int, list[int]] = {sub: [] for sub in submissions}
    rows, cols = flow.row[used], flow.col[used]
    # Judge nodes follow judge ids, so this lists each entry's judges by id.
    for index in np.lexsort((rows, cols)):
        sub = submissions[int(cols[index]) - first_sub]
        result[sub].append(judges[int(rows[index]) - 1])
    return result


def plan_assignment(
    submission_ids: Sequence[int],
    judge_ids: Sequence[int],
    k: int,
    forbidden: Iterable[tuple[int, int]] = (),
    *,
    judge_caps: Mapping[int, int] | None = None,
    affinity: Mapping[tuple[int, int], float] | None = None,
) -> AssignmentResult:
    """Give each submission k distinct eligible judges, deterministically.

    L = ⌈k·N/M⌉ and cap_j = min(L, judge_caps[j]); judges with cap 0 take no part.
    A (judge, submission) pair in `forbidden` is never used. Submissions are filled
    in order of (eligible judge count, id); each slot takes the eligible judge not
    yet on it, below cap, minimising (load, −affinity, flex, judge_id) where flex is
    how many submissions the judge is eligible for. If any slot stays empty the whole
    problem is re-solved as a max-flow (source→judge cap_j, judge→submission 1 when
    eligible, submission→sink k); shortfall = k·N − flow is non-zero only if even the
    flow cannot fill every slot. Greedy lists judges in pick order, max-flow by id;
    `order` is the greedy processing order and `greedy_unfilled` what greedy missed.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("Each submission needs at least one judge (k ≥ 1).")
    submissions = _unique(submission_ids, "submission")
    judges = _unique(judge_ids, "judge")
    n, m = len(submissions), len(judges)
    limit = math.ceil(k * n / m) if m else 0
    requested = judge_caps or {}
    if any(cap < 0 for cap in requested.values()):
        raise ValueError("A judge's review cap cannot be negative.")
    caps = {j: min(limit, requested.get(j, limit)) for j in judges}
    caps = {j: cap for j, cap in caps.items() if cap > 0}
    blocked = set(forbidden)
    eligible = {s: [j for j in caps if (j, s) not in blocked] for s in submissions}
    flex = {j: sum(1 for s in submissions if (j, s) not in blocked) for j in caps}
    scores = affinity or {}
    order = sorted(submissions, key=lambda s: (len(eligible[s]), s))
    loads = dict.fromkeys(judges, 0)
    assignment: dict[int, list[int]] = {}
    for sub in order:
        open_judges = [j for j in eligible[sub] if loads[j] < caps[j]]
        # Picking one judge changes only that judge's load, so one sort fills all k slots.
        picked = heapq.nsmallest(
            k, open_judges, key=lambda j: (loads[j], -scores.get((j, sub), 0.0), flex[j], j)
        )
        for judge in picked:
            loads[judge] += 1
        assignment[sub] = picked
    unfilled = [s for s in order if len(assignment[s]) < k]
    if not unfilled:
        ordered = {s: assignment[s] for s in submissions}
        return AssignmentResult(ordered, loads, 0, "greedy", limit, order)
    solved = _max_flow(submissions, eligible, caps, k)
    loads = dict.fromkeys(judges, 0)
    for assigned in solved.values():
        for judge in assigned:
            loads[judge] += 1
    shortfall = k * n - sum(len(v) for v in solved.values())
    return AssignmentResult(solved, loads, shortfall, "maxflow", limit, order, unfilled)

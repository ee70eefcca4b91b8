"""Conflicts of interest from database facts (docs/judging.md, "Conflicts of interest")."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from accounts.models import Membership, User
from core.db import db
from judging.algorithms.matching import JudgeProfile, TeamProfile, conflicts
from judging.models import Judge, judge_conflict_orgs
from submissions.models import TeamMember

_SEPARATORS = re.compile(r"[\s,;]+")
REASON_TEXT = {
    "team_member": _l("is on the entry's team"),
    "declared": _l("declared a conflict with the team"),
    "same_organization": _l("shares an organization with a team member"),
    "same_email_domain": _l("shares an e-mail domain with a team member"),
    "excluded_by_solver": _l("belongs to an organization the solver excluded"),
}


def declared_people(text: str) -> tuple[set[str], set[str]]:
    """Split a judge's free-text declaration into (e-mails, handles), lower-cased.

    "@ada, bob@lab.org; carol" -> ({"bob@lab.org"}, {"ada", "carol"}). Words that are
    neither are matched as handles, which at worst matches nobody.
    """
    emails: set[str] = set()
    handles: set[str] = set()
    for token in _SEPARATORS.split(text.lower()):
        token = token.strip("<>()[]\"'.")
        if not token:
            continue
        if "@" in token[1:]:
            emails.add(token)
        else:
            handles.add(token.lstrip("@"))
    return emails, handles


def _memberships(user_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    ids = set(user_ids)
    if ids:
        rows = db.session.execute(
            sa.select(Membership.user_id, Membership.org_id).where(Membership.user_id.in_(ids))
        )
        for user_id, org_id in rows:
            found[user_id].add(org_id)
    return {user_id: frozenset(orgs) for user_id, orgs in found.items()}


def _team_rows(submission_ids: Iterable[int]) -> dict[int, list[User]]:
    teams: dict[int, list[User]] = defaultdict(list)
    ids = set(submission_ids)
    if ids:
        rows = db.session.execute(
            sa.select(TeamMember.submission_id, User)
            .join(User, User.id == TeamMember.user_id)
            .where(TeamMember.submission_id.in_(ids))
            .order_by(TeamMember.id)
        )
        for submission_id, user in rows:
            teams[submission_id].append(user)
    return teams


def _declared_orgs(judge_ids: Iterable[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    ids = set(judge_ids)
    if ids:
        rows = db.session.execute(
            sa.select(judge_conflict_orgs.c.judge_id, judge_conflict_orgs.c.org_id).where(
                judge_conflict_orgs.c.judge_id.in_(ids)
            )
        )
        for judge_id, org_id in rows:
            found[judge_id].add(org_id)
    return found


def forbidden_pairs(
    judges: Iterable[Judge], submission_ids: Iterable[int]
) -> dict[tuple[int, int], tuple[str, ...]]:
    """Map each conflicted (judge_id, submission_id) to its reasons, built from the DB.

    (a) the judge is on the team; (b) the judge declared a member (handle or e-mail in the
    free text) or an organization a member belongs to; (c) the judge and a member share an
    organization; (d) they share a non-free-mail e-mail domain. Rule (e), organizations the
    solver excluded, needs a field on the entry that submissions does not have yet, so every
    team's excluded set is empty and the rule never fires here.
    """
    judges = [judge for judge in judges if judge.user_id is not None]
    submission_ids = sorted(set(submission_ids))
    teams = _team_rows(submission_ids)
    member_ids = {user.id for users in teams.values() for user in users}
    orgs = _memberships(member_ids | {judge.user_id for judge in judges})
    declared_orgs = _declared_orgs(judge.id for judge in judges)
    team_profiles = []
    for submission_id in submission_ids:
        users = teams.get(submission_id, [])
        team_orgs = frozenset().union(*(orgs.get(user.id, frozenset()) for user in users))
        team_profiles.append(
            TeamProfile(
                submission_id=submission_id,
                member_user_ids=frozenset(user.id for user in users),
                organization_ids=team_orgs,
                member_emails=tuple(user.email for user in users),
            )
        )
    judge_profiles = []
    for judge in judges:
        emails, handles = declared_people(judge.declared_conflicts)
        people = {
            user.id
            for users in teams.values()
            for user in users
            if user.email in emails or user.handle in handles
        }
        by_org = {
            team.submission_id
            for team in team_profiles
            if team.organization_ids & declared_orgs.get(judge.id, set())
        }
        judge_profiles.append(
            JudgeProfile(
                judge_id=judge.id,
                user_id=judge.user_id,
                organization_ids=orgs.get(judge.user_id, frozenset()),
                emails=tuple(
                    sorted({judge.email, judge.user.email if judge.user else judge.email})
                ),
                declared_submission_ids=frozenset(by_org),
                declared_user_ids=frozenset(people),
            )
        )
    return conflicts(judge_profiles, team_profiles)


def describe(reasons: Iterable[str]) -> str:
    return "; ".join(str(REASON_TEXT.get(reason, reason)) for reason in reasons)

"""The one policy that decides who sees a submission, as a predicate and as a SQL condition.

Lists, search, the API, attachment downloads and lineage links all go through it. Later
domains add rules through ``register_viewer_rule`` and ``register_names_rule`` instead of
editing it: ``create_app`` calls ``judging.access.register_visibility_rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import sqlalchemy as sa

from accounts.models import Membership, User
from accounts.policies import is_admin, is_signed_in
from challenges.models import Challenge
from challenges.openness import SolutionVisibility
from challenges.policies import is_sponsor_member
from core.db import db, utcnow
from submissions.models import Submission, SubmissionStatus, TeamMember

SPONSOR_SEES = (SubmissionStatus.SUBMITTED, SubmissionStatus.DISQUALIFIED)

# (predicate, sql condition) pairs added by later domains, e.g. assigned judges.
ViewerPredicate = Callable[[User, Submission, datetime], bool]
ViewerCondition = Callable[[User, datetime], sa.ColumnElement[bool]]
_EXTRA_RULES: list[tuple[ViewerPredicate, ViewerCondition]] = []


# (predicate, sql condition) pairs that withhold authors' names, e.g. judging's blind review:
# the predicate says whether ``user`` may not learn who wrote the challenge's entries now; the
# condition says the same over ``Challenge`` (for lists that select ``Submission`` joined to it).
NamesPredicate = Callable[[User | None, Challenge], bool]
NamesCondition = Callable[[User | None], sa.ColumnElement[bool]]
_NAME_RULES: list[tuple[NamesPredicate, NamesCondition]] = []


def register_viewer_rule(predicate: ViewerPredicate, condition: ViewerCondition) -> None:
    if (predicate, condition) not in _EXTRA_RULES:
        _EXTRA_RULES.append((predicate, condition))


def register_names_rule(predicate: NamesPredicate, condition: NamesCondition) -> None:
    if (predicate, condition) not in _NAME_RULES:
        _NAME_RULES.append((predicate, condition))


def is_team_member(user: User | None, submission: Submission) -> bool:
    return is_signed_in(user) and user.id in submission.member_ids()


def public_can_view(submission: Submission) -> bool:
    """What anyone, signed in or not, may see: the openness profile decides."""
    challenge = submission.challenge
    if submission.status != SubmissionStatus.SUBMITTED or challenge.published_at is None:
        return False
    if challenge.solution_visibility == SolutionVisibility.PUBLIC_ON_SUBMIT:
        return True
    if challenge.solution_visibility == SolutionVisibility.PUBLIC_AFTER_CLOSE:
        return challenge.awarded_at is not None
    return False


def sponsor_can_view(submission: Submission, now: datetime) -> bool:
    challenge = submission.challenge
    if submission.status not in SPONSOR_SEES:
        return False
    return (
        now >= challenge.closes_at
        or challenge.solution_visibility == SolutionVisibility.PUBLIC_ON_SUBMIT
    )


def can_view_submission(
    user: User | None, submission: Submission, now: datetime | None = None
) -> bool:
    """Team always; admins always; sponsor after the deadline (or at once when public on
    submit); registered viewers such as assigned judges; the public as the profile allows."""
    now = now or utcnow()
    if is_admin(user) or is_team_member(user, submission):
        return True
    if submission.status == SubmissionStatus.DRAFT:
        return False
    if is_signed_in(user):
        if is_sponsor_member(user, submission.challenge) and sponsor_can_view(submission, now):
            return True
        if any(predicate(user, submission, now) for predicate, _ in _EXTRA_RULES):
            return True
    return public_can_view(submission)


def visible_condition(user: User | None, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """The same policy as SQL, for queries that select ``Submission`` joined to ``Challenge``."""
    now = now or utcnow()
    public = sa.and_(
        Submission.status == SubmissionStatus.SUBMITTED,
        Challenge.published_at.is_not(None),
        sa.or_(
            Challenge.solution_visibility == SolutionVisibility.PUBLIC_ON_SUBMIT,
            sa.and_(
                Challenge.solution_visibility == SolutionVisibility.PUBLIC_AFTER_CLOSE,
                Challenge.awarded_at.is_not(None),
            ),
        ),
    )
    if not is_signed_in(user):
        return public
    if is_admin(user):
        return sa.true()
    team = Submission.id.in_(
        sa.select(TeamMember.submission_id).where(TeamMember.user_id == user.id)
    )
    sponsor = sa.and_(
        Challenge.org_id.in_(sa.select(Membership.org_id).where(Membership.user_id == user.id)),
        Submission.status.in_(SPONSOR_SEES),
        sa.or_(
            Challenge.closes_at <= now,
            Challenge.solution_visibility == SolutionVisibility.PUBLIC_ON_SUBMIT,
        ),
    )
    extra = [condition(user, now) for _, condition in _EXTRA_RULES]
    not_draft = Submission.status != SubmissionStatus.DRAFT
    return sa.or_(team, public, sponsor, *[sa.and_(not_draft, e) for e in extra])


class ReadableEntries:
    """Which of one challenge's entries a viewer may read, for ``entry_id in readable``; ask
    only about that challenge's entries. Held as the entries the viewer may not read: none or
    a few for a sponsor after the deadline, where the readable ones run to thousands."""

    def __init__(self, hidden: Iterable[int]) -> None:
        self._hidden = frozenset(hidden)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id not in self._hidden


def visible_entry_ids(
    viewer: User | None, challenge: Challenge, among: Iterable[int] | None = None
) -> ReadableEntries | set[int]:
    """The challenge's entries whose content (title included) ``viewer`` may read, in one
    query: what sponsor pages listing a challenge's entries check each row against. ``among``
    limits the check to the entries a page shows (their ids come back as a set); without it the
    answer is a ReadableEntries over all of them."""
    query = (
        sa.select(Submission.id)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(Submission.challenge_id == challenge.id)
    )
    if among is not None:
        query = query.where(Submission.id.in_(list(among)), visible_condition(viewer))
        return set(db.session.scalars(query))
    # NULL is not "visible": a condition that is unknown for a row hides it.
    hidden = sa.not_(sa.func.coalesce(visible_condition(viewer), sa.false()))
    return ReadableEntries(db.session.scalars(query.where(hidden)))


def authors_hidden_in(user: User | None, challenge: Challenge) -> bool:
    """Whether ``user`` may not learn who wrote the challenge's entries now (names, handles,
    team), as registered rules say (blind review); never for platform admins. The entry's own
    team is exempt too: ask ``authors_hidden`` about one entry."""
    if is_admin(user):
        return False
    return any(predicate(user, challenge) for predicate, _ in _NAME_RULES)


def authors_hidden(user: User | None, submission: Submission) -> bool:
    """Whether pages must show ``submission`` to ``user`` without its authors' names, handles
    and team: the rules of ``authors_hidden_in``, except for the entry's own team."""
    return not is_team_member(user, submission) and authors_hidden_in(user, submission.challenge)


def authors_hidden_condition(user: User | None) -> sa.ColumnElement[bool]:
    """``authors_hidden`` as SQL, for queries that select ``Submission`` joined to
    ``Challenge``."""
    if is_admin(user) or not _NAME_RULES:
        return sa.false()
    hidden = sa.or_(*[condition(user) for _, condition in _NAME_RULES])
    if not is_signed_in(user):
        return hidden
    team = Submission.id.in_(
        sa.select(TeamMember.submission_id).where(TeamMember.user_id == user.id)
    )
    return sa.and_(sa.not_(team), hidden)

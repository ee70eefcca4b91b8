"""A per-challenge counter of changes to what results read, so a stale check costs one query.

Every ORM flush that adds, changes or deletes a row a computation reads (entries, assignments,
reviews and their criterion scores, votes, round admissions, the rubric, prize tiers, judging
settings) increments ``judging_settings.inputs_version`` of the challenges concerned, in the
same transaction. A snapshot records the counter it was computed at; it is stale once the
counter moved. Writes that bypass the ORM (Core ``UPDATE``/``INSERT`` statements, as the bench
seeders use) do not move it: code that changes inputs that way calls ``bump_inputs``.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import g
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from challenges.models import Challenge, PrizeTier
from core.memo import memo_allowed
from judging.models import Assignment, Criterion, JudgingSettings, Review, ReviewScore, RoundEntry
from judging.voting.models import Vote
from submissions.models import Submission

# The Submission and JudgingSettings columns the inputs hash covers; other edits (a title,
# a view count, the label secret) leave results as they were.
_SUBMISSION_INPUTS = ("status", "last_submitted_at", "challenge_id")
_SETTINGS_INPUTS = ("k", "passing_score", "community_weight", "peoples_choice_tier_id", "screening")
_settings = JudgingSettings.__table__


def inputs_version(session: Session, challenge_id: int) -> int | None:
    """The challenge's change counter (after flushing pending changes); None when it has no
    judging settings row yet."""
    return session.execute(
        sa.select(JudgingSettings.inputs_version).where(
            JudgingSettings.challenge_id == challenge_id
        )
    ).scalar_one_or_none()


def inputs_token(session: Session, challenge_id: int) -> tuple[int, object] | None:
    """The counter with the settings row's ``updated_at``, for memos of derived figures
    (``core.memo``): a database emptied and refilled (tests, a restore) starts its counters
    again, and the timestamp keeps an old figure from matching the new rows."""
    # A read-only request writes no inputs: read the token once, however many figures use it.
    cache: dict[int, tuple[int, object] | None] | None = None
    if memo_allowed():
        cache = g.setdefault("inputs_tokens", {})
        if challenge_id in cache:
            return cache[challenge_id]
    row = session.execute(
        sa.select(JudgingSettings.inputs_version, JudgingSettings.updated_at).where(
            JudgingSettings.challenge_id == challenge_id
        )
    ).one_or_none()
    token = None if row is None else (row[0], row[1])
    if cache is not None:
        cache[challenge_id] = token
    return token


def bump_inputs(session: Session, challenge_ids: Iterable[int]) -> None:
    """Move the counter of these challenges (flushes nothing; runs in the caller's transaction)."""
    ids = sorted(set(challenge_ids))
    if ids:
        session.connection().execute(
            sa.update(_settings)
            .where(_settings.c.challenge_id.in_(ids))
            # A counter move is not a settings edit: keep updated_at as it was.
            .values(
                inputs_version=_settings.c.inputs_version + 1, updated_at=_settings.c.updated_at
            )
        )


def _changed(obj: object, columns: tuple[str, ...]) -> bool:
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in columns)


def _touched_challenges(session: Session) -> set[int]:
    """Challenges whose computation inputs this flush wrote, resolved with at most one query
    per kind of parent id (reviews → assignments → submissions → challenges)."""
    challenges: set[int] = set()
    submissions: set[int] = set()
    assignments: set[int] = set()
    reviews: set[int] = set()
    dirty = set(session.dirty)
    for obj in (*session.new, *session.dirty, *session.deleted):
        match obj:
            case Submission():
                if obj not in dirty or _changed(obj, _SUBMISSION_INPUTS):
                    challenges.add(obj.challenge_id)
            case JudgingSettings():
                if obj not in dirty or _changed(obj, _SETTINGS_INPUTS):
                    challenges.add(obj.challenge_id)
            case RoundEntry() | Criterion() | PrizeTier():
                challenges.add(obj.challenge_id)
            case Assignment() | Vote():
                submissions.add(obj.submission_id)
            case Review():
                assignments.add(obj.assignment_id)
            case ReviewScore():
                reviews.add(obj.review_id)
    connection = session.connection()
    if reviews:
        assignments |= set(
            connection.scalars(sa.select(Review.assignment_id).where(Review.id.in_(reviews)))
        )
    if assignments:
        submissions |= set(
            connection.scalars(
                sa.select(Assignment.submission_id).where(Assignment.id.in_(assignments))
            )
        )
    if submissions:
        challenges |= set(
            connection.scalars(
                sa.select(Submission.challenge_id).where(Submission.id.in_(submissions))
            )
        )
    # A challenge created in this flush has no snapshot to go stale (and, in a database at
    # an older migration, no counter column to move).
    created = {obj.id for obj in session.new if isinstance(obj, Challenge)}
    return {c for c in challenges if c is not None} - created


def _bump_on_flush(session: Session, _flush: UOWTransaction) -> None:
    bump_inputs(session, _touched_challenges(session))


def connect_freshness() -> None:
    """Listen to every ORM flush (called by create_app; connecting again is a no-op)."""
    if not event.contains(Session, "after_flush", _bump_on_flush):
        event.listen(Session, "after_flush", _bump_on_flush)

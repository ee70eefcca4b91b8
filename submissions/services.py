"""Entering a challenge, saving, submitting and revising entries, withdrawing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from babel import dates as babel_dates
from flask_babel import gettext as _

import core.audit  # noqa: F401 - registers the audit log table
from accounts.models import User
from challenges.models import Challenge
from challenges.services import record_entrant_count
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from core.i18n import babel_locale
from submissions.hashing import content_hash
from submissions.models import (
    FULL_SHARE_BP,
    Attachment,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    TeamMember,
    TeamRole,
)
from submissions.policies import (
    can_edit_submission,
    can_enter,
    can_reinstate,
    can_withdraw,
)
from submissions.visibility import is_team_member

MAX_LINKS = 10


def utc_text(value: datetime) -> str:
    """``04 Dec 2026, 12:00 UTC`` in the current language: for messages that services build,
    which may run outside a request (jobs, the API, tests), where no viewer has a zone."""
    when = babel_dates.format_datetime(value, "dd MMM y, HH:mm", locale=babel_locale())
    return f"{when} UTC"


@dataclass(frozen=True)
class EntryText:
    title: str
    summary: str
    body_md: str
    links: str


def get_submission(submission_id: int, *, with_team: bool = False) -> Submission:
    """The entry, or NotFound; ``with_team`` loads its members and their accounts with it."""
    options = [sa.orm.selectinload(Submission.members).joinedload(TeamMember.user)]
    submission = db.session.get(Submission, submission_id, options=options if with_team else [])
    if submission is None:
        raise NotFound(_("There is no entry at this address."))
    return submission


def entry_of(user: User, challenge: Challenge) -> Submission | None:
    """The entry ``user`` belongs to in ``challenge`` (as owner or member), if any."""
    return db.session.scalar(
        sa.select(Submission)
        .join(TeamMember, TeamMember.submission_id == Submission.id)
        .where(TeamMember.challenge_id == challenge.id, TeamMember.user_id == user.id)
    )


def enter_challenge(
    *, actor: User, challenge: Challenge, accepts_terms: bool, attests_eligibility: bool
) -> Submission:
    """Start a private draft after the solver accepted the current rules, license and IP terms
    and attested eligibility; a person belongs to at most one entry per challenge."""
    ensure(
        can_enter(actor, challenge),
        _("Entries are open to verified solvers while the challenge is open."),
    )
    if not accepts_terms:
        raise ValidationFailed(
            _("Accept the rules, license and IP terms to enter."), field="accept_terms"
        )
    if not attests_eligibility:
        raise ValidationFailed(
            _("Confirm that you are eligible to enter."), field="attest_eligibility"
        )
    if entry_of(actor, challenge) is not None:
        raise Conflict(_("You already have an entry in this challenge."))
    now = utcnow()
    submission = Submission(
        challenge_id=challenge.id,
        owner_id=actor.id,
        accepted_rules_version=challenge.rules_version,
        terms_accepted_at=now,
        eligibility_attested_at=now,
    )
    submission.members.append(
        TeamMember(
            challenge_id=challenge.id,
            user_id=actor.id,
            role=TeamRole.OWNER,
            share_bp=FULL_SHARE_BP,
            shares_accepted_at=now,
        )
    )
    db.session.add(submission)
    try:
        db.session.commit()
    except sa.exc.IntegrityError as error:  # a double click raced us to the unique member row
        db.session.rollback()
        raise Conflict(_("You already have an entry in this challenge.")) from error
    return submission


def accept_current_rules(*, actor: User, submission: Submission) -> Submission:
    """Record that the actor accepted the rules version now in force."""
    ensure(
        can_edit_submission(actor, submission),
        _("Only the team can accept rules, before the deadline."),
    )
    submission.accepted_rules_version = submission.challenge.rules_version
    submission.terms_accepted_at = utcnow()
    db.session.commit()
    return submission


def needs_reacceptance(submission: Submission) -> bool:
    return submission.accepted_rules_version < submission.challenge.rules_version


def _clean(text: EntryText) -> EntryText:
    links = [line.strip() for line in text.links.splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        raise ValidationFailed(_("Add at most %(max)s links.", max=MAX_LINKS), field="links")
    for link in links:
        if message := link_problem(link):
            problem = _("%(problem)s (%(link)s).", problem=message, link=link[:60])
            raise ValidationFailed(problem, field="links")
    return EntryText(
        text.title.strip(), text.summary.strip(), text.body_md.strip(), "\n".join(links)
    )


def link_problem(link: str) -> str | None:
    """Why ``link`` is not a web address that a browser (and the API's URIs) can use."""
    if not link.lower().startswith(("https://", "http://")):
        text: str = _("Links must start with http:// or https://")
        return text
    if any(char.isspace() or not char.isprintable() for char in link):
        text = _("Links cannot contain spaces or invisible characters")
        return text
    try:
        host = urlsplit(link).hostname
    except ValueError:
        host = None
    if host:
        return None
    text = _("This link has no valid host name")
    return text


def live_attachments(submission: Submission) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.submission_id == submission.id, Attachment.removed_at.is_(None))
            .order_by(Attachment.id)
        )
    )


def lock_submission(submission: Submission) -> Submission:
    """Re-read the entry under a row lock (fresh members too), so concurrent saves, team
    changes and moderation serialise on it instead of acting on a stale copy."""
    locked = db.session.scalars(
        sa.select(Submission)
        .where(Submission.id == submission.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.expire(locked, ["members"])
    return locked


def _check_can_write(actor: User, submission: Submission, base_version: int) -> None:
    if not can_edit_submission(actor, submission):
        db.session.rollback()  # release the row lock before the error page renders
    closes_at = submission.challenge.closes_at
    if utcnow() >= closes_at and is_team_member(actor, submission):
        # The team's own late save: a conflict the form shows with the text kept, not a 403.
        raise Conflict(
            _(
                "The deadline for entries passed at %(when)s, so this save was not recorded. "
                "Your text is kept below: copy it if you want to keep it.",
                when=utc_text(closes_at),
            )
        )
    ensure(
        can_edit_submission(actor, submission),
        _("Entries can be changed by their team before the deadline."),
    )
    if needs_reacceptance(submission):
        raise Conflict(
            _("The rules changed since you accepted them. Accept the new rules to continue.")
        )
    if submission.current_version != base_version:
        raise Conflict(
            _(
                "This entry changed in another tab or by a teammate since you opened it. Your "
                "text is kept below: compare it with the latest version and save again."
            )
        )


def save_entry(
    *, actor: User, submission: Submission, text: EntryText, base_version: int, submit: bool
) -> SubmissionVersion | None:
    """Save the entry's text. A draft stays private until ``submit``; once submitted, every
    save before the deadline becomes a new immutable version with its content hash.

    ``base_version`` is the version the form was loaded from: a save based on an older one
    (a second tab) is refused with a clear message instead of silently overwriting.
    """
    text = _clean(text)
    submission = lock_submission(submission)
    _check_can_write(actor, submission, base_version)
    creates_version = submit or submission.status == SubmissionStatus.SUBMITTED
    if creates_version and not (text.title and text.summary and text.body_md):
        db.session.rollback()
        raise ValidationFailed(
            _("A submitted entry needs a title, a summary and a description."), field="title"
        )
    submission.title, submission.summary = text.title, text.summary
    submission.body_md, submission.links = text.body_md, text.links
    if not creates_version:
        db.session.commit()
        return None
    version = _new_version(actor, submission)
    if version is None:
        db.session.commit()
        return None
    try:
        db.session.commit()
    except sa.exc.IntegrityError as error:  # the same version number committed concurrently
        db.session.rollback()
        raise Conflict(
            _("Another save of this entry happened at the same moment. Reload and try again.")
        ) from error
    return version


def _new_version(actor: User, submission: Submission) -> SubmissionVersion | None:
    attachments = live_attachments(submission)
    digest = content_hash(
        title=submission.title,
        summary=submission.summary,
        body_md=submission.body_md,
        links=submission.links,
        attachments=[(a.filename, a.sha256) for a in attachments],
    )
    latest = latest_version(submission)
    if (
        latest is not None
        and latest.content_hash == digest
        and submission.status == SubmissionStatus.SUBMITTED
    ):
        return None  # nothing changed: no empty version
    now = utcnow()
    version = SubmissionVersion(
        submission_id=submission.id,
        number=submission.current_version + 1,
        title=submission.title,
        summary=submission.summary,
        body_md=submission.body_md,
        links=submission.links,
        content_hash=digest,
        rules_version=submission.accepted_rules_version,
        created_by_id=actor.id,
        created_at=now,
        attachments=attachments,
    )
    db.session.add(version)
    submission.current_version = version.number
    submission.last_submitted_at = now
    if submission.status == SubmissionStatus.DRAFT:
        submission.status = SubmissionStatus.SUBMITTED
        submission.first_submitted_at = now
        recount_entrants(submission.challenge_id)
    db.session.flush()
    return version


def latest_version(submission: Submission) -> SubmissionVersion | None:
    if not submission.current_version:
        return None
    return db.session.scalar(
        sa.select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission.id,
            SubmissionVersion.number == submission.current_version,
        )
    )


def versions_of(submission: Submission) -> list[SubmissionVersion]:
    return list(
        db.session.scalars(
            sa.select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission.id)
            .order_by(SubmissionVersion.number.desc())
        )
    )


def recount_entrants(challenge_id: int) -> None:
    """Store the number of submitted entries on the challenge (flushes, never commits)."""
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Submission)
        .where(
            Submission.challenge_id == challenge_id, Submission.status == SubmissionStatus.SUBMITTED
        )
    )
    record_entrant_count(challenge_id, count)


def withdraw_entry(*, actor: User, submission: Submission) -> Submission:
    """Take a submitted entry out of the running; reversible until the deadline."""
    ensure(
        can_withdraw(actor, submission),
        _("Only the owner can withdraw a submitted entry before the deadline."),
    )
    submission.status = SubmissionStatus.WITHDRAWN
    db.session.flush()
    recount_entrants(submission.challenge_id)
    db.session.commit()
    return submission


def reinstate_entry(*, actor: User, submission: Submission) -> Submission:
    ensure(
        can_reinstate(actor, submission),
        _("Only the owner can reinstate a withdrawn entry before the deadline."),
    )
    submission.status = SubmissionStatus.SUBMITTED
    db.session.flush()
    recount_entrants(submission.challenge_id)
    db.session.commit()
    return submission

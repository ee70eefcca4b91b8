"""Recording adoption updates, reporting reuse and moderating reuse reports."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from accounts.models import User
from challenges.models import Challenge
from core.audit import record
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from core.money import parse_amount
from judging.adoption.models import AdoptionStatus, AdoptionUpdate, ReuseReport, ReuseState
from judging.adoption.policies import can_moderate_reuse, can_record_adoption, can_report_reuse
from judging.results.models import Award
from submissions.models import Submission
from submissions.services import link_problem

MAX_NOTE, MAX_REASON, MAX_LINKS = 2000, 1000, 5
MAX_PEOPLE = 10**10  # more than everyone alive: a typo, not a figure
MAX_REUSE_NOTE, MIN_REUSE_NOTE = 500, 10
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class UpdateInput:
    """What the sponsor typed: text as given, parsed here."""

    status: str
    note: str = ""
    reason: str = ""
    links: str = ""
    money_saved: str = ""
    people_reached: str = ""


def get_award(challenge: Challenge, award_id: int) -> Award:
    award = db.session.scalar(
        sa.select(Award)
        .where(Award.id == award_id, Award.challenge_id == challenge.id)
        .options(joinedload(Award.submission), joinedload(Award.prize_tier))
    )
    if award is None:
        raise NotFound(_("This challenge has no such award."))
    return award


def parse_links(text: str) -> str:
    links = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        raise ValidationFailed(_("Add at most %(count)s links.", count=MAX_LINKS), field="links")
    for link in links:
        if len(link) > 500:
            raise ValidationFailed(_("Links are at most 500 characters long."), field="links")
        if message := link_problem(link):
            raise ValidationFailed(f"{message} ({link[:60]}).", field="links")
    return "\n".join(links)


def parse_money(text: str, currency: str) -> int | None:
    if not (text or "").strip():
        return None
    if text.strip() in {"0", "0.00", "0.0"}:
        return 0
    try:
        return parse_amount(text, currency)
    except ValueError as error:
        raise ValidationFailed(str(error), field="money_saved") from None


def parse_people(text: str) -> int | None:
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise ValidationFailed(
            _("Enter the number of people reached as a whole number of 0 or more."),
            field="people_reached",
        )
    if int(cleaned) > MAX_PEOPLE:
        raise ValidationFailed(_("That is more people than there are."), field="people_reached")
    return int(cleaned)


def record_adoption_update(*, actor: User, award: Award, given: UpdateInput) -> AdoptionUpdate:
    """Append a dated status to a winning solution's history (the newest is its status).

    Only the sponsor's owners and managers, after the award; "not adopted" needs a reason;
    links are http(s) addresses; money saved is in the challenge's currency."""
    challenge = award.challenge
    ensure(
        can_record_adoption(actor, challenge),
        _("Only the sponsor's owners and managers record adoption, after the award."),
    )
    try:
        status = AdoptionStatus(given.status)
    except ValueError:
        raise ValidationFailed(_("Choose a status."), field="status") from None
    note, reason = (given.note or "").strip(), (given.reason or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed(
            _("Keep the note under %(count)s characters.", count=MAX_NOTE), field="note"
        )
    if status == AdoptionStatus.NOT_ADOPTED and not reason:
        raise ValidationFailed(_("Say why the solution was not adopted."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("Keep the reason under %(count)s characters.", count=MAX_REASON), field="reason"
        )
    update = AdoptionUpdate(
        award_id=award.id,
        challenge_id=challenge.id,
        author_id=actor.id,
        status=status,
        note=note,
        reason=reason if status == AdoptionStatus.NOT_ADOPTED else "",
        links=parse_links(given.links),
        money_saved=parse_money(given.money_saved, challenge.currency),
        currency=challenge.currency,
        people_reached=parse_people(given.people_reached),
        created_at=utcnow(),
    )
    db.session.add(update)
    db.session.commit()
    return update


def link_problem_of(url: str) -> str | None:
    """Why ``url`` cannot be a reuse report's address, or None."""
    url = url.strip()
    if not url:
        return str(_("Give the address where the solution is reused."))
    if len(url) > 500:
        return str(_("Links are at most 500 characters long."))
    message = link_problem(url)
    return f"{message}." if message else None


def report_reuse(*, actor: User, submission: Submission, url: str, note: str) -> ReuseReport:
    """Tell the platform an open solution was reused elsewhere; pending until an admin decides.
    One pending report per reader per solution and address."""
    ensure(can_report_reuse(actor, submission), _("Only open solutions can be reported as reused."))
    url = (url or "").strip()
    if message := link_problem_of(url):
        raise ValidationFailed(message, field="url")
    note = (note or "").strip()
    if not MIN_REUSE_NOTE <= len(note) <= MAX_REUSE_NOTE:
        raise ValidationFailed(
            _(
                "Describe the reuse in %(least)s to %(most)s characters.",
                least=MIN_REUSE_NOTE,
                most=MAX_REUSE_NOTE,
            ),
            field="note",
        )
    duplicate = db.session.scalar(
        sa.select(ReuseReport.id).where(
            ReuseReport.submission_id == submission.id,
            ReuseReport.url == url,
            ReuseReport.state != ReuseState.REJECTED,
        )
    )
    if duplicate is not None:
        raise Conflict(_("This reuse has already been reported."))
    report = ReuseReport(
        submission_id=submission.id,
        challenge_id=submission.challenge_id,
        reporter_id=actor.id,
        url=url,
        note=note,
    )
    db.session.add(report)
    db.session.commit()
    return report


def get_reuse_report(report_id: int) -> ReuseReport:
    report = db.session.get(ReuseReport, report_id)
    if report is None:
        raise NotFound(_("There is no such reuse report."))
    return report


def pending_reuse_count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ReuseReport)
            .where(ReuseReport.state == ReuseState.PENDING)
        )
        or 0
    )


def reuse_queue(limit: int = QUEUE_LIMIT) -> list[ReuseReport]:
    """Pending reuse reports, oldest first, with their solution, challenge and reporter."""
    return list(
        db.session.scalars(
            sa.select(ReuseReport)
            .where(ReuseReport.state == ReuseState.PENDING)
            .options(
                joinedload(ReuseReport.reporter),
                joinedload(ReuseReport.submission).joinedload(Submission.challenge),
            )
            .order_by(ReuseReport.created_at, ReuseReport.id)
            .limit(limit)
        )
    )


def decide_reuse(*, actor: User, report: ReuseReport, approve: bool) -> ReuseReport:
    """A platform admin approves (it counts and shows) or rejects a pending reuse report;
    audited; a decided report is not decided again."""
    ensure(can_moderate_reuse(actor), _("Only platform admins moderate reuse reports."))
    locked = db.session.scalars(
        sa.select(ReuseReport).where(ReuseReport.id == report.id).with_for_update()
    ).one()
    if locked.state != ReuseState.PENDING:
        db.session.rollback()
        raise Conflict(_("Another admin already decided this report."))
    locked.state = ReuseState.APPROVED if approve else ReuseState.REJECTED
    locked.decided_at = utcnow()
    locked.decided_by_id = actor.id
    record(actor.id, f"reuse.{locked.state}", "reuse_report", locked.id, locked.url)
    db.session.commit()
    return locked

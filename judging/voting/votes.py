"""Community voting services: cast, change and withdraw votes; tally; scan and quarantine."""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from accounts.models import User
from accounts.policies import is_signed_in
from challenges.models import Challenge
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from judging.algorithms import tallies
from judging.policies import VOTE_REFUSALS, vote_refusal, voting_refusal
from judging.voting.models import Vote, VoteEvent, counted_votes
from submissions.models import Submission, SubmissionStatus

RATE_REASONS = (tallies.USER_RATE, tallies.SUBNET_RATE)
REASON_ORDER = (*RATE_REASONS, tallies.RING, tallies.NEW_ACCOUNTS)
REASON_LABELS = {
    tallies.USER_RATE: _l("many votes from one account in an hour"),
    tallies.SUBNET_RATE: _l("many votes from one network in a day"),
    tallies.RING: _l("votes in lockstep with accounts created at the same time"),
    tallies.NEW_ACCOUNTS: _l("most of the entry's votes come from accounts under 30 days old"),
}
_CHUNK = 500  # ids per IN (...) list
_DURATIONS = {
    "ring_created_within_hours": ("ring_created_within", "hours"),
    "new_account_age_days": ("new_account_age", "days"),
}
logger = logging.getLogger("openprize.voting")


class AlreadyCounted(Conflict):
    """The same request again (a double click): nothing changes, nothing is written."""


@dataclass(frozen=True)
class Standing:
    submission: Submission
    up: int
    down: int
    score: float  # docs/judging.md, "Wilson lower bound"


def flag_config() -> tallies.VoteFlagConfig:
    """Thresholds: the defaults of docs/judging.md, "Quarantine", overridden by the
    unpublished ``VOTE_FLAG_THRESHOLDS`` (a mapping or a JSON object of ``VoteFlagConfig``
    fields; durations as ``ring_created_within_hours`` and ``new_account_age_days``). A broken
    setting is logged and the defaults apply, so voting never fails on it."""
    raw = current_app.config.get("VOTE_FLAG_THRESHOLDS") if has_app_context() else None
    try:
        given = json.loads(raw) if isinstance(raw, str) and raw.strip() else dict(raw or {})
        fields = {}
        for key, value in given.items():
            name, unit = _DURATIONS.get(key, (key, None))
            fields[name] = timedelta(**{unit: float(value)}) if unit else value
        return tallies.VoteFlagConfig(**fields)
    except (TypeError, ValueError, AttributeError):
        logger.exception("VOTE_FLAG_THRESHOLDS is not valid: using the default thresholds.")
        return tallies.VoteFlagConfig()


def _clean_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


def _refuse(reason: str) -> None:
    """Turn a policy refusal into the error the web layer shows (403 own entry, else a flash)."""
    if reason == "team":
        raise PermissionDenied(_("You can't vote on your own entry."))
    if reason == "judge":
        raise PermissionDenied(_("Judges don't vote on the challenge they judge."))
    if reason == "sponsor":
        raise PermissionDenied(_("The sponsor's people don't vote on their own challenge."))
    if reason in {"sign_in", "hidden"}:
        raise (PermissionDenied if reason == "sign_in" else NotFound)(str(VOTE_REFUSALS[reason]))
    if reason == "too_new":
        days = current_app.config.get("VOTER_MIN_AGE_DAYS", 7)
        raise Conflict(
            ngettext(
                "Accounts can vote %(num)d day after sign-up.",
                "Accounts can vote %(num)d days after sign-up.",
                days,
            )
        )
    raise Conflict(str(VOTE_REFUSALS[reason]) + ".")


def _current(actor: User, submission: Submission) -> Vote | None:
    return db.session.scalar(
        sa.select(Vote)
        .where(Vote.submission_id == submission.id, Vote.user_id == actor.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _write(actor: User, submission: Submission, value: int, ip: str | None) -> Vote | None:
    vote = _current(actor, submission)
    if value == 0:
        if vote is None:
            db.session.rollback()
            raise AlreadyCounted(_("You have no vote on this entry to withdraw."))
        db.session.delete(vote)
        vote = None
    elif vote is None:
        vote = Vote(submission_id=submission.id, user_id=actor.id, value=value, ip=ip)
        db.session.add(vote)
    elif vote.value == value:
        db.session.rollback()  # release the row lock
        raise AlreadyCounted(_("Your vote was already counted."))
    else:
        vote.value, vote.ip = value, ip
    event = VoteEvent(submission_id=submission.id, user_id=actor.id, value=value, ip=ip)
    db.session.add(event)
    db.session.flush()
    if vote is not None:
        flag_recent(vote, submission.challenge_id)
    return vote


def cast_vote(*, actor: User, submission: Submission, value: int, ip: str | None) -> Vote | None:
    """Vote an entry up (+1) or down (−1), change that vote, or withdraw it (0: the row goes,
    the event stays). Every change is a ``VoteEvent``; the same vote twice changes nothing
    (``AlreadyCounted``). Eligibility is ``policies.vote_refusal``; withdrawing needs only
    open voting. New votes get the rate checks at once (flagged ones wait in quarantine).
    Returns the current vote, None after a withdrawal."""
    if value not in (-1, 0, 1):
        raise ValidationFailed(_("A vote is up (+1), down (−1) or withdrawn (0)."), field="value")
    reason = voting_refusal(submission) if value == 0 else vote_refusal(actor, submission)
    if reason is not None:
        _refuse(reason)
    ip = _clean_ip(ip)
    for attempt in range(2):
        try:
            vote = _write(actor, submission, value, ip)
            db.session.commit()
        except sa.exc.IntegrityError:  # a second tab inserted the same (entry, voter) row
            db.session.rollback()
            if attempt:
                raise Conflict(
                    _("Your vote changed elsewhere at the same moment. Reload.")
                ) from None
        else:
            return vote
    raise AssertionError("unreachable")


# ---- tallies -------------------------------------------------------------------------------


def vote_tallies(challenge_id: int) -> dict[int, tuple[int, int]]:
    """(up, down) per entry of the challenge, counting only ``counted_votes()``."""
    up = sa.func.sum(sa.case((Vote.value > 0, 1), else_=0))
    down = sa.func.sum(sa.case((Vote.value < 0, 1), else_=0))
    rows = db.session.execute(
        sa.select(Vote.submission_id, up, down)
        .join(Submission, Submission.id == Vote.submission_id)
        .where(Submission.challenge_id == challenge_id, counted_votes())
        .group_by(Vote.submission_id)
    )
    return {entry: (int(u or 0), int(d or 0)) for entry, u, d in rows}


def tally_of(submission: Submission) -> tuple[int, int]:
    up = sa.func.sum(sa.case((Vote.value > 0, 1), else_=0))
    down = sa.func.sum(sa.case((Vote.value < 0, 1), else_=0))
    row = db.session.execute(
        sa.select(up, down).where(Vote.submission_id == submission.id, counted_votes())
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def standings(challenge: Challenge, limit: int = 10) -> list[Standing]:
    """The community's top entries by Wilson lower bound (then more up-votes, then id)."""
    scored = sorted(
        (
            (-tallies.wilson_lower_bound(up, down), -up, entry, up, down)
            for entry, (up, down) in vote_tallies(challenge.id).items()
        )
    )
    wanted = [row[2] for row in scored]
    entries = {
        s.id: s
        for s in db.session.scalars(
            sa.select(Submission).where(
                Submission.id.in_(wanted), Submission.status == SubmissionStatus.SUBMITTED
            )
        )
    }
    return [
        Standing(entries[entry], up, down, -neg)
        for neg, _, entry, up, down in scored
        if entry in entries
    ][:limit]


def quarantined_count(challenge: Challenge | None = None) -> int:
    """Flagged votes no admin has looked at yet (of one challenge, or everywhere)."""
    query = sa.select(sa.func.count(Vote.id)).where(
        Vote.quarantined.is_(True), Vote.review.is_(None)
    )
    if challenge is not None:
        query = query.join(Submission, Submission.id == Vote.submission_id).where(
            Submission.challenge_id == challenge.id
        )
    return db.session.scalar(query) or 0


def vote_of(user: User | None, submission: Submission) -> Vote | None:
    if not is_signed_in(user):
        return None
    return db.session.scalar(
        sa.select(Vote).where(Vote.submission_id == submission.id, Vote.user_id == user.id)
    )


# ---- flags and quarantine ------------------------------------------------------------------


def _as_flag_input(rows: Iterable[sa.Row]) -> list[tallies.Vote]:
    return [tallies.Vote(r.id, r.user_id, r.submission_id, r.created_at, r.ip) for r in rows]


def _voters(user_ids: Iterable[int]) -> dict[int, tallies.Voter]:
    # Accounts keep no registration IP, so the ring rule's "same /24" half never fires.
    ids, found = sorted(set(user_ids)), {}
    for start in range(0, len(ids), _CHUNK):
        rows = db.session.execute(
            sa.select(User.id, User.created_at).where(User.id.in_(ids[start : start + _CHUNK]))
        )
        found.update({uid: tallies.Voter(uid, created, None) for uid, created in rows})
    return found


def _quarantine(flags: Mapping[int, Iterable[str]]) -> int:
    """Mark flagged votes no admin has reviewed; merge reasons; never delete. Returns how many
    were newly quarantined (flushes)."""
    ids, fresh = sorted(flags), 0
    for start in range(0, len(ids), _CHUNK):
        for vote in db.session.scalars(
            sa.select(Vote).where(Vote.id.in_(ids[start : start + _CHUNK]), Vote.review.is_(None))
        ):
            known = set(filter(None, vote.flag_reasons.split(","))) | set(flags[vote.id])
            reasons = ",".join(r for r in REASON_ORDER if r in known)
            fresh += not vote.quarantined
            if not vote.quarantined or reasons != vote.flag_reasons:
                vote.quarantined, vote.flag_reasons = True, reasons
    db.session.flush()
    return fresh


_VOTE_COLUMNS = (Vote.id, Vote.user_id, Vote.submission_id, Vote.created_at, Vote.ip)


def scan_votes(challenge_id: int) -> int:
    """Quarantine the challenge's suspicious votes (docs/judging.md, "Quarantine"); flushes,
    returns how many.

    Runs ``tallies.flag_votes`` over every current vote with the unpublished thresholds;
    reviewed votes keep the admin's decision and a flag stays until an admin reviews it."""
    rows = db.session.execute(
        sa.select(*_VOTE_COLUMNS)
        .join(Submission, Submission.id == Vote.submission_id)
        .where(Submission.challenge_id == challenge_id)
    ).all()
    if not rows:
        return 0
    votes = _as_flag_input(rows)
    flags = tallies.flag_votes(votes, _voters(v.user_id for v in votes), flag_config())
    return _quarantine(flags)


def _same_network(ip: str) -> sa.ColumnElement[bool]:
    address = ipaddress.ip_address(ip)
    if address.version == 4:  # stored in normal form, so the /24 is a text prefix
        return Vote.ip.startswith(ip.rsplit(".", 1)[0] + ".", autoescape=True)
    return Vote.ip.contains(":")  # IPv6 /64: narrowed in Python below


def flag_recent(vote: Vote, challenge_id: int) -> int:
    """The per-request part of the scan: the rate flags (votes per account per hour, per /24
    per day) over the windows the new vote lies in, which the whole-challenge scan would find
    the same way. Rings and new-account surges need every vote: ``scan_votes``. Flushes."""
    config, now = flag_config(), utcnow()
    in_challenge = Vote.submission_id.in_(
        sa.select(Submission.id).where(Submission.challenge_id == challenge_id)
    )
    mine = db.session.execute(
        sa.select(*_VOTE_COLUMNS).where(
            in_challenge, Vote.user_id == vote.user_id, Vote.created_at > now - timedelta(hours=1)
        )
    ).all()
    flags: dict[int, set[str]] = {}
    if len(mine) > config.user_votes_per_hour:
        _collect(flags, _as_flag_input(mine), tallies.USER_RATE, config)
    if vote.ip is not None:
        net = tallies.subnet(vote.ip)
        near = db.session.execute(
            sa.select(*_VOTE_COLUMNS).where(
                in_challenge, _same_network(vote.ip), Vote.created_at > now - timedelta(days=1)
            )
        ).all()
        same = [v for v in _as_flag_input(near) if tallies.subnet(v.ip) == net]
        if len(same) > config.subnet_votes_per_day:
            _collect(flags, same, tallies.SUBNET_RATE, config)
    return _quarantine(flags) if flags else 0


def _collect(
    flags: dict[int, set[str]],
    votes: list[tallies.Vote],
    reason: str,
    config: tallies.VoteFlagConfig,
) -> None:
    if not votes:
        return
    found = tallies.flag_votes(votes, _voters(v.user_id for v in votes), config)
    for vote_id, reasons in found.items():
        if reason in reasons:  # other rules need the whole challenge: not judged on a slice
            flags.setdefault(vote_id, set()).add(reason)


def reason_labels(vote: Vote) -> list[str]:
    return [REASON_LABELS.get(r, r) for r in vote.flag_reasons.split(",") if r]


def scan_running_challenges(slug: str | None = None) -> list[tuple[str, int]]:
    """Scan every voting challenge whose results are not decided (or the one ``slug``),
    committing each; returns (slug, votes newly quarantined) pairs."""
    from challenges.models import Challenge

    query = sa.select(Challenge).order_by(Challenge.id)
    if slug:
        query = query.where(Challenge.slug == slug)
    else:
        query = query.where(
            Challenge.community_voting.is_(True),
            Challenge.awarded_at.is_(None),
            Challenge.cancelled_at.is_(None),
        )
    done = []
    for challenge in list(db.session.scalars(query)):
        count = scan_votes(challenge.id)
        db.session.commit()
        done.append((challenge.slug, count))
    return done

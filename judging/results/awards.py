"""Deciding results: the sponsor maps ranks to prize tiers and approves the winners, or declines."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from accounts.models import User
from challenges.models import Challenge, PrizeTier
from challenges.services import lock_challenge, record_awarded, tell_sponsor
from core import audit
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from core.i18n import recipient_locale
from core.mail import send_mail
from core.money import format_amount
from core.urls import external_url
from judging.models import JudgingSettings
from judging.policies import can_decide_results
from judging.results.compute import latest_snapshot, moment_text
from judging.results.inputs import inputs_hash
from judging.results.models import Award, AwardKind, ResultRow, ResultSnapshot, SnapshotState
from judging.results.signals import awards_announced, awards_approved, awards_declined
from judging.settings import settings_for
from submissions.models import Submission, TeamMember

MIN_REASON = 10


_status_provider: list[Callable[[Award], str]] = []


def register_award_status(provider: Callable[[Award], str]) -> None:
    """Let payments (which judging may not import) say how an award stands with its payout."""
    _status_provider[:] = [provider]


def award_status(award: Award) -> str:
    """How an award stands with its payout: the registered provider's word, else pending."""
    if _status_provider:
        return _status_provider[0](award)
    text: str = _("payout pending")
    return text


def award_statuses(found: list[Award]) -> dict[int, str]:
    """Award id → how it stands with its payout, for a page that lists ``found``."""
    return {award.id: award_status(award) for award in found}


def get_snapshot(snapshot_id: int) -> ResultSnapshot:
    snapshot = db.session.get(ResultSnapshot, snapshot_id)
    if snapshot is None:
        raise NotFound(_("There are no such results."))
    return snapshot


def awards_of(challenge_id: int) -> list[Award]:
    """The challenge's awards: placed tiers in place order, then People's Choice."""
    return list(
        db.session.scalars(
            sa.select(Award)
            .join(PrizeTier, PrizeTier.id == Award.prize_tier_id)
            .where(Award.challenge_id == challenge_id)
            .order_by(Award.kind.desc(), PrizeTier.place)
        )
    )


def placed_tiers(challenge: Challenge, settings: JudgingSettings) -> list[PrizeTier]:
    """Tiers given by the expert ranking, in place order (People's Choice set aside)."""
    return [t for t in challenge.prize_tiers if t.id != settings.peoples_choice_tier_id]


def peoples_choice_tier(challenge: Challenge, settings: JudgingSettings) -> PrizeTier | None:
    pc = settings.peoples_choice_tier_id
    return next((t for t in challenge.prize_tiers if t.id == pc), None)


def community_order() -> tuple[sa.ColumnElement, ...]:
    """Best Wilson bound first; ties go to more up votes, then to the lower id."""
    return (
        ResultRow.community_score.desc(),
        ResultRow.votes_up.desc(),
        ResultRow.submission_id,
    )


def default_picks(snapshot: ResultSnapshot) -> dict[int, int]:
    """The computed order as a mapping tier id → entry: placed tiers go to the passing rows in
    rank order (a tier stays empty when too few pass); People's Choice to the community's
    favourite (best Wilson bound among ranked entries with an up vote), if that tier is set."""
    challenge = snapshot.challenge
    settings = settings_for(challenge)
    tiers = placed_tiers(challenge, settings)
    passing = db.session.scalars(
        sa.select(ResultRow.submission_id)
        .where(ResultRow.snapshot_id == snapshot.id, ResultRow.passes.is_(True))
        .order_by(ResultRow.rank)
        .limit(len(tiers))
    ).all()
    picks = {tier.id: entry for tier, entry in zip(tiers, passing, strict=False)}
    pc = peoples_choice_tier(challenge, settings)
    if pc is not None:
        favourite = db.session.scalar(
            sa.select(ResultRow.submission_id)
            .where(ResultRow.snapshot_id == snapshot.id, ResultRow.votes_up > 0)
            .order_by(*community_order())
            .limit(1)
        )
        if favourite is not None:
            picks[pc.id] = favourite
    return picks


def _check_decidable(challenge: Challenge, snapshot: ResultSnapshot) -> None:
    if snapshot.state == SnapshotState.APPROVED:
        raise Conflict(
            _(
                "These winners were already approved on %(when)s; the awards exist and cannot "
                "be approved twice.",
                when=moment_text(snapshot.decided_at),
            )
        )
    if snapshot.state == SnapshotState.DECLINED:
        raise Conflict(_("The sponsor already declined to award prizes from these results."))
    latest = latest_snapshot(challenge.id)
    if snapshot.state == SnapshotState.SUPERSEDED or latest is None or latest.id != snapshot.id:
        raise Conflict(
            _("These results were superseded by a later computation: decide on the latest results.")
        )
    if challenge.awarded_at is not None:
        raise Conflict(_("The results of this challenge were already decided."))
    if inputs_hash(challenge) != snapshot.inputs_hash:
        raise Conflict(
            _(
                "Reviews or community votes changed since these results were computed, so they "
                "are stale. Compute results again, then approve the winners."
            )
        )


def _locked(snapshot: ResultSnapshot) -> tuple[Challenge, ResultSnapshot]:
    """Lock the challenge row (serialising decisions), then re-read the snapshot under it."""
    challenge = lock_challenge(snapshot.challenge_id)
    fresh = db.session.scalars(
        sa.select(ResultSnapshot)
        .where(ResultSnapshot.id == snapshot.id)
        .execution_options(populate_existing=True)
    ).one()
    return challenge, fresh


def _mark_decided(snapshot: ResultSnapshot, actor: User, state: SnapshotState, reason: str) -> None:
    # Conditional update: of two concurrent decisions exactly one moves the snapshot on.
    won = db.session.execute(
        sa.update(ResultSnapshot)
        .where(ResultSnapshot.id == snapshot.id, ResultSnapshot.state == SnapshotState.COMPUTED)
        .values(state=state, decided_at=utcnow(), decided_by_id=actor.id, adjustment_reason=reason)
    ).rowcount
    if won != 1:
        raise Conflict(_("These results were decided a moment ago (another tab or a colleague)."))


def _validated_picks(
    challenge: Challenge, snapshot: ResultSnapshot, picks: Mapping[int, int]
) -> list[tuple[PrizeTier, ResultRow]]:
    settings = settings_for(challenge)
    tiers = {tier.id: tier for tier in challenge.prize_tiers}
    chosen = {int(tier): int(entry) for tier, entry in picks.items() if entry}
    if set(chosen) - set(tiers):
        raise ValidationFailed(_("Some picks are for prize tiers this challenge does not have."))
    if not chosen:
        raise ValidationFailed(
            _(
                "Pick a winner for at least one prize tier, or decline to award if no entry "
                "reaches the passing score."
            )
        )
    rows = {
        row.submission_id: row
        for row in db.session.scalars(
            sa.select(ResultRow).where(
                ResultRow.snapshot_id == snapshot.id,
                ResultRow.submission_id.in_(set(chosen.values())),
            )
        )
    }
    placed: dict[int, PrizeTier] = {}
    result = []
    for tier_id in sorted(chosen, key=lambda t: tiers[t].place):
        tier, row = tiers[tier_id], rows.get(chosen[tier_id])
        name = f"tier_{tier_id}"
        if row is None:
            raise ValidationFailed(
                _("%(prize)s: that entry is not ranked in these results.", prize=tier.label),
                field=name,
            )
        if tier_id != settings.peoples_choice_tier_id:
            if not row.passes:
                raise ValidationFailed(
                    _(
                        "%(prize)s: the entry ranked %(rank)s did not reach the passing score "
                        "(%(score)s), so it cannot win a placed prize.",
                        prize=tier.label,
                        rank=row.rank,
                        score=format(settings.passing_score, "g"),
                    ),
                    field=name,
                )
            if row.submission_id in placed:
                raise ValidationFailed(
                    _(
                        "The entry ranked %(rank)s is picked for both %(first)s and %(second)s: "
                        "an entry wins at most one placed prize.",
                        rank=row.rank,
                        first=placed[row.submission_id].label,
                        second=tier.label,
                    ),
                    field=name,
                )
            placed[row.submission_id] = tier
        result.append((tier, row))
    total = sum(tier.amount for tier, _ in result)
    if total > challenge.funded_amount:
        raise Conflict(
            _(
                "These prizes total %(total)s but the challenge holds %(funded)s: awards may "
                "never exceed the funded purse (an invariant). Contact support.",
                total=format_amount(total, challenge.currency),
                funded=format_amount(challenge.funded_amount, challenge.currency),
            )
        )
    return result


def approve_winners(
    *, actor: User, snapshot: ResultSnapshot, picks: Mapping[int, int], reason: str
) -> list[Award]:
    """Approve the winners of the latest, up-to-date snapshot: ``picks`` maps prize tier id →
    entry. Placed tiers need a passing, ranked entry, one placed tier per entry; People's
    Choice needs a ranked entry. A mapping that differs from ``default_picks`` needs a reason
    (≥ 10 characters), published with the results. Creates the Award rows, marks the
    snapshot approved and the challenge awarded, commits once, then e-mails each winning
    team and the sponsor. Twice, stale or superseded → 409; nothing is half-written."""
    ensure(
        can_decide_results(actor, snapshot.challenge),
        _("Only the sponsor's owners and managers can approve winners."),
    )
    try:
        challenge, snapshot = _locked(snapshot)
        _check_decidable(challenge, snapshot)
        chosen = _validated_picks(challenge, snapshot, picks)
        adjusted = {tier.id: row.submission_id for tier, row in chosen} != default_picks(snapshot)
        reason = reason.strip()
        if adjusted and len(reason) < MIN_REASON:
            raise ValidationFailed(
                _(
                    "The winners differ from the computed order: explain why in at least "
                    "%(minimum)s characters. The reason is published with the results.",
                    minimum=MIN_REASON,
                ),
                field="reason",
            )
        pc = settings_for(challenge).peoples_choice_tier_id
        awards = [
            Award(
                challenge_id=challenge.id,
                snapshot_id=snapshot.id,
                prize_tier_id=tier.id,
                submission_id=row.submission_id,
                kind=AwardKind.PEOPLES_CHOICE if tier.id == pc else AwardKind.PLACED,
                rank=None if tier.id == pc else row.rank,
                amount=tier.amount,
                currency=challenge.currency,
            )
            for tier, row in chosen
        ]
        db.session.add_all(awards)
        _mark_decided(snapshot, actor, SnapshotState.APPROVED, reason if adjusted else "")
        record_awarded(challenge.id)
        audit.record(
            actor.id,
            "results.approved",
            "result_snapshot",
            snapshot.id,
            "; ".join(f"{tier.label}: rank {row.rank}" for tier, row in chosen)
            + (f". Adjusted: {reason}" if adjusted else ""),
        )
        awards_approved.send(challenge, awards=awards)
        db.session.flush()
        _announce(challenge, awards)
        awards_announced.send(challenge, awards=awards)
        db.session.commit()
    except sa.exc.IntegrityError as error:  # UNIQUE(challenge, tier): another request won
        db.session.rollback()
        raise Conflict(
            _(
                "These winners were already approved (another tab or a colleague): "
                "there is exactly one set of awards."
            )
        ) from error
    except Exception:
        db.session.rollback()
        raise
    return awards


def decline_awards(*, actor: User, snapshot: ResultSnapshot, reason: str) -> ResultSnapshot:
    """Decline to award: allowed only when no ranked entry reaches the passing score (or none
    is ranked). The reason (≥ 10 characters) is published with the results; the challenge
    is marked awarded with no awards. Commits once, then tells the sponsor."""
    ensure(
        can_decide_results(actor, snapshot.challenge),
        _("Only the sponsor's owners and managers can decline to award."),
    )
    try:
        challenge, snapshot = _locked(snapshot)
        _check_decidable(challenge, snapshot)
        passing = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ResultRow)
            .where(ResultRow.snapshot_id == snapshot.id, ResultRow.passes.is_(True))
        )
        if passing:
            raise Conflict(
                ngettext(
                    "%(num)d ranked entry reaches the passing score: prizes may be declined "
                    "only when no entry does.",
                    "%(num)d ranked entries reach the passing score: prizes may be declined "
                    "only when no entry does.",
                    passing,
                )
            )
        reason = reason.strip()
        if len(reason) < MIN_REASON:
            raise ValidationFailed(
                _(
                    "Explain to entrants why no prize is awarded (at least %(minimum)s "
                    "characters); it is published with the results.",
                    minimum=MIN_REASON,
                ),
                field="reason",
            )
        _mark_decided(snapshot, actor, SnapshotState.DECLINED, reason)
        record_awarded(challenge.id)
        audit.record(actor.id, "results.declined", "result_snapshot", snapshot.id, reason)
        tell_sponsor(
            challenge,
            _("No prizes awarded: %(title)s", title=challenge.title),
            _("The results were declined.") + f"\n\n{reason}",
        )
        awards_declined.send(challenge)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return snapshot


def _announce(challenge: Challenge, awards: list[Award]) -> None:
    link = external_url("challenges.show", slug=challenge.slug)
    lines = []
    for award in awards:
        tier, entry = award.prize_tier, award.submission
        amount = format_amount(award.amount, award.currency)
        title = entry.title or _("Untitled entry")
        lines.append(f"- {tier.label} ({amount}): “{title}”")
        for member in _team(entry):
            with recipient_locale(member):
                send_mail(
                    member.email,
                    _(
                        "Your entry won %(prize)s: %(title)s",
                        prize=tier.label,
                        title=challenge.title,
                    ),
                    _(
                        "Your entry “%(entry)s” won %(prize)s (%(amount)s) in %(title)s.",
                        entry=entry.title or _("Untitled entry"),
                        prize=tier.label,
                        amount=format_amount(award.amount, award.currency),
                        title=challenge.title,
                    )
                    + "\n\n"
                    + _("Payout pending: you will be asked to set up payouts.")
                    + f"\n\n{link}\n",
                )
    # tell_sponsor sends one text to every owner and manager: the approver's language.
    tell_sponsor(
        challenge,
        _("Winners approved: %(title)s", title=challenge.title),
        _("The awards are recorded; payouts are pending.") + "\n\n" + "\n".join(lines),
    )


def _team(entry: Submission) -> list[User]:
    members = db.session.scalars(
        sa.select(User)
        .join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.submission_id == entry.id)
        .order_by(TeamMember.id)
    ).all()
    return list(members) or [entry.owner]

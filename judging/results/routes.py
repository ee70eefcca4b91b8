"""The sponsor's results pages: compute the snapshot, review it, map ranks to prizes, decide."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from accounts.forms import ConfirmForm
from accounts.models import User
from challenges.models import Challenge
from challenges.services import get_challenge
from core.db import db
from core.forms import domain_errors
from core.paging import page_arg, redirect_past_end
from judging import bp
from judging.models import Assignment
from judging.policies import can_compute_results, can_decide_results, can_view_judging
from judging.results import awards
from judging.results.compute import compute_blocker, latest_snapshot
from judging.results.compute_job import request_results
from judging.results.forms import DeclineAwardsForm, ResultsDecisionForm, results_form_for
from judging.results.inputs import is_stale
from judging.results.models import Award, ResultRow, ResultSnapshot, SnapshotState
from judging.settings import settings_for
from submissions.visibility import visible_entry_ids

PER_PAGE = 50
CHOICES = 50  # a tier's select offers the top 50 candidates (plus the current pick)
NOT_AWARDED = SelectChoice("0", _l("— not awarded —"))
TITLE_HIDDEN = _l("title hidden")


def entry_labels(submission_ids: set[int]) -> dict[int, str]:
    """Each entry's blind label (the one its assignments carry)."""
    if not submission_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Assignment.submission_id, sa.func.min(Assignment.blind_label))
            .where(Assignment.submission_id.in_(submission_ids))
            .group_by(Assignment.submission_id)
        ).all()
    )


def _choices(
    snapshot: ResultSnapshot, current: dict[int, int]
) -> list[tuple[int, str, list[SelectChoice]]]:
    """(tier id, label, choices) per tier: placed tiers offer the top passing entries by rank,
    People's Choice the top entries by community score. Titles follow the visibility policy."""
    challenge = snapshot.challenge
    readable = visible_entry_ids(current_user, challenge)
    settings = settings_for(challenge)
    base = sa.select(ResultRow).where(ResultRow.snapshot_id == snapshot.id)
    placed = db.session.scalars(
        base.where(ResultRow.passes.is_(True)).order_by(ResultRow.rank).limit(CHOICES)
    ).all()
    pc = awards.peoples_choice_tier(challenge, settings)
    liked = (
        db.session.scalars(base.order_by(*awards.community_order()).limit(CHOICES)).all()
        if pc
        else []
    )
    known = {row.submission_id for row in [*placed, *liked]}
    extra = db.session.scalars(
        base.where(ResultRow.submission_id.in_(set(current.values()) - known))
    ).all()
    labels = entry_labels(known | {row.submission_id for row in extra})

    def choice(row: ResultRow) -> SelectChoice:
        readable_title = row.submission.title or _("Untitled entry")
        title = readable_title if row.submission_id in readable else TITLE_HIDDEN
        name = f"#{row.rank} · {labels.get(row.submission_id, '')} · {title}"
        return SelectChoice(str(row.submission_id), name)

    def options(rows: list[ResultRow], tier_id: int) -> list[SelectChoice]:
        picked = [r for r in extra if r.submission_id == current.get(tier_id)]
        return [NOT_AWARDED, *(choice(row) for row in [*rows, *picked])]

    tiers = [
        (t.id, t.label, options(list(placed), t.id))
        for t in awards.placed_tiers(challenge, settings)
    ]
    if pc is not None:
        label = _("%(prize)s (People's Choice)", prize=pc.label)
        tiers.append((pc.id, label, options(list(liked), pc.id)))
    return tiers


def _decision_form(snapshot: ResultSnapshot, formdata: bool) -> ResultsDecisionForm:
    default = awards.default_picks(snapshot)
    posted = {
        int(name.removeprefix("tier_")): int(value)
        for name, value in request.form.items()
        if formdata and name.startswith("tier_") and name[5:].isdigit() and value.isdigit()
    }
    tiers = _choices(snapshot, posted if formdata else default)  # the current picks stay offered
    # A tier missing from a posted form is not awarded; a fresh form shows the computed order.
    data = {f"tier_{t}": 0 if formdata else default.get(t, 0) for t, _, _ in tiers}
    return results_form_for(tiers, data=data)


def _snapshot(slug: str, snapshot_id: int) -> ResultSnapshot:
    snapshot = awards.get_snapshot(snapshot_id)
    if snapshot.challenge.slug != slug:
        abort(404, _("There are no such results for this challenge."))
    if not can_view_judging(current_user, snapshot.challenge):
        abort(403, _("The results review is for the sponsor's owners and managers."))
    return snapshot


def _review_page(
    snapshot: ResultSnapshot,
    form: ResultsDecisionForm | None = None,
    decline_form: DeclineAwardsForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    challenge = snapshot.challenge
    latest = latest_snapshot(challenge.id)
    open_ = snapshot.state == SnapshotState.COMPUTED and latest is not None
    open_ = open_ and latest.id == snapshot.id and challenge.awarded_at is None
    stale = open_ and is_stale(snapshot)
    decide = open_ and not stale and can_decide_results(current_user, challenge)
    rows = db.paginate(
        sa.select(ResultRow)
        .where(ResultRow.snapshot_id == snapshot.id)
        .order_by(ResultRow.rank)
        .options(sa.orm.joinedload(ResultRow.submission)),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    if (past_end := redirect_past_end(rows)) is not None:
        return past_end
    counts = db.session.execute(
        sa.select(
            sa.func.count().filter(ResultRow.passes.is_(True)),
            sa.func.count().filter(ResultRow.needs_panel_resolution.is_(True)),
        ).where(ResultRow.snapshot_id == snapshot.id)
    ).one()
    weights = snapshot.parameters.get("weights", {})
    approved = awards.awards_of(challenge.id) if snapshot.state == SnapshotState.APPROVED else []
    return render_template(
        "judging/results_review.html",
        challenge=challenge,
        snapshot=snapshot,
        latest=latest,
        rows=rows,
        labels=entry_labels({row.submission_id for row in rows.items}),
        readable=visible_entry_ids(current_user, challenge),
        criteria=sorted(weights, key=lambda name: -weights[name]),
        passing=counts[0],
        flagged=counts[1],
        stale=stale,
        decide=decide,
        form=form or (_decision_form(snapshot, formdata=False) if decide else None),
        decline_form=decline_form or DeclineAwardsForm(prefix="decline"),
        confirm_form=ConfirmForm(),
        awards=approved,
        award_statuses=awards.award_statuses(approved),
    ), status


@bp.post("/challenges/<slug>/judging/results")
@login_required
def results_compute(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with domain_errors() as refused:
        job = request_results(actor=current_user, challenge=challenge)
    if refused:
        return redirect(url_for("judging.dashboard", slug=slug) + "#results")
    return redirect(url_for("jobs.progress", job_id=job.id))


@bp.get("/challenges/<slug>/judging/results/<int:snapshot_id>")
@login_required
def results_review(slug: str, snapshot_id: int) -> ResponseReturnValue:
    return _review_page(_snapshot(slug, snapshot_id))


@bp.post("/challenges/<slug>/judging/results/<int:snapshot_id>/approve")
@login_required
def results_approve(slug: str, snapshot_id: int) -> ResponseReturnValue:
    snapshot = _snapshot(slug, snapshot_id)
    form = _decision_form(snapshot, formdata=True)
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            made = awards.approve_winners(
                actor=current_user,
                snapshot=snapshot,
                picks=form.picks(),
                reason=form.reason.data or "",
            )
        if refused:
            return _review_page(snapshot, form=form, status=refused.status)
        flash(
            ngettext(
                "Winners approved: %(num)d award recorded; payouts are pending.",
                "Winners approved: %(num)d awards recorded; payouts are pending.",
                len(made),
            ),
            "success",
        )
        return redirect(url_for("judging.results_review", slug=slug, snapshot_id=snapshot_id))
    return _review_page(snapshot, form=form, status=422)


@bp.post("/challenges/<slug>/judging/results/<int:snapshot_id>/decline")
@login_required
def results_decline(slug: str, snapshot_id: int) -> ResponseReturnValue:
    snapshot = _snapshot(slug, snapshot_id)
    form = DeclineAwardsForm(prefix="decline")
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            awards.decline_awards(actor=current_user, snapshot=snapshot, reason=form.reason.data)
        if refused:
            return _review_page(snapshot, decline_form=form, status=refused.status)
        flash(_("You declined to award prizes; the reason is published with the results."), "info")
        return redirect(url_for("judging.results_review", slug=slug, snapshot_id=snapshot_id))
    return _review_page(snapshot, decline_form=form, status=422)


@dataclass
class ResultsPanel:
    """What the dashboard's results section shows."""

    latest: ResultSnapshot | None
    stale: bool
    blocker: str | None
    awards: list[Award] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)  # award id → payout word, if approved


def results_panel(challenge: Challenge, user: User | None) -> ResultsPanel:
    latest = latest_snapshot(challenge.id)
    computed = latest is not None and latest.state == SnapshotState.COMPUTED
    approved = latest is not None and latest.state == SnapshotState.APPROVED
    found = awards.awards_of(challenge.id) if challenge.awarded_at is not None else []
    return ResultsPanel(
        latest=latest,
        stale=computed and challenge.awarded_at is None and is_stale(latest),
        blocker=compute_blocker(challenge) if can_compute_results(user, challenge) else None,
        awards=found,
        statuses=awards.award_statuses(found) if approved else {},
    )

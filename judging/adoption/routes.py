"""Adoption pages: the sponsor's update form, the reuse report form, the admins' reuse queue,
the public /impact page and its Atom feed."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.forms import ConfirmForm
from challenges.services import get_challenge
from core.db import utcnow
from core.forms import domain_errors
from judging import bp
from judging.adoption import services, stats
from judging.adoption.feeds import adoption_feed
from judging.adoption.forms import AdoptionUpdateForm, ReuseReportForm
from judging.adoption.models import STATUS_LABELS
from judging.adoption.policies import (
    can_moderate_reuse,
    can_record_adoption,
    can_report_reuse,
    is_open_solution,
)
from submissions.services import get_submission


@bp.route("/challenges/<slug>/adoption/<int:award_id>", methods=["GET", "POST"])
@login_required
def adoption_update(slug: str, award_id: int) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if not can_record_adoption(current_user, challenge):
        abort(403, _("Only the sponsor's owners and managers record adoption, after the award."))
    award = services.get_award(challenge, award_id)
    form = AdoptionUpdateForm(currency=challenge.currency)
    status = 200
    if form.validate_on_submit():
        given = services.UpdateInput(
            status=form.status.data,
            note=form.note.data or "",
            reason=form.reason.data or "",
            links=form.links.data or "",
            money_saved=form.money_saved.data or "",
            people_reached=form.people_reached.data or "",
        )
        with domain_errors(form) as refused:
            services.record_adoption_update(actor=current_user, award=award, given=given)
        if not refused:
            flash(_("Adoption update recorded."), "success")
            return redirect(url_for("challenges.show", slug=slug) + "#impact")
        status = refused.status
    elif form.is_submitted():
        status = 422
    impact = stats.challenge_impact(challenge)
    winner = next(w for w in impact.winners if w.winner.award.id == award.id) if impact else None
    return render_template(
        "judging/adoption_form.html",
        challenge=challenge,
        award=award,
        winner=winner,
        form=form,
        labels=STATUS_LABELS,
    ), status


@bp.route("/submissions/<int:submission_id>/reuse", methods=["GET", "POST"])
@login_required
def report_reuse(submission_id: int) -> ResponseReturnValue:
    submission = get_submission(submission_id)
    if not is_open_solution(submission):
        abort(404)
    if not can_report_reuse(current_user, submission):
        abort(403)
    form = ReuseReportForm()
    status = 200
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            services.report_reuse(
                actor=current_user, submission=submission, url=form.url.data, note=form.note.data
            )
        if not refused:
            flash(
                _("Thank you: your report waits for a moderator and shows once approved."),
                "success",
            )
            return redirect(url_for("submissions.show", submission_id=submission.id))
        status = refused.status
    elif form.is_submitted():
        status = 422
    return render_template("judging/reuse_form.html", submission=submission, form=form), status


@bp.get("/admin/reuse")
@login_required
def reuse_queue() -> ResponseReturnValue:
    if not can_moderate_reuse(current_user):
        abort(403)
    return render_template(
        "judging/reuse_queue.html",
        reports=services.reuse_queue(),
        total=services.pending_reuse_count(),
        form=ConfirmForm(),
    )


@bp.post("/admin/reuse/<int:report_id>/<any(approve, reject):action>")
@login_required
def decide_reuse(report_id: int, action: str) -> ResponseReturnValue:
    if not can_moderate_reuse(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with domain_errors(flash_as="warning", reraise=(403, 404)) as refused:
        report = services.get_reuse_report(report_id)
        services.decide_reuse(actor=current_user, report=report, approve=action == "approve")
    if not refused:
        flash(
            _("Reuse report approved.") if action == "approve" else _("Reuse report rejected."),
            "success",
        )
    return redirect(url_for("judging.reuse_queue"))


@bp.get("/impact")
def impact() -> ResponseReturnValue:
    return render_template(
        "judging/impact.html", figures=stats.impact_figures(utcnow()), labels=STATUS_LABELS
    )


@bp.get("/impact/adoption.atom")
def adoption_atom() -> ResponseReturnValue:
    return Response(adoption_feed(stats.latest_updates()), mimetype="application/atom+xml")

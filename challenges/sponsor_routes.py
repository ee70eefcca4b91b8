"""Sponsor and admin pages: draft, edit, submit for review, review queue, cancel."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.models import OrgRole
from accounts.org_services import user_organizations
from accounts.policies import can_view_admin
from challenges import bp, services
from challenges.forms import CancelForm, ChallengeForm, ReviewForm, form_data_for, form_to_input
from challenges.models import Challenge
from challenges.policies import (
    can_cancel_challenge,
    can_create_challenge,
    can_edit_challenge,
    is_sponsor_manager,
)
from core.forms import domain_errors
from core.timefmt import viewer_zone


def _sponsor_orgs() -> list:
    return [
        org
        for org, role in user_organizations(current_user)
        if role in (OrgRole.OWNER, OrgRole.MANAGER)
    ]


def _render_form(
    form: ChallengeForm, challenge: Challenge | None, orgs: list, org=None
) -> ResponseReturnValue:
    # A conflict (the challenge ended meanwhile) is a 409; any other message a 422.
    conflict = getattr(form, "conflict", False)
    invalid = form.errors or any(row.form.errors for row in form.tiers)
    return render_template(
        "challenges/form.html", form=form, challenge=challenge, orgs=orgs, org=org
    ), 409 if conflict else (422 if invalid else 200)


def _save(form: ChallengeForm, save) -> Challenge | None:
    if not form.validate_on_submit():
        return None
    data = form_to_input(form)
    if data is None:
        return None
    with domain_errors(form, above={"tiers"}) as refused:
        return save(data)
    form.conflict = refused.status == 409
    return None


@bp.route("/challenges/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    orgs = _sponsor_orgs()
    requested = request.values.get("org")
    if not orgs and not requested:
        flash(
            _("Create an organization (or be made owner or manager of one) to post a challenge."),
            "info",
        )
        return redirect(url_for("orgs.new_org"))
    org = next((o for o in orgs if o.slug == (requested or orgs[0].slug)), None)
    if org is None or not can_create_challenge(current_user, org):
        abort(403, _("Only owners and managers of the organization can post its challenges."))
    form = ChallengeForm()
    if request.method == "GET":
        form.timezone.data = viewer_zone().key
    challenge = _save(
        form, lambda data: services.create_challenge(actor=current_user, org=org, data=data)
    )
    if challenge is not None:
        flash(_("Draft saved. Submit it for review when it is ready."), "success")
        return redirect(url_for("challenges.show", slug=challenge.slug))
    return _render_form(form, None, orgs, org)


@bp.route("/challenges/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> ResponseReturnValue:
    challenge = services.get_challenge(slug)
    # A sponsor's POST to a challenge that ended meanwhile reaches the service, which says why
    # (the form keeps the text); anyone else gets a 403 either way.
    sponsor_post = request.method == "POST" and is_sponsor_manager(current_user, challenge)
    if not (can_edit_challenge(current_user, challenge) or sponsor_post):
        abort(403)
    form = (
        ChallengeForm(data=form_data_for(challenge)) if request.method == "GET" else ChallengeForm()
    )
    saved = _save(
        form,
        lambda data: services.update_challenge(actor=current_user, challenge=challenge, data=data),
    )
    if saved is not None:
        flash(_("Changes saved."), "success")
        return redirect(url_for("challenges.show", slug=saved.slug))
    return _render_form(form, challenge, [])


@bp.post("/challenges/<slug>/submit-for-review")
@login_required
def submit_for_review(slug: str) -> ResponseReturnValue:
    challenge = services.get_challenge(slug)
    services.submit_for_review(actor=current_user, challenge=challenge)
    if challenge.review_state == "approved":
        flash(
            _("Approved (review is switched off here). Fund the prize purse to publish."), "success"
        )
    else:
        flash(_("Sent to the platform team for review. We will e-mail you the outcome."), "success")
    return redirect(url_for("challenges.show", slug=slug))


@bp.get("/admin/reviews")
@login_required
def review_queue() -> ResponseReturnValue:
    if not can_view_admin(current_user):
        abort(403)
    return render_template(
        "challenges/review_queue.html", challenges=services.pending_reviews(), form=ReviewForm()
    )


@bp.post("/challenges/<slug>/review")
@login_required
def review(slug: str) -> ResponseReturnValue:
    challenge = services.get_challenge(slug)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400, _("The review form was incomplete."))
    if form.approve.data:
        services.approve_challenge(
            actor=current_user, challenge=challenge, comment=form.comment.data or ""
        )
        flash(_("Approved “%(title)s”.", title=challenge.title), "success")
    else:
        with domain_errors() as refused:
            services.request_changes(
                actor=current_user, challenge=challenge, comment=form.comment.data or ""
            )
        if refused:
            return redirect(url_for("challenges.review_queue"))
        flash(_("Changes requested for “%(title)s”.", title=challenge.title), "info")
    return redirect(url_for("challenges.review_queue"))


@bp.route("/challenges/<slug>/cancel", methods=["GET", "POST"])
@login_required
def cancel(slug: str) -> ResponseReturnValue:
    challenge = services.get_challenge(slug)
    form = CancelForm()
    if form.validate_on_submit():
        with domain_errors(form, reraise=(403, 409)) as refused:
            services.cancel_challenge(
                actor=current_user, challenge=challenge, reason=form.reason.data
            )
        if not refused:
            flash(
                _("The challenge is cancelled. Any funded purse is being refunded in full."), "info"
            )
            return redirect(url_for("challenges.show", slug=slug))
    if not can_cancel_challenge(current_user, challenge):
        abort(403)
    return render_template(
        "challenges/cancel.html", challenge=challenge, form=form
    ), 422 if form.errors else 200

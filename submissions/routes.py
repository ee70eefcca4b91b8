"""Entering a challenge, the entry page, editing and versions, withdrawing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.forms import ConfirmForm
from challenges.services import get_challenge
from core.db import db
from core.forms import domain_errors
from core.paging import page_arg, redirect_past_end
from submissions import bp, my_entries, pages, services
from submissions.forms import EnterForm, EntryForm
from submissions.models import SubmissionVersion
from submissions.policies import can_enter, can_see_history
from submissions.visibility import can_view_submission


def _visible(submission_id: int):
    # The entry page's byline names every member: load them with the entry.
    submission = services.get_submission(submission_id, with_team=True)
    if not can_view_submission(current_user, submission):
        abort(404)
    return submission


@bp.route("/challenges/<slug>/enter", methods=["GET", "POST"])
@login_required
def enter(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    existing = services.entry_of(current_user, challenge)
    if existing is not None:
        flash(_("You already have an entry in this challenge."), "info")
        return redirect(url_for("submissions.edit", submission_id=existing.id))
    if not can_enter(current_user, challenge):
        abort(
            403,
            _(
                "Entries are open to verified solvers (not the sponsor) while the challenge is "
                "open."
            ),
        )
    form = EnterForm()
    if form.validate_on_submit():
        with domain_errors(form, reraise=(403, 409)) as refused:
            submission = services.enter_challenge(
                actor=current_user,
                challenge=challenge,
                accepts_terms=form.accept_terms.data,
                attests_eligibility=form.attest_eligibility.data,
            )
        if not refused:
            flash(_("You are in. Your entry is a private draft until you submit it."), "success")
            return redirect(url_for("submissions.edit", submission_id=submission.id))
    return render_template(
        "submissions/enter.html", challenge=challenge, form=form
    ), 422 if form.errors else 200


@bp.get("/account/submissions")
@login_required
def mine() -> ResponseReturnValue:
    """Every entry the signed-in person owns or shares, newest first, page by page."""
    pagination = my_entries.entries_page(current_user, page_arg(), my_entries.PER_PAGE)
    if (past_end := redirect_past_end(pagination)) is not None:
        return past_end
    return render_template("submissions/mine.html", pagination=pagination)


@bp.get("/submissions/<int:submission_id>")
def show(submission_id: int) -> ResponseReturnValue:
    submission = _visible(submission_id)
    team_view = can_see_history(current_user, submission)
    version = services.latest_version(submission)
    return render_template(
        "submissions/show.html",
        submission=submission,
        challenge=submission.challenge,
        version=version,
        versions=services.versions_of(submission) if team_view else [],
        team_view=team_view,
        entry_page=pages.entry_page(current_user, submission, team_view=team_view),
    )


@bp.route("/submissions/<int:submission_id>/edit", methods=["GET", "POST"])
@login_required
def edit(submission_id: int) -> ResponseReturnValue:
    submission = services.get_submission(submission_id)
    if not can_see_history(current_user, submission):
        abort(403)
    form = EntryForm(obj=submission)
    if not form.is_submitted():
        form.base_version.data = submission.current_version
    status = 200
    if form.validate_on_submit():
        text = services.EntryText(
            title=form.title.data or "",
            summary=form.summary.data or "",
            body_md=form.body_md.data or "",
            links=form.links.data or "",
        )
        with domain_errors(form) as refused:
            version = services.save_entry(
                actor=current_user,
                submission=submission,
                text=text,
                base_version=form.base_version.data or 0,
                submit=bool(form.submit_entry.data),
            )
        status = refused.status
        if not refused:
            if version is None:
                flash(
                    _("Saved. Nothing changed since the last version.")
                    if submission.current_version
                    else _("Draft saved (private to your team)."),
                    "success",
                )
                return redirect(url_for("submissions.edit", submission_id=submission.id))
            flash(
                _(
                    "Version %(number)s submitted. Receipt hash %(hash)s…",
                    number=version.number,
                    hash=version.content_hash[:16],
                ),
                "success",
            )
            return redirect(
                url_for("submissions.receipt", submission_id=submission.id, number=version.number)
            )
    return render_template(
        "submissions/edit.html",
        submission=submission,
        challenge=submission.challenge,
        form=form,
        attachments=services.live_attachments(submission),
        needs_reacceptance=services.needs_reacceptance(submission),
        confirm_form=ConfirmForm(),
        edit_page=pages.edit_page(current_user, submission),
    ), status if status != 200 else (422 if form.errors else 200)


@bp.get("/submissions/<int:submission_id>/versions/<int:number>")
@login_required
def receipt(submission_id: int, number: int) -> ResponseReturnValue:
    submission = services.get_submission(submission_id)
    if not can_see_history(current_user, submission):
        abort(404)
    version = db.session.scalar(
        db.select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission.id, SubmissionVersion.number == number
        )
    )
    if version is None:
        abort(404)
    return render_template("submissions/receipt.html", submission=submission, version=version)


def _owner_action(submission_id: int, action, message: str) -> ResponseReturnValue:
    submission = services.get_submission(submission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action(actor=current_user, submission=submission)
    flash(message, "info")
    return redirect(url_for("submissions.show", submission_id=submission.id))


@bp.post("/submissions/<int:submission_id>/withdraw")
@login_required
def withdraw(submission_id: int) -> ResponseReturnValue:
    return _owner_action(
        submission_id,
        services.withdraw_entry,
        _("Entry withdrawn. You can reinstate it until the deadline."),
    )


@bp.post("/submissions/<int:submission_id>/reinstate")
@login_required
def reinstate(submission_id: int) -> ResponseReturnValue:
    return _owner_action(submission_id, services.reinstate_entry, _("Entry reinstated."))


@bp.post("/submissions/<int:submission_id>/accept-rules")
@login_required
def accept_rules(submission_id: int) -> ResponseReturnValue:
    submission = services.get_submission(submission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.accept_current_rules(actor=current_user, submission=submission)
    flash(
        _("You accepted rules version %(version)s.", version=submission.challenge.rules_version),
        "success",
    )
    return redirect(url_for("submissions.edit", submission_id=submission.id))

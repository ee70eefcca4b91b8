"""The sponsor's entries dashboard and moderation (report, disqualify, requalify)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.policies import is_admin
from challenges.models import Challenge
from challenges.services import get_challenge
from core.forms import domain_errors
from core.paging import page_arg, redirect_past_end
from submissions import bp, exports, gallery, moderation, services
from submissions.forms import ReasonForm
from submissions.models import Submission
from submissions.policies import can_manage_entries
from submissions.visibility import can_view_submission, visible_entry_ids


def _managed(slug: str) -> Challenge:
    challenge = get_challenge(slug)
    if not can_manage_entries(current_user, challenge):
        abort(403, _("Only the sponsor's owners and managers can manage this challenge's entries."))
    return challenge


@bp.get("/challenges/<slug>/manage")
@login_required
def manage(slug: str) -> ResponseReturnValue:
    """Every non-draft entry as a row of metadata (status, team size, versions, times).

    Titles and links appear only for entries the viewer may read under the visibility policy:
    before the deadline of a public-after-close or sponsor-only challenge the sponsor sees
    that entries exist and how they progress, never what they say. Drafts are only counted.
    """
    challenge = _managed(slug)
    listing = gallery.dashboard_rows(challenge, page_arg())
    if (past_end := redirect_past_end(listing.entries)) is not None:
        return past_end
    return render_template(
        "submissions/manage.html",
        challenge=challenge,
        listing=listing,
        readable=visible_entry_ids(
            current_user, challenge, among=[s.id for s in listing.submissions]
        ),
        exports_open=exports.exports_open(challenge),
    )


def _moderate(submission_id: int, action: Callable[..., object], message: str) -> Response:
    """Load the entry (404 unless the actor may read it), check the form, call ``action``."""
    submission: Submission = services.get_submission(submission_id)
    if not can_view_submission(current_user, submission):
        abort(404)
    back = redirect(url_for("submissions.show", submission_id=submission.id))
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason of at least 10 characters."), "warning")
        return back
    with domain_errors(flash_as="warning") as refused:
        action(actor=current_user, submission=submission, reason=form.reason.data)
    if not refused:
        flash(message, "success")
    return back


@bp.post("/submissions/<int:submission_id>/report")
@login_required
def report(submission_id: int) -> ResponseReturnValue:
    return _moderate(
        submission_id,
        moderation.report_submission,
        _("Thank you. The sponsor has been told and will look at this entry."),
    )


@bp.post("/submissions/<int:submission_id>/disqualify")
@login_required
def disqualify(submission_id: int) -> ResponseReturnValue:
    return _moderate(
        submission_id,
        moderation.disqualify_submission,
        _("Entry disqualified. The team has been told your reason."),
    )


@bp.post("/submissions/<int:submission_id>/requalify")
@login_required
def requalify(submission_id: int) -> ResponseReturnValue:
    if not is_admin(current_user):
        abort(403, _("Only the platform team can reinstate a disqualified entry."))
    return _moderate(
        submission_id,
        moderation.reinstate_disqualified,
        _("Entry reinstated. The team has been told."),
    )

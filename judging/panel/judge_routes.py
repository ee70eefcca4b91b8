"""Judge pages: my assignments, answering an invitation, reviewing an entry under its label
(rubric scores in evaluation and finalist rounds, pass/fail with a reason in screening)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from accounts.forms import ConfirmForm
from accounts.models import Organization
from core.db import db
from core.errors import DomainError
from core.forms import apply_error, domain_errors
from core.paging import page_arg, redirect_past_end
from judging import bp, services
from judging.access import judges_blind_to
from judging.models import Assignment, Judge, Round
from judging.panel.auto_assign import assign_for_judge
from judging.panel.forms import AcceptJudgingForm, ConflictForm, ReviewForm, review_form_for
from judging.panel.my_work import my_invitations, my_judging, seat_assignments
from judging.panel.reviews import seat_label
from judging.policies import (
    can_manage_judging,
    can_open_assignment,
    can_view_seat,
    is_judge_of,
    judging_window_open,
)
from judging.rounds.entries import round_now
from judging.rounds.forms import ScreeningForm
from judging.rounds.screening import record_verdict
from submissions.services import latest_version


@bp.get("/judging")
@login_required
def my_assignments() -> ResponseReturnValue:
    assign_for_judge(current_user.id)  # the deadline may have passed since the last visit
    return render_template(
        "judging/index.html",
        work=my_judging(current_user),
        invitations=my_invitations(current_user),
    )


@bp.get("/judging/seats/<int:judge_id>")
@login_required
def seat(judge_id: int) -> ResponseReturnValue:
    judge = db.get_or_404(Judge, judge_id)
    if not can_view_seat(current_user, judge):
        abort(403, _("Only the judge who accepted this seat can see its assignments."))
    assignments, done = seat_assignments(judge, page_arg())
    if (past_end := redirect_past_end(assignments)) is not None:
        return past_end
    return render_template("judging/seat.html", judge=judge, assignments=assignments, done=done)


def _invited(judge: Judge) -> None:
    if current_user.email != judge.email:
        abort(
            403,
            _("This invitation was sent to another e-mail address. Sign in with that account."),
        )


@bp.route("/judging/invitations/<int:judge_id>", methods=["GET", "POST"])
@login_required
def invitation(judge_id: int) -> ResponseReturnValue:
    judge = services.get_judge(judge_id)
    _invited(judge)
    form = AcceptJudgingForm()
    form.conflict_orgs.choices = [
        SelectChoice(str(org.id), org.name)
        for org in db.session.scalars(sa.select(Organization).order_by(Organization.name))
    ]
    if form.validate_on_submit():
        with domain_errors(form, reraise=(403, 409)) as refused:
            services.accept_judging(
                actor=current_user,
                judge=judge,
                conflicts_text=form.conflicts.data or "",
                conflict_org_ids=form.conflict_orgs.data or [],
                attest=bool(form.attest.data),
            )
        if not refused:
            flash(_("Welcome to the panel of “%(title)s”.", title=judge.challenge.title), "success")
            return redirect(url_for("judging.my_assignments"))
    return render_template(
        "judging/invitation.html", judge=judge, form=form, confirm_form=ConfirmForm()
    ), 422 if form.errors or form.form_errors else 200


@bp.post("/judging/invitations/<int:judge_id>/decline")
@login_required
def decline(judge_id: int) -> ResponseReturnValue:
    judge = services.get_judge(judge_id)
    _invited(judge)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.decline_judging(actor=current_user, judge=judge)
    flash(_("You declined the invitation. Thank you for answering."), "info")
    return redirect(url_for("judging.my_assignments"))


def _refused(
    assignment: Assignment, form: ReviewForm | ScreeningForm, error: DomainError
) -> ResponseReturnValue:
    """A refused save (often judging closing while the judge typed) shows the form again with
    the text kept and the reason, never a bare error page."""
    db.session.rollback()
    if error.status in (403, 409):
        error.message = _(
            "%(reason)s Your text is kept below: copy it if you want to keep it.",
            reason=error.message,
        )
    apply_error(form, error)
    return _review_page(assignment, form, error.status, keep_form=True)


def _review_page(
    assignment: Assignment,
    form: ReviewForm | ScreeningForm,
    status: int = 200,
    *,
    keep_form: bool = False,
) -> ResponseReturnValue:
    submission = assignment.submission
    review = assignment.review
    submitted = review is not None and review.submitted_at is not None
    current = assignment.round == round_now(submission.challenge)
    return render_template(
        "judging/review.html",
        assignment=assignment,
        challenge=submission.challenge,
        version=latest_version(submission),
        blind=judges_blind_to(current_user, submission),
        team=[member.user for member in submission.members],
        criteria=services.criteria_of(submission.challenge),
        review=review,
        submitted=submitted,
        editable=keep_form
        or (not submitted and current and judging_window_open(submission.challenge)),
        round_over=not current,
        screening=assignment.round == Round.SCREENING,
        form=form,
        seat=seat_label(assignment),
        others=services.other_reviews(current_user, assignment) if submitted else [],
        conflict_form=ConflictForm(),
    ), status


@bp.route("/judging/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def review(assignment_id: int) -> ResponseReturnValue:
    assignment = services.get_assignment(assignment_id)
    if not can_open_assignment(current_user, assignment):
        abort(403, _("Only the judge assigned to this entry, after attesting, can open it."))
    if assignment.round == Round.SCREENING:
        return _screen(assignment)
    criteria = services.criteria_of(assignment.submission.challenge)
    saved = assignment.review
    data = None
    if saved is not None and request.method == "GET":
        data = {
            "feedback_to_solver": saved.feedback_to_solver,
            "note_to_panel": saved.note_to_panel,
        }
        data |= {f"score_{k}": v for k, v in saved.score_map().items()}
        data |= {f"comment_{k}": v for k, v in saved.comment_map().items()}
    form = review_form_for(criteria, data=data)
    if not form.validate_on_submit():
        return _review_page(assignment, form, 422 if form.errors else 200)
    try:
        services.save_review(
            actor=current_user,
            assignment=assignment,
            scores={c.id: form[f"score_{c.id}"].data for c in criteria},
            comments={c.id: form[f"comment_{c.id}"].data or "" for c in criteria},
            feedback_to_solver=form.feedback_to_solver.data or "",
            note_to_panel=form.note_to_panel.data or "",
            submit=bool(form.submit_review.data),
        )
    except DomainError as error:
        return _refused(assignment, form, error)
    flash(_("Review submitted.") if form.submit_review.data else _("Draft saved."), "success")
    return redirect(url_for("judging.review", assignment_id=assignment.id))


def _screen(assignment: Assignment) -> ResponseReturnValue:
    form = ScreeningForm()
    if not form.validate_on_submit():
        return _review_page(assignment, form, 422 if form.errors else 200)
    try:
        record_verdict(
            actor=current_user,
            assignment=assignment,
            verdict=form.verdict.data,
            reason=form.reason.data or "",
        )
    except DomainError as error:
        return _refused(assignment, form, error)
    flash(_("Verdict submitted."), "success")
    return redirect(url_for("judging.review", assignment_id=assignment.id))


@bp.post("/judging/assignments/<int:assignment_id>/conflict")
@login_required
def declare_conflict(assignment_id: int) -> ResponseReturnValue:
    assignment = services.get_assignment(assignment_id)
    challenge = assignment.submission.challenge
    form = ConflictForm()
    if not form.validate_on_submit():
        abort(400, _("Describe the conflict (at least 5 characters)."))
    judge_declared = is_judge_of(current_user, assignment)
    replacement = services.void_for_conflict(
        actor=current_user, assignment=assignment, reason=form.reason.data
    )
    flash(
        _(
            "%(entry)s: assignment withdrawn for a conflict of interest. "
            "Another judge takes it over.",
            entry=assignment.blind_label,
        )
        if replacement
        else _(
            "%(entry)s: assignment withdrawn for a conflict of interest. "
            "No other judge is free of conflicts.",
            entry=assignment.blind_label,
        ),
        "info",
    )
    if not judge_declared and can_manage_judging(current_user, challenge):
        return redirect(url_for("judging.dashboard", slug=challenge.slug) + "#assignments")
    return redirect(url_for("judging.my_assignments"))

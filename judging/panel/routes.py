"""Sponsor pages: rubric, panel and invitations, assigning and swapping judges, progress, and
the reliability panel with reminders to late judges."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from accounts.forms import ConfirmForm
from challenges.models import Challenge
from challenges.services import get_challenge
from core import sections
from core.forms import domain_errors
from core.paging import page_arg, redirect_past_end
from judging import bp, services
from judging.models import AssignmentState
from judging.panel.assignments import active_judges, get_assignment
from judging.panel.auto_assign import assign_when_due, assigned_automatically
from judging.panel.forms import ConflictForm, InviteJudgeForm, RubricForm, SwapForm
from judging.panel.progress import Overview, overview
from judging.panel.reliability_panel import ReliabilityPanel, reliability_panel
from judging.panel.reminders import LateJudges, late_judges, remind_late_judges, reminded_message
from judging.panel.rubric import MAX_CRITERIA
from judging.policies import can_remind_judges, can_view_judging, rubric_is_free
from submissions.visibility import visible_entry_ids


def _rubric_form(challenge: Challenge) -> RubricForm:
    settings = services.settings_for(challenge)
    rows = [
        {
            "name": c.name,
            "weight": c.weight,
            "guidance": c.guidance,
            "anchor_low": c.anchor_low,
            "anchor_high": c.anchor_high,
        }
        for c in services.criteria_of(challenge)
    ]
    form = RubricForm(
        data={
            "criteria": rows,
            "k": settings.k,
            "passing_score": settings.passing_score,
            "blind_review": settings.blind_review,
        }
    )
    while len(form.criteria) < max(len(rows) + 1, 3) and len(form.criteria) < MAX_CRITERIA:
        form.criteria.append_entry()
    return form


def _listing() -> dict[str, int | None]:
    """The dashboard's page and filter of entries from the query string, as ``url_for``
    arguments (defaults left out)."""
    page = page_arg()
    return {
        "page": page if page > 1 else None,
        "open": 1 if request.args.get("open") == "1" else None,
    }


def _swap_forms(data: Overview) -> dict[int, SwapForm]:
    """Swap forms for the shown assignments that can still change hands; the judges to choose
    from are listed once and shared."""
    choices = [(judge.id, SelectChoice(str(judge.id), judge.label)) for judge in data.active]
    forms = {}
    for entry in data.entries:
        seated = {assignment.judge_id for assignment in entry.assignments}
        free = [choice for judge_id, choice in choices if judge_id not in seated]
        for assignment in entry.assignments:
            if assignment.state == AssignmentState.SUBMITTED:
                continue
            form = SwapForm(prefix=f"swap-{assignment.id}")
            form.judge.choices = free
            forms[assignment.id] = form
    return forms


@dataclass(frozen=True)
class ReliabilitySection:
    """The dashboard's reliability section: the panel, and the late judges for a viewer who
    may remind them (None for the others)."""

    panel: ReliabilityPanel
    late: LateJudges | None


def _reliability(challenge: Challenge) -> ReliabilitySection:
    late = late_judges(challenge) if can_remind_judges(current_user, challenge) else None
    return ReliabilitySection(reliability_panel(challenge), late)


def _page(
    challenge: Challenge,
    rubric_form: RubricForm | None = None,
    invite_form: InviteJudgeForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    if not can_view_judging(current_user, challenge):
        abort(403, _("The judging dashboard is for the sponsor's owners and managers."))
    listing = _listing()
    data = overview(challenge, listing["page"] or 1, open_only=bool(listing["open"]))
    if (past_end := redirect_past_end(data.pages)) is not None:
        return past_end
    return render_template(
        "judging/dashboard.html",
        challenge=challenge,
        settings=services.settings_for(challenge),
        criteria=services.criteria_of(challenge),
        rubric_form=rubric_form or _rubric_form(challenge),
        invite_form=invite_form or InviteJudgeForm(),
        confirm_form=ConfirmForm(),
        conflict_form=ConflictForm(),
        swap_forms=_swap_forms(data),
        overview=data,
        listing=listing,
        rubric_free=rubric_is_free(challenge),
        auto_assigned=assigned_automatically(challenge),
        readable=visible_entry_ids(current_user, challenge),
        top_sections=sections.collect("judging_dashboard.top", challenge=challenge),
        reliability=_reliability(challenge),
        bottom_sections=sections.collect(
            "judging_dashboard.bottom", challenge=challenge, viewer=current_user
        ),
    ), status


@bp.get("/challenges/<slug>/judging")
@login_required
def dashboard(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if can_view_judging(current_user, challenge):
        assign_when_due(challenge)  # the deadline may have passed since the last visit
    return _page(challenge)


@bp.post("/challenges/<slug>/judging/rubric")
@login_required
def save_rubric(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    form = RubricForm()
    if form.add_row.data:
        if len(form.criteria) < MAX_CRITERIA:
            form.criteria.append_entry()
        return _page(challenge, rubric_form=form)
    if form.validate_on_submit():
        args = {
            "actor": current_user,
            "challenge": challenge,
            "criteria": form.criteria_input(),
            "passing_score": form.passing_score.data,
            "k": form.k.data,
            "blind_review": bool(form.blind_review.data),
        }
        # the criteria are a list of rows: their message is shown above the form
        with domain_errors(form, above={"criteria"}) as refused:
            if rubric_is_free(challenge):
                services.set_rubric(**args)
            else:
                services.change_rubric_with_note(**args, note=form.change_note.data or "")
        if not refused:
            flash(_("Rubric saved."), "success")
            return redirect(url_for("judging.dashboard", slug=slug) + "#rubric")
    return _page(challenge, rubric_form=form, status=422)


@bp.post("/challenges/<slug>/judging/judges")
@login_required
def invite(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    form = InviteJudgeForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            judge = services.invite_judge(
                actor=current_user, challenge=challenge, email=form.email.data
            )
        if not refused:
            flash(_("Invitation sent to %(email)s.", email=judge.email), "success")
            return redirect(url_for("judging.dashboard", slug=slug) + "#panel")
    return _page(challenge, invite_form=form, status=422)


@bp.post("/challenges/<slug>/judging/judges/<int:judge_id>/remove")
@login_required
def remove(slug: str, judge_id: int) -> ResponseReturnValue:
    judge = services.get_judge(judge_id)
    if judge.challenge.slug != slug or not ConfirmForm().validate_on_submit():
        abort(404 if judge.challenge.slug != slug else 400)
    created = services.remove_judge(actor=current_user, judge=judge)
    message = (
        ngettext(
            "%(email)s is off the panel. %(num)d of their entries went to other judges.",
            "%(email)s is off the panel. %(num)d of their entries went to other judges.",
            len(created),
            email=judge.email,
        )
        if created
        else _("%(email)s is off the panel.", email=judge.email)
    )
    flash(message, "info")
    return redirect(url_for("judging.dashboard", slug=slug) + "#panel")


@bp.post("/challenges/<slug>/judging/assign")
@login_required
def assign(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with domain_errors() as refused:
        report = services.assign_judges(actor=current_user, challenge=challenge)
    if not refused:
        flash(report.message, "warning" if report.shortfall else "success")
    return redirect(url_for("judging.dashboard", slug=slug) + "#assignments")


@bp.post("/challenges/<slug>/judging/assignments/<int:assignment_id>/swap")
@login_required
def swap(slug: str, assignment_id: int) -> ResponseReturnValue:
    assignment = get_assignment(assignment_id)
    if assignment.submission.challenge.slug != slug:
        abort(404)
    form = SwapForm(prefix=f"swap-{assignment.id}")
    form.judge.choices = [
        SelectChoice(str(j.id), j.label) for j in active_judges(assignment.submission.challenge)
    ]
    if not form.validate_on_submit():
        abort(400, _("Choose the judge who takes this entry over."))
    with domain_errors() as refused:
        services.swap_judge(
            actor=current_user, assignment=assignment, new_judge=services.get_judge(form.judge.data)
        )
    if not refused:
        flash(_("%(entry)s has a new judge.", entry=assignment.blind_label), "success")
    back = url_for("judging.dashboard", slug=slug, **_listing(), _anchor="assignments")
    return redirect(back)


@bp.post("/challenges/<slug>/judging/remind")
@login_required
def remind_judges(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with domain_errors() as refused:
        count = remind_late_judges(actor=current_user, challenge=challenge)
    if not refused:
        flash(reminded_message(count), "success" if count else "info")
    return redirect(url_for("judging.dashboard", slug=slug) + "#reliability")

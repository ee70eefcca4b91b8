"""Rounds: screening verdicts, advancing entries to evaluation and to the finalist round."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from accounts.forms import ConfirmForm
from challenges.models import Challenge
from challenges.services import get_challenge
from core.forms import domain_errors
from judging import bp
from judging.models import JudgingSettings, Round
from judging.panel.assignments import active_judges
from judging.panel.judges import get_judge
from judging.policies import can_manage_judging, can_view_judging
from judging.rounds.advance import (
    advance_to_evaluation,
    advance_to_finalists,
    evaluation_preview,
    finalist_preview,
    set_rounds,
)
from judging.rounds.entries import round_now
from judging.rounds.forms import AddScreenerForm, AdvanceForm, RoundsForm
from judging.rounds.screening import (
    ScreeningState,
    ScreeningStatus,
    add_screener,
    assign_screeners,
    screener_choices,
    screening_states,
)
from judging.settings import settings_for
from submissions.services import get_submission
from submissions.visibility import visible_entry_ids

ADVANCE = "/challenges/<slug>/judging/advance/<any(evaluation, finalist):target>"


def _dashboard(slug: str, anchor: str = "rounds") -> ResponseReturnValue:
    return redirect(url_for("judging.dashboard", slug=slug) + f"#{anchor}")


def _managed(slug: str) -> Challenge:
    challenge = get_challenge(slug)
    if not can_manage_judging(current_user, challenge):
        abort(403, _("Only the sponsor's owners and managers run the judging rounds."))
    return challenge


@bp.post("/challenges/<slug>/judging/rounds")
@login_required
def save_rounds(slug: str) -> ResponseReturnValue:
    challenge = _managed(slug)
    form = RoundsForm()
    if not form.validate_on_submit():
        errors = [error for f in form for error in f.errors]
        flash(errors[0] if errors else _("Check the rounds settings."), "danger")
        return _dashboard(slug)
    with domain_errors() as refused:
        set_rounds(
            actor=current_user,
            challenge=challenge,
            screening=bool(form.screening.data),
            finalist_count=form.finalist_count.data,
        )
    if not refused:
        flash(_("Rounds saved."), "success")
    return _dashboard(slug)


@bp.post("/challenges/<slug>/judging/screeners")
@login_required
def screeners(slug: str) -> ResponseReturnValue:
    challenge = _managed(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with domain_errors() as refused:
        report = assign_screeners(actor=current_user, challenge=challenge)
    if not refused:
        flash(report.message, "warning" if report.shortfall else "success")
    return _dashboard(slug)


@bp.post("/challenges/<slug>/judging/screening/<int:submission_id>/screener")
@login_required
def screener(slug: str, submission_id: int) -> ResponseReturnValue:
    challenge = _managed(slug)
    submission = get_submission(submission_id)
    if submission.challenge_id != challenge.id:
        abort(404)
    form = AddScreenerForm(prefix=f"screener-{submission_id}")
    form.judge.choices = [SelectChoice(str(j.id), j.label) for j in active_judges(challenge)]
    if not form.validate_on_submit():
        abort(400, _("Choose the judge who screens this entry."))
    with domain_errors() as refused:
        assignment = add_screener(
            actor=current_user,
            challenge=challenge,
            submission=submission,
            judge=get_judge(form.judge.data),
        )
    if not refused:
        flash(_("%(entry)s has a new screener.", entry=assignment.blind_label), "success")
    return _dashboard(slug)


@bp.get(ADVANCE)
@login_required
def advance(slug: str, target: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if not can_view_judging(current_user, challenge):
        abort(403, _("The judging rounds are for the sponsor's owners and managers."))
    if target == Round.EVALUATION:
        preview = evaluation_preview(challenge)
        ids = [state.submission_id for state in preview.admitted]
    else:
        preview = finalist_preview(challenge)
        ids = [row.submission_id for row in preview.finalists]
    return render_template(
        "judging/advance.html",
        challenge=challenge,
        target=target,
        preview=preview,
        settings=settings_for(challenge),
        form=AdvanceForm(data={"entries": ",".join(map(str, ids))}),
        manage=can_manage_judging(current_user, challenge),
        readable=visible_entry_ids(current_user, challenge),
    )


@bp.post(ADVANCE)
@login_required
def confirm_advance(slug: str, target: str) -> ResponseReturnValue:
    challenge = _managed(slug)
    form = AdvanceForm()
    expected = form.entry_ids() if form.validate_on_submit() else None
    if expected is None:
        abort(400, _("Open the list again and confirm it from there."))
    with domain_errors() as refused:
        if target == Round.EVALUATION:
            count = advance_to_evaluation(
                actor=current_user, challenge=challenge, expected=expected
            )
            message = ngettext(
                "The evaluation round has begun with %(num)d entry. Assign judges next.",
                "The evaluation round has begun with %(num)d entries. Assign judges next.",
                count,
            )
        else:
            message = advance_to_finalists(
                actor=current_user, challenge=challenge, expected=expected
            ).message
    if refused:
        return redirect(url_for("judging.advance", slug=slug, target=target))
    flash(message, "success")
    return _dashboard(slug, "assignments")


# ---- what the dashboard partial shows ------------------------------------------------------


@dataclass
class RoundsPanel:
    """The sponsor's rounds section: settings form, screening states, add-screener forms."""

    settings: JudgingSettings
    round: Round
    form: RoundsForm
    states: list[ScreeningState] = field(default_factory=list)
    screener_forms: dict[int, AddScreenerForm] = field(default_factory=dict)
    needs_second: ClassVar[str] = ScreeningStatus.NEEDS_SECOND  # the tally's key, for the template

    @property
    def tally(self) -> Counter:
        return Counter(state.status for state in self.states)


def rounds_panel(challenge: Challenge) -> RoundsPanel:
    settings = settings_for(challenge)
    form = RoundsForm(
        data={"screening": bool(settings.screening), "finalist_count": settings.finalist_count}
    )
    panel = RoundsPanel(settings, round_now(challenge), form)
    if settings.screening:
        panel.states = screening_states(challenge)
        if panel.round == Round.SCREENING:
            for submission_id, judges in screener_choices(challenge, panel.states).items():
                add = AddScreenerForm(prefix=f"screener-{submission_id}")
                add.judge.choices = [SelectChoice(str(j.id), j.label) for j in judges]
                panel.screener_forms[submission_id] = add
    return panel

"""Sponsor dashboard: reliability panel (agreement, judge bias, flags), reminders to late judges."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from accounts.forms import ConfirmForm
from challenges.services import get_challenge
from core.errors import DomainError
from judging import bp
from judging.panel_health import agreement_words, bias_chart, panel_health
from judging.reminders import late_judges, remind_late_judges, reminded_message


@bp.post("/challenges/<slug>/judging/remind")
@login_required
def remind_judges(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = remind_late_judges(actor=current_user, challenge=challenge)
    except DomainError as error:
        if error.status == 403:
            raise
        flash(error.message, "danger")
    else:
        flash(reminded_message(count), "success" if count else "info")
    return redirect(url_for("judging.dashboard", slug=slug) + "#reliability")


# Jinja globals this module offers templates; judging/templating.py merges them.
TEMPLATE_HELPERS: dict[str, Any] = {
    "panel_health": panel_health,
    "bias_chart": bias_chart,
    "agreement_words": agreement_words,
    "late_judges": late_judges,
}

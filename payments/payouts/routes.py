"""The platform admins' payouts page: payouts by status, retry now, re-issue a failed payout."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.forms import ConfirmForm
from core.forms import domain_errors
from core.paging import page_arg, redirect_past_end
from payments import bp
from payments.payouts import admin
from payments.payouts.admin import FILTER_EMPTY, FILTER_WORDS, STATUS_WORDS, PayoutFilter
from payments.policies import can_manage_payouts


@bp.get("/admin/payouts")
@login_required
def admin_payouts() -> ResponseReturnValue:
    if not can_manage_payouts(current_user):
        abort(403)
    counts = admin.counts()
    # Without a choice, open on what needs an admin most that has any payouts in it.
    urgency = [PayoutFilter.FAILED, PayoutFilter.ATTENTION, PayoutFilter.FROZEN]
    urgency += [PayoutFilter.PROCESSING, PayoutFilter.PENDING, PayoutFilter.WAITING]
    first = next((f for f in urgency if counts.get(f)), PayoutFilter.FAILED)
    try:
        which = PayoutFilter(request.args.get("status", first))
    except ValueError:
        which = PayoutFilter.FAILED
    pagination = admin.page_of_payouts(which, page_arg(), current_app.config["PER_PAGE"])
    if (past_end := redirect_past_end(pagination)) is not None:
        return past_end
    return render_template(
        "payments/admin_payouts.html",
        which=which,
        words=FILTER_WORDS,
        empty=FILTER_EMPTY[which],
        status_words=STATUS_WORDS,
        counts=counts,
        pagination=pagination,
    )


def _back() -> ResponseReturnValue:
    return redirect(url_for("payments.admin_payouts", status=request.args.get("status") or None))


@bp.post("/admin/payouts/<int:payout_id>/retry")
@login_required
def admin_retry_payout(payout_id: int) -> ResponseReturnValue:
    if not can_manage_payouts(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        flash(_("The page expired; please try again."), "warning")
        return _back()
    with domain_errors() as refused:
        run = admin.retry_payout(actor=current_user, payout_id=payout_id)
    if not refused:
        message = _(
            "Payout worker ran for the challenge: paid %(paid)s, failed %(failed)s, waiting for "
            "onboarding %(waiting)s, outcome unknown %(unknown)s, skipped %(skipped)s.",
            paid=run.paid,
            failed=run.failed,
            waiting=run.waiting,
            unknown=run.unknown,
            skipped=run.skipped,
        )
        flash(message, "success")
    return _back()


@bp.post("/admin/payouts/<int:payout_id>/reissue")
@login_required
def admin_reissue_payout(payout_id: int) -> ResponseReturnValue:
    if not can_manage_payouts(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        flash(_("The page expired; please try again."), "warning")
        return _back()
    with domain_errors() as refused:
        payout = admin.reissue_payout(actor=current_user, payout_id=payout_id)
    if not refused:
        flash(
            _(
                "Payout %(old)s re-issued as payout %(new)s; "
                "it is paid once the recipient can receive transfers.",
                old=payout_id,
                new=payout.id,
            ),
            "success",
        )
    return _back()

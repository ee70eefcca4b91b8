"""Team and lineage pages: invitations, members and shares, and what an entry builds on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from accounts.models import User
from core.db import db
from core.errors import ValidationFailed
from core.extensions import limiter
from core.forms import FlaskForm, domain_errors
from submissions import bp, lineage, services, teams
from submissions.models import InviteStatus, Submission, TeamInvite
from submissions.visibility import can_view_submission


class InviteForm(FlaskForm):
    handle_or_email = StringField(
        _l("Handle or e-mail address"), validators=[DataRequired(), Length(max=254)]
    )


class LineageForm(FlaskForm):
    entry = StringField(_l("Entry number or address"), validators=[DataRequired(), Length(max=300)])
    note = TextAreaField(
        _l("What it takes from that entry"), validators=[Optional(), Length(max=300)]
    )


def shares_from_percent(values: Mapping[int, str]) -> dict[int, int]:
    """Percentages typed in the form (``"33.34"``) as basis points (3334)."""
    shares: dict[int, int] = {}
    for user_id, text in values.items():
        try:
            percent = Decimal((text or "").strip().replace(",", "."))
        except InvalidOperation:
            percent = Decimal("NaN")
        exponent = percent.as_tuple().exponent
        if not percent.is_finite() or percent < 0 or not isinstance(exponent, int) or exponent < -2:
            raise ValidationFailed(
                _("Enter each share as a percentage with at most two decimals, such as 33.33.")
            )
        shares[user_id] = int(percent * 100)
    return shares


def _numbered(prefix: str) -> dict[int, str]:
    """Form fields named ``<prefix><user id>``."""
    return {
        int(key.removeprefix(prefix)): value
        for key, value in request.form.items()
        if key.startswith(prefix) and key.removeprefix(prefix).isdigit()
    }


def _entry(submission_id: int) -> Submission:
    submission = services.get_submission(submission_id)
    if not can_view_submission(current_user, submission):
        abort(404)
    return submission


def _attempt(action: Callable[[], object], success: str) -> bool:
    """Run one service; refusals other than "not allowed" come back as a flashed message."""
    with domain_errors() as refused:
        action()
    if not refused:
        flash(success, "success")
    return not refused


def _team_page(submission: Submission) -> str:
    return url_for("submissions.show", submission_id=submission.id) + "#team"


@bp.post("/submissions/<int:submission_id>/team/invites")
@login_required
@limiter.limit("30 per hour")  # each invitation sends an e-mail
def invite_teammate(submission_id: int) -> ResponseReturnValue:
    submission = _entry(submission_id)
    form = InviteForm()
    if not form.validate_on_submit():
        flash(_("Enter a handle (like @ada) or an e-mail address to invite."), "danger")
        return redirect(_team_page(submission))
    who = form.handle_or_email.data

    def invite() -> object:
        return teams.invite_teammate(actor=current_user, submission=submission, handle_or_email=who)

    _attempt(invite, _("Invitation sent to %(who)s.", who=who.strip()))
    return redirect(_team_page(submission))


@bp.post("/submissions/<int:submission_id>/team/invites/<int:invite_id>/revoke")
@login_required
def revoke_team_invite(submission_id: int, invite_id: int) -> ResponseReturnValue:
    submission = _entry(submission_id)
    invite = db.session.get(TeamInvite, invite_id)
    if invite is None or invite.submission_id != submission.id:
        abort(404)
    _attempt(
        lambda: teams.revoke_invite(actor=current_user, invite=invite), _("Invitation revoked.")
    )
    return redirect(_team_page(submission))


@bp.post("/submissions/<int:submission_id>/team/members/<int:user_id>/remove")
@login_required
def remove_teammate(submission_id: int, user_id: int) -> ResponseReturnValue:
    submission = _entry(submission_id)
    leaving = user_id == current_user.id
    if leaving:
        success = _("You left the team.")
    else:
        success = _("Removed from the team; shares are split equally.")
    done = _attempt(
        lambda: teams.remove_teammate(actor=current_user, submission=submission, user_id=user_id),
        success,
    )
    if done and leaving:  # the entry may be a draft they can no longer see
        return redirect(url_for("challenges.show", slug=submission.challenge.slug))
    return redirect(_team_page(submission))


@bp.post("/submissions/<int:submission_id>/team/shares")
@login_required
def propose_shares(submission_id: int) -> ResponseReturnValue:
    submission = _entry(submission_id)

    def propose() -> None:
        shares = shares_from_percent(_numbered("share-"))
        teams.propose_shares(actor=current_user, submission=submission, shares=shares)

    _attempt(propose, _("Shares proposed; each teammate is asked to accept."))
    return redirect(_team_page(submission))


@bp.post("/submissions/<int:submission_id>/team/shares/accept")
@login_required
def accept_shares(submission_id: int) -> ResponseReturnValue:
    submission = _entry(submission_id)
    seen = {user_id: int(v) for user_id, v in _numbered("seen-").items() if v.isdigit()}
    _attempt(
        lambda: teams.accept_shares(actor=current_user, submission=submission, seen=seen or None),
        _("You accepted the shares."),
    )
    return redirect(_team_page(submission))


def _my_invite(invite_id: int) -> TeamInvite:
    invite = db.session.get(TeamInvite, invite_id)
    if invite is None or not teams.is_invitee(current_user, invite):
        abort(404)
    return invite


@bp.get("/team-invites/<int:invite_id>")
@login_required
def team_invite(invite_id: int) -> ResponseReturnValue:
    invite = _my_invite(invite_id)
    submission = invite.submission
    return render_template(
        "submissions/team.html",
        invite=invite,
        submission=submission,
        challenge=submission.challenge,
        inviter=db.session.get(User, invite.invited_by_id) if invite.invited_by_id else None,
        pending=invite.status == InviteStatus.PENDING and teams.team_is_open(submission),
    )


@bp.post("/team-invites/<int:invite_id>/accept")
@login_required
def accept_team_invite(invite_id: int) -> ResponseReturnValue:
    invite = _my_invite(invite_id)
    submission_id = invite.submission_id
    if _attempt(
        lambda: teams.accept_invite(actor=current_user, invite=invite),
        _("Welcome to the team. Check the proposed shares and accept them."),
    ):
        return redirect(url_for("submissions.show", submission_id=submission_id) + "#team")
    return redirect(url_for("submissions.team_invite", invite_id=invite_id))


@bp.post("/team-invites/<int:invite_id>/decline")
@login_required
def decline_team_invite(invite_id: int) -> ResponseReturnValue:
    invite = _my_invite(invite_id)
    _attempt(
        lambda: teams.decline_invite(actor=current_user, invite=invite), _("Invitation declined.")
    )
    return redirect(url_for("submissions.team_invite", invite_id=invite_id))


def _lineage_page(submission: Submission) -> str:
    return url_for("submissions.edit", submission_id=submission.id) + "#lineage"


@bp.post("/submissions/<int:submission_id>/lineage")
@login_required
def declare_builds_on(submission_id: int) -> ResponseReturnValue:
    submission = _entry(submission_id)
    form = LineageForm()
    if not form.validate_on_submit():
        flash(
            _("Give the entry's number or address, and a note of at most 300 characters."),
            "danger",
        )
        return redirect(_lineage_page(submission))

    def declare() -> None:
        cited = lineage.parse_entry_reference(form.entry.data)
        lineage.declare_builds_on(
            actor=current_user, submission=submission, builds_on_id=cited, note=form.note.data
        )

    _attempt(declare, _("Lineage saved: both entries now show the link."))
    return redirect(_lineage_page(submission))


@bp.post("/submissions/<int:submission_id>/lineage/<int:builds_on_id>/remove")
@login_required
def remove_builds_on(submission_id: int, builds_on_id: int) -> ResponseReturnValue:
    submission = _entry(submission_id)
    _attempt(
        lambda: lineage.remove_builds_on(
            actor=current_user, submission=submission, builds_on_id=builds_on_id
        ),
        _("This entry no longer cites #%(id)s.", id=builds_on_id),
    )
    return redirect(_lineage_page(submission))

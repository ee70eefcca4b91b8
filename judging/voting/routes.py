"""Community voting: casting and changing votes, the tally, People's Choice, quarantine review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from accounts.forms import ConfirmForm
from accounts.models import User
from accounts.policies import can_view_admin
from challenges.models import Challenge
from challenges.openness import SolutionVisibility
from challenges.services import get_challenge
from core.db import utcnow
from core.errors import DomainError
from core.forms import domain_errors
from judging import bp
from judging.models import JudgingSettings
from judging.policies import (
    VOTE_REFUSALS,
    can_manage_judging,
    vote_refusal,
    voter_eligible_from,
)
from judging.settings import settings_for
from judging.voting import oversight, votes
from judging.voting.forms import CommunitySettingsForm, VoteForm
from judging.voting.models import Vote, VoteReview
from submissions.models import Submission
from submissions.services import get_submission
from submissions.visibility import can_view_submission

CAST = {
    1: _l("Your up-vote is in."),
    -1: _l("Your down-vote is in."),
    0: _l("Your vote was withdrawn."),
}
HIDES_ENTRIES = {SolutionVisibility.SPONSOR_ONLY, SolutionVisibility.PUBLIC_AFTER_CLOSE}


@bp.post("/submissions/<int:submission_id>/vote")
@login_required
def vote(submission_id: int) -> ResponseReturnValue:
    submission = get_submission(submission_id)
    if not can_view_submission(current_user, submission):
        abort(404)
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400, _("Choose “Vote up”, “Vote down” or “Withdraw my vote”."))
    value = form.value.data
    try:
        cast = votes.cast_vote(
            actor=current_user, submission=submission, value=value, ip=request.remote_addr
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "info" if isinstance(error, votes.AlreadyCounted) else "warning")
    else:
        under_review = (
            " " + _("It is under review before it counts.") if cast and cast.quarantined else ""
        )
        flash(str(CAST[value]) + under_review, "success")
    return redirect(url_for("submissions.show", submission_id=submission.id) + "#votes")


@bp.post("/challenges/<slug>/judging/community")
@login_required
def community_settings(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if not can_manage_judging(current_user, challenge):
        abort(403, _("Only the sponsor's owners and managers change community settings."))
    form = community_form(challenge, formdata=True)
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash(errors[0] if errors else _("Check the community settings."), "danger")
    else:
        with domain_errors() as refused:
            oversight.set_community_settings(
                actor=current_user,
                challenge=challenge,
                peoples_choice_tier_id=form.peoples_choice_tier.data or None,
                community_weight=form.community_weight.data,
            )
        if not refused:
            flash(_("Community settings saved."), "success")
    return redirect(url_for("judging.dashboard", slug=slug) + "#community")


@bp.get("/admin/votes")
@login_required
def vote_quarantine() -> ResponseReturnValue:
    if not can_view_admin(current_user):
        abort(403)
    queue = oversight.quarantine_queue()
    groups = [
        (rows[0].submission.challenge, rows)
        for _challenge_id, grouped in groupby(queue, key=lambda v: v.submission.challenge_id)
        for rows in [list(grouped)]
    ]
    return render_template(
        "judging/vote_quarantine.html",
        groups=groups,
        shown=len(queue),
        total=votes.quarantined_count(),
        now=utcnow(),
        reason_labels=votes.reason_labels,
    )


@bp.post("/admin/votes/<int:vote_id>/<any(count, discard):action>")
@login_required
def review_vote(vote_id: int, action: str) -> ResponseReturnValue:
    if not can_view_admin(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    decision = VoteReview.COUNTED if action == "count" else VoteReview.DISCARDED
    with domain_errors(flash_as="warning", reraise=(403, 404)) as refused:
        oversight.review_vote(
            actor=current_user, vote=oversight.get_vote(vote_id), decision=decision
        )
    if not refused:
        flash(
            _("The vote counts.")
            if action == "count"
            else _("The vote is discarded (kept on record)."),
            "success",
        )
    return redirect(url_for("judging.vote_quarantine"))


# ---- what the partials show ----------------------------------------------------------------


@dataclass(frozen=True)
class EntryVotes:
    up: int
    down: int
    mine: Vote | None
    refusal: str | None  # a VOTE_REFUSALS key; None: the viewer may vote
    message: str
    eligible_from: datetime | None
    closes_at: datetime


def entry_votes(submission: Submission, user: User | None) -> EntryVotes | None:
    """The entry page's voting box: None when the challenge has no community votes."""
    challenge = submission.challenge
    if not challenge.community_voting:
        return None
    up, down = votes.tally_of(submission)
    refusal = vote_refusal(user, submission)
    mine = votes.vote_of(user, submission)
    if refusal == "too_new":
        return EntryVotes(
            up, down, mine, refusal, "", voter_eligible_from(user), challenge.judging_ends_at
        )
    message = str(VOTE_REFUSALS.get(refusal, "")) if refusal else ""
    return EntryVotes(up, down, mine, refusal, message, None, challenge.judging_ends_at)


def community_form(challenge: Challenge, formdata: bool = False) -> CommunitySettingsForm:
    settings: JudgingSettings = settings_for(challenge)
    data = {
        "peoples_choice_tier": settings.peoples_choice_tier_id or 0,
        "community_weight": settings.community_weight or 0.0,
    }
    form = CommunitySettingsForm() if formdata else CommunitySettingsForm(data=data)
    form.peoples_choice_tier.choices = [SelectChoice("0", _("None: no People's Choice prize"))] + [
        SelectChoice(str(t.id), _("%(prize)s (place %(place)s)", prize=t.label, place=t.place))
        for t in challenge.prize_tiers
    ]
    return form


@dataclass(frozen=True)
class CommunityPanel:
    settings: JudgingSettings
    form: CommunitySettingsForm
    standings: list[votes.Standing]
    quarantined: int
    hidden_until_results: bool


def community_panel(challenge: Challenge) -> CommunityPanel:
    """The sponsor's People's Choice settings and the community standings (counted votes)."""
    return CommunityPanel(
        settings=settings_for(challenge),
        form=community_form(challenge),
        standings=votes.standings(challenge) if challenge.community_voting else [],
        quarantined=votes.quarantined_count(challenge) if challenge.community_voting else 0,
        hidden_until_results=challenge.solution_visibility in HIDES_ENTRIES,
    )

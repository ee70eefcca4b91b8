"""Public results: a challenge's results page, the winners across challenges, solver feedback."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from accounts.policies import is_admin
from challenges.policies import can_view_challenge, is_sponsor_member
from challenges.services import get_challenge
from core.paging import page_arg, redirect_past_end
from judging import bp
from judging.results import publication


@bp.get("/challenges/<slug>/results")
def results(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    data = publication.results_of(challenge, current_user)
    if data is None:
        # The sponsor (and admins) learn why the page is empty; everyone else gets a 404.
        sponsor = is_sponsor_member(current_user, challenge) or is_admin(current_user)
        if not (sponsor and can_view_challenge(current_user, challenge)):
            abort(404, _("There are no published results at this address."))
        return render_template("judging/results.html", challenge=challenge, results=None)
    ranked, columns = None, []
    if data.scores_public:  # otherwise the public sees the winners only
        ranked = publication.ranked_page(data.snapshot, current_user, page_arg())
        if (past_end := redirect_past_end(ranked)) is not None:
            return past_end
        columns = publication.criterion_columns(challenge, ranked.items)
    return render_template(
        "judging/results.html", challenge=challenge, results=data, ranked=ranked, columns=columns
    )


@bp.get("/winners")
def winners() -> ResponseReturnValue:
    pagination = publication.winners_page(current_user, page_arg())
    if (past_end := redirect_past_end(pagination)) is not None:
        return past_end
    return render_template("judging/winners.html", pagination=pagination)

"""The /solutions gallery: submitted entries the viewer may see, filtered and paginated."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from challenges.openness import SubmissionLicense
from core.paging import page_arg, redirect_past_end
from submissions import bp, gallery


@bp.get("/solutions")
def solutions() -> ResponseReturnValue:
    filters = gallery.clean_filters(request.args)
    pagination = gallery.gallery(
        current_user, filters, page=page_arg(), per_page=current_app.config["PER_PAGE"]
    )
    if (past_end := redirect_past_end(pagination)) is not None:
        return past_end
    return render_template(
        "submissions/solutions.html",
        count_cap=gallery.COUNT_CAP,
        pagination=pagination,
        filters=filters,
        challenges=gallery.challenge_choices(current_user),
        licenses=list(SubmissionLicense),
    )

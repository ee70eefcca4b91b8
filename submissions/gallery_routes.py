"""The /solutions gallery: submitted entries the viewer may see, filtered and paginated."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from challenges.openness import SubmissionLicense
from submissions import bp, gallery

MAX_PAGE = 100_000  # keeps the offset within a database integer


@bp.get("/solutions")
def solutions() -> ResponseReturnValue:
    filters = gallery.clean_filters(request.args)
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    pagination = gallery.gallery(
        current_user, filters, page=page, per_page=current_app.config["PER_PAGE"]
    )
    return render_template(
        "submissions/solutions.html",
        count_cap=gallery.COUNT_CAP,
        pagination=pagination,
        filters=filters,
        challenges=gallery.challenge_choices(current_user),
        licenses=list(SubmissionLicense),
    )

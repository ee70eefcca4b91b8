"""The /solutions gallery: submitted entries the viewer may see, filtered, paged by cursor."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from challenges.openness import SubmissionLicense
from core.keyset import BadCursor, seek_args
from core.paging import page_arg
from submissions import bp, gallery


@bp.get("/solutions")
def solutions() -> ResponseReturnValue:
    filters = gallery.clean_filters(request.args)
    links = {
        "q": filters.q or None,
        "challenge": filters.challenge or None,
        "license": filters.license or None,
    }
    try:
        seek = seek_args()
    except BadCursor:
        flash(_("That page link is broken or cut short: here are the newest solutions."), "info")
        return redirect(url_for("submissions.solutions", **links))
    if "page" in request.args and (number := page_arg()) > 1:
        # Old numbered links (the gallery paged by number until it paged by cursor).
        flash(
            _(
                "Solutions are no longer numbered by page (page %(number)s moved as new ones came "
                "in): here are the newest; Older leads on from them.",
                number=number,
            ),
            "info",
        )
        return redirect(url_for("submissions.solutions", **links))
    choices = gallery.challenge_choices(current_user, filters.challenge)
    filters.challenge_id = choices.chosen_id
    page = gallery.gallery(current_user, filters, seek, per_page=current_app.config["PER_PAGE"])
    return render_template(
        "submissions/solutions.html",
        count_cap=gallery.COUNT_CAP,
        page=page,
        links=links,
        filters=filters,
        challenges=choices.options,
        licenses=list(SubmissionLicense),
    )

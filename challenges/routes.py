"""Public challenge pages: front page, browse and search, challenge page, Atom feed."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from challenges import bp, community
from challenges.drafts import normalize_tags
from challenges.feeds import atom_feed
from challenges.forms import QuestionForm, UpdateForm
from challenges.models import CATEGORIES, Challenge, Phase, RulesChange
from challenges.openness import SolutionVisibility
from challenges.policies import can_ask_question, can_post_update, can_view_challenge
from challenges.search import (
    MAX_MIN_PRIZE,
    PUBLIC_PHASES,
    SORTS,
    BrowseFilters,
    browse,
    browse_query,
)
from challenges.services import get_challenge
from core import sections
from core.db import db
from core.paging import page_arg, parse_bounded, redirect_past_end


def filters_from_args() -> BrowseFilters:
    args = request.args
    min_prize = args.get("min_prize", "").replace(",", "").strip()
    sort = args.get("sort", "relevance")  # best match for a search, closing soon otherwise
    return BrowseFilters(
        q=args.get("q", "").strip()[:200],
        phase=args.get("status", "") if args.get("status") in set(PUBLIC_PHASES) else "",
        category=args.get("category", "") if args.get("category") in CATEGORIES else "",
        min_prize=parse_bounded(min_prize, MAX_MIN_PRIZE, minimum=0) or None,
        visibility=args.get("openness", "")
        if args.get("openness") in set(SolutionVisibility)
        else "",
        sort=sort if sort in SORTS else "relevance",
        tag=next(iter(normalize_tags(args.get("tag", ""))), ""),
    )


@bp.get("/")
def home() -> ResponseReturnValue:
    featured = db.session.scalars(browse_query(BrowseFilters(phase=Phase.OPEN)).limit(6)).all()
    return render_template("challenges/home.html", featured=featured)


@bp.get("/challenges")
def index() -> ResponseReturnValue:
    filters = filters_from_args()
    pagination = browse(filters, page=page_arg(), per_page=current_app.config["PER_PAGE"])
    if (past_end := redirect_past_end(pagination)) is not None:
        return past_end
    return render_template(
        "challenges/index.html",
        pagination=pagination,
        filters=filters,
        categories=CATEGORIES,
        sorts=SORTS,
        phases=PUBLIC_PHASES,
    )


@bp.get("/challenges/<slug>")
def show(slug: str) -> ResponseReturnValue:
    return render_challenge_page(get_challenge(slug))


def render_challenge_page(
    challenge: Challenge, *, question_form: QuestionForm | None = None, status: int = 200
) -> ResponseReturnValue:
    """The challenge page; a refused question comes back in its form, with the message.

    A form is built only for a viewer who may send it: building one makes a CSRF token, which
    stores a session and sets its cookie, even for an anonymous visitor who sees no form."""
    if not can_view_challenge(current_user, challenge):
        abort(404)
    if question_form is None and can_ask_question(current_user, challenge):
        question_form = QuestionForm()
    changes = db.session.scalars(
        db.select(RulesChange)
        .where(RulesChange.challenge_id == challenge.id)
        .order_by(RulesChange.version.desc())
    ).all()
    return render_template(
        "challenges/show.html",
        challenge=challenge,
        now_phase=challenge.phase(),
        questions=community.questions_for(challenge),
        updates=community.updates_for(challenge),
        rules_changes=changes,
        following=community.is_following(current_user, challenge),
        question_form=question_form,
        update_form=UpdateForm() if can_post_update(current_user, challenge) else None,
        funding_state=request.args.get("funding"),
        action_sections=sections.collect(
            "challenge.actions", challenge=challenge, viewer=current_user
        ),
        top_sections=sections.collect("challenge.top", challenge=challenge, viewer=current_user),
        prize_sections=sections.collect("challenge.prizes", challenge=challenge),
    ), status


@bp.get("/feeds/challenges.atom")
def feed() -> ResponseReturnValue:
    challenges: list[Challenge] = db.session.scalars(
        browse_query(BrowseFilters(sort="newest")).limit(50)
    ).all()
    return Response(atom_feed(challenges), mimetype="application/atom+xml")

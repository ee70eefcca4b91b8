"""Read API for published challenges."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request, url_for
from flask.typing import ResponseReturnValue

from api import bp
from challenges.drafts import MAX_TAG_LENGTH, normalize_tags
from challenges.models import CATEGORIES, Challenge
from challenges.openness import SolutionVisibility
from challenges.search import MAX_MIN_PRIZE, PUBLIC_PHASES, SORTS, BrowseFilters, browse
from challenges.services import get_challenge
from core.money import exponent
from core.paging import MAX_PAGE, MAX_PER_PAGE, parse_bounded, strict_int_arg


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount_minor": amount, "currency": currency, "exponent": exponent(currency)}


def challenge_summary(challenge: Challenge) -> dict[str, Any]:
    return {
        "slug": challenge.slug,
        "title": challenge.title,
        "summary": challenge.summary,
        "category": challenge.category,
        "tags": challenge.tag_list,
        "sponsor": {"slug": challenge.organization.slug, "name": challenge.organization.name},
        "phase": str(challenge.phase()),
        "purse": _money(challenge.purse_amount, challenge.currency),
        "opens_at": _iso(challenge.opens_at),
        "closes_at": _iso(challenge.closes_at),
        "judging_ends_at": _iso(challenge.judging_ends_at),
        "entrant_count": challenge.entrant_count,
        "openness": {
            "solution_visibility": challenge.solution_visibility,
            "submission_license": challenge.submission_license,
            "ip_on_award": challenge.ip_on_award,
            "judging_transparency": challenge.judging_transparency,
        },
        "url": url_for("challenges.show", slug=challenge.slug, _external=True),
    }


def challenge_detail(challenge: Challenge) -> dict[str, Any]:
    data = challenge_summary(challenge)
    data.update(
        {
            "description_md": challenge.description_md,
            "rules_md": challenge.rules_md,
            "eligibility_md": challenge.eligibility_md,
            "rules_version": challenge.rules_version,
            "max_team_size": challenge.max_team_size,
            "community_voting": challenge.community_voting,
            "prizes": [
                {"place": t.place, "label": t.label, **_money(t.amount, challenge.currency)}
                for t in challenge.prize_tiers
            ],
            "published_at": _iso(challenge.published_at),
            "cancelled_at": _iso(challenge.cancelled_at),
            "cancel_reason": challenge.cancel_reason or None,
        }
    )
    return data


def _choice(name: str, allowed: set[str]) -> str:
    value = request.args.get(name, "")
    if value and value not in allowed:
        abort(400, f"Unknown {name} {value!r}; use one of: {', '.join(sorted(allowed))}.")
    return value


@bp.get("/challenges")
def list_challenges() -> ResponseReturnValue:
    q = request.args.get("q", "").strip()
    if len(q) > 200:
        abort(400, "q must be at most 200 characters.")
    min_prize = parse_bounded(request.args.get("min_prize", "0"), MAX_MIN_PRIZE, minimum=0)
    if min_prize is None:
        abort(400, f"min_prize must be a whole number from 0 to {MAX_MIN_PRIZE}.")
    tag = request.args.get("tag", "")
    if len(tag) > MAX_TAG_LENGTH:
        abort(400, f"tag must be at most {MAX_TAG_LENGTH} characters.")
    filters = BrowseFilters(
        q=q,
        tag=next(iter(normalize_tags(tag)), ""),
        phase=_choice("status", {str(p) for p in PUBLIC_PHASES}),
        category=_choice("category", set(CATEGORIES)),
        min_prize=min_prize or None,
        visibility=_choice("openness", {str(v) for v in SolutionVisibility}),
        sort=_choice("sort", set(SORTS)) or ("relevance" if q else "closing"),
    )
    page = strict_int_arg("page", 1, MAX_PAGE)
    per_page = strict_int_arg("per_page", current_app.config["PER_PAGE"], MAX_PER_PAGE)
    pagination = browse(filters, page=page, per_page=per_page)
    args = {k: v for k, v in request.args.items() if k not in {"page"}}

    def link(number: int) -> str:
        return url_for("api.list_challenges", page=number, _external=True, **args)

    return {
        "data": [challenge_summary(c) for c in pagination.items],
        "page": page,
        "per_page": per_page,
        "total": pagination.total,
        "links": {
            "self": link(page),
            "next": link(page + 1) if pagination.has_next else None,
            "prev": link(page - 1) if page > 1 else None,
        },
    }


@bp.get("/challenges/<slug>")
def show_challenge(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if challenge.published_at is None:
        abort(404, "There is no published challenge at this address.")
    return challenge_detail(challenge)

"""Read API for published challenges: the filtered list and one challenge."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort, request, url_for
from flask_babel import lazy_gettext as _l

from api import bp
from api.params import Choice, PageQuery, Text, WholeNumber
from api.schemas import (
    URI,
    MoneySchema,
    PageSchema,
    PrizeSchema,
    SponsorSchema,
    UtcDateTime,
    money,
    one_of,
    page_links,
)
from challenges.drafts import MAX_TAG_LENGTH, normalize_tags
from challenges.models import CATEGORIES, Challenge
from challenges.openness import (
    IpOnAward,
    JudgingTransparency,
    SolutionVisibility,
    SubmissionLicense,
)
from challenges.search import MAX_MIN_PRIZE, PUBLIC_PHASES, SORTS, BrowseFilters, browse
from challenges.services import get_challenge

NOT_PUBLISHED = _l("There is no published challenge at this address.")


class ChallengeQuery(PageQuery):
    q = Text(200, strip=True, metadata={"description": "Full-text search"})
    status = Choice(PUBLIC_PHASES, metadata={"description": "Phase"})
    category = Choice(CATEGORIES, metadata={"description": "Category"})
    tag = Text(
        MAX_TAG_LENGTH,
        metadata={"description": "Only challenges with this tag (case and extra spaces ignored)"},
    )
    min_prize = WholeNumber(
        0, MAX_MIN_PRIZE, load_default=0, metadata={"description": "Minimum purse in major units"}
    )
    openness = Choice(SolutionVisibility, metadata={"description": "Solution visibility"})
    sort = Choice(SORTS, metadata={"description": "Order (relevance with q, else closing)"})


class OpennessSchema(ma.Schema):
    solution_visibility = one_of(SolutionVisibility)
    submission_license = one_of(SubmissionLicense)
    ip_on_award = one_of(IpOnAward)
    judging_transparency = one_of(JudgingTransparency)


class ChallengeSummarySchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    category = one_of(CATEGORIES)
    tags = ma.fields.List(ma.fields.String(), required=True)
    sponsor = ma.fields.Nested(SponsorSchema, required=True)
    phase = one_of(PUBLIC_PHASES)
    purse = ma.fields.Nested(MoneySchema, required=True)
    opens_at = UtcDateTime(required=True)
    closes_at = UtcDateTime(required=True)
    judging_ends_at = UtcDateTime(required=True)
    entrant_count = ma.fields.Integer(required=True)
    openness = ma.fields.Nested(OpennessSchema, required=True)
    url = ma.fields.String(required=True, metadata=URI)


class ChallengeDetailSchema(ChallengeSummarySchema):
    description_md = ma.fields.String(required=True)
    rules_md = ma.fields.String(required=True)
    eligibility_md = ma.fields.String(required=True)
    rules_version = ma.fields.Integer(required=True)
    max_team_size = ma.fields.Integer(required=True)
    community_voting = ma.fields.Boolean(required=True)
    prizes = ma.fields.List(ma.fields.Nested(PrizeSchema), required=True)
    published_at = UtcDateTime(required=True)
    cancelled_at = UtcDateTime(required=True, allow_none=True)
    cancel_reason = ma.fields.String(required=True, allow_none=True)


class ChallengePageSchema(PageSchema):
    data = ma.fields.List(ma.fields.Nested(ChallengeSummarySchema), required=True)
    total_capped = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "true when more challenges match than ``total`` says: counting "
            "stops past 1,000 (or past this page); follow ``links.next`` to read them all"
        },
    )


def challenge_summary(challenge: Challenge) -> dict[str, Any]:
    return {
        "slug": challenge.slug,
        "title": challenge.title,
        "summary": challenge.summary,
        "category": challenge.category,
        "tags": challenge.tag_list,
        "sponsor": challenge.organization,
        "phase": str(challenge.phase()),
        "purse": money(challenge.purse_amount, challenge.currency),
        "opens_at": challenge.opens_at,
        "closes_at": challenge.closes_at,
        "judging_ends_at": challenge.judging_ends_at,
        "entrant_count": challenge.entrant_count,
        "openness": challenge,
        "url": url_for("challenges.show", slug=challenge.slug, _external=True),
    }


def challenge_detail(challenge: Challenge) -> dict[str, Any]:
    return {
        **challenge_summary(challenge),
        "description_md": challenge.description_md,
        "rules_md": challenge.rules_md,
        "eligibility_md": challenge.eligibility_md,
        "rules_version": challenge.rules_version,
        "max_team_size": challenge.max_team_size,
        "community_voting": challenge.community_voting,
        "prizes": [
            {"place": t.place, "label": t.label, **money(t.amount, challenge.currency)}
            for t in challenge.prize_tiers
        ],
        "published_at": challenge.published_at,
        "cancelled_at": challenge.cancelled_at,
        "cancel_reason": challenge.cancel_reason or None,
    }


@bp.get("/challenges")
@bp.arguments(ChallengeQuery, location="query")
@bp.response(200, ChallengePageSchema)
def list_challenges(query: dict[str, Any]) -> dict[str, Any]:
    """Published challenges, filtered and paginated"""
    page, per_page = query["page"], query["per_page"]
    filters = BrowseFilters(
        q=query["q"],
        tag=next(iter(normalize_tags(query["tag"])), ""),
        phase=query["status"],
        category=query["category"],
        min_prize=query["min_prize"] or None,
        visibility=query["openness"],
        sort=query["sort"] or ("relevance" if query["q"] else "closing"),
    )
    pagination = browse(filters, page=page, per_page=per_page)
    kept = {k: v for k, v in request.args.items() if k != "page"}
    return {
        "data": [challenge_summary(c) for c in pagination.items],
        "page": page,
        "per_page": per_page,
        "total": pagination.total,
        "total_capped": pagination.total_capped,
        "links": page_links("api.list_challenges", page, pagination.has_next, **kept),
    }


@bp.get("/challenges/<slug>")
@bp.response(200, ChallengeDetailSchema)
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(404, response="NOT_FOUND")
def show_challenge(slug: str) -> dict[str, Any]:
    """One published challenge"""
    challenge = get_challenge(slug)
    if challenge.published_at is None:
        abort(404, str(NOT_PUBLISHED))
    return challenge_detail(challenge)

"""Results API: a challenge's published results and the winners across challenges.

Like the rest of the API it answers as the public: winners (prize and names) always, once
published; the ranked table only when the challenge publishes scores; an entry (id, title and
address) only when the public may read it, else ``null``. Unpublished results are a 404
problem document.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from api import bp
from api.params import PageQuery
from api.schemas import (
    URI,
    PageSchema,
    PrizeSchema,
    SponsorSchema,
    UtcDateTime,
    money,
    one_of,
    page_links,
)
from challenges.models import Challenge
from challenges.openness import JudgingTransparency
from challenges.services import get_challenge
from core.i18n import DEFAULT_LOCALE
from judging.results import publication
from judging.results.models import AwardKind
from judging.results.publication import DECIDED, RankedLine, Results, Winner

NO_RESULTS = _l("There are no published results for this challenge.")


class EntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    url = ma.fields.String(required=True, metadata=URI)


def _entry_field() -> ma.fields.Nested:
    return ma.fields.Nested(
        EntrySchema,
        required=True,
        allow_none=True,
        metadata={
            "description": "The entry; null when the public may not read it (a sponsor-only "
            "challenge names its winners and their prizes, not their work)."
        },
    )


class PersonSchema(ma.Schema):
    handle = ma.fields.String(required=True)
    display_name = ma.fields.String(required=True)


class WinnerSchema(ma.Schema):
    prize = ma.fields.Nested(PrizeSchema, required=True)
    kind = one_of(AwardKind)
    rank = ma.fields.Integer(
        required=True, allow_none=True, metadata={"description": "The entry's computed rank."}
    )
    finalist = ma.fields.Boolean(required=True)
    status = ma.fields.String(required=True, metadata={"example": "payout pending"})
    entry = _entry_field()
    team = ma.fields.List(ma.fields.Nested(PersonSchema), required=True)


class VotesSchema(ma.Schema):
    up = ma.fields.Integer(required=True)
    down = ma.fields.Integer(required=True)


class RankedRowSchema(ma.Schema):
    rank = ma.fields.Integer(required=True)
    final_score = ma.fields.Float(required=True)
    calibrated_score = ma.fields.Float(required=True)
    raw_mean = ma.fields.Float(required=True)
    criterion_means = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Float(), required=True
    )
    review_count = ma.fields.Integer(required=True)
    votes = ma.fields.Nested(VotesSchema, required=True)
    finalist = ma.fields.Boolean(required=True)
    entry = _entry_field()


class RankingSchema(PageSchema):
    data = ma.fields.List(ma.fields.Nested(RankedRowSchema), required=True)


class AwardedChallengeSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    sponsor = ma.fields.Nested(SponsorSchema, required=True)
    awarded_at = UtcDateTime(required=True)
    url = ma.fields.String(required=True, metadata=URI)
    results_url = ma.fields.String(required=True, metadata=URI)


class MethodSchema(ma.Schema):
    name = ma.fields.String(required=True)
    lam = ma.fields.Float(required=True, data_key="lambda")
    community_weight = ma.fields.Float(required=True)
    description = ma.fields.String(required=True)


class ResultsSchema(ma.Schema):
    challenge = ma.fields.Nested(AwardedChallengeSchema, required=True)
    decision = one_of(DECIDED)
    decided_at = UtcDateTime(required=True)
    adjustment = ma.fields.String(required=True, allow_none=True)
    method = ma.fields.Nested(MethodSchema, required=True)
    judging_transparency = one_of(JudgingTransparency)
    winners = ma.fields.List(ma.fields.Nested(WinnerSchema), required=True)
    ranking = ma.fields.Nested(
        RankingSchema,
        required=True,
        allow_none=True,
        metadata={"description": "Only when the challenge publishes scores (scores_public)."},
    )


class AwardedWithWinnersSchema(AwardedChallengeSchema):
    winners = ma.fields.List(ma.fields.Nested(WinnerSchema), required=True)


class WinnersPageSchema(PageSchema):
    data = ma.fields.List(ma.fields.Nested(AwardedWithWinnersSchema), required=True)


def _entry(submission_id: int, title: str | None) -> dict[str, Any] | None:
    """The entry for a public reader, or None when the public may not read it (no title)."""
    if title is None:
        return None
    return {
        "id": submission_id,
        "title": title,
        "url": url_for("submissions.show", submission_id=submission_id, _external=True),
    }


def winner_document(winner: Winner) -> dict[str, Any]:
    award = winner.award
    with force_locale(DEFAULT_LOCALE):  # a value clients compare, not prose: always English
        status = winner.status
    return {
        "prize": {
            "place": winner.tier.place,
            "label": winner.tier.label,
            **money(award.amount, award.currency),
        },
        "kind": str(award.kind),
        "rank": award.rank,
        "finalist": winner.finalist,
        "status": status,
        "entry": _entry(award.submission_id, winner.title),
        "team": winner.team,
    }


def _ranked_document(line: RankedLine) -> dict[str, Any]:
    row = line.row
    return {
        "rank": row.rank,
        "final_score": row.final_score,
        "calibrated_score": row.calibrated_score,
        "raw_mean": row.raw_mean,
        "criterion_means": line.criterion_means,
        "review_count": row.review_count,
        "votes": {"up": row.votes_up, "down": row.votes_down},
        "finalist": row.finalist,
        "entry": _entry(row.submission_id, line.title),
    }


def _challenge_ref(challenge: Challenge) -> dict[str, Any]:
    return {
        "slug": challenge.slug,
        "title": challenge.title,
        "sponsor": challenge.organization,
        "awarded_at": challenge.awarded_at,
        "url": url_for("challenges.show", slug=challenge.slug, _external=True),
        "results_url": url_for("judging.results", slug=challenge.slug, _external=True),
    }


def results_document(data: Results, page: int, per_page: int) -> dict[str, Any]:
    snapshot = data.snapshot
    ranking = None
    if data.scores_public:
        ranked = publication.ranked_page(snapshot, None, page, per_page)
        total = ranked.total or 0
        slug = data.challenge.slug
        ranking = {
            "data": [_ranked_document(line) for line in ranked.items],
            "page": page,
            "per_page": per_page,
            "total": total,
            "links": page_links(
                "api.challenge_results",
                page,
                page * per_page < total,
                per_page=per_page,
                slug=slug,
            ),
        }
    return {
        "challenge": _challenge_ref(data.challenge),
        "decision": str(snapshot.state),
        "decided_at": snapshot.decided_at,
        "adjustment": data.adjustment,
        "method": {
            "name": snapshot.method,
            "lam": snapshot.lam,
            "community_weight": publication.community_weight(snapshot),
            "description": data.method,
        },
        "judging_transparency": str(data.challenge.judging_transparency),
        "winners": [winner_document(w) for w in data.winners],
        "ranking": ranking,
    }


@bp.get("/challenges/<slug>/results")
@bp.arguments(PageQuery, location="query")
@bp.response(200, ResultsSchema)
@bp.alt_response(404, response="NOT_FOUND")
def challenge_results(query: dict[str, int], slug: str) -> dict[str, Any]:
    """A challenge's published results (404 until the sponsor decides)

    Winners always; the ranked table (paginated by page and per_page) only when the
    challenge's judging transparency is scores_public, else null.
    """
    challenge = get_challenge(slug)
    data = publication.results_of(challenge, None)
    if data is None:
        abort(404, str(NO_RESULTS))
    return results_document(data, query["page"], query["per_page"])


@bp.get("/winners")
@bp.arguments(PageQuery, location="query")
@bp.response(200, WinnersPageSchema)
def list_winners(query: dict[str, int]) -> dict[str, Any]:
    """Challenges with published awards, the latest announcement first, with their winners"""
    page, per_page = query["page"], query["per_page"]
    pagination = publication.winners_page(None, page, per_page)
    total = pagination.total or 0
    return {
        "data": [
            {**_challenge_ref(i.challenge), "winners": [winner_document(w) for w in i.winners]}
            for i in pagination.items
        ],
        "page": page,
        "per_page": per_page,
        "total": total,
        "links": page_links("api.list_winners", page, page * per_page < total, per_page=per_page),
    }

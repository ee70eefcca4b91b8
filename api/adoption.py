"""Adoption API: platform-wide impact figures, and an awarded challenge's adoption updates and
approved reuse. Answers as the public: an entry's title and address only where the public may
read it; a challenge that is not awarded (or not public) is a 404 problem document."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort, url_for
from flask_babel import lazy_gettext as _l

from api import bp
from api.schemas import URI, MoneySchema, UtcDateTime, money, one_of
from challenges.policies import can_view_challenge
from challenges.services import get_challenge
from core.db import utcnow
from core.urls import as_uri
from judging.adoption import stats
from judging.adoption.models import AdoptionStatus, AdoptionUpdate

NOT_AWARDED = _l("This challenge has no awarded solutions to report on.")


class StatusCountSchema(ma.Schema):
    status = ma.fields.String(
        required=True, metadata={"enum": [*(str(s) for s in AdoptionStatus), "no_update"]}
    )
    solutions = ma.fields.Integer(required=True)


class ImpactSchema(ma.Schema):
    awarded_challenges = ma.fields.Integer(required=True)
    eligible_challenges = ma.fields.Integer(
        required=True,
        metadata={"description": "Awarded at least six months ago: the share's denominator."},
    )
    updated_within_six_months = ma.fields.Integer(required=True)
    updated_share = ma.fields.Float(
        required=True, allow_none=True, metadata={"description": "null when nothing is eligible."}
    )
    winning_solutions = ma.fields.Integer(required=True)
    adopted_solutions = ma.fields.Integer(required=True)
    adopted_share = ma.fields.Float(required=True, allow_none=True)
    statuses = ma.fields.List(ma.fields.Nested(StatusCountSchema), required=True)
    reuse_reports = ma.fields.Integer(
        required=True, metadata={"description": "Approved reports of reuse elsewhere."}
    )
    lineage_links = ma.fields.Integer(
        required=True, metadata={"description": "Entries building on another entry."}
    )


class AdoptionUpdateSchema(ma.Schema):
    status = one_of(AdoptionStatus)
    recorded_at = UtcDateTime(required=True)
    note = ma.fields.String(required=True)
    reason = ma.fields.String(required=True, allow_none=True)
    links = ma.fields.List(ma.fields.String(metadata=URI), required=True)
    money_saved = ma.fields.Nested(MoneySchema, required=True, allow_none=True)
    people_reached = ma.fields.Integer(required=True, allow_none=True)


class ReuseSchema(ma.Schema):
    url = ma.fields.String(required=True, metadata=URI)
    note = ma.fields.String(required=True)
    approved_at = UtcDateTime(required=True)


class AdoptionEntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    url = ma.fields.String(required=True, metadata=URI)


class WinnerAdoptionSchema(ma.Schema):
    prize = ma.fields.String(required=True, metadata={"example": "First prize"})
    entry = ma.fields.Nested(
        AdoptionEntrySchema,
        required=True,
        allow_none=True,
        metadata={"description": "null when the public may not read the entry."},
    )
    status = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"enum": [*(str(s) for s in AdoptionStatus), None]},
    )
    updates = ma.fields.List(ma.fields.Nested(AdoptionUpdateSchema), required=True)
    reuse = ma.fields.List(ma.fields.Nested(ReuseSchema), required=True)
    lineage_count = ma.fields.Integer(required=True)


class ChallengeAdoptionSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    awarded_at = UtcDateTime(required=True)
    url = ma.fields.String(required=True, metadata=URI)
    winners = ma.fields.List(ma.fields.Nested(WinnerAdoptionSchema), required=True)


def _update(update: AdoptionUpdate) -> dict[str, Any]:
    saved = update.money_saved
    return {
        "status": str(update.status),
        "recorded_at": update.created_at,
        "note": update.note,
        "reason": update.reason or None,
        "links": [as_uri(link) for link in update.link_list],
        "money_saved": money(saved, update.currency) if saved is not None else None,
        "people_reached": update.people_reached,
    }


@bp.get("/impact")
@bp.response(200, ImpactSchema)
def impact() -> dict[str, Any]:
    """Platform-wide impact: adoption updates, adopted share and reuse counts"""
    figures = stats.impact_figures(utcnow())
    statuses = [
        {"status": str(s), "solutions": figures.statuses.get(str(s), 0)} for s in AdoptionStatus
    ]
    return {
        "awarded_challenges": figures.awarded,
        "eligible_challenges": figures.eligible,
        "updated_within_six_months": figures.updated_within,
        "updated_share": figures.updated_share,
        "winning_solutions": figures.solutions,
        "adopted_solutions": figures.adopted,
        "adopted_share": figures.adopted_share,
        "statuses": [*statuses, {"status": "no_update", "solutions": figures.no_update}],
        "reuse_reports": figures.reuse_reports,
        "lineage_links": figures.lineage_links,
    }


@bp.get("/challenges/<slug>/adoption")
@bp.response(200, ChallengeAdoptionSchema)
@bp.alt_response(404, response="NOT_FOUND")
def challenge_adoption(slug: str) -> dict[str, Any]:
    """An awarded challenge's adoption updates (newest first) and approved reuse per winner"""
    challenge = get_challenge(slug)
    if not can_view_challenge(None, challenge):
        abort(404, str(NOT_AWARDED))
    impact = stats.challenge_impact(challenge)
    if impact is None:
        abort(404, str(NOT_AWARDED))
    return {
        "slug": challenge.slug,
        "title": challenge.title,
        "awarded_at": challenge.awarded_at,
        "url": url_for("challenges.show", slug=challenge.slug, _external=True),
        "winners": [
            {
                "prize": w.winner.tier.label,
                "entry": {
                    "id": w.winner.award.submission_id,
                    "title": w.winner.title,
                    "url": url_for(
                        "submissions.show",
                        submission_id=w.winner.award.submission_id,
                        _external=True,
                    ),
                }
                if w.winner.visible and w.winner.title
                else None,
                "status": str(w.current.status) if w.current else None,
                "updates": [_update(u) for u in w.history],
                "reuse": [
                    {"url": as_uri(r.url), "note": r.note, "approved_at": r.decided_at}
                    for r in w.reuse
                ],
                "lineage_count": w.lineage_count,
            }
            for w in impact.winners
        ],
    }

"""Results API: a challenge's published results and the winners across challenges.

Like the rest of the API it answers as the public: winners (prize and names) always, once
published; the ranked table only when the challenge publishes scores; an entry (id, title and
address) only when the public may read it, else ``null``. Unpublished results are a 404
problem document.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, url_for
from flask.typing import ResponseReturnValue

from api import bp
from api.challenges import _iso, _money
from api.submissions import _check_parameters
from challenges.models import Challenge
from challenges.services import get_challenge
from core.paging import MAX_PAGE, MAX_PER_PAGE, strict_int_arg
from judging.results import publication
from judging.results.publication import RankedLine, Results, Winner

NO_RESULTS = "There are no published results for this challenge."


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
    return {
        "prize": {
            "place": winner.tier.place,
            "label": winner.tier.label,
            **_money(award.amount, award.currency),
        },
        "kind": str(award.kind),
        "rank": award.rank,
        "finalist": winner.finalist,
        "status": winner.status,
        "entry": _entry(award.submission_id, winner.title),
        "team": [{"handle": u.handle, "display_name": u.display_name} for u in winner.team],
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
        "sponsor": {"slug": challenge.organization.slug, "name": challenge.organization.name},
        "awarded_at": _iso(challenge.awarded_at),
        "url": url_for("challenges.show", slug=challenge.slug, _external=True),
        "results_url": url_for("judging.results", slug=challenge.slug, _external=True),
    }


def _links(endpoint: str, page: int, per_page: int, total: int, **args: Any) -> dict[str, Any]:
    def link(number: int) -> str:
        return url_for(endpoint, page=number, per_page=per_page, _external=True, **args)

    return {
        "self": link(page),
        "next": link(page + 1) if page * per_page < total else None,
        "prev": link(page - 1) if page > 1 else None,
    }


def results_document(data: Results, page: int, per_page: int) -> dict[str, Any]:
    snapshot = data.snapshot
    ranking = None
    if data.scores_public:
        ranked = publication.ranked_page(snapshot, None, page, per_page)
        total = ranked.total or 0
        ranking = {
            "data": [_ranked_document(line) for line in ranked.items],
            "page": page,
            "per_page": per_page,
            "total": total,
            "links": _links(
                "api.challenge_results", page, per_page, total, slug=data.challenge.slug
            ),
        }
    return {
        "challenge": _challenge_ref(data.challenge),
        "decision": str(snapshot.state),
        "decided_at": _iso(snapshot.decided_at),
        "adjustment": data.adjustment,
        "method": {
            "name": snapshot.method,
            "lambda": snapshot.lam,
            "community_weight": publication.community_weight(snapshot),
            "description": data.method,
        },
        "judging_transparency": str(data.challenge.judging_transparency),
        "winners": [winner_document(w) for w in data.winners],
        "ranking": ranking,
    }


def _page_parameters() -> tuple[int, int]:
    _check_parameters()
    page = strict_int_arg("page", 1, MAX_PAGE)
    per_page = strict_int_arg("per_page", current_app.config["PER_PAGE"], MAX_PER_PAGE)
    return page, per_page


@bp.get("/challenges/<slug>/results")
def challenge_results(slug: str) -> ResponseReturnValue:
    page, per_page = _page_parameters()
    challenge = get_challenge(slug)
    data = publication.results_of(challenge, None)
    if data is None:
        abort(404, NO_RESULTS)
    return results_document(data, page, per_page)


@bp.get("/winners")
def list_winners() -> ResponseReturnValue:
    """Challenges with published awards, the latest announcement first, with their winners."""
    page, per_page = _page_parameters()
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
        "links": _links("api.list_winners", page, per_page, total),
    }

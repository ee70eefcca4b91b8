"""Read API for submissions: the public view of entries, as the openness profile allows.

The API answers as the public (anonymous) viewer whatever cookies come with the request: it
has no token authentication yet, and a response must never depend on a browser session that
a shared cache could not see. Invisible entries are answered exactly like missing ones; while
blind review runs, entries come without their team (``authors_hidden``), as on every page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import joinedload, selectinload

from api import bp
from challenges.models import Challenge
from challenges.services import get_challenge
from core.db import db
from core.paging import MAX_PAGE, MAX_PER_PAGE, strict_int_arg
from core.urls import as_uri
from submissions.gallery import latest_versions
from submissions.models import Submission, SubmissionVersion, TeamMember
from submissions.visibility import authors_hidden_in, can_view_submission, visible_condition

LIST_PARAMETERS = {"page", "per_page"}
NOT_VISIBLE = "There is no visible submission at this address."


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def submission_document(
    submission: Submission, version: SubmissionVersion | None, authors_hidden: bool
) -> dict[str, Any]:
    """An entry as the public reads it: the latest version's text, the team without e-mails
    (none while blind review withholds the authors' names: ``authors_hidden``)."""
    shown: Any = version or submission
    challenge = submission.challenge
    team = [] if authors_hidden else submission.members
    return {
        "id": submission.id,
        "challenge": challenge.slug,
        "title": shown.title,
        "summary": shown.summary,
        "body_md": shown.body_md,
        "links": [as_uri(link.strip()) for link in shown.links.splitlines() if link.strip()],
        "status": str(submission.status),
        "version": submission.current_version,
        "content_hash": version.content_hash if version else None,
        "first_submitted_at": _iso(submission.first_submitted_at),
        "last_submitted_at": _iso(submission.last_submitted_at),
        "team": [
            {"handle": m.user.handle, "display_name": m.user.display_name, "role": str(m.role)}
            for m in team
        ],
        "authors_hidden": authors_hidden,
        "license": challenge.submission_license,
        "url": url_for("submissions.show", submission_id=submission.id, _external=True),
    }


def _with_team() -> list:
    return [
        joinedload(Submission.challenge),
        selectinload(Submission.members).joinedload(TeamMember.user),
    ]


@bp.get("/submissions/<int:submission_id>")
def show_submission(submission_id: int) -> ResponseReturnValue:
    submission = db.session.scalar(
        sa.select(Submission).where(Submission.id == submission_id).options(*_with_team())
    )
    if submission is None or not can_view_submission(None, submission):
        abort(404, NOT_VISIBLE)
    versions = latest_versions([submission.id])
    hidden = authors_hidden_in(None, submission.challenge)
    return submission_document(submission, versions.get(submission.id), hidden)


def _check_parameters() -> None:
    unknown = sorted(set(request.args) - LIST_PARAMETERS)
    if unknown:
        abort(400, f"Unknown parameter {unknown[0]!r}; use: {', '.join(sorted(LIST_PARAMETERS))}.")
    repeated = [name for name in LIST_PARAMETERS if len(request.args.getlist(name)) > 1]
    if repeated:
        abort(400, f"Give {repeated[0]} once.")


@bp.get("/challenges/<slug>/submissions")
def list_submissions(slug: str) -> ResponseReturnValue:
    """Visible entries of a published challenge, oldest first (new entries append at the end)."""
    _check_parameters()
    page = strict_int_arg("page", 1, MAX_PAGE)
    per_page = strict_int_arg("per_page", current_app.config["PER_PAGE"], MAX_PER_PAGE)
    challenge = get_challenge(slug)
    if challenge.published_at is None:
        abort(404, "There is no published challenge at this address.")
    conditions = [Submission.challenge_id == challenge.id, visible_condition(None)]
    total = db.session.scalar(
        sa.select(sa.func.count(Submission.id))
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(*conditions)
    )
    entries = list(
        db.session.scalars(
            sa.select(Submission)
            .join(Challenge, Challenge.id == Submission.challenge_id)
            .where(*conditions)
            .options(*_with_team())
            .order_by(Submission.first_submitted_at.asc(), Submission.id.asc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    versions = latest_versions([entry.id for entry in entries])
    hidden = authors_hidden_in(None, challenge)  # the public is on no team: one answer for all

    def link(number: int) -> str:
        return url_for(
            "api.list_submissions", slug=slug, page=number, per_page=per_page, _external=True
        )

    return {
        "data": [submission_document(e, versions.get(e.id), hidden) for e in entries],
        "page": page,
        "per_page": per_page,
        "total": total,
        "links": {
            "self": link(page),
            "next": link(page + 1) if page * per_page < (total or 0) else None,
            "prev": link(page - 1) if page > 1 else None,
        },
    }

"""Read API for submissions: the public view of entries, as the openness profile allows.

The API answers as the public (anonymous) viewer whatever cookies come with the request: it
has no token authentication yet, and a response must never depend on a browser session that
a shared cache could not see. Invisible entries are answered exactly like missing ones; while
blind review runs, entries come without their team (``authors_hidden``), as on every page.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from api import bp
from api.challenges import NOT_PUBLISHED
from api.params import PageQuery
from api.schemas import URI, PageSchema, UtcDateTime, one_of, page_links
from challenges.models import Challenge
from challenges.services import get_challenge
from core.db import db
from core.urls import as_uri
from submissions.gallery import latest_versions
from submissions.models import (
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    TeamMember,
    TeamRole,
)
from submissions.visibility import authors_hidden_in, can_view_submission, visible_condition

NOT_VISIBLE = _l("There is no visible submission at this address.")


class TeamMemberSchema(ma.Schema):
    handle = ma.fields.String(required=True)
    display_name = ma.fields.String(required=True)
    role = one_of(TeamRole)


class SubmissionSchema(ma.Schema):
    """An entry as the public reads it: the latest version, the team without e-mails."""

    id = ma.fields.Integer(required=True)
    challenge = ma.fields.String(required=True, metadata={"description": "The challenge's slug."})
    title = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    body_md = ma.fields.String(required=True, metadata={"description": "Markdown."})
    links = ma.fields.List(ma.fields.String(metadata=URI), required=True)
    status = one_of([SubmissionStatus.SUBMITTED])
    version = ma.fields.Integer(
        required=True, metadata={"description": "Number of the latest version."}
    )
    content_hash = ma.fields.String(
        required=True, allow_none=True, metadata={"description": "SHA-256 receipt."}
    )
    first_submitted_at = UtcDateTime(required=True)
    last_submitted_at = UtcDateTime(required=True)
    team = ma.fields.List(
        ma.fields.Nested(TeamMemberSchema),
        required=True,
        metadata={"description": "Empty while blind review withholds the authors' names."},
    )
    authors_hidden = ma.fields.Boolean(
        required=True,
        metadata={"description": "True while the challenge is under blind review (until results)."},
    )
    license = ma.fields.String(required=True, metadata={"example": "CC-BY-4.0"})
    url = ma.fields.String(required=True, metadata=URI)


class SubmissionPageSchema(PageSchema):
    data = ma.fields.List(ma.fields.Nested(SubmissionSchema), required=True)


def submission_document(
    submission: Submission, version: SubmissionVersion | None, authors_hidden: bool
) -> dict[str, Any]:
    """An entry as the public reads it: the latest version's text, the team without e-mails
    (none while blind review withholds the authors' names: ``authors_hidden``)."""
    shown: Any = version or submission
    team = [] if authors_hidden else submission.members
    return {
        "id": submission.id,
        "challenge": submission.challenge.slug,
        "title": shown.title,
        "summary": shown.summary,
        "body_md": shown.body_md,
        "links": [as_uri(link.strip()) for link in shown.links.splitlines() if link.strip()],
        "status": str(submission.status),
        "version": submission.current_version,
        "content_hash": version.content_hash if version else None,
        "first_submitted_at": submission.first_submitted_at,
        "last_submitted_at": submission.last_submitted_at,
        "team": [
            {"handle": m.user.handle, "display_name": m.user.display_name, "role": str(m.role)}
            for m in team
        ],
        "authors_hidden": authors_hidden,
        "license": submission.challenge.submission_license,
        "url": url_for("submissions.show", submission_id=submission.id, _external=True),
    }


def _with_team() -> list[LoaderOption]:
    return [
        joinedload(Submission.challenge),
        selectinload(Submission.members).joinedload(TeamMember.user),
    ]


@bp.get("/submissions/<int:id>")
@bp.response(200, SubmissionSchema)
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(404, response="NOT_FOUND")
def show_submission(id: int) -> dict[str, Any]:
    """One entry, if the public may read it (otherwise 404, as if missing)"""
    submission = db.session.scalar(
        sa.select(Submission).where(Submission.id == id).options(*_with_team())
    )
    if submission is None or not can_view_submission(None, submission):
        abort(404, str(NOT_VISIBLE))
    versions = latest_versions([submission.id])
    hidden = authors_hidden_in(None, submission.challenge)
    return submission_document(submission, versions.get(submission.id), hidden)


@bp.get("/challenges/<slug>/submissions")
@bp.arguments(PageQuery, location="query")
@bp.response(200, SubmissionPageSchema)
@bp.alt_response(404, response="NOT_FOUND")
def list_submissions(query: dict[str, int], slug: str) -> dict[str, Any]:
    """Entries of a published challenge that the public may read, oldest first

    New entries append at the end, so paging forward never skips one.
    """
    page, per_page = query["page"], query["per_page"]
    challenge = get_challenge(slug)
    if challenge.published_at is None:
        abort(404, str(NOT_PUBLISHED))
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
    total = total or 0
    return {
        "data": [submission_document(e, versions.get(e.id), hidden) for e in entries],
        "page": page,
        "per_page": per_page,
        "total": total,
        "links": page_links(
            "api.list_submissions",
            page,
            page * per_page < total,
            slug=slug,
            per_page=per_page,
        ),
    }

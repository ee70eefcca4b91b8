"""The judging parts of a person's data download (see accounts/data_export.py): the reviews
they wrote as a judge, with their scores, and their community votes."""

from __future__ import annotations

import zipfile

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from accounts.data_export import register_part, to_json
from accounts.models import User
from challenges.models import Challenge
from core.db import db
from judging.models import Assignment, Criterion, Judge, Review
from judging.voting.models import Vote
from submissions.models import Submission


def write_reviews(user: User, archive: zipfile.ZipFile) -> None:
    rows = db.session.execute(
        sa.select(Review, Assignment, Challenge)
        .join(Assignment, Review.assignment_id == Assignment.id)
        .join(Judge, Assignment.judge_id == Judge.id)
        .join(Challenge, Judge.challenge_id == Challenge.id)
        .where(Judge.user_id == user.id)
        .options(selectinload(Review.scores))
        .order_by(Review.id)
    ).all()
    criterion_ids = {score.criterion_id for review, _, _ in rows for score in review.scores}
    names = {
        row.id: row.name
        for row in db.session.execute(
            sa.select(Criterion.id, Criterion.name).where(Criterion.id.in_(criterion_ids))
        )
    }
    data = [
        {
            "challenge": {"slug": challenge.slug, "title": challenge.title},
            "entry": assignment.blind_label,
            "round": assignment.round,
            "assignment_state": assignment.state,
            "verdict": review.verdict,
            "score_total": review.score_total,
            "scores": [
                {"criterion": names.get(s.criterion_id, ""), "value": s.value, "comment": s.comment}
                for s in review.scores
            ],
            "feedback_to_solver": review.feedback_to_solver,
            "note_to_panel": review.note_to_panel,
            "created_at": review.created_at,
            "submitted_at": review.submitted_at,
        }
        for review, assignment, challenge in rows
    ]
    archive.writestr("reviews.json", to_json(data))


def write_votes(user: User, archive: zipfile.ZipFile) -> None:
    rows = db.session.execute(
        sa.select(Vote, Submission.title, Challenge.slug)
        .join(Submission, Vote.submission_id == Submission.id)
        .join(Challenge, Submission.challenge_id == Challenge.id)
        .where(Vote.user_id == user.id)
        .order_by(Vote.id)
    ).all()
    data = [
        {
            "challenge": slug,
            "entry_id": vote.submission_id,
            "entry_title": title,
            "value": vote.value,
            "counts": vote.counts,
            "ip": vote.ip,
            "created_at": vote.created_at,
            "updated_at": vote.updated_at,
        }
        for vote, title, slug in rows
    ]
    archive.writestr("votes.json", to_json(data))


def register_data_parts(app: Flask) -> None:
    register_part(
        app,
        "reviews",
        _l(
            "reviews.json: the reviews you wrote as a judge, with your scores and comments "
            "(entries named by the label you saw)."
        ),
        write_reviews,
    )
    votes = _l("votes.json: your community votes (+1 or -1).")
    register_part(app, "votes", votes, write_votes)

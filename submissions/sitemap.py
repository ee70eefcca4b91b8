"""The public entries in the sitemap: those a signed-out visitor may read, and the gallery."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask

from challenges.models import Challenge
from core.db import db
from core.sitemap import Url, highest_id, register_source
from core.urls import external_url
from submissions.models import Submission
from submissions.visibility import visible_condition


def entry_urls(low: int, high: int) -> Iterator[Url]:
    if low == 0:
        yield Url(external_url("submissions.solutions"))
    rows = db.session.execute(
        sa.select(Submission.id, Submission.last_submitted_at)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(visible_condition(None), Submission.id >= low, Submission.id < high)
        .order_by(Submission.id)
    )
    for submission_id, last_submitted_at in rows:
        yield Url(external_url("submissions.show", submission_id=submission_id), last_submitted_at)


def register_sitemap(app: Flask) -> None:
    register_source(app, "entries", lambda: highest_id(Submission.id), entry_urls)

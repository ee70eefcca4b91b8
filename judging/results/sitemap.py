"""Published results pages and the winners list in the sitemap."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask

from challenges.models import Challenge
from core.db import db
from core.sitemap import Url, highest_id, register_source
from core.urls import external_url


def results_urls(low: int, high: int) -> Iterator[Url]:
    if low == 0:
        yield Url(external_url("judging.winners"))
        yield Url(external_url("judging.impact"))
        yield Url(external_url("judging.diversity_platform"))
    # The SQL form of judging.policies.can_view_results for the public.
    rows = db.session.execute(
        sa.select(Challenge.slug, Challenge.awarded_at)
        .where(
            Challenge.published_at.is_not(None),
            Challenge.cancelled_at.is_(None),
            Challenge.awarded_at.is_not(None),
            Challenge.id >= low,
            Challenge.id < high,
        )
        .order_by(Challenge.id)
    )
    for slug, awarded_at in rows:
        yield Url(external_url("judging.results", slug=slug), awarded_at)


def register_sitemap(app: Flask) -> None:
    register_source(app, "results", lambda: highest_id(Challenge.id), results_urls)

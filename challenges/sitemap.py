"""The challenges domain's public pages in the sitemap: home, the list, published challenges
and the organizations that published them."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask

from accounts.models import Organization
from challenges.models import Challenge
from core.db import db
from core.sitemap import Url, highest_id, register_source
from core.urls import external_url


def challenge_urls(low: int, high: int) -> Iterator[Url]:
    if low == 0:
        yield Url(external_url("challenges.home"))
        yield Url(external_url("challenges.index"))
    rows = db.session.execute(
        sa.select(Challenge.slug, Challenge.updated_at)
        .where(Challenge.published_at.is_not(None), Challenge.id >= low, Challenge.id < high)
        .order_by(Challenge.id)
    )
    for slug, updated_at in rows:
        yield Url(external_url("challenges.show", slug=slug), updated_at)


def organization_urls(low: int, high: int) -> Iterator[Url]:
    """Organizations with a published challenge; the others have nothing public to show."""
    published = sa.select(Challenge.id).where(
        Challenge.org_id == Organization.id, Challenge.published_at.is_not(None)
    )
    rows = db.session.scalars(
        sa.select(Organization.slug)
        .where(Organization.id >= low, Organization.id < high, published.exists())
        .order_by(Organization.id)
    )
    for slug in rows:
        yield Url(external_url("orgs.show", slug=slug))


def register_sitemap(app: Flask) -> None:
    register_source(app, "challenges", lambda: highest_id(Challenge.id), challenge_urls)
    register_source(app, "organizations", lambda: highest_id(Organization.id), organization_urls)

"""What the challenges domain shows on other domains' pages (see core/sections.py)."""

from __future__ import annotations

from flask import Flask

from accounts.models import Organization
from challenges.models import Challenge
from challenges.search import organization_challenges
from challenges.services import pending_reviews
from core import sections


def org_challenges(*, org: Organization) -> list[Challenge]:
    """An organization's page: its published challenges, newest first."""
    return organization_challenges(org)


def review_queue_count() -> int:
    """The admin page's tab: how many challenges wait for review."""
    return len(pending_reviews())


def register_sections(app: Flask) -> None:
    sections.register(app, "org.main", "challenges/_org_challenges.html", org_challenges)
    sections.register(app, "admin.tabs", "challenges/_admin_tab.html", review_queue_count)

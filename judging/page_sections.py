"""What the judging domain shows on other domains' pages (see core/sections.py)."""

from __future__ import annotations

from flask import Flask

from core import sections
from judging.voting.votes import quarantined_count


def quarantine_count() -> int:
    """The admin page's tab: flagged votes no admin has looked at yet."""
    return quarantined_count()


def register_sections(app: Flask) -> None:
    sections.register(app, "admin.tabs", "judging/_admin_tab.html", quarantine_count)

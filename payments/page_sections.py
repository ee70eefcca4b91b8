"""What the payments domain shows on other domains' pages (see core/sections.py)."""

from __future__ import annotations

from flask import Flask

from challenges.models import Challenge
from core import sections
from payments.models import Funding, Refund
from payments.refunds import mismatch_refunds


def admin_alerts() -> list[tuple[Refund, Funding, Challenge]] | None:
    """The admin page: payments refunded for a wrong amount, or None when there are none."""
    return mismatch_refunds() or None


def register_sections(app: Flask) -> None:
    sections.register(app, "admin.alerts", "payments/_admin_alerts.html", admin_alerts)

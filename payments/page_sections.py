"""What the payments domain shows on other domains' pages (see core/sections.py)."""

from __future__ import annotations

from flask import Flask

from challenges.models import Challenge
from core import sections
from payments.ledger import FundsSummary, summary
from payments.models import Funding, Refund
from payments.refunds import mismatch_refunds


def admin_alerts() -> list[tuple[Refund, Funding, Challenge]] | None:
    """The admin page: payments refunded for a wrong amount, or None when there are none."""
    return mismatch_refunds() or None


def challenge_funds(*, challenge: Challenge) -> FundsSummary:
    """The challenge page, under the prizes: the prize funds held, paid and refunded."""
    return summary(challenge)


def register_sections(app: Flask) -> None:
    sections.register(app, "challenge.prizes", "payments/_challenge_funds.html", challenge_funds)
    sections.register(app, "admin.alerts", "payments/_admin_alerts.html", admin_alerts)

"""Payments: Stripe gateway, funding, refunds, webhooks, ledger (payouts come with their issue)."""

from flask import Blueprint

bp = Blueprint("payments", __name__)

from payments import connect_routes, ledger_routes, routes  # noqa: E402, F401

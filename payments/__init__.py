"""Payments: funding purses through Stripe Checkout, refunds, webhooks, the ledger, payouts to
winners (``payouts/``), their Stripe Connect accounts (``connect/``) and a Stripe simulator."""

from flask import Blueprint

bp = Blueprint("payments", __name__)

from payments import routes  # noqa: E402, F401
from payments.connect import routes as connect_routes  # noqa: E402, F401
from payments.payouts import routes as payouts_routes  # noqa: E402, F401

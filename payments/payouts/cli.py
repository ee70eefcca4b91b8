"""``flask payouts run``, ``reconcile`` and ``settle``: what the scheduled jobs run, by hand."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from payments.payouts.settlement import settle_all
from payments.payouts.worker import reconcile_payouts, run_payouts

payouts_cli = AppGroup("payouts", help="Pay awards to winners through Stripe Connect.")


@payouts_cli.command("run")
@click.option("--challenge", "challenge_id", type=int, default=None, help="Only this challenge.")
def run(challenge_id: int | None) -> None:
    """Pay pending payouts whose recipients can receive transfers; retry unknown outcomes.
    Pays only, whatever PAYOUTS_INLINE says: ``payouts settle`` refunds the remainder."""
    click.echo(f"Payouts: {run_payouts(challenge_id)}.")


@payouts_cli.command("reconcile")
@click.option(
    "--older-than",
    type=int,
    default=None,
    help="Seconds a payout has been processing (default PAYOUTS_RECONCILE_AFTER).",
)
def reconcile(older_than: int | None) -> None:
    """Match stuck processing payouts with Stripe's transfers; retry the rest (same key)."""
    window = None if older_than is None else timedelta(seconds=older_than)
    click.echo(f"Reconciled: {reconcile_payouts(window)}.")


@payouts_cli.command("settle")
@click.option("--challenge", "challenge_id", type=int, default=None, help="Only this challenge.")
def settle(challenge_id: int | None) -> None:
    """Refund the unawarded purse of challenges whose awards are all paid (or declined), once;
    retry remainder refunds whose Stripe call did not complete (same key)."""
    click.echo(f"Settlements: {settle_all(challenge_id)}.")

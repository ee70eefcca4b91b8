"""``flask payments ...`` commands: what the scheduled jobs run, by hand."""

from datetime import timedelta

import click
from flask.cli import AppGroup

from payments.refunds import retry_pending_refunds

payments_cli = AppGroup("payments", help="Payment maintenance.")


@payments_cli.command("retry-refunds")
@click.option(
    "--older-than",
    type=int,
    default=None,
    help="Seconds after which a failing key is looked up at Stripe and, if Stripe has no "
    "refund for it, replaced (default PAYOUTS_RECONCILE_AFTER).",
)
def retry_refunds(older_than: int | None) -> None:
    """Retry refunds whose Stripe call did not complete, with their idempotency keys; a key
    failing for long is looked up at Stripe first and replaced only if Stripe has none."""
    window = None if older_than is None else timedelta(seconds=older_than)
    click.echo(f"Refunds retried: {retry_pending_refunds(older_than=window)}.")

"""``flask payments ...`` commands for cron or a worker."""

import click
from flask.cli import AppGroup

from payments.refunds import retry_pending_refunds

payments_cli = AppGroup("payments", help="Payment maintenance.")


@payments_cli.command("retry-refunds")
def retry_refunds() -> None:
    """Retry refunds whose Stripe call did not complete, with their original idempotency keys."""
    click.echo(f"Refunds retried: {retry_pending_refunds()}.")

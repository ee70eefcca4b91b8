"""``flask notify ...`` commands."""

import click
from flask.cli import AppGroup

from challenges.notifications import send_deadline_reminders
from core.db import utcnow

notify_cli = AppGroup("notify", help="E-mail notifications (scheduled as jobs; by hand here).")


@notify_cli.command("deadlines")
def deadlines() -> None:
    """E-mail followers 7 days and 1 day before a challenge closes (once each)."""
    sent = send_deadline_reminders(utcnow())
    click.echo(f"Deadline reminders sent: {sent}.")

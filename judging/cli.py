"""Judging commands for cron: reminders to late judges, the scan of community votes."""

from __future__ import annotations

import click


@click.group("judging", help="Judging chores for cron or a queue worker.")
def judging_cli() -> None:
    pass

"""Judging commands for cron: assignment at the deadline, reminders to late judges, the scan
of community votes."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.text import plural
from judging.panel.auto_assign import assign_due_judges
from judging.panel.reminders import remind_due_judges, reminded_message


@click.group("judging", help="Judging chores (scheduled as jobs; by hand here).")
def judging_cli() -> None:
    pass


@judging_cli.command("assign-due")
@with_appcontext
def assign_due() -> None:
    """Assign judges of challenges whose deadline passed with nobody assigned yet (idempotent)."""
    done = assign_due_judges()
    for challenge, report in done:
        click.echo(f"{challenge.slug}: {report.message}")
    if not done:
        click.echo("No challenge waits for its judges: nothing to assign.")


@judging_cli.command("remind")
@with_appcontext
def remind() -> None:
    """E-mail judges with unfinished reviews where judging ends within 3 days (24-hour throttle)."""
    done = remind_due_judges()
    for challenge, count in done:
        click.echo(f"{challenge.slug}: {reminded_message(count)}")
    if not done:
        click.echo("No challenge ends judging within 3 days: nobody to remind.")


@judging_cli.command("scan-votes")
@click.option("--challenge", "slug", default=None, help="Scan only this challenge (its slug).")
@with_appcontext
def scan_votes_command(slug: str | None) -> None:
    """Quarantine suspicious community votes (rate bursts, rings, new-account surges)."""
    from judging.voting.votes import scan_running_challenges

    done = scan_running_challenges(slug)
    if slug and not done:
        raise click.ClickException(f"There is no challenge “{slug}”.")
    for challenge_slug, count in done:
        click.echo(f"{challenge_slug}: {plural(count, 'vote')} newly quarantined")
    if not done:
        click.echo("No challenge with community voting is running: nothing to scan.")

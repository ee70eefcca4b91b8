"""``flask storage sweep``: delete blobs no attachment row or fresh export references (daily)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from accounts.data_export import recent_data_export_keys
from core.db import db
from core.errors import DomainError
from core.storage import storage
from submissions.export_jobs import recent_export_keys
from submissions.models import Attachment

storage_cli = AppGroup("storage", help="Attachment storage maintenance.")


@dataclass
class SweepReport:
    deleted: list[str]
    kept: int


def sweep(
    *, older_than: timedelta, dry_run: bool = False, now: datetime | None = None
) -> SweepReport:
    """Delete stored blobs that no attachment row (live or removed) and no export younger
    than a day references and that were written more than ``older_than`` ago. The age
    threshold protects uploads in flight: their blob is stored before their row commits (and
    ``put`` refreshes the age of a blob it reuses).
    """
    cutoff = (now or datetime.now(UTC)) - older_than
    backend = storage()
    # Listed before the references are read: a row committed meanwhile is seen by the query.
    candidates = [key for key, written in backend.blobs() if written < cutoff]
    referenced = set(db.session.scalars(sa.select(Attachment.storage_key).distinct()))
    referenced |= recent_export_keys(now)  # older exports are deliberately swept
    referenced |= recent_data_export_keys(now)
    orphans = [key for key in candidates if key not in referenced]
    if not dry_run:
        for key in orphans:
            backend.delete(key)
    return SweepReport(deleted=orphans, kept=len(candidates) - len(orphans))


@storage_cli.command("sweep")
@click.option(
    "--older-than",
    "hours",
    type=click.FloatRange(min=0),
    default=24.0,
    show_default=True,
    help="Only blobs written more than this many hours ago.",
)
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
def sweep_command(hours: float, dry_run: bool) -> None:
    """Delete blobs no attachment references (failed uploads), older than --older-than."""
    try:
        report = sweep(older_than=timedelta(hours=hours), dry_run=dry_run)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    for key in report.deleted:
        click.echo(f"{'would delete' if dry_run else 'deleted'} {key}")
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} {len(report.deleted)} unreferenced blob(s) older than {hours:g} hours.")

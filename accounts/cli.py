"""``flask users ...`` commands."""

import click
from flask.cli import AppGroup

from accounts import services
from core.errors import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("make-admin")
@click.argument("email")
def make_admin(email: str) -> None:
    """Give the account with EMAIL platform admin rights."""
    try:
        user = services.make_admin(email)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{user.email} is now a platform admin.")

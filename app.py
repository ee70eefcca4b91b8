"""Application factory: configuration, extensions, blueprints, error handlers, CLI."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core.config import DEFAULT_SECRET_KEY, FIXED_SETTINGS, load_config
from core.db import db
from core.errors import register_error_handlers
from core.extensions import bootstrap, csrf, limiter
from core.i18n import init_i18n
from core.inputs import register_input_guards
from core.logs import configure_logging
from core.mail import register_mail_policy, register_mail_recorder
from core.schema_migrations import register_migration_commands
from core.security import register_security_headers
from core.storage import storage_spec
from core.templating import register_template_helpers


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment, then ``overrides`` (tests pass a mapping)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(FIXED_SETTINGS)
    app.config.update(load_config())
    app.config.update(overrides or {})
    _apply_defaults(app)
    register_input_guards(app)  # the id converter must exist before blueprints add rules
    configure_logging(app)

    db.init_app(app)
    register_migration_commands(app)
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    init_i18n(app)

    from accounts import admin_bp, orgs_bp
    from accounts import bp as accounts_bp
    from accounts.admin_jobs import register_sections as account_sections
    from accounts.auth import init_login
    from accounts.cli import users_cli
    from accounts.email_settings import mail_policy
    from accounts.notices import record_notice
    from accounts.policies import TEMPLATE_POLICIES as ACCOUNT_POLICIES
    from api import bp as api_bp
    from api.extension import init_api
    from challenges import bp as challenges_bp
    from challenges.cli import notify_cli
    from challenges.page_sections import register_sections as challenge_sections
    from challenges.policies import TEMPLATE_POLICIES as CHALLENGE_POLICIES
    from challenges.sitemap import register_sitemap as challenge_sitemap
    from challenges.templating import TEMPLATE_HELPERS as CHALLENGE_HELPERS
    from core.health import bp as health_bp
    from core.jobs.routes import bp as jobs_bp
    from core.jobs.setup import init_jobs
    from core.preview import bp as preview_bp
    from core.sitemap import bp as sitemap_bp
    from judging import bp as judging_bp
    from judging.access import register_visibility_rules
    from judging.cli import judging_cli
    from judging.page_sections import register_sections as judging_sections
    from judging.policies import TEMPLATE_POLICIES as JUDGING_POLICIES
    from judging.results.freshness import connect_freshness
    from judging.results.sitemap import register_sitemap as results_sitemap
    from judging.templating import TEMPLATE_HELPERS as JUDGING_HELPERS
    from payments import bp as payments_bp
    from payments.cli import payments_cli
    from payments.gateway import init_gateway
    from payments.page_sections import register_sections as payment_sections
    from payments.payouts.cli import payouts_cli
    from payments.payouts.creation import connect_payout_signals
    from payments.payouts.settlement import connect_settlement_signals
    from payments.policies import TEMPLATE_POLICIES as PAYMENT_POLICIES
    from payments.refunds import connect_signals
    from submissions import bp as submissions_bp
    from submissions.page_sections import register_sections as submission_sections
    from submissions.policies import TEMPLATE_POLICIES as SUBMISSION_POLICIES
    from submissions.sitemap import register_sitemap as entries_sitemap
    from submissions.storage_cli import storage_cli
    from submissions.templating import TEMPLATE_HELPERS as SUBMISSION_HELPERS

    init_login(app)
    register_mail_policy(app, mail_policy)
    register_mail_recorder(app, record_notice)
    init_gateway(app)
    init_jobs(app)
    register_visibility_rules()
    connect_freshness()
    connect_signals(app)
    connect_payout_signals(app)
    connect_settlement_signals(app)
    for blueprint in (
        health_bp,
        sitemap_bp,
        challenges_bp,
        accounts_bp,
        orgs_bp,
        admin_bp,
        preview_bp,
        payments_bp,
        submissions_bp,
        judging_bp,
        jobs_bp,
    ):
        app.register_blueprint(blueprint)
    init_api(app, api_bp)
    csrf.exempt(api_bp)
    limiter.exempt(health_bp)
    # Public pages for search engines, each domain its own (core/sitemap.py).
    for register_sitemap in (challenge_sitemap, entries_sitemap, results_sitemap):
        register_sitemap(app)
    # "Download my data": each domain adds the person's files (accounts/data_export.py).
    from judging.data_export_parts import register_data_parts as judging_data
    from payments.data_export_parts import register_data_parts as payment_data
    from submissions.data_export_parts import register_data_parts as entry_data

    for register_data_parts in (entry_data, judging_data, payment_data):
        register_data_parts(app)
    # "Delete my account": each domain's blockers and clean-ups (accounts/deletion.py).
    from challenges.deletion_parts import register_deletion_parts as challenge_deletion
    from judging.deletion_parts import register_deletion_parts as judging_deletion
    from payments.deletion_parts import register_deletion_parts as payment_deletion
    from submissions.deletion_parts import register_deletion_parts as entry_deletion

    for register_deletion_parts in (
        payment_deletion,
        challenge_deletion,
        entry_deletion,
        judging_deletion,
    ):
        register_deletion_parts(app)

    # Higher domains fill slots on lower domains' pages; the order here is the order shown.
    for register_sections in (
        challenge_sections,
        submission_sections,
        judging_sections,
        payment_sections,
        account_sections,
    ):
        register_sections(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(
        app,
        {
            **ACCOUNT_POLICIES,
            **CHALLENGE_POLICIES,
            **CHALLENGE_HELPERS,
            **SUBMISSION_POLICIES,
            **SUBMISSION_HELPERS,
            **JUDGING_POLICIES,
            **JUDGING_HELPERS,
            **PAYMENT_POLICIES,
        },
    )
    commands = (
        users_cli,
        demo_cli,
        notify_cli,
        payments_cli,
        judging_cli,
        payouts_cli,
        storage_cli,
    )
    for command in commands:
        app.cli.add_command(command)
    if app.config["TRUST_PROXY_HOPS"]:
        hops = app.config["TRUST_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _apply_defaults(app: Flask) -> None:
    relaxed = app.debug or app.testing
    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY and not relaxed:
        raise RuntimeError(
            "Refusing to start with the default SECRET_KEY. Set SECRET_KEY in the environment "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if relaxed and "SESSION_COOKIE_SECURE" not in os.environ:
        app.config["SESSION_COOKIE_SECURE"] = False
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    simulated = not app.config["STRIPE_SECRET_KEY"]
    if simulated and not relaxed and not app.config["PAYMENTS_SIMULATED"]:
        raise RuntimeError(
            "Refusing to start without STRIPE_SECRET_KEY outside debug mode. Set the Stripe keys, "
            "or PAYMENTS_SIMULATED=1 for a demo in which no money moves."
        )
    if simulated and not app.config["STRIPE_SIMULATOR_STORE"] and not app.testing:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["STRIPE_SIMULATOR_STORE"] = os.path.join(
            app.instance_path, "stripe-simulator.sqlite3"
        )
    app.config["PAYMENTS_SIMULATED"] = simulated
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "openprize.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config["STORAGE_DIR"]:
        app.config["STORAGE_DIR"] = os.path.join(app.instance_path, "uploads")
    try:
        storage_spec(app.config, app.instance_path)
    except ValueError as error:
        raise RuntimeError(f"Refusing to start: {error}") from error
    # One file of MAX_UPLOAD_MB plus a margin for the multipart form around it.
    app.config["MAX_CONTENT_LENGTH"] = (app.config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024


@click.group("demo", help="Demo data for the embedded default.")
def demo_cli() -> None:
    pass


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
def load_demo(if_empty: bool) -> None:
    """Load demo users and organizations, and print the demo logins."""
    from accounts import demo as accounts_demo
    from accounts.models import User

    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        if if_empty:
            click.echo("Demo data: the database already has users; nothing loaded.")
            _print_logins(accounts_demo.DEMO_PASSWORD, None)
            return
        raise click.ClickException(
            "The database already has users; demo data goes only into an empty one."
        )
    from flask import current_app

    from challenges import demo as challenges_demo
    from judging import demo as judging_demo
    from payments import demo as payments_demo
    from submissions import demo as submissions_demo
    from submissions import demo_crowd

    logins = accounts_demo.seed()
    challenges = challenges_demo.seed()
    entries = submissions_demo.seed()
    payments_demo.seed(current_app.config["PLATFORM_FEE_BPS"])
    judging_demo.seed()
    demo_crowd.seed()
    click.echo(
        f"Demo data loaded: {len(challenges)} published challenges and 3 drafts, "
        f"{entries} submitted entries."
    )
    _print_logins(accounts_demo.DEMO_PASSWORD, logins)


def _print_logins(password: str, logins: list[tuple[str, str]] | None) -> None:
    from accounts.demo import DEMO_USERS

    rows = logins or [(email, "") for _, _, email, _ in DEMO_USERS]
    click.echo(f"Demo logins (password for all: {password}):")
    for email, description in rows:
        click.echo(f"  {email:<28} {description}")

"""Configuration from the environment, with embedded defaults (SQLite, log mail, simulation)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - refused outside debug


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    return int(value)


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings named in the README, read from ``environ`` (default: ``os.environ``)."""
    env = os.environ if environ is None else environ
    return {
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or None,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": env.get("BASE_URL", "").rstrip("/"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").strip().upper(),
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "log"),
        "MAIL_FROM": env.get("MAIL_FROM", "OpenPrize <no-reply@openprize.local>"),
        "SMTP_HOST": env.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _int(env.get("SMTP_PORT"), 25),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS"), False),
        "REDIS_URL": env.get("REDIS_URL", ""),
        # Limits must be counted in one place for all workers: Redis when there is one.
        "RATELIMIT_STORAGE_URI": (
            env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://"
        ),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        # Redis down: count in each process until it answers again (limits stay, looser by
        # the number of workers) rather than failing every limited request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_ALLOW_MEMORY": _bool(env.get("RATELIMIT_ALLOW_MEMORY"), False),
        "LOGIN_RATE_LIMIT_IP": env.get("LOGIN_RATE_LIMIT_IP", "20 per 10 minutes"),
        "LOGIN_RATE_LIMIT_ACCOUNT": env.get("LOGIN_RATE_LIMIT_ACCOUNT", "5 per 10 minutes"),
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), True),
        "TRUST_PROXY_HOPS": _int(env.get("TRUST_PROXY_HOPS"), 0),
        "EMAIL_TOKEN_MAX_AGE": _int(env.get("EMAIL_TOKEN_MAX_AGE"), 3 * 24 * 3600),
        "PASSWORD_RESET_MAX_AGE": _int(env.get("PASSWORD_RESET_MAX_AGE"), 3600),
        "INVITATION_MAX_AGE": _int(env.get("INVITATION_MAX_AGE"), 14 * 24 * 3600),
        "REVIEW_REQUIRED": _bool(env.get("REVIEW_REQUIRED"), True),
        "VOTER_MIN_AGE_DAYS": _int(env.get("VOTER_MIN_AGE_DAYS"), 7),
        # Unpublished anti-gaming thresholds (JSON object), read by
        # judging.voting.votes.flag_config.
        "VOTE_FLAG_THRESHOLDS": env.get("VOTE_FLAG_THRESHOLDS", ""),
        "PLATFORM_FEE_BPS": _int(env.get("PLATFORM_FEE_BPS"), 500),
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET", "whsec_simulated_platform"),
        "STRIPE_CONNECT_WEBHOOK_SECRET": env.get(
            "STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_simulated_connect"
        ),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE", ""),
        "STRIPE_MAX_NETWORK_RETRIES": _int(env.get("STRIPE_MAX_NETWORK_RETRIES"), 2),
        "PAYMENTS_SIMULATED": _bool(env.get("PAYMENTS_SIMULATED"), False),
        "STRIPE_SIMULATOR_STORE": env.get("STRIPE_SIMULATOR_STORE", ""),
        # Run the payout worker right after winners are approved (cron runs it too).
        "PAYOUTS_INLINE": _bool(env.get("PAYOUTS_INLINE"), True),
        # ``flask payouts reconcile`` looks at payouts processing for longer than this.
        "PAYOUTS_RECONCILE_AFTER": _int(env.get("PAYOUTS_RECONCILE_AFTER"), 3600),
        # The platform account's country: winners elsewhere get Stripe's recipient agreement.
        "STRIPE_PLATFORM_COUNTRY": env.get("STRIPE_PLATFORM_COUNTRY", "US"),
        # rq: jobs go to a Redis queue read by `flask jobs worker`; inline: they run in the
        # process that committed them (the embedded default, no Redis needed).
        "JOBS_BACKEND": env.get("JOBS_BACKEND") or ("rq" if env.get("REDIS_URL") else "inline"),
        "JOBS_QUEUE": env.get("JOBS_QUEUE", "openprize"),
        # Inline only: a thread of each web process runs the scheduled jobs every minute.
        "JOBS_SCHEDULER_THREAD": _bool(env.get("JOBS_SCHEDULER_THREAD"), True),
        # Seconds a claimed job is held before another worker may take it (its worker is taken
        # for dead). 0: each kind's own lease (e-mail 120 s, others 300 s). Set it only for
        # drills and tests: a lease shorter than a job's run time runs that job twice.
        "JOBS_LEASE_SECONDS": _int(env.get("JOBS_LEASE_SECONDS"), 0),
        "MAX_UPLOAD_MB": _int(env.get("MAX_UPLOAD_MB"), 25),
        # file://<path> (relative: under the instance folder) or s3://bucket/prefix; empty:
        # STORAGE_DIR, an alias kept from before STORAGE_URL (default: instance/uploads).
        "STORAGE_URL": env.get("STORAGE_URL", ""),
        "STORAGE_DIR": env.get("STORAGE_DIR", ""),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL", ""),
        "S3_REGION": env.get("S3_REGION", ""),
        "S3_PRESIGNED_DOWNLOADS": _bool(env.get("S3_PRESIGNED_DOWNLOADS"), False),
        "S3_PRESIGNED_EXPIRY": _int(env.get("S3_PRESIGNED_EXPIRY"), 60),
    }


def per_process_limits_problem(environ: Mapping[str, str], workers: int) -> str | None:
    """Why ``workers`` processes must not serve with these settings, or ``None``.

    In-memory rate limits count per process: with N workers an attacker gets N times the
    allowance (20 wrong passwords instead of 5). Debug mode and an explicit
    RATELIMIT_ALLOW_MEMORY=1 are let through."""
    settings = load_config(environ)
    if (
        workers <= 1
        or not settings["RATELIMIT_ENABLED"]
        or settings["RATELIMIT_ALLOW_MEMORY"]
        or _bool(environ.get("FLASK_DEBUG"), False)
        or not settings["RATELIMIT_STORAGE_URI"].startswith("memory://")
    ):
        return None
    return (
        f"Refusing to start {workers} workers with in-memory rate limits: each worker would "
        "count sign-in attempts on its own. Set REDIS_URL (or RATELIMIT_STORAGE_URI) to a "
        "Redis server, or RATELIMIT_ALLOW_MEMORY=1 to accept per-worker limits."
    )


FIXED_SETTINGS: dict[str, Any] = {
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "BOOTSTRAP_SERVE_LOCAL": True,
    "WTF_CSRF_TIME_LIMIT": None,
    "PER_PAGE": 20,
    "PASSWORD_HASH_METHOD": "scrypt",
}

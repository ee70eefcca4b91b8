"""Gunicorn settings: `gunicorn -c python:core.gunicorn_conf "app:create_app()" --workers 4`."""

from __future__ import annotations

import os

from gunicorn.arbiter import Arbiter

from core.config import per_process_limits_problem


def on_starting(server: Arbiter) -> None:
    """Refuse several workers with per-process rate limits before any worker starts."""
    problem = per_process_limits_problem(os.environ, server.cfg.workers)
    if problem:
        # gunicorn prints a RuntimeError from here as "Error: ..." and exits with status 1.
        raise RuntimeError(problem)

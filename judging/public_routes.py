"""Public results: a challenge's results page, the winners across challenges, solver feedback."""

from __future__ import annotations

from typing import Any

from judging import bp  # noqa: F401  (routes are added to the judging blueprint)

# Jinja globals this module offers templates; judging/templating.py merges them.
TEMPLATE_HELPERS: dict[str, Any] = {}

"""Rounds: screening verdicts, advancing entries to evaluation and to the finalist round."""

from __future__ import annotations

from typing import Any

from judging import bp  # noqa: F401  (routes are added to the judging blueprint)

# Jinja globals this module offers templates; judging/templating.py merges them.
TEMPLATE_HELPERS: dict[str, Any] = {}

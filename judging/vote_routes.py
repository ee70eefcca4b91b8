"""Community voting: casting and changing votes, the tally, People's Choice, quarantine review."""

from __future__ import annotations

from typing import Any

from judging import bp  # noqa: F401  (routes are added to the judging blueprint)

# Jinja globals this module offers templates; judging/templating.py merges them.
TEMPLATE_HELPERS: dict[str, Any] = {}

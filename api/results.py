"""Results API: a challenge's published results and the winners across challenges."""

from __future__ import annotations

from api import bp  # noqa: F401

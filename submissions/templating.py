"""Jinja globals from the submissions domain that read no data of their own: the clock (the edit
page says whether the deadline has passed) and whether the public may see an entry (cards)."""

from typing import Any

from core.db import utcnow
from submissions.visibility import public_can_view

TEMPLATE_HELPERS: dict[str, Any] = {
    "now_utc": utcnow,
    "is_public_entry": public_can_view,
}

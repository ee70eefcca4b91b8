"""Template helpers from the submissions domain (used by account and challenge pages)."""

from typing import Any

from core.db import utcnow
from submissions.services import entry_of, submissions_of

TEMPLATE_HELPERS: dict[str, Any] = {
    "my_submissions": submissions_of,
    "entry_of": entry_of,
    "now_utc": utcnow,
}

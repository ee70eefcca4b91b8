"""Template helpers from the judging domain (entry pages use them to keep review blind)."""

from typing import Any

from judging.access import judges_blind_to

TEMPLATE_HELPERS: dict[str, Any] = {
    "judges_blind_to": judges_blind_to,
}

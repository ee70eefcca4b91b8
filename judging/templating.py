"""Template helpers from the judging domain (entry pages use them to keep review blind)."""

from typing import Any

from judging.access import judges_blind_to
from judging.health_routes import TEMPLATE_HELPERS as HEALTH_HELPERS
from judging.public_routes import TEMPLATE_HELPERS as PUBLIC_HELPERS
from judging.results_routes import TEMPLATE_HELPERS as RESULTS_HELPERS
from judging.round_routes import TEMPLATE_HELPERS as ROUND_HELPERS
from judging.vote_routes import TEMPLATE_HELPERS as VOTE_HELPERS

TEMPLATE_HELPERS: dict[str, Any] = {
    "judges_blind_to": judges_blind_to,
    **HEALTH_HELPERS,
    **PUBLIC_HELPERS,
    **RESULTS_HELPERS,
    **ROUND_HELPERS,
    **VOTE_HELPERS,
}

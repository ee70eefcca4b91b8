"""Template helpers from the judging domain (entry pages use them to keep review blind)."""

from typing import Any

from judging.access import judges_blind_to
from judging.panel.routes import TEMPLATE_HELPERS as PANEL_HELPERS
from judging.results.routes import TEMPLATE_HELPERS as RESULTS_HELPERS
from judging.rounds.routes import TEMPLATE_HELPERS as ROUND_HELPERS
from judging.voting.routes import TEMPLATE_HELPERS as VOTE_HELPERS

TEMPLATE_HELPERS: dict[str, Any] = {
    "judges_blind_to": judges_blind_to,
    **PANEL_HELPERS,
    **RESULTS_HELPERS,
    **ROUND_HELPERS,
    **VOTE_HELPERS,
}

"""Template helpers for challenge pages: the openness profile, phases and categories in plain
words, in the reader's language."""

from typing import Any

from challenges.models import CATEGORY_LABELS, PHASE_LABELS, Challenge, changed_words
from challenges.openness import DIMENSIONS, badge_text, explain, label

_ENUMS = {name: enum_cls for name, _, enum_cls in DIMENSIONS}

# Stored values (phases, categories) and what a reader sees for them.
_LABELS: dict[str, dict[str, Any]] = {"phase": PHASE_LABELS, "category": CATEGORY_LABELS}


def label_choice(dimension: str, value: str) -> str:
    """The short label of an openness choice, a phase (``'phase'``), a category (``'category'``)
    or a rules change's list of what changed (``'changes'``); unknown stored words show as
    stored."""
    if dimension == "changes":  # a rules change's stored list of what changed
        return changed_words(value)
    if dimension in _LABELS:
        return str(_LABELS[dimension].get(value, value))
    return label(_ENUMS[dimension](value))


def explain_choice(dimension: str, value: str) -> str:
    return explain(_ENUMS[dimension](value))


def openness_badge_text(challenge: Challenge) -> str:
    return badge_text(challenge.solution_visibility, challenge.submission_license)


TEMPLATE_HELPERS: dict[str, Any] = {
    "label_choice": label_choice,
    "explain_choice": explain_choice,
    "openness_badge_text": openness_badge_text,
    "openness_dimensions": DIMENSIONS,
}

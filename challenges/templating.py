"""Template helpers for challenge pages: the openness profile in plain words."""

from typing import Any

from challenges.models import Challenge
from challenges.openness import DIMENSIONS, badge_text, explain, label

_ENUMS = {name: enum_cls for name, _, enum_cls in DIMENSIONS}


def label_choice(dimension: str, value: str) -> str:
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

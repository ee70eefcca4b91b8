"""One judge's criterion scores as a 0–100 review score (docs/judging.md, "Rubric scoring")."""

from __future__ import annotations

from collections.abc import Mapping

DECIMALS = 6


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def review_score(
    weights: Mapping[str, int],
    scores: Mapping[str, int],
    min: int = 1,
    max: int = 5,
) -> float:
    """Return S = 100·Σ w_c·(x_c − min)/(max − min) / Σ w_c for one review.

    Rules: weights are positive integers, scores are integers in [min, max], and
    the scores cover exactly the rubric's criteria. Anything else raises
    ValueError with a message a judge or organizer can act on. The bounds are
    named min and max as in the rubric spec, so the builtins are not used here.
    """
    if not _is_int(min) or not _is_int(max) or min >= max:
        raise ValueError(f"The score scale must be integers with min < max (got {min}..{max}).")
    if not weights:
        raise ValueError("The rubric has no criteria.")
    for key, weight in weights.items():
        if not _is_int(weight) or weight <= 0:
            raise ValueError(f"Criterion '{key}' needs a positive whole-number weight.")
    missing = sorted(set(weights) - set(scores))
    if missing:
        raise ValueError(f"Please score every criterion; missing: {', '.join(missing)}.")
    unknown = sorted(set(scores) - set(weights))
    if unknown:
        raise ValueError(f"These criteria are not in the rubric: {', '.join(unknown)}.")
    for key, value in scores.items():
        if not _is_int(value) or not min <= value <= max:
            raise ValueError(f"Criterion '{key}' must be a whole number from {min} to {max}.")
    span = max - min
    total = sum(weights.values())
    weighted = sum(weights[key] * (scores[key] - min) for key in weights)
    return 100.0 * weighted / (span * total)


def passes(score: float, passing_score: float | None) -> bool:
    """Return whether an entry may win: no threshold, or score ≥ passing_score at 6 dp."""
    if passing_score is None:
        return True
    return round(score, DECIMALS) >= round(passing_score, DECIMALS)

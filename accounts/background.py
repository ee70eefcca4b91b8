"""Self-declared solver background: optional, each with "prefer not to say".

``None`` on a column means "not answered"; ``PREFER_NOT`` is stored distinctly. Only aggregates
leave the platform (judging.diversity, with small groups suppressed); the answers are never
shown on the public profile. The discipline list lives here because accounts comes first in the
dependency direction: challenges maps its categories onto it.
"""

from __future__ import annotations

import enum

PREFER_NOT = "prefer_not_to_say"
NOT_ANSWERED = "not_answered"  # a label for aggregates, never stored


class Region(enum.StrEnum):
    AFRICA = "africa"
    NORTH_AMERICA = "north_america"
    LATIN_AMERICA = "latin_america_caribbean"
    EAST_ASIA = "east_asia"
    SOUTH_ASIA = "south_asia"
    SOUTH_EAST_ASIA = "south_east_asia"
    CENTRAL_WEST_ASIA = "central_west_asia"
    EUROPE = "europe"
    OCEANIA = "oceania"
    PREFER_NOT = PREFER_NOT


class Discipline(enum.StrEnum):
    LIFE_SCIENCES = "life_sciences"
    PHYSICAL_SCIENCES = "physical_sciences"
    ENGINEERING = "engineering"
    COMPUTING = "computing"
    SOCIAL_SCIENCES = "social_sciences"
    ARTS_DESIGN = "arts_design"
    OTHER = "other"
    PREFER_NOT = PREFER_NOT


class CareerStage(enum.StrEnum):
    STUDENT = "student"
    EARLY = "early_career"
    MID = "mid_career"
    SENIOR = "senior"
    RETIRED = "retired"
    PREFER_NOT = PREFER_NOT


class OrgType(enum.StrEnum):
    ACADEMIC = "academic"
    INDUSTRY = "industry"
    PUBLIC_SECTOR = "public_sector"
    INDEPENDENT = "independent"
    STUDENT = "student"
    PREFER_NOT = PREFER_NOT


LABELS: dict[str, str] = {
    "africa": "Africa",
    "north_america": "Americas — North",
    "latin_america_caribbean": "Latin America & Caribbean",
    "east_asia": "Asia — East",
    "south_asia": "Asia — South",
    "south_east_asia": "Asia — South-East",
    "central_west_asia": "Asia — Central & West",
    "europe": "Europe",
    "oceania": "Oceania",
    "life_sciences": "Life sciences & health",
    "physical_sciences": "Physical sciences & environment",
    "engineering": "Engineering",
    "computing": "Computing & data",
    "social_sciences": "Social sciences & policy",
    "arts_design": "Arts & design",
    "other": "Another discipline",
    "student": "Student",
    "early_career": "Early career",
    "mid_career": "Mid career",
    "senior": "Senior",
    "retired": "Retired",
    "academic": "Academic",
    "industry": "Industry",
    "public_sector": "Public sector",
    "independent": "Independent",
    PREFER_NOT: "Prefer not to say",
    NOT_ANSWERED: "Not answered",
}

# The background fields, in the order the form and the analytics pages show them.
FIELDS: dict[str, tuple[str, type[enum.StrEnum]]] = {
    "bg_region": ("Country or region", Region),
    "bg_discipline": ("Discipline", Discipline),
    "bg_career_stage": ("Career stage", CareerStage),
    "bg_org_type": ("Organisation type", OrgType),
}


def label(value: str | None) -> str:
    return LABELS.get(value or NOT_ANSWERED, value or "")


def choices(enum_cls: type[enum.StrEnum]) -> list[tuple[str, str]]:
    return [("", "Not answered")] + [(m.value, LABELS[m.value]) for m in enum_cls]


def order(enum_cls: type[enum.StrEnum]) -> list[str]:
    """Aggregate labels in choice order, then "Not answered"."""
    return [LABELS[m.value] for m in enum_cls] + [LABELS[NOT_ANSWERED]]

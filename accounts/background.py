"""Self-declared solver background: optional, each with "prefer not to say".

``None`` on a column means "not answered"; ``PREFER_NOT`` is stored distinctly. Only aggregates
leave the platform (judging.diversity, with small groups suppressed); the answers are never
shown on the public profile. The discipline list lives here because accounts comes first in the
dependency direction: challenges maps its categories onto it.
"""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

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


LABELS: dict[str, Any] = {  # lazy: read in the viewer's language
    "africa": _l("Africa"),
    "north_america": _l("Americas — North"),
    "latin_america_caribbean": _l("Latin America & Caribbean"),
    "east_asia": _l("Asia — East"),
    "south_asia": _l("Asia — South"),
    "south_east_asia": _l("Asia — South-East"),
    "central_west_asia": _l("Asia — Central & West"),
    "europe": _l("Europe"),
    "oceania": _l("Oceania"),
    "life_sciences": _l("Life sciences & health"),
    "physical_sciences": _l("Physical sciences & environment"),
    "engineering": _l("Engineering"),
    "computing": _l("Computing & data"),
    "social_sciences": _l("Social sciences & policy"),
    "arts_design": _l("Arts & design"),
    "other": _l("Another discipline"),
    "student": _l("Student"),
    "early_career": _l("Early career"),
    "mid_career": _l("Mid career"),
    "senior": _l("Senior"),
    "retired": _l("Retired"),
    "academic": _l("Academic"),
    "industry": _l("Industry"),
    "public_sector": _l("Public sector"),
    "independent": _l("Independent"),
    PREFER_NOT: _l("Prefer not to say"),
    NOT_ANSWERED: _l("Not answered"),
}

# The background fields, in the order the form and the analytics pages show them.
FIELDS: dict[str, tuple[Any, type[enum.StrEnum]]] = {
    "bg_region": (_l("Country or region"), Region),
    "bg_discipline": (_l("Discipline"), Discipline),
    "bg_career_stage": (_l("Career stage"), CareerStage),
    "bg_org_type": (_l("Organisation type"), OrgType),
}


def label(value: str | None) -> str:
    """The answer's label in the current language (a plain ``str``: aggregates key on it)."""
    return str(LABELS.get(value or NOT_ANSWERED, value or ""))


def choices(enum_cls: type[enum.StrEnum]) -> list[tuple[str, Any]]:
    """Form choices; the labels stay lazy (forms are built at import time)."""
    return [("", LABELS[NOT_ANSWERED])] + [(m.value, LABELS[m.value]) for m in enum_cls]


def order(enum_cls: type[enum.StrEnum]) -> list[str]:
    """Aggregate labels in choice order, then "Not answered"."""
    return [label(m.value) for m in enum_cls] + [label(NOT_ANSWERED)]

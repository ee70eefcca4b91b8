"""Breakdown -> suppressed tables: the only way counts reach a page, a CSV or the API."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts import background
from judging.diversity.queries import (
    FIRST_TIME,
    INSIDER,
    OUTSIDER,
    POPULATION_LABELS,
    POPULATIONS,
    RETURNING,
    SOLO,
    TEAM,
    UNDECLARED,
    Breakdown,
)
from judging.diversity.suppression import Table, suppress_ordered

OUTSIDER_TITLES = {
    "entrants": _l("Entrants: outsiders"),
    "submitted": _l("Submitted entries: outsiders"),
    "finalists": _l("Finalists: outsiders"),
    "winners": _l("Winners: outsiders"),
}


@dataclass(frozen=True)
class Section:
    key: str  # stable id for CSV/API: "<measure>.<population>"
    title: str
    table: Table


def sections(data: Breakdown, populations: tuple[str, ...] = POPULATIONS) -> list[Section]:
    result = [
        Section(
            f"outsiders.{name}",
            str(OUTSIDER_TITLES[name]),
            suppress_ordered(data.outsiders.get(name, {}), [OUTSIDER, INSIDER, UNDECLARED]),
        )
        for name in populations
    ]
    result.append(
        Section(
            "first_time.submitted",
            _("Submitted entries: first-time solvers"),
            suppress_ordered(data.first_time, [FIRST_TIME, RETURNING]),
        )
    )
    result.append(
        Section(
            "teams.submitted",
            _("Submitted entries: team or solo"),
            suppress_ordered(data.teams, [TEAM, SOLO]),
        )
    )
    for column, (title, enum_cls) in background.FIELDS.items():
        for name in populations:
            result.append(
                Section(
                    f"{column.removeprefix('bg_')}.{name}",
                    _(
                        "%(population)s by %(measure)s",
                        population=POPULATION_LABELS[name],
                        measure=str(title).lower(),
                    ),
                    suppress_ordered(
                        data.fields.get(column, {}).get(name, {}), background.order(enum_cls)
                    ),
                )
            )
    return result


def share_of(table: Table, label: str) -> float | None:
    """A shown cell's share of the shown total (None when not shown)."""
    return next((cell.share for cell in table.cells if cell.label == label), None)

"""Diversity API: the platform-wide, suppressed counts of solvers' self-declared backgrounds.

Only the aggregate over awarded challenges is public; a challenge's own analytics are for its
sponsor and are not in the API. Every table went through judging.diversity.suppression: no
group under five appears and a population under five has ``total`` null and no groups.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from api import bp
from judging.diversity import queries
from judging.diversity.report import sections


class GroupSchema(ma.Schema):
    label = ma.fields.String(required=True, metadata={"example": "Europe"})
    count = ma.fields.Integer(required=True, metadata={"description": "At least five."})
    share = ma.fields.Float(required=True, metadata={"description": "Of the shown total."})


class MeasureSchema(ma.Schema):
    key = ma.fields.String(required=True, metadata={"example": "region.entrants"})
    title = ma.fields.String(required=True)
    total = ma.fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "null when fewer than five people: nothing is shown."},
    )
    groups = ma.fields.List(ma.fields.Nested(GroupSchema), required=True)


class DiversitySchema(ma.Schema):
    minimum = ma.fields.Integer(required=True, metadata={"description": "Smallest group shown."})
    measures = ma.fields.List(ma.fields.Nested(MeasureSchema), required=True)


@bp.get("/impact/diversity")
@bp.response(200, DiversitySchema)
def platform_diversity() -> dict[str, Any]:
    """Self-declared backgrounds of the people on entries to awarded challenges

    Counts of participations (a person on one entry) by region, discipline, career stage and
    organisation type, for entrants, submitted entries, finalists and winners; outsiders (a
    declared discipline other than the challenge category's), first-time solvers and team
    entries. Groups under five are merged into "Other" (with the next smallest group while
    "Other" is under five).
    """
    shown = sections(queries.breakdown(queries.awarded_ids()))
    return {
        "minimum": shown[0].table.minimum,
        "measures": [
            {
                "key": s.key,
                "title": s.title,
                "total": s.table.total,
                "groups": [
                    {"label": c.label, "count": c.count, "share": round(c.share, 4)}
                    for c in s.table.cells
                ],
            }
            for s in shown
        ],
    }

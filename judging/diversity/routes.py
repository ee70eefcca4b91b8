"""Diversity analytics pages: a challenge's for its sponsor, and the public platform-wide one."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from challenges.models import Challenge
from challenges.services import get_challenge
from core.downloads import csv_download
from judging import bp
from judging.diversity import queries
from judging.diversity.charts import bar_chart
from judging.diversity.exports import section_rows
from judging.diversity.report import sections, share_of
from judging.policies import can_view_diversity

COMPARED = ("outsiders.entrants", "first_time.submitted", "teams.submitted")


def _viewable(slug: str) -> Challenge:
    challenge = get_challenge(slug)
    if not can_view_diversity(current_user, challenge):
        abort(403, _("Only the sponsor's owners and managers see a challenge's analytics."))
    return challenge


def _comparisons(challenge: Challenge) -> list[tuple[str, dict[str, object]]]:
    """Headline shares for this challenge, the sponsor's other challenges and the platform."""
    scopes = [
        (_("This challenge"), queries.challenge_ids(challenge)),
        (
            _("%(sponsor)s's other challenges", sponsor=challenge.organization.name),
            queries.sponsor_other_ids(challenge),
        ),
        (_("All awarded challenges"), queries.awarded_ids()),
    ]
    rows = []
    for name, ids in scopes:
        shown = {s.key: s.table for s in sections(queries.breakdown(ids), ("entrants",))}
        rows.append(
            (
                name,
                {
                    "outsiders": share_of(shown["outsiders.entrants"], queries.OUTSIDER),
                    "first_time": share_of(shown["first_time.submitted"], queries.FIRST_TIME),
                    "teams": share_of(shown["teams.submitted"], queries.TEAM),
                },
            )
        )
    return rows


@bp.get("/challenges/<slug>/analytics")
@login_required
def diversity_challenge(slug: str) -> ResponseReturnValue:
    challenge = _viewable(slug)
    return render_template(
        "judging/diversity/challenge.html",
        challenge=challenge,
        sections=sections(queries.breakdown(queries.challenge_ids(challenge))),
        comparisons=_comparisons(challenge),
        bar_chart=bar_chart,
    )


@bp.get("/challenges/<slug>/analytics.csv")
@login_required
def diversity_challenge_csv(slug: str) -> ResponseReturnValue:
    challenge = _viewable(slug)
    shown = sections(queries.breakdown(queries.challenge_ids(challenge)))
    return csv_download(section_rows(challenge.slug, shown), f"{challenge.slug}-analytics.csv")


@bp.get("/impact/diversity")
def diversity_platform() -> ResponseReturnValue:
    return render_template(
        "judging/diversity/platform.html",
        sections=sections(queries.breakdown(queries.awarded_ids())),
        bar_chart=bar_chart,
    )


@bp.get("/impact/diversity.csv")
def diversity_platform_csv() -> ResponseReturnValue:
    shown = sections(queries.breakdown(queries.awarded_ids()))
    return csv_download(section_rows("platform", shown), "platform-diversity.csv")

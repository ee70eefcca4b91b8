"""What adoption shows on other domains' pages: the challenge's Impact section, the admin tab."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from accounts.models import User
from challenges.models import Challenge
from core import sections
from judging.adoption.models import STATUS_LABELS, AdoptionStatus
from judging.adoption.policies import can_record_adoption, can_report_reuse
from judging.adoption.services import pending_reuse_count
from judging.adoption.stats import ChallengeImpact, challenge_impact
from submissions.models import Submission


@dataclass(frozen=True)
class ImpactSection:
    impact: ChallengeImpact
    can_record: bool
    labels: dict[AdoptionStatus, str]


def impact_section(*, challenge: Challenge, viewer: User) -> ImpactSection | None:
    """The awarded challenge's page: each winner's adoption status, history and reuse."""
    impact = challenge_impact(challenge)
    if impact is None or not impact.winners:
        return None
    return ImpactSection(impact, can_record_adoption(viewer, challenge), STATUS_LABELS)


def entry_reuse(*, submission: Submission, viewer: User) -> bool | None:
    """The entry page's sidebar: a way to report reuse, for signed-in readers of open work."""
    return True if can_report_reuse(viewer, submission) else None


def reuse_tab() -> int | None:
    """The admin page's tab: reuse reports waiting for a decision."""
    return pending_reuse_count()


def register_sections(app: Flask) -> None:
    sections.register(app, "challenge.top", "judging/_challenge_impact.html", impact_section)
    sections.register(app, "admin.tabs", "judging/_reuse_admin_tab.html", reuse_tab)
    sections.register(app, "submission.sidebar", "judging/_entry_reuse.html", entry_reuse)

"""What the judging domain shows on other domains' pages (see core/sections.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from accounts.models import User
from challenges.models import Challenge
from core import sections
from judging.adoption.sections import register_sections as adoption_sections
from judging.policies import can_view_results
from judging.results.feedback import EntryResults, entry_results
from judging.results.publication import Results, results_of
from judging.results.routes import ResultsPanel, results_panel
from judging.rounds.routes import RoundsPanel, rounds_panel
from judging.voting.routes import CommunityPanel, EntryVotes, community_panel, entry_votes
from judging.voting.votes import quarantined_count
from submissions.models import Submission


def quarantine_count() -> int:
    """The admin page's tab: flagged votes no admin has looked at yet."""
    return quarantined_count()


def challenge_results(*, challenge: Challenge, viewer: User) -> Results | None:
    """The challenge page: the published results the viewer may see, or None."""
    return results_of(challenge, viewer) if can_view_results(viewer, challenge) else None


def entry_feedback(*, submission: Submission, viewer: User) -> EntryResults | None:
    """The entry page, under the entry: its published results as the viewer may see them."""
    if not can_view_results(viewer, submission.challenge):
        return None
    return entry_results(viewer, submission)


def entry_ballot(*, submission: Submission, viewer: User) -> EntryVotes | None:
    """The entry page's sidebar: the community vote, when the challenge has one."""
    return entry_votes(submission, viewer)


def dashboard_rounds(*, challenge: Challenge) -> RoundsPanel:
    """The judging dashboard: rounds, screening and advancing."""
    return rounds_panel(challenge)


@dataclass(frozen=True)
class CommunitySection:
    """The judging dashboard's community vote: its panel, or None when voting is off."""

    panel: CommunityPanel | None


def dashboard_community(*, challenge: Challenge) -> CommunitySection:
    """The judging dashboard: People's Choice settings and standings, if voting is on."""
    return CommunitySection(community_panel(challenge) if challenge.community_voting else None)


def dashboard_results(*, challenge: Challenge, viewer: User) -> ResultsPanel:
    """The judging dashboard: computing, deciding and the awards with their payout words."""
    return results_panel(challenge, viewer)


def register_sections(app: Flask) -> None:
    sections.register(app, "judging_dashboard.top", "judging/_rounds.html", dashboard_rounds)
    sections.register(
        app, "judging_dashboard.top", "judging/_community_settings.html", dashboard_community
    )
    sections.register(
        app, "judging_dashboard.bottom", "judging/_results_panel.html", dashboard_results
    )
    sections.register(app, "submission.main", "judging/_entry_feedback.html", entry_feedback)
    sections.register(app, "submission.sidebar", "judging/_entry_votes.html", entry_ballot)
    sections.register(app, "challenge.top", "judging/_challenge_results.html", challenge_results)
    sections.register(app, "admin.tabs", "judging/_admin_tab.html", quarantine_count)
    adoption_sections(app)

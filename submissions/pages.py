"""What the entry page and its edit page show, built by their views; the templates only format
it. Other domains' sections of the entry page come through the slots ``submission.main`` and
``submission.sidebar`` (core/sections.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for

from accounts.models import User
from core import sections
from core.audit import AuditEntry
from core.db import db
from core.sections import Section
from submissions import attachments, lineage, moderation, services, teams
from submissions.models import Attachment, Report, Submission, TeamInvite, TeamMember, TeamRole
from submissions.policies import can_disqualify, can_manage_entries, can_report
from submissions.visibility import is_team_member


@dataclass(frozen=True)
class TeamView:
    members: list[TeamMember]
    invites: list[tuple[TeamInvite, str]]  # pending invitation, and how to name the invitee
    is_owner: bool
    is_open: bool
    agreed: bool
    max_size: int

    @property
    def can_invite(self) -> bool:
        room = len(self.members) + len(self.invites) < self.max_size
        return self.is_owner and self.is_open and room


def team_panel(viewer: User | None, submission: Submission) -> TeamView:
    """What the team panel shows: members owner first, pending invitations, who may act."""
    query = sa.select(TeamMember).filter_by(submission_id=submission.id)
    members = list(db.session.scalars(query.options(sa.orm.joinedload(TeamMember.user))))
    members.sort(key=lambda m: (m.role != TeamRole.OWNER, m.id))
    pending = teams.pending_invites(submission)
    ids = [i.user_id for i in pending if i.user_id]
    handles = dict(
        db.session.execute(sa.select(User.id, User.handle).where(User.id.in_(ids))).all()
    )
    # An invited account is named by its public handle, never by its private address.
    invites = [(i, f"@{handles[i.user_id]}" if i.user_id else i.email) for i in pending]
    return TeamView(
        members=members,
        invites=invites,
        is_owner=teams.is_owner(viewer, submission),
        is_open=teams.team_is_open(submission),
        agreed=teams.shares_agreed(submission),
        max_size=submission.challenge.max_team_size,
    )


def lineage_panel(viewer: User | None, submission: Submission) -> dict[str, Any]:
    def href(entry_id: int) -> str:
        return url_for("submissions.show", submission_id=entry_id)

    graph = lineage.lineage_graph(viewer, submission)
    svg = lineage.render_lineage_svg(graph, href) if graph.edges else None
    return {"graph": graph, "svg": svg}


@dataclass(frozen=True)
class Moderation:
    """The entry page's moderation section for one viewer: what they may do, what they see."""

    may_report: bool
    may_disqualify: bool
    sees_trail: bool
    my_report: Report | None = None  # the viewer's open report, when they may report
    reports: list[Report] = field(default_factory=list)  # open reports, for the trail's readers
    trail: list[tuple[AuditEntry, User | None]] = field(default_factory=list)


def moderation_panel(viewer: User | None, submission: Submission) -> Moderation:
    sees_trail = can_manage_entries(viewer, submission.challenge)
    # The sponsor acts directly instead of reporting to itself.
    may_report = can_report(viewer, submission) and not sees_trail
    return Moderation(
        may_report=may_report,
        may_disqualify=can_disqualify(viewer, submission),
        sees_trail=sees_trail,
        my_report=moderation.open_report_of(viewer, submission) if may_report else None,
        reports=moderation.open_reports(submission) if sees_trail else [],
        trail=moderation.audit_trail(submission) if sees_trail else [],
    )


@dataclass(frozen=True)
class EntryPage:
    """The entry page's parts beyond the entry itself."""

    working_files: list[Attachment]  # the team's live files; empty for other viewers
    lineage: dict[str, Any]
    moderation: Moderation
    team: TeamView | None  # None unless the viewer is on the team
    main_sections: list[Section]  # other domains' sections under the entry (judging feedback)
    sidebar_sections: list[Section]  # and in the sidebar (community votes)


def entry_page(viewer: User | None, submission: Submission, *, team_view: bool) -> EntryPage:
    return EntryPage(
        working_files=services.live_attachments(submission) if team_view else [],
        lineage=lineage_panel(viewer, submission),
        moderation=moderation_panel(viewer, submission),
        main_sections=sections.collect("submission.main", submission=submission, viewer=viewer),
        sidebar_sections=sections.collect(
            "submission.sidebar", submission=submission, viewer=viewer
        ),
        team=team_panel(viewer, submission) if is_team_member(viewer, submission) else None,
    )


@dataclass(frozen=True)
class EditPage:
    """The edit page's parts beyond the form: files and what the entry builds on."""

    upload_rules: dict[str, Any]
    unsaved_files: bool  # the working files differ from the latest version's
    citations: list[lineage.Citation]


def upload_rules() -> dict[str, Any]:
    """The upload limits the edit page states (from the configuration)."""
    return {
        "max_mb": current_app.config["MAX_UPLOAD_MB"],
        "max_files": attachments.MAX_FILES,
        "accepted": attachments.ACCEPTED,
        "accept_attr": attachments.ACCEPT_ATTR,
    }


def edit_page(viewer: User, submission: Submission) -> EditPage:
    unsaved = bool(submission.current_version) and attachments.unsaved_file_changes(submission)
    return EditPage(
        upload_rules=upload_rules(),
        unsaved_files=unsaved,
        citations=lineage.citations_of(viewer, submission),
    )

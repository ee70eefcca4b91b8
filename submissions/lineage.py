"""Lineage: which earlier entries an entry builds on, the graph around it, and its SVG."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup, escape

from accounts.models import User
from challenges.models import Challenge
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from submissions.models import Lineage, Submission, SubmissionVersion
from submissions.policies import can_edit_submission
from submissions.visibility import can_view_submission, is_team_member, visible_condition

MAX_CITATIONS = 20
MAX_NOTE = 300
MAX_NODES = 40
REFERENCE = re.compile(r"^\s*(?:#?(\d+)|\S*/submissions/(\d+)(?:[/?#]\S*)?)\s*$")
# The title the public sees is the latest submitted version's, never unsubmitted edits.
TITLE = sa.func.coalesce(SubmissionVersion.title, Submission.title)


def parse_entry_reference(text: str) -> int:
    """``123``, ``#123``, ``/submissions/123`` or a full address of an entry -> 123."""
    match = REFERENCE.match(text or "")
    if not match:
        raise ValidationFailed(
            _("Give the entry's number or its address, such as /submissions/123."), field="entry"
        )
    return int(match.group(1) or match.group(2))


def _not_found(entry_id: int) -> NotFound:
    # The same words for a missing entry and an entry the actor may not see: nothing leaks.
    return NotFound(_("There is no entry #%(id)s that you can see.", id=entry_id), field="entry")


def _ancestors_include(start_id: int, goal_id: int) -> bool:
    """Whether ``start_id`` already builds on ``goal_id``, directly or not (one query a level)."""
    seen, frontier = {start_id}, {start_id}
    while frontier:
        cited = set(
            db.session.scalars(
                sa.select(Lineage.builds_on_id).where(Lineage.submission_id.in_(frontier))
            )
        )
        if goal_id in cited:
            return True
        frontier = cited - seen
        seen |= cited
    return False


def declare_builds_on(
    *, actor: User, submission: Submission, builds_on_id: int, note: str
) -> Lineage:
    """The team cites an earlier entry it can see, before the deadline. "Earlier" means
    submitted before this entry was (or before now, for a draft), so lineage has no cycles."""
    ensure(is_team_member(actor, submission), _("Only the team can say what this entry builds on."))
    if utcnow() >= submission.challenge.closes_at:
        raise Conflict(_("The deadline has passed: this entry's lineage is frozen."))
    ensure(can_edit_submission(actor, submission), _("This entry can no longer change."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed(
            _("Keep the note under %(max)s characters.", max=MAX_NOTE), field="note"
        )
    cited = db.session.get(Submission, builds_on_id)
    if cited is None or not can_view_submission(actor, cited):
        raise _not_found(builds_on_id)
    if cited.id == submission.id:
        raise ValidationFailed(_("An entry cannot build on itself."), field="entry")
    if cited.first_submitted_at is None:
        raise ValidationFailed(_("Entry #%(id)s is not submitted yet.", id=cited.id), field="entry")
    before = submission.first_submitted_at or utcnow()
    if not cited.first_submitted_at < before or _ancestors_include(cited.id, submission.id):
        raise ValidationFailed(
            _(
                "Entry #%(id)s was submitted after this one: an entry can only build on "
                "earlier entries.",
                id=cited.id,
            ),
            field="entry",
        )
    citations = list(
        db.session.scalars(sa.select(Lineage.builds_on_id).filter_by(submission_id=submission.id))
    )
    if cited.id in citations:
        raise Conflict(_("This entry already builds on #%(id)s.", id=cited.id))
    if len(citations) >= MAX_CITATIONS:
        raise Conflict(_("An entry can cite at most %(max)s earlier entries.", max=MAX_CITATIONS))
    link = Lineage(submission_id=submission.id, builds_on_id=cited.id, note=note)
    db.session.add(link)
    try:
        db.session.commit()
    except sa.exc.IntegrityError as error:  # the same citation saved at the same moment
        db.session.rollback()
        raise Conflict(_("This entry already builds on #%(id)s.", id=cited.id)) from error
    return link


def remove_builds_on(*, actor: User, submission: Submission, builds_on_id: int) -> None:
    """The team withdraws a citation, before the deadline."""
    ensure(is_team_member(actor, submission), _("Only the team can change this entry's lineage."))
    if utcnow() >= submission.challenge.closes_at:
        raise Conflict(_("The deadline has passed: this entry's lineage is frozen."))
    ensure(can_edit_submission(actor, submission), _("This entry can no longer change."))
    link = db.session.scalar(
        sa.select(Lineage).filter_by(submission_id=submission.id, builds_on_id=builds_on_id)
    )
    if link is None:
        raise NotFound(_("This entry does not cite #%(id)s.", id=builds_on_id))
    db.session.delete(link)
    db.session.commit()


@dataclass(frozen=True)
class Node:
    id: int
    title: str
    level: int  # negative: what the entry builds on; 0: the entry; positive: what builds on it


@dataclass(frozen=True)
class Edge:
    source: int  # builds on ...
    target: int  # ... this earlier entry
    note: str


@dataclass
class LineageGraph:
    center: int
    nodes: dict[int, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False

    def _direct(self, outgoing: bool) -> list[tuple[Node, str]]:
        return [
            (self.nodes[e.target if outgoing else e.source], e.note)
            for e in self.edges
            if (e.source if outgoing else e.target) == self.center
        ]

    def builds_on(self) -> list[tuple[Node, str]]:
        return self._direct(outgoing=True)

    def built_upon_by(self) -> list[tuple[Node, str]]:
        return self._direct(outgoing=False)


def _visible_entries() -> sa.Select:
    """Entries joined as ``visible_condition`` needs, with the title the viewer may see."""
    version = sa.and_(
        SubmissionVersion.submission_id == Submission.id,
        SubmissionVersion.number == Submission.current_version,
    )
    return (
        sa.select(Submission.id, TITLE)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .outerjoin(SubmissionVersion, version)
    )


def _has_lineage(submission_id: int) -> bool:
    """Whether any link starts or ends at the entry: most entries have none, and one indexed
    probe then replaces the title and first-level queries of both directions."""
    touches = sa.or_(Lineage.submission_id == submission_id, Lineage.builds_on_id == submission_id)
    return bool(db.session.scalar(sa.select(sa.exists().where(touches))))


def lineage_graph(
    viewer: User | None, submission: Submission, depth: int = 3, max_nodes: int = MAX_NODES
) -> LineageGraph:
    """Ancestors and descendants up to ``depth`` links away that ``viewer`` may see, breadth
    first with one query per level and direction; unseen entries are left out, not masked."""
    graph = LineageGraph(center=submission.id)
    if not can_view_submission(viewer, submission) or not _has_lineage(submission.id):
        return graph
    now = utcnow()
    center = db.session.execute(_visible_entries().where(Submission.id == submission.id)).one()
    graph.nodes[submission.id] = Node(submission.id, center[1] or "", 0)
    for sign, near, far in (
        (-1, Lineage.submission_id, Lineage.builds_on_id),
        (1, Lineage.builds_on_id, Lineage.submission_id),
    ):
        frontier = {submission.id}
        for level in range(1, depth + 1):
            # Sorted in Python: an ORDER BY here lets SQLite walk the gallery index over every
            # submitted entry (0.5 s at 200k) instead of starting from the few lineage rows.
            rows = db.session.execute(
                _visible_entries()
                .add_columns(near, Lineage.note, Submission.first_submitted_at)
                .join(Lineage, far == Submission.id)
                .where(near.in_(frontier), visible_condition(viewer, now))
            ).all()
            rows.sort(key=lambda row: (row[4] is None, row[4] or now, row[0]))
            frontier = set()
            for entry_id, title, near_id, note, _when in rows:
                if entry_id not in graph.nodes:
                    if len(graph.nodes) >= max_nodes:
                        graph.truncated = True
                        continue
                    graph.nodes[entry_id] = Node(entry_id, title or "", sign * level)
                    frontier.add(entry_id)
                pair = (near_id, entry_id) if sign < 0 else (entry_id, near_id)
                graph.edges.append(Edge(*pair, note=note))
            if not frontier:
                break
    return graph


@dataclass(frozen=True)
class Citation:
    builds_on_id: int
    title: str | None  # None when the team can no longer see the cited entry
    note: str


def citations_of(viewer: User | None, submission: Submission) -> list[Citation]:
    """What ``submission`` declares it builds on, for its team's edit page."""
    visible = sa.case((visible_condition(viewer), True), else_=False)
    rows = db.session.execute(
        _visible_entries()
        .add_columns(Lineage.note, visible)
        .join(Lineage, Lineage.builds_on_id == Submission.id)
        .where(Lineage.submission_id == submission.id)
        .order_by(Lineage.id)
    ).all()
    return [Citation(i, (title or "") if seen else None, note) for i, title, note, seen in rows]


NODE_W, NODE_H, GAP_X, GAP_Y, PAD, LABEL = 210, 40, 20, 46, 10, 30
GREY, BLUE, INK = "#6c757d", "#0d6efd", "#212529"


def _label(node: Node) -> str:
    title = node.title or str(_("Untitled entry"))
    return f"#{node.id} " + (title if len(title) <= LABEL else title[: LABEL - 1] + "…")


def render_lineage_svg(
    graph: LineageGraph, href: Callable[[int], str] = lambda i: f"/submissions/{i}"
) -> Markup:
    """Layered drawing: what the entry builds on above it, what builds on it below; nodes
    link to the entries. Presentation attributes only (the CSP forbids inline styles)."""
    rows: dict[int, list[Node]] = {}
    for node in sorted(graph.nodes.values(), key=lambda n: n.id):
        rows.setdefault(node.level, []).append(node)
    levels = sorted(rows)
    widest = max(len(row) for row in rows.values())
    width = 2 * PAD + widest * NODE_W + (widest - 1) * GAP_X
    height = 2 * PAD + len(levels) * NODE_H + (len(levels) - 1) * GAP_Y
    at: dict[int, tuple[float, float]] = {}
    for i, level in enumerate(levels):
        left = (width - len(rows[level]) * (NODE_W + GAP_X) + GAP_X) / 2
        for j, node in enumerate(rows[level]):
            at[node.id] = (left + j * (NODE_W + GAP_X), PAD + i * (NODE_H + GAP_Y))
    arrow = f"lineage-arrow-{graph.center}"
    label = _("Lineage of entry #%(id)s", id=graph.center)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="img-fluid lineage-graph" role="group" '
        f'aria-label="{escape(label)}">',
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{GREY}"/></marker>'
        "</defs>",
    ]
    for edge in graph.edges:
        (sx, sy), (tx, ty) = at[edge.source], at[edge.target]
        sx, tx = sx + NODE_W / 2, tx + NODE_W / 2
        if sy == ty:  # same row: arc over the top
            path = f"M{sx},{sy} Q{(sx + tx) / 2},{sy - GAP_Y} {tx},{ty}"
        elif sy > ty:
            path = f"M{sx},{sy} L{tx},{ty + NODE_H}"
        else:
            path = f"M{sx},{sy + NODE_H} L{tx},{ty}"
        parts.append(
            f'<path d="{path}" fill="none" stroke="{GREY}" stroke-width="1.5" '
            f'marker-end="url(#{arrow})"><title>{escape(edge.note)}</title></path>'
        )
    for node in graph.nodes.values():
        x, y = at[node.id]
        fill, ink = (BLUE, "#ffffff") if node.id == graph.center else ("#f8f9fa", INK)
        parts.append(
            f'<a href="{escape(href(node.id))}"><title>{escape(node.title)}</title>'
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{fill}" '
            f'stroke="{GREY}"/><text x="{x + NODE_W / 2}" y="{y + NODE_H / 2}" font-size="13" '
            f'text-anchor="middle" dominant-baseline="middle" fill="{ink}">'
            f"{escape(_label(node))}</text></a>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above

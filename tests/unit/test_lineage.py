"""Lineage: citing visible, earlier entries; no cycles; the graph each viewer may see."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts.models import User
from challenges.models import Challenge
from core.db import db, frozen_time, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from submissions import lineage, services
from submissions.models import Lineage, Submission
from tests.factories import make_challenge, make_org, make_user

_minutes = itertools.count(1)


def enter(user: User, challenge: Challenge) -> Submission:
    return services.enter_challenge(
        actor=user, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )


def submitted(challenge: Challenge, title: str) -> Submission:
    """A submitted entry by a new solver, each one a minute later than the one before."""
    entry = enter(make_user(), challenge)
    text = services.EntryText(title, "Summary.", "Body.", "")
    with frozen_time(utcnow() - timedelta(days=1) + timedelta(minutes=next(_minutes))):
        services.save_entry(
            actor=entry.owner, submission=entry, text=text, base_version=0, submit=True
        )
    return entry


def cite(entry: Submission, cited: Submission, note: str = "") -> Lineage:
    return lineage.declare_builds_on(
        actor=entry.owner, submission=entry, builds_on_id=cited.id, note=note
    )


@pytest.fixture
def public() -> Challenge:
    return make_challenge(make_org(owner=make_user()), visibility="public_on_submit")


@pytest.fixture
def private() -> Challenge:
    return make_challenge(make_org(owner=make_user()), visibility="sponsor_only")


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [("123", 123), ("#7", 7), ("/submissions/42", 42), ("https://x.org/submissions/9/", 9)],
)
def test_entries_are_cited_by_number_or_address(text, entry_id) -> None:
    assert lineage.parse_entry_reference(text) == entry_id


@pytest.mark.parametrize("text", ["", "abc", "/challenges/12", "12 13"])
def test_other_references_are_refused(text) -> None:
    with pytest.raises(ValidationFailed, match="number or its address"):
        lineage.parse_entry_reference(text)


def test_a_team_cites_an_earlier_visible_entry_with_a_note(public) -> None:
    old, new = submitted(public, "Old"), submitted(public, "New")
    link = cite(new, old, "  Reused the silo design.  ")
    assert (link.builds_on_id, link.note) == (old.id, "Reused the silo design.")
    with pytest.raises(Conflict, match=f"already builds on #{old.id}"):
        cite(new, old)
    lineage.remove_builds_on(actor=new.owner, submission=new, builds_on_id=old.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lineage)) == 0


def test_a_draft_may_cite_anything_submitted_before_now(public) -> None:
    old = submitted(public, "Old")
    draft = enter(make_user(), public)
    cite(draft, old)


def test_missing_and_invisible_entries_give_the_same_answer(public, private) -> None:
    hidden = submitted(private, "Secret")
    mine = submitted(public, "Mine")
    messages = []
    for missing in (hidden.id, 999_999):
        with pytest.raises(NotFound) as caught:
            lineage.declare_builds_on(
                actor=mine.owner, submission=mine, builds_on_id=missing, note=""
            )
        messages.append(caught.value.message.replace(str(missing), "N"))
    assert messages[0] == messages[1] == "There is no entry #N that you can see."


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("self", ValidationFailed, "cannot build on itself"),
        ("later", ValidationFailed, "submitted after this one"),
        ("draft", ValidationFailed, "not submitted yet"),
        ("long note", ValidationFailed, "under 300 characters"),
        ("stranger", PermissionDenied, "Only the team"),
    ],
)
def test_citations_are_refused_with_a_reason(public, private, case, error, message) -> None:
    entries = {"earlier": submitted(public, "Earlier"), "later": submitted(public, "Later")}
    entries["draft"] = enter(entries["later"].owner, private)  # their own draft elsewhere
    citing, cited, note = {
        "self": ("earlier", "earlier", ""),
        "later": ("earlier", "later", ""),
        "draft": ("later", "draft", ""),
        "long note": ("later", "earlier", "x" * 301),
        "stranger": ("later", "earlier", ""),
    }[case]
    actor = make_user() if case == "stranger" else entries[citing].owner
    with pytest.raises(error, match=message):
        lineage.declare_builds_on(
            actor=actor, submission=entries[citing], builds_on_id=entries[cited].id, note=note
        )


def test_at_most_twenty_citations(public) -> None:
    sources = [submitted(public, f"Source {i}") for i in range(21)]
    newest = submitted(public, "Newest")
    for source in sources[:20]:
        cite(newest, source)
    with pytest.raises(Conflict, match="at most 20"):
        cite(newest, sources[20])


def test_lineage_is_frozen_at_the_deadline(public) -> None:
    old, new = submitted(public, "Old"), submitted(public, "New")
    cite(new, old)
    another = submitted(public, "Another")
    with frozen_time(public.closes_at):
        with pytest.raises(Conflict, match="deadline has passed"):
            cite(another, new)
        with pytest.raises(Conflict, match="deadline has passed"):
            lineage.remove_builds_on(actor=new.owner, submission=new, builds_on_id=old.id)


def test_lineage_cannot_loop(public) -> None:
    a, b, c = submitted(public, "A"), submitted(public, "B"), submitted(public, "C")
    cite(b, a)
    cite(c, b)
    for older, newer in ((a, b), (a, c), (b, c)):
        with pytest.raises(ValidationFailed, match="submitted after this one"):
            cite(older, newer)
    draft = enter(make_user(), public)
    cite(draft, c)
    services.save_entry(
        actor=draft.owner,
        submission=draft,
        text=services.EntryText("D", "S", "B", ""),
        base_version=0,
        submit=True,
    )
    with pytest.raises(ValidationFailed, match="submitted after this one"):
        cite(c, draft)


def test_a_skewed_clock_still_cannot_make_a_loop(public) -> None:
    a, b = submitted(public, "A"), submitted(public, "B")
    cite(b, a)
    b.first_submitted_at = a.first_submitted_at - timedelta(hours=1)  # another server's clock
    db.session.commit()
    with pytest.raises(ValidationFailed, match="submitted after this one"):
        cite(a, b)


def _chain(challenge: Challenge, length: int) -> list[Submission]:
    entries = [submitted(challenge, f"Step {i}") for i in range(length)]
    for older, newer in itertools.pairwise(entries):
        cite(newer, older, f"builds on {older.title}")
    return entries


def test_graph_goes_both_ways_to_a_bounded_depth(public) -> None:
    chain = _chain(public, 7)
    graph = lineage.lineage_graph(None, chain[3], depth=2)
    assert {n.title: n.level for n in graph.nodes.values()} == {
        "Step 1": -2,
        "Step 2": -1,
        "Step 3": 0,
        "Step 4": 1,
        "Step 5": 2,
    }
    assert [(n.title, note) for n, note in graph.builds_on()] == [("Step 2", "builds on Step 2")]
    assert [n.title for n, _ in graph.built_upon_by()] == ["Step 4"]
    assert len(graph.edges) == 4
    capped = lineage.lineage_graph(None, chain[3], depth=5, max_nodes=3)
    assert len(capped.nodes) == 3 and capped.truncated


def test_graph_uses_one_query_per_level(public) -> None:
    chain = _chain(public, 6)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if "lineage" in statement:
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        graph = lineage.lineage_graph(make_user(), chain[-1], depth=5)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(graph.nodes) == 6
    # the probe for any link, five levels up, one level down that finds nothing
    assert len(statements) <= 1 + 5 + 1


def test_an_entry_without_lineage_costs_one_probe(public) -> None:
    alone = submitted(public, "No links")
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        graph = lineage.lineage_graph(make_user(), alone)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert graph.edges == [] and graph.builds_on() == [] and graph.built_upon_by() == []
    assert len([s for s in statements if "lineage" in s]) == 1


def test_graph_omits_what_the_viewer_may_not_see(public) -> None:
    root = submitted(public, "Hidden root")
    middle = submitted(public, "Public middle")
    leaf = submitted(public, "Public leaf")
    cite(middle, root)
    cite(leaf, middle)
    services.withdraw_entry(actor=root.owner, submission=root)  # now only its team sees it
    seen_by_public = lineage.lineage_graph(None, leaf)
    assert {n.title for n in seen_by_public.nodes.values()} == {"Public leaf", "Public middle"}
    assert all(root.id not in (e.source, e.target) for e in seen_by_public.edges)
    seen_by_root_team = lineage.lineage_graph(root.owner, leaf)
    assert "Hidden root" in {n.title for n in seen_by_root_team.nodes.values()}
    assert lineage.lineage_graph(None, root).nodes == {}


def test_graph_shows_submitted_titles_not_unsubmitted_edits(public) -> None:
    old, new = submitted(public, "Old title"), submitted(public, "New")
    cite(new, old)
    old.title = "Unsubmitted rename"
    db.session.commit()
    assert lineage.lineage_graph(None, new).nodes[old.id].title == "Old title"
    assert lineage.lineage_graph(old.owner, new).nodes[old.id].title == "Old title"


def test_svg_escapes_titles_and_uses_no_inline_styles(public) -> None:
    old = submitted(public, '<script>alert("x")</script> & co')
    new = submitted(public, "New")
    cite(new, old, "<b>bold</b> note")
    svg = str(lineage.render_lineage_svg(lineage.lineage_graph(None, new)))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; co" in svg
    assert "<b>" not in svg and "&lt;b&gt;bold" in svg
    assert "style=" not in svg
    assert f'href="/submissions/{old.id}"' in svg and f'href="/submissions/{new.id}"' in svg
    assert svg.count("marker-end=") == 1


def test_citation_list_hides_entries_the_team_can_no_longer_see(public) -> None:
    old, new = submitted(public, "Old"), submitted(public, "New")
    cite(new, old, "why")
    assert [(c.title, c.note) for c in lineage.citations_of(new.owner, new)] == [("Old", "why")]
    services.withdraw_entry(actor=old.owner, submission=old)
    assert [(c.builds_on_id, c.title) for c in lineage.citations_of(new.owner, new)] == [
        (old.id, None)
    ]

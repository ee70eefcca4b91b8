"""Assigning judges: deterministic, conflict-free, idempotent, blind labels, swaps and voids."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.audit import AuditEntry
from core.db import db
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.mail import Mail
from judging import services
from judging.algorithms.labels import entry_labels, label_for
from judging.algorithms.matching import blind_label
from judging.models import Assignment, AssignmentState
from judging.policies import can_open_assignment
from judging.settings import settings_for
from tests.judging_support import (
    judging_world,
    move,
    person,
    seat_judge,
    sponsor_world,
    submit_entry,
)


def _standing(world) -> dict[int, list[int]]:
    """Entry number (1-based) -> judge numbers, for standing assignments."""
    entry_no = {e.id: n for n, e in enumerate(world.entries, start=1)}
    judge_no = {j.id: n for n, j in enumerate(world.judges, start=1)}
    found: dict[int, list[int]] = {n: [] for n in entry_no.values()}
    rows = db.session.scalars(sa.select(Assignment).where(Assignment.state != "void"))
    for row in rows:
        found[entry_no[row.submission_id]].append(judge_no[row.judge_id])
    return {n: sorted(js) for n, js in found.items()}


def test_assignment_follows_judging_example_1_with_conflicts_from_declarations() -> None:
    world = sponsor_world(k=2)
    solvers = [person(f"solver{n}") for n in range(1, 5)]
    world.entries = [submit_entry(world.challenge, s, title=s.handle) for s in solvers]
    seat_judge(world, person("judge1"), conflicts="@solver4")
    seat_judge(world, person("judge2"))
    seat_judge(world, person("judge3"), conflicts="solver2@solver2.example")
    move(world.challenge, "judging")
    report = services.assign_judges(actor=world.owner, challenge=world.challenge)
    assert (report.created, report.kept, report.shortfall) == (8, 0, 0)
    assert _standing(world) == {1: [1, 3], 2: [1, 2], 3: [1, 3], 4: [2, 3]}


def test_blind_labels_are_the_hmac_label_shared_by_judges_and_unique_per_entry() -> None:
    world = judging_world(entry_count=4, judge_count=3, k=2)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    secret = settings_for(world.challenge).secret_bytes
    labels: dict[int, set[str]] = {}
    for row in db.session.scalars(sa.select(Assignment)):
        labels.setdefault(row.submission_id, set()).add(row.blind_label)
    assert all(len(found) == 1 for found in labels.values())
    assert {s: found.pop() for s, found in labels.items()} == {
        e.id: blind_label(secret, e.id) for e in world.entries
    }


def test_a_colliding_label_is_lengthened_to_eight_hex() -> None:
    secret = b"s"
    taken = {blind_label(secret, 7)}
    longer = label_for(secret, 7, taken)
    assert longer.startswith(blind_label(secret, 7)) and len(longer) == len("Entry #") + 8
    assert entry_labels(secret, [7, 8], {9: blind_label(secret, 7)})[7] == longer


def test_rerunning_keeps_assignments_and_only_fills_gaps(mails: list[Mail]) -> None:
    world = judging_world(entry_count=4, judge_count=3, k=2)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    first = _standing(world)
    assert len([m for m in mails if m.subject.startswith("Entries to review")]) == 3
    again = services.assign_judges(actor=world.owner, challenge=world.challenge)
    assert (again.created, again.kept, again.shortfall) == (0, 8, 0)
    assert _standing(world) == first
    settings = settings_for(world.challenge)
    settings.k = 3
    db.session.commit()
    more = services.assign_judges(actor=world.owner, challenge=world.challenge)
    assert (more.created, more.kept, more.shortfall) == (4, 8, 0)
    assert all(set(first[n]) <= set(js) and len(js) == 3 for n, js in _standing(world).items())


def test_a_shortfall_is_reported_when_too_few_judges_are_free_of_conflicts() -> None:
    world = judging_world(entry_count=2, judge_count=1, k=2)
    report = services.assign_judges(actor=world.owner, challenge=world.challenge)
    assert (report.created, report.shortfall) == (2, 2)
    assert "2 judge slots stay empty" in report.message


def test_only_accepted_and_attested_judges_are_assigned() -> None:
    world = judging_world(entry_count=2, judge_count=2, k=3)
    services.invite_judge(actor=world.owner, challenge=world.challenge, email="late@example.org")
    report = services.assign_judges(actor=world.owner, challenge=world.challenge)
    assert report.judges == 2 and report.shortfall == 2


def test_assigning_waits_for_the_deadline_and_needs_the_sponsor() -> None:
    world = judging_world()
    with pytest.raises(PermissionDenied):
        services.assign_judges(actor=world.judges[0].user, challenge=world.challenge)
    move(world.challenge, "open")
    with pytest.raises(Conflict, match="after the submission deadline"):
        services.assign_judges(actor=world.owner, challenge=world.challenge)


def test_assigning_without_entries_says_so() -> None:
    world = sponsor_world()
    seat_judge(world, person("judge1"))
    move(world.challenge, "judging")
    with pytest.raises(ValidationFailed, match="no submitted entries"):
        services.assign_judges(actor=world.owner, challenge=world.challenge)


def _first(world) -> Assignment:
    return db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).first()


def test_swap_replaces_the_judge_and_keeps_the_label() -> None:
    world = judging_world(entry_count=1, judge_count=3, k=2)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    old = _first(world)
    free = next(j for j in world.judges if j.id not in _standing_ids(old.submission_id))
    new = services.swap_judge(actor=world.owner, assignment=old, new_judge=free)
    assert old.state == AssignmentState.VOID and old.void_reason == "Replaced by the sponsor."
    assert new.judge_id == free.id and new.blind_label == old.blind_label
    back = services.swap_judge(actor=world.owner, assignment=new, new_judge=old.judge)
    assert back.id == old.id and back.state == AssignmentState.ASSIGNED


def _standing_ids(submission_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Assignment.judge_id).where(
                Assignment.submission_id == submission_id, Assignment.state != "void"
            )
        )
    )


def test_swap_refuses_a_conflicted_judge() -> None:
    world = judging_world(entry_count=1, judge_count=1, k=1)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    rival = seat_judge(world, person("rival"), conflicts="@solver1")
    with pytest.raises(ValidationFailed, match="has a conflict with this entry"):
        services.swap_judge(actor=world.owner, assignment=_first(world), new_judge=rival)


def test_a_conflict_found_later_voids_the_assignment_and_reassigns_the_slot() -> None:
    world = judging_world(entry_count=1, judge_count=3, k=2)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    assignment = _first(world)
    judge_user = assignment.judge.user
    replacement = services.void_for_conflict(
        actor=judge_user, assignment=assignment, reason="The solver is my cousin."
    )
    assert assignment.state == AssignmentState.VOID and assignment.voided_for_conflict
    assert replacement is not None and replacement.judge_id not in {assignment.judge_id}
    assert len(_standing_ids(assignment.submission_id)) == 2
    assert not can_open_assignment(judge_user, assignment)
    audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "judging.void_for_conflict")
    ).one()
    assert audit.object_id == assignment.id and audit.detail == "The solver is my cousin."
    with pytest.raises(ValidationFailed, match=r"conflict with this entry|already on this entry"):
        services.swap_judge(actor=world.owner, assignment=replacement, new_judge=assignment.judge)


def test_removing_a_judge_hands_their_open_entries_to_others() -> None:
    world = judging_world(entry_count=2, judge_count=3, k=1)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    leaving = _first(world).judge
    created = services.remove_judge(actor=world.owner, judge=leaving)
    assert created and all(row.judge_id != leaving.id for row in created)
    assert all(len(_standing_ids(e.id)) == 1 for e in world.entries)

"""Entries: drafts, immutable versions with content hashes, deadlines to the second, tabs."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts.models import User
from challenges.models import Challenge
from core.db import db, frozen_time
from core.errors import Conflict, PermissionDenied, ValidationFailed
from submissions import services
from submissions.hashing import content_hash
from submissions.models import Submission, SubmissionVersion
from tests.factories import make_challenge, make_org, make_user

TEXT = services.EntryText(
    "Sand battery", "Heat stored in sand.", "## How\n\nA silo.", "https://example.org/code"
)


@pytest.fixture
def entry() -> tuple[Submission, Challenge]:
    org = make_org("Helios", owner=make_user("sponsor"))
    challenge = make_challenge(org, slug="c")
    solver = make_user("solver")
    submission = services.enter_challenge(
        actor=solver, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    return submission, challenge


def _versions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SubmissionVersion))


def test_hash_is_canonical_and_covers_files() -> None:
    base = content_hash(
        title="T",
        summary="S",
        body_md="B",
        links="",
        attachments=[("a.pdf", "11"), ("b.png", "22")],
    )
    same = content_hash(
        title="T",
        summary="S",
        body_md="B",
        links="",
        attachments=[("b.png", "22"), ("a.pdf", "11")],
    )
    assert base == same and len(base) == 64
    assert base != content_hash(
        title="T", summary="S", body_md="B", links="", attachments=[("a.pdf", "11")]
    )
    assert base != content_hash(
        title="T ",
        summary="S",
        body_md="B",
        links="",
        attachments=[("a.pdf", "11"), ("b.png", "22")],
    )


def test_entering_needs_terms_and_attestation_and_happens_once(entry) -> None:
    submission, challenge = entry
    assert submission.status == "draft" and submission.accepted_rules_version == 1
    other = make_user("other")
    with pytest.raises(ValidationFailed):
        services.enter_challenge(
            actor=other, challenge=challenge, accepts_terms=False, attests_eligibility=True
        )
    with pytest.raises(ValidationFailed):
        services.enter_challenge(
            actor=other, challenge=challenge, accepts_terms=True, attests_eligibility=False
        )
    with pytest.raises(Conflict):
        services.enter_challenge(
            actor=submission.owner,
            challenge=challenge,
            accepts_terms=True,
            attests_eligibility=True,
        )


def test_unverified_users_and_sponsors_cannot_enter(entry) -> None:
    _, challenge = entry
    with pytest.raises(PermissionDenied):
        services.enter_challenge(
            actor=make_user("newbie", verified=False),
            challenge=challenge,
            accepts_terms=True,
            attests_eligibility=True,
        )
    sponsor = db.session.scalar(sa.select(User).where(User.handle == "sponsor"))
    with pytest.raises(PermissionDenied):
        services.enter_challenge(
            actor=sponsor, challenge=challenge, accepts_terms=True, attests_eligibility=True
        )


def test_draft_saves_make_no_version_and_submit_makes_version_one(entry) -> None:
    submission, _ = entry
    assert (
        services.save_entry(
            actor=submission.owner, submission=submission, text=TEXT, base_version=0, submit=False
        )
        is None
    )
    assert _versions() == 0 and submission.status == "draft"
    version = services.save_entry(
        actor=submission.owner, submission=submission, text=TEXT, base_version=0, submit=True
    )
    assert version.number == 1 and submission.status == "submitted"
    assert version.content_hash == content_hash(
        title=TEXT.title,
        summary=TEXT.summary,
        body_md=TEXT.body_md,
        links=TEXT.links,
        attachments=[],
    )
    assert submission.challenge.entrant_count == 1


def test_every_changed_save_after_submission_is_a_new_version(entry) -> None:
    submission, _ = entry
    first = services.save_entry(
        actor=submission.owner, submission=submission, text=TEXT, base_version=0, submit=True
    )
    assert (
        services.save_entry(
            actor=submission.owner, submission=submission, text=TEXT, base_version=1, submit=False
        )
        is None
    )
    changed = services.EntryText(TEXT.title, TEXT.summary, TEXT.body_md + "\n\nMore.", TEXT.links)
    second = services.save_entry(
        actor=submission.owner, submission=submission, text=changed, base_version=1, submit=False
    )
    assert second.number == 2 and second.content_hash != first.content_hash
    assert db.session.get(SubmissionVersion, first.id).body_md == TEXT.body_md  # history kept


def test_a_save_from_a_stale_tab_is_refused_and_changes_nothing(entry) -> None:
    submission, _ = entry
    services.save_entry(
        actor=submission.owner, submission=submission, text=TEXT, base_version=0, submit=True
    )
    stale = services.EntryText("Other tab title", TEXT.summary, TEXT.body_md, "")
    with pytest.raises(Conflict, match="another tab"):
        services.save_entry(
            actor=submission.owner, submission=submission, text=stale, base_version=0, submit=False
        )
    db.session.rollback()
    assert db.session.get(Submission, submission.id).title == TEXT.title and _versions() == 1


def test_deadline_is_enforced_to_the_second(entry) -> None:
    submission, challenge = entry
    with frozen_time(challenge.closes_at - timedelta(seconds=1)):
        services.save_entry(
            actor=submission.owner, submission=submission, text=TEXT, base_version=0, submit=True
        )
    late = services.EntryText("Late", TEXT.summary, TEXT.body_md, "")
    with frozen_time(challenge.closes_at), pytest.raises(Conflict, match="deadline for entries"):
        services.save_entry(
            actor=submission.owner, submission=submission, text=late, base_version=1, submit=False
        )
    db.session.rollback()
    assert db.session.get(Submission, submission.id).title == TEXT.title and _versions() == 1


def test_changed_rules_must_be_accepted_before_saving(entry) -> None:
    submission, challenge = entry
    challenge.rules_version = 2
    db.session.commit()
    with pytest.raises(Conflict, match="rules changed"):
        services.save_entry(
            actor=submission.owner, submission=submission, text=TEXT, base_version=0, submit=True
        )
    db.session.rollback()
    services.accept_current_rules(actor=submission.owner, submission=submission)
    version = services.save_entry(
        actor=submission.owner, submission=submission, text=TEXT, base_version=0, submit=True
    )
    assert version.rules_version == 2


def test_submitting_needs_title_summary_and_description(entry) -> None:
    submission, _ = entry
    with pytest.raises(ValidationFailed):
        services.save_entry(
            actor=submission.owner,
            submission=submission,
            text=services.EntryText("", "", "", ""),
            base_version=0,
            submit=True,
        )
    assert _versions() == 0


def test_links_must_be_web_addresses(entry) -> None:
    submission, _ = entry
    bad = services.EntryText("T", "S", "B", "javascript:alert(1)")
    with pytest.raises(ValidationFailed, match="http"):
        services.save_entry(
            actor=submission.owner, submission=submission, text=bad, base_version=0, submit=False
        )


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("https://example.org/my report.pdf", "spaces"),
        ("https://exa mple.org/", "spaces"),
        ("https://example.org/\u200bhidden", "invisible"),
        ("https:///path-only", "no valid host"),
        ("http://[::1/", "no valid host"),
    ],
)
def test_links_must_be_usable_addresses(entry, link: str, message: str) -> None:
    submission, _ = entry
    bad = services.EntryText("T", "S", "B", f"https://example.org/ok\n{link}")
    with pytest.raises(ValidationFailed, match=message):
        services.save_entry(
            actor=submission.owner, submission=submission, text=bad, base_version=0, submit=False
        )


def test_withdraw_and_reinstate_until_the_deadline(entry) -> None:
    submission, challenge = entry
    services.save_entry(
        actor=submission.owner, submission=submission, text=TEXT, base_version=0, submit=True
    )
    services.withdraw_entry(actor=submission.owner, submission=submission)
    assert submission.status == "withdrawn" and challenge.entrant_count == 0
    services.reinstate_entry(actor=submission.owner, submission=submission)
    assert submission.status == "submitted" and challenge.entrant_count == 1
    services.withdraw_entry(actor=submission.owner, submission=submission)
    with frozen_time(challenge.closes_at + timedelta(seconds=1)), pytest.raises(PermissionDenied):
        services.reinstate_entry(actor=submission.owner, submission=submission)

"""The sponsor's side of a challenge's entries, for the entries dashboard and export tests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import OrgRole
from challenges.models import Challenge
from core.db import db
from core.storage import storage
from submissions import services
from submissions.models import Attachment, Submission
from tests.factories import add_member, make_challenge, make_org, make_user


@dataclass
class World:
    challenge: Challenge
    entry: Submission
    draft: Submission


def add_entry(
    challenge: Challenge, handle: str, title: str, files: Iterable[tuple[str, bytes]] = ()
) -> Submission:
    """A submitted entry by a new user ``handle``, with ``files`` attached."""
    solver = make_user(handle)
    entry = services.enter_challenge(
        actor=solver, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    for filename, data in files:
        key = storage().put(data)
        db.session.add(
            Attachment(
                submission_id=entry.id,
                filename=filename,
                content_type="text/plain",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                storage_key=key,
            )
        )
    db.session.commit()
    text = services.EntryText(title, "A summary.", "The **body**.", "https://example.org/code")
    services.save_entry(actor=solver, submission=entry, text=text, base_version=0, submit=True)
    return entry


def build_world(visibility: str = "public_after_close") -> World:
    """Sponsor "helios" (owner, manager, member), "other" (other_owner), an admin, and
    challenge "c" with one submitted entry ("Sand battery" by solver) and a draft."""
    org = make_org("Helios", owner=make_user("owner"), slug="helios")
    add_member(org, make_user("manager"), OrgRole.MANAGER)
    add_member(org, make_user("member"), OrgRole.MEMBER)
    make_org("Other", owner=make_user("other_owner"), slug="other")
    make_user("admin", admin=True)
    challenge = make_challenge(org, slug="c", visibility=visibility)
    entry = add_entry(challenge, "solver", "Sand battery")
    draft = services.enter_challenge(
        actor=make_user("drafter"),
        challenge=challenge,
        accepts_terms=True,
        attests_eligibility=True,
    )
    draft.title = "Secret draft idea"
    db.session.commit()
    return World(challenge, entry, draft)

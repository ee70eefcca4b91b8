"""Delete my account: refused while something still depends on the person, else the account
row is anonymised (never deleted) so entries, reviews, votes, payouts and the ledger keep
pointing at it.

Higher domains say why an account cannot go yet (``register_blocker``: a payout in flight, a
live challenge) and remove what only served the person (``register_cleanup``: follows,
invitations), so accounts imports none of them; ``create_app`` wires them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from accounts.data_export import DATA_EXPORT_KIND
from accounts.models import FORMER_MEMBER, Membership, Notice, Organization, OrgRole, User
from accounts.passwords import verify_password
from accounts.sessions import revoke_all_sessions
from core import audit
from core.db import db, utcnow
from core.errors import Conflict, ValidationFailed
from core.i18n import recipient_locale
from core.jobs import Job, JobState
from core.mail import send_mail

# Not a werkzeug hash (no "$"): no password ever matches it.
UNUSABLE_PASSWORD = "!deleted"  # noqa: S105


@dataclass(frozen=True)
class Obstacle:
    """Why the account cannot be deleted now, and where the person can fix it."""

    reason: str
    url: str = ""
    label: str = ""


Blocker = Callable[[User], list[Obstacle]]
Cleanup = Callable[[User], None]


def register_blocker(app: Flask, name: str, blocker: Blocker) -> None:
    """Let a domain refuse deletion while it still needs the person (registration order)."""
    _register(app, "deletion_blockers", name, blocker)


def register_cleanup(app: Flask, name: str, cleanup: Cleanup) -> None:
    """Let a domain remove, in the deleting transaction, what only served the person. A
    cleanup flushes at most; it never commits."""
    _register(app, "deletion_cleanups", name, cleanup)


def _register(app: Flask, key: str, name: str, hook: Callable[[User], object]) -> None:
    hooks: dict[str, Callable[[User], object]] = app.extensions.setdefault(key, {})
    if name in hooks:
        raise RuntimeError(f"Account deletion hook {name!r} is already registered.")
    hooks[name] = hook


def sole_owned_organizations(user: User) -> list[Organization]:
    """The organizations ``user`` owns with no other owner, by name."""
    other = aliased(Membership)
    other_owner = (
        sa.select(other.id)
        .where(
            other.org_id == Organization.id,
            other.role == OrgRole.OWNER,
            other.user_id != user.id,
        )
        .exists()
    )
    return list(
        db.session.scalars(
            sa.select(Organization)
            .join(Membership, Membership.org_id == Organization.id)
            .where(Membership.user_id == user.id, Membership.role == OrgRole.OWNER, ~other_owner)
            .order_by(Organization.name)
        )
    )


def _sole_owner_of_a_team(user: User) -> list[Obstacle]:
    obstacles = []
    for org in sole_owned_organizations(user):
        others = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.org_id == org.id, Membership.user_id != user.id)
        )
        if others:
            obstacles.append(
                Obstacle(
                    _(
                        "You are the only owner of %(org)s, which has other members: make one "
                        "of them an owner first.",
                        org=org.name,
                    ),
                    url_for("orgs.members", slug=org.slug),
                    _("Members of %(org)s", org=org.name),
                )
            )
    return obstacles


def _forget_memberships(user: User) -> None:
    db.session.execute(sa.delete(Membership).where(Membership.user_id == user.id))


def _forget_notices(user: User) -> None:
    db.session.execute(sa.delete(Notice).where(Notice.user_id == user.id))
    user.unread_notices = 0


def _forget_data_exports(user: User) -> None:
    # Without their job rows the stored ZIPs are no longer offered, and the storage sweep
    # deletes them; a running job is left to finish (it sees only the anonymised row).
    db.session.execute(
        sa.delete(Job).where(
            Job.kind == DATA_EXPORT_KIND, Job.owner_id == user.id, Job.state != JobState.RUNNING
        )
    )


ACCOUNT_BLOCKERS: dict[str, Blocker] = {"organizations": _sole_owner_of_a_team}
ACCOUNT_CLEANUPS: dict[str, Cleanup] = {
    "memberships": _forget_memberships,
    "notices": _forget_notices,
    "data_exports": _forget_data_exports,
}


def deletion_obstacles(user: User) -> list[Obstacle]:
    """Every reason, from every domain, why ``user``'s account cannot be deleted now."""
    blockers = {**ACCOUNT_BLOCKERS, **current_app.extensions.get("deletion_blockers", {})}
    return [obstacle for blocker in blockers.values() for obstacle in blocker(user)]


def deleted_email(user: User) -> str:
    return f"deleted-{user.id}@invalid"


def delete_account(*, actor: User, handle: str, password: str, show_as_former_member: bool) -> None:
    """Delete ``actor``'s own account, confirmed by typing the handle and the password.

    Refused (Conflict) while any domain's blocker objects. Otherwise, in one transaction: an
    e-mail to the address being erased, every domain's clean-up, every session revoked, an
    audit entry, and the row anonymised: address and handle replaced (the address is free for
    a new account), password unusable, profile and settings cleared. The display name stays
    as the attribution of published entries unless the person chose "Former member". Commits.
    """
    if handle.strip().lstrip("@").lower() != actor.handle:
        raise ValidationFailed(_("Type your handle exactly as shown."), field="handle")
    if not verify_password(actor.password_hash, password):
        raise ValidationFailed(_("Your password is wrong."), field="password")
    # Two browsers confirming at once: the second waits here, then finds the deletion done.
    locked = sa.select(User.deleted_at).where(User.id == actor.id).with_for_update()
    if db.session.scalar(locked) is not None:
        raise Conflict(_("This account is already deleted."))
    obstacles = deletion_obstacles(actor)
    if obstacles:
        raise Conflict(
            _("Your account cannot be deleted yet: %(reason)s", reason=obstacles[0].reason)
        )
    _send_goodbye(actor)
    cleanups = {**ACCOUNT_CLEANUPS, **current_app.extensions.get("deletion_cleanups", {})}
    for cleanup in cleanups.values():
        cleanup(actor)
    revoke_all_sessions(actor)
    audit.record(
        actor.id,
        "accounts.delete",
        "user",
        actor.id,
        "shown as former member" if show_as_former_member else "name kept on published work",
    )
    _anonymise(actor, show_as_former_member)
    db.session.commit()


def _send_goodbye(user: User) -> None:
    with recipient_locale(user):
        send_mail(
            user.email,
            _("Your OpenPrize account was deleted"),
            _(
                "Hello %(name)s,\n\nYour OpenPrize account (@%(handle)s) was deleted as you "
                "asked. You can no longer sign in, and this address is free for a new "
                "account.\n\nEntries published under an open licence stay published, as do "
                "judging records and the money ledger, which sponsors and winners rely "
                "on.\n\nIf it was not you, reply to this message at once.\n",
                name=user.display_name,
                handle=user.handle,
            ),
            notice=False,  # the account's notices are being erased
        )


def _anonymise(user: User, show_as_former_member: bool) -> None:
    user.deleted_at = utcnow()
    user.shown_as_former = show_as_former_member
    user.email = deleted_email(user)
    user.pending_email = None
    # A dot is outside the handle rule (accounts.forms.HANDLE_RULE): no one can sign up with
    # it first, so no "deleted-<id>" squatter makes the deletion fail.
    user.handle = f"deleted.{user.id}"
    if show_as_former_member:
        user.display_name = FORMER_MEMBER
    user.password_hash = UNUSABLE_PASSWORD
    user.email_verified_at = None
    user.is_admin = False
    user.bio = ""
    user.website = ""
    user.timezone = ""
    user.locale = None
    user.mail_updates = user.mail_qa = user.mail_reminders = False
    user.bg_region = user.bg_discipline = user.bg_career_stage = user.bg_org_type = None

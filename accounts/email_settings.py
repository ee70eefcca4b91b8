"""Which optional e-mails a person receives, and the one-click unsubscribe links that stop them.

Essential mail (sign-in and security, money, invitations, judging duties, what happens to one's
entries, rule changes and cancellations of followed challenges) always goes. The optional kinds
are listed in ``KINDS``; each has a column on ``User``. ``mail_policy`` is what ``core.mail``
asks at delivery. An unsubscribe link names the account and the kind, is signed, and does not
expire: a link in an old e-mail must still work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import User
from core.db import db
from core.errors import NotFound
from core.mail import OPTIONAL_KINDS, Delivery
from core.tokens import make_token, read_token
from core.urls import external_url

UNSUBSCRIBE_PURPOSE = "unsubscribe"
TEN_YEARS = 10 * 365 * 24 * 3600


@dataclass(frozen=True)
class MailKind:
    name: str
    label: Any  # lazy text: read in the viewer's language
    description: Any

    @property
    def column(self) -> str:
        return f"mail_{self.name}"


KINDS = {
    "updates": MailKind(
        "updates",
        _l("Challenge updates"),
        _l("News a sponsor posts on a challenge you follow."),
    ),
    "qa": MailKind(
        "qa",
        _l("Questions and answers"),
        _l("A sponsor's answer to a question on a challenge you follow."),
    ),
    "reminders": MailKind(
        "reminders",
        _l("Reminders"),
        _l(
            "Deadlines of challenges you follow, reviews still due as a judge, and adoption "
            "updates a sponsor has not yet recorded."
        ),
    ),
}
assert tuple(KINDS) == OPTIONAL_KINDS, "core.mail and accounts list the same optional kinds"
ESSENTIAL = (
    _l("Confirming your address, password resets and changes to your sign-in details"),
    _l("Prizes, payouts and disputes"),
    _l("Invitations to teams, organizations and judging panels, and new entries to review"),
    _l("What happens to your entries (reports, disqualification, awards)"),
    _l("Rule changes and cancellations of challenges you follow"),
)


def unsubscribe_token(user: User, kind: str) -> str:
    return make_token(UNSUBSCRIBE_PURPOSE, {"uid": user.id, "kind": kind})


def mail_policy(to: str, kind: str) -> Delivery:
    """For ``core.mail``: send an optional message unless its account turned the kind off.
    An address with no account (an invitation, say) has no settings to honour."""
    user = db.session.scalar(sa.select(User).where(User.email == to.strip().lower()))
    if user is None or kind not in KINDS:
        return Delivery(send=True)
    if not getattr(user, KINDS[kind].column):
        return Delivery(send=False)
    return Delivery(
        send=True,
        unsubscribe_url=external_url("accounts.unsubscribe", token=unsubscribe_token(user, kind)),
        settings_url=external_url("accounts.email_settings"),
        locale=user.locale or "",
    )


def read_unsubscribe(token: str) -> tuple[User, MailKind]:
    """The account and kind a link names; ``ValidationFailed`` for a damaged link and
    ``NotFound`` when its account is gone."""
    payload = read_token(UNSUBSCRIBE_PURPOSE, token, TEN_YEARS)
    kind = KINDS.get(payload.get("kind")) if isinstance(payload, dict) else None
    user = db.session.get(User, payload.get("uid")) if kind else None
    if user is None or kind is None:
        raise NotFound(_("This unsubscribe link belongs to an account that no longer exists."))
    return user, kind


def unsubscribe(token: str) -> tuple[User, MailKind]:
    """Turn off the kind the link names (again is harmless)."""
    user, kind = read_unsubscribe(token)
    setattr(user, kind.column, False)
    db.session.commit()
    return user, kind


def save_settings(*, actor: User, wanted: set[str]) -> None:
    for kind in KINDS.values():
        setattr(actor, kind.column, kind.name in wanted)
    db.session.commit()

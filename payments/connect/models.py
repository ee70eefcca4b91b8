"""A solver's Stripe Connect Express account, as last seen from Stripe."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, db, utcnow

# Countries offered on the set-up form (Stripe Express, cross-border payouts from a US platform).
COUNTRIES = {
    "US": _l("United States"),
    "CA": _l("Canada"),
    "GB": _l("United Kingdom"),
    "IE": _l("Ireland"),
    "DE": _l("Germany"),
    "FR": _l("France"),
    "NL": _l("Netherlands"),
    "ES": _l("Spain"),
    "IT": _l("Italy"),
    "AU": _l("Australia"),
    "NZ": _l("New Zealand"),
    "SG": _l("Singapore"),
    "JP": _l("Japan"),
}


class PayoutState(enum.StrEnum):
    NOT_SET_UP = "not_set_up"  # no row, or the account was never created at Stripe
    DETAILS_NEEDED = "details_needed"  # Stripe still needs information from the solver
    VERIFYING = "verifying"  # nothing due, but Stripe has not activated transfers yet
    READY = "ready"  # transfers capability active and payouts enabled
    DISCONNECTED = "disconnected"  # the solver removed OpenPrize's access


class ConnectedAccount(db.Model):
    """One per user. The row is committed before Stripe is asked to create the account, so its
    id gives the idempotency key; ``attempt`` moves on only when no account can exist for the
    previous key (Stripe refused, or the solver disconnected and sets up again)."""

    __tablename__ = "connected_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), unique=True
    )
    stripe_account_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    country: Mapped[str] = mapped_column(sa.String(2), default="US")
    attempt: Mapped[int] = mapped_column(default=1)
    details_submitted: Mapped[bool] = mapped_column(default=False)
    transfers_active: Mapped[bool] = mapped_column(default=False)
    payouts_enabled: Mapped[bool] = mapped_column(default=False)
    requirements_due: Mapped[str] = mapped_column(sa.Text, default="")
    disabled_reason: Mapped[str] = mapped_column(sa.String(255), default="")
    deauthorized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("length(country) = 2", name="country_code"),
        sa.CheckConstraint("attempt >= 1", name="attempt_positive"),
        sa.CheckConstraint(
            "stripe_account_id IS NOT NULL"
            " OR NOT (details_submitted OR transfers_active OR payouts_enabled)",
            name="state_needs_account",
        ),
        sa.CheckConstraint(
            "deauthorized_at IS NULL OR NOT transfers_active", name="disconnected_inactive"
        ),
    )

    @property
    def idempotency_key(self) -> str:
        """``connect:<id>`` for the first account; a set-up after a refusal or a disconnection
        needs a key Stripe has not seen, hence the attempt suffix."""
        return f"connect:{self.id}" if self.attempt == 1 else f"connect:{self.id}:{self.attempt}"

    @property
    def due_fields(self) -> list[str]:
        return [name for name in self.requirements_due.split(",") if name]

    @property
    def state(self) -> PayoutState:
        if self.deauthorized_at is not None:
            return PayoutState.DISCONNECTED
        if self.stripe_account_id is None:
            return PayoutState.NOT_SET_UP
        if self.transfers_active and self.payouts_enabled:
            return PayoutState.READY
        if self.due_fields or not self.details_submitted:
            return PayoutState.DETAILS_NEEDED
        return PayoutState.VERIFYING

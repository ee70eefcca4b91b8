"""What the payment gateway returns and raises: plain values, free of the Stripe SDK's types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class GatewayError(Exception):
    """Stripe refused or could not be reached. ``definite`` is False when the outcome is unknown
    (network error, timeout, 5xx, 429): the same call may be retried with the same key."""

    def __init__(self, message: str, *, definite: bool, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.definite = definite
        self.code = code


class SignatureInvalid(Exception):
    """A webhook whose signature does not verify against the endpoint's secret."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str
    payment_status: str
    amount_total: int
    currency: str
    payment_intent: str | None


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str
    amount: int


@dataclass(frozen=True)
class TransferResult:
    id: str
    amount: int
    currency: str  # upper case, as the app stores currencies
    destination: str


def _refund(obj: Any) -> RefundResult:
    data = _as_dict(obj)
    return RefundResult(
        id=str(data["id"]), status=data.get("status", ""), amount=int(data["amount"])
    )


def _transfer(obj: Any) -> TransferResult:
    data = _as_dict(obj)
    return TransferResult(
        id=str(data["id"]),
        amount=int(data["amount"]),
        currency=str(data.get("currency", "")).upper(),
        destination=str(data.get("destination") or ""),
    )


@dataclass(frozen=True)
class ConnectAccountState:
    """What the app keeps of a Connect account: onboarding progress and what is still due."""

    id: str
    details_submitted: bool
    transfers_active: bool
    payouts_enabled: bool
    currently_due: tuple[str, ...]
    disabled_reason: str | None


def connect_account_state(account: Any) -> ConnectAccountState:
    """Read an account from an API response or from a webhook event's ``data.object``."""
    data = _as_dict(account)
    capabilities = data.get("capabilities") or {}
    requirements = data.get("requirements") or {}
    return ConnectAccountState(
        id=str(data["id"]),
        details_submitted=bool(data.get("details_submitted")),
        transfers_active=capabilities.get("transfers") == "active",
        payouts_enabled=bool(data.get("payouts_enabled")),
        currently_due=tuple(str(name) for name in requirements.get("currently_due") or ()),
        disabled_reason=requirements.get("disabled_reason") or None,
    )


def _as_dict(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)

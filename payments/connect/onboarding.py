"""Winner onboarding with Stripe Connect Express: one account per user, a fresh link per click.

The account row is committed before Stripe is asked to create the account; its id gives the
idempotency key, so a double click, a second tab or a retry after an outage all end with the
same Stripe account. No row lock is held while Stripe is called.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import User
from accounts.policies import is_signed_in
from core import audit
from core.db import db, utcnow
from core.errors import Conflict, ensure
from payments.connect.models import COUNTRIES, ConnectedAccount
from payments.gateway import ConnectAccountState, GatewayError, gateway
from payments.jobs import pay_and_settle_later

logger = logging.getLogger("openprize.payments")
# Stripe's answer to a concurrent request with the same key: it is still running, not refused.
IN_PROGRESS_CODES = frozenset({"idempotency_key_in_use"})
# Stripe's answer for an account the platform can no longer reach (access revoked).
NO_ACCESS_CODES = frozenset({"account_invalid"})
OUTAGE = _l("Stripe did not answer. Nothing is lost; please try again in a moment.")

# Readable names for the requirement fields Stripe lists as currently due.
FIELD_WORDS = {
    "business_profile.url": _l("a website or profile link"),
    "business_profile.mcc": _l("your line of business"),
    "external_account": _l("a bank account for payouts"),
    "tos_acceptance.date": _l("acceptance of Stripe's terms"),
    "tos_acceptance.ip": _l("acceptance of Stripe's terms"),
    "individual.dob.day": _l("date of birth"),
    "individual.dob.month": _l("date of birth"),
    "individual.dob.year": _l("date of birth"),
    "individual.first_name": _l("first name"),
    "individual.last_name": _l("last name"),
    "individual.email": _l("e-mail address"),
    "individual.phone": _l("phone number"),
    "individual.ssn_last_4": _l("last 4 digits of your SSN"),
    "individual.id_number": _l("identity number"),
    "individual.verification.document": _l("an identity document"),
}


def account_for(user: User) -> ConnectedAccount | None:
    return db.session.scalar(sa.select(ConnectedAccount).where(ConnectedAccount.user_id == user.id))


def due_in_words(account: ConnectedAccount) -> list[str]:
    """The fields Stripe still needs, in words, each once and in Stripe's order."""
    words: list[str] = []
    for name in account.due_fields:
        known = FIELD_WORDS.get(name)
        word = str(known) if known is not None else name.rsplit(".", 1)[-1].replace("_", " ")
        if word not in words:
            words.append(word)
    return words


def transfers_ready(user_id: int) -> bool:
    """Whether a transfer to this user's account can be attempted (for the payout worker)."""
    found = db.session.scalar(
        sa.select(ConnectedAccount.id).where(
            ConnectedAccount.user_id == user_id,
            ConnectedAccount.stripe_account_id.is_not(None),
            ConnectedAccount.transfers_active.is_(True),
            ConnectedAccount.deauthorized_at.is_(None),
        )
    )
    return found is not None


def start_onboarding(
    *,
    actor: User,
    country: str | None = None,
    return_url: str | None = None,
    refresh_url: str | None = None,
) -> str:
    """The URL of a new Account Link for the actor's account, created at Stripe if needed."""
    ensure(is_signed_in(actor), _("Sign in to set up payouts."))
    if country is not None and country not in COUNTRIES:
        raise Conflict(_("Choose a country from the list."))
    account = _claim(actor, country)
    if account.stripe_account_id is None:
        account = _create_at_stripe(account, actor)
    return _link(account, return_url, refresh_url)


def refresh_onboarding(
    *, actor: User, return_url: str | None = None, refresh_url: str | None = None
) -> str:
    """A new Account Link when the previous one expired or was used (Stripe's ``refresh_url``)."""
    account = account_for(actor)
    if account is None or account.stripe_account_id is None or account.deauthorized_at:
        raise Conflict(_("Start setting up payouts from the payouts page."))
    return _link(account, return_url, refresh_url)


def refresh_status(*, actor: User) -> ConnectedAccount | None:
    """Re-fetch the actor's account from Stripe (the solver is back from onboarding); a ready
    account's due payouts are paid next (PAYOUTS_INLINE), after the response."""
    account = account_for(actor)
    if account is None or account.stripe_account_id is None or account.deauthorized_at:
        return account
    return sync_account(account.stripe_account_id)


def sync_account(account_id: str) -> ConnectedAccount | None:
    """Overwrite the stored state with Stripe's current account; None for an unknown account.
    Commits; a now ready account's due payouts are paid by a job written in that commit."""
    try:
        state = gateway().retrieve_connected_account(account_id)
    except GatewayError as error:
        if error.code in NO_ACCESS_CODES:
            account = _locked_by_stripe_id(account_id)
            if account is not None:
                _disconnect(account, utcnow())
            db.session.commit()
            return account
        logger.warning("could not fetch account %s: %s", account_id, error.message)
        raise Conflict(
            _("Could not check your account with Stripe: %(reason)s", reason=error.message)
        ) from error
    account = _locked_by_stripe_id(account_id)
    if account is not None:
        _apply(account, state)
    db.session.commit()
    return account


def on_account_updated(event: dict[str, Any]) -> str:
    """``account.updated`` for one of our accounts: its state is fetched from Stripe, not read
    from the event, so an older event delivered late can never undo a newer state. An event
    whose ``account`` is not the account it carries is ignored."""
    obj = (event.get("data") or {}).get("object") or {}
    account_id = str(event.get("account") or "")
    if obj.get("id") != account_id:
        return "ignored: the event's account is not its object"
    account = _locked_by_stripe_id(account_id)
    if account is None:
        return "ignored: unknown account"
    try:
        state = gateway().retrieve_connected_account(account_id)
    except GatewayError as error:
        if error.code in NO_ACCESS_CODES:
            _disconnect(account, utcnow())
            return "account updated (disconnected)"
        # Not applied: the webhook answers an error, so Stripe delivers the event again.
        raise Conflict(f"Could not fetch account {account_id}: {error.message}") from error
    _apply(account, state)
    return "account updated" + (" (disconnected)" if account.deauthorized_at else "")


def on_account_deauthorized(event: dict[str, Any]) -> str:
    """The solver removed OpenPrize's access: no transfer can reach the account any more."""
    account = _locked_by_stripe_id(str(event.get("account") or ""))
    if account is None:
        return "ignored: unknown account"
    if account.deauthorized_at is not None:
        return "already disconnected"
    created = event.get("created")
    at = datetime.fromtimestamp(created, UTC) if isinstance(created, int) else utcnow()
    _disconnect(account, at)
    return "account disconnected"


def _claim(actor: User, country: str | None) -> ConnectedAccount:
    """The actor's account row, created (or reset after a disconnection) and committed."""
    account = db.session.scalar(
        sa.select(ConnectedAccount).where(ConnectedAccount.user_id == actor.id).with_for_update()
    )
    if account is None:
        account = ConnectedAccount(user_id=actor.id, country=country or "US")
        db.session.add(account)
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()  # the other tab's row won: use it
            return _claim(actor, country)
        return account
    if account.deauthorized_at is not None:
        _reset(account, actor, country or account.country)
    elif account.stripe_account_id is None and country and country != account.country:
        account.country = country
        account.attempt += 1  # other parameters: the previous key must not be replayed
    db.session.commit()
    return account


def _reset(account: ConnectedAccount, actor: User, country: str) -> None:
    """Set up again after a disconnection: a new Stripe account under a new key."""
    audit.record(
        actor.id,
        "payouts.setup_again",
        "connected_account",
        account.id,
        f"replacing disconnected {account.stripe_account_id}",
    )
    account.stripe_account_id = None
    account.attempt += 1
    account.country = country
    account.deauthorized_at = None
    account.details_submitted = account.transfers_active = account.payouts_enabled = False
    account.requirements_due = account.disabled_reason = ""
    account.last_synced_at = None


def _create_at_stripe(account: ConnectedAccount, actor: User) -> ConnectedAccount:
    platform_country = current_app.config["STRIPE_PLATFORM_COUNTRY"]
    try:
        state = gateway().create_connected_account(
            country=account.country,
            email=actor.email,
            idempotency_key=account.idempotency_key,
            metadata={"user_id": str(actor.id), "connected_account_id": str(account.id)},
            recipient=account.country != platform_country,
        )
    except GatewayError as error:
        if error.definite and error.code not in IN_PROGRESS_CODES:
            # Nothing was created under this key: the next click may send new parameters.
            account = _locked(account.id)
            account.attempt += 1
            db.session.commit()
            raise Conflict(
                _("Stripe refused to set up the account: %(reason)s", reason=error.message)
            ) from error
        logger.warning("account for user %s: outcome unknown: %s", actor.id, error.message)
        raise Conflict(str(OUTAGE)) from error
    account = _locked(account.id)
    if account.stripe_account_id is None:
        account.stripe_account_id = state.id
        _apply(account, state)
        audit.record(actor.id, "payouts.account_created", "connected_account", account.id, state.id)
    elif account.stripe_account_id != state.id:
        logger.error(
            "account row %s has %s, Stripe answered %s",
            account.id,
            account.stripe_account_id,
            state.id,
        )
    db.session.commit()
    return account


def _link(account: ConnectedAccount, return_url: str | None, refresh_url: str | None) -> str:
    assert account.stripe_account_id is not None
    try:
        return gateway().create_account_link(
            account_id=account.stripe_account_id,
            refresh_url=refresh_url or url_for("payments.payouts_refresh", _external=True),
            return_url=return_url or url_for("payments.payouts_return", _external=True),
        )
    except GatewayError as error:
        if error.code in NO_ACCESS_CODES:
            _disconnect(_locked(account.id), utcnow())
            db.session.commit()
            raise Conflict(
                _("Stripe says OpenPrize no longer has access to this account; set up again.")
            ) from error
        if not error.definite:
            raise Conflict(str(OUTAGE)) from error
        raise Conflict(
            _("Stripe could not open the set-up page: %(reason)s", reason=error.message)
        ) from error


def _locked(account_id: int) -> ConnectedAccount:
    account = db.session.get(
        ConnectedAccount, account_id, populate_existing=True, with_for_update=True
    )
    assert account is not None
    return account


def _locked_by_stripe_id(stripe_account_id: str) -> ConnectedAccount | None:
    if not stripe_account_id.startswith("acct_"):
        return None
    return db.session.scalar(
        sa.select(ConnectedAccount)
        .where(ConnectedAccount.stripe_account_id == stripe_account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _apply(account: ConnectedAccount, state: ConnectAccountState) -> None:
    """Flush only. A ready account's due payouts are paid by a job written with the change
    (in the web process: after the response): ``payments.payouts.inline``, with the worker's
    claims and keys."""
    account.details_submitted = state.details_submitted
    account.transfers_active = state.transfers_active and account.deauthorized_at is None
    account.payouts_enabled = state.payouts_enabled
    account.requirements_due = ",".join(state.currently_due)
    account.disabled_reason = (state.disabled_reason or "")[:255]
    account.last_synced_at = utcnow()
    if account.transfers_active:
        pay_and_settle_later(user_id=account.user_id, after_response=True)


def _disconnect(account: ConnectedAccount, at: datetime) -> None:
    if account.deauthorized_at is None:
        account.deauthorized_at = at
        audit.record(None, "payouts.disconnected", "connected_account", account.id)
    account.transfers_active = False

"""A built-in Stripe: the REST wire format, state, idempotency and signed webhooks for OpenPrize."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from werkzeug.test import Client

from payments.simulator import controls
from payments.simulator.api import DROPPED_HEADER, SimulatorApp
from payments.simulator.events import Context
from payments.simulator.store import Store
from payments.simulator.wire import RequestError, public, sign_payload

__all__ = [
    "RequestError",
    "SimulatedConnectionError",
    "Stall",
    "StripeSimulator",
    "sign_payload",
]

log = logging.getLogger(__name__)
Deliver = Callable[[str, bytes, str], None]
T = TypeVar("T")


class SimulatedConnectionError(ConnectionError):
    """Raised by ``StripeSimulator.dispatch`` when a fault drops the connection (status=0)."""


class Stall:
    """A request held inside Stripe (its key in flight) until ``release``: ``reached`` is set
    once it is held. For tests of concurrent requests; in-process only."""

    def __init__(self, method: str, path_prefix: str) -> None:
        self.method = method.upper()
        self.path_prefix = path_prefix
        self.reached = threading.Event()
        self._released = threading.Event()

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method.upper()) and path.startswith(self.path_prefix)

    def hold(self) -> None:
        self.reached.set()
        self._released.wait()

    def release(self) -> None:
        self._released.set()


class StripeSimulator:
    """One simulated Stripe account: API over WSGI, controls as methods, webhooks via ``deliver``.

    With ``store_path`` every instance opened on the same SQLite file (in any process) sees the
    same objects, idempotency keys, events and fault rules; without it, state is in memory.
    """

    def __init__(
        self,
        *,
        store_path: str | None = None,
        webhook_secret: str = "whsec_simulated_platform",  # noqa: S107 - public test value
        connect_webhook_secret: str = "whsec_simulated_connect",  # noqa: S107
        deliver: Deliver | None = None,
        hosted_base: str = "",
        clock: Callable[[], int] | None = None,
    ) -> None:
        self.store = Store(store_path)
        self.secrets = {"platform": webhook_secret, "connect": connect_webhook_secret}
        self.deliver = deliver
        self.hosted_base = hosted_base.rstrip("/")
        self.clock: Callable[[], int] = clock or (lambda: int(time.time()))
        self.wsgi_app = SimulatorApp(self)
        self._stalls: list[Stall] = []
        self._stalls_lock = threading.Lock()

    def dispatch(
        self, method: str, url: str, headers: dict[str, str], post_data: bytes | str | None
    ) -> tuple[bytes, int, dict[str, str]]:
        """Answer one SDK request in-process: (body, status, lower-cased headers), no socket.

        A dropped-connection fault raises ``SimulatedConnectionError``; an SDK adapter turns it
        into ``stripe.APIConnectionError`` (which the SDK may retry).
        """
        parts = urlsplit(url)
        headers = dict(headers)
        content_type = headers.pop("Content-Type", None) or headers.pop("content-type", None)
        response = Client(self.wsgi_app, use_cookies=False).open(
            parts.path,
            base_url=f"{parts.scheme or 'https'}://{parts.netloc or 'api.stripe.com'}",
            query_string=parts.query,
            method=method.upper(),
            headers=headers,
            data=post_data.encode() if isinstance(post_data, str) else post_data,
            content_type=content_type,
        )
        if response.headers.get(DROPPED_HEADER):
            raise SimulatedConnectionError(f"Simulated dropped connection: {method} {url}")
        lowered = {name.lower(): value for name, value in response.headers.items()}
        return response.get_data(), response.status_code, lowered

    def _act(self, action: Callable[..., T], *args: Any) -> T:
        """Run one control in its own transaction, then deliver the events it emitted."""
        with self.store.transaction() as tx:
            ctx = Context(tx, self.clock(), self.hosted_base)
            result = action(ctx, *args)
        self.deliver_events(ctx.outbox)
        return result

    def complete_checkout(self, session_id: str, outcome: str = "paid") -> None:
        """``paid``/``async_pending`` an open session; then ``async_succeeded``/``async_failed``."""
        self._act(controls.complete_checkout, session_id, outcome)

    def expire_checkout(self, session_id: str) -> None:
        self._act(controls.expire_checkout, session_id)

    def complete_onboarding(self, account_id: str) -> None:
        self._act(controls.complete_onboarding, account_id)

    def request_information(self, account_id: str, fields: list[str]) -> None:
        self._act(controls.request_information, account_id, list(fields))

    def deauthorize(self, account_id: str) -> None:
        self._act(controls.deauthorize, account_id)

    def create_dispute(self, charge_id: str) -> str:
        return self._act(controls.create_dispute, charge_id)

    def close_dispute(self, dispute_id: str, status: str) -> None:
        self._act(controls.close_dispute, dispute_id, status)

    def reverse_transfer(self, transfer_id: str) -> None:
        self._act(controls.reverse_transfer, transfer_id)

    def fail_next(
        self,
        method: str,
        path_prefix: str,
        *,
        status: int = 500,
        count: int = 1,
        after_processing: bool = False,
    ) -> None:
        """Make the next ``count`` matching /v1 requests fail with ``status`` (0 = dropped).

        ``method`` may be ``"*"``. With ``after_processing`` the request is applied (and its
        idempotency key remembered) before the failure is answered: Stripe did it, the reply
        was lost. Injected failures are never saved under the idempotency key.
        """
        if status != 0 and not 400 <= status <= 599:
            raise ValueError("status must be 0 (dropped connection) or an HTTP error status")
        if count < 1:
            raise ValueError("count must be at least 1")
        with self.store.transaction() as tx:
            tx.add_fault(method, path_prefix, status, count, after_processing)

    def stall_next(self, method: str, path_prefix: str) -> Stall:
        """Hold the next matching /v1 request after its idempotency key is marked in flight
        and before it runs, until the returned ``Stall`` is released (this process only)."""
        stall = Stall(method, path_prefix)
        with self._stalls_lock:
            self._stalls.append(stall)
        return stall

    def stall_if_asked(self, method: str, path: str) -> None:
        with self._stalls_lock:
            stall = next((s for s in self._stalls if s.matches(method, path)), None)
            if stall is not None:
                self._stalls.remove(stall)
        if stall is not None:
            stall.hold()

    def events(self) -> list[dict[str, Any]]:
        """Every event emitted, oldest first."""
        with self.store.transaction() as tx:
            return [json.loads(event.payload) for event in tx.events()]

    def delivery_failures(self) -> list[dict[str, Any]]:
        """Events whose latest delivery raised: id, endpoint, attempts and the error."""
        with self.store.transaction() as tx:
            return [
                {"id": e.id, "endpoint": e.endpoint, "attempts": e.attempts, "error": e.last_error}
                for e in tx.events()
                if e.last_error is not None
            ]

    def redeliver(self, event_id: str) -> None:
        """Send a stored event again, byte for byte, with a fresh signature (a replay)."""
        with self.store.transaction() as tx:
            if tx.event(event_id) is None:
                raise RequestError(404, f"No such event: '{event_id}'", code="resource_missing")
        self.deliver_events([event_id])

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """Every stored object of a kind (``transfer``, ``checkout.session``…), oldest first."""
        with self.store.transaction() as tx:
            return [public(obj) for obj in tx.all(kind)]

    def deliver_events(self, event_ids: list[str]) -> None:
        """Sign and hand each event to ``deliver``; a failing receiver is recorded, not raised."""
        if self.deliver is None:
            return
        for event_id in event_ids:
            with self.store.transaction() as tx:
                event = tx.event(event_id)
            if event is None:
                continue
            payload = event.payload.encode()
            # Stamped with wall-clock time: receivers check freshness against their own clock.
            header = sign_payload(payload, self.secrets[event.endpoint], int(time.time()))
            error: str | None = None
            try:
                self.deliver(event.endpoint, payload, header)
            except Exception as exc:  # the receiver's failure must not fail the API call
                log.warning("Webhook delivery of %s failed: %r", event_id, exc)
                error = repr(exc) or type(exc).__name__
            with self.store.transaction() as tx:
                tx.note_delivery(event_id, error)

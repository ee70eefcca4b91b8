"""The context a simulated operation runs in: its transaction, clock, and the events it emits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from payments.simulator.store import Tx
from payments.simulator.wire import API_VERSION, dumps, new_id, no_such, public


@dataclass
class Context:
    """One operation: it reads and writes through ``tx`` and queues events for delivery."""

    tx: Tx
    now: int
    hosted_base: str = ""
    request_id: str | None = None
    idempotency_key: str | None = None
    outbox: list[str] = field(default_factory=list)

    def load(self, kind: str, object_id: str, param: str = "id") -> dict[str, Any]:
        """The stored object or a ``resource_missing`` error naming ``param``."""
        obj = self.tx.find(kind, object_id) if isinstance(object_id, str) else None
        if obj is None:
            raise no_such(kind, str(object_id), param)
        return obj

    def create(self, kind: str, prefix: str, fields: dict[str, Any]) -> dict[str, Any]:
        obj = {
            "id": new_id(prefix),
            "object": kind,
            "created": self.now,
            "livemode": False,
            **fields,
        }
        self.tx.save(kind, obj)
        return obj

    def emit(
        self,
        event_type: str,
        obj: dict[str, Any],
        *,
        account: str | None = None,
        previous: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Store an event about ``obj``; one with an ``account`` goes to the Connect endpoint."""
        data: dict[str, Any] = {"object": public(obj)}
        if previous:
            data["previous_attributes"] = previous
        event: dict[str, Any] = {"id": new_id("evt_"), "object": "event"}
        if account:
            event["account"] = account
        event |= {
            "api_version": API_VERSION,
            "created": self.now,
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": self.request_id, "idempotency_key": self.idempotency_key},
            "type": event_type,
        }
        self.tx.add_event(event["id"], "connect" if account else "platform", dumps(event))
        self.outbox.append(event["id"])
        return event

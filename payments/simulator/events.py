"""The context a simulated operation runs in: its transaction, clock, and the events it emits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from payments.simulator.store import Tx
from payments.simulator.wire import (
    API_VERSION,
    dumps,
    get_int,
    get_str,
    invalid,
    new_id,
    no_such,
    public,
)


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


def list_page(
    ctx: Context, params: dict[str, Any], kind: str, filters: Iterable[str], url: str
) -> dict[str, Any]:
    """A list endpoint: objects of ``kind`` newest first, filtered on equality by the named
    ``filters`` present in ``params``, cursor-paginated (``starting_after``/``ending_before``)."""
    limit = get_int(params, "limit", minimum=1)
    limit = 10 if limit is None else limit
    if limit > 100:
        raise invalid("limit", "This value must be less than or equal to 100.")
    wanted = {name: get_str(params, name) for name in filters}
    rows = [
        obj
        for obj in reversed(ctx.tx.all(kind))
        if all(value is None or obj.get(name) == value for name, value in wanted.items())
    ]
    after = get_str(params, "starting_after")
    before = get_str(params, "ending_before")
    ids = [obj["id"] for obj in rows]
    for cursor, param in ((after, "starting_after"), (before, "ending_before")):
        if cursor is not None and ctx.tx.find(kind, cursor) is None:
            raise no_such(kind, cursor, param)
    if after is not None:
        rows = rows[ids.index(after) + 1 :] if after in ids else []
        page, has_more = rows[:limit], len(rows) > limit
    elif before is not None:
        rows = rows[: ids.index(before)] if before in ids else []
        page, has_more = rows[-limit:], len(rows) > limit
    else:
        page, has_more = rows[:limit], len(rows) > limit
    return {
        "object": "list",
        "data": [public(obj) for obj in page],
        "has_more": has_more,
        "url": url,
    }

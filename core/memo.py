"""A per-process memo for computations over versioned inputs (e.g. a challenge's reviews).

``VersionedMemo.get(key, version, compute)`` returns the value stored for ``key`` when it was
computed at the same ``version``, else computes, stores and returns it. The version must move
whenever the inputs change (``judging.results.freshness`` keeps such a counter per challenge),
so a hit is exactly what a fresh computation would return: every process may keep its own copy
and nothing is shared or invalidated. Only read-only requests use it (``memo_allowed``): in a
request that writes, the counter may have moved inside a transaction that is then rolled back.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import has_request_context, request

T = TypeVar("T")


def memo_allowed() -> bool:
    """Whether this is a read-only request (GET or HEAD), where versions read are committed."""
    return has_request_context() and request.method in ("GET", "HEAD")


class VersionedMemo(Generic[T]):
    """At most ``maxsize`` keys, least recently used first out."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, tuple[Hashable, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: Hashable | None, compute: Callable[[], T]) -> T:
        if version is None or not memo_allowed():
            return compute()
        with self._lock:
            stored = self._values.get(key)
            if stored is not None and stored[0] == version:
                self._values.move_to_end(key)
                return stored[1]
        value = compute()
        with self._lock:
            self._values[key] = (version, value)
            self._values.move_to_end(key)
            while len(self._values) > self.maxsize:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
